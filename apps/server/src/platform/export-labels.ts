import { type Locale, labels } from '@parley/contracts';

/**
 * The enumerated values (roles, statuses, connection kinds, conversation statuses, channels, first
 * authors, audit actions and target types), the same words as the console's (`labels` in the contracts);
 * audit actions here by their whole code (`team.members_set`).
 */
function enumerated(lang: Locale) {
  const { auditActions, ...rest } = labels[lang];
  const byCode: Record<string, string> = Object.fromEntries(
    Object.entries(auditActions).flatMap(([group, names]) =>
      Object.entries(names).map(([name, words]) => [`${group}.${name}`, words]),
    ),
  );
  return { ...rest, auditActions: byCode };
}

/**
 * The words of every table export (CSV / XLSX), in each language the console speaks: column headers
 * and the enumerated values a reader sees, worded as the console shows them, so a file matches the
 * screen it was exported from. Identifiers, names, free text and timestamps are never translated.
 * English defines the keys; every other language must have every one (a missing one is a type error).
 */
const en = {
  yes: 'Yes',
  no: 'No',
  ...enumerated('en'),
  operators: {
    name: 'Name',
    email: 'E-mail',
    role: 'Role',
    teams: 'Teams',
    status: 'Status',
    statusSince: 'Status since',
    lastLogin: 'Last login',
    active: 'Active conversations',
    pending: 'Pending response',
  },
  connections: {
    at: 'Time',
    operator: 'Operator',
    kind: 'Event',
    detail: 'Detail',
    ip: 'IP',
    browser: 'Browser',
    os: 'OS',
  },
  audit: {
    at: 'Time',
    action: 'Action',
    actionCode: 'Action code',
    actor: 'Actor',
    actorId: 'Actor id',
    impersonator: 'Impersonated by',
    targetType: 'Target type',
    targetId: 'Target id',
    before: 'Before',
    after: 'After',
    ip: 'IP',
    browser: 'Browser',
    os: 'OS',
  },
  conversations: {
    number: 'Number',
    customer: 'Customer',
    phone: 'Phone',
    email: 'E-mail',
    externalId: 'External id',
    country: 'Country',
    channel: 'Channel',
    operator: 'Operator',
    team: 'Team',
    created: 'Created',
    duration: 'Duration (s)',
    rating: 'Rating',
    status: 'Status',
    snoozed: 'Snoozed',
    inactivity: 'Inactivity (s)',
    responseFromCreation: 'Response from creation (s)',
    responseFromAssignment: 'Response from assignment (s)',
    firstAuthor: 'First message by',
    tags: 'Tags',
    id: 'Id',
  },
  surveys: {
    conversation: 'Conversation',
    customer: 'Customer',
    email: 'E-mail',
    sentAt: 'Sent at',
    answeredAt: 'Answered at',
  },
};

type Wording<T> = { readonly [K in keyof T]: T[K] extends string ? string : Wording<T[K]> };
export type ExportLabels = Wording<typeof en>;

const es: ExportLabels = {
  yes: 'Sí',
  no: 'No',
  ...enumerated('es'),
  operators: {
    name: 'Nombre',
    email: 'Correo',
    role: 'Rol',
    teams: 'Equipos',
    status: 'Estado',
    statusSince: 'Estado desde',
    lastLogin: 'Último acceso',
    active: 'Conversaciones activas',
    pending: 'Pendientes de respuesta',
  },
  connections: {
    at: 'Fecha y hora',
    operator: 'Operador',
    kind: 'Evento',
    detail: 'Detalle',
    ip: 'Dirección IP',
    browser: 'Navegador',
    os: 'Sistema operativo',
  },
  audit: {
    at: 'Hora',
    action: 'Acción',
    actionCode: 'Código de la acción',
    actor: 'Autor',
    actorId: 'Id del autor',
    impersonator: 'Suplantado por',
    targetType: 'Tipo de objeto',
    targetId: 'Id del objeto',
    before: 'Antes',
    after: 'Después',
    ip: 'Dirección IP',
    browser: 'Navegador',
    os: 'Sistema operativo',
  },
  conversations: {
    number: 'Número',
    customer: 'Cliente',
    phone: 'Teléfono',
    email: 'Correo electrónico',
    externalId: 'ID externo',
    country: 'País',
    channel: 'Canal',
    operator: 'Operador',
    team: 'Equipo',
    created: 'Creada',
    duration: 'Duración (s)',
    rating: 'Valoración',
    status: 'Estado',
    snoozed: 'Pospuesta',
    inactivity: 'Inactividad (s)',
    responseFromCreation: 'Respuesta desde la creación (s)',
    responseFromAssignment: 'Respuesta desde la asignación (s)',
    firstAuthor: 'Primer mensaje de',
    tags: 'Etiquetas',
    id: 'Id',
  },
  surveys: {
    conversation: 'Conversación',
    customer: 'Cliente',
    email: 'Correo electrónico',
    sentAt: 'Enviada',
    answeredAt: 'Respondida',
  },
};

const fr: ExportLabels = {
  yes: 'Oui',
  no: 'Non',
  ...enumerated('fr'),
  operators: {
    name: 'Nom',
    email: 'E-mail',
    role: 'Rôle',
    teams: 'Équipes',
    status: 'Statut',
    statusSince: 'Statut depuis',
    lastLogin: 'Dernière connexion',
    active: 'Conversations actives',
    pending: 'En attente de réponse',
  },
  connections: {
    at: 'Date et heure',
    operator: 'Opérateur',
    kind: 'Événement',
    detail: 'Détail',
    ip: 'Adresse IP',
    browser: 'Navigateur',
    os: 'Système d’exploitation',
  },
  audit: {
    at: 'Heure',
    action: 'Action',
    actionCode: 'Code de l’action',
    actor: 'Auteur',
    actorId: 'Id de l’auteur',
    impersonator: 'Session d’emprunt par',
    targetType: 'Type de cible',
    targetId: 'Id de la cible',
    before: 'Avant',
    after: 'Après',
    ip: 'Adresse IP',
    browser: 'Navigateur',
    os: 'Système d’exploitation',
  },
  conversations: {
    number: 'Numéro',
    customer: 'Client',
    phone: 'Téléphone',
    email: 'E-mail',
    externalId: 'Identifiant externe',
    country: 'Pays',
    channel: 'Canal',
    operator: 'Opérateur',
    team: 'Équipe',
    created: 'Créée',
    duration: 'Durée (s)',
    rating: 'Note',
    status: 'Statut',
    snoozed: 'En veille',
    inactivity: 'Inactivité (s)',
    responseFromCreation: 'Réponse depuis la création (s)',
    responseFromAssignment: 'Réponse depuis l’attribution (s)',
    firstAuthor: 'Premier message de',
    tags: 'Étiquettes',
    id: 'Id',
  },
  surveys: {
    conversation: 'Conversation',
    customer: 'Client',
    email: 'E-mail',
    sentAt: 'Envoyé le',
    answeredAt: 'Répondu le',
  },
};

const byLocale: Record<Locale, ExportLabels> = { en, es, fr };

export const exportLabels = (lang: Locale): ExportLabels => byLocale[lang];

const labelOf = (words: Readonly<Record<string, string>>, code: string): string =>
  Object.hasOwn(words, code) ? words[code]! : code;

export const yesNo = (l: ExportLabels, value: boolean): string => (value ? l.yes : l.no);

/** An audit action's name, else its code (a code recorded before or after this list was written). */
export const auditActionLabel = (l: ExportLabels, action: string): string => labelOf(l.auditActions, action);

export const auditTargetLabel = (l: ExportLabels, type: string | null): string | null =>
  type === null ? null : labelOf(l.auditTargets, type);

/**
 * An effective status (`connected`, `disconnected`, a built-in one or `custom:<id>`) as the console
 * names it: built-in ones translated, a custom one by its name in the workspace (`customNames`, by id),
 * one deleted since as "unavailable".
 */
export function statusLabel(
  l: ExportLabels,
  status: string,
  customNames: ReadonlyMap<string, string>,
): string {
  if (Object.hasOwn(l.statuses, status)) return l.statuses[status as keyof ExportLabels['statuses']];
  const id = status.startsWith('custom:') ? status.slice('custom:'.length) : status;
  return customNames.get(id) ?? l.statuses.unknown;
}

import { Box, Text } from '@mantine/core';
import { type AuditEntryView, assignmentRule, grantablePermissions, roles } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { useDateTimeText } from '../../i18n/dates.ts';
import { enOperators } from '../../i18n/locales/en-operators.ts';
import { useSurveys } from '../compose/compose-api.ts';
import { useMembers } from '../members/members-api.ts';
import { useTeams } from '../routing/routing-api.ts';
import { isBuiltInStatus, useStatusLabel } from '../routing/statuses.tsx';
import { changeLines, looksLikeDateTime, looksLikeId } from './audit-changes.ts';

/** Lines shown per entry; the export has all of them, and every value in full. */
const maxLines = 6;
const maxChars = 80;

const clip = (text: string) => (text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text);
const isOneOf = <T extends string>(list: readonly T[], value: string): value is T =>
  (list as readonly string[]).includes(value);

/** The action's name in the reader's language, else its code (a newer server may write others). */
function useActionLabel(): (action: string) => string {
  const { t } = useTranslation();
  return (action) => {
    // An object comes back for a prefix of known codes (`team`), which is not an action either.
    const label: unknown = t(`audit.actions.${action}` as 'audit.actions.team.created', {
      returnObjects: true,
      defaultValue: action,
    });
    return typeof label === 'string' ? label : action;
  };
}

/**
 * The audit log's action filter: every action this console knows, by its name in the reader's
 * language (sorted), after "any action"; a code from a shared link that it does not know stays
 * selectable as the code itself.
 */
export function useActionOptions(current: string): { value: string; label: string }[] {
  const { t, i18n } = useTranslation();
  const label = useActionLabel();
  const codes = Object.entries(enOperators.audit.actions).flatMap(([group, names]) =>
    Object.keys(names).map((name) => `${group}.${name}`),
  );
  if (current && !codes.includes(current)) codes.push(current);
  const options = codes
    .map((code) => ({ value: code, label: label(code) }))
    .sort((a, b) => a.label.localeCompare(b.label, i18n.language));
  return [{ value: '', label: t('audit.anyAction') }, ...options];
}

export function ActionCell({ action }: { action: string }) {
  const label = useActionLabel()(action);
  return (
    <>
      <Text size="sm">{label}</Text>
      {label !== action && (
        <Text size="xs" c="dimmed" ff="monospace">
          {action}
        </Text>
      )}
    </>
  );
}

export type ValueText = ReturnType<typeof useValueText>;

/**
 * How an entry's recorded values read: names for ids, labels for codes, dates in the reader's
 * language; a conversation by its number and customer, as the server resolved them for `entries`.
 */
export function useValueText(workspaceId: string, entries: readonly AuditEntryView[]) {
  const { t } = useTranslation();
  const conversations = new Map(entries.flatMap((e) => e.conversations).map((c) => [c.id, c]));
  const conversationName = (id: string): string | undefined => {
    const found = conversations.get(id.toLowerCase());
    if (!found) return undefined;
    return found.customerName
      ? t('audit.conversation', { number: found.number, name: found.customerName })
      : t('audit.conversationNumber', { number: found.number });
  };
  const dateTime = useDateTimeText(true);
  const members = useMembers(workspaceId);
  const teams = useTeams(workspaceId);
  const surveys = useSurveys(workspaceId);
  const statusLabel = useStatusLabel(workspaceId);

  const field = (key: string) => {
    if (/^\d+$/.test(key)) return `#${Number(key) + 1}`;
    const label: unknown = t(`audit.fields.${key}` as 'audit.fields.name', { defaultValue: key });
    return typeof label === 'string' ? label : key;
  };

  const scalar = (key: string, value: string | number | boolean): string => {
    if (typeof value === 'boolean') return value ? t('audit.yes') : t('audit.no');
    if (typeof value === 'number') return String(value);
    if (value === '') return '—';
    if (key === 'role' && isOneOf(roles, value)) return t(`roles.${value}`);
    if (key === 'permissions' && isOneOf(grantablePermissions, value)) return t(`permissions.${value}`);
    if (
      key === 'status' &&
      (isBuiltInStatus(value) || value === 'disconnected' || value.startsWith('custom:'))
    )
      return statusLabel(value);
    if (key === 'rule' && isOneOf(assignmentRule.options, value)) return t(`settings.teams.rules.${value}`);
    if (key === 'what') return exportName(value);
    if (looksLikeId(value)) {
      return (
        members.data?.find((m) => m.userId === value)?.name ??
        teams.data?.find((team) => team.id === value)?.name ??
        conversationName(value) ??
        value
      );
    }
    if (looksLikeDateTime(value)) return dateTime(value);
    return value;
  };

  const value = (key: string, v: unknown): string => {
    if (v === null || v === undefined) return '—';
    if (Array.isArray(v)) {
      if (v.length === 0) return '—';
      if (v.some((item) => typeof item === 'object' && item !== null))
        return t('audit.items', { count: v.length });
      return clip(v.map((item) => scalar(key, item as string | number | boolean)).join(', '));
    }
    if (typeof v === 'object') {
      const parts = Object.entries(v as Record<string, unknown>).map(
        ([k, inner]) => `${t('audit.fieldName', { field: field(k) })} ${value(k, inner)}`,
      );
      return clip(parts.join(', ')) || '—';
    }
    return clip(scalar(key, v as string | number | boolean));
  };

  /** What an export exported ("Operators", "Audit log"), else the code it was recorded with. */
  const exportName = (what: string): string => {
    const label: unknown = t(`audit.exports.${what}` as 'audit.exports.operators', { defaultValue: what });
    return typeof label === 'string' ? label : what;
  };

  /**
   * A member, team or survey by its current name, the workspace by its own, an export by what it
   * exported, anything else by the name the entry recorded.
   */
  const target = (entry: AuditEntryView, workspaceName: string): string =>
    currentName(entry, workspaceName) ??
    recordedName(entry.after) ??
    recordedName(entry.before) ??
    entry.targetId ??
    '';

  const currentName = (entry: AuditEntryView, workspaceName: string): string | undefined => {
    const id = entry.targetId ?? '';
    switch (entry.targetType) {
      case 'user':
        return members.data?.find((m) => m.userId === id)?.name;
      case 'team':
        return teams.data?.find((team) => team.id === id)?.name;
      case 'survey':
        return surveys.data?.find((survey) => survey.id === id)?.name;
      case 'conversation':
        return conversationName(id);
      case 'workspace':
        return workspaceName;
      case 'export':
        return exportName(id);
      case 'conversation_export':
        return exportName('conversations');
      default:
        return undefined;
    }
  };

  return { field, value, target };
}

const recordedName = (side: unknown): string | undefined => {
  if (typeof side !== 'object' || side === null) return undefined;
  const record = side as Record<string, unknown>;
  const name = ['name', 'email', 'shortcut']
    .map((key) => record[key])
    .find((v) => typeof v === 'string' && v);
  return name as string | undefined;
};

export function TargetCell({
  entry,
  workspaceName,
  text,
}: {
  entry: AuditEntryView;
  workspaceName: string;
  text: ValueText;
}) {
  const { t } = useTranslation();
  if (!entry.targetType) return <>—</>;
  const type: unknown = t(`audit.targets.${entry.targetType}` as 'audit.targets.user', {
    defaultValue: entry.targetType,
  });
  return (
    <>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {text.target(entry, workspaceName)}
      </Text>
      <Text size="xs" c="dimmed">
        {typeof type === 'string' ? type : entry.targetType}
      </Text>
    </>
  );
}

/** "Role: Operator → Supervisor", one line per changed field; a creation or deletion lists its fields. */
export function ChangeCell({ entry, text: { field, value } }: { entry: AuditEntryView; text: ValueText }) {
  const { t } = useTranslation();
  const lines = changeLines(entry.before, entry.after);
  if (lines.length === 0) return <Text size="xs">—</Text>;
  const update = entry.before != null && entry.after != null;
  const shown = lines.slice(0, maxLines);
  return (
    <Box component="ul" m={0} p={0} style={{ listStyle: 'none', overflowWrap: 'anywhere' }}>
      {shown.map((line) => {
        const key = line.path.findLast((segment) => !/^\d+$/.test(segment)) ?? '';
        const name = line.path.map(field).join(' › ');
        const change = update
          ? `${value(key, line.before)} → ${value(key, line.after)}`
          : value(key, line.after === undefined ? line.before : line.after);
        return (
          <Text component="li" size="xs" key={line.path.join('.')}>
            {name && (
              <Text span inherit fw={600}>
                {t('audit.fieldName', { field: name })}{' '}
              </Text>
            )}
            {change}
          </Text>
        );
      })}
      {lines.length > maxLines && (
        <Text component="li" size="xs" c="dimmed">
          {t('audit.more', { count: lines.length - maxLines })}
        </Text>
      )}
    </Box>
  );
}

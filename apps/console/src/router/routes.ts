export type Route =
  | { name: 'root' }
  | { name: 'setup' }
  | { name: 'login' }
  | { name: 'forgot-password' }
  | { name: 'reset-password' }
  | { name: 'invite'; token: string }
  | {
      name: 'workspace';
      workspaceId: string;
      section: WorkspaceSection;
      conversationId?: string;
      settings?: SettingsPage;
      /** On the team editor: the team's id, or 'new'. */
      teamId?: string;
      /** Operator management: the operator shown, and which of their pages. */
      operatorId?: string;
      operatorPage?: OperatorPage;
    }
  | { name: 'not-found' };

export type WorkspaceSection =
  | 'home'
  | 'members'
  | 'monitoring'
  | 'settings'
  | 'operators'
  | 'audit'
  | 'all-conversations'
  | 'inbox';
export type OperatorPage = 'detail' | 'connections';
export const settingsPages = [
  'teams',
  'routing',
  'statuses',
  'widget',
  'conversations',
  'surveys',
  'canned',
] as const;
export type SettingsPage = (typeof settingsPages)[number];
const isSettingsPage = (value: string | undefined): value is SettingsPage =>
  (settingsPages as readonly (string | undefined)[]).includes(value);

const staticRoutes: Record<string, Route> = {
  '/': { name: 'root' },
  '/setup': { name: 'setup' },
  '/login': { name: 'login' },
  '/forgot-password': { name: 'forgot-password' },
  '/reset-password': { name: 'reset-password' },
};

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export function matchRoute(pathname: string): Route {
  const trimmed = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const known = staticRoutes[trimmed];
  if (known) return known;
  const parts = trimmed.split('/').slice(1);
  const [first, second, third, fourth] = parts;
  const id = second ? decode(second) : null;
  if (first === 'invite' && id && parts.length === 2) return { name: 'invite', token: id };
  if (first === 'w' && id && parts.length === 2)
    return { name: 'workspace', workspaceId: id, section: 'home' };
  if (first === 'w' && id && parts.length === 3 && third === 'members') {
    return { name: 'workspace', workspaceId: id, section: 'members' };
  }
  if (first === 'w' && id && parts.length === 3 && third === 'monitoring') {
    return { name: 'workspace', workspaceId: id, section: 'monitoring' };
  }
  if (first === 'w' && id && parts.length === 3 && third === 'conversations') {
    return { name: 'workspace', workspaceId: id, section: 'all-conversations' };
  }
  if (first === 'w' && id && parts.length === 3 && third === 'inbox') {
    return { name: 'workspace', workspaceId: id, section: 'inbox' };
  }
  if (first === 'w' && id && third === 'settings') return matchSettings(id, parts.slice(3));
  if (first === 'w' && id && third === 'operators') return matchOperators(id, parts.slice(3));
  if (first === 'w' && id && parts.length === 3 && third === 'audit') {
    return { name: 'workspace', workspaceId: id, section: 'audit' };
  }
  const conversationId = fourth ? decode(fourth) : null;
  if (first === 'w' && id && parts.length === 4 && third === 'c' && conversationId) {
    return { name: 'workspace', workspaceId: id, section: 'home', conversationId };
  }
  return { name: 'not-found' };
}

/** `/w/:id/operators[/:userId[/connections]]` */
function matchOperators(workspaceId: string, rest: string[]): Route {
  const [operatorSegment, page] = rest;
  if (rest.length === 0) return { name: 'workspace', workspaceId, section: 'operators' };
  const operatorId = operatorSegment ? decode(operatorSegment) : null;
  if (!operatorId || rest.length > 2 || (page !== undefined && page !== 'connections'))
    return { name: 'not-found' };
  return {
    name: 'workspace',
    workspaceId,
    section: 'operators',
    operatorId,
    operatorPage: page === 'connections' ? 'connections' : 'detail',
  };
}

/** `/w/:id/settings[/page[/teamId]]`; a bare `/settings` opens the first page. */
function matchSettings(workspaceId: string, rest: string[]): Route {
  const [page, teamSegment] = rest;
  if (rest.length === 0) return { name: 'workspace', workspaceId, section: 'settings', settings: 'teams' };
  if (!isSettingsPage(page)) return { name: 'not-found' };
  if (rest.length === 1) return { name: 'workspace', workspaceId, section: 'settings', settings: page };
  const teamId = teamSegment ? decode(teamSegment) : null;
  if (page === 'teams' && teamId && rest.length === 2) {
    return { name: 'workspace', workspaceId, section: 'settings', settings: page, teamId };
  }
  return { name: 'not-found' };
}

export const paths = {
  workspace: (workspaceId: string) => `/w/${encodeURIComponent(workspaceId)}`,
  conversation: (workspaceId: string, conversationId: string) =>
    `/w/${encodeURIComponent(workspaceId)}/c/${encodeURIComponent(conversationId)}`,
  members: (workspaceId: string) => `/w/${encodeURIComponent(workspaceId)}/members`,
  monitoring: (workspaceId: string) => `/w/${encodeURIComponent(workspaceId)}/monitoring`,
  allConversations: (workspaceId: string) => `/w/${encodeURIComponent(workspaceId)}/conversations`,
  inbox: (workspaceId: string) => `/w/${encodeURIComponent(workspaceId)}/inbox`,
  settings: (workspaceId: string, page: SettingsPage = 'teams') =>
    `/w/${encodeURIComponent(workspaceId)}/settings/${page}`,
  team: (workspaceId: string, teamId: string) =>
    `/w/${encodeURIComponent(workspaceId)}/settings/teams/${encodeURIComponent(teamId)}`,
  operators: (workspaceId: string) => `/w/${encodeURIComponent(workspaceId)}/operators`,
  operator: (workspaceId: string, userId: string) =>
    `/w/${encodeURIComponent(workspaceId)}/operators/${encodeURIComponent(userId)}`,
  connections: (workspaceId: string, userId: string) =>
    `/w/${encodeURIComponent(workspaceId)}/operators/${encodeURIComponent(userId)}/connections`,
  audit: (workspaceId: string) => `/w/${encodeURIComponent(workspaceId)}/audit`,
  login: (next?: string) => (next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login'),
};

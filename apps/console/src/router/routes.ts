export type Route =
  | { name: 'root' }
  | { name: 'setup' }
  | { name: 'login' }
  | { name: 'forgot-password' }
  | { name: 'reset-password' }
  | { name: 'invite'; token: string }
  | { name: 'workspace'; workspaceId: string; section: WorkspaceSection; conversationId?: string }
  | { name: 'not-found' };

export type WorkspaceSection = 'home' | 'members';

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
  const conversationId = fourth ? decode(fourth) : null;
  if (first === 'w' && id && parts.length === 4 && third === 'c' && conversationId) {
    return { name: 'workspace', workspaceId: id, section: 'home', conversationId };
  }
  return { name: 'not-found' };
}

export const paths = {
  workspace: (workspaceId: string) => `/w/${encodeURIComponent(workspaceId)}`,
  conversation: (workspaceId: string, conversationId: string) =>
    `/w/${encodeURIComponent(workspaceId)}/c/${encodeURIComponent(conversationId)}`,
  members: (workspaceId: string) => `/w/${encodeURIComponent(workspaceId)}/members`,
  login: (next?: string) => (next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login'),
};

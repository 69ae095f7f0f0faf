import { sign, verifySignature } from '../../platform/secrets.ts';

/** A visitor's bearer token: which workspace and which browser, signed with the installation secret. */
export function issueVisitorToken(secret: string, workspaceId: string, visitorId: string): string {
  const body = `${workspaceId}.${visitorId}`;
  return `v1.${body}.${sign(secret, 'visitor', body)}`;
}

export function readVisitorToken(
  secret: string,
  token: string,
): { workspaceId: string; visitorId: string } | null {
  const match = /^v1\.([0-9a-f-]{36})\.([0-9a-f-]{36})\.([A-Za-z0-9_-]+)$/.exec(token);
  if (!match) return null;
  const [, workspaceId, visitorId, signature] = match as unknown as [string, string, string, string];
  if (!verifySignature(secret, 'visitor', `${workspaceId}.${visitorId}`, signature)) return null;
  return { workspaceId, visitorId };
}

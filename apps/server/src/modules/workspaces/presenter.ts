import type { Invite, Member, Role, Workspace } from '@parley/contracts';

export const presentWorkspace = (w: {
  id: string;
  name: string;
  timezone: string;
  widgetKey: string;
  createdAt: Date;
}): Workspace => ({
  id: w.id,
  name: w.name,
  timezone: w.timezone,
  widgetKey: w.widgetKey,
  createdAt: w.createdAt.toISOString(),
});

export const presentMember = (m: {
  userId: string;
  name: string;
  email: string;
  role: Role;
  permissions: string[];
  createdAt: Date;
  lastLoginAt: Date | null;
  status: string;
  statusSince: Date;
  signedIn: boolean;
  capacity: number;
}): Member => ({
  userId: m.userId,
  name: m.name,
  email: m.email,
  role: m.role,
  permissions: m.permissions,
  joinedAt: m.createdAt.toISOString(),
  lastLoginAt: m.lastLoginAt?.toISOString() ?? null,
  status: m.status,
  statusSince: m.statusSince.toISOString(),
  signedIn: m.signedIn,
  capacity: m.capacity,
});

export const presentInvite = (
  i: { id: string; email: string; role: Role; permissions: string[]; createdAt: Date; expiresAt: Date },
  url?: string,
): Invite => ({
  id: i.id,
  email: i.email,
  role: i.role,
  permissions: i.permissions,
  createdAt: i.createdAt.toISOString(),
  expiresAt: i.expiresAt.toISOString(),
  ...(url ? { url } : {}),
});

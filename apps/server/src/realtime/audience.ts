import type { EventName } from '@parley/contracts';
import type { StoredEvent } from '../events/bus.ts';
import { can, type Principal } from '../modules/workspaces/policy.ts';

type Rule = (principal: Principal, event: StoredEvent) => boolean;

const membersOnly: Rule = (p) => p.kind === 'operator';
const memberManagers: Rule = (p) => can(p, 'members.manage');

/**
 * Who may receive each event on a socket: the same predicates the HTTP routes use. An event without a
 * rule reaches nobody, so a new event is private until someone decides its audience.
 */
const rules: Record<EventName, Rule> = {
  'workspace.updated': membersOnly,
  'member.joined': membersOnly,
  'member.updated': membersOnly,
  'member.removed': membersOnly,
  'invite.created': memberManagers,
  'invite.revoked': memberManagers,
};

/** Returns what this principal may see of the event, or null when it must not reach them. */
export function present(principal: Principal, event: StoredEvent): StoredEvent | null {
  const rule = rules[event.name as EventName];
  if (!rule?.(principal, event)) return null;
  return event;
}

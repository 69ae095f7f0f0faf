import type { widgetQueue } from '@parley/contracts';
import { format, type Messages } from '../i18n.ts';
import { CLOSED_AT_END } from './events.ts';
import type { ChatMessage } from './messages.ts';

/** `GET /api/widget/queue` (ROUTE-2); the schema is only used as a type, so zod stays out of the bundle. */
export type WidgetQueue = ReturnType<(typeof widgetQueue)['parse']>;

/** The visitor's place while their conversation waits in a team queue. */
export interface QueuePlace {
  /** 1 = next. */
  position: number;
  estimatedWaitSeconds: number | null;
}

/** "about 4 min", or "less than a minute" under 60 s (rounded to whole minutes). */
export function waitText(t: Messages, seconds: number): string {
  if (seconds < 60) return t.queueWaitUnderMinute;
  return format(t.queueWaitMinutes, { minutes: Math.round(seconds / 60) });
}

/** "You are number 3 in the queue · about 4 min"; empty when not waiting. */
export function queueText(t: Messages, place: QueuePlace | null): string {
  if (!place) return '';
  const position =
    place.position <= 1 ? t.queueNext : format(t.queuePosition, { position: Math.round(place.position) });
  const seconds = place.estimatedWaitSeconds;
  return seconds === null ? position : `${position} · ${waitText(t, seconds)}`;
}

/** Beyond this estimate "a few minutes" would promise less than the queue line says. */
const FEW_MINUTES_SECONDS = 5 * 60;

/**
 * The header's line under the title: away or closed when nobody can answer; while online, "we usually
 * reply in a few minutes" unless the visitor's own queue estimate says longer, then only "we're online"
 * (the queue line beneath gives the wait).
 */
export function subtitleText(
  t: Messages,
  state: { online: boolean; closedHours: boolean; place: QueuePlace | null },
): string {
  if (!state.online) return state.closedHours ? t.outOfHoursSubtitle : t.awaySubtitle;
  const wait = state.place?.estimatedWaitSeconds ?? null;
  return wait !== null && wait > FEW_MINUTES_SECONDS ? t.onlineSubtitle : t.subtitle;
}

/** The server's answer as something to show: null once nobody waits (an operator took it). */
export function toPlace(queue: WidgetQueue): QueuePlace | null {
  return queue.position === null
    ? null
    : { position: queue.position, estimatedWaitSeconds: queue.estimatedWaitSeconds };
}

/**
 * An operator already wrote in the current conversation. Messages of an earlier, closed one end at
 * `closedAfter` (the key of their last message), so only what follows it counts.
 */
export function operatorReplied(messages: readonly ChatMessage[], closedAfter: string | null): boolean {
  const boundary =
    closedAfter && closedAfter !== CLOSED_AT_END ? messages.findIndex((m) => m.key === closedAfter) : -1;
  return messages.slice(boundary + 1).some((m) => m.authorKind === 'operator');
}

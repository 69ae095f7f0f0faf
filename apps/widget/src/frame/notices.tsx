import type { Messages } from '../i18n.ts';
import { type QueuePlace, queueText } from './queue.ts';

/** The offline form points at this notice for its accessible name when the team is closed. */
export const OUT_OF_HOURS_ID = 'out-of-hours';

const ICON_CLOCK =
  'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm.5-13H11v6l5.2 3.2.8-1.3-4.5-2.7z';

/** ROUTE-6: the team is outside its business hours; its own message if it has one. */
export function OutOfHoursNotice({ t, message }: { t: Messages; message?: string | null }) {
  return (
    <p class="hours-notice" id={OUT_OF_HOURS_ID}>
      <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d={ICON_CLOCK} />
      </svg>
      <span dir="auto">{message ?? t.outOfHoursNotice}</span>
    </p>
  );
}

/** Nobody can answer right now, but the chat stays open: the message waits for the next operator. */
export function AwayNotice({ t }: { t: Messages }) {
  return (
    <p class="hours-notice away-notice" role="status">
      <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d={ICON_CLOCK} />
      </svg>
      <span>{t.awayNotice}</span>
    </p>
  );
}

/** ROUTE-2: "You are number 3 in the queue · about 4 min"; always rendered so changes are announced. */
export function QueueStatus({ t, place }: { t: Messages; place: QueuePlace | null }) {
  return (
    <p class="queue-status" role="status">
      {queueText(t, place)}
    </p>
  );
}

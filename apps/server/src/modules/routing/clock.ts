/**
 * The routing clock: business hours and status time read the time from here, so a test can move it
 * (a team opening for the day, a period ending in the future) without waiting. Liveness
 * (`last_active_at` against the database's `now()`) stays on real time.
 */
let current: () => Date = () => new Date();

export const now = (): Date => current();

/** Tests only: replaces the clock; call with no argument to go back to real time. */
export function setClock(fn?: () => Date): void {
  current = fn ?? (() => new Date());
}

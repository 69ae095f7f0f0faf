/** How often "typing: true" is repeated while the visitor types, and when silence means "stopped". */
const REPEAT_MS = 2000;
const IDLE_MS = 3000;

/** Throttles the visitor's typing signals: true at most every 2 s while typing, false after 3 s idle or on send. */
export function createTypingSender(send: (typing: boolean) => void): { input(): void; stop(): void } {
  let active = false;
  let lastSent = 0;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const stop = (): void => {
    clearTimeout(idleTimer);
    if (!active) return;
    active = false;
    send(false);
  };

  return {
    input() {
      const now = Date.now();
      if (!active || now - lastSent >= REPEAT_MS) {
        active = true;
        lastSent = now;
        send(true);
      }
      clearTimeout(idleTimer);
      idleTimer = setTimeout(stop, IDLE_MS);
    },
    stop,
  };
}

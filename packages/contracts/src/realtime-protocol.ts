// Constants of the realtime protocol without any schema library, so the widget's connector stays small.

/** Close codes of the realtime gateway. 4xxx are Parley's own. */
export const closeCodes = {
  /** The server is going away; reconnect (to this or another node) and resume. */
  goingAway: 1001,
  /** The client could not keep up; reconnect and resume from the last sequence seen. */
  slowConsumer: 4008,
  /** Missing or invalid session / visitor token: do not retry until the user logs in again. */
  unauthorized: 4401,
  /** Unknown workspace or no membership. */
  notFound: 4404,
} as const;

/** Seconds between heartbeats; a client that hears nothing for two of them reconnects. */
export const heartbeatSeconds = 15;

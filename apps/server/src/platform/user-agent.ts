import { UAParser } from 'ua-parser-js';

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
  browser: string | null;
  os: string | null;
}

export function describeClient(ip: string | undefined, userAgent: string | undefined): ClientInfo {
  if (!userAgent) return { ip: ip ?? null, userAgent: null, browser: null, os: null };
  const ua = new UAParser(userAgent).getResult();
  const join = (name?: string, version?: string) => (name ? [name, version].filter(Boolean).join(' ') : null);
  return {
    ip: ip ?? null,
    userAgent: userAgent.slice(0, 500),
    browser: join(ua.browser.name, ua.browser.major),
    os: join(ua.os.name, ua.os.version),
  };
}

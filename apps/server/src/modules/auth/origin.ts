import type { FastifyRequest } from 'fastify';

/**
 * Whether a cookie-authenticated WebSocket may open from the page that asks. Browsers send the
 * page's Origin with every WebSocket handshake and, unlike fetch, apply no CORS to it: without this
 * check any site a logged-in operator visits could open their console's socket. Accepted: the
 * origin of `PUBLIC_URL`, or the very host the request was sent to (a console opened at
 * 127.0.0.1 while PUBLIC_URL says localhost). No Origin at all is a non-browser client, which
 * carries no ambient cookie.
 */
export function socketOriginAllowed(request: FastifyRequest, publicUrl: string): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  let given: string;
  try {
    given = new URL(origin).origin;
  } catch {
    return false;
  }
  if (given === 'null') return false;
  if (given === new URL(publicUrl).origin) return true;
  return given === `${request.protocol}://${request.host}`;
}

/**
 * The console's Content-Security-Policy: only its own scripts, styles (Mantine sets inline styles),
 * images (attachments, data: icons, blob: previews) and connections (API and its socket); nobody
 * may frame it.
 */
export const consoleCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

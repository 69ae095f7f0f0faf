import type { Attachment } from '@parley/contracts';
import type { StoredEvent } from '../../events/bus.ts';
import { sign, verifySignature } from '../../platform/secrets.ts';

export interface StoredAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
}

/** How long a signed link works. Every read signs again, so a page that is open keeps fresh links. */
export const LINK_HOURS = 6;
const HOUR = 3_600_000;
/** Kept well under Fastify's 100-character limit on a path parameter (longer answers 414). */
const MAX_PATH_NAME = 60;

/**
 * The name in the link's path is only for people reading the URL (and a browser's default file name
 * when it ignores Content-Disposition): ASCII, no separators, short. The stored name, whole, is sent
 * in Content-Disposition.
 */
export function pathName(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|-+$/g, '');
  if (ascii.length <= MAX_PATH_NAME) return ascii || 'file';
  const dot = ascii.lastIndexOf('.');
  const ext = dot > 0 && ascii.length - dot <= 10 ? ascii.slice(dot) : '';
  return ascii.slice(0, MAX_PATH_NAME - ext.length).replace(/[-.]+$/, '') + ext;
}

const payload = (id: string, exp: number) => `${id}:${exp}`;

/**
 * Attachments are fetched through signed links, so an <img> works for visitor and operator alike.
 * A link expires `LINK_HOURS` (rounded up to the hour, so repeated reads give the same URL for the
 * browser's cache) after it was made.
 */
export function presentAttachment(secret: string, a: StoredAttachment, now = Date.now()): Attachment {
  const exp = Math.ceil((now + LINK_HOURS * HOUR) / HOUR) * (HOUR / 1000);
  const sig = sign(secret, 'file', payload(a.id, exp));
  return {
    id: a.id,
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    url: `/api/files/${a.id}/${pathName(a.name)}?exp=${exp}&sig=${sig}`,
  };
}

/** Signs the attachments of a stored message again: events replayed hours later carry working links. */
export function refreshAttachmentLinks<T extends { attachments: Attachment[] }>(
  secret: string,
  message: T,
): T {
  if (message.attachments.length === 0) return message;
  return { ...message, attachments: message.attachments.map((a) => presentAttachment(secret, a)) };
}

/** For the realtime replay: a message event read back from the outbox gets working links. */
export function refreshEventLinks(secret: string, event: StoredEvent): StoredEvent {
  if (event.name !== 'message.created') return event;
  const payload = event.payload as { message?: { attachments?: Attachment[] } };
  const message = payload.message;
  if (!message?.attachments?.length) return event;
  const fresh = refreshAttachmentLinks(secret, { ...message, attachments: message.attachments });
  return { ...event, payload: { ...payload, message: fresh } };
}

export type LinkCheck = 'ok' | 'invalid' | 'expired';

/** A tampered link (any part of id, expiry or signature changed) is invalid; a genuine old one expired. */
export function checkFileLink(
  secret: string,
  input: { id: string; exp: string | undefined; sig: string | undefined },
  now = Date.now(),
): LinkCheck {
  if (!input.sig || !input.exp || !/^\d{1,12}$/.test(input.exp)) return 'invalid';
  if (!verifySignature(secret, 'file', payload(input.id, Number(input.exp)), input.sig)) return 'invalid';
  return Number(input.exp) * 1000 <= now ? 'expired' : 'ok';
}

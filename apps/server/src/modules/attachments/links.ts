import type { Attachment } from '@parley/contracts';
import { sign, verifySignature } from '../../platform/secrets.ts';

export interface StoredAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
}

/** Attachments are fetched through signed links, so an <img> works for visitor and operator alike. */
export function presentAttachment(secret: string, a: StoredAttachment): Attachment {
  return {
    ...a,
    url: `/api/files/${a.id}/${encodeURIComponent(a.name)}?sig=${sign(secret, 'file', a.id)}`,
  };
}

export const verifyFileSignature = (secret: string, id: string, sig: string) =>
  verifySignature(secret, 'file', id, sig);

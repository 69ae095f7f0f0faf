import { createHash, randomBytes } from 'node:crypto';

export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');
/** Secrets are stored hashed: a leaked table gives no usable session, invite or reset link. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

import { createHmac, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from './db/client.ts';
import { instanceSettings } from './db/schema.ts';
import { randomToken } from './tokens.ts';

/** The installation's signing key, created on first start and shared by every node through the database. */
export async function loadInstanceSecret(db: Db): Promise<string> {
  await db
    .insert(instanceSettings)
    .values({ key: 'secret', value: randomToken(32) })
    .onConflictDoNothing();
  const [row] = await db.select().from(instanceSettings).where(eq(instanceSettings.key, 'secret'));
  return row!.value;
}

export const hmac = (key: string, data: string) => createHmac('sha256', key).update(data).digest();

export function sign(key: string, purpose: string, data: string): string {
  return hmac(key, `${purpose}:${data}`).toString('base64url');
}

export function verifySignature(key: string, purpose: string, data: string, signature: string): boolean {
  const expected = hmac(key, `${purpose}:${data}`);
  const given = Buffer.from(signature, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

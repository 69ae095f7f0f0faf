import { hash, verify } from '@node-rs/argon2';

// Argon2id with the library's defaults (19 MiB, 2 passes): ~57 ms a hash on this machine.
export const hashPassword = (password: string) => hash(password);

const DUMMY = hash('parley-timing-equaliser');

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  // Unknown accounts cost the same time as known ones, so timing does not reveal which e-mails exist.
  if (!passwordHash) {
    await verify(await DUMMY, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}

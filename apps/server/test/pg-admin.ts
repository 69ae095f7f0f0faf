import pg from 'pg';
import { openDatabase } from '../src/platform/db/client.ts';

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string, name: string) {
  await admin(url, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

export async function createTemplateDatabase(url: string, name: string) {
  await dropDatabase(url, name);
  await admin(url, (c) => c.query(`CREATE DATABASE "${name}"`));
  const database = await openDatabase({ url: withDatabase(url, name), dataDir: '' });
  await database.close();
}

/** A fresh database cloned from the migrated template; retried because clones of one template collide. */
export async function cloneDatabase(url: string, template: string, name: string) {
  for (let attempt = 0; ; attempt++) {
    try {
      await admin(url, (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
      return;
    } catch (err) {
      if (attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
}

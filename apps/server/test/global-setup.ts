import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/platform/db/client.ts';
import { createTemplateDatabase, dropDatabase } from './pg-admin.ts';

/**
 * Migrates once per run: a PGlite dump that each test file loads in ~0.3 s, or a PostgreSQL template
 * database that each test file clones with CREATE DATABASE … TEMPLATE.
 */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `parley_template_${process.pid}`;
    await createTemplateDatabase(url, name);
    project.provide('pgTemplate', name);
    return async () => dropDatabase(url, name);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-template-'));
  const database = await openDatabase({ dataDir: dir, inMemory: true });
  const pglite = (database.db as unknown as { $client: { dumpDataDir(c: 'gzip'): Promise<Blob> } }).$client;
  const dump = await pglite.dumpDataDir('gzip');
  await database.close();
  const file = path.join(dir, 'template.tar.gz');
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  return async () => fs.rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string;
    pgliteTemplate: string;
  }
}

// Run by the build (apps/server/build.mjs): an empty database with every migration applied, which a
// new PGlite data directory starts from instead of an initdb and the migrations.
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, schemaVersion, templatePath } from './client.ts';

const started = Date.now();
const database = await openDatabase({ dataDir: path.dirname(templatePath), inMemory: true });
const pglite = (database.db as unknown as { $client: { dumpDataDir(c: 'gzip'): Promise<Blob> } }).$client;
const dump = await pglite.dumpDataDir('gzip');
await database.close();
fs.mkdirSync(path.dirname(templatePath), { recursive: true });
fs.writeFileSync(templatePath, Buffer.from(await dump.arrayBuffer()));
fs.writeFileSync(`${templatePath}.version`, schemaVersion());
console.log(`embedded database template built in ${Date.now() - started} ms → ${templatePath}`);

import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { serverDir } from '../paths.ts';
import { postgresStartupError, StartupError } from '../startup.ts';
import { lockDataDir } from './lock.ts';
import { holdRun, type Run, soleRun } from './run.ts';
import * as schema from './schema.ts';

export type Db = NodePgDatabase<typeof schema>;
export type DbTx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either the database or an open transaction: queries accept both. */
export type Queryable = Db | DbTx;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** This process's run: what its leases are taken under (run.ts). */
  run: Run;
  close(): Promise<void>;
}

const migrationsFolder = path.join(serverDir, 'drizzle');
const MIGRATION_LOCK = 7_412_001;

/** Where the build leaves a migrated, empty PGlite database (see apps/server/build.mjs). */
export const templatePath = path.join(serverDir, 'dist', 'pglite-template.tar.gz');

/** The migrations this code expects: the journal's last entry and count. */
export function schemaVersion(): string {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  const last = journal.entries.at(-1);
  return `${journal.entries.length}:${last?.tag}:${last?.when}`;
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** The template built at install, if it is there and of the current migrations. */
function installedTemplate(): Blob | undefined {
  if (readText(`${templatePath}.version`) !== schemaVersion()) return undefined;
  return new Blob([fs.readFileSync(templatePath)]);
}

/** Workers a query of Parley's may start on PostgreSQL (`PG_PARALLEL_WORKERS`, default 0). */
function parallelWorkers(): number {
  const value = Number(process.env.PG_PARALLEL_WORKERS ?? 0);
  if (!Number.isInteger(value) || value < 0)
    throw new StartupError('PG_PARALLEL_WORKERS must be a whole number, 0 or more');
  return value;
}

/** Where the embedded database keeps its files under Parley's data directory. */
export const pgliteDir = (dataDir: string): string => path.join(dataDir, 'pg');

/** Connects to PostgreSQL (`url`) or opens the embedded PGlite under `dataDir`, then migrates. */
export async function openDatabase(opts: {
  url?: string;
  dataDir: string;
  /** A dump of an already migrated PGlite, used by tests instead of an initdb per file. */
  template?: Blob;
  /** Run PGlite in memory (tests); no directory lock is needed then. */
  inMemory?: boolean;
  poolSize?: number;
  /** How long a query may go unanswered (PostgreSQL; default `PG_QUERY_TIMEOUT_MS` or 30 s; 0: no limit). */
  queryTimeoutMs?: number;
}): Promise<Database> {
  if (opts.url) {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? Number(process.env.PG_POOL_SIZE ?? 20),
      // While the server is unreachable a request fails after this instead of waiting indefinitely.
      // pg-pool applies it to waiting for a free connection too, so it must outlast a burst of
      // requests queued behind a busy pool (hundreds of arrivals at once), not only a slow connect.
      connectionTimeoutMillis: 30_000,
      // A network path that silently drops packets (not a closed connection) would hold a request until
      // it thaws: a query unanswered after this fails (503 to the caller) and its connection is
      // dropped. The migrations run on a connection of their own, without it.
      query_timeout: (opts.queryTimeoutMs ?? Number(process.env.PG_QUERY_TIMEOUT_MS ?? 30_000)) || undefined,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      // A query is written out without waiting for the answers to those before it: a transaction's
      // BEGIN goes with its first statement, and a COMMIT right behind its last (tx.ts).
      pipeline: true,
      // Parley's queries are short index reads, many at once: starting parallel workers for one costs
      // more than it saves on a busy server (an operator's open list at a million conversations,
      // with the machine loaded: 150 ms with two workers, 15 ms without). Set for its connections
      // only; PG_PARALLEL_WORKERS gives them workers again.
      options: `-c max_parallel_workers_per_gather=${parallelWorkers()}`,
    });
    // A connection the server closes (restart, failover, dropped database) must not take the process
    // down. The pool listens on idle connections only (`pool.on('error')`); a connection checked out
    // for a transaction has no listener while in use, so its 'error' event would be unhandled and
    // crash the process. Every connection gets its own listener for its whole life: the query in
    // flight fails (503 to the caller), the pool discards the dead connection on release and opens a
    // new one for the next query.
    const lost = (err: Error) => console.warn(`parley: database connection lost: ${err.message}`);
    pool.on('connect', (client) => client.on('error', lost));
    // The pool re-emits an idle connection's error; the connection's own listener has logged it.
    pool.on('error', () => {});
    // Migrations may build indexes on large tables: their connection has no query timeout.
    const client = new pg.Client({ connectionString: opts.url, connectionTimeoutMillis: 30_000 });
    client.on('error', lost);
    try {
      await client.connect();
    } catch (err) {
      await pool.end().catch(() => {});
      throw postgresStartupError(err, opts.url);
    }
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await migratePg(drizzlePg(client), { migrationsFolder });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
      await client.end().catch(() => {});
    }
    let run: Run;
    try {
      run = await holdRun(opts.url);
    } catch (err) {
      await pool.end().catch(() => {});
      throw postgresStartupError(err, opts.url);
    }
    return {
      db: drizzlePg(pool, { schema }),
      kind: 'postgres',
      run,
      close: async () => {
        await run.close();
        await pool.end();
      },
    };
  }
  const release = opts.inMemory ? () => {} : lockDataDir(opts.dataDir);
  try {
    const pgDir = pgliteDir(opts.dataDir);
    // A new data directory starts from the database built and migrated at install (no initdb, no
    // migrations at start); an existing one is migrated only when the migrations changed since.
    const fresh = !opts.inMemory && !fs.existsSync(path.join(pgDir, 'PG_VERSION'));
    const template = opts.template ?? (fresh ? installedTemplate() : undefined);
    const pglite = new PGlite({
      ...(opts.inMemory ? {} : { dataDir: pgDir }),
      ...(template ? { loadDataDir: template } : {}),
      // The customer search's trigram index over unaccented text (ADM-3); the migrations create both.
      extensions: { pg_trgm, unaccent },
    });
    await pglite.waitReady.catch((err) => {
      throw new StartupError(
        `the embedded database in ${pgDir} (under DATA_DIR) could not be opened: ${err instanceof Error ? err.message : err}. ` +
          'If the directory was copied while Parley ran, or the disk filled up, restore it from a backup.',
      );
    });
    const db = drizzlePglite(pglite, { schema });
    const marker = path.join(opts.dataDir, 'schema-version');
    const wanted = schemaVersion();
    if (opts.inMemory || readText(marker) !== wanted) {
      await migratePglite(db, { migrationsFolder });
      if (!opts.inMemory) fs.writeFileSync(marker, wanted);
    }
    return {
      // The pglite and node-postgres drizzle databases share one query API; only the driver differs.
      db: db as unknown as Db,
      kind: 'pglite',
      run: soleRun(),
      close: async () => {
        await pglite.close();
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

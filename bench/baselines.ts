/**
 * The ceilings `bench:messages` prints beside Parley's figures, measured in the same run on the same
 * machine and database: a bare `ws` echo and bare batched inserts.
 */
import pg from 'pg';
import WebSocket, { WebSocketServer } from 'ws';

/** The ceiling of the transport: the same number of connections echoing as fast as they can. */
export async function bareWs(connections: number, seconds: number): Promise<number> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.on('listening', resolve));
  server.on('connection', (ws) => ws.on('message', (data) => ws.send(data)));
  const port = (server.address() as { port: number }).port;
  let count = 0;
  let stop = false;
  const clients = await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise<WebSocket>((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}`);
          ws.on('open', () => resolve(ws));
          ws.on('message', () => {
            count++;
            if (!stop) ws.send('{"type":"ping","n":1}');
          });
        }),
    ),
  );
  const started = performance.now();
  for (const ws of clients) ws.send('{"type":"ping","n":1}');
  await new Promise((r) => setTimeout(r, Math.min(seconds, 5) * 1000));
  stop = true;
  const rate = count / ((performance.now() - started) / 1000);
  for (const ws of clients) ws.close();
  server.close();
  return rate;
}

/** The ceiling of the database: rows a second with 1,000-row INSERTs. */
export async function bareInserts(databaseUrl: string | undefined): Promise<number> {
  const rows = 100_000;
  const values = (offset: number) =>
    Array.from(
      { length: 1000 },
      (_, i) => `(gen_random_uuid(), 'bare insert row ${offset + i}', now())`,
    ).join(',');
  const run = async (query: (sql: string) => Promise<unknown>) => {
    await query('CREATE TEMP TABLE bare_rows (id uuid, text text, created_at timestamptz)');
    const started = performance.now();
    for (let offset = 0; offset < rows; offset += 1000)
      await query(`INSERT INTO bare_rows VALUES ${values(offset)}`);
    return rows / ((performance.now() - started) / 1000);
  };
  if (databaseUrl) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return await run((q) => client.query(q));
    } finally {
      await client.end();
    }
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite();
  try {
    return await run((q) => db.exec(q));
  } finally {
    await db.close();
  }
}

import { createHash } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Queryable } from './client.ts';

/**
 * Named prepared statements for the hot statements of fixed shape (issue 11): the writer's, the
 * outbox's, the subscriber cursors'. PostgreSQL parses and plans a named statement once per
 * connection and then reuses its plan, where an unnamed one is parsed, analysed and planned on every
 * execution (a third of the database's time under the message bench). Only for statements whose text
 * does not depend on the data (lists passed whole as arrays, read with `unnest` or `= ANY`): each
 * distinct text is one more statement kept by every connection. PGlite ignores the name.
 */
const dialect = new PgDialect();
const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    // A safety net only: the statements given here come in a handful of shapes.
    if (names.size >= 1000) names.clear();
    name = `parley_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/** `db.execute(query)` as a named prepared statement. */
export function executePrepared<T extends Record<string, unknown>>(
  db: Queryable,
  query: SQL,
): Promise<{ rows: T[] }> {
  const built = dialect.sqlToQuery(query);
  return db._.session.prepareQuery(built, undefined, nameOf(built.sql), false).execute() as Promise<{
    rows: T[];
  }>;
}

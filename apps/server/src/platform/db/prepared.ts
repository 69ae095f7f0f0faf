import { createHash } from 'node:crypto';
import { type Column, getTableColumns, type SQL, sql, type Table } from 'drizzle-orm';
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

/** Runs a built statement under its name, placeholders filled from `values`. */
function run<T>(
  db: Queryable,
  built: { sql: string; params: unknown[] },
  values?: Record<string, unknown>,
): Promise<{ rows: T[] }> {
  return db._.session.prepareQuery(built, undefined, nameOf(built.sql), false).execute(values) as Promise<{
    rows: T[];
  }>;
}

/** `db.execute(query)` as a named prepared statement. */
export function executePrepared<T extends Record<string, unknown>>(
  db: Queryable,
  query: SQL,
): Promise<{ rows: T[] }> {
  return run<T>(db, dialect.sqlToQuery(query));
}

/**
 * A statement of fixed shape built once, its values given as `sql.placeholder(name)`, and run as a
 * named prepared statement: what the hottest statements (one per batch of messages) would otherwise
 * spend on drizzle assembling the same text again, every time.
 */
export function compiled<T extends Record<string, unknown>>(
  query: SQL,
): (db: Queryable, values: Record<string, unknown>) => Promise<{ rows: T[] }> {
  let built: { sql: string; params: unknown[] } | null = null;
  return (db, values) => {
    built ??= dialect.sqlToQuery(query);
    return run<T>(db, built, values);
  };
}

const columnLists = new WeakMap<Table, [string, Column][]>();
const columnsOf = (table: Table) => {
  let columns = columnLists.get(table);
  if (!columns) {
    columns = Object.entries(getTableColumns(table) as Record<string, Column>);
    columnLists.set(table, columns);
  }
  return columns;
};

/**
 * The table's columns as this code knows them, by name (`alias.col, …`), for a prepared statement's
 * select list or RETURNING: never `*`, whose result would change with a column another node's
 * migration adds, and PostgreSQL refuses a prepared statement whose result type changed.
 */
export function allColumns(table: Table, alias?: string): SQL {
  const prefix = alias ? `${alias}.` : '';
  return sql.raw(
    columnsOf(table)
      .map(([, column]) => `${prefix}"${column.name}"`)
      .join(', '),
  );
}

/** A table's row as drizzle reads it (its keys, its types) from a raw row of `allColumns(table)`. */
export function rowOf<T extends Table>(table: T, raw: Record<string, unknown>): T['$inferSelect'] {
  const columns = columnsOf(table);
  const row: Record<string, unknown> = {};
  for (const [key, column] of columns) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as T['$inferSelect'];
}

import fs from 'node:fs';
import path from 'node:path';
import { adminFilters, auditQuery, connectionsQuery, operatorsQuery } from '@parley/contracts';
import { describe, expect, it } from 'vitest';
import { enOperators } from '../../i18n/locales/en-operators.ts';
import { esOperators } from '../../i18n/locales/es-operators.ts';
import { frOperators } from '../../i18n/locales/fr-operators.ts';

const serverSource = path.resolve(import.meta.dirname, '../../../../server/src');

/** The server's sources (not its tests), as text. */
function* serverSources(): Generator<string> {
  for (const file of fs.readdirSync(serverSource, { recursive: true, encoding: 'utf8' })) {
    if (file.endsWith('.ts') && !file.endsWith('.test.ts'))
      yield fs.readFileSync(path.join(serverSource, file), 'utf8');
  }
}

/** Every action code the server writes to the audit log: `action: 'team.updated'` or `audit(tx, actor, 'canned_answer.created'`. */
function recordedActions(): string[] {
  const found = new Set<string>();
  for (const text of serverSources()) {
    if (!text.includes('recordAudit')) continue;
    for (const match of text.matchAll(
      /action: '([a-z_]+\.[a-z_]+)'|audit\(\s*tx,\s*actor,\s*'([a-z_]+\.[a-z_]+)'/g,
    ))
      found.add((match[1] ?? match[2])!);
  }
  return [...found].sort();
}

const labelOf = (actions: Record<string, Record<string, string>>, code: string) => {
  const [group, name] = code.split('.');
  return actions[group!]?.[name!];
};

describe('audit action labels', () => {
  const actions = recordedActions();

  it('finds the actions the server records', () => {
    expect(actions).toContain('member.updated');
    expect(actions).toContain('canned_answer.updated');
    expect(actions.length).toBeGreaterThan(25);
  });

  it.each([
    ['en', enOperators.audit.actions],
    ['es', esOperators.audit.actions],
    ['fr', frOperators.audit.actions],
  ] as const)('names every one of them in %s', (_language, labels) => {
    const missing = actions.filter((code) => !labelOf(labels, code));
    expect(missing).toEqual([]);
  });
});

/** What the server's exports record they exported: `what: 'operators'` (the audit target or its `after`). */
function exportedThings(): string[] {
  const found = new Set<string>(['conversations']);
  for (const text of serverSources())
    for (const match of text.matchAll(/\bwhat: '([a-z_-]+)'/g)) found.add(match[1]!);
  return [...found].sort();
}

describe('audit export names', () => {
  const things = exportedThings();

  it('finds what the server exports', () => {
    expect(things).toEqual(
      expect.arrayContaining(['audit-log', 'connection-history', 'operators', 'survey_responses']),
    );
  });

  it.each([
    ['en', enOperators.audit.exports],
    ['es', esOperators.audit.exports],
    ['fr', frOperators.audit.exports],
  ] as const)('names every one of them in %s', (_language, names) => {
    expect(things.filter((what) => !Object.hasOwn(names, what))).toEqual([]);
  });
});

describe('audit field names', () => {
  // An export's audit entry records the filters it was exported with, by these keys.
  const filterKeys = [operatorsQuery, auditQuery, connectionsQuery, adminFilters]
    .flatMap((schema) => Object.keys(schema.shape))
    .filter((key) => key !== 'cursor' && key !== 'limit');

  it.each([
    ['en', enOperators.audit.fields],
    ['es', esOperators.audit.fields],
    ['fr', frOperators.audit.fields],
  ] as const)('names every export filter and what an export records in %s', (_language, fields) => {
    const keys = [...new Set([...filterKeys, 'what', 'rows', 'sort', 'dir', 'now', 'format', 'filters'])];
    expect(keys.filter((key) => !Object.hasOwn(fields, key))).toEqual([]);
  });
});

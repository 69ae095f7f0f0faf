import { describe, expect, it } from 'vitest';
import { changeLines } from './audit-changes.ts';

describe('changeLines', () => {
  it('lists only the fields an update changed, before and after', () => {
    const lines = changeLines(
      { role: 'operator', permissions: [], capacity: 3 },
      { role: 'supervisor', permissions: [], capacity: 3 },
    );
    expect(lines).toEqual([{ path: ['role'], before: 'operator', after: 'supervisor' }]);
  });

  it('walks nested objects down to the field that changed', () => {
    const lines = changeLines(
      { prechat: { enabled: false, requireEmail: false }, offlineForm: { enabled: true } },
      { prechat: { enabled: true, requireEmail: false }, offlineForm: { enabled: true } },
    );
    expect(lines).toEqual([{ path: ['prechat', 'enabled'], before: false, after: true }]);
  });

  it('compares lists whole', () => {
    expect(changeLines({ memberIds: ['a'] }, { memberIds: ['a', 'b'] })).toEqual([
      { path: ['memberIds'], before: ['a'], after: ['a', 'b'] },
    ]);
  });

  it('leaves out a field an update did not send (survey.updated records the old name either way)', () => {
    const lines = changeLines(
      { name: 'NPS', definition: { title: 'Old' } },
      { definition: { title: 'New' } },
    );
    expect(lines).toEqual([{ path: ['definition', 'title'], before: 'Old', after: 'New' }]);
  });

  it('shows a whole value that became empty, rather than each of its fields', () => {
    const hours = { timezone: 'UTC', days: [] };
    expect(changeLines({ businessHours: hours }, { businessHours: null })).toEqual([
      { path: ['businessHours'], before: hours, after: null },
    ]);
  });

  it('lists every field of a creation and of a deletion, without ids and times', () => {
    expect(changeLines(null, { id: 'x', name: 'Sales', rule: 'manual', createdAt: '2025-01-01' })).toEqual([
      { path: ['name'], before: undefined, after: 'Sales' },
      { path: ['rule'], before: undefined, after: 'manual' },
    ]);
    expect(changeLines({ email: 'a@b.test', role: 'admin' }, null)).toEqual([
      { path: ['email'], before: 'a@b.test', after: undefined },
      { path: ['role'], before: 'admin', after: undefined },
    ]);
  });

  it('has nothing to list when nothing was recorded or nothing changed', () => {
    expect(changeLines(null, null)).toEqual([]);
    expect(changeLines({ name: 'A' }, { name: 'A' })).toEqual([]);
  });
});

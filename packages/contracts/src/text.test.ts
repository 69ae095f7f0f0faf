import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { attributesBody, listConversationsQuery, widgetSessionBody } from './conversations.ts';
import { businessHours, settableStatus, updateRoutingBody, updateTeamBody } from './routing.ts';
import { calendarDate, dateTime, patchBody, text } from './text.ts';

const messageOf = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.success ? null : result.error!.issues[0]!.message;

describe('text', () => {
  const line = text({ min: 1, max: 5 });
  const body = text({ max: 20, multiline: true });

  it('accepts ordinary text, including emoji and other astral characters, trimmed', () => {
    expect(line.parse('  Ana ')).toBe('Ana');
    expect(line.parse('😀ñ')).toBe('😀ñ');
    expect(body.parse('one\ntwo\r\n\tthree')).toBe('one\ntwo\r\n\tthree');
  });

  it('refuses NUL and every other control character, naming it', () => {
    expect(messageOf(line.safeParse('a\u0000b'))).toBe('must not contain control characters (found U+0000)');
    for (const c of ['\u0001', '\u001b', '\u007f', '\u0085', '\u009f', '\n', '\t', '\r']) {
      expect(line.safeParse(`a${c}b`).success, JSON.stringify(c)).toBe(false);
    }
    for (const c of ['\u0000', '\u000b', '\u000c', '\u001b', '\u007f']) {
      expect(body.safeParse(`a${c}b`).success, JSON.stringify(c)).toBe(false);
    }
    expect(messageOf(body.safeParse('a\u0000'))).toMatch(/U\+0000.*line breaks and tabs are allowed/);
  });

  it('refuses lone surrogates, high or low, anywhere', () => {
    for (const s of ['x\ud800', '\ud800x', 'x\udc00', '\udc00\ud800', '😀\ud83d']) {
      expect(messageOf(line.safeParse(s)), JSON.stringify(s)).toMatch(/lone UTF-16 surrogate/);
    }
    expect(line.safeParse('\ud83d\ude00').success).toBe(true);
  });

  it('counts lengths after trimming, unless told not to trim', () => {
    expect(line.safeParse('   ').success).toBe(false);
    expect(line.safeParse(' abcde ').success).toBe(true);
    expect(line.safeParse('abcdef').success).toBe(false);
    expect(text({ max: 11, trim: false }).parse(' pass word ')).toBe(' pass word ');
  });

  it('refuses a required text with no visible character: zero-width and format characters alone', () => {
    const name = text({ min: 1, max: 80 });
    for (const s of [
      '\u200b',
      '\u200c\u200d',
      ' \u2060 ',
      '\ufeff\u200b',
      '\u00a0\u3000',
      '\u3164',
      '\u200b\ufe0f',
    ]) {
      expect(name.safeParse(s).success, JSON.stringify(s)).toBe(false);
    }
    expect(messageOf(name.safeParse('\u200b'))).toBe('must contain a visible character');
    // A visible character anywhere is enough, joiners inside emoji included; optional text may stay empty.
    for (const s of ['a\u200b', '\u200bZ', '👩\u200d💻', 'ñ', '١', '—']) {
      expect(name.safeParse(s).success, JSON.stringify(s)).toBe(true);
    }
    expect(text({ max: 5 }).safeParse('').success).toBe(true);
  });
});

describe('dates', () => {
  it('takes ISO 8601 date-times between 1970 and 9999 only', () => {
    expect(dateTime.safeParse('2024-05-01T09:30:00Z').success).toBe(true);
    expect(dateTime.safeParse('2024-05-01T09:30:00.123+02:00').success).toBe(true);
    for (const s of [
      '+275760-09-13T00:00:00.000Z',
      '10000-01-01',
      '10000-01-01T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '1969-12-31T23:59:59Z',
      '9999-12-31T23:59:59-01:00',
      '2024-02-30T00:00:00Z',
      'yesterday',
    ]) {
      expect(dateTime.safeParse(s).success, s).toBe(false);
    }
    const id = '0b7e7c5e-8f43-4c0e-9a56-1b2f0b6f9d11';
    expect(listConversationsQuery.safeParse({ cursor: `10000-01-01T00:00:00.000Z_${id}` }).success).toBe(
      false,
    );
    expect(listConversationsQuery.safeParse({ cursor: `2024-01-01T00:00:00.000Z_${id}` }).success).toBe(true);
  });

  it('takes real calendar dates only', () => {
    expect(calendarDate.safeParse('2024-02-29').success).toBe(true);
    for (const s of ['2024-13-45', '2023-02-29', '2024-04-31', '10000-01-01', '2024-1-1']) {
      expect(calendarDate.safeParse(s).success, s).toBe(false);
    }
    const hours = { timezone: 'UTC', weekly: {}, holidays: ['2024-13-45'] };
    expect(businessHours.safeParse(hours).success).toBe(false);
  });
});

describe('ids', () => {
  it('a custom status is custom: and a real UUID', () => {
    expect(settableStatus.safeParse('custom:0b7e7c5e-8f43-4c0e-9a56-1b2f0b6f9d11').success).toBe(true);
    expect(settableStatus.safeParse(`custom:${'-'.repeat(36)}`).success).toBe(false);
    expect(settableStatus.safeParse('connected').success).toBe(true);
    // Choosing to appear offline is a status an operator may set.
    expect(settableStatus.safeParse('disconnected').success).toBe(true);
    expect(messageOf(settableStatus.safeParse('away'))).toMatch(/^must be one of connected, .*custom:/);
  });
});

describe('PATCH bodies', () => {
  it('are partial without defaults: absent stays absent, null is kept', () => {
    expect(updateTeamBody.parse({ name: 'Billing' })).toEqual({ name: 'Billing' });
    expect(updateTeamBody.parse({ capacity: null })).toEqual({ capacity: null });
    expect(updateRoutingBody.parse({ defaultTeamId: null })).toEqual({ defaultTeamId: null });
  });

  it('refuse a body with nothing to change, naming what can be changed', () => {
    const body = patchBody({ name: z.string(), size: z.number() });
    expect(messageOf(body.safeParse({}))).toBe('nothing to change: give at least one of name, size');
    expect(body.safeParse({ unknown: 1 }).success).toBe(false);
    expect(updateTeamBody.safeParse({}).success).toBe(false);
  });

  it('cannot be built from fields with defaults, which would reset absent fields', () => {
    expect(() => patchBody({ rule: z.string().default('round_robin') })).toThrow(/must not have a default/);
  });
});

describe('widget input', () => {
  it('refuses hostile text in attributes, keys and values, saying why', () => {
    expect(messageOf(attributesBody.safeParse({ attributes: { plan: 'x\ud800' } }))).toMatch(/surrogate/);
    expect(attributesBody.safeParse({ attributes: { 'p\u0000': 'x' } }).success).toBe(false);
    expect(
      attributesBody.safeParse({ attributes: { plan: 'pro', seats: 3, trial: false, x: null } }).success,
    ).toBe(true);
  });

  it('refuses NUL in every text of a widget session', () => {
    const ok = { workspaceKey: 'k', locale: 'es-ES', page: { url: 'https://a.test/', title: 'A' } };
    expect(widgetSessionBody.safeParse(ok).success).toBe(true);
    for (const bad of [
      { ...ok, workspaceKey: 'k\u0000' },
      { ...ok, locale: 'es\u0000' },
      { ...ok, page: { url: 'https://a.test/\u0000' } },
      { ...ok, page: { url: 'https://a.test/', referrer: '\u0000' } },
    ]) {
      expect(widgetSessionBody.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

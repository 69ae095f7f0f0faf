import { z } from 'zod';

/**
 * Well-formed input, checked at the contract so that nothing the database or the JSON encoder would
 * choke on (a NUL, a lone UTF-16 surrogate, a date PostgreSQL cannot store, an id that is not a UUID,
 * an empty PATCH) ever reaches a command: every such value is a 400 naming its field.
 */

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const anyControl = /\p{Cc}/u;
const controlButLineBreaks = /(?![\t\n\r])\p{Cc}/u;

/**
 * A character someone can see: not a space or separator (\p{Z}), not a format character such as the
 * zero-width space, joiners, word joiner or byte-order mark (\p{Cf}), not a control character, not a
 * character fonts draw as nothing (Default_Ignorable_Code_Point: the Hangul fillers, variation
 * selectors…).
 */
const visible = /[^\s\p{Z}\p{Cf}\p{Cc}\p{Default_Ignorable_Code_Point}]/u;

const codePoint = (c: string) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

export interface TextOptions {
  /**
   * Shortest length after trimming (default 0). A required text (min > 0) must also have a visible
   * character: a name of zero-width spaces alone would show as an empty row.
   */
  min?: number;
  /** Longest length after trimming, in UTF-16 code units. */
  max: number;
  /** Line breaks and tabs are allowed (message bodies); every other control character is refused. */
  multiline?: boolean;
  /** Leading and trailing white space is dropped before the lengths are checked (default true). */
  trim?: boolean;
}

/**
 * The one schema for text a person or a program sends: well-formed Unicode (no lone surrogate), no
 * control character (NUL included) except line breaks and tabs where the text is multi-line,
 * lengths counted after trimming, and at least one visible character when it is required (min > 0).
 */
export function text({ min = 0, max, multiline = false, trim = true }: TextOptions) {
  const control = multiline ? controlButLineBreaks : anyControl;
  const checked = z
    .string()
    .refine((s) => !loneSurrogate.test(s), {
      error: 'is not well-formed text (it contains a lone UTF-16 surrogate)',
      abort: true,
    })
    .refine((s) => !control.test(s), {
      error: (issue) => {
        const found = control.exec(String(issue.input))?.[0] ?? '\0';
        return `must not contain control characters (found ${codePoint(found)})${
          multiline ? '; line breaks and tabs are allowed' : ''
        }`;
      },
      abort: true,
    });
  const trimmed = trim ? checked.trim() : checked;
  if (min === 0) return trimmed.max(max);
  return trimmed
    .min(min)
    .max(max)
    .refine((s) => s.length === 0 || visible.test(s), { error: 'must contain a visible character' });
}

// ── dates ──────────────────────────────────────────────────────────────────────────────────────────

/** The dates Parley stores and compares: 1970 to the end of 9999 (PostgreSQL and JSON agree on them). */
export const dateRange = {
  min: Date.parse('1970-01-01T00:00:00.000Z'),
  max: Date.parse('9999-12-31T23:59:59.999Z'),
} as const;

/** An ISO 8601 date-time with a `Z` or an offset, a real calendar date, between 1970 and 9999. */
export const dateTime = z.iso
  .datetime({
    offset: true,
    error: 'must be an ISO 8601 date-time such as 2024-05-01T09:30:00Z',
    abort: true,
  })
  .refine(
    (s) => {
      const ms = Date.parse(s);
      return ms >= dateRange.min && ms <= dateRange.max;
    },
    { error: 'must be a date between 1970-01-01 and 9999-12-31' },
  );

/**
 * A keyset cursor as the lists make it, `<instant>_<id>`: the last row's time exactly as
 * `Date.toISOString()` prints it (a real instant between 1970 and 9999: no February 30, no hour 24)
 * and its UUID. Anything else is a 400, never a query the database refuses.
 */
export const instantCursor = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    'must be the nextCursor of a previous page',
  )
  .refine(
    (s) => {
      const at = s.slice(0, 24);
      const ms = Date.parse(at);
      return ms >= dateRange.min && ms <= dateRange.max && new Date(ms).toISOString() === at;
    },
    { error: 'must be the nextCursor of a previous page' },
  );

/** A real calendar date `YYYY-MM-DD` (no 2024-13-45, no February 30). */
export const calendarDate = z.iso.date({ error: 'must be a real calendar date YYYY-MM-DD' });

// ── PATCH bodies ───────────────────────────────────────────────────────────────────────────────────

/**
 * A PATCH body: every field optional and without defaults (absent = left alone; `null` clears where
 * the field is nullable). A body with nothing to change — `{}`, or only unknown keys, which are
 * dropped — is a 400 naming the fields that can be changed.
 */
export function patchBody<Shape extends z.ZodRawShape>(shape: Shape) {
  const names = Object.keys(shape);
  for (const name of names) {
    // zod applies a default even to an optional field: a PATCH would reset what it was not given.
    if (shape[name] instanceof z.ZodDefault) throw new Error(`patchBody: '${name}' must not have a default`);
  }
  return z
    .object(shape)
    .partial()
    .refine((body) => Object.values(body).some((value) => value !== undefined), {
      error: `nothing to change: give at least one of ${names.join(', ')}`,
    })
    .meta({ minProperties: 1 });
}

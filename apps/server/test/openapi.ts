/** The parts of the server's OpenAPI document (`/api/openapi.json`) the route-walking tests read. */
export interface Schema {
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  additionalProperties?: Schema | boolean;
  minLength?: number;
  minItems?: number;
  minimum?: number;
  nullable?: boolean;
}

export interface Operation {
  parameters?: { name: string; in: 'path' | 'query'; required?: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

/** The one key a sample map gets: also a valid weekday of business hours. */
export const MAP_KEY = 'mon';

/**
 * A valid sample of a schema, field by field: `known` answers first for the fields a test knows better
 * (ids, tokens, dates of its own), the rest is the first choice, a fitting string, 1, false, one item.
 */
export function schemaSampler(known: (s: Schema, name: string) => unknown) {
  /** `position`: the place in a tuple (an opening range's two clock times must differ). */
  const sample = (s: Schema, name: string, position = 0): unknown => {
    const value = known(s, name);
    if (value !== undefined) return value;
    if (s.anyOf) return sample(s.anyOf[0]!, name, position);
    if (s.enum) return s.enum[0];
    switch (s.type) {
      case 'string':
        if (s.format === 'email') return 'someone@example.com';
        if (s.format === 'date-time') return new Date().toISOString();
        if (s.format === 'date') return '2024-12-25';
        if (s.pattern?.includes('[01]\\d')) return position === 0 ? '09:00' : '17:00';
        if (s.pattern) return `sample-${'x'.repeat(s.minLength ?? 8)}`;
        return 'sample text'.padEnd(s.minLength ?? 0, 'x');
      case 'integer':
      case 'number':
        return Math.max(s.minimum ?? 1, 1);
      case 'boolean':
        return false;
      case 'array':
        return Array.from({ length: s.minItems ?? 1 }, (_, i) => sample(s.items ?? {}, name, i));
      case 'object': {
        const body: Record<string, unknown> = {};
        for (const [key, prop] of Object.entries(s.properties ?? {})) body[key] = sample(prop, key);
        if (typeof s.additionalProperties === 'object')
          body[MAP_KEY] = sample(s.additionalProperties, MAP_KEY);
        return body;
      }
      default:
        return null;
    }
  };
  return sample;
}

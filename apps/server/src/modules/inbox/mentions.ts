/** A member who can be mentioned: `@` followed by their name, as the composer's autocomplete writes it. */
export interface Mentionable {
  userId: string;
  name: string;
}

const boundary = /^$|^[\s.,;:!?)\]'"’]/u;

/**
 * The members a note mentions: `@Full Name`, or `@First` when no other member shares that first
 * name. Case-insensitive; the longest name wins where names overlap ("@Ann Lee" is not "@Ann").
 */
export function findMentions(text: string, members: readonly Mentionable[]): string[] {
  if (!text.includes('@')) return [];
  const lower = text.toLowerCase();
  const firstNames = new Map<string, number>();
  for (const m of members) {
    const first = m.name.split(/\s+/)[0]!.toLowerCase();
    firstNames.set(first, (firstNames.get(first) ?? 0) + 1);
  }
  const candidates: { handle: string; userId: string }[] = [];
  for (const m of members) {
    candidates.push({ handle: m.name.toLowerCase(), userId: m.userId });
    const first = m.name.split(/\s+/)[0]!.toLowerCase();
    if (first !== m.name.toLowerCase() && firstNames.get(first) === 1)
      candidates.push({ handle: first, userId: m.userId });
  }
  candidates.sort((a, b) => b.handle.length - a.handle.length);
  const found = new Set<string>();
  let at = lower.indexOf('@');
  while (at !== -1) {
    const rest = lower.slice(at + 1);
    // `name@example.com` is an address, not a mention.
    const starts = at === 0 || /[\s([{"'“]/u.test(lower[at - 1]!);
    for (const c of candidates) {
      if (
        starts &&
        rest.startsWith(c.handle) &&
        boundary.test(rest.slice(c.handle.length, c.handle.length + 1))
      ) {
        found.add(c.userId);
        break;
      }
    }
    at = lower.indexOf('@', at + 1);
  }
  return [...found];
}

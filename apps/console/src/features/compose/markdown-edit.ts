/**
 * Edits of the composer's text that write the message markdown subset both clients render
 * (features/conversations/markdown.ts, the widget's markdown.tsx): **bold**, _italic_, `code`,
 * [text](https://…) and "- " lists. Pure: text and selection in, text and selection out.
 */
export interface Edit {
  text: string;
  start: number;
  end: number;
}

/** Wraps the selection in `marker` (or inserts `placeholder` wrapped and selects it). */
export function wrapSelection(
  text: string,
  start: number,
  end: number,
  marker: string,
  placeholder: string,
): Edit {
  const selected = text.slice(start, end);
  // Markers must touch the words: spaces selected at the edges stay outside.
  const lead = selected.length - selected.trimStart().length;
  const trail = selected.length - selected.trimEnd().length;
  const inner = selected.trim() || placeholder;
  const before = text.slice(0, start) + selected.slice(0, lead);
  const after = selected.slice(selected.length - trail) + text.slice(end);
  const innerStart = before.length + marker.length;
  return {
    text: `${before}${marker}${inner}${marker}${after}`,
    start: innerStart,
    end: innerStart + inner.length,
  };
}

/** Makes each line touched by the selection a "- " list item (or removes the marks if all have them). */
export function toggleList(text: string, start: number, end: number): Edit {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const nextBreak = text.indexOf(
    '\n',
    Math.max(end - (end > start && text[end - 1] === '\n' ? 1 : 0), start),
  );
  const lineEnd = nextBreak === -1 ? text.length : nextBreak;
  const lines = text.slice(lineStart, lineEnd).split('\n');
  const allListed = lines.every((l) => l.startsWith('- '));
  const changed = lines.map((l) => (allListed ? l.slice(2) : l.startsWith('- ') ? l : `- ${l}`)).join('\n');
  const result = text.slice(0, lineStart) + changed + text.slice(lineEnd);
  // A list needs its own block: a blank line before it when text precedes on the line above.
  return { text: result, start: lineStart + changed.length, end: lineStart + changed.length };
}

/** Inserts [label](url) in place of the selection; the label defaults to the selected text, then the URL. */
export function insertLink(text: string, start: number, end: number, url: string, label?: string): Edit {
  const shown = (label ?? text.slice(start, end)).trim() || url;
  const link = `[${shown.replace(/[[\]]/g, '')}](${url})`;
  const at = start + link.length;
  return { text: text.slice(0, start) + link + text.slice(end), start: at, end: at };
}

/** The `/shortcut` being typed just before the caret, if any. */
export function shortcutAt(text: string, caret: number): { query: string; start: number } | null {
  const match = /(^|\s)\/([a-z0-9_-]*)$/.exec(text.slice(0, caret));
  if (!match) return null;
  return { query: match[2] ?? '', start: caret - (match[2]?.length ?? 0) - 1 };
}

/** Replaces the `/shortcut` typed at [start, caret) with the answer's text. */
export function replaceShortcut(text: string, start: number, caret: number, replacement: string): Edit {
  const at = start + replacement.length;
  return { text: text.slice(0, start) + replacement + text.slice(caret), start: at, end: at };
}

/**
 * The small markdown subset of messages: **bold**, _italic_, `code`, [links](https://…), bare
 * http(s)/mailto links, "- " lists and line breaks. It produces a tree of plain strings that React
 * renders as text nodes: nothing here is ever HTML, and only http(s) and mailto become links.
 */
export type InlineNode = { at: number } & (
  | { type: 'text'; text: string }
  | { type: 'bold' | 'italic'; children: InlineNode[] }
  | { type: 'code'; text: string }
  | { type: 'link'; href: string; text: string }
);

/** One source line; `at` (line number, offset) is a stable React key. */
export interface Line {
  at: number;
  nodes: InlineNode[];
}
export type Block = { at: number } & ({ type: 'paragraph'; lines: Line[] } | { type: 'list'; items: Line[] });

const safeProtocols = new Set(['http:', 'https:', 'mailto:']);

/** The URL when it is http(s) or mailto, else null (javascript:, data:, relative, malformed…). */
export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return safeProtocols.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

type Kind = 'code' | 'link' | 'url' | 'bold' | 'italic';
interface Found {
  kind: Kind;
  start: number;
  end: number;
  node: InlineNode;
}

const patterns: [Kind, RegExp][] = [
  ['code', /`([^`]+)`/g],
  ['link', /\[([^\]]+)\]\(([^()\s]+)\)/g],
  ['url', /(?:https?:\/\/|mailto:)[^\s<>]+/gi],
  ['bold', /\*\*(?=\S)(.+?)(?<=\S)\*\*/g],
  ['italic', /_(?=\S)(.+?)(?<=\S)_/g],
];

const count = (text: string, ch: string) => text.split(ch).length - 1;

const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);

function toFound(kind: Kind, match: RegExpExecArray, text: string): Found | null {
  const start = match.index;
  let end = start + match[0].length;
  const inner = match[1] ?? '';
  switch (kind) {
    case 'code':
      return { kind, start, end, node: { at: start, type: 'code', text: inner } };
    case 'link': {
      const href = safeHref(match[2] ?? '');
      return href ? { kind, start, end, node: { at: start, type: 'link', href, text: inner } } : null;
    }
    case 'url': {
      let raw = match[0];
      // Sentence punctuation and an unbalanced closing parenthesis are not part of the link.
      for (;;) {
        if (/[.,;:!?'"\]]$/.test(raw)) raw = raw.slice(0, -1);
        else if (raw.endsWith(')') && count(raw, '(') < count(raw, ')')) raw = raw.slice(0, -1);
        else break;
      }
      end = start + raw.length;
      const href = safeHref(raw);
      return href ? { kind, start, end, node: { at: start, type: 'link', href, text: raw } } : null;
    }
    case 'bold':
      return { kind, start, end, node: { at: start, type: 'bold', children: parseInline(inner) } };
    case 'italic':
      // snake_case_words are not italic: the underscores must stand at word boundaries.
      if (isWordChar(text[start - 1]) || isWordChar(text[end])) return null;
      return { kind, start, end, node: { at: start, type: 'italic', children: parseInline(inner) } };
  }
}

function nextOf(kind: Kind, re: RegExp, text: string, from: number): Found | null {
  re.lastIndex = from;
  for (let match = re.exec(text); match; match = re.exec(text)) {
    const found = toFound(kind, match, text);
    if (found) return found;
    re.lastIndex = match.index + 1;
  }
  return null;
}

export function parseInline(text: string): InlineNode[] {
  const nodes: InlineNode[] = [];
  let position = 0;
  const pending = new Map<Kind, Found | null>();
  while (position < text.length) {
    let best: Found | null = null;
    for (const [kind, re] of patterns) {
      let found = pending.get(kind);
      if (found === undefined || (found && found.start < position)) {
        found = nextOf(kind, new RegExp(re), text, position);
        pending.set(kind, found);
      }
      if (found && (!best || found.start < best.start)) best = found;
    }
    if (!best) break;
    if (best.start > position)
      nodes.push({ at: position, type: 'text', text: text.slice(position, best.start) });
    nodes.push(best.node);
    position = best.end;
  }
  if (position < text.length) nodes.push({ at: position, type: 'text', text: text.slice(position) });
  return nodes;
}

const listItem = /^\s*[-*]\s+(.*)$/;

export function parseMessage(text: string): Block[] {
  const blocks: Block[] = [];
  text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .forEach((source, at) => {
      const item = listItem.exec(source);
      const last = blocks[blocks.length - 1];
      const line: Line = { at, nodes: parseInline(item ? (item[1] ?? '') : source) };
      if (item) {
        if (last?.type === 'list') last.items.push(line);
        else blocks.push({ at, type: 'list', items: [line] });
      } else if (last?.type === 'paragraph') {
        last.lines.push(line);
      } else {
        blocks.push({ at, type: 'paragraph', lines: [line] });
      }
    });
  return blocks;
}

import { type ComponentChildren, Fragment } from 'preact';

/**
 * A tiny markdown subset rendered as Preact nodes — text always becomes text nodes, never HTML:
 * **bold**, _italic_, `code`, [label](url), bare http(s)/mailto URLs and "- " lists (what the
 * console's formatting toolbar writes and the console itself renders). Line breaks are kept by
 * `white-space: pre-wrap`. Only http(s) and mailto links become <a>; anything else (javascript:,
 * data:, relative URLs) stays plain text.
 */
const TOKEN =
  /`([^`\n]+)`|\*\*(?=[^\s*])([^\n]*?[^\s*])\*\*|\[([^\]\n]+)\]\(([^()\s]+)\)|((?:https?:\/\/|mailto:)[^\s<>"]+)|_(?=\S)([^_\n]*?\S)_/giu;

const WORD = /[\p{L}\p{N}_]/u;
const count = (text: string, ch: string): number => text.split(ch).length - 1;

/** Sentence punctuation after a URL, and a closing parenthesis it does not open, are not part of it. */
function trimUrl(raw: string): string {
  let url = raw;
  for (;;) {
    if (/[.,;:!?'"\]]$/.test(url)) url = url.slice(0, -1);
    else if (url.endsWith(')') && count(url, '(') < count(url, ')')) url = url.slice(0, -1);
    else return url;
  }
}

/** The URL if it is safe to link to (http, https, mailto), else null. */
export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:'
      ? url.href
      : null;
  } catch {
    return null;
  }
}

function link(href: string, children: ComponentChildren, key: number): ComponentChildren {
  return (
    <a key={key} href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  );
}

/** Renders `text` with the markdown subset; `inLink` prevents links inside a link's label. */
export function renderMarkdown(text: string, inLink = false): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  const re = new RegExp(TOKEN.source, TOKEN.flags);
  let plainFrom = 0;
  let match: RegExpExecArray | null = re.exec(text);
  while (match) {
    const [whole, code, bold, label, target, bare, italic] = match;
    const start = match.index;
    let end = start + whole.length;
    let node: ComponentChildren | undefined;
    if (code !== undefined) {
      node = <code key={start}>{code}</code>;
    } else if (bold !== undefined) {
      node = <strong key={start}>{renderMarkdown(bold, inLink)}</strong>;
    } else if (label !== undefined && target !== undefined) {
      const href = inLink ? null : safeHref(target);
      node = href ? link(href, renderMarkdown(label, true), start) : undefined;
    } else if (bare !== undefined) {
      const url = trimUrl(bare);
      end = start + url.length;
      const href = inLink ? null : safeHref(url);
      node = href ? link(href, url, start) : undefined;
    } else if (italic !== undefined) {
      // snake_case_words are not italics: the underscores must not touch letters outside.
      const before = text[start - 1];
      const after = text[end];
      if (!(before && WORD.test(before)) && !(after && WORD.test(after))) {
        node = <em key={start}>{renderMarkdown(italic, inLink)}</em>;
      } else {
        end = start + 1;
      }
    }
    if (node !== undefined) {
      if (start > plainFrom) out.push(text.slice(plainFrom, start));
      out.push(node);
      plainFrom = end;
    }
    re.lastIndex = Math.max(end, start + 1);
    match = re.exec(text);
  }
  if (plainFrom < text.length) out.push(text.slice(plainFrom));
  return out;
}

/** A line of a "- " (or "* ") list, as the console writes and reads them. */
const LIST_ITEM = /^[ \t]*[-*][ \t]+(.*)$/;

/**
 * A whole message: runs of list lines become a <ul>, the other lines keep their line breaks (the
 * line break next to a list is the list's own edge, not an empty line).
 */
export function renderMessage(text: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let paragraph: string[] = [];
  let items: string[] = [];
  const flush = (at: number): void => {
    if (paragraph.length > 0)
      out.push(<Fragment key={`p${at}`}>{renderMarkdown(paragraph.join('\n'))}</Fragment>);
    if (items.length > 0)
      out.push(
        <ul key={`l${at}`}>
          {items.map((item, index) => (
            <li key={index}>{renderMarkdown(item)}</li>
          ))}
        </ul>,
      );
    paragraph = [];
    items = [];
  };
  text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .forEach((line, at) => {
      const item = LIST_ITEM.exec(line);
      if (item ? paragraph.length > 0 : items.length > 0) flush(at);
      if (item) items.push(item[1] ?? '');
      else paragraph.push(line);
    });
  flush(-1);
  return out;
}

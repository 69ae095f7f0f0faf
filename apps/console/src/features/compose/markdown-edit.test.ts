import { describe, expect, it } from 'vitest';
import { parseMessage } from '../conversations/markdown.ts';
import { insertLink, replaceShortcut, shortcutAt, toggleList, wrapSelection } from './markdown-edit.ts';

describe('composer formatting', () => {
  it('wraps the selection, keeping edge spaces outside, and selects the inner text', () => {
    const edit = wrapSelection('say hello now', 4, 10, '**', 'bold');
    expect(edit.text).toBe('say **hello** now');
    expect(edit.text.slice(edit.start, edit.end)).toBe('hello');
    const empty = wrapSelection('x ', 2, 2, '_', 'italic');
    expect(empty.text).toBe('x _italic_');
    expect(empty.text.slice(empty.start, empty.end)).toBe('italic');
  });

  it('writes markdown the renderer reads back as bold, italic, code and links', () => {
    const bold = wrapSelection('hello', 0, 5, '**', '').text;
    const italic = wrapSelection('hello', 0, 5, '_', '').text;
    const code = wrapSelection('npm ci', 0, 6, '`', '').text;
    const link = insertLink('docs', 0, 4, 'https://example.com/a').text;
    const types = [bold, italic, code, link].map((t) => {
      const [block] = parseMessage(t);
      return block?.type === 'paragraph' ? block.lines[0]?.nodes[0]?.type : null;
    });
    expect(types).toEqual(['bold', 'italic', 'code', 'link']);
  });

  it('toggles "- " list items on every selected line', () => {
    const listed = toggleList('one\ntwo\nthree', 0, 7);
    expect(listed.text).toBe('- one\n- two\nthree');
    expect(parseMessage(listed.text)[0]?.type).toBe('list');
    expect(toggleList(listed.text, 0, 9).text).toBe('one\ntwo\nthree');
  });

  it('finds the /shortcut before the caret and replaces it', () => {
    expect(shortcutAt('hi /gre', 7)).toEqual({ query: 'gre', start: 3 });
    expect(shortcutAt('/', 1)).toEqual({ query: '', start: 0 });
    expect(shortcutAt('a/b', 3)).toBeNull();
    expect(shortcutAt('see https://x.io/pa', 19)).toBeNull();
    expect(replaceShortcut('hi /gre!', 3, 7, 'Hello Ann').text).toBe('hi Hello Ann!');
  });
});

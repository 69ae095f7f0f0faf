import { describe, expect, it } from 'vitest';
import { type InlineNode, parseInline, parseMessage, safeHref } from './markdown.ts';

function show(n: InlineNode): string {
  switch (n.type) {
    case 'bold':
      return `<b>${text(n.children)}</b>`;
    case 'italic':
      return `<i>${text(n.children)}</i>`;
    case 'code':
      return `<code>${n.text}</code>`;
    case 'link':
      return `<a ${n.href}>${n.text}</a>`;
    case 'text':
      return n.text;
  }
}
const text = (nodes: InlineNode[]): string => nodes.map(show).join('');

describe('message markdown', () => {
  it('formats bold, italic, code and nests', () => {
    expect(text(parseInline('a **b _c_** `**d**` e'))).toBe('a <b>b <i>c</i></b> <code>**d**</code> e');
  });

  it('leaves snake_case words and unclosed markers alone', () => {
    expect(text(parseInline('snake_case_word **open _x'))).toBe('snake_case_word **open _x');
  });

  it('links http(s) and mailto only, without trailing punctuation', () => {
    expect(text(parseInline('see https://a.example/x_y. or mailto:me@a.example'))).toBe(
      'see <a https://a.example/x_y>https://a.example/x_y</a>. or <a mailto:me@a.example>mailto:me@a.example</a>',
    );
    expect(text(parseInline('[ok](https://a.example) [no](javascript:alert(1)) javascript:alert(2)'))).toBe(
      '<a https://a.example/>ok</a> [no](javascript:alert(1)) javascript:alert(2)',
    );
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,x')).toBeNull();
    expect(safeHref('JAVASCRIPT:alert(1)')).toBeNull();
  });

  it('keeps markup as text', () => {
    expect(text(parseInline('<img src=x onerror=alert(1)>'))).toBe('<img src=x onerror=alert(1)>');
  });

  it('splits lines and lists', () => {
    const blocks = parseMessage('one\ntwo\n- a\n- b\nthree');
    expect(blocks.map((b) => (b.type === 'list' ? `list:${b.items.length}` : `p:${b.lines.length}`))).toEqual(
      ['p:2', 'list:2', 'p:1'],
    );
  });

  it('stays fast on pathological input', () => {
    const started = Date.now();
    parseInline(`${'_'.repeat(5000)}${'**'.repeat(2000)}${'`'.repeat(1000)}`);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

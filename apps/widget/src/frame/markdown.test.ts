import type { VNode } from 'preact';
import { describe, expect, it } from 'vitest';
import { renderMarkdown, renderMessage, safeHref } from './markdown.tsx';

type Node = string | VNode<{ children?: unknown; href?: string; rel?: string; target?: string }>;

/** A readable form of the rendered nodes: tags as <tag>…</tag>, links with their href. */
function show(nodes: unknown): string {
  const list = Array.isArray(nodes) ? nodes : [nodes];
  return list
    .map((node: Node) => {
      if (typeof node === 'string') return node;
      // A Fragment (a run of plain lines) shows as its children.
      if (typeof node.type !== 'string') return show(node.props.children ?? []);
      const tag = String(node.type);
      const href = node.props.href ? ` ${node.props.href}` : '';
      return `<${tag}${href}>${show(node.props.children ?? [])}</${tag}>`;
    })
    .join('');
}

describe('renderMarkdown', () => {
  it('renders bold, italic and code', () => {
    expect(show(renderMarkdown('a **b** _c_ `d`'))).toBe('a <strong>b</strong> <em>c</em> <code>d</code>');
  });

  it('leaves snake_case words and lone markers alone', () => {
    expect(show(renderMarkdown('my_var_name and 2 * 3 ** x'))).toBe('my_var_name and 2 * 3 ** x');
  });

  it('links http(s) and mailto URLs, without trailing punctuation', () => {
    expect(show(renderMarkdown('see https://example.com/a. or mailto:x@y.z!'))).toBe(
      'see <a https://example.com/a>https://example.com/a</a>. or <a mailto:x@y.z>mailto:x@y.z</a>!',
    );
    expect(show(renderMarkdown('[docs](https://d.example/x)'))).toBe('<a https://d.example/x>docs</a>');
  });

  it('keeps a URL’s own parentheses, not the sentence’s', () => {
    expect(
      show(
        renderMarkdown('https://en.wikipedia.org/wiki/Bicycle_(disambiguation) (or https://x.example/a).'),
      ),
    ).toBe(
      '<a https://en.wikipedia.org/wiki/Bicycle_(disambiguation)>https://en.wikipedia.org/wiki/Bicycle_(disambiguation)</a> (or <a https://x.example/a>https://x.example/a</a>).',
    );
  });

  it('opens links in a new tab without referrer or opener', () => {
    const [link] = renderMarkdown('https://example.com') as Array<VNode<{ rel: string; target: string }>>;
    expect(link?.props.rel).toBe('noopener noreferrer nofollow');
    expect(link?.props.target).toBe('_blank');
  });

  it('keeps javascript:, data: and HTML as plain text', () => {
    const text =
      '<img src=x onerror=alert(1)> [x](javascript:alert(1)) [y](data:text/html,hi) javascript:alert(2)';
    expect(show(renderMarkdown(text))).toBe(text);
  });

  it('does not nest links', () => {
    expect(show(renderMarkdown('[https://a.example](https://b.example)'))).toBe(
      '<a https://b.example/>https://a.example</a>',
    );
  });
});

describe('renderMessage', () => {
  it('renders the console toolbar’s "- " lists as lists, with the lines around them', () => {
    expect(show(renderMessage('Steps:\n- open **Settings**\n* pick a plan\nThanks'))).toBe(
      'Steps:<ul><li>open <strong>Settings</strong></li><li>pick a plan</li></ul>Thanks',
    );
  });

  it('keeps other lines as they are, markers that are no list items too', () => {
    expect(show(renderMessage('a\n\nb -c\n-not an item\n*sigh*'))).toBe('a\n\nb -c\n-not an item\n*sigh*');
  });
});

describe('safeHref', () => {
  it('accepts only http, https and mailto', () => {
    expect(safeHref('https://x.example/p?q=1')).toBe('https://x.example/p?q=1');
    expect(safeHref(' JavaScript:alert(1)')).toBeNull();
    expect(safeHref('vbscript:x')).toBeNull();
    expect(safeHref('/relative')).toBeNull();
  });
});

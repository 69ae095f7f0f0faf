import { Anchor, Code } from '@mantine/core';
import { Fragment, type ReactNode, useMemo } from 'react';
import { type InlineNode, type Line, parseMessage } from './markdown.ts';

/** Opens outside the console, tells the target nothing about us, and passes no ranking. */
export const externalLinkProps = { target: '_blank', rel: 'noopener noreferrer nofollow' } as const;

function renderNode(node: InlineNode): ReactNode {
  switch (node.type) {
    case 'text':
      return <Fragment key={node.at}>{node.text}</Fragment>;
    case 'bold':
      return <strong key={node.at}>{node.children.map(renderNode)}</strong>;
    case 'italic':
      return <em key={node.at}>{node.children.map(renderNode)}</em>;
    case 'code':
      return <Code key={node.at}>{node.text}</Code>;
    case 'link':
      return (
        <Anchor key={node.at} href={node.href} {...externalLinkProps} inherit underline="always">
          {node.text}
        </Anchor>
      );
  }
  return null;
}

const renderLine = (line: Line, index: number) => (
  <Fragment key={line.at}>
    {index > 0 && <br />}
    {line.nodes.map(renderNode)}
  </Fragment>
);

/** A message's text, rendered as text nodes only: markup in it stays visible text, never HTML. */
export function MessageText({ text }: { text: string }) {
  const blocks = useMemo(() => parseMessage(text), [text]);
  return (
    <div style={{ overflowWrap: 'anywhere' }}>
      {blocks.map((block) =>
        block.type === 'list' ? (
          <ul key={block.at} style={{ margin: 0, paddingInlineStart: '1.25em' }}>
            {block.items.map((item) => (
              <li key={item.at}>{item.nodes.map(renderNode)}</li>
            ))}
          </ul>
        ) : (
          <p key={block.at} style={{ margin: 0 }}>
            {block.lines.map(renderLine)}
          </p>
        ),
      )}
    </div>
  );
}

import { Anchor, type AnchorProps } from '@mantine/core';
import { type MouseEvent, type ReactNode, useEffect } from 'react';
import { navigate } from './history.ts';

/** Lets the browser handle modified clicks (new tab, download) and routes plain ones in-app. */
export function handleLinkClick(event: MouseEvent<HTMLElement>, to: string): void {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(to);
}

export interface LinkProps extends AnchorProps {
  to: string;
  children: ReactNode;
}

export function Link({ to, children, ...props }: LinkProps) {
  return (
    <Anchor
      href={to}
      onClick={(event: MouseEvent<HTMLAnchorElement>) => handleLinkClick(event, to)}
      {...props}
    >
      {children}
    </Anchor>
  );
}

export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

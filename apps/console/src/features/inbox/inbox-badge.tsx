import { Badge, Button } from '@mantine/core';
import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { handleLinkClick } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { useUnreadCount } from './inbox-api.ts';

/** WS-1: the inbox's unread count in the header, live from the inbox events; opens the inbox. */
export function InboxBadge({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const unread = useUnreadCount(workspaceId);
  const count = unread.data ?? 0;
  const to = paths.inbox(workspaceId);
  return (
    <Button
      component="a"
      href={to}
      onClick={(event: MouseEvent<HTMLAnchorElement>) => handleLinkClick(event, to)}
      variant="subtle"
      size="compact-sm"
      // The visible label first, as speech-input users say it (WCAG 2.5.3), then the count.
      aria-label={t('inbox.unreadBadge', { nav: t('inbox.nav'), count })}
      data-testid="inbox-badge"
      data-unread={count}
      rightSection={
        count > 0 ? (
          <Badge size="sm" color="red" variant="filled" aria-hidden="true">
            {count}
          </Badge>
        ) : undefined
      }
    >
      {/* The space keeps the label apart from the count in the visible text "Inbox 1", which the name
          "Inbox: 1 unread" must contain for speech input (axe: label-content-name-mismatch). */}
      {`${t('inbox.nav')} `}
    </Button>
  );
}

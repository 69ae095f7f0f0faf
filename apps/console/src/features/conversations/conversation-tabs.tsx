import { Badge, VisuallyHidden } from '@mantine/core';
import type { Conversation } from '@parley/contracts';
import { type KeyboardEvent, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../router/history.ts';
import { paths } from '../../router/routes.ts';
import { useFlashing } from './alerts.ts';
import { useConversationList } from './conversations-api.ts';
import { customerName, useFormatDuration, useNow, waitingSince } from './format.ts';
import classes from './inbox.module.css';
import { useIncoming } from './incoming.ts';

export const conversationPanelId = 'conversation-panel';

const mineOpen = { view: 'mine', status: 'open', q: '' } as const;

export interface ConversationTabsProps {
  workspaceId: string;
  userId: string;
  activeId: string | undefined;
}

/** Every open conversation assigned to me, and new ones nobody took yet, as tabs in the order they arrived. */
export function ConversationTabs({ workspaceId, activeId }: ConversationTabsProps) {
  const { t } = useTranslation();
  const list = useConversationList(workspaceId, mineOpen);
  const incoming = useIncoming(workspaceId);
  const now = useNow(15_000);
  const items = useMemo(() => {
    const mine = list.data?.pages.flatMap((page) => page.items) ?? [];
    const ids = new Set(mine.map((c) => c.id));
    return [...mine, ...incoming.filter((c) => !ids.has(c.id))].sort(
      (a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt),
    );
  }, [list.data, incoming]);
  if (items.length === 0) return null;
  const focusable = items.some((c) => c.id === activeId) ? activeId : items[0]?.id;

  // Arrow keys move between tabs, as in any tablist.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const keys: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1 };
    const tabs = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
    const index = tabs.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0) return;
    let next: number | undefined;
    if (event.key in keys) next = (index + (keys[event.key] ?? 0) + tabs.length) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    if (next === undefined) return;
    event.preventDefault();
    tabs[next]?.focus();
  };

  return (
    <div
      role="tablist"
      aria-label={t('conversations.activeTabs')}
      className={classes.tabs}
      onKeyDown={onKeyDown}
    >
      {items.map((c) => (
        <ConversationTab
          key={c.id}
          workspaceId={workspaceId}
          conversation={c}
          selected={c.id === activeId}
          focusable={c.id === focusable}
          now={now}
        />
      ))}
    </div>
  );
}

interface ConversationTabProps {
  workspaceId: string;
  conversation: Conversation;
  selected: boolean;
  focusable: boolean;
  now: number;
}

function ConversationTab({ workspaceId, conversation: c, selected, focusable, now }: ConversationTabProps) {
  const { t } = useTranslation();
  const flashing = useFlashing(c.id);
  const formatDuration = useFormatDuration();
  const name = customerName(c, t);
  const waiting = waitingSince(c);
  const waitingFor = waiting ? formatDuration(now - Date.parse(waiting)) : null;
  return (
    <button
      type="button"
      role="tab"
      aria-selected={selected}
      aria-controls={selected ? conversationPanelId : undefined}
      // Named by its content (customer, then the badges' words): an aria-label of the name alone would
      // hide text that is on screen (WCAG 2.5.3, label in name).
      tabIndex={focusable ? 0 : -1}
      className={`${classes.tab} ${flashing ? classes.flash : ''}`}
      data-flashing={flashing || undefined}
      data-conversation-id={c.id}
      data-unassigned={c.assigneeId === null || undefined}
      onClick={() => navigate(paths.conversation(workspaceId, c.id))}
    >
      <span className={classes.tabName}>{name}</span>
      <span style={{ display: 'inline-flex', gap: 4, flexShrink: 0 }}>
        {c.assigneeId === null && (
          <Badge size="xs" color="grape" variant="light" tt="none">
            {t('conversations.newTab')}
          </Badge>
        )}
        {c.lastTransfer && (
          <Badge size="xs" color="indigo" variant="light" tt="none">
            {t('transfer.badge')}
          </Badge>
        )}
        {waitingFor && (
          <Badge size="xs" color="orange" variant="light" tt="none" title={t('conversations.waitingTitle')}>
            {t('conversations.waiting', { time: waitingFor })}
          </Badge>
        )}
        {c.unreadCount > 0 && (
          <Badge size="xs" circle={c.unreadCount < 10}>
            {c.unreadCount}
            <VisuallyHidden> {t('conversations.unread')}</VisuallyHidden>
          </Badge>
        )}
      </span>
    </button>
  );
}

import { Badge, Box, Group, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import type { Conversation, Tag } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { handleLinkClick } from '../../router/link.tsx';
import { paths } from '../../router/routes.ts';
import { TagBadges } from '../admin-conversations/tags.tsx';
import { ConversationMarks } from '../inbox/conversation-marks.tsx';
import { useFormatDateTime } from '../members/format.ts';
import { useFlashing } from './alerts.ts';
import { OutOfHoursBadge, useQueuedText } from './conversation-notices.tsx';
import { customerName, useRelativeTime } from './format.ts';
import classes from './inbox.module.css';

export interface ConversationRowProps {
  workspaceId: string;
  conversation: Conversation;
  /** 'me', the assignee's name, or null when unassigned (or no longer a member). */
  assignee: 'me' | string | null;
  active: boolean;
  now: number;
  /** The conversation's tags, once loaded for the list. */
  tags?: Tag[];
}

export function ConversationRow({
  workspaceId,
  conversation: c,
  assignee,
  active,
  now,
  tags,
}: ConversationRowProps) {
  const { t } = useTranslation();
  const relative = useRelativeTime();
  const formatDate = useFormatDateTime();
  const flashing = useFlashing(c.id);
  const queued = useQueuedText()(c, now);
  const to = paths.conversation(workspaceId, c.id);
  const last = c.lastMessage;
  // One line of plain words: no line breaks, no bold or code markers.
  const preview = last
    ? last.text
        .replace(/\*\*|`/g, '')
        .replace(/\s+/g, ' ')
        .trim() || t('conversations.attachmentOnly')
    : '';
  // The team answered last: the customer is not waiting.
  const answered = last?.authorKind === 'operator' || last?.authorKind === 'bot';
  const activityAt = last?.createdAt ?? c.createdAt;

  return (
    <UnstyledButton
      component="a"
      href={to}
      onClick={(event) => handleLinkClick(event, to)}
      aria-current={active ? 'page' : undefined}
      data-active={active || undefined}
      className={`${classes.row} ${flashing ? classes.flash : ''}`}
      data-conversation-id={c.id}
    >
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="sm" fw={c.unreadCount > 0 ? 700 : 500} truncate>
          {customerName(c, t)}
        </Text>
        <Text size="xs" c="dimmed" style={{ flexShrink: 0 }} title={formatDate(activityAt)}>
          <time dateTime={activityAt}>{relative(activityAt, now)}</time>
        </Text>
      </Group>
      <Group justify="space-between" wrap="nowrap" gap="xs" mt={2}>
        <Text size="sm" c="dimmed" truncate>
          {answered && <span aria-hidden="true">↩ </span>}
          {preview}
        </Text>
        {c.unreadCount > 0 && (
          <Badge size="sm" circle={c.unreadCount < 10} style={{ flexShrink: 0 }}>
            {c.unreadCount}
            <VisuallyHidden> {t('conversations.unread')}</VisuallyHidden>
          </Badge>
        )}
      </Group>
      <Group justify="space-between" wrap="nowrap" gap="xs" mt={2}>
        <Text size="xs" c="dimmed" truncate>
          {assignee === 'me'
            ? t('conversations.assignedToMe')
            : assignee
              ? t('conversations.assignedTo', { name: assignee })
              : (queued ?? t('conversations.noAssignee'))}
        </Text>
        <Group gap={4} wrap="nowrap" style={{ flexShrink: 0 }}>
          <ConversationMarks conversation={c} />
          {c.lastTransfer && (
            <Badge size="xs" color="indigo" variant="light" tt="none">
              {t('transfer.badge')}
            </Badge>
          )}
          <OutOfHoursBadge conversation={c} size="xs" />
        </Group>
      </Group>
      {tags && tags.length > 0 && (
        <Box mt={4}>
          <TagBadges tags={tags} />
        </Box>
      )}
    </UnstyledButton>
  );
}

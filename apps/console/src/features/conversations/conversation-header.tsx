import { ActionIcon, Badge, Button, Group, Menu, Text, Title } from '@mantine/core';
import type { ConversationDetail, ConversationStatus } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { usePermissions } from '../auth/session.ts';
import { ConversationMarks } from '../inbox/conversation-marks.tsx';
import { ConversationTools } from '../inbox/conversation-tools.tsx';
import { useFormatDateTime } from '../members/format.ts';
import { useMembers } from '../members/members-api.ts';
import { useTransferTargets } from '../routing/routing-api.ts';
import classes from './conversation-header.module.css';
import { OutOfHoursBadge, useQueuedText } from './conversation-notices.tsx';
import { customerName, useFormatShortDateTime, useNow } from './format.ts';
import { TransferButton } from './transfer-button.tsx';
import { useConversationActions } from './use-conversation-actions.ts';

const statusColor: Record<ConversationStatus, string> = { open: 'teal', snoozed: 'yellow', closed: 'gray' };

export interface ConversationHeaderProps {
  workspaceId: string;
  userId: string;
  conversation: ConversationDetail;
  /** Narrow screens: a way back to the list and to the customer details. */
  onBack?: () => void;
  onShowCustomer?: () => void;
}

export function ConversationHeader({
  workspaceId,
  userId,
  conversation: c,
  onBack,
  onShowCustomer,
}: ConversationHeaderProps) {
  const { t } = useTranslation();
  const actions = useConversationActions(workspaceId, userId, c.id);
  const members = useMembers(workspaceId);
  const assignee = members.data?.find((m) => m.userId === c.assigneeId);
  // Operators take unassigned work or hand on their own; a teammate's needs `transfer_any` (as the
  // server decides), so a teammate's conversation opened from "All" offers no assignment that fails.
  const permissions = usePermissions(workspaceId);
  const canAssign = c.assigneeId === null || c.assigneeId === userId || permissions.includes('transfer_any');
  const receivers = useTransferTargets(workspaceId, c.id, canAssign);
  // A supervisor has Take over (in the tools) for a teammate's open conversation: not a second button
  // doing the same, which also pushed the controls onto a third row at 1024 px.
  const takesOver =
    permissions.includes('monitor') &&
    c.status !== 'closed' &&
    c.assigneeId !== null &&
    c.assigneeId !== userId;
  const pending = actions.pending;
  const queuedText = useQueuedText();
  const queued = queuedText(c, useNow());
  const shortDate = useFormatShortDateTime();
  const formatDate = useFormatDateTime();
  const assignment =
    c.assigneeId === userId
      ? t('conversations.assignedToMe')
      : c.assigneeId
        ? t('conversations.assignedTo', { name: assignee?.name ?? '…' })
        : (queued ?? t('conversations.noAssignee'));
  const snoozed = c.status === 'snoozed' ? c.snoozedUntil : null;
  // Short on screen ("Dec 7, 1:22 PM"), whole in the tooltip.
  const snoozedUntil = snoozed && t('states.snoozedUntil', { time: shortDate(snoozed) });
  const snoozedUntilFull = snoozed && t('states.snoozedUntil', { time: formatDate(snoozed) });
  const facts = [`#${c.number}`, t(`channels.${c.channel}`), assignment];

  // At most two rows on a laptop (1024 px, the list beside it): who and what on the first, the
  // controls on the second, with short visible labels whose accessible names say the whole action.
  return (
    <Group
      component="header"
      justify="space-between"
      gap={6}
      px="md"
      py="xs"
      style={{ borderBottom: '1px solid var(--mantine-color-default-border)', flexShrink: 0 }}
    >
      <Group gap="sm" miw={0} wrap="nowrap">
        {onBack && (
          <ActionIcon variant="subtle" onClick={onBack} aria-label={t('conversations.back')}>
            <span aria-hidden="true">←</span>
          </ActionIcon>
        )}
        <div style={{ minWidth: 0 }}>
          <Group gap="xs" wrap="nowrap">
            <Title order={2} size="h4" lineClamp={1}>
              {customerName(c, t)}
            </Title>
            <Badge color={statusColor[c.status]} variant="light" size="sm" style={{ flexShrink: 0 }}>
              {t(`conversations.state.${c.status}`)}
            </Badge>
            <OutOfHoursBadge conversation={c} />
            <ConversationMarks conversation={c} />
          </Group>
          <Text
            size="xs"
            c="dimmed"
            truncate
            title={[...facts, snoozedUntilFull].filter(Boolean).join(' · ')}
          >
            {facts.join(' · ')}
            {snoozedUntil && (
              <>
                {' · '}
                <span data-testid="snoozed-until">{snoozedUntil}</span>
              </>
            )}
          </Text>
        </div>
      </Group>
      <Group gap={6} className={classes.controls}>
        {canAssign && c.assigneeId !== userId && !takesOver && (
          <Button
            size="xs"
            onClick={() => actions.assign(userId)}
            loading={pending?.kind === 'assign' && pending.assigneeId === userId}
            disabled={actions.busy}
          >
            {t('conversation.assignToMe')}
          </Button>
        )}
        {canAssign && (
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button size="xs" variant="default" disabled={actions.busy}>
                {t('conversation.assign')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown mah={320} style={{ overflowY: 'auto' }}>
              <Menu.Label>{t('conversation.assignLabel')}</Menu.Label>
              {/* Only who can receive it now: Connected, with a console open, under capacity (ROUTE-4). */}
              {(receivers.data?.operators ?? []).map((m) => (
                <Menu.Item key={m.userId} onClick={() => actions.assign(m.userId, m.name)}>
                  {m.name}
                  {m.userId === userId ? ` ${t('members.you')}` : ''}
                </Menu.Item>
              ))}
              {receivers.data?.operators.length === 0 && (
                <Menu.Item disabled>{t('transfer.assignNobody')}</Menu.Item>
              )}
              {c.assigneeId && (
                <>
                  <Menu.Divider />
                  <Menu.Item color="red" onClick={() => actions.assign(null)}>
                    {t('conversation.unassign')}
                  </Menu.Item>
                </>
              )}
            </Menu.Dropdown>
          </Menu>
        )}
        <TransferButton workspaceId={workspaceId} userId={userId} conversation={c} />
        <ConversationTools workspaceId={workspaceId} userId={userId} conversation={c} />
        {c.status !== 'closed' && (
          <Button
            size="xs"
            variant="light"
            color="gray"
            onClick={actions.close}
            loading={pending?.kind === 'close'}
            disabled={actions.busy}
            aria-label={t('conversation.close')}
          >
            {t('conversation.closeShort')}
          </Button>
        )}
        {/* A snoozed conversation wakes up with the tools' own button (it also drops the snooze time). */}
        {c.status === 'closed' && (
          <Button
            size="xs"
            variant="light"
            onClick={actions.reopen}
            loading={pending?.kind === 'reopen'}
            disabled={actions.busy}
          >
            {t('conversation.reopen')}
          </Button>
        )}
        {onShowCustomer && (
          <Button size="xs" variant="subtle" onClick={onShowCustomer} aria-label={t('sidebar.show')}>
            {t('sidebar.title')}
          </Button>
        )}
      </Group>
    </Group>
  );
}

import { Button, Group, Text } from '@mantine/core';
import type { ConversationDetail, Message } from '@parley/contracts';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useFormatDateTime } from '../members/format.ts';
import { AttachmentList } from './attachment-list.tsx';
import type { DisplayMessage, MessageGroup } from './display-messages.ts';
import { customerName, useFormatTime } from './format.ts';
import classes from './inbox.module.css';
import { MessageText } from './message-text.tsx';
import type { PendingMessage } from './pending-messages.ts';
import { useRetrySend } from './use-send-message.ts';

export interface MessageGroupViewProps {
  group: MessageGroup;
  conversation: ConversationDetail;
  userId: string;
}

function authorLabel(group: MessageGroup, conversation: ConversationDetail, userId: string, t: TFunction) {
  switch (group.authorKind) {
    case 'contact':
      return customerName(conversation, t);
    case 'operator':
      return group.authorId === userId
        ? t('conversations.you')
        : (group.authorName ?? t('conversation.operator'));
    case 'bot':
      return group.authorName ?? t('conversation.bot');
    case 'system':
      return null;
  }
}

export function MessageGroupView({ group, conversation, userId }: MessageGroupViewProps) {
  const { t } = useTranslation();
  const formatTime = useFormatTime();
  const author = authorLabel(group, conversation, userId, t);
  const first = group.messages[0];
  return (
    <div className={classes.group} data-side={group.side}>
      {author && first && (
        <Text size="xs" c="dimmed" fw={500}>
          {author} · <time dateTime={first.createdAt}>{formatTime(first.createdAt)}</time>
        </Text>
      )}
      {group.messages.map((m) =>
        m.activity ? (
          <ActivityLine key={m.key} message={m} userId={userId} />
        ) : (
          <MessageBubble key={m.key} message={m} />
        ),
      )}
    </div>
  );
}

/** What an activity note says ("Closed by Ana", "You closed this conversation") in the reader's language. */
export function useActivityText(
  userId: string | undefined,
): (m: Pick<Message, 'authorId' | 'authorName'>) => string {
  const { t } = useTranslation();
  return (m) =>
    m.authorId === userId
      ? t('conversation.activity.closedByYou')
      : t('conversation.activity.closedBy', { name: m.authorName ?? t('conversation.operator') });
}

/** A private note of what someone did ("Closed by Ana · 10:32"), in the reader's language. */
function ActivityLine({ message: m, userId }: { message: DisplayMessage; userId: string }) {
  const formatTime = useFormatTime();
  const formatDate = useFormatDateTime();
  const text = useActivityText(userId)(m);
  return (
    <div className={classes.bubble} data-message-id={m.id ?? undefined} data-activity={m.activity}>
      {text} ·{' '}
      <time dateTime={m.createdAt} title={formatDate(m.createdAt)}>
        {formatTime(m.createdAt)}
      </time>
    </div>
  );
}

function MessageBubble({ message: m }: { message: DisplayMessage }) {
  const { t } = useTranslation();
  const formatTime = useFormatTime();
  const formatDate = useFormatDateTime();
  const className = [
    classes.bubble,
    m.private && classes.note,
    m.whisper && classes.whisper,
    m.pending?.status === 'failed' && classes.failed,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      className={className}
      data-message-id={m.id ?? undefined}
      data-client-id={m.clientId ?? ''}
      data-author={m.authorKind}
      data-private={m.private || undefined}
      data-whisper={m.whisper || undefined}
    >
      {m.private && (
        <span className={classes.noteLabel}>
          {m.whisper ? t('supervision.whisperLabel') : t('conversation.privateNote')}
        </span>
      )}
      {m.text && <MessageText text={m.text} />}
      {m.attachments.length > 0 && <AttachmentList attachments={m.attachments} />}
      {m.impersonatedBy && (
        <Text size="xs" c="red.8" fw={600} data-impersonated-by={m.impersonatedBy.name}>
          {t('impersonation.sentBy', { name: m.impersonatedBy.name })}
        </Text>
      )}
      {m.authorKind !== 'system' && (
        <Group gap={6} justify="flex-end" mt={2} wrap="nowrap">
          <Text size="xs" c="dimmed">
            <time dateTime={m.createdAt} title={formatDate(m.createdAt)}>
              {formatTime(m.createdAt)}
            </time>
          </Text>
          {m.authorKind === 'operator' && <DeliveryState message={m} />}
        </Group>
      )}
    </div>
  );
}

/** Sending → sent → read by the customer; a failed send offers a retry with the same client id. */
function DeliveryState({ message: m }: { message: DisplayMessage }) {
  const { t } = useTranslation();
  if (m.pending?.status === 'failed') return <FailedSend pending={m.pending} />;
  let label: string;
  let mark: string;
  if (m.pending) [label, mark] = [t('conversation.sending'), '…'];
  else if (m.private) return null;
  else if (m.readAt) [label, mark] = [t('conversation.read'), '✓✓'];
  else [label, mark] = [t('conversation.sent'), '✓'];
  return (
    <Text
      size="xs"
      c={m.readAt ? undefined : 'dimmed'}
      className={m.readAt ? classes.readReceipt : undefined}
      data-delivery={m.pending ? 'sending' : m.readAt ? 'read' : 'sent'}
    >
      <span aria-hidden="true">{mark} </span>
      {label}
    </Text>
  );
}

function FailedSend({ pending }: { pending: PendingMessage }) {
  const { t } = useTranslation();
  const retry = useRetrySend();
  return (
    <Group gap={4} wrap="nowrap" data-delivery="failed">
      <Text size="xs" c="red" role="alert">
        {pending.error ? `${t('conversation.failed')}: ${pending.error}` : t('conversation.failed')}
      </Text>
      <Button size="compact-xs" variant="light" color="red" onClick={() => retry(pending)}>
        {t('conversation.retry')}
      </Button>
    </Group>
  );
}

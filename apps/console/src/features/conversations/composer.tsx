import { Alert, Button, Group, SegmentedControl, Text, Textarea } from '@mantine/core';
import { attachmentLimits, type ConversationDetail } from '@parley/contracts';
import { type KeyboardEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useComposeTools } from '../compose/use-compose-tools.tsx';
import classes from './inbox.module.css';
import { useTypingSender } from './typing.ts';
import { UploadChips } from './upload-chips.tsx';
import { useSendMessage } from './use-send-message.ts';
import { useUploads } from './use-uploads.ts';

type Mode = 'reply' | 'note';

/** Unsent text per conversation, kept while the operator looks at another one. */
const drafts = new Map<string, string>();

export interface ComposerProps {
  workspaceId: string;
  conversation: ConversationDetail;
}

export function Composer({ workspaceId, conversation }: ComposerProps) {
  const { t } = useTranslation();
  const id = conversation.id;
  const [mode, setMode] = useState<Mode>('reply');
  const [text, setText] = useState(() => drafts.get(id) ?? '');
  const fileInput = useRef<HTMLInputElement>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const uploads = useUploads(workspaceId);
  const send = useSendMessage(workspaceId, id);
  const typing = useTypingSender(id);
  const canSend = (text.trim().length > 0 || uploads.ready.length > 0) && !uploads.busy;

  const update = (value: string) => {
    setText(value);
    if (value) drafts.set(id, value);
    else drafts.delete(id);
    // Private notes are not the customer's business: no typing indicator for them.
    if (mode === 'reply' && value.trim()) typing.typed();
    else typing.stop();
  };

  const submit = () => {
    if (!canSend) return;
    send({ text: text.trim(), private: mode === 'note', attachments: uploads.ready });
    update('');
    uploads.clear();
    typing.stop();
  };

  const tools = useComposeTools({
    workspaceId,
    conversation,
    textarea,
    text,
    update,
    addAttachment: uploads.addAttachment,
  });

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (tools.onKeyDown(event)) return;
    // Enter sends; Shift+Enter is a new line; Enter that confirms an IME composition is neither.
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    submit();
  };

  return (
    <div className={classes.composer} data-mode={mode}>
      <Group justify="space-between" mb={6} gap="xs">
        <SegmentedControl
          classNames={{ input: classes.segmentInput }}
          aria-label={t('composer.mode')}
          size="xs"
          value={mode}
          onChange={(next) => {
            setMode(next as Mode);
            if (next === 'note') typing.stop();
          }}
          data={[
            { value: 'reply', label: t('composer.reply') },
            { value: 'note', label: t('composer.note') },
          ]}
          color={mode === 'note' ? 'yellow' : undefined}
        />
        {conversation.status === 'closed' && (
          <Text size="xs" c="dimmed">
            {t('composer.closedHint')}
          </Text>
        )}
      </Group>
      {uploads.errors.length > 0 && (
        <Alert
          color="red"
          variant="light"
          role="alert"
          mb="xs"
          withCloseButton
          onClose={uploads.dismissErrors}
          py={6}
        >
          {uploads.errors.map((error) => (
            <Text key={error} size="sm">
              {error}
            </Text>
          ))}
        </Alert>
      )}
      <UploadChips uploads={uploads.uploads} onRemove={uploads.remove} />
      {tools.toolbar}
      {tools.suggestions}
      <Textarea
        ref={textarea}
        {...tools.inputProps}
        aria-label={t('composer.reply')}
        placeholder={mode === 'note' ? t('composer.notePlaceholder') : t('composer.replyPlaceholder')}
        value={text}
        onChange={(event) => update(event.currentTarget.value)}
        onKeyDown={onKeyDown}
        autosize
        minRows={2}
        maxRows={8}
        maxLength={10_000}
      />
      <Group justify="space-between" mt={6}>
        <Button size="xs" variant="default" onClick={() => fileInput.current?.click()}>
          {t('composer.attach')}
        </Button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          tabIndex={-1}
          accept={attachmentLimits.contentTypes.join(',')}
          onChange={(event) => {
            uploads.add([...(event.currentTarget.files ?? [])]);
            event.currentTarget.value = '';
          }}
        />
        <Button size="xs" onClick={submit} disabled={!canSend} color={mode === 'note' ? 'yellow' : undefined}>
          {t('composer.send')}
        </Button>
      </Group>
    </div>
  );
}

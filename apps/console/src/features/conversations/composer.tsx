import { Alert, Button, Group, SegmentedControl, Text, Textarea } from '@mantine/core';
import { attachmentLimits, type ConversationDetail } from '@parley/contracts';
import { type KeyboardEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useComposeTools } from '../compose/use-compose-tools.tsx';
import { useMentions } from '../inbox/use-mentions.tsx';
import { useWhisperAllowed } from '../inbox/use-whisper.ts';
import classes from './inbox.module.css';
import { useTypingSender } from './typing.ts';
import { UploadChips } from './upload-chips.tsx';
import { useSendMessage } from './use-send-message.ts';
import { useUploads } from './use-uploads.ts';

type Mode = 'reply' | 'note' | 'whisper';

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
  const canWhisper = useWhisperAllowed(workspaceId, conversation);

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
    send({
      text: text.trim(),
      private: mode !== 'reply',
      whisper: mode === 'whisper',
      attachments: uploads.ready,
    });
    update('');
    uploads.clear();
    typing.stop();
  };

  const mentions = useMentions(workspaceId, text, mode !== 'reply', update);
  const tools = useComposeTools({
    workspaceId,
    conversation,
    textarea,
    text,
    update,
    addAttachment: uploads.addAttachment,
  });

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (mentions.onKeyDown(event)) return;
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
            if (next !== 'reply') typing.stop();
          }}
          data={[
            { value: 'reply', label: t('composer.reply') },
            { value: 'note', label: t('composer.note') },
            ...(canWhisper ? [{ value: 'whisper', label: t('supervision.whisper') }] : []),
          ]}
          color={mode === 'note' ? 'yellow' : mode === 'whisper' ? 'grape' : undefined}
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
          closeButtonLabel={t('common.close')}
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
      {mentions.list}
      <Textarea
        ref={textarea}
        {...tools.inputProps}
        // While @mention suggestions are open they own the list semantics.
        {...(mentions.inputProps['aria-controls'] ? mentions.inputProps : {})}
        aria-label={t('composer.reply')}
        placeholder={
          mode === 'whisper'
            ? t('supervision.whisperPlaceholder')
            : mode === 'note'
              ? t('composer.notePlaceholder')
              : t('composer.replyPlaceholder')
        }
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
        <Button
          size="xs"
          onClick={submit}
          disabled={!canSend}
          color={mode === 'note' ? 'yellow' : mode === 'whisper' ? 'grape' : undefined}
        >
          {t('composer.send')}
        </Button>
      </Group>
    </div>
  );
}

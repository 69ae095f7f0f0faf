import { Anchor, Group, Image, Modal, Stack, Text, UnstyledButton } from '@mantine/core';
import type { Attachment } from '@parley/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FileIcon } from './file-icon.tsx';
import classes from './inbox.module.css';
import { externalLinkProps } from './message-text.tsx';

/** Our own download URLs (relative or http(s)); anything else is not followed. */
export function safeAttachmentUrl(url: string): string | null {
  try {
    const parsed = new URL(url, window.location.origin);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${Math.round(size / 1024)} KB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}

const isImage = (a: Attachment) => /^image\/(png|jpeg|gif|webp)$/.test(a.contentType);

/** Image thumbnails that open full size; PDFs and other files as download links. */
export function AttachmentList({ attachments }: { attachments: Attachment[] }) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState<Attachment | null>(null);
  const openedUrl = opened ? safeAttachmentUrl(opened.url) : null;
  return (
    <Stack gap={6} mt={4}>
      <Group gap={6}>
        {attachments.filter(isImage).map((a) => {
          const url = safeAttachmentUrl(a.url);
          if (!url) return null;
          return (
            <UnstyledButton
              key={a.id}
              onClick={() => setOpened(a)}
              aria-label={t('conversation.openImage', { name: a.name })}
            >
              <img src={url} alt={a.name} className={classes.thumb} loading="lazy" />
            </UnstyledButton>
          );
        })}
      </Group>
      {attachments
        .filter((a) => !isImage(a))
        .map((a) => {
          const url = safeAttachmentUrl(a.url);
          const label = (
            <>
              <FileIcon /> {a.name}
            </>
          );
          return (
            <Text key={a.id} size="sm">
              {url ? (
                <Anchor href={url} {...externalLinkProps} inherit>
                  {label}
                </Anchor>
              ) : (
                label
              )}{' '}
              <Text span size="xs" c="dimmed">
                ({formatBytes(a.size)})
              </Text>
            </Text>
          );
        })}
      <Modal
        opened={opened !== null}
        onClose={() => setOpened(null)}
        title={opened?.name}
        size="auto"
        centered
      >
        {openedUrl && (
          <Stack gap="xs">
            <Image src={openedUrl} alt={opened?.name} mah="80vh" fit="contain" />
            <Anchor href={openedUrl} {...externalLinkProps} size="sm">
              {t('conversation.openOriginal')}
            </Anchor>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}

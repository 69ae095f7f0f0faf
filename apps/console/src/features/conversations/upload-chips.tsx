import { CloseButton, Group, Loader, Paper, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatBytes } from './attachment-list.tsx';
import { FileIcon } from './file-icon.tsx';
import classes from './inbox.module.css';
import type { Upload } from './use-uploads.ts';

/** The files that go with the next message, with a preview and a way to take each out. */
export function UploadChips({ uploads, onRemove }: { uploads: Upload[]; onRemove: (key: string) => void }) {
  const { t } = useTranslation();
  if (uploads.length === 0) return null;
  return (
    <Group gap={6} mb="xs" aria-label={t('composer.attachments')} role="list">
      {uploads.map((u) => (
        <Paper key={u.key} withBorder radius="md" px={6} py={4} role="listitem" maw={240}>
          <Group gap={6} wrap="nowrap">
            {(u.preview ?? u.remotePreview) ? (
              <img src={(u.preview ?? u.remotePreview)!} alt="" className={classes.chipThumb} />
            ) : (
              <FileIcon size={18} />
            )}
            <Text size="xs" truncate miw={0}>
              {u.file.name}
            </Text>
            <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
              {formatBytes(u.attachment?.size ?? u.file.size)}
            </Text>
            {!u.attachment && (
              <Loader size={12} aria-label={t('composer.uploading', { name: u.file.name })} />
            )}
            <CloseButton
              size="xs"
              aria-label={t('composer.remove', { name: u.file.name })}
              onClick={() => onRemove(u.key)}
            />
          </Group>
        </Paper>
      ))}
    </Group>
  );
}

import {
  ActionIcon,
  Alert,
  Center,
  Loader,
  Modal,
  SimpleGrid,
  Text,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import type { Attachment } from '@parley/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNotify } from '../../components/notify.ts';
import { formatBytes } from '../conversations/attachment-list.tsx';
import { FileIcon } from '../conversations/file-icon.tsx';
import { useFormatDateTime } from '../members/format.ts';
import { composeApi, useGallery } from './compose-api.ts';
import { GalleryIcon } from './icons.tsx';

/** OI-7's gallery: files already shared with this customer; picking one adds it to the next message. */
export function GalleryButton({
  workspaceId,
  conversationId,
  onPick,
}: {
  workspaceId: string;
  conversationId: string;
  onPick: (attachment: Attachment) => void;
}) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const files = useGallery(workspaceId, conversationId, opened);
  const formatDate = useFormatDateTime();
  const notify = useNotify();

  const pick = async (id: string) => {
    setBusy(id);
    try {
      onPick(await composeApi.reuseFile(workspaceId, conversationId, id));
      setOpened(false);
    } catch (error) {
      notify.error(error);
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <Tooltip label={t('compose.gallery.open')} withArrow openDelay={300}>
        <ActionIcon
          variant="subtle"
          color="gray"
          size="sm"
          aria-label={t('compose.gallery.open')}
          onClick={() => setOpened(true)}
        >
          <GalleryIcon />
        </ActionIcon>
      </Tooltip>
      <Modal
        opened={opened}
        onClose={() => setOpened(false)}
        title={t('compose.gallery.title')}
        size="lg"
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        {files.isPending ? (
          <Center p="md">
            <Loader aria-label={t('common.loading')} />
          </Center>
        ) : files.isError ? (
          <Alert color="red">{t('common.loadFailed')}</Alert>
        ) : files.data.length === 0 ? (
          <Text c="dimmed">{t('compose.gallery.empty')}</Text>
        ) : (
          <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm" role="list">
            {files.data.map((f) => (
              <UnstyledButton
                key={f.id}
                role="listitem"
                aria-label={t('compose.gallery.pick', { name: f.name })}
                onClick={() => void pick(f.id)}
                disabled={busy !== null}
                p="xs"
                style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 8 }}
              >
                {f.contentType.startsWith('image/') ? (
                  <img
                    src={f.url}
                    alt=""
                    style={{ width: '100%', height: 90, objectFit: 'cover', borderRadius: 4 }}
                  />
                ) : (
                  <Center h={90}>
                    <FileIcon size={36} />
                  </Center>
                )}
                <Text size="xs" truncate mt={4}>
                  {f.name}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatBytes(f.size)} · {formatDate(f.sharedAt)}
                </Text>
                {busy === f.id && <Loader size={12} aria-label={t('common.loading')} />}
              </UnstyledButton>
            ))}
          </SimpleGrid>
        )}
      </Modal>
    </>
  );
}

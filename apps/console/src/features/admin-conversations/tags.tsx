import {
  ActionIcon,
  Badge,
  Button,
  ColorInput,
  Group,
  Modal,
  MultiSelect,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import type { Tag } from '@parley/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNotify } from '../../components/notify.ts';
import { useConversationTags, useSetConversationTags, useTagMutations, useTags } from './admin-api.ts';
import { textOn } from './tag-colour.ts';

export function TagBadges({ tags }: { tags: Tag[] }) {
  if (tags.length === 0) return null;
  return (
    <Group gap={4} wrap="wrap">
      {tags.map((tag) => (
        <Badge
          key={tag.id}
          size="sm"
          radius="sm"
          style={{ background: tag.colour, color: textOn(tag.colour) }}
        >
          {tag.name}
        </Badge>
      ))}
    </Group>
  );
}

/** Operators add and remove a conversation's tags (the whole set is saved at once). */
export function ConversationTagsEditor({
  workspaceId,
  conversationId,
}: {
  workspaceId: string;
  conversationId: string;
}) {
  const { t } = useTranslation();
  const notify = useNotify();
  const all = useTags(workspaceId);
  const current = useConversationTags(workspaceId, conversationId);
  const save = useSetConversationTags(workspaceId, conversationId);
  if (!all.data || !current.data) return null;
  return (
    <MultiSelect
      label={t('adminConversations.tags')}
      placeholder={current.data.length ? undefined : t('adminConversations.addTag')}
      data={all.data.map((tag) => ({ value: tag.id, label: tag.name }))}
      value={current.data.map((tag) => tag.id)}
      onChange={(ids) => save.mutate(ids, { onError: (error) => notify.error(error) })}
      disabled={save.isPending}
      size="xs"
      clearable
      searchable
      nothingFoundMessage={
        all.data.length ? t('adminConversations.noTagMatches') : t('adminConversations.noTagsToAdd')
      }
    />
  );
}

/** Owners and admins manage the workspace's tags: name and colour. */
export function TagsManager({
  workspaceId,
  opened,
  onClose,
}: {
  workspaceId: string;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const notify = useNotify();
  const tags = useTags(workspaceId);
  const { create, remove } = useTagMutations(workspaceId);
  const [name, setName] = useState('');
  const [colour, setColour] = useState('#3b82f6');
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t('adminConversations.manageTags')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <Stack>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(
              { name: name.trim(), colour },
              { onSuccess: () => setName(''), onError: (error) => notify.error(error) },
            );
          }}
        >
          <Group align="end">
            <TextInput
              label={t('adminConversations.tagName')}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              required
              maxLength={40}
            />
            <ColorInput
              label={t('adminConversations.tagColour')}
              value={colour}
              onChange={setColour}
              format="hex"
              w={130}
              // The browser's eyedropper is an unnamed icon button in a 130 px field: the swatches and
              // the picker are enough.
              withEyeDropper={false}
            />
            <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
              {t('adminConversations.createTag')}
            </Button>
          </Group>
        </form>
        {tags.data?.length ? (
          <Table>
            <Table.Tbody>
              {tags.data.map((tag) => (
                <Table.Tr key={tag.id}>
                  <Table.Td>
                    <TagBadges tags={[tag]} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={t('adminConversations.deleteTag', { name: tag.name })}
                      onClick={() => remove.mutate(tag.id, { onError: (error) => notify.error(error) })}
                    >
                      ×
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text c="dimmed">{t('adminConversations.noTags')}</Text>
        )}
      </Stack>
    </Modal>
  );
}

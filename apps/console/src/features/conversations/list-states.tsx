import { Button, Center, Loader, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** The states a conversation list shares, whichever conversations it lists. */
export function ListLoading() {
  const { t } = useTranslation();
  return (
    <Center flex={1} p="lg">
      <Loader size="sm" aria-label={t('common.loading')} />
    </Center>
  );
}

export function ListEmpty({ title, body }: { title: string; body?: string }) {
  return (
    <Stack p="lg" gap={4} ta="center" flex={1}>
      <Text fw={600} size="sm">
        {title}
      </Text>
      {body && (
        <Text c="dimmed" size="xs">
          {body}
        </Text>
      )}
    </Stack>
  );
}

export interface LoadMoreProps {
  list: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };
}

export function LoadMore({ list }: LoadMoreProps) {
  const { t } = useTranslation();
  if (!list.hasNextPage) return null;
  return (
    <Center p="sm">
      <Button
        variant="subtle"
        size="xs"
        loading={list.isFetchingNextPage}
        onClick={() => void list.fetchNextPage()}
      >
        {t('conversations.loadMore')}
      </Button>
    </Center>
  );
}

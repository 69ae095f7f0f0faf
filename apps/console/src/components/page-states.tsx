import { Alert, Button, Center, Loader, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from '../router/link.tsx';

export function PageLoader() {
  const { t } = useTranslation();
  return (
    <Center mih="50vh" role="status" aria-live="polite">
      <Loader aria-label={t('common.loading')} />
    </Center>
  );
}

export function LoadError({ onRetry }: { onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <Center mih="50vh" p="md">
      <Alert color="red" title={t('common.loadFailed')} maw={480}>
        <Button variant="light" color="red" mt="sm" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      </Alert>
    </Center>
  );
}

export function MessagePage({ title, body }: { title: string; body: string }) {
  const { t } = useTranslation();
  return (
    <Center mih="60vh" p="md">
      <Stack align="center" gap="sm" maw={480} ta="center">
        <Title order={1} size="h2">
          {title}
        </Title>
        <Text c="dimmed">{body}</Text>
        <Link to="/">{t('common.goHome')}</Link>
      </Stack>
    </Center>
  );
}

/** A page whose permission the member lacks (the server refuses its calls as well). */
export function ForbiddenPage() {
  const { t } = useTranslation();
  return <MessagePage title={t('common.forbiddenTitle')} body={t('errors.api.forbidden')} />;
}

export function NotFoundPage() {
  const { t } = useTranslation();
  return <MessagePage title={t('common.notFoundTitle')} body={t('common.notFoundBody')} />;
}

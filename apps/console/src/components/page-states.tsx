import { Alert, Button, Center, Loader, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client.ts';
import { Link } from '../router/link.tsx';

export function PageLoader() {
  const { t } = useTranslation();
  return (
    <Center mih="50vh" role="status" aria-live="polite">
      <Loader aria-label={t('common.loading')} />
    </Center>
  );
}

/** Where a not-found state leads: the list the address came from, else the start page. */
export interface BackLink {
  to: string;
  label: string;
}

/**
 * A read refused for its address: what it names does not exist (404) or an id or a filter in it is
 * malformed (400). Trying again cannot help, unlike a network or server failure.
 */
export const isAddressRefused = (error: unknown): boolean =>
  isApiError(error) && (error.status === 404 || error.status === 400);

/**
 * A load that failed. Refused for its address, the page says it was not found (a heading and a link
 * back; `order` 2 inside a page that has its own heading); otherwise it can be tried again.
 */
export function LoadError({
  onRetry,
  error,
  back,
  order = 1,
}: {
  onRetry: () => void;
  /** The query's error: without it, every failure is offered a retry. */
  error?: unknown;
  back?: BackLink;
  order?: 1 | 2;
}) {
  const { t } = useTranslation();
  if (isAddressRefused(error)) {
    const invalid = isApiError(error) && error.status === 400;
    return (
      <MessagePage
        title={t('common.notFoundTitle')}
        body={invalid ? t('common.invalidAddressBody') : t('common.notFoundBody')}
        back={back}
        order={order}
      />
    );
  }
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

export function MessagePage({
  title,
  body,
  back,
  order = 1,
}: {
  title: string;
  body: string;
  back?: BackLink;
  order?: 1 | 2;
}) {
  const { t } = useTranslation();
  return (
    <Center mih={order === 1 ? '60vh' : '30vh'} p="md">
      <Stack align="center" gap="sm" maw={480} ta="center">
        <Title order={order} size={order === 1 ? 'h2' : 'h3'}>
          {title}
        </Title>
        <Text c="dimmed">{body}</Text>
        <Link to={back?.to ?? '/'}>{back?.label ?? t('common.goHome')}</Link>
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

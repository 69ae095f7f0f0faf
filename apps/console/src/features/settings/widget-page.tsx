import { Button, Code, CopyButton, Group, Paper, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import type { WidgetConfig } from '@parley/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { queryKeys } from '../../api/query-keys.ts';
import { useNotify } from '../../components/notify.ts';
import { LoadError, PageLoader } from '../../components/page-states.tsx';

type Prechat = WidgetConfig['prechat'];

const path = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}/widget`;

const identifyExample = `Parley.identify({
  id: 'user-42',            // your user's id
  name: 'Ada Lovelace',     // optional
  email: 'ada@example.com', // optional
  hash: '…',                // HMAC-SHA256 of the id, from your server
});`;
const hmacExample = `// On your server (Node.js); never in the browser
const hash = crypto.createHmac('sha256', PARLEY_IDENTITY_SECRET).update(user.id).digest('hex');`;

/** The embed snippet, identity verification and pre-chat questions of the chat widget. */
export function WidgetPage({ workspaceId }: { workspaceId: string }) {
  const config = useQuery({
    queryKey: queryKeys.widget(workspaceId),
    queryFn: () => api<WidgetConfig>('GET', path(workspaceId)),
  });
  if (config.isPending) return <PageLoader />;
  if (config.isError) return <LoadError onRetry={() => void config.refetch()} />;
  return (
    <>
      <SnippetSection snippet={config.data.snippet} />
      <IdentitySection secret={config.data.identitySecret} />
      <PrechatSection workspaceId={workspaceId} prechat={config.data.prechat} />
      <AwaySection workspaceId={workspaceId} offlineForm={config.data.offlineForm} />
    </>
  );
}

function SnippetSection({ snippet }: { snippet: string }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="widget-snippet">
      <Title order={2} size="h4" mb="xs" id="widget-snippet">
        {t('settings.widget.snippetTitle')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('settings.widget.snippetHint')}
      </Text>
      <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
        {snippet}
      </Code>
      <CopyButton value={snippet}>
        {({ copied, copy }) => (
          <Button mt="sm" variant={copied ? 'filled' : 'light'} color="teal" onClick={copy}>
            {copied ? t('members.copied') : t('settings.widget.copySnippet')}
          </Button>
        )}
      </CopyButton>
    </Paper>
  );
}

function IdentitySection({ secret }: { secret: string | null }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState(false);
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="widget-identity">
      <Title order={2} size="h4" mb="xs" id="widget-identity">
        {t('settings.widget.identityTitle')}
      </Title>
      <Stack gap="sm">
        <Text size="sm">{t('settings.widget.identityHint')}</Text>
        {/* tabIndex: a block that scrolls sideways on a phone is reachable by keyboard. */}
        <Code block tabIndex={0}>
          {identifyExample}
        </Code>
        <Text size="sm">{t('settings.widget.hmacHint')}</Text>
        <Code block tabIndex={0}>
          {hmacExample}
        </Code>
        {secret ? (
          <Group align="flex-end" wrap="nowrap">
            <TextInput
              label={t('settings.widget.secret')}
              value={shown ? secret : '•'.repeat(32)}
              readOnly
              flex={1}
              maw={520}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            />
            <Button variant="default" onClick={() => setShown((v) => !v)} aria-pressed={shown}>
              {shown ? t('settings.widget.hide') : t('settings.widget.show')}
            </Button>
            <CopyButton value={secret}>
              {({ copied, copy }) => (
                <Button variant={copied ? 'filled' : 'light'} color="teal" onClick={copy}>
                  {copied ? t('members.copied') : t('settings.widget.copySecret')}
                </Button>
              )}
            </CopyButton>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            {t('settings.widget.secretHidden')}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          {t('settings.widget.secretWarning')}
        </Text>
      </Stack>
    </Paper>
  );
}

/** Saves one part of the widget's settings, shown at once and put back if the server refuses it. */
function useSaveWidget<K extends keyof WidgetConfig>(workspaceId: string, field: K) {
  const { t } = useTranslation();
  const notify = useNotify();
  const client = useQueryClient();
  const key = queryKeys.widget(workspaceId);
  return useMutation({
    mutationFn: (next: WidgetConfig[K]) => api<WidgetConfig>('PATCH', path(workspaceId), { [field]: next }),
    onMutate: (next) => {
      const previous = client.getQueryData<WidgetConfig>(key);
      client.setQueryData<WidgetConfig>(key, (config) => config && { ...config, [field]: next });
      return { previous };
    },
    onSuccess: (config) => {
      client.setQueryData(key, config);
      notify.success(t('settings.saved'));
    },
    onError: (error, _next, context) => {
      client.setQueryData(key, context?.previous);
      notify.error(error);
    },
  });
}

function PrechatSection({ workspaceId, prechat }: { workspaceId: string; prechat: Prechat }) {
  const { t } = useTranslation();
  const save = useSaveWidget(workspaceId, 'prechat');
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="widget-prechat">
      <Title order={2} size="h4" mb="xs" id="widget-prechat">
        {t('settings.widget.prechatTitle')}
      </Title>
      <Stack gap="sm">
        <Switch
          label={t('settings.widget.askName')}
          description={t('settings.widget.askNameHint')}
          checked={prechat.enabled}
          onChange={(event) =>
            save.mutate({
              enabled: event.currentTarget.checked,
              requireEmail: event.currentTarget.checked && prechat.requireEmail,
            })
          }
        />
        <Switch
          label={t('settings.widget.requireEmail')}
          description={t('settings.widget.requireEmailHint')}
          checked={prechat.requireEmail}
          disabled={!prechat.enabled}
          onChange={(event) => save.mutate({ ...prechat, requireEmail: event.currentTarget.checked })}
        />
      </Stack>
    </Paper>
  );
}

/** When nobody can answer: keep the chat (default) or show the offline form instead. */
function AwaySection({ workspaceId, offlineForm }: { workspaceId: string; offlineForm: boolean }) {
  const { t } = useTranslation();
  const save = useSaveWidget(workspaceId, 'offlineForm');
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="widget-away">
      <Title order={2} size="h4" mb="xs" id="widget-away">
        {t('settings.widget.awayTitle')}
      </Title>
      <Switch
        label={t('settings.widget.offlineForm')}
        description={t('settings.widget.offlineFormHint')}
        checked={offlineForm}
        onChange={(event) => save.mutate(event.currentTarget.checked)}
      />
    </Paper>
  );
}

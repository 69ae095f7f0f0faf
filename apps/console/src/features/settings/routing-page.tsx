import { Button, Group, NumberInput, Paper, Select, Stack, Text } from '@mantine/core';
import type { RoutingSettings, Team } from '@parley/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/query-keys.ts';
import { FormAlert } from '../../components/form-alert.tsx';
import { useNotify } from '../../components/notify.ts';
import { LoadError, PageLoader } from '../../components/page-states.tsx';
import { useErrorText } from '../../components/use-api-form.ts';
import { routingApi, useRoutingSettings, useTeams } from '../routing/routing-api.ts';

const none = 'none';

export function RoutingPage({ workspaceId }: { workspaceId: string }) {
  const settings = useRoutingSettings(workspaceId);
  const teams = useTeams(workspaceId);
  if (settings.isPending || teams.isPending) return <PageLoader />;
  if (settings.isError || teams.isError) {
    return (
      <LoadError
        onRetry={() => {
          void settings.refetch();
          void teams.refetch();
        }}
      />
    );
  }
  return <RoutingForm workspaceId={workspaceId} settings={settings.data} teams={teams.data} />;
}

interface RoutingFormProps {
  workspaceId: string;
  settings: RoutingSettings;
  teams: Team[];
}

function RoutingForm({ workspaceId, settings, teams }: RoutingFormProps) {
  const { t } = useTranslation();
  const notify = useNotify();
  const errorText = useErrorText();
  const client = useQueryClient();
  const [defaultTeam, setDefaultTeam] = useState<string>(settings.defaultTeamId ?? none);
  const [notice, setNotice] = useState<number | string>(settings.lookingForInfoNoticeSeconds);
  const [grace, setGrace] = useState<number | string>(settings.disconnectGraceSeconds);
  const save = useMutation({
    mutationFn: (body: Partial<RoutingSettings>) => routingApi.updateRouting(workspaceId, body),
    onSuccess: (saved) => {
      client.setQueryData(queryKeys.routing(workspaceId), saved);
      notify.success(t('settings.saved'));
    },
  });
  const inRange = (value: number | string, min: number, max: number) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
  const valid = inRange(notice, 10, 3600) && inRange(grace, 20, 3600);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!valid) return;
    save.mutate({
      defaultTeamId: defaultTeam === none ? null : defaultTeam,
      lookingForInfoNoticeSeconds: Number(notice),
      disconnectGraceSeconds: Number(grace),
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <Paper withBorder p="md" radius="md">
        <Stack gap="md" maw={520}>
          <Select
            label={t('settings.routing.defaultTeam')}
            description={t('settings.routing.defaultTeamHint')}
            data={[
              { value: none, label: t('settings.routing.noRouting') },
              ...teams.map((team) => ({ value: team.id, label: team.name })),
            ]}
            value={defaultTeam}
            onChange={(value) => value && setDefaultTeam(value)}
            allowDeselect={false}
          />
          <NumberInput
            label={t('settings.routing.lookingNotice')}
            description={t('settings.routing.lookingNoticeHint')}
            value={notice}
            onChange={setNotice}
            min={10}
            max={3600}
            allowDecimal={false}
            allowNegative={false}
            error={
              inRange(notice, 10, 3600) ? undefined : t('settings.routing.range', { min: 10, max: 3600 })
            }
          />
          <NumberInput
            label={t('settings.routing.grace')}
            description={t('settings.routing.graceHint')}
            value={grace}
            onChange={setGrace}
            min={20}
            max={3600}
            allowDecimal={false}
            allowNegative={false}
            error={inRange(grace, 20, 3600) ? undefined : t('settings.routing.range', { min: 20, max: 3600 })}
          />
          <FormAlert message={errorText(save.error)} />
          <Group>
            <Button type="submit" loading={save.isPending} disabled={!valid}>
              {t('settings.save')}
            </Button>
          </Group>
          <Text size="xs" c="dimmed">
            {t('settings.routing.teamRulesHint')}
          </Text>
        </Stack>
      </Paper>
    </form>
  );
}

import { Button, Group, Modal, NumberInput, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ChannelKind, MonitoringSettings } from '@parley/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNotify } from '../../components/notify.ts';
import { usePermissions } from '../auth/session.ts';
import { useMonitoringSettings, useSaveMonitoringSettings } from './monitoring-api.ts';

const channels: ChannelKind[] = [
  'web',
  'whatsapp',
  'messenger',
  'instagram',
  'x',
  'telegram',
  'email',
  'api',
];

/** Owners and admins set the service level goal, the "unanswered" threshold and the reply windows. */
export function MonitoringSettingsButton({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const permissions = usePermissions(workspaceId);
  const [opened, dialog] = useDisclosure(false);
  if (!permissions.includes('workspace.manage')) return null;
  return (
    <>
      <Button variant="default" onClick={dialog.open}>
        {t('monitoring.settings.open')}
      </Button>
      <Modal
        opened={opened}
        onClose={dialog.close}
        title={t('monitoring.settings.title')}
        size="lg"
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        {opened && <SettingsForm workspaceId={workspaceId} onDone={dialog.close} />}
      </Modal>
    </>
  );
}

function SettingsForm({ workspaceId, onDone }: { workspaceId: string; onDone: () => void }) {
  const settings = useMonitoringSettings(workspaceId);
  if (!settings.data) return null;
  return <Form workspaceId={workspaceId} initial={settings.data} onDone={onDone} />;
}

function Form({
  workspaceId,
  initial,
  onDone,
}: {
  workspaceId: string;
  initial: MonitoringSettings;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const notify = useNotify();
  const save = useSaveMonitoringSettings(workspaceId);
  const [slSeconds, setSlSeconds] = useState<number | string>(initial.serviceLevelSeconds);
  const [slPercent, setSlPercent] = useState<number | string>(initial.serviceLevelPercent);
  const [unansweredMinutes, setUnansweredMinutes] = useState<number | string>(
    Math.round(initial.unansweredAfterSeconds / 60),
  );
  const [windows, setWindows] = useState<Record<string, number | string>>(
    Object.fromEntries(channels.map((c) => [c, Math.round((initial.replyWindows[c] ?? 86_400) / 3600)])),
  );
  const submit = () =>
    save.mutate(
      {
        serviceLevelSeconds: Number(slSeconds),
        serviceLevelPercent: Number(slPercent),
        unansweredAfterSeconds: Number(unansweredMinutes) * 60,
        replyWindows: Object.fromEntries(channels.map((c) => [c, Number(windows[c]) * 3600])) as Record<
          ChannelKind,
          number
        >,
      },
      {
        onSuccess: () => {
          notify.success(t('monitoring.settings.saved'));
          onDone();
        },
        onError: (error) => notify.error(error),
      },
    );
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Stack>
        <Title order={3} size="h5">
          {t('monitoring.serviceLevel.title')}
        </Title>
        <Group grow>
          <NumberInput
            label={t('monitoring.settings.slPercent')}
            min={1}
            max={100}
            value={slPercent}
            onChange={setSlPercent}
            suffix=" %"
          />
          <NumberInput
            label={t('monitoring.settings.slSeconds')}
            min={1}
            max={86_400}
            value={slSeconds}
            onChange={setSlSeconds}
          />
        </Group>
        <NumberInput
          label={t('monitoring.settings.unanswered')}
          description={t('monitoring.settings.unansweredHelp')}
          min={1}
          max={7 * 24 * 60}
          value={unansweredMinutes}
          onChange={setUnansweredMinutes}
        />
        <Title order={3} size="h5">
          {t('monitoring.settings.windows')}
        </Title>
        <Text size="sm" c="gray.7">
          {t('monitoring.settings.windowsHelp')}
        </Text>
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          {channels.map((c) => (
            <NumberInput
              key={c}
              label={t(`monitoring.channels.${c}`)}
              min={1}
              max={720}
              value={windows[c]}
              onChange={(value) => setWindows((w) => ({ ...w, [c]: value }))}
              suffix=" h"
            />
          ))}
        </SimpleGrid>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t('monitoring.settings.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

import { Button, Group, Menu, Modal, Popover, Stack, Text, Textarea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type Conversation, type ConversationDetail, type Priority, priority } from '@parley/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateField } from '../../components/date-field.tsx';
import { useNotify } from '../../components/notify.ts';
import { TimeField } from '../../components/time-field.tsx';
import { usePermissions } from '../auth/session.ts';
import { upsertConversation } from '../conversations/cache.ts';
import { inboxApi, useMonitoredIds } from './inbox-api.ts';

export interface ConversationToolsProps {
  workspaceId: string;
  userId: string;
  conversation: ConversationDetail;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** The day (`YYYY-MM-DD`) and the time (`HH:mm`) of a moment in the operator's own time zone. */
const localDayAndTime = (d: Date) => ({
  day: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
  time: `${pad(d.getHours())}:${pad(d.getMinutes())}`,
});

/** Snooze presets, from now in the operator's own time zone. */
function presetTime(preset: 'hour' | 'evening' | 'tomorrow' | 'week'): Date {
  const d = new Date();
  if (preset === 'hour') return new Date(d.getTime() + 3_600_000);
  if (preset === 'week') return new Date(d.getTime() + 7 * 86_400_000);
  if (preset === 'evening') {
    d.setHours(18, 0, 0, 0);
    // Already past six: the next evening.
    return d.getTime() > Date.now() + 60_000 ? d : new Date(d.getTime() + 86_400_000);
  }
  d.setDate(d.getDate() + 1);
  d.setHours(9, 0, 0, 0);
  return d;
}

/**
 * The tools of WS-2, OI-4 and OI-7 in the conversation header: snooze, priority, important, and for
 * whoever may monitor the pin and the take-over; the operator asks for help here.
 */
export function ConversationTools({ workspaceId, userId, conversation: c }: ConversationToolsProps) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const notify = useNotify();
  const canMonitor = usePermissions(workspaceId).includes('monitor');
  const monitored = useMonitoredIds(workspaceId, canMonitor);
  const pinned = monitored.data?.includes(c.id) ?? false;
  const applied = (next: Conversation) => upsertConversation(client, workspaceId, userId, next);
  const act = useMutation({
    mutationFn: async (run: () => Promise<unknown>) => run(),
    onError: notify.error,
  });
  const run = (fn: () => Promise<Conversation>, done?: string) =>
    act.mutate(async () => {
      applied(await fn());
      if (done) notify.success(done);
    });
  const open = c.status !== 'closed';
  const [custom, customOpen] = useDisclosure(false);

  return (
    // Marks and the snooze time are in the header's first row; here, only controls. Their short labels
    // are part of their names (WCAG 2.5.3), which say the whole action.
    <Group gap={6} data-testid="conversation-tools">
      {c.status === 'snoozed' && (
        <Button
          size="xs"
          variant="light"
          onClick={() => run(() => inboxApi.unsnooze(workspaceId, c.id))}
          aria-label={t('states.unsnooze')}
        >
          {t('states.unsnoozeShort')}
        </Button>
      )}
      {/* A teammate's conversation: taking it over is the supervisor's one way to take it (the header
          leaves out Assign to me); an unassigned one is simply assigned. */}
      {canMonitor && open && c.assigneeId !== null && c.assigneeId !== userId && (
        <TakeOver
          busy={act.isPending}
          onConfirm={() => run(() => inboxApi.takeOver(workspaceId, c.id), t('supervision.takenOver'))}
        />
      )}
      {open && c.assigneeId === userId && <AskHelp workspaceId={workspaceId} conversationId={c.id} />}
      <SnoozeCustom
        opened={custom}
        onClose={customOpen.close}
        onSnooze={(until) => run(() => inboxApi.snooze(workspaceId, c.id, until.toISOString()))}
      >
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <Button size="xs" variant="default" disabled={act.isPending} aria-label={t('states.more')}>
              <span aria-hidden="true">⋯</span>
            </Button>
          </Menu.Target>
          <Menu.Dropdown mah={420} style={{ overflowY: 'auto' }}>
            {c.status === 'open' && (
              <>
                <Menu.Label>{t('states.snoozeUntil')}</Menu.Label>
                {snoozePresets.map((p) => (
                  <Menu.Item
                    key={p}
                    onClick={() => run(() => inboxApi.snooze(workspaceId, c.id, presetTime(p).toISOString()))}
                  >
                    {t(`states.snoozePresets.${p}`)}
                  </Menu.Item>
                ))}
                <Menu.Item onClick={customOpen.open}>{t('states.snoozeCustom')}</Menu.Item>
                <Menu.Divider />
              </>
            )}
            <Menu.Label>{t('states.priority')}</Menu.Label>
            {priority.options.map((p: Priority) => (
              <Menu.Item
                key={p}
                // Mantine makes every item a plain menuitem, on which aria-checked is not allowed.
                aria-current={p === c.priority ? 'true' : undefined}
                onClick={() => run(() => inboxApi.mark(workspaceId, c.id, { priority: p }))}
              >
                <span aria-hidden="true">{p === c.priority ? '✓ ' : ''}</span>
                {t(`priority.${p}`)}
              </Menu.Item>
            ))}
            <Menu.Divider />
            <Menu.Item
              onClick={() => run(() => inboxApi.mark(workspaceId, c.id, { important: !c.important }))}
            >
              {c.important ? t('states.unmarkImportant') : t('states.markImportant')}
            </Menu.Item>
            {canMonitor && (
              <Menu.Item
                onClick={() =>
                  act.mutate(async () => {
                    const next = await inboxApi.monitor(workspaceId, c.id, !pinned);
                    client.setQueryData(['workspaces', workspaceId, 'monitored'], next);
                  })
                }
              >
                {pinned ? t('supervision.unmonitor') : t('supervision.monitor')}
              </Menu.Item>
            )}
          </Menu.Dropdown>
        </Menu>
      </SnoozeCustom>
    </Group>
  );
}

const snoozePresets = ['hour', 'evening', 'tomorrow', 'week'] as const;

/**
 * The custom snooze time: a small dialog with a day and a time in the console's language, read in the
 * operator's own time zone. A moment already past is refused here, with its reason.
 */
function SnoozeCustom({
  opened,
  onClose,
  onSnooze,
  children,
}: {
  opened: boolean;
  onClose: () => void;
  onSnooze: (until: Date) => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const [initial] = useState(() => localDayAndTime(presetTime('tomorrow')));
  const [day, setDay] = useState<string | null>(initial.day);
  const [time, setTime] = useState(initial.time);
  const [tried, setTried] = useState(false);
  const [past, setPast] = useState(false);
  return (
    <>
      {children}
      <Modal
        opened={opened}
        onClose={onClose}
        title={t('states.snoozeCustom')}
        size="sm"
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setTried(true);
            if (!day || !time) return;
            // No offset: the day and time are read in the browser's time zone, the operator's.
            const until = new Date(`${day}T${time}`);
            if (Number.isNaN(until.getTime())) return;
            if (until.getTime() <= Date.now()) {
              setPast(true);
              return;
            }
            onSnooze(until);
            onClose();
          }}
        >
          <Stack gap="xs">
            <Group
              role="group"
              aria-label={t('states.snoozeUntil')}
              gap="xs"
              align="flex-start"
              wrap="nowrap"
            >
              <DateField
                label={t('states.snoozeDay')}
                value={day}
                onChange={(next) => {
                  setDay(next);
                  setPast(false);
                }}
                clearable={false}
                error={tried && !day ? t('errors.required') : undefined}
                data-autofocus
              />
              <TimeField
                label={t('states.snoozeTime')}
                value={time}
                onChange={(next) => {
                  setTime(next);
                  setPast(false);
                }}
                w={120}
                error={tried && !time ? t('errors.required') : undefined}
              />
            </Group>
            {past && (
              <Text size="sm" c="red" role="alert">
                {t('states.snoozePast')}
              </Text>
            )}
            <Button type="submit" size="xs">
              {t('states.snoozeConfirm')}
            </Button>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

function TakeOver({ onConfirm, busy }: { onConfirm: () => void; busy: boolean }) {
  const { t } = useTranslation();
  const [opened, { close, toggle }] = useDisclosure(false);
  return (
    <Popover opened={opened} onChange={(o) => !o && close()} trapFocus withArrow position="bottom-end">
      <Popover.Target>
        <Button size="xs" color="orange" onClick={toggle} loading={busy}>
          {t('supervision.takeOver')}
        </Button>
      </Popover.Target>
      <Popover.Dropdown maw={300}>
        <Stack gap="xs">
          <Text size="sm">{t('supervision.takeOverConfirm')}</Text>
          <Group justify="flex-end" gap="xs">
            <Button size="xs" variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button
              size="xs"
              color="orange"
              onClick={() => {
                close();
                onConfirm();
              }}
            >
              {t('supervision.takeOver')}
            </Button>
          </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

function AskHelp({ workspaceId, conversationId }: { workspaceId: string; conversationId: string }) {
  const { t } = useTranslation();
  const notify = useNotify();
  const client = useQueryClient();
  const [opened, { close, toggle }] = useDisclosure(false);
  const [message, setMessage] = useState('');
  const ask = useMutation({
    mutationFn: () => inboxApi.askHelp(workspaceId, conversationId, message.trim()),
    onSuccess: () => {
      close();
      setMessage('');
      void client.invalidateQueries({
        queryKey: ['workspaces', workspaceId, 'help-requests', conversationId],
      });
    },
    onError: notify.error,
  });
  return (
    <Popover opened={opened} onChange={(o) => !o && close()} trapFocus withArrow position="bottom-end">
      <Popover.Target>
        <Button
          size="xs"
          variant="light"
          color="grape"
          onClick={toggle}
          aria-label={t('supervision.askHelp')}
        >
          {t('supervision.askHelpShort')}
        </Button>
      </Popover.Target>
      <Popover.Dropdown w={300}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            ask.mutate();
          }}
        >
          <Stack gap="xs">
            <Textarea
              label={t('supervision.helpMessage')}
              value={message}
              onChange={(event) => setMessage(event.currentTarget.value)}
              maxLength={500}
              autosize
              minRows={2}
            />
            <Button type="submit" size="xs" color="grape" loading={ask.isPending}>
              {t('supervision.helpSend')}
            </Button>
          </Stack>
        </form>
      </Popover.Dropdown>
    </Popover>
  );
}

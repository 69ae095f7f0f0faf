import { Button, Group, Menu, Modal, Stack, Text, TextInput } from '@mantine/core';
import { type ConversationDetail, localized, type Transcript } from '@parley/contracts';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormAlert } from '../../components/form-alert.tsx';
import { useNotify } from '../../components/notify.ts';
import { useErrorText } from '../../components/use-api-form.ts';
import { currentLanguage } from '../../i18n/i18n.ts';
import { composeApi, useSurveys } from './compose-api.ts';
import { TranscriptPrint } from './transcript-print.tsx';

/** Print, e-mail the transcript, send a survey (OI-7): a row of actions above the messages. */
export function ConversationTools({
  workspaceId,
  conversation: c,
}: {
  workspaceId: string;
  conversation: ConversationDetail;
}) {
  const { t } = useTranslation();
  const notify = useNotify();
  const [printing, setPrinting] = useState<Transcript | null>(null);
  const [loadingPrint, setLoadingPrint] = useState(false);
  const [emailOpen, setEmailOpen] = useState(false);
  const surveys = useSurveys(workspaceId);

  // Printed once the transcript is in the page; kept there until the conversation changes.
  useEffect(() => {
    if (!printing) return;
    const timer = setTimeout(() => window.print(), 50);
    return () => clearTimeout(timer);
  }, [printing]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: another conversation drops the printout
  useEffect(() => setPrinting(null), [c.id]);

  const print = async () => {
    setLoadingPrint(true);
    try {
      setPrinting(await composeApi.transcript(workspaceId, c.id));
    } catch (error) {
      notify.error(error);
    } finally {
      setLoadingPrint(false);
    }
  };

  const sendSurvey = async (surveyId: string) => {
    try {
      await composeApi.sendSurvey(workspaceId, c.id, surveyId);
      notify.success(t('compose.survey.sent'));
    } catch (error) {
      notify.error(error);
    }
  };

  const lang = currentLanguage();
  return (
    <Group
      gap={6}
      px="md"
      py={4}
      role="toolbar"
      aria-label={t('compose.tools')}
      style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
    >
      <Button size="compact-xs" variant="subtle" onClick={() => void print()} loading={loadingPrint}>
        {t('compose.print')}
      </Button>
      <Button size="compact-xs" variant="subtle" onClick={() => setEmailOpen(true)}>
        {t('compose.email.open')}
      </Button>
      {c.channel === 'web' && (
        <Menu position="bottom-start" withinPortal>
          <Menu.Target>
            <Button size="compact-xs" variant="subtle">
              {t('compose.survey.send')}
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>{t('compose.survey.pick')}</Menu.Label>
            {(surveys.data ?? []).length === 0 && <Menu.Item disabled>{t('compose.survey.none')}</Menu.Item>}
            {surveys.data?.map((s) => (
              <Menu.Item key={s.id} onClick={() => void sendSurvey(s.id)}>
                {s.name}
                <Text size="xs" c="dimmed">
                  {localized(s.definition.title, lang)}
                </Text>
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      )}
      {printing && <TranscriptPrint transcript={printing} />}
      <EmailTranscriptDialog
        workspaceId={workspaceId}
        conversation={c}
        opened={emailOpen}
        onClose={() => setEmailOpen(false)}
      />
    </Group>
  );
}

function EmailTranscriptDialog({
  workspaceId,
  conversation: c,
  opened,
  onClose,
}: {
  workspaceId: string;
  conversation: ConversationDetail;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const notify = useNotify();
  const errorText = useErrorText();
  const [to, setTo] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (opened) {
      setTo(c.contact.email ?? '');
      setError(null);
    }
  }, [opened, c.contact.email]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const sent = await composeApi.emailTranscript(workspaceId, c.id, {
        recipient: to.trim() || undefined,
        locale: currentLanguage(),
      });
      notify.success(t('compose.email.sent', { to: sent.to }));
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t('compose.email.title')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm">{t('compose.email.hint')}</Text>
          <TextInput
            type="email"
            label={t('compose.email.to')}
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
            data-autofocus
            required={!c.contact.email}
          />
          <FormAlert message={error ? errorText(error) : undefined} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {t('compose.email.send')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

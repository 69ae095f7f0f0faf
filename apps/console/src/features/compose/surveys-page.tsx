import {
  ActionIcon,
  Alert,
  Button,
  Checkbox,
  Fieldset,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import type { LocalizedText, Survey, SurveyDefinition, SurveyQuestion } from '@parley/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { FormAlert } from '../../components/form-alert.tsx';
import { useNotify } from '../../components/notify.ts';
import { useErrorText } from '../../components/use-api-form.ts';
import { usePermissions } from '../auth/session.ts';
import { composeApi, composeKeys, useSurveys } from './compose-api.ts';

const langs = ['en', 'es', 'fr'] as const;
const emptyText = (): LocalizedText => ({ en: '', es: '', fr: '' });
let counter = 0;
const newId = (prefix: string) => `${prefix}${Date.now().toString(36)}${counter++}`;
const newQuestion = (): SurveyQuestion => ({
  id: newId('q'),
  kind: 'rating',
  required: true,
  label: emptyText(),
  options: [],
});

/** Settings → Surveys: admins define them (rating 1–5, single choice, free text; en/es/fr). */
export function SurveysPage({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const surveys = useSurveys(workspaceId);
  const client = useQueryClient();
  const notify = useNotify();
  const canExport = usePermissions(workspaceId).includes('export');
  const [editing, setEditing] = useState<Survey | 'new' | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: composeKeys.surveys(workspaceId) });

  if (editing)
    return (
      <SurveyEditor
        workspaceId={workspaceId}
        survey={editing === 'new' ? null : editing}
        onDone={() => {
          setEditing(null);
          void refresh();
        }}
      />
    );

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        {t('compose.surveys.intro')}
      </Text>
      <Group>
        <Button onClick={() => setEditing('new')}>{t('compose.surveys.add')}</Button>
      </Group>
      {(surveys.data ?? []).length === 0 ? (
        <Text c="dimmed">{t('compose.surveys.empty')}</Text>
      ) : (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('compose.surveys.name')}</Table.Th>
              <Table.Th>{t('compose.surveys.questions')}</Table.Th>
              <Table.Th>{t('compose.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {surveys.data?.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>{s.name}</Table.Td>
                <Table.Td>{s.definition.questions.length}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      onClick={() => setEditing(s)}
                      aria-label={t('compose.surveys.edit', { name: s.name })}
                    >
                      {t('compose.edit')}
                    </Button>
                    {canExport &&
                      (['csv', 'xlsx'] as const).map((format) => (
                        <Button
                          key={format}
                          size="compact-xs"
                          variant="subtle"
                          component="a"
                          href={composeApi.exportUrl(workspaceId, s.id, format)}
                          download
                          aria-label={t('compose.surveys.export', {
                            name: s.name,
                            format: format.toUpperCase(),
                          })}
                        >
                          {format.toUpperCase()}
                        </Button>
                      ))}
                    <ConfirmAction
                      label={t('compose.delete')}
                      ariaLabel={t('compose.surveys.delete', { name: s.name })}
                      question={t('compose.surveys.deleteQuestion', { name: s.name })}
                      onConfirm={() =>
                        void composeApi.deleteSurvey(workspaceId, s.id).then(refresh).catch(notify.error)
                      }
                    />
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function LocalizedInputs({
  label,
  value,
  onChange,
  error,
}: {
  label: string;
  value: LocalizedText;
  onChange: (next: LocalizedText) => void;
  error?: string;
}) {
  const { t } = useTranslation();
  return (
    <Group grow align="flex-start" gap="xs">
      {langs.map((lang) => (
        <TextInput
          key={lang}
          size="xs"
          label={`${label} (${t(`compose.langs.${lang}`)})`}
          required={lang === 'en'}
          value={value[lang] ?? ''}
          error={lang === 'en' ? error : undefined}
          onChange={(e) => onChange({ ...value, [lang]: e.currentTarget.value })}
        />
      ))}
    </Group>
  );
}

/** Empty translations are sent as null: the widget falls back to English. */
const clean = (v: LocalizedText): LocalizedText => ({
  en: v.en.trim(),
  es: v.es?.trim() || null,
  fr: v.fr?.trim() || null,
});

function SurveyEditor({
  workspaceId,
  survey,
  onDone,
}: {
  workspaceId: string;
  survey: Survey | null;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const notify = useNotify();
  const errorText = useErrorText();
  const [name, setName] = useState(survey?.name ?? '');
  const [def, setDef] = useState<SurveyDefinition>(
    survey?.definition ?? { title: emptyText(), questions: [newQuestion()] },
  );
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  // After a first try, an empty required field says so under itself (and stops saying so once filled)
  // instead of the server's refusal reaching the reader as its own English ("name: Too small: …").
  const [checked, setChecked] = useState(false);
  const requiredError = (value: string) => (checked && !value.trim() ? t('errors.required') : undefined);

  const setQuestion = (i: number, q: Partial<SurveyQuestion>) =>
    setDef((d) => ({ ...d, questions: d.questions.map((x, j) => (j === i ? { ...x, ...q } : x)) }));
  const move = (i: number, by: number) =>
    setDef((d) => {
      const qs = [...d.questions];
      const [q] = qs.splice(i, 1);
      qs.splice(i + by, 0, q!);
      return { ...d, questions: qs };
    });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setChecked(true);
    const texts = [
      name,
      def.title.en,
      ...def.questions.flatMap((q) => [
        q.label.en,
        ...(q.kind === 'choice' ? q.options.map((o) => o.label.en) : []),
      ]),
    ];
    if (texts.some((text) => !text.trim())) return;
    setBusy(true);
    const definition: SurveyDefinition = {
      title: clean(def.title),
      questions: def.questions.map((q) => ({
        ...q,
        label: clean(q.label),
        options: q.kind === 'choice' ? q.options.map((o) => ({ ...o, label: clean(o.label) })) : [],
      })),
    };
    try {
      if (survey) await composeApi.updateSurvey(workspaceId, survey.id, { name: name.trim(), definition });
      else await composeApi.createSurvey(workspaceId, { name: name.trim(), definition });
      notify.success(t('compose.surveys.saved'));
      onDone();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Title order={2} size="h4">
          {survey ? t('compose.surveys.edit', { name: survey.name }) : t('compose.surveys.add')}
        </Title>
        <TextInput
          label={t('compose.surveys.name')}
          description={t('compose.surveys.nameHint')}
          required
          maxLength={120}
          value={name}
          error={requiredError(name)}
          onChange={(e) => setName(e.currentTarget.value)}
          maw={400}
        />
        <LocalizedInputs
          label={t('compose.surveys.title')}
          value={def.title}
          error={requiredError(def.title.en)}
          onChange={(title) => setDef((d) => ({ ...d, title }))}
        />
        {def.questions.map((q, i) => (
          <Fieldset key={q.id} legend={t('compose.surveys.question', { n: i + 1 })}>
            <Stack gap="xs">
              <Group align="flex-end">
                <Select
                  size="xs"
                  label={t('compose.surveys.kind')}
                  allowDeselect={false}
                  value={q.kind}
                  data={(['rating', 'choice', 'text'] as const).map((k) => ({
                    value: k,
                    label: t(`compose.surveys.kinds.${k}`),
                  }))}
                  onChange={(k) =>
                    setQuestion(i, {
                      kind: (k ?? 'rating') as SurveyQuestion['kind'],
                      options:
                        k === 'choice' && q.options.length === 0
                          ? [
                              { id: newId('o'), label: emptyText() },
                              { id: newId('o'), label: emptyText() },
                            ]
                          : q.options,
                    })
                  }
                />
                <Checkbox
                  label={t('compose.surveys.required')}
                  checked={q.required}
                  onChange={(e) => setQuestion(i, { required: e.currentTarget.checked })}
                  mb={6}
                />
                <Group gap={2} ml="auto">
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                    aria-label={t('compose.surveys.moveUp', { n: i + 1 })}
                  >
                    ↑
                  </ActionIcon>
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    disabled={i === def.questions.length - 1}
                    onClick={() => move(i, 1)}
                    aria-label={t('compose.surveys.moveDown', { n: i + 1 })}
                  >
                    ↓
                  </ActionIcon>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    disabled={def.questions.length === 1}
                    onClick={() =>
                      setDef((d) => ({ ...d, questions: d.questions.filter((_, j) => j !== i) }))
                    }
                    aria-label={t('compose.surveys.removeQuestion', { n: i + 1 })}
                  >
                    ×
                  </ActionIcon>
                </Group>
              </Group>
              <LocalizedInputs
                label={t('compose.surveys.questionText')}
                value={q.label}
                error={requiredError(q.label.en)}
                onChange={(label) => setQuestion(i, { label })}
              />
              {q.kind === 'choice' && (
                <Paper withBorder p="xs">
                  <Stack gap="xs">
                    {q.options.map((o, k) => (
                      <Group key={o.id} align="flex-end" wrap="nowrap">
                        <div style={{ flex: 1 }}>
                          <LocalizedInputs
                            label={t('compose.surveys.option', { n: k + 1 })}
                            value={o.label}
                            error={requiredError(o.label.en)}
                            onChange={(label) =>
                              setQuestion(i, {
                                options: q.options.map((x, m) => (m === k ? { ...x, label } : x)),
                              })
                            }
                          />
                        </div>
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          disabled={q.options.length <= 2}
                          onClick={() => setQuestion(i, { options: q.options.filter((_, m) => m !== k) })}
                          aria-label={t('compose.surveys.removeOption', { n: k + 1 })}
                          mb={4}
                        >
                          ×
                        </ActionIcon>
                      </Group>
                    ))}
                    <Button
                      size="compact-xs"
                      variant="light"
                      w="fit-content"
                      onClick={() =>
                        setQuestion(i, { options: [...q.options, { id: newId('o'), label: emptyText() }] })
                      }
                    >
                      {t('compose.surveys.addOption')}
                    </Button>
                  </Stack>
                </Paper>
              )}
            </Stack>
          </Fieldset>
        ))}
        <Button
          variant="light"
          w="fit-content"
          onClick={() => setDef((d) => ({ ...d, questions: [...d.questions, newQuestion()] }))}
        >
          {t('compose.surveys.addQuestion')}
        </Button>
        {error && (
          <Alert color="red" role="alert" variant="light">
            {error}
          </Alert>
        )}
        <FormAlert message={undefined} />
        <Group>
          <Button type="submit" loading={busy}>
            {t('compose.save')}
          </Button>
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

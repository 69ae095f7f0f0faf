import {
  ActionIcon,
  Button,
  Checkbox,
  Group,
  Paper,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { builtInCustomerFields, type CustomerField, editableBuiltInFields } from '@parley/contracts';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormAlert } from '../../components/form-alert.tsx';
import { useNotify } from '../../components/notify.ts';
import { useErrorText } from '../../components/use-api-form.ts';
import { composeApi, useToolSettings } from './compose-api.ts';

/** Settings → Conversations: the rating prompt (CSAT) and the customer panel's fields (OI-9). */
export function ConversationSettingsPage({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const settings = useToolSettings(workspaceId);
  const notify = useNotify();
  const errorText = useErrorText();
  const [fields, setFields] = useState<CustomerField[] | null>(null);
  const [newKey, setNewKey] = useState<string | null>(null);
  const [attribute, setAttribute] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (settings.data && fields === null) setFields(settings.data.customerFields);
  }, [settings.data, fields]);

  if (!settings.data || !fields) return null;

  const toggle = async (key: 'csatEnabled' | 'csatComment', value: boolean) => {
    try {
      await composeApi.updateSettings(workspaceId, { [key]: value });
      await settings.refetch();
    } catch (e) {
      notify.error(e);
    }
  };

  const labelOf = (key: string) =>
    key.startsWith('attributes.') ? key.slice('attributes.'.length) : t(`sidebar.${key}` as 'sidebar.name');
  const unused = builtInCustomerFields.filter((k) => !fields.some((f) => f.key === k));
  const set = (i: number, change: Partial<CustomerField>) =>
    setFields(fields.map((f, j) => (j === i ? { ...f, ...change } : f)));
  const move = (i: number, by: number) => {
    const next = [...fields];
    const [f] = next.splice(i, 1);
    next.splice(i + by, 0, f!);
    setFields(next);
  };
  const add = (key: string) => {
    if (!key || fields.some((f) => f.key === key)) return;
    setFields([
      ...fields,
      {
        key,
        label: null,
        editable: key.startsWith('attributes.') || (editableBuiltInFields as readonly string[]).includes(key),
      },
    ]);
  };
  const editableAllowed = (key: string) =>
    key.startsWith('attributes.') || (editableBuiltInFields as readonly string[]).includes(key);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const saved = await composeApi.updateSettings(workspaceId, {
        customerFields: fields.map((f) => ({ ...f, label: f.label?.trim() || null })),
      });
      setFields(saved.customerFields);
      notify.success(t('compose.settings.saved'));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="xl">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('compose.settings.csatTitle')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('compose.settings.csatHint')}
        </Text>
        <Switch
          label={t('compose.settings.csatEnabled')}
          checked={settings.data.csatEnabled}
          onChange={(e) => void toggle('csatEnabled', e.currentTarget.checked)}
        />
        <Switch
          label={t('compose.settings.csatComment')}
          checked={settings.data.csatComment}
          disabled={!settings.data.csatEnabled}
          onChange={(e) => void toggle('csatComment', e.currentTarget.checked)}
        />
      </Stack>
      <form onSubmit={save} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('compose.settings.panelTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('compose.settings.panelHint')}
          </Text>
          {fields.map((f, i) => (
            <Paper key={f.key} withBorder p="xs">
              <Group gap="sm" wrap="wrap" align="flex-end">
                <Text size="sm" fw={600} w={150}>
                  {labelOf(f.key)}
                  {f.key.startsWith('attributes.') && (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      ({t('compose.settings.attribute')})
                    </Text>
                  )}
                </Text>
                {/* Every row has these two: their names say whose they are ("Label of Email"). */}
                <TextInput
                  size="xs"
                  label={t('compose.settings.label')}
                  aria-label={t('compose.settings.labelFor', { field: labelOf(f.key) })}
                  placeholder={labelOf(f.key)}
                  maxLength={60}
                  value={f.label ?? ''}
                  onChange={(e) => set(i, { label: e.currentTarget.value })}
                />
                <Checkbox
                  label={t('compose.settings.editable')}
                  aria-label={t('compose.settings.editableFor', { field: labelOf(f.key) })}
                  checked={f.editable}
                  disabled={!editableAllowed(f.key)}
                  onChange={(e) => set(i, { editable: e.currentTarget.checked })}
                  mb={6}
                />
                <Group gap={2} ml="auto">
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                    aria-label={t('compose.settings.moveUp', { field: labelOf(f.key) })}
                  >
                    ↑
                  </ActionIcon>
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    disabled={i === fields.length - 1}
                    onClick={() => move(i, 1)}
                    aria-label={t('compose.settings.moveDown', { field: labelOf(f.key) })}
                  >
                    ↓
                  </ActionIcon>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    onClick={() => setFields(fields.filter((_, j) => j !== i))}
                    aria-label={t('compose.settings.remove', { field: labelOf(f.key) })}
                  >
                    ×
                  </ActionIcon>
                </Group>
              </Group>
            </Paper>
          ))}
          <Group align="flex-end">
            <Select
              size="xs"
              label={t('compose.settings.addBuiltIn')}
              data={unused.map((k) => ({ value: k, label: labelOf(k) }))}
              value={newKey}
              onChange={(k) => {
                if (k) add(k);
                setNewKey(null);
              }}
              disabled={unused.length === 0}
            />
            <TextInput
              size="xs"
              label={t('compose.settings.addAttribute')}
              placeholder="contractStart"
              value={attribute}
              onChange={(e) => setAttribute(e.currentTarget.value)}
            />
            <Button
              size="xs"
              variant="light"
              disabled={!/^[A-Za-z0-9_-]{1,60}$/.test(attribute.trim())}
              onClick={() => {
                add(`attributes.${attribute.trim()}`);
                setAttribute('');
              }}
            >
              {t('compose.settings.add')}
            </Button>
          </Group>
          <FormAlert message={error} />
          <Group>
            <Button type="submit" loading={busy}>
              {t('compose.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

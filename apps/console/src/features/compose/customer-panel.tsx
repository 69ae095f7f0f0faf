import { ActionIcon, Anchor, Group, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import type { ConversationDetail, CustomerField } from '@parley/contracts';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldMessageOf, useMessageText } from '../../components/use-api-form.ts';
import { languageText, show, useLocationText } from '../conversations/customer-fields.ts';
import { customerName } from '../conversations/format.ts';
import { safeHref } from '../conversations/markdown.ts';
import { externalLinkProps } from '../conversations/message-text.tsx';
import { useFormatDateTime } from '../members/format.ts';
import { composeApi, useToolSettings } from './compose-api.ts';

const builtInLabel = (key: string) => `sidebar.${key}` as const;

/**
 * OI-9: the customer panel as the workspace configured it — which fields, in which order, under
 * which labels — with the editable ones editable in place (the server checks again).
 */
export function CustomerPanel({
  workspaceId,
  conversation: c,
}: {
  workspaceId: string;
  conversation: ConversationDetail;
}) {
  const { t, i18n } = useTranslation();
  const settings = useToolSettings(workspaceId);
  const formatDate = useFormatDateTime();
  const location = useLocationText()(c.visitor);
  const { contact, visitor } = c;

  const raw = (key: string): string | null => {
    if (key.startsWith('attributes.')) {
      const value = contact.attributes?.[key.slice('attributes.'.length)];
      return value === undefined || value === null ? null : show(value);
    }
    switch (key) {
      case 'name':
        return contact.name;
      case 'email':
        return contact.email;
      case 'phone':
        return contact.phone;
      case 'externalId':
        return contact.externalId;
      case 'location':
        return location;
      case 'currentPage':
        return visitor?.currentUrl ?? null;
      case 'referrer':
        return visitor?.referrer ?? null;
      case 'browser':
        return [visitor?.browser, visitor?.os].filter(Boolean).join(' · ') || null;
      case 'locale':
        return languageText(visitor?.locale, i18n.resolvedLanguage ?? 'en');
      case 'ip':
        return visitor?.ip ?? null;
      case 'channel':
        return t(`channels.${c.channel}`);
      case 'firstSeen':
        return formatDate(contact.createdAt);
      case 'lastSeen':
        return visitor ? formatDate(visitor.lastSeenAt) : null;
      default:
        return null;
    }
  };

  const display = (key: string, value: string): ReactNode => {
    if (key === 'email' && safeHref(`mailto:${value}`))
      return (
        <Anchor href={`mailto:${value}`} inherit>
          {value}
        </Anchor>
      );
    if (key === 'currentPage') {
      const page = safeHref(value);
      return page ? (
        <Anchor href={page} {...externalLinkProps} inherit>
          {visitor?.currentTitle || value}
        </Anchor>
      ) : (
        value
      );
    }
    return value;
  };

  const label = (f: CustomerField) =>
    f.label ??
    (f.key.startsWith('attributes.')
      ? f.key.slice('attributes.'.length)
      : t(builtInLabel(f.key) as 'sidebar.name'));

  return (
    <Stack gap="md" data-testid="customer-panel">
      <Title order={2} size="h5">
        {customerName(c, t)}
      </Title>
      <Stack component="dl" gap="sm" m={0}>
        {(settings.data?.customerFields ?? []).map((f) => (
          <PanelField
            key={f.key}
            workspaceId={workspaceId}
            conversationId={c.id}
            field={f}
            label={label(f)}
            value={raw(f.key)}
            render={(v) => display(f.key, v)}
          />
        ))}
      </Stack>
    </Stack>
  );
}

function PanelField({
  workspaceId,
  conversationId,
  field,
  label,
  value,
  render,
}: {
  workspaceId: string;
  conversationId: string;
  field: CustomerField;
  label: string;
  value: string | null;
  render: (value: string) => ReactNode;
}) {
  const { t } = useTranslation();
  const messageText = useMessageText();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  if (!editing && !field.editable && (value === null || value === '')) return null;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await composeApi.editCustomer(workspaceId, conversationId, field.key, draft.trim() || null);
      setEditing(false);
    } catch (e) {
      // Under the field, which it needs not name (the server calls it "value"); an e-mail in our words.
      setError(
        messageText(
          fieldMessageOf(e, (refused) =>
            field.key === 'email' && refused.code === 'validation_failed' ? 'errors.email' : undefined,
          ),
        ),
      );
    } finally {
      setBusy(false);
    }
  };

  const dt = (
    <Text component="dt" size="xs" c="dimmed">
      {label}
    </Text>
  );
  if (editing)
    return (
      <div>
        {dt}
        <dd style={{ margin: 0 }}>
          <form onSubmit={save}>
            <TextInput
              size="xs"
              aria-label={label}
              value={draft}
              onChange={(e) => setDraft(e.currentTarget.value)}
              error={error}
              autoFocus
              onKeyDown={(e) => {
                if (e.key === 'Escape') {
                  e.preventDefault();
                  setEditing(false);
                }
              }}
            />
            <Group gap={4} mt={4}>
              <ActionIcon
                type="submit"
                size="sm"
                variant="light"
                aria-label={t('compose.panel.save', { field: label })}
                loading={busy}
              >
                ✓
              </ActionIcon>
              <ActionIcon
                size="sm"
                variant="subtle"
                color="gray"
                aria-label={t('common.cancel')}
                onClick={() => setEditing(false)}
              >
                ×
              </ActionIcon>
            </Group>
          </form>
        </dd>
      </div>
    );

  return (
    <div>
      {dt}
      <Group component="dd" m={0} gap={4} justify="space-between" wrap="nowrap" align="flex-start">
        <Text size="sm" style={{ overflowWrap: 'anywhere', minWidth: 0 }}>
          {value ? (
            render(value)
          ) : (
            <Text span c="dimmed" inherit>
              —
            </Text>
          )}
        </Text>
        {field.editable && (
          <Tooltip label={t('compose.panel.edit', { field: label })} withArrow openDelay={300}>
            <ActionIcon
              size="xs"
              variant="subtle"
              color="gray"
              aria-label={t('compose.panel.edit', { field: label })}
              onClick={() => {
                setDraft(value ?? '');
                setError(undefined);
                setEditing(true);
              }}
            >
              ✎
            </ActionIcon>
          </Tooltip>
        )}
      </Group>
    </div>
  );
}

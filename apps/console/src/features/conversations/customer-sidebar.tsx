import { Anchor, Stack, Text, Title } from '@mantine/core';
import type { ConversationDetail } from '@parley/contracts';
import { type ReactNode, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { ConversationTagsEditor } from '../admin-conversations/tags.tsx';
import { useFormatDateTime } from '../members/format.ts';
import { customerName } from './format.ts';
import { safeHref } from './markdown.ts';
import { externalLinkProps } from './message-text.tsx';

export function Field({ label, children }: { label: string; children: ReactNode }) {
  if (children === null || children === undefined || children === '') return null;
  return (
    <div>
      <Text component="dt" size="xs" c="dimmed">
        {label}
      </Text>
      <Text component="dd" size="sm" m={0} style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  );
}

export const show = (value: unknown): string =>
  value === null || value === undefined
    ? '—'
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

/** "Madrid, España": the country named in the console's language (Intl), the city as the server has it. */
export function useLocationText(): (visitor: ConversationDetail['visitor']) => string | null {
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const names = useMemo(() => new Intl.DisplayNames([language], { type: 'region' }), [language]);
  return (visitor) => {
    if (!visitor) return null;
    if (!visitor.country) return visitor.location;
    let country: string | undefined;
    try {
      country = names.of(visitor.country);
    } catch {
      return visitor.location;
    }
    return [visitor.city, country].filter(Boolean).join(', ') || visitor.location;
  };
}

/** Who the customer is and where they are: contact data, custom attributes and the visitor's browser. */
export function CustomerSidebar({
  workspaceId,
  conversation: c,
}: {
  workspaceId: string;
  conversation: ConversationDetail;
}) {
  const { t } = useTranslation();
  const formatDate = useFormatDateTime();
  const { contact, visitor } = c;
  const page = visitor?.currentUrl ? safeHref(visitor.currentUrl) : null;
  const attributes = Object.entries(contact.attributes ?? {});
  const browser = [visitor?.browser, visitor?.os].filter(Boolean).join(' · ');
  const location = useLocationText()(visitor);

  return (
    <Stack gap="md">
      <Title order={2} size="h5">
        {customerName(c, t)}
      </Title>
      <ConversationTagsEditor workspaceId={workspaceId} conversationId={c.id} />
      <Stack component="dl" gap="sm" m={0}>
        <Field label={t('sidebar.name')}>{contact.name}</Field>
        <Field label={t('sidebar.email')}>
          {contact.email && safeHref(`mailto:${contact.email}`) && (
            <Anchor href={`mailto:${contact.email}`} inherit>
              {contact.email}
            </Anchor>
          )}
        </Field>
        <Field label={t('sidebar.phone')}>{contact.phone}</Field>
        <Field label={t('sidebar.externalId')}>{contact.externalId}</Field>
        <Field label={t('sidebar.location')}>{location}</Field>
        <Field label={t('sidebar.currentPage')}>
          {visitor?.currentUrl &&
            (page ? (
              <Anchor href={page} {...externalLinkProps} inherit>
                {visitor.currentTitle || visitor.currentUrl}
              </Anchor>
            ) : (
              visitor.currentUrl
            ))}
        </Field>
        <Field label={t('sidebar.referrer')}>{visitor?.referrer}</Field>
        <Field label={t('sidebar.browser')}>{browser}</Field>
        <Field label={t('sidebar.locale')}>{visitor?.locale}</Field>
        <Field label={t('sidebar.ip')}>{visitor?.ip}</Field>
        <Field label={t('sidebar.channel')}>{t(`channels.${c.channel}`)}</Field>
        <Field label={t('sidebar.firstSeen')}>{formatDate(contact.createdAt)}</Field>
        <Field label={t('sidebar.lastSeen')}>{visitor ? formatDate(visitor.lastSeenAt) : null}</Field>
      </Stack>
      {attributes.length > 0 && (
        <div>
          <Title order={3} size="h6" mb="xs">
            {t('sidebar.attributes')}
          </Title>
          <Stack component="dl" gap="sm" m={0}>
            {attributes.map(([key, value]) => (
              <Field key={key} label={key}>
                {show(value)}
              </Field>
            ))}
          </Stack>
        </div>
      )}
    </Stack>
  );
}

import { Stack, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** A settings page: its title as heading and in the browser tab. */
export function SettingsFrame({
  title,
  workspace,
  children,
}: {
  title: string;
  workspace?: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  useDocumentTitle([title, workspace, t('common.appName')].filter(Boolean).join(' · '));
  return (
    <Stack gap="lg" maw={1000}>
      <Title order={1} size="h2">
        {title}
      </Title>
      {children}
    </Stack>
  );
}

import { Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSelect } from '../../components/language-select.tsx';

export interface AuthLayoutProps {
  title: string;
  intro?: ReactNode;
  children: ReactNode;
}

/** The centred card shared by every page a visitor sees before entering a workspace. */
export function AuthLayout({ title, intro, children }: AuthLayoutProps) {
  const { t } = useTranslation();
  const appName = t('common.appName');
  useDocumentTitle(title.includes(appName) ? title : `${title} · ${appName}`);
  return (
    <Stack mih="100vh" gap={0} bg="var(--mantine-color-body)">
      <Group justify="space-between" p="md" component="header">
        <Text fw={700} size="lg">
          {t('common.appName')}
        </Text>
        <LanguageSelect size="xs" />
      </Group>
      <Center component="main" flex={1} p="md" pb="10vh">
        <Paper withBorder shadow="sm" radius="md" p="xl" w="100%" maw={420}>
          <Stack gap="md">
            <Title order={1} size="h2">
              {title}
            </Title>
            {intro && <Text c="dimmed">{intro}</Text>}
            {children}
          </Stack>
        </Paper>
      </Center>
    </Stack>
  );
}

import { Button, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import type { MetricsReport } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { formatSeconds } from './format.ts';

/** "67 %" of conversations answered within the goal's time, or "—" when none was routed to people. */
const share = (met: number, count: number) => (count > 0 ? Math.round((met / count) * 100) : null);

/** The service level overall and per team, against the workspace's goal. */
export function ServiceLevel({
  report,
  teamName,
  onOpen,
}: {
  report: MetricsReport;
  teamName: (teamId: string | null) => string;
  /** Opens the conversations behind the overall figure. */
  onOpen: () => void;
}) {
  const { t } = useTranslation();
  const goal = report.serviceLevelGoal;
  const rows = [
    { key: 'all', label: t('monitoring.serviceLevel.overall'), sl: report.figures.serviceLevel },
    ...report.segments
      .filter((s) => s.figures.serviceLevel.count > 0)
      .map((s) => ({ key: s.key ?? 'none', label: teamName(s.key), sl: s.figures.serviceLevel })),
  ];
  const title = t('monitoring.serviceLevel.title');
  return (
    <Stack gap="xs" component="section" aria-label={title}>
      <Group gap="sm" align="baseline">
        <Title order={2} size="h4">
          {title}
        </Title>
        <Text size="sm" c="gray.7">
          {t('monitoring.serviceLevel.goal', {
            percent: goal.percent,
            time: formatSeconds(goal.seconds * 1000),
          })}
        </Text>
        <Button size="compact-sm" variant="subtle" onClick={onOpen} aria-haspopup="dialog">
          {t('monitoring.serviceLevel.list')}
        </Button>
      </Group>
      <Paper withBorder p="sm" radius="md">
        <Stack gap="xs">
          {rows.map((row) => {
            const value = share(row.sl.met, row.sl.count);
            const below = value !== null && value < goal.percent;
            return (
              <Group key={row.key} gap="sm" wrap="nowrap" role="group" aria-label={row.label}>
                <Text size="sm" w={160} truncate>
                  {row.label}
                </Text>
                <Progress
                  value={value ?? 0}
                  color={below ? 'red' : 'green'}
                  style={{ flex: 1 }}
                  aria-label={t('monitoring.serviceLevel.of', { label: row.label })}
                />
                <Text size="sm" fw={700} w={56} ta="right" c={below ? 'red.8' : undefined}>
                  {value === null ? '—' : `${value} %`}
                </Text>
                <Text size="xs" c="gray.7" w={110}>
                  {t('monitoring.serviceLevel.count', { met: row.sl.met, count: row.sl.count })}
                </Text>
              </Group>
            );
          })}
        </Stack>
      </Paper>
    </Stack>
  );
}

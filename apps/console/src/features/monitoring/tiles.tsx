import { Paper, SimpleGrid, Text, UnstyledButton } from '@mantine/core';
import type { Average, Figures, ListedMetric } from '@parley/contracts';
import type { TFunction } from 'i18next';
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { formatSeconds } from './format.ts';

export function Tiles({
  figures,
  onOpen,
  withHours,
}: {
  figures: Figures;
  onOpen: (metric: ListedMetric, label: string) => void;
  withHours: boolean;
}) {
  const { t } = useTranslation();
  const count = (
    key: 'total' | 'active' | 'attended' | 'unattended' | 'pending' | 'transferred' | 'queued',
  ) => (
    <Tile
      key={key}
      label={t(`monitoring.tiles.${key}`)}
      value={String(figures[key])}
      onOpen={() => onOpen(key, t(`monitoring.tiles.${key}`))}
    />
  );
  const average = (key: 'firstResponse' | 'response' | 'duration' | 'queueWait') => (
    <Tile
      key={key}
      label={t(`monitoring.tiles.${key}`)}
      {...averageTexts(t, figures, key, withHours ? 'always' : 'never')}
      onOpen={() => onOpen(key, t(`monitoring.tiles.${key}`))}
    />
  );
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
      {(['total', 'active', 'attended', 'unattended', 'pending', 'transferred', 'queued'] as const).map(
        count,
      )}
      {(['firstResponse', 'response', 'duration', 'queueWait'] as const).map(average)}
    </SimpleGrid>
  );
}

/**
 * A tile's figure. A time ("30 min 7 s") keeps each number with its unit and sets the units smaller,
 * so it fits one line of a tile at 1280 px; the words stay whole ("min", not "m", which a screen
 * reader reads as metres) and the text is unchanged.
 */
function TileValue({ value }: { value: string }) {
  const words = value.split(' ');
  const isTime = words.length % 2 === 0 && words.every((word, i) => (i % 2 === 0) === /^\d+$/.test(word));
  if (!isTime) return value;
  const pairs = words.flatMap((word, i) => (i % 2 === 0 ? [[word, words[i + 1]] as const] : []));
  // The space between two pairs stays outside them: the time may still wrap there, in a narrow tile.
  return pairs.map(([figure, unit], i) => (
    <Fragment key={unit}>
      {i > 0 && ' '}
      <span style={{ whiteSpace: 'nowrap' }}>
        {figure}
        <span style={{ fontSize: '0.65em' }}> {unit}</span>
      </span>
    </Fragment>
  ));
}

/** A figure; where it has conversations behind it, pressing it (click, Enter or Space) opens them. */
export function Tile({
  label,
  value,
  detail,
  hours,
  onOpen,
}: {
  label: string;
  value: string;
  detail?: string;
  /** The business-hours variant, with its count. */
  hours?: string;
  onOpen?: () => void;
}) {
  const { t } = useTranslation();
  const body = (
    <>
      <Text size="sm" c="gray.7">
        {label}
      </Text>
      <Text fz={28} fw={700} lh={1.3}>
        <TileValue value={value} />
      </Text>
      {detail && (
        <Text size="xs" c="gray.7">
          {detail}
        </Text>
      )}
      {hours && (
        <Text size="xs" c="gray.7">
          {hours}
        </Text>
      )}
    </>
  );
  if (!onOpen) {
    return (
      <Paper withBorder p="sm" radius="md" role="group" aria-label={label}>
        {body}
      </Paper>
    );
  }
  return (
    <Paper withBorder radius="md" role="group" aria-label={label}>
      <UnstyledButton
        p="sm"
        w="100%"
        h="100%"
        onClick={onOpen}
        aria-haspopup="dialog"
        // Named by its content, the words on screen (an aria-label worded the same is still refused
        // by axe, which reads the label and the figure as one word); what it does is its description.
        aria-description={t('monitoring.behind.show')}
        style={{
          borderRadius: 'var(--mantine-radius-md)',
          display: 'flex',
          flexDirection: 'column',
          justifyContent: 'flex-start',
        }}
      >
        {body}
      </UnstyledButton>
    </Paper>
  );
}

/**
 * What an average tile says: the time, how many values it averages (never one without the other)
 * and, as asked, its business-hours variant — `always` where a team has hours, `known` where the
 * figures carry one, `never`.
 */
export function averageTexts(
  t: TFunction,
  figures: Figures,
  key: 'firstResponse' | 'response' | 'duration' | 'queueWait',
  hours: 'always' | 'known' | 'never',
): { value: string; detail: string; hours?: string } {
  const a: Average = figures[key];
  const inHours: Average = figures.businessHours[key];
  return {
    value: a.ms === null ? '—' : formatSeconds(a.ms),
    detail: a.count > 0 ? t('monitoring.over', { count: a.count }) : t('monitoring.none'),
    hours:
      hours === 'never' || (hours === 'known' && inHours.ms === null)
        ? undefined
        : inHours.ms === null
          ? t('monitoring.inHoursNone')
          : t('monitoring.inHours', { time: formatSeconds(inHours.ms), count: inHours.count }),
  };
}

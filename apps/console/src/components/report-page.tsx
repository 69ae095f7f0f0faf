import { Button, Group, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate, useLocation } from '../router/history.ts';
import { DateField } from './date-field.tsx';
import { type BackLink, LoadError, PageLoader } from './page-states.tsx';
import stickyEnd from './sticky-end.module.css';

/**
 * The pieces every report page of the console shares (operators, connection history, audit log): a
 * title with the CSV/XLSX export of what is filtered, filters kept in the URL, date range fields, the
 * table with its loading, error and empty states, and "load more".
 */

export const isDay = (v: string | null): v is string => v !== null && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** A page's filter read from and written to its URL (so a filtered view can be shared and reloaded). */
export function useUrlFilter<F extends { [K in keyof F]: string | null }>(
  read: (search: URLSearchParams) => F,
  /** The URL parameter of each filter field, where it differs from the field's name. */
  names: Partial<Record<keyof F, string>> = {},
): [F, (next: Partial<F>) => void] {
  const { pathname, search } = useLocation();
  const filter = read(search);
  const set = (next: Partial<F>) => {
    const merged = { ...filter, ...next };
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(merged) as [keyof F & string, string | null][])
      if (value) params.set(names[key] ?? key, value);
    const query = params.toString();
    navigate(query ? `${pathname}?${query}` : pathname, { replace: true });
  };
  return [filter, set];
}

/** The page title, and the export buttons for those who hold `export`. */
export function ReportHeader({
  title,
  exportUrl,
}: {
  title: ReactNode;
  /** The download address of what is filtered on screen; none hides the buttons. */
  exportUrl?: ((format: 'csv' | 'xlsx') => string) | null;
}) {
  const { t } = useTranslation();
  return (
    <Group justify="space-between" wrap="wrap">
      <Title order={1} size="h2">
        {title}
      </Title>
      {exportUrl && (
        <Group gap="xs">
          <Button component="a" variant="default" href={exportUrl('csv')} download>
            {t('operators.exportCsv')}
          </Button>
          <Button component="a" variant="default" href={exportUrl('xlsx')} download>
            {t('operators.exportXlsx')}
          </Button>
        </Group>
      )}
    </Group>
  );
}

/** "From" and "to" days of a report's period. */
export function DateRangeFields({
  from,
  to,
  onChange,
}: {
  from: string | null;
  to: string | null;
  onChange: (next: { from?: string | null; to?: string | null }) => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      {/* Each day bounds the other: a "to" before "from" is refused as it is picked or typed. */}
      <DateField
        label={t('operators.from')}
        value={from}
        maxDate={to ?? undefined}
        onChange={(day) => onChange({ from: day })}
      />
      <DateField
        label={t('operators.to')}
        value={to}
        minDate={from ?? undefined}
        onChange={(day) => onChange({ to: day })}
      />
    </>
  );
}

interface QueryState {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

/** The report's table, or its loading, error or empty state. */
export function ReportTable({
  query,
  empty,
  isEmpty,
  minWidth,
  headers,
  highlightOnHover,
  stickyActions,
  back,
  children,
}: {
  query: QueryState;
  empty: string;
  isEmpty: boolean;
  minWidth: number;
  headers: string[];
  highlightOnHover?: boolean;
  /** The last column holds the rows' actions (`ActionsCell`): kept in view when the table scrolls. */
  stickyActions?: boolean;
  /** Where a refused address (an unknown id, a malformed filter) leads instead of a retry. */
  back?: BackLink;
  children: ReactNode;
}) {
  if (query.isPending) return <PageLoader />;
  if (query.isError)
    return <LoadError error={query.error} onRetry={() => void query.refetch()} back={back} order={2} />;
  if (isEmpty) return <Text c="gray.7">{empty}</Text>;
  return (
    // Reachable by keyboard, so a table narrower than its columns can be scrolled without a mouse; its
    // scrollbar shown whenever it scrolls (not only under the pointer), so cut-off columns look cut off.
    <Table.ScrollContainer
      minWidth={minWidth}
      scrollAreaProps={{ type: 'auto', viewportProps: { tabIndex: 0 } }}
    >
      <Table striped highlightOnHover={highlightOnHover}>
        <Table.Thead>
          <Table.Tr>
            {headers.map((h, i) => (
              <Table.Th
                key={h}
                className={stickyActions && i === headers.length - 1 ? stickyEnd.cell : undefined}
              >
                {h}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{children}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** A row's actions, last in their row: in view even while a wide table is scrolled sideways. */
export function ActionsCell({ children }: { children: ReactNode }) {
  return <Table.Td className={stickyEnd.cell}>{children}</Table.Td>;
}

/** The header of the actions column (`ActionsCell`). */
export function ActionsHeader({ children }: { children: ReactNode }) {
  return <Table.Th className={stickyEnd.cell}>{children}</Table.Th>;
}

/** The next page of a keyset-paginated report. */
export function LoadMore({
  query,
}: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
}) {
  const { t } = useTranslation();
  if (!query.hasNextPage) return null;
  return (
    <Button
      variant="default"
      onClick={() => void query.fetchNextPage()}
      loading={query.isFetchingNextPage}
      w="fit-content"
    >
      {t('operators.loadMore')}
    </Button>
  );
}

import {
  ActionIcon,
  Anchor,
  Button,
  Group,
  Menu,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import type { AdminRow, AdminSort, WorkspaceMembership } from '@parley/contracts';
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNotify } from '../../components/notify.ts';
import { LoadError, PageLoader } from '../../components/page-states.tsx';
import { ActionsCell, ActionsHeader } from '../../components/report-page.tsx';
import { useDateTimeText } from '../../i18n/dates.ts';
import { paths } from '../../router/routes.ts';
import { useConversation } from '../conversations/conversations-api.ts';
import { useNow } from '../conversations/format.ts';
import { TransferDialog } from '../conversations/transfer-dialog.tsx';
import { formatSeconds } from '../monitoring/format.ts';
import {
  type AdminFilter,
  filterBody,
  useAdminPage,
  useExport,
  useHeadline,
  useStartExport,
} from './admin-api.ts';
import { Filters } from './filters.tsx';
import { HistoryDrawer, type HistoryTab } from './history-drawer.tsx';
import { CustomerCell, StateCell } from './row-cells.tsx';
import { TagBadges, TagsManager } from './tags.tsx';
import { useAdminFilter } from './use-admin-filter.ts';

const duration = (ms: number | null) => (ms === null ? '—' : formatSeconds(ms));
/** A time ("1 min 15 s") on one line: a narrow column wraps its header, not its figures. */
const nowrap = { whiteSpace: 'nowrap' } as const;

function Figure({ label, value, hint }: { label: string; value: ReactNode; hint?: string }) {
  return (
    <Paper withBorder p="md">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}

function Headline({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const headline = useHeadline(workspaceId, true);
  if (!headline.data) return null;
  const h = headline.data;
  return (
    <SimpleGrid cols={{ base: 2, md: 4 }} aria-label={t('adminConversations.headline')}>
      <Figure label={t('adminConversations.unassigned')} value={h.unassigned} />
      <Figure label={t('adminConversations.active')} value={h.active} />
      <Figure label={t('adminConversations.completedToday')} value={h.completedToday} />
      <Figure
        label={t('adminConversations.topTeam')}
        value={h.topTeamToday?.name ?? '—'}
        hint={
          h.topTeamToday
            ? t('adminConversations.assignments', { count: h.topTeamToday.assignments })
            : undefined
        }
      />
    </SimpleGrid>
  );
}

const columns: AdminSort[] = [
  'customer',
  'operator',
  'team',
  'created',
  'duration',
  'rating',
  'status',
  'inactivity',
  'responseFromCreation',
  'responseFromAssignment',
  'firstAuthor',
];

function SortHeader({
  column,
  filter,
  set,
}: {
  column: (typeof columns)[number];
  filter: AdminFilter;
  set: (f: Partial<AdminFilter>) => void;
}) {
  const { t } = useTranslation();
  const active = filter.sort === column;
  const label = t(`adminConversations.columns.${column}`);
  return (
    <Table.Th aria-sort={active ? (filter.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton
        fw={600}
        fz="sm"
        onClick={() => set({ sort: column, dir: active && filter.dir === 'asc' ? 'desc' : 'asc' })}
        aria-label={t('adminConversations.sortBy', { column: label })}
      >
        {label} {active ? (filter.dir === 'asc' ? '▲' : '▼') : ''}
      </UnstyledButton>
    </Table.Th>
  );
}

function RowActions({ row, onOpen }: { row: AdminRow; onOpen: (what: HistoryTab | 'transfer') => void }) {
  const { t } = useTranslation();
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" aria-label={t('adminConversations.actionsFor', { number: row.number })}>
          ⋮
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={() => onOpen('conversation')}>{t('adminConversations.viewHistory')}</Menu.Item>
        <Menu.Item onClick={() => onOpen('notes')}>{t('adminConversations.viewNotes')}</Menu.Item>
        {row.status !== 'closed' && (
          <Menu.Item onClick={() => onOpen('transfer')}>{t('adminConversations.transfer')}</Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}

function TransferFor({
  workspaceId,
  userId,
  conversationId,
  onClose,
}: {
  workspaceId: string;
  userId: string;
  conversationId: string;
  onClose: () => void;
}) {
  const conversation = useConversation(workspaceId, conversationId);
  if (!conversation.data) return null;
  return (
    <TransferDialog
      workspaceId={workspaceId}
      userId={userId}
      conversation={conversation.data}
      opened
      onClose={onClose}
    />
  );
}

function ExportButtons({ workspaceId, filter }: { workspaceId: string; filter: AdminFilter }) {
  const { t } = useTranslation();
  const notify = useNotify();
  const start = useStartExport(workspaceId);
  const [exportId, setExportId] = useState<string | null>(null);
  const job = useExport(workspaceId, exportId);
  const run = (format: 'csv' | 'xlsx') =>
    start.mutate(
      { format, ...filterBody(filter) },
      { onSuccess: (created) => setExportId(created.id), onError: (error) => notify.error(error) },
    );
  const progress = job.data?.total ? Math.round((job.data.rows / job.data.total) * 100) : 0;
  return (
    <Group gap="xs">
      <Button variant="default" onClick={() => run('csv')} loading={start.isPending}>
        {t('adminConversations.exportCsv')}
      </Button>
      <Button variant="default" onClick={() => run('xlsx')} loading={start.isPending}>
        {t('adminConversations.exportXlsx')}
      </Button>
      {job.data && job.data.status !== 'done' && job.data.status !== 'failed' && (
        <Stack gap={2} w={160} role="status">
          <Text size="xs">
            {t('adminConversations.exporting', { rows: job.data.rows, total: job.data.total ?? '…' })}
          </Text>
          <Progress value={progress} aria-label={t('adminConversations.exportProgress')} />
        </Stack>
      )}
      {job.data?.status === 'done' && job.data.downloadUrl && (
        <Anchor href={job.data.downloadUrl} download>
          {t('adminConversations.download', { rows: job.data.rows, format: job.data.format.toUpperCase() })}
        </Anchor>
      )}
      {job.data?.status === 'failed' && (
        <Text c="red" size="sm" role="alert">
          {t('adminConversations.exportFailed')}
        </Text>
      )}
    </Group>
  );
}

/** ADM-1…5: every conversation of the workspace, filtered, sorted, exported; history and transfer. */
export function AdminConversationsPage({
  membership,
  userId,
}: {
  membership: WorkspaceMembership;
  userId: string;
}) {
  const { t, i18n } = useTranslation();
  const [filter, setFilter] = useAdminFilter();
  // Keyset pages: the cursors of the pages before this one, so "previous" goes back exactly.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const filterKey = JSON.stringify(filter);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter starts from the first page
  useEffect(() => setCursors([null]), [filterKey]);
  const cursor = cursors.at(-1) ?? null;
  const page = useAdminPage(membership.id, filter, cursor);
  const [open, setOpen] = useState<{ row: AdminRow; what: HistoryTab | 'transfer' } | null>(null);
  const [tagsOpened, setTagsOpened] = useState(false);
  const now = useNow(30_000);
  const canSeeAll = membership.permissions.includes('conversations.view_all');
  const canExport = membership.permissions.includes('export');
  const canManageTags = membership.permissions.includes('workspace.manage');
  const date = useDateTimeText();
  // Whether columns lie beyond the visible end of the table (they pass under the sticky row actions).
  const viewport = useRef<HTMLDivElement>(null);
  const [moreEnd, setMoreEnd] = useState(false);
  const measure = useCallback(() => {
    const v = viewport.current;
    if (v) setMoreEnd(v.scrollLeft + v.clientWidth < v.scrollWidth - 1);
  }, []);
  const rendered = page.data;
  useEffect(() => {
    const v = viewport.current;
    if (!rendered || !v) return;
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(v);
    if (v.firstElementChild) observer.observe(v.firstElementChild);
    return () => observer.disconnect();
  }, [rendered, measure]);

  return (
    <Stack gap="lg">
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">
          {t('adminConversations.title')}
        </Title>
        <Group gap="xs">
          {canManageTags && (
            <Button variant="default" onClick={() => setTagsOpened(true)}>
              {t('adminConversations.manageTags')}
            </Button>
          )}
          {canExport && <ExportButtons workspaceId={membership.id} filter={filter} />}
        </Group>
      </Group>
      {canSeeAll && <Headline workspaceId={membership.id} />}
      <Filters workspaceId={membership.id} filter={filter} set={setFilter} />
      {page.isPending ? (
        <PageLoader />
      ) : page.isError ? (
        <LoadError
          error={page.error}
          onRetry={() => void page.refetch()}
          back={{ to: paths.allConversations(membership.id), label: t('common.withoutFilters') }}
          order={2}
        />
      ) : (
        <>
          <Text size="sm" c="dimmed" role="status">
            {t(page.data.total.exact ? 'adminConversations.total' : 'adminConversations.totalAtLeast', {
              count: page.data.total.count,
              formatted: page.data.total.count.toLocaleString(i18n.resolvedLanguage),
            })}
          </Text>
          {/* At 1280 px every column fits (they wrap instead); narrower, the table scrolls sideways, with
              its scrollbar shown and a shadow where columns pass under the row actions. */}
          <Table.ScrollContainer
            minWidth={900}
            data-more-end={moreEnd || undefined}
            scrollAreaProps={{
              type: 'auto',
              viewportRef: viewport,
              // Reachable by keyboard, so the hidden columns can be scrolled to without a mouse.
              viewportProps: { tabIndex: 0 },
              onScrollPositionChange: measure,
            }}
          >
            <Table striped highlightOnHover aria-label={t('adminConversations.title')}>
              <Table.Thead>
                <Table.Tr>
                  {columns.map((c) => (
                    <SortHeader key={c} column={c} filter={filter} set={setFilter} />
                  ))}
                  <Table.Th>{t('adminConversations.tags')}</Table.Th>
                  <ActionsHeader>
                    <VisuallyHidden>{t('adminConversations.actions')}</VisuallyHidden>
                  </ActionsHeader>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.data.items.map((r) => (
                  <Table.Tr key={r.id} data-conversation={r.id}>
                    <Table.Td>
                      <CustomerCell row={r} />
                    </Table.Td>
                    <Table.Td>{r.operator?.name ?? '—'}</Table.Td>
                    <Table.Td>{r.team?.name ?? '—'}</Table.Td>
                    <Table.Td>{date(r.createdAt)}</Table.Td>
                    <Table.Td style={nowrap}>{duration(r.durationMs)}</Table.Td>
                    <Table.Td>{r.rating === null ? '—' : `${r.rating} ★`}</Table.Td>
                    <Table.Td>
                      <StateCell row={r} />
                    </Table.Td>
                    <Table.Td style={nowrap}>
                      {duration(Math.max(0, now - Date.parse(r.lastActivityAt)))}
                    </Table.Td>
                    <Table.Td style={nowrap}>{duration(r.responseFromCreationMs)}</Table.Td>
                    <Table.Td style={nowrap}>{duration(r.responseFromAssignmentMs)}</Table.Td>
                    <Table.Td>
                      {r.firstAuthor ? t(`adminConversations.firstAuthors.${r.firstAuthor}`) : '—'}
                    </Table.Td>
                    <Table.Td>
                      <TagBadges tags={r.tags} />
                    </Table.Td>
                    <ActionsCell>
                      <RowActions row={r} onOpen={(what) => setOpen({ row: r, what })} />
                    </ActionsCell>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {page.data.items.length === 0 && <Text c="dimmed">{t('adminConversations.empty')}</Text>}
          <Group justify="center">
            <Button
              variant="default"
              disabled={cursors.length < 2}
              onClick={() => setCursors((c) => c.slice(0, -1))}
            >
              {t('adminConversations.previous')}
            </Button>
            <Button
              variant="default"
              disabled={!page.data.nextCursor}
              onClick={() => page.data.nextCursor && setCursors((c) => [...c, page.data.nextCursor])}
            >
              {t('adminConversations.next')}
            </Button>
          </Group>
        </>
      )}
      {open && open.what !== 'transfer' && (
        <HistoryDrawer
          workspaceId={membership.id}
          conversationId={open.row.id}
          number={open.row.number}
          tab={open.what}
          onTab={(what) => setOpen({ ...open, what })}
          onClose={() => setOpen(null)}
        />
      )}
      {open?.what === 'transfer' && (
        <TransferFor
          workspaceId={membership.id}
          userId={userId}
          conversationId={open.row.id}
          onClose={() => setOpen(null)}
        />
      )}
      {canManageTags && (
        <TagsManager workspaceId={membership.id} opened={tagsOpened} onClose={() => setTagsOpened(false)} />
      )}
    </Stack>
  );
}

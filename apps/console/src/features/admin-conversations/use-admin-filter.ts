import {
  type AdminSort,
  type AdminStatus,
  adminSorts,
  adminStatuses,
  type ChannelKind,
} from '@parley/contracts';
import { navigate, useLocation } from '../../router/history.ts';
import { type AdminFilter, filterParams } from './admin-api.ts';

export const channels: ChannelKind[] = [
  'web',
  'whatsapp',
  'messenger',
  'instagram',
  'x',
  'telegram',
  'email',
  'api',
];
const listOf = <T extends string>(value: string | null, allowed: readonly T[] | null): T[] =>
  (value ?? '')
    .split(',')
    .filter((v): v is T => v !== '' && (allowed === null || (allowed as readonly string[]).includes(v)));

/** The filter and sort live in the URL: a filtered view can be shared and survives a reload. */
export function useAdminFilter(): [AdminFilter, (next: Partial<AdminFilter>) => void] {
  const { pathname, search } = useLocation();
  const sort = search.get('sort');
  const minutes = Number(search.get('waitingMinutes'));
  const filter: AdminFilter = {
    from: search.get('from'),
    to: search.get('to'),
    country: search.get('country'),
    waitingMinutes: Number.isInteger(minutes) && minutes > 0 ? minutes : null,
    status: listOf<AdminStatus>(search.get('status'), adminStatuses),
    teamId: listOf(search.get('teamId'), null),
    operatorId: listOf(search.get('operatorId'), null),
    tagId: listOf(search.get('tagId'), null),
    channel: listOf(search.get('channel'), channels),
    rating: listOf(search.get('rating'), ['1', '2', '3', '4', '5', 'none']),
    q: search.get('q') ?? '',
    sort: (adminSorts as readonly (string | null)[]).includes(sort) ? (sort as AdminSort) : 'created',
    dir: search.get('dir') === 'asc' ? 'asc' : 'desc',
  };
  const set = (next: Partial<AdminFilter>) => {
    const query = filterParams({ ...filter, ...next }).toString();
    navigate(query ? `${pathname}?${query}` : pathname, { replace: true });
  };
  return [filter, set];
}

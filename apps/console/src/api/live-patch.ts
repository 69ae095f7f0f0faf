import type { Query, QueryClient, QueryKey } from '@tanstack/react-query';

/** Queries, per client, that are fetched once more when their fetch in flight lands. */
const refetchLater = new WeakMap<QueryClient, Set<Query>>();

function refetchAfterFetch(client: QueryClient, query: Query): void {
  let queries = refetchLater.get(client);
  if (!queries) {
    const marked = new Set<Query>();
    queries = marked;
    refetchLater.set(client, marked);
    client.getQueryCache().subscribe((event) => {
      if (event.type === 'removed') marked.delete(event.query);
      if (event.type !== 'updated' || !marked.has(event.query)) return;
      // The fetch landed (or failed): not a write of the cache by a patch (`manual`).
      const landed =
        (event.action.type === 'success' && !event.action.manual) || event.action.type === 'error';
      if (!landed) return;
      marked.delete(event.query);
      void client.invalidateQueries({ queryKey: event.query.queryKey, exact: true });
    });
  }
  queries.add(query);
}

/**
 * Applies a live event to one cached query. A fetch of it in flight may have read the server before
 * the event's change committed, and its answer would replace the patched data when it lands (the
 * change lost until the next event): such a query is fetched once more after it. Nothing is patched
 * where nothing was loaded yet.
 */
export function patchLive<T>(
  client: QueryClient,
  queryKey: QueryKey,
  update: (data: T) => T | undefined,
): void {
  const query = client.getQueryCache().find({ queryKey, exact: true });
  if (!query) return;
  if (query.state.data !== undefined) {
    client.setQueryData<T>(queryKey, (data) => (data === undefined ? data : update(data)));
  }
  if (query.state.fetchStatus === 'fetching') refetchAfterFetch(client, query);
}

/** Puts a value a live event carries whole (a summary) into the cache, loaded or not, as `patchLive`. */
export function replaceLive<T>(client: QueryClient, queryKey: QueryKey, value: T): void {
  client.setQueryData<T>(queryKey, value);
  const query = client.getQueryCache().find({ queryKey, exact: true });
  if (query?.state.fetchStatus === 'fetching') refetchAfterFetch(client, query);
}

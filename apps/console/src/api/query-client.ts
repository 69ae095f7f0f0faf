import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError, setCsrfToken } from './client.ts';
import { queryKeys } from './query-keys.ts';

/** One client for the app; an expired session anywhere sends the user back to the login page. */
export function createQueryClient(): QueryClient {
  const onError = (error: unknown) => {
    if (!isApiError(error, 'unauthenticated')) return;
    setCsrfToken(null);
    client.setQueryData(queryKeys.session, null);
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failures, error) =>
          failures < 2 && !(isApiError(error) && error.status >= 400 && error.status < 500),
      },
      mutations: { retry: false },
    },
  });
  return client;
}

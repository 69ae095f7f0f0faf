import type { ErrorCode } from '@parley/contracts';
import { ApiError, type ApiErrorCode } from '@parley/contracts/api-error';

export { ApiError };

/**
 * The frame is served at HOST/widget/frame.html, so the API is at HOST/api/ (also behind a
 * path prefix).
 */
export const apiBase = (): URL => new URL('../api/', window.location.href);

export function realtimeUrl(token: string, after: number): string {
  const url = new URL('realtime', apiBase());
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = new URLSearchParams({ visitorToken: token, after: String(after) }).toString();
  return url.href;
}

type Method = 'GET' | 'POST' | 'PUT';

function fallbackCode(status: number): ApiErrorCode {
  if (status === 401) return 'unauthenticated';
  if (status === 404) return 'not_found';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 429) return 'rate_limited';
  return status >= 500 ? 'internal' : 'validation_failed';
}

async function toError(response: Response): Promise<ApiError> {
  const json: unknown = await response.json().catch(() => null);
  const error = (json as { error?: { code?: unknown; message?: unknown; field?: unknown } } | null)?.error;
  const code = typeof error?.code === 'string' ? (error.code as ErrorCode) : fallbackCode(response.status);
  const message = typeof error?.message === 'string' ? error.message : '';
  const field = typeof error?.field === 'string' ? error.field : undefined;
  return new ApiError(response.status, code, message, field);
}

/** One widget API call (`path` is relative to /api/widget/); `token` is the session's bearer token. */
export async function widgetApi<T>(
  method: Method,
  path: string,
  options: { token?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const lang = document.documentElement.lang;
  if (lang) headers['accept-language'] = lang;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const { body } = options;
  const isForm = body instanceof FormData;
  if (body !== undefined && !isForm) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(new URL(`widget/${path}`, apiBase()), {
      method,
      headers,
      credentials: 'omit',
      signal: options.signal,
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', '');
  }
  if (!response.ok) throw await toError(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

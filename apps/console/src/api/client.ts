import { errorBody } from '@parley/contracts';
import { ApiError, type ApiErrorCode } from '@parley/contracts/api-error';

export { ApiError };

export const isApiError = (error: unknown, code?: ApiErrorCode): error is ApiError =>
  error instanceof ApiError && (code === undefined || error.code === code);

let csrfToken: string | null = null;

/** Every cookie-authenticated non-GET request must echo the token from the session. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function send(method: Method, path: string, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // The server may localise its messages; the UI language wins over the browser's default.
  const lang = document.documentElement.lang;
  if (lang) headers['accept-language'] = lang;
  // FormData (uploads) sets its own multipart content type with the boundary.
  const isForm = body instanceof FormData;
  if (body !== undefined && !isForm) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  try {
    return await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', '');
  }
}

async function toError(response: Response): Promise<ApiError> {
  const json: unknown = await response.json().catch(() => null);
  const parsed = errorBody.safeParse(json);
  if (parsed.success) {
    const { code, message, field } = parsed.data.error;
    return new ApiError(response.status, code, message, field);
  }
  const fallback: ApiErrorCode =
    response.status === 413
      ? 'payload_too_large'
      : response.status === 415
        ? 'unsupported_media_type'
        : response.status >= 500
          ? 'internal'
          : 'validation_failed';
  return new ApiError(response.status, fallback, '');
}

async function refreshCsrfToken(): Promise<void> {
  const response = await send('GET', '/api/auth/session', undefined);
  if (!response.ok) return;
  const session = (await response.json()) as { csrfToken?: string };
  if (session.csrfToken) setCsrfToken(session.csrfToken);
}

export async function api<T = void>(method: Method, path: string, body?: unknown): Promise<T> {
  let response = await send(method, path, body);
  if (response.status === 403 && method !== 'GET') {
    const error = await toError(response);
    if (error.code !== 'csrf_failed') throw error;
    // A stale token (e.g. the session was renewed in another tab): fetch the current one, retry once.
    await refreshCsrfToken();
    response = await send(method, path, body);
  }
  if (!response.ok) throw await toError(response);
  if (response.status === 204 || response.status === 202) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

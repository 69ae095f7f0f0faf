import type { ErrorCode } from './errors.ts';

export type ApiErrorCode = ErrorCode | 'network_error';

/**
 * A failed request as the console and the widget see it: the server's `{ error: { code, message,
 * field? } }`, or a network failure (status 0). Schema-free, so the widget stays small.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly field: string | undefined;

  constructor(status: number, code: ApiErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }

  /** Worth retrying later with the same request: no answer, busy or broken server, expired session. */
  get transient(): boolean {
    return this.status === 0 || this.status === 401 || this.status === 429 || this.status >= 500;
  }
}

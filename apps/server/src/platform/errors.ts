import { type ErrorBody, type ErrorCode, errorCodes } from '@parley/contracts';

/** The one error type commands and routes throw; the HTTP layer maps it to a status once. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  get status(): number {
    return errorCodes[this.code];
  }

  toBody(): ErrorBody {
    return {
      error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) },
    };
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (permission: string) =>
  new AppError('forbidden', `you need the '${permission}' permission to do this`);
export const invalid = (field: string, message: string) =>
  new AppError('validation_failed', `${field}: ${message}`, field);

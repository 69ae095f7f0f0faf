import { format, type Messages } from '../i18n.ts';
import { ApiError } from './api.ts';

/** Megabytes for "Files must be smaller than 10 MB". */
export const megabytes = (bytes: number): string => String(Math.round((bytes / (1024 * 1024)) * 10) / 10);

/** A message for the visitor: translated where the cause is known, else the server's own words. */
export function friendlyError(error: unknown, t: Messages, maxBytes?: number): string {
  if (!(error instanceof ApiError))
    return error instanceof Error && error.message ? error.message : t.errorGeneric;
  switch (error.code) {
    case 'network_error':
      return t.errorNetwork;
    case 'payload_too_large':
      return maxBytes
        ? format(t.fileTooLarge, { size: megabytes(maxBytes) })
        : error.message || t.errorGeneric;
    case 'unsupported_media_type':
      return t.fileTypeNotAllowed;
    case 'rate_limited':
      return t.errorRateLimited;
    case 'not_found':
      return t.unavailable;
    case 'validation_failed':
      if (error.field === 'email') return t.errorInvalidEmail;
      return sentence(error.message) || t.errorGeneric;
    default:
      return error.status >= 500 ? t.errorServer : sentence(error.message) || t.errorGeneric;
  }
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return trimmed ? trimmed[0]!.toUpperCase() + trimmed.slice(1) : '';
}

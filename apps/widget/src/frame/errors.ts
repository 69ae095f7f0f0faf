import { format, type Messages } from '../i18n.ts';
import { ApiError } from './api.ts';

/** Megabytes for "Files must be smaller than 10 MB". */
export const megabytes = (bytes: number): string => String(Math.round((bytes / (1024 * 1024)) * 10) / 10);

export interface ErrorContext {
  /** What the visitor was doing: the same code means something else for a rating than for a survey. */
  during?: 'message' | 'upload' | 'rating' | 'survey';
  /** The workspace's file size limit, for "Files must be smaller than 10 MB". */
  maxBytes?: number;
}

/**
 * A message for the visitor, always from the widget's dictionary: the server's own `message` is
 * English written for developers ("answers.score: an answer is required") and never shown.
 */
export function friendlyError(error: unknown, t: Messages, context: ErrorContext = {}): string {
  if (!(error instanceof ApiError)) return t.errorGeneric;
  if (error.code === 'network_error') return t.errorNetwork;
  if (error.status >= 500) return t.errorServer;
  return inContext(error, t, context) ?? byField(error, t) ?? byCode(error, t);
}

/** What only the place knows: a conflict while rating is a rating already given (from another tab). */
function inContext(error: ApiError, t: Messages, { during, maxBytes }: ErrorContext): string | null {
  const { code } = error;
  switch (during) {
    case 'rating':
      // The prompt shows only for a closed conversation: refused on it, it was rated meanwhile;
      // refused without a field, the workspace stopped asking.
      if (code === 'conflict')
        return error.field === 'conversationId' ? t.ratingAlreadyGiven : t.ratingUnavailable;
      if (code === 'not_found') return t.ratingUnavailable;
      return null;
    case 'survey':
      if (code === 'conflict') return t.surveyAlreadyAnswered;
      if (code === 'not_found') return t.surveyUnavailable;
      if (code === 'validation_failed') return t.surveyInvalid;
      return null;
    case 'message':
      if (code === 'conflict' || code === 'not_found' || code === 'forbidden') return t.messageRefused;
      if (code === 'validation_failed' && error.field !== 'attachmentIds') return t.errorInvalidMessage;
      return null;
    case 'upload':
      if (code === 'payload_too_large')
        return maxBytes ? format(t.fileTooLarge, { size: megabytes(maxBytes) }) : t.fileTooLargeAny;
      if (code === 'validation_failed') return t.fileNotUploaded;
      return null;
    default:
      return null;
  }
}

/** A form's refusal names the field it is about. */
function byField(error: ApiError, t: Messages): string | null {
  if (error.code !== 'validation_failed') return null;
  switch (error.field) {
    case 'email':
      return t.errorInvalidEmail;
    case 'name':
      return t.errorInvalidName;
    case 'text':
    case 'message':
      return t.errorInvalidMessage;
    case 'attachmentIds':
      return t.errorFilesGone;
    case 'comment':
      // The widget cleans and limits the comment it sends: refused, the workspace no longer takes one.
      return t.ratingNoComment;
    default:
      return null;
  }
}

function byCode(error: ApiError, t: Messages): string {
  switch (error.code) {
    case 'unauthenticated':
      return t.errorSession;
    case 'forbidden':
      return t.errorForbidden;
    case 'not_found':
      return t.unavailable;
    case 'conflict':
      return t.errorConflict;
    case 'payload_too_large':
      return t.fileTooLargeAny;
    case 'unsupported_media_type':
      return t.fileTypeNotAllowed;
    case 'rate_limited':
      return t.errorRateLimited;
    case 'validation_failed':
      return t.errorInvalid;
    default:
      return t.errorGeneric;
  }
}

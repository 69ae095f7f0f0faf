import type { ApiErrorCode } from '@parley/contracts/api-error';
import { describe, expect, it } from 'vitest';
import { format, type Lang, type Messages, messages } from '../i18n.ts';
import { ApiError } from './api.ts';
import { type ErrorContext, friendlyError } from './errors.ts';
import { checkFile } from './uploads.ts';

const { en, es, fr } = messages;

interface Refusal {
  context: ErrorContext;
  status: number;
  code: ApiErrorCode;
  /** The server's words, exactly as its routes and commands write them (English, for developers). */
  message: string;
  field?: string;
}

const refused = (r: Refusal) => new ApiError(r.status, r.code, r.message, r.field);

/** Refusals met in one place: [status, code, message, field?]. */
const met = (context: ErrorContext, list: Array<[number, ApiErrorCode, string, string?]>): Refusal[] =>
  list.map(([status, code, message, field]) => ({ context, status, code, message, field }));

/**
 * The refusals a visitor can meet through the widget's calls (apps/server/src/modules/widget/routes.ts
 * and the commands they call), by where the widget shows them.
 */
const refusals: Refusal[] = [
  // Sending a message (POST /api/widget/messages or the socket's `send`): shown under the message.
  ...met({ during: 'message' }, [
    [400, 'validation_failed', 'attachmentIds: unknown or already used attachment', 'attachmentIds'],
    [400, 'validation_failed', 'text: a message needs text or an attachment', 'text'],
    [400, 'validation_failed', 'text: must not contain control characters (found U+0007)', 'text'],
    [400, 'validation_failed', 'clientId: Invalid string', 'clientId'],
    [409, 'conflict', 'clientId: already used by another message', 'clientId'],
    [404, 'not_found', 'visitor not found'],
    [404, 'not_found', 'conversation not found'],
  ]),
  // Attaching a file (POST /api/widget/attachments).
  ...met({ during: 'upload', maxBytes: 10 * 1024 * 1024 }, [
    [413, 'payload_too_large', 'file: files must be at most 10 MB', 'file'],
    [413, 'payload_too_large', 'file: send one file at a time', 'file'],
    [
      415,
      'unsupported_media_type',
      'file: only PNG, JPEG, GIF and WebP images and PDF documents can be sent',
    ],
    [400, 'validation_failed', 'file: the file is empty', 'file'],
    [400, 'validation_failed', 'file: the upload is not valid multipart/form-data', 'file'],
  ]),
  // Rating a closed conversation (POST /api/widget/rating).
  ...met({ during: 'rating' }, [
    [409, 'conflict', 'this conversation was already rated', 'conversationId'],
    [409, 'conflict', 'a conversation is rated once it is closed', 'conversationId'],
    [409, 'conflict', 'this workspace does not ask for ratings'],
    [400, 'validation_failed', 'comment: this workspace does not take comments', 'comment'],
    [404, 'not_found', 'conversation not found'],
  ]),
  // Answering a survey (POST /api/widget/surveys/:id/answers).
  ...met({ during: 'survey' }, [
    [409, 'conflict', 'this survey was already answered'],
    [404, 'not_found', 'survey not found'],
    [400, 'validation_failed', 'answers.score: an answer is required', 'answers.score'],
    [400, 'validation_failed', 'answers.pick: must be one of the options', 'answers.pick'],
  ]),
  // The pre-chat form, the offline form, the e-mail asked while away, the chat starting, older
  // messages; anywhere: an expired token, a race the database decided, limits, outages.
  ...met({}, [
    [400, 'validation_failed', 'name: must not contain control characters (found U+0009)', 'name'],
    [400, 'validation_failed', 'email: Invalid email address', 'email'],
    [400, 'validation_failed', 'message: Too big: expected string to have <=10000 characters', 'message'],
    [409, 'conflict', 'clientId: already used by another message', 'clientId'],
    [404, 'not_found', 'workspaceKey: no workspace has this widget key', 'workspaceKey'],
    [400, 'validation_failed', 'before: no such message in this conversation', 'before'],
    [400, 'validation_failed', 'the request body is not valid UTF-8'],
    [401, 'unauthenticated', 'missing or invalid visitor token; start a widget session'],
    [403, 'forbidden', 'hash: identity verification failed', 'hash'],
    [409, 'conflict', 'this conflicts with something saved at the same moment; reload and try again'],
    [429, 'rate_limited', 'Too many requests; try again in 1 minute'],
    [500, 'internal', 'Something went wrong on our side'],
    [503, 'unavailable', 'The service is briefly unavailable; try again shortly'],
  ]),
];

/** Every text the visitor may be shown in this language (placeholders filled as the widget fills them). */
const texts = (t: Messages): string[] => Object.values(t).map((text) => format(text, { size: '10' }));

describe('friendlyError', () => {
  for (const lang of ['en', 'es', 'fr'] as Lang[]) {
    it(`shows ${lang} visitors the widget's own words, never the server's English`, () => {
      const t = messages[lang];
      for (const r of refusals) {
        const shown = friendlyError(refused(r), t, r.context);
        const where = `${r.code} ${r.field ?? ''} (${r.message})`;
        // (in English the widget's own words may happen to be the server's: "Something went wrong on our side")
        if (lang !== 'en') expect(shown.toLowerCase(), where).not.toContain(r.message.toLowerCase());
        expect(texts(t), where).toContain(shown);
      }
    });
  }

  it('says what a conflict means where the visitor met it', () => {
    const conflict = (message: string, field?: string) => new ApiError(409, 'conflict', message, field);
    // Rated from a second tab.
    const rated = conflict('this conversation was already rated', 'conversationId');
    expect(friendlyError(rated, es, { during: 'rating' })).toBe('Ya has valorado esta conversación.');
    expect(friendlyError(rated, fr, { during: 'rating' })).toBe('Vous avez déjà évalué cette conversation.');
    expect(friendlyError(rated, en, { during: 'rating' })).toBe('You have already rated this conversation.');
    // The workspace stopped asking for ratings meanwhile.
    const off = conflict('this workspace does not ask for ratings');
    expect(friendlyError(off, es, { during: 'rating' })).toBe('Esta conversación ya no se puede valorar.');
    expect(friendlyError(off, fr, { during: 'rating' })).toBe(
      'Cette conversation ne peut plus être évaluée.',
    );
    // A survey answered in another tab.
    const answered = conflict('this survey was already answered');
    expect(friendlyError(answered, es, { during: 'survey' })).toBe('Ya has respondido a esta encuesta.');
    expect(friendlyError(answered, fr, { during: 'survey' })).toBe(
      'Vous avez déjà répondu à ce questionnaire.',
    );
    // The same code elsewhere says something general, still translated.
    expect(friendlyError(answered, es)).toBe(es.errorConflict);
  });

  it('names the field a refusal is about', () => {
    const invalid = (field: string) => new ApiError(400, 'validation_failed', `${field}: is wrong`, field);
    expect(friendlyError(invalid('email'), es)).toBe(es.errorInvalidEmail);
    expect(friendlyError(invalid('name'), fr)).toBe(fr.errorInvalidName);
    expect(friendlyError(invalid('comment'), es, { during: 'rating' })).toBe(es.ratingNoComment);
    expect(friendlyError(invalid('attachmentIds'), fr, { during: 'message' })).toBe(fr.errorFilesGone);
    expect(friendlyError(invalid('answers.score'), es, { during: 'survey' })).toBe(es.surveyInvalid);
  });

  it('tells an expired session, a refused permission and an outage apart', () => {
    expect(friendlyError(new ApiError(401, 'unauthenticated', 'missing token'), es)).toBe(es.errorSession);
    expect(friendlyError(new ApiError(403, 'forbidden', 'no'), fr)).toBe(fr.errorForbidden);
    expect(friendlyError(new ApiError(0, 'network_error', ''), es)).toBe(es.errorNetwork);
    expect(friendlyError(new ApiError(503, 'unavailable', 'briefly unavailable'), fr)).toBe(fr.errorServer);
  });

  it('gives the size limit of a file that is too large, in the visitor’s units', () => {
    const tooLarge = new ApiError(413, 'payload_too_large', 'file: files must be at most 10 MB', 'file');
    expect(friendlyError(tooLarge, fr, { during: 'upload', maxBytes: 10 * 1024 * 1024 })).toBe(
      'Les fichiers doivent faire moins de 10 Mo',
    );
    expect(friendlyError(tooLarge, es, { during: 'upload' })).toBe(es.fileTooLargeAny);
  });

  it('does not show a browser’s own error text either (a broken answer, a script error)', () => {
    expect(friendlyError(new SyntaxError('Unexpected token < in JSON at position 0'), es)).toBe(
      es.errorGeneric,
    );
    expect(friendlyError('weird', fr)).toBe(fr.errorGeneric);
  });

  it('refuses an empty file before uploading it, in the visitor’s language', () => {
    const limits = { maxBytes: 10 * 1024 * 1024, contentTypes: ['image/png'] };
    expect(checkFile(new File([], 'vacía.png', { type: 'image/png' }), limits, es)).toBe(
      'Este archivo está vacío.',
    );
    expect(checkFile(new File(['x'], 'ok.png', { type: 'image/png' }), limits, es)).toBeNull();
  });
});

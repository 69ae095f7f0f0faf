import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { AppError } from '../../platform/errors.ts';

/**
 * zxcvbn's score: 3 is "safely unguessable" (about 10^8 guesses and more). Below that are the
 * common and breached passwords of its bundled lists ("password", "iloveyou123"), keyboard walks,
 * dates, repeats and close variants of all of them.
 */
const MIN_SCORE = 3;
/** The estimate costs time with the length; past this many characters a password is long enough. */
const CHECKED_LENGTH = 64;

let estimator: ZxcvbnFactory | null = null;

// Built on first use: decompressing the bundled lists takes a moment, nothing is fetched.
const zxcvbn = () => {
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs, useLevenshteinDistance: true });
  return estimator;
};

const reasons: Record<string, string> = {
  topTen: 'it is one of the most common passwords',
  topHundred: 'it is one of the most common passwords',
  common: 'it is a commonly used password',
  similarToCommon: 'it is very close to a commonly used password',
  userInputs: 'it contains your e-mail address, name or the workspace name',
  straightRow: 'it is a row of keys on the keyboard',
  keyPattern: 'it is a short keyboard pattern',
  simpleRepeat: 'it repeats characters',
  extendedRepeat: 'it repeats a pattern',
  sequences: 'it is a sequence such as abc or 123',
  recentYears: 'it is based on a year',
  dates: 'it is based on a date',
};

/**
 * Why a new password would be refused, or null when it is fine. `related` are words an attacker
 * would try first for this account: its e-mail, name, workspace name.
 */
export function weakPasswordReason(
  password: string,
  related: (string | null | undefined)[] = [],
): string | null {
  const inputs = related
    .filter((w): w is string => Boolean(w))
    .flatMap((w) => [w, ...w.split(/[\s@.]+/)])
    .filter((w) => w.length >= 3);
  const result = zxcvbn().check(password.slice(0, CHECKED_LENGTH), inputs);
  if (result.score >= MIN_SCORE) return null;
  return reasons[result.feedback.warning ?? ''] ?? 'it is too easy to guess';
}

/** Refuses a weak new password with a 400 naming the field and the reason. */
export function assertStrongPassword(
  password: string,
  related: (string | null | undefined)[] = [],
  field = 'password',
): void {
  const reason = weakPasswordReason(password, related);
  if (!reason) return;
  throw new AppError(
    'weak_password',
    `${field}: choose a harder password: ${reason}. A few unrelated words make a strong one.`,
    field,
  );
}

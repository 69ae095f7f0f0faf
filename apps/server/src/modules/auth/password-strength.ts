import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../platform/errors.ts';

/**
 * zxcvbn's score: 3 is "safely unguessable" (about 10^8 guesses and more). Below that are the
 * common and breached passwords of its bundled lists ("password", "iloveyou123"), keyboard walks,
 * dates, repeats and close variants of all of them.
 */
const MIN_SCORE = 3;
/** The estimate costs time with the length; past this many characters a password is long enough. */
const CHECKED_LENGTH = 64;

/**
 * The estimate runs in a worker thread: one takes 50-100 ms of CPU (the close-variant search above
 * all), which on the event loop would hold every chat of the node for that long at each sign-up,
 * invitation accepted or password changed. The worker loads the bundled lists once, from the same
 * packages (resolved here, so it finds them wherever the server runs from).
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { ZxcvbnFactory } = require(workerData.core);
const { adjacencyGraphs, dictionary } = require(workerData.common);
const zxcvbn = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs, useLevenshteinDistance: true });
parentPort.on('message', ({ id, password, inputs }) => {
  try {
    const result = zxcvbn.check(password, inputs);
    parentPort.postMessage({ id, score: result.score, warning: result.feedback.warning });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err) });
  }
});`;

type Estimate = { score: number; warning: string | null };
type Waiting = { resolve(estimate: Estimate): void; reject(err: Error): void };

let worker: Worker | null = null;
const waiting = new Map<number, Waiting>();
let nextId = 0;

function estimator(): Worker {
  if (worker) return worker;
  const require = createRequire(import.meta.url);
  const started = new Worker(WORKER, {
    eval: true,
    workerData: {
      core: require.resolve('@zxcvbn-ts/core'),
      common: require.resolve('@zxcvbn-ts/language-common'),
    },
  });
  // Idle, it does not keep the process alive; a check waiting for it does.
  started.unref();
  started.on('message', (answer: { id: number; error?: string } & Estimate) => {
    const w = waiting.get(answer.id);
    waiting.delete(answer.id);
    if (waiting.size === 0) started.unref();
    if (answer.error !== undefined) w?.reject(new Error(answer.error));
    else w?.resolve(answer);
  });
  const fail = (err: Error) => {
    if (worker === started) worker = null;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  started.on('error', fail);
  started.on('exit', (code) => fail(new Error(`password estimator stopped (${code})`)));
  worker = started;
  return started;
}

/** The same estimate on this thread: only if the worker cannot run (a refused password is no 500). */
let local: {
  check(password: string, inputs: string[]): { score: number; feedback: { warning: string | null } };
} | null = null;
function estimateHere(password: string, inputs: string[]): Estimate {
  if (!local) {
    const require = createRequire(import.meta.url);
    const { ZxcvbnFactory } = require('@zxcvbn-ts/core');
    const { adjacencyGraphs, dictionary } = require('@zxcvbn-ts/language-common');
    local = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs, useLevenshteinDistance: true });
  }
  const result = local!.check(password, inputs);
  return { score: result.score, warning: result.feedback.warning };
}

async function estimate(password: string, inputs: string[]): Promise<Estimate> {
  try {
    const w = estimator();
    const id = nextId++;
    w.ref();
    return await new Promise<Estimate>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      w.postMessage({ id, password, inputs });
    });
  } catch {
    return estimateHere(password, inputs);
  }
}

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
export async function weakPasswordReason(
  password: string,
  related: (string | null | undefined)[] = [],
): Promise<string | null> {
  const inputs = related
    .filter((w): w is string => Boolean(w))
    .flatMap((w) => [w, ...w.split(/[\s@.]+/)])
    .filter((w) => w.length >= 3);
  const result = await estimate(password.slice(0, CHECKED_LENGTH), inputs);
  if (result.score >= MIN_SCORE) return null;
  return reasons[result.warning ?? ''] ?? 'it is too easy to guess';
}

/** Refuses a weak new password with a 400 naming the field and the reason. */
export async function assertStrongPassword(
  password: string,
  related: (string | null | undefined)[] = [],
  field = 'password',
): Promise<void> {
  const reason = await weakPasswordReason(password, related);
  if (!reason) return;
  throw new AppError(
    'weak_password',
    `${field}: choose a harder password: ${reason}. A few unrelated words make a strong one.`,
    field,
  );
}

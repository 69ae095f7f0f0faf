import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, reportUnavailable } from './db/errors.ts';
import { AppError } from './errors.ts';
import { createHttp } from './http.ts';
import { LocalCounters, resilientRateLimitStore, whenRedisDown } from './rate-limit.ts';

describe('database errors that call for a retry', () => {
  it('recognises lost, refused and busy connections, also wrapped by drizzle', () => {
    const terminated = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    expect(isDatabaseUnavailable(terminated)).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(new Error('Failed query: select 1', { cause: terminated }))).toBe(true);
    const refused = new AggregateError([Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })], '');
    expect(isDatabaseUnavailable(refused)).toBe(true);
    // A bug stays a 500.
    expect(isDatabaseUnavailable(Object.assign(new Error('syntax error'), { code: '42601' }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
  });

  it('answers 503 with Retry-After instead of 500', async () => {
    const app = await createHttp({
      logLevel: 'silent',
      version: 'test',
      rateLimitNamespace: 't-',
      trustProxy: false,
    });
    app.get('/lost', async () => {
      throw new Error('Failed query: select', {
        cause: Object.assign(new Error('the database system is shutting down'), { code: '57P03' }),
      });
    });
    app.get('/bug', async () => {
      throw new Error('a bug');
    });
    const lost = await app.inject({ url: '/lost' });
    expect(lost.statusCode).toBe(503);
    expect(lost.headers['retry-after']).toBe('2');
    expect(lost.json()).toMatchObject({ error: { code: 'unavailable' } });
    expect((await app.inject({ url: '/bug' })).statusCode).toBe(500);
    await app.close();
  });
});

describe('an outage in the log', () => {
  it('is one warning, then one summary every 30 s while it lasts, not a line per failed request', () => {
    const lines: string[] = [];
    const log = { warn: (_obj: object, msg: string) => lines.push(msg) };
    const err = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const start = Date.now() + 600_000; // minutes after any earlier outage of this process
    // 20 failures a second for 70 s.
    for (let t = 0; t < 70_000; t += 50) reportUnavailable(log, err, 'GET /x', start + t);
    expect(lines).toEqual([
      'database unavailable (GET /x)',
      'database still unavailable: 600 more failures (latest: GET /x)',
      'database still unavailable: 600 more failures (latest: GET /x)',
    ]);
    // The next outage, minutes later, is reported afresh.
    reportUnavailable(log, err, 'message batch', start + 400_000);
    expect(lines.at(-1)).toBe('database unavailable (message batch)');
  });
});

describe('rate limits while Redis is away', () => {
  const fakeRedis = (behaviour: { status: string; answer?: (key: string) => Error | [number, number] }) =>
    ({
      get status() {
        return behaviour.status;
      },
      defineCommand() {},
      parleyRateLimit(key: string, _window: number, cb: (err: Error | null, res?: [number, number]) => void) {
        const result = behaviour.answer?.(key) ?? new Error('no answer');
        queueMicrotask(() => (result instanceof Error ? cb(result) : cb(null, result)));
      },
    }) as unknown as Redis;

  const incr = (
    store: { incr: InstanceType<ReturnType<typeof resilientRateLimitStore>>['incr'] },
    key: string,
  ) =>
    new Promise<{ err: Error | null; current?: number }>((resolve) =>
      store.incr(key, (err, res) => resolve({ err, current: res?.current }), 60_000),
    );

  it('lets widget limits count on this node and refuses logins with 503, and says so once', async () => {
    const behaviour = { status: 'reconnecting' } as { status: string; answer?: () => [number, number] };
    const logged: string[] = [];
    const Store = resilientRateLimitStore({
      redis: fakeRedis(behaviour),
      nameSpace: 't-',
      log: (m) => logged.push(m),
    });
    const root = new Store();
    const widget = root.child({ routeInfo: { method: 'POST', url: '/api/widget/messages' } });
    const login = root.child({ routeInfo: { method: 'POST', url: '/api/auth/login' } });

    expect(await incr(widget, 'visitor-1')).toEqual({ err: null, current: 1 });
    expect(await incr(widget, 'visitor-1')).toEqual({ err: null, current: 2 });
    const refused = await incr(login, '10.0.0.1');
    expect(refused.err).toBeInstanceOf(AppError);
    expect((refused.err as AppError).status).toBe(503);
    expect(logged).toHaveLength(1);

    // Redis is back: the shared counter answers again.
    behaviour.status = 'ready';
    behaviour.answer = () => [7, 30_000];
    expect(await incr(login, '10.0.0.1')).toEqual({ err: null, current: 7 });
    expect(logged).toHaveLength(2);
  });

  it('falls back when a command fails although the connection looked ready', async () => {
    const Store = resilientRateLimitStore({
      redis: fakeRedis({ status: 'ready', answer: () => new Error('Connection is closed.') }),
      nameSpace: 't-',
      log: () => {},
    });
    const widget = new Store().child({ routeInfo: { method: 'POST', url: '/api/widget/sessions' } });
    expect(await incr(widget, '10.0.0.2')).toEqual({ err: null, current: 1 });
  });

  it('decides per limit', () => {
    expect(whenRedisDown('/api/widget/messages')).toBe('open');
    expect(whenRedisDown('/api/widget/sessions')).toBe('open');
    expect(whenRedisDown('/api/auth/login')).toBe('closed');
    expect(whenRedisDown('/api/invites/:token/accept')).toBe('closed');
    expect(whenRedisDown(undefined)).toBe('closed');
  });

  it('counts local windows that expire, and forgets the oldest keys beyond its capacity', () => {
    let now = 0;
    const counters = new LocalCounters(2, () => now);
    expect(counters.incr('a', 1000).current).toBe(1);
    expect(counters.incr('a', 1000)).toEqual({ current: 2, ttl: 1000 });
    now = 1000;
    expect(counters.incr('a', 1000).current).toBe(1);
    counters.incr('b', 1000);
    counters.incr('c', 1000);
    expect(counters.incr('a', 1000).current).toBe(1);
  });
});

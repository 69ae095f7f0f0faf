import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { AppError } from './errors.ts';

/**
 * What a limit does while Redis is away, decided per limit:
 * - 'open': count on this node alone (the same maximum, per node) so customers can still write.
 *   The widget's limits (messages, sessions, page views, offline form) only slow down abuse; stopping
 *   every customer's message because Redis restarts would cost far more.
 * - 'closed': refuse with 503 `unavailable` and `Retry-After`. Login, password reset and invitation
 *   acceptance are what an attacker guessing passwords would use: without the shared counter a
 *   cluster of N nodes would allow N times the guesses, so they wait for Redis.
 */
export type WhenRedisDown = 'open' | 'closed';

/**
 * A widget route's limit, `max` a minute per visitor (their token), never per address: customers
 * share offices, campuses and mobile carriers' addresses (one address, thousands of phones). A
 * visitor's session is itself limited per address (`WIDGET_SESSION_RATE_LIMIT`).
 */
export const perVisitor = (max: number) => ({
  rateLimit: {
    max,
    timeWindow: '1 minute',
    keyGenerator: (request: FastifyRequest) => request.headers.authorization ?? request.ip,
  },
});

export const whenRedisDown = (url: string | undefined): WhenRedisDown =>
  url?.startsWith('/api/widget/') ? 'open' : 'closed';

interface Result {
  current: number;
  ttl: number;
}
type Callback = (err: Error | null, result?: Result) => void;

/** Fixed windows counted in this process; the oldest keys are dropped beyond `capacity`. */
export class LocalCounters {
  private readonly windows = new Map<string, { current: number; resetAt: number }>();
  constructor(
    private readonly capacity = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  incr(key: string, timeWindow: number): Result {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      this.windows.delete(key);
      window = { current: 0, resetAt: now + timeWindow };
      this.windows.set(key, window);
      if (this.windows.size > this.capacity) {
        const oldest = this.windows.keys().next().value;
        if (oldest !== undefined) this.windows.delete(oldest);
      }
    }
    window.current++;
    return { current: window.current, ttl: window.resetAt - now };
  }
}

// The same fixed window as @fastify/rate-limit's Redis store: INCR, and the expiry set by the first hit.
const script = `
  local current = redis.call('INCR', KEYS[1])
  local ttl = tonumber(ARGV[1])
  if current == 1 then redis.call('PEXPIRE', KEYS[1], ttl) else ttl = redis.call('PTTL', KEYS[1]) end
  return {current, ttl}`;

interface RateLimitCommand {
  parleyRateLimit?(
    key: string,
    timeWindow: number,
    cb: (err: Error | null, res: [number, number]) => void,
  ): void;
}

/** A Redis command that takes longer than this while Redis is "ready" counts as Redis being away. */
const REDIS_TIMEOUT_MS = 1000;

export interface StoreOptions {
  redis: Redis;
  nameSpace: string;
  /** Told once when a limit starts or stops counting without Redis. */
  log(message: string): void;
}

/** Shared by one installation's stores: the Redis connection and whether it is away. */
class RedisCounter {
  private degraded = false;
  constructor(private readonly opts: StoreOptions) {
    if (!(opts.redis as RateLimitCommand).parleyRateLimit)
      opts.redis.defineCommand('parleyRateLimit', { numberOfKeys: 1, lua: script });
  }

  /** Counts in Redis; `null` when Redis is unreachable or too slow to answer. */
  incr(key: string, timeWindow: number): Promise<Result | null> {
    const redis = this.opts.redis;
    const command = (redis as RateLimitCommand).parleyRateLimit?.bind(redis);
    if (redis.status !== 'ready' || !command) return Promise.resolve(this.away());
    return new Promise((resolve) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        resolve(this.away());
      }, REDIS_TIMEOUT_MS);
      command(key, timeWindow, (err, res) => {
        if (late) return;
        clearTimeout(timer);
        if (err) return resolve(this.away());
        this.setDegraded(false);
        resolve({ current: Number(res[0]), ttl: Number(res[1]) });
      });
    });
  }

  private away(): null {
    this.setDegraded(true);
    return null;
  }

  private setDegraded(next: boolean) {
    if (next === this.degraded) return;
    this.degraded = next;
    this.opts.log(
      next
        ? 'redis unavailable: widget limits count on this node, login limits refuse with 503'
        : 'redis is back: rate limits are shared again',
    );
  }
}

export class ResilientStore {
  private readonly local = new LocalCounters();
  constructor(
    private readonly counter: RedisCounter,
    private readonly key: string,
    private readonly mode: WhenRedisDown,
  ) {}

  // @fastify/rate-limit passes the route's merged limit options, with the route under `routeInfo`.
  child(routeOptions: object): ResilientStore {
    const { method = '', url } =
      (routeOptions as { routeInfo?: { method?: string; url?: string } }).routeInfo ?? {};
    return new ResilientStore(this.counter, `${this.key}${method}${url ?? ''}-`, whenRedisDown(url));
  }

  incr(key: string, cb: Callback, timeWindow: number): void {
    void this.counter.incr(this.key + key, timeWindow).then((shared) => {
      if (shared) return cb(null, shared);
      if (this.mode === 'open') return cb(null, this.local.incr(key, timeWindow));
      cb(new AppError('unavailable', 'This is briefly unavailable; try again in a few seconds'));
    });
  }
}

/**
 * A store for @fastify/rate-limit: counts in Redis (shared by every node) and, while Redis is
 * unreachable, either counts on this node or refuses, per limit (`whenRedisDown`). A Redis outage
 * never becomes a 500.
 */
export function resilientRateLimitStore(opts: StoreOptions): new () => ResilientStore {
  const counter = new RedisCounter(opts);
  return class extends ResilientStore {
    constructor() {
      super(counter, opts.nameSpace, 'closed');
    }
  };
}

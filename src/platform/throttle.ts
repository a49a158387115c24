/**
 * Throttling of guessable operations (sign-in now; one-time codes with the e-ID issue), shared by
 * every app copy through Redis when REDIS_URL is set, in memory otherwise (one copy). Built on
 * rate-limiter-flexible. A key that failed too often is blocked for a while; callers answer
 * 429 RATE_LIMITED with `Retry-After`. OWASP ASVS 5.0 V6.3 (brute force).
 *
 * Fail closed: when the counters' store cannot be reached (Redis down, restarting, not answering
 * within {@link REDIS_COMMAND_TIMEOUT_MS}), every check, count and reset throws 503
 * RATE_LIMIT_UNAVAILABLE with `Retry-After` instead of letting the guess through uncounted (OWASP
 * ASVS 5.0 V6.3.1; checked by `npm run trials:faults`). The client reconnects by itself, so
 * limits work again as soon as Redis is back.
 */
import type { Redis } from 'ioredis';
import { lazyRequire } from './lazy.js';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from './errors.js';

/** ioredis, loaded when a Redis URL is first used (see lazyRequire); the single sign-on's runtime uses it too. */
export const ioredis = lazyRequire<typeof import('ioredis')>('ioredis');

export interface ThrottleRule {
  /** Prefix of this rule's keys. */
  name: string;
  /** Failures allowed within `windowSeconds` before the key is blocked. */
  points: number;
  windowSeconds: number;
  blockSeconds: number;
}

/** A Redis command not answered within this many milliseconds fails (Redis stopped but not closed). */
export const REDIS_COMMAND_TIMEOUT_MS = 2000;
/** Seconds a client is told to wait (`Retry-After`) when the counters cannot be reached. */
const UNAVAILABLE_RETRY_SECONDS = 5;

/** A shared Redis connection and whether its last connection attempt failed (cleared when ready again). */
interface Store {
  client: Redis;
  down: boolean;
}

const stores = new Map<string, Store>();
function redisStore(url: string): Store {
  let store = stores.get(url);
  if (!store) {
    // Commands issued before the first connection wait for it (queued); once a connection attempt
    // has failed, they are refused at once until the client is ready again (see `run`), and a
    // command never waits longer than REDIS_COMMAND_TIMEOUT_MS.
    const client = new (ioredis().Redis)(url, { enableOfflineQueue: true, maxRetriesPerRequest: 1, lazyConnect: false, connectTimeout: REDIS_COMMAND_TIMEOUT_MS, commandTimeout: REDIS_COMMAND_TIMEOUT_MS });
    const s: Store = { client, down: false };
    // Connection errors surface on each command as RATE_LIMIT_UNAVAILABLE; the listener also keeps
    // ioredis from printing every reconnection failure as an unhandled error event.
    client.on('error', () => void (s.down = true));
    client.on('close', () => void (s.down = true));
    client.on('ready', () => void (s.down = false));
    stores.set(url, s);
    store = s;
  }
  return store;
}

export class Throttle {
  private readonly limiter: RateLimiterAbstract;
  private readonly rule: string;
  private readonly store: Store | undefined;
  constructor(rule: ThrottleRule, redisUrl?: string) {
    this.rule = rule.name;
    const opts = { keyPrefix: `motcua:${rule.name}`, points: rule.points, duration: rule.windowSeconds, blockDuration: rule.blockSeconds };
    this.store = redisUrl ? redisStore(redisUrl) : undefined;
    this.limiter = this.store ? new RateLimiterRedis({ ...opts, storeClient: this.store.client }) : new RateLimiterMemory(opts);
  }

  /** `op` on the limiter; refused at once while the store is known to be down, and bounded by REDIS_COMMAND_TIMEOUT_MS. */
  private run<T>(op: (l: RateLimiterAbstract) => Promise<T>): Promise<T> {
    if (this.store?.down) return Promise.reject(new Error('the rate limiter\'s store (Redis) is not connected'));
    const p = op(this.limiter);
    if (!this.store) return p;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the rate limiter's store did not answer within ${REDIS_COMMAND_TIMEOUT_MS} ms`)), REDIS_COMMAND_TIMEOUT_MS);
    });
    p.catch(() => undefined); // rejected after the timeout: nobody waits for it any more
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }

  /** Throws RATE_LIMITED (429) when `key` is blocked now, RATE_LIMIT_UNAVAILABLE (503) when the store cannot be reached. */
  async check(key: string): Promise<void> {
    let res: RateLimiterRes | null;
    try {
      res = await this.run((l) => l.get(key));
    } catch (e) {
      throw unavailable(e);
    }
    if (res && res.remainingPoints <= 0 && res.msBeforeNext > 0) throw limited(res, this.rule);
  }

  /** Counts a failure for `key`; throws RATE_LIMITED (429) when that used the last allowance, RATE_LIMIT_UNAVAILABLE (503) when the store cannot be reached. */
  async fail(key: string): Promise<void> {
    try {
      await this.run((l) => l.consume(key));
    } catch (e) {
      if (e instanceof RateLimiterRes) throw limited(e, this.rule);
      throw unavailable(e);
    }
  }

  /** Forgets the failures of `key`; RATE_LIMIT_UNAVAILABLE (503) when the store cannot be reached. */
  async reset(key: string): Promise<void> {
    try {
      await this.run((l) => l.delete(key));
    } catch (e) {
      throw unavailable(e);
    }
  }
}

/** The store did not answer: refuse (fail closed); an AppError of ours passes as it is. */
function unavailable(cause: unknown): AppError {
  if (cause instanceof AppError) return cause;
  return new AppError('RATE_LIMIT_UNAVAILABLE', { retryAfter: UNAVAILABLE_RETRY_SECONDS }, { cause });
}

type RejectionListener = (rule: string) => void;
const rejectionListeners = new Set<RejectionListener>();

/** Calls `listener` with the rule's name each time a key is refused (for `/metrics`); returns the unsubscribe. */
export function onRateLimited(listener: RejectionListener): () => void {
  rejectionListeners.add(listener);
  return () => rejectionListeners.delete(listener);
}

function limited(res: RateLimiterRes, rule: string): AppError {
  for (const l of rejectionListeners) l(rule);
  return rateLimited(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
}

/**
 * RATE_LIMITED for a wait of `seconds` (the Retry-After header, RFC 9110 §10.2.3), said in words a
 * person reads: seconds up to 90, else whole minutes rounded up ("thử lại sau 60 phút", not
 * "sau 3594 giây", which a trial found).
 */
export function rateLimited(seconds: number): AppError {
  const minutes = Math.ceil(seconds / 60);
  const wait = seconds <= 90 ? { wait_vi: `${seconds} giây`, wait_en: `${seconds} ${seconds === 1 ? 'second' : 'seconds'}` } : { wait_vi: `${minutes} phút`, wait_en: `${minutes} minutes` };
  return new AppError('RATE_LIMITED', { retryAfter: seconds, ...wait });
}

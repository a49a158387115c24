/**
 * Throttling of guessable operations (sign-in now; one-time codes with the e-ID issue), shared by
 * every app copy through Redis when REDIS_URL is set, in memory otherwise (one copy). Built on
 * rate-limiter-flexible. A key that failed too often is blocked for a while; callers answer
 * 429 RATE_LIMITED with `Retry-After`. OWASP ASVS 5.0 V6.3 (brute force).
 */
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from './errors.js';

export interface ThrottleRule {
  /** Prefix of this rule's keys. */
  name: string;
  /** Failures allowed within `windowSeconds` before the key is blocked. */
  points: number;
  windowSeconds: number;
  blockSeconds: number;
}

let redis: Redis | undefined;
function redisClient(url: string): Redis {
  redis ??= new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
  return redis;
}

export class Throttle {
  private readonly limiter: RateLimiterAbstract;
  private readonly rule: string;
  constructor(rule: ThrottleRule, redisUrl?: string) {
    this.rule = rule.name;
    const opts = { keyPrefix: `motcua:${rule.name}`, points: rule.points, duration: rule.windowSeconds, blockDuration: rule.blockSeconds };
    this.limiter = redisUrl ? new RateLimiterRedis({ ...opts, storeClient: redisClient(redisUrl) }) : new RateLimiterMemory(opts);
  }

  /** Throws RATE_LIMITED when `key` is blocked now. */
  async check(key: string): Promise<void> {
    const res = await this.limiter.get(key);
    if (res && res.remainingPoints <= 0 && res.msBeforeNext > 0) throw limited(res, this.rule);
  }

  /** Counts a failure for `key`; throws RATE_LIMITED when that used the last allowance. */
  async fail(key: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (e) {
      if (e instanceof RateLimiterRes) throw limited(e, this.rule);
      throw e;
    }
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
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
  return new AppError('RATE_LIMITED', { retryAfter: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) });
}

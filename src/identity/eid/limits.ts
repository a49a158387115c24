/**
 * Rate limits of the e-ID endpoints (OWASP ASVS 5.0 V6.3 brute force; DESIGN.md §5), built on the
 * platform's {@link Throttle} (rate-limiter-flexible; Redis when REDIS_URL is set so every app copy
 * shares the counters, memory otherwise). Exceeding one answers 429 RATE_LIMITED with `Retry-After`.
 *
 * Keys are SHA-256 digests of the identification number, phone or address, never the value
 * itself, so Redis holds no personal data in clear.
 *
 * | guarded | per account (number) | per phone | per address |
 * | --- | --- | --- | --- |
 * | applications received | 5 / hour | – | 20 / hour |
 * | one-time code sent | 1 / 60 s and 5 / hour | 5 / hour | 20 / hour |
 * | wrong one-time codes | 5 per code (stored with the code) | 10 / hour | 20 / 15 min |
 * | failed sign-ins (progressive) | 5 / 5 min → 5 min; 10 / hour → 1 hour (temporary lock) | – | 30 / 15 min → 15 min |
 * | wrong passcodes and TOTP codes | shared with failed sign-ins | – | shared with failed sign-ins |
 */
import { hash } from 'node:crypto';
import { Throttle, type ThrottleRule } from '../../platform/throttle.js';

/** The opaque key of a value: hashed (SHA-256, one-shot), so personal data never reaches the limiter's store. */
export function limitKey(value: string): string {
  return hash('sha256', value, 'base64url').slice(0, 32);
}

/** Several rules counted together on one key (e.g. a short and a long window). */
export class Limit {
  private readonly throttles: Throttle[];
  constructor(rules: ThrottleRule[], redisUrl?: string) {
    this.throttles = rules.map((r) => new Throttle(r, redisUrl));
  }
  /** Throws RATE_LIMITED when any rule blocks `value` now. */
  async check(value: string): Promise<void> {
    const key = limitKey(value);
    for (const t of this.throttles) await t.check(key);
  }
  /** Counts one event on every rule; throws RATE_LIMITED when that used a rule's last allowance. */
  async hit(value: string): Promise<void> {
    const key = limitKey(value);
    let blocked: unknown;
    for (const t of this.throttles) {
      try {
        await t.fail(key);
      } catch (e) {
        blocked ??= e;
      }
    }
    if (blocked) throw blocked;
  }
  async reset(value: string): Promise<void> {
    const key = limitKey(value);
    for (const t of this.throttles) await t.reset(key);
  }
}

export interface EidLimits {
  applicationByPin: Limit;
  applicationByAddress: Limit;
  codeSendByAccount: Limit;
  codeSendByPhone: Limit;
  codeSendByAddress: Limit;
  codeFailByPhone: Limit;
  codeFailByAddress: Limit;
  signInByAccount: Limit;
  signInByAddress: Limit;
}

/** The limits of one app copy (shared among copies through Redis when `redisUrl` is given). */
export function eidLimits(redisUrl?: string): EidLimits {
  const rule = (name: string, points: number, windowSeconds: number, blockSeconds = windowSeconds): ThrottleRule => ({ name: `eid-${name}`, points, windowSeconds, blockSeconds });
  return {
    applicationByPin: new Limit([rule('application-pin', 5, 3600)], redisUrl),
    applicationByAddress: new Limit([rule('application-address', 20, 3600)], redisUrl),
    codeSendByAccount: new Limit([rule('code-send-spacing', 1, 60), rule('code-send-account', 5, 3600)], redisUrl),
    codeSendByPhone: new Limit([rule('code-send-phone', 5, 3600)], redisUrl),
    codeSendByAddress: new Limit([rule('code-send-address', 20, 3600)], redisUrl),
    codeFailByPhone: new Limit([rule('code-fail-phone', 10, 3600)], redisUrl),
    codeFailByAddress: new Limit([rule('code-fail-address', 20, 900)], redisUrl),
    signInByAccount: new Limit([rule('signin-account-short', 5, 300), rule('signin-account-long', 10, 3600)], redisUrl),
    signInByAddress: new Limit([rule('signin-address', 30, 900)], redisUrl),
  };
}

import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { rateLimited, Throttle } from './throttle.js';

const REDIS_URL = process.env.MOTCUA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Resolves to the AppError `p` rejects with (fails the test when it resolves). */
async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describe('Throttle over a Redis that cannot be reached', () => {
  // A port that was free a moment ago and on which nothing listens: every connection is refused.
  let deadUrl = '';
  beforeAll(async () => {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    deadUrl = `redis://127.0.0.1:${port}`;
  });

  it('refuses check, fail and reset with 503 RATE_LIMIT_UNAVAILABLE and Retry-After 5 s (fail closed)', async () => {
    const t = new Throttle({ name: 'test-dead-store', points: 3, windowSeconds: 60, blockSeconds: 60 }, deadUrl);
    for (const p of [t.check('k'), t.fail('k'), t.reset('k')]) {
      const e = await refusal(p);
      expect(e.code).toBe('RATE_LIMIT_UNAVAILABLE');
      expect(e.status).toBe(503);
      expect(e.params.retryAfter).toBe(5);
      expect(e.localized('vi')).toBe('Tạm thời không kiểm soát được số lần thử nên thao tác này bị từ chối; vui lòng thử lại sau 5 giây.');
    }
    // Still refused on the next guesses: never an uncounted pass.
    for (let i = 0; i < 5; i++) expect((await refusal(t.fail('k'))).code).toBe('RATE_LIMIT_UNAVAILABLE');
  });
});

describe('Throttle over a reachable Redis', () => {
  it('blocks a key with 429 RATE_LIMITED after its allowance, and forgets it on reset', async () => {
    const t = new Throttle({ name: `test-live-${randomBytes(4).toString('hex')}`, points: 2, windowSeconds: 60, blockSeconds: 120 }, REDIS_URL);
    await t.check('k');
    await t.fail('k');
    await t.fail('k');
    const e = await refusal(t.check('k'));
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.status).toBe(429);
    expect((await refusal(t.fail('k'))).code).toBe('RATE_LIMITED');
    await t.reset('k');
    await expect(t.check('k')).resolves.toBeUndefined();
  });
});

describe('RATE_LIMITED in words', () => {
  it('says seconds up to 90 and whole minutes beyond, in both languages, with the exact Retry-After kept', () => {
    expect([rateLimited(41).localized('vi'), rateLimited(1).localized('en')]).toEqual(['Quá nhiều yêu cầu; vui lòng thử lại sau 41 giây.', 'Too many requests; try again in 1 second.']);
    const hour = rateLimited(3594);
    expect([hour.localized('vi'), hour.localized('en'), hour.params.retryAfter]).toEqual(['Quá nhiều yêu cầu; vui lòng thử lại sau 60 phút.', 'Too many requests; try again in 60 minutes.', 3594]);
  });
});

/**
 * Two real app copies (separate processes) over one PostgreSQL database and one Redis: what one
 * copy does, the other sees (DESIGN.md §1; issue "prove it holds", many copies).
 */
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContext } from '../../app/app.js';
import { confirmStaffTotpEnrolment, createStaff, signInOrEnrolStaff } from '../../identity/index.js';
import { loadConfig } from '../config.js';
import { createDataCipher } from '../crypto.js';
import { TEST_PG_URL } from './engines.js';
import { startCopies, type Copy } from './copies.js';

const REDIS_URL = process.env.MOTCUA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('two app copies over one PostgreSQL and one Redis', () => {
  const dbName = `motcua_copies_${process.pid}_${randomBytes(3).toString('hex')}`;
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${dbName}`;
  const username = `canbo.${randomBytes(4).toString('hex')}`;
  const password = 'Cam-Hoang-2023!';
  // One data key for the test and both copies: the officer's TOTP secret, sealed by one, opens in the other.
  const dataKey = randomBytes(32);
  let totp: TOTP;
  let enrolCode = '';
  let copies: Copy[] = [];
  let stop: () => Promise<void> = async () => {};

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    // Migrated and seeded once, with one commune officer of Xã Cẩm Hoàng (Hải Dương, 2023) who has
    // set up an authenticator app (the copies require a second factor, the default).
    const env = { DATABASE_URL: url.href, REDIS_URL, MOTCUA_DEMO: 'off', LOG_LEVEL: 'silent', MOTCUA_DATA_KEY: dataKey.toString('base64') };
    const ctx = await openContext(loadConfig(env), { seed: true });
    await createStaff(ctx.db, { username, password, role: 'COMMUNE_OFFICER', unitCode: '10897', unitDate: '2023-02-28', displayName: 'Bộ phận một cửa xã Cẩm Hoàng' }, { kind: 'system', id: 'test' }, async () => true);
    const cipher = createDataCipher(dataKey);
    const started = await signInOrEnrolStaff(ctx.db, username, password, null, { totp: 'required', cipher });
    if (!('enrolment' in started)) throw new Error('expected an enrolment');
    totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(started.enrolment.secret) });
    enrolCode = totp.generate();
    await confirmStaffTotpEnrolment(ctx.db, started.enrolment.token, enrolCode, null, { cipher });
    await ctx.db.close();
    ({ copies, stop } = await startCopies({ count: 2, env: { ...env, LOG_LEVEL: 'warn', MOTCUA_SESSION_CACHE_MS: '500' } }));
  }, 180_000);

  afterAll(async () => {
    await stop();
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });

  const signIn = (copy: Copy, pw: string, otp?: string) =>
    fetch(`${copy.url}/api/v1/staff/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: pw, otp }) });

  it('serves a session signed in on copy A from copy B, and ends it everywhere when signed out on B', async () => {
    const [a, b] = copies as [Copy, Copy];
    expect(a.port).not.toBe(b.port);
    // the code the officer enrolled with, sent again: refused (each code once, wherever it was used)
    const replay = await signIn(b, password, enrolCode);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { code: string }).code).toBe('STAFF_OTP_INVALID');
    // the next step's code (within the allowed drift): signed in, which also clears the failure above
    const res = await signIn(a, password, totp.generate({ timestamp: Date.now() + 30_000 }));
    expect(res.status).toBe(201);
    const { token } = (await res.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    const me = await fetch(`${b.url}/api/v1/staff/me`, { headers: auth });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username, role: 'COMMUNE_OFFICER', unitCode: '10897' });
    expect((await fetch(`${b.url}/api/v1/staff/sessions/current`, { method: 'DELETE', headers: auth })).status).toBe(204);
    // Copy A trusts a session it has seen for at most MOTCUA_SESSION_CACHE_MS (500 ms here).
    await new Promise((r) => setTimeout(r, 600));
    expect((await fetch(`${a.url}/api/v1/staff/me`, { headers: auth })).status).toBe(401);
  });

  it('counts wrong passwords on both copies together: 10 tries spread over A and B lock the account on both', async () => {
    const [a, b] = copies as [Copy, Copy];
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await signIn(i % 2 === 0 ? a : b, `wrong-password-${i}`)).status);
    // 10 failures are allowed per account in 15 minutes, wherever they happen; then both copies
    // refuse the account, even with the right password, until the block ends.
    expect(statuses).toEqual(Array(10).fill(401));
    for (const copy of [a, b]) {
      const res = await signIn(copy, password);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(800);
      expect(((await res.json()) as { code: string }).code).toBe('RATE_LIMITED');
    }
  });
});

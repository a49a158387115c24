/**
 * Staff sign-in with a TOTP second factor (RFC 6238), required by default (`MOTCUA_STAFF_TOTP`), on
 * SQLite and PostgreSQL, with real codes computed by `otpauth` from the secret the server shows:
 * enrolment at the first sign-in, a code at every later one (each accepted once, also when two
 * sign-ins race), the same answers for a missing account, failures counted by the throttles, an
 * expired or replaced enrolment, `motcua staff reset-totp` for a lost phone, the `optional` policy,
 * and the secrets re-sealed by a data-key rotation.
 */
import { createHash } from 'node:crypto';
import { Secret, TOTP, URI } from 'otpauth';
import { expect, it, vi } from 'vitest';
import { runCli } from '../cli/main.js';
import { auditEntriesFor } from '../platform/audit/audit.js';
import { createDataCipher, dataCipherFromEnv, keyRing } from '../platform/crypto.js';
import { rotateSealedColumns } from '../platform/keys.js';
import { startTestPlatform } from '../platform/testing/app.js';
import { forEachEngine, type TestDatabase } from '../platform/testing/engines.js';
import { unitCodeExists, type UnitsTables } from '../units/index.js';
import { identityModule } from './index.js';
import { confirmStaffTotpEnrolment, createStaff, resetStaffTotp, signInOrEnrolStaff, signInStaff } from './staff.js';
import { staffSealedColumns, type IdentityTables } from './store.js';

const CLI = { kind: 'cli' as const, id: 'cli:test' };
const PASSWORD = 'Cam-Hoang-2023!';
/** Officers of Xã Cẩm Hoàng (10897) and Phòng PC06 of Tỉnh Hải Dương (30), February 2023. */
const STAFF = [
  ['canbo.camhoang', 'COMMUNE_OFFICER', '10897'],
  ['congan.camhoang', 'COMMUNE_POLICE', '10897'],
  ['hotro.camhoang', 'SUPPORT_TEAM', '10897'],
  ['pc06.haiduong', 'PROVINCIAL_POLICE', '30'],
  ['bcd06.haiduong', 'WORKING_GROUP', '30'],
  ['admin', 'ADMIN', null],
] as const;

async function setup(t: TestDatabase) {
  const p = await startTestPlatform(t, { MOTCUA_STAFF_TOTP: 'required' });
  for (const [username, role, unitCode] of STAFF) {
    await createStaff(p.ctx.db, { username, password: PASSWORD, role, unitCode, unitDate: '2023-02-28' }, CLI, (c) => unitCodeExists(p.ctx.db.as<UnitsTables>(), c));
  }
  return p;
}

const totpOf = (secret: string) => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
/** The code of the next 30-second step (the server accepts one step of drift). */
const nextCode = (totp: TOTP) => totp.generate({ timestamp: Date.now() + 30_000 });
/** A right code of another time: an hour ago. */
const staleCode = (totp: TOTP) => totp.generate({ timestamp: Date.now() - 3_600_000 });

forEachEngine('staff two-factor sign-in (TOTP)', setup, (env, engine) => {
  const post = (url: string, payload: Record<string, unknown>, remoteAddress = '203.0.113.7', token?: string) =>
    env().app.inject({ method: 'POST', url: `/api/v1${url}`, payload, remoteAddress, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const signIn = (username: string, otp?: string, password = PASSWORD, remoteAddress?: string) => post('/staff/sessions', { username, password, ...(otp === undefined ? {} : { otp }) }, remoteAddress);
  const me = async (token: string) => (await env().app.inject({ url: '/api/v1/staff/me', headers: { authorization: `Bearer ${token}` } })).statusCode;
  const row = (username: string) => env().ctx.db.as<IdentityTables>().selectFrom('staff_accounts').selectAll().where('username', '=', username).executeTakeFirstOrThrow();
  const actions = async (username: string) => (await auditEntriesFor(env().ctx.db, { type: 'staff', id: username }, { offset: 0, limit: 50 })).items.map((e) => [e.action, e.summary]).reverse();
  /** Enrols `username` over HTTP; answers its authenticator and the code used. */
  const enrol = async (username: string) => {
    const e = (await signIn(username)).json().enrolment;
    const totp = totpOf(e.secret);
    const code = totp.generate();
    expect((await post('/staff/sessions/totp-enrolment', { token: e.token, otp: code })).statusCode).toBe(201);
    return { totp, code };
  };

  it('enrols a commune officer at the first sign-in: the secret is shown once, sealed at rest, and confirmed with a code', async () => {
    const before = Date.now();
    const first = await signIn('canbo.camhoang');
    expect(first.statusCode).toBe(200);
    const { enrolment } = first.json();
    expect(Object.keys(first.json())).toEqual(['enrolment']);
    expect(enrolment).toMatchObject({ issuer: 'motcua', algorithm: 'SHA1', digits: 6, period: 30 });
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/); // 160 bits, base32
    expect(enrolment.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const uri = URI.parse(enrolment.uri) as TOTP;
    expect([uri.issuer, uri.label, uri.secret.base32, uri.digits, uri.period, uri.algorithm]).toEqual(['motcua', 'canbo.camhoang', enrolment.secret, 6, 30, 'SHA1']);
    const expires = Date.parse(enrolment.expiresAt);
    expect(expires - before).toBeGreaterThanOrEqual(10 * 60_000 - 1000);
    expect(expires - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    // No session: the enrolment token is no bearer token.
    expect(await me(enrolment.token)).toBe(401);
    // At rest: the secret sealed (bound to the row), the token as its SHA-256 only.
    const pending = await row('canbo.camhoang');
    expect(pending.totp_secret).toBeNull();
    expect(pending.totp_pending).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(pending.totp_pending).not.toContain(enrolment.secret);
    expect(pending.totp_pending_token).toBe(createHash('sha256').update(enrolment.token).digest('hex'));

    const totp = totpOf(enrolment.secret);
    const wrong = await post('/staff/sessions/totp-enrolment', { token: enrolment.token, otp: staleCode(totp) });
    expect(wrong.json()).toMatchObject({ status: 401, code: 'STAFF_OTP_INVALID', detail: 'Mã xác thực không đúng hoặc đã được dùng; hãy nhập mã mới trong ứng dụng.' });
    const code = totp.generate();
    const confirmed = await post('/staff/sessions/totp-enrolment', { token: enrolment.token, otp: code });
    expect(confirmed.statusCode).toBe(201);
    expect(confirmed.json().staff).toEqual({ username: 'canbo.camhoang', displayName: 'canbo.camhoang', role: 'COMMUNE_OFFICER', unitCode: '10897' });
    expect(await me(confirmed.json().token)).toBe(200);
    // The token confirms once.
    expect((await post('/staff/sessions/totp-enrolment', { token: enrolment.token, otp: nextCode(totp) })).json().code).toBe('STAFF_TOTP_ENROLMENT_EXPIRED');
    const enrolled = await row('canbo.camhoang');
    expect(enrolled.totp_secret).toBe(pending.totp_pending);
    expect([enrolled.totp_pending, enrolled.totp_pending_token, enrolled.totp_pending_expires_at]).toEqual([null, null, null]);
    expect(Number(enrolled.totp_last_step)).toBeGreaterThanOrEqual(Math.floor(before / 30_000));

    // From now on: the password and a code, each code once.
    expect((await signIn('canbo.camhoang')).json()).toMatchObject({ status: 401, code: 'STAFF_OTP_REQUIRED', detail: 'Cần nhập mã xác thực 6 chữ số từ ứng dụng xác thực trên điện thoại.' });
    expect((await signIn('canbo.camhoang', code)).json().code).toBe('STAFF_OTP_INVALID'); // the enrolment's code, replayed
    const next = nextCode(totp);
    const session = await signIn('canbo.camhoang', next);
    expect(session.statusCode).toBe(201);
    expect(await me(session.json().token)).toBe(200);
    expect((await signIn('canbo.camhoang', next)).json().code).toBe('STAFF_OTP_INVALID');

    expect(await actions('canbo.camhoang')).toEqual([
      ['staff.create', 'role COMMUNE_OFFICER, unit 10897'],
      ['staff.totp-enrolment', 'right password, no second factor: authenticator secret shown, to confirm within 10 minutes'],
      ['staff.totp-enrol', 'second factor (authenticator app) enrolled'],
      ['staff.sign-in', 'signed in (password and authenticator code, just enrolled)'],
      ['staff.sign-in-refused', 'right password, wrong or already used authenticator code'],
      ['staff.sign-in', 'signed in (password and authenticator code)'],
      ['staff.sign-in-refused', 'right password, wrong or already used authenticator code'],
    ]);
  });

  it('answers a missing account like a wrong password, with or without a code', async () => {
    const { totp } = await enrol('congan.camhoang');
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    const answers = await Promise.all([
      signIn('khongco.camhoang', undefined, 'nope-nope-nope'),
      signIn('khongco.camhoang', '123456', 'nope-nope-nope'),
      signIn('congan.camhoang', undefined, 'nope-nope-nope'),
      signIn('congan.camhoang', nextCode(totp), 'nope-nope-nope'),
      signIn('khongco.camhoang', '123456', PASSWORD),
    ]);
    for (const a of answers) expect(strip(a.json())).toEqual(strip(answers[0]!.json()));
    expect(answers[0]!.json()).toMatchObject({ status: 401, code: 'STAFF_CREDENTIALS_INVALID', detail: 'Tên đăng nhập hoặc mật khẩu không đúng.' });
    // A code given with a wrong password was not used up.
    expect((await signIn('congan.camhoang', nextCode(totp))).statusCode).toBe(201);
  });

  it('accepts one code once when two sign-ins race with it', async () => {
    const { totp } = await enrol('bcd06.haiduong');
    const otp = nextCode(totp);
    const [a, b] = await Promise.all([signIn('bcd06.haiduong', otp), signIn('bcd06.haiduong', otp)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 401]);
    expect([a.json().code, b.json().code]).toContain('STAFF_OTP_INVALID');
  });

  it('counts wrong codes as failed sign-ins: after 10, the right password and code are refused until the block ends', async () => {
    const { totp } = await enrol('hotro.camhoang');
    // A missing code is not a failure.
    for (let i = 0; i < 3; i++) expect((await signIn('hotro.camhoang', undefined, PASSWORD, '198.51.100.20')).json().code).toBe('STAFF_OTP_REQUIRED');
    for (let i = 0; i < 10; i++) expect((await signIn('hotro.camhoang', staleCode(totp), PASSWORD, '198.51.100.20')).json().code).toBe('STAFF_OTP_INVALID');
    const blocked = await signIn('hotro.camhoang', nextCode(totp), PASSWORD, '198.51.100.21');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(800);
  });

  it('replaces a pending enrolment by a new sign-in, and lets one expire after 10 minutes', async () => {
    const first = (await signIn('pc06.haiduong')).json().enrolment;
    const second = (await signIn('pc06.haiduong')).json().enrolment;
    expect(second.secret).not.toBe(first.secret);
    expect((await post('/staff/sessions/totp-enrolment', { token: first.token, otp: totpOf(first.secret).generate() })).json()).toMatchObject({
      status: 401,
      code: 'STAFF_TOTP_ENROLMENT_EXPIRED',
      detail: 'Phiên thiết lập xác thực hai lớp đã hết hạn hoặc đã dùng; hãy đăng nhập lại để bắt đầu lại.',
    });
    // Ten minutes later (the deadline moved back instead of waiting).
    const k = env().ctx.db.as<IdentityTables>();
    await k.updateTable('staff_accounts').set({ totp_pending_expires_at: new Date(Date.now() - 1000).toISOString() }).where('username', '=', 'pc06.haiduong').execute();
    expect((await post('/staff/sessions/totp-enrolment', { token: second.token, otp: totpOf(second.secret).generate() })).json().code).toBe('STAFF_TOTP_ENROLMENT_EXPIRED');
    expect((await row('pc06.haiduong')).totp_secret).toBeNull();
    expect((await post('/staff/sessions/totp-enrolment', { token: 'x'.repeat(43), otp: '123456' })).json().code).toBe('STAFF_TOTP_ENROLMENT_EXPIRED');
  });

  it('removes the second factor of a lost phone (motcua staff reset-totp): sessions end, the next sign-in enrols again', async () => {
    const { totp } = await enrol('admin');
    const session = (await signIn('admin', nextCode(totp))).json().token as string;
    expect(await me(session)).toBe(200);
    await resetStaffTotp(env().ctx.db, 'Admin', CLI);
    expect(await me(session)).toBe(401);
    expect([(await row('admin')).totp_secret, (await row('admin')).totp_last_step]).toEqual([null, null]);
    const again = await signIn('admin');
    expect(again.statusCode).toBe(200);
    expect(again.json().enrolment.secret).not.toBe(totp.secret.base32);
    await expect(resetStaffTotp(env().ctx.db, 'khongco.camhoang', CLI)).rejects.toMatchObject({ code: 'STAFF_NOT_FOUND' });
    expect((await actions('admin')).slice(-2)).toEqual([
      ['staff.totp-reset', 'second factor removed (enrols again at the next sign-in); sessions ended'],
      ['staff.totp-enrolment', 'right password, no second factor: authenticator secret shown, to confirm within 10 minutes'],
    ]);
  });

  // The command opens DATABASE_URL itself: the SQLite file (a PostgreSQL test schema is not in the URL).
  it.runIf(engine === 'sqlite')('runs `motcua staff reset-totp USERNAME` from the command line', async () => {
    let out = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    try {
      const base = { DATABASE_URL: env().t.url, LOG_LEVEL: 'silent', MOTCUA_DEMO: 'off', MOTCUA_SEED: 'none', MOTCUA_LANG: 'en', NODE_ENV: 'test' };
      expect(await runCli(['node', 'motcua', 'staff', 'reset-totp', 'congan.camhoang'], base)).toBe(0);
    } finally {
      o.mockRestore();
    }
    expect(JSON.parse(out)).toEqual({ username: 'congan.camhoang', totpReset: true });
    expect((await row('congan.camhoang')).totp_secret).toBeNull();
    const [entry] = (await auditEntriesFor(env().ctx.db, { type: 'staff', id: 'congan.camhoang' }, { offset: 0, limit: 1 })).items;
    expect([entry?.action, entry?.actorKind, entry?.actorId]).toEqual(['staff.totp-reset', 'cli', expect.stringMatching(/^cli:/)]);
  });
});

forEachEngine('staff two-factor policy and key rotation', startTestPlatform, (env) => {
  // A: the key the platform seals with (this process's); B: the key a rotation moves to.
  const A = dataCipherFromEnv();
  const B = createDataCipher(Buffer.from('2b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfe', 'hex'));

  it('with MOTCUA_STAFF_TOTP=optional signs an account without a second factor in with its password, and one with it only with a code', async () => {
    const { ctx, app } = env();
    expect(ctx.config.staffTotp).toBe('optional'); // the test platform's setting
    await createStaff(ctx.db, { username: 'canbo.camgiang', password: PASSWORD, role: 'COMMUNE_OFFICER', unitCode: '10888', unitDate: '2025-07-01' }, CLI, async () => true);
    const plain = await app.inject({ method: 'POST', url: '/api/v1/staff/sessions', payload: { username: 'canbo.camgiang', password: PASSWORD, otp: '123456' } });
    expect(plain.statusCode).toBe(201); // a code sent to an account without a second factor is ignored
    // Under `required` the same account could not get a session without enrolling.
    await expect(signInStaff(ctx.db, 'canbo.camgiang', PASSWORD, null, { totp: 'required', cipher: A })).rejects.toMatchObject({ code: 'STAFF_TOTP_ENROLMENT_REQUIRED' });
    const k = ctx.db.as<IdentityTables>();
    expect((await k.selectFrom('staff_accounts').select('totp_pending').where('username', '=', 'canbo.camgiang').executeTakeFirstOrThrow()).totp_pending).toBeNull(); // no secret made for nobody to see
    // Once the account has a second factor, a code is needed under `optional` too.
    const started = await signInOrEnrolStaff(ctx.db, 'canbo.camgiang', PASSWORD, null, { totp: 'required' });
    if (!('enrolment' in started)) throw new Error('expected an enrolment');
    const totp = totpOf(started.enrolment.secret);
    await confirmStaffTotpEnrolment(ctx.db, started.enrolment.token, totp.generate(), null);
    const signIn = (otp?: string) => app.inject({ method: 'POST', url: '/api/v1/staff/sessions', payload: { username: 'canbo.camgiang', password: PASSWORD, ...(otp ? { otp } : {}) } });
    expect((await signIn()).json().code).toBe('STAFF_OTP_REQUIRED');
    expect((await signIn(nextCode(totp))).statusCode).toBe(201);
  });

  it('declares the staff secrets for `motcua keys rotate`: an enrolled secret still signs in after re-sealing under a new key', async () => {
    const { ctx } = env();
    expect(identityModule.sealed?.filter((c) => c.table === 'staff_accounts').map((c) => c.column)).toEqual(['totp_secret', 'totp_pending']);
    await createStaff(ctx.db, { username: 'congan.camgiang', password: PASSWORD, role: 'COMMUNE_POLICE', unitCode: '10888', unitDate: '2025-07-01' }, CLI, async () => true);
    await createStaff(ctx.db, { username: 'hotro.camgiang', password: PASSWORD, role: 'SUPPORT_TEAM', unitCode: '10888', unitDate: '2025-07-01' }, CLI, async () => true);
    // One enrolled under key A, one half-way (a pending secret).
    const started = await signInOrEnrolStaff(ctx.db, 'congan.camgiang', PASSWORD, null, { totp: 'required', cipher: A });
    if (!('enrolment' in started)) throw new Error('expected an enrolment');
    const totp = totpOf(started.enrolment.secret);
    await confirmStaffTotpEnrolment(ctx.db, started.enrolment.token, totp.generate(), null, { cipher: A });
    const pending = await signInOrEnrolStaff(ctx.db, 'hotro.camgiang', PASSWORD, null, { totp: 'required', cipher: A });
    if (!('enrolment' in pending)) throw new Error('expected an enrolment');

    const report = await rotateSealedColumns(ctx.db, staffSealedColumns, keyRing(B, [A], A), CLI);
    // canbo.camgiang (enrolled by the test before) and congan.camgiang; hotro.camgiang's pending secret.
    expect(report.columns).toEqual([
      { table: 'staff_accounts', column: 'totp_secret', sealed: 2, resealed: 2 },
      { table: 'staff_accounts', column: 'totp_pending', sealed: 1, resealed: 1 },
    ]);
    // Under key B: the enrolled officer signs in with the next code, the pending enrolment confirms.
    const session = await signInStaff(ctx.db, 'congan.camgiang', PASSWORD, null, { totp: 'required', cipher: B, otp: nextCode(totp) });
    expect(session.staff).toEqual({ username: 'congan.camgiang', displayName: 'congan.camgiang', role: 'COMMUNE_POLICE', unitCode: '10888' });
    const confirmed = await confirmStaffTotpEnrolment(ctx.db, pending.enrolment.token, totpOf(pending.enrolment.secret).generate(), null, { cipher: B });
    expect(confirmed.staff.username).toBe('hotro.camgiang');
    // Key A alone no longer opens them.
    await expect(signInStaff(ctx.db, 'congan.camgiang', PASSWORD, null, { cipher: A, otp: totp.generate({ timestamp: Date.now() + 60_000 }) })).rejects.toThrow(/another key/);
  });
});

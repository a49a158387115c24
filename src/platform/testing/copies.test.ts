/**
 * Two real app copies (separate processes) over one PostgreSQL database and one Redis: what one
 * copy does, the other sees (DESIGN.md §1; issue "prove it holds", many copies).
 */
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { sql } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContext } from '../../app/app.js';
import { cli, makePng, person, pinFor } from '../../identity/eid/testing/fixtures.js';
import { confirmStaffTotpEnrolment, createStaff, signInOrEnrolStaff } from '../../identity/index.js';
import { createCitizen } from '../../population/index.js';
import { pairwiseSubject } from '../../sso/provider.js';
import { ssoRuntime } from '../../sso/runtime.js';
import { Browser, formOf, oidc } from '../../sso/testing.js';
import { loadConfig } from '../config.js';
import { createDataCipher } from '../crypto.js';
import { countPendingMessages, readSinkFile } from '../jobs/index.js';
import type { AppContext } from '../module.js';
import { TEST_PG_URL } from './engines.js';
import { fetchFrom, startCopies, type Copy } from './copies.js';

const REDIS_URL = process.env.MOTCUA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('two app copies over one PostgreSQL and one Redis', () => {
  const dbName = `motcua_copies_${process.pid}_${randomBytes(3).toString('hex')}`;
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${dbName}`;
  const username = `canbo.${randomBytes(4).toString('hex')}`;
  const password = 'Cam-Hoang-2023!';
  // One data key for the test and both copies: the officer's TOTP secret, sealed by one, opens in the other.
  const dataKey = randomBytes(32);
  // Both copies behind one public address, as behind a load balancer terminating TLS: the issuer
  // of the sign-on, the links in SMS. Each copy is reached at its own port.
  const PUBLIC = 'https://dinhdanh.haiduong.gov.vn';
  const ISSUER = `${PUBLIC}/oidc`;
  const PORTAL = 'dvc-haiduong';
  const CALLBACK = 'https://dichvucong.haiduong.gov.vn/auth/callback';
  // This run's own client address: the per-address limits in the shared Redis start from zero.
  const call = fetchFrom(`127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`);
  const smsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-copies-')), 'sms.jsonl');
  // People of Xã Cẩm Hoàng with numbers and phones of their own in each run (the limits per number and phone live in Redis too).
  const serial = () => randomInt(0, 1_000_000);
  const resident = (fullName: string, sex: 'male' | 'female', dateOfBirth: string) => ({
    ...person({ pin: pinFor(sex, Number(dateOfBirth.slice(0, 4)), serial()), fullName, dateOfBirth, sex }),
    phone: `09${String(randomInt(0, 100_000_000)).padStart(8, '0')}`,
  });
  const an = resident('Nguyễn Văn An', 'male', '1990-05-12');
  const binh = resident('Trần Thị Bình', 'female', '1988-11-03');
  const chi = resident('Lê Thị Chi', 'female', '1995-02-20');
  const dung = resident('Phạm Văn Dũng', 'male', '1979-07-07');
  const em = resident('Vũ Thị Em', 'female', '2001-09-15');
  const CITIZEN_PASSWORD = 'Hoàng-Xá-2023!';
  const police = `congan.${randomBytes(4).toString('hex')}`;
  let policeToken = '';
  let portalSecret = '';
  let totp: TOTP;
  let enrolCode = '';
  let ctx: AppContext | undefined;
  let copies: Copy[] = [];
  let stop: () => Promise<void> = async () => {};
  // What each copy's log says about the outbox: the loop started, message N sent.
  const outboxLog: { copy: number; msg: string; outboxId?: number }[] = [];

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    // Migrated and seeded once, with one commune officer of Xã Cẩm Hoàng (Hải Dương, 2023) who has
    // set up an authenticator app (the copies require a second factor, the default), a commune
    // police officer, five residents in the registry and one portal of the single sign-on.
    const env = {
      DATABASE_URL: url.href,
      REDIS_URL,
      MOTCUA_DEMO: 'off',
      LOG_LEVEL: 'silent',
      MOTCUA_DATA_KEY: dataKey.toString('base64'),
      MOTCUA_PUBLIC_URL: PUBLIC,
      MOTCUA_SMS_SINK: `file:${smsFile}`,
      MOTCUA_OUTBOX_POLL_MS: '100',
    };
    ctx = await openContext(loadConfig(env), { seed: true });
    const cipher = createDataCipher(dataKey);
    const enrol = async (name: string, role: 'COMMUNE_OFFICER' | 'COMMUNE_POLICE', displayName: string) => {
      await createStaff(ctx!.db, { username: name, password, role, unitCode: '10897', unitDate: '2023-02-28', displayName }, { kind: 'system', id: 'test' }, async () => true);
      const started = await signInOrEnrolStaff(ctx!.db, name, password, null, { totp: 'required', cipher });
      if (!('enrolment' in started)) throw new Error('expected an enrolment');
      const app = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(started.enrolment.secret) });
      const code = app.generate();
      return { app, code, session: await confirmStaffTotpEnrolment(ctx!.db, started.enrolment.token, code, null, { cipher }) };
    };
    ({ app: totp, code: enrolCode } = await enrol(username, 'COMMUNE_OFFICER', 'Bộ phận một cửa xã Cẩm Hoàng'));
    // The police officer keeps the session its enrolment opened.
    policeToken = (await enrol(police, 'COMMUNE_POLICE', 'Công an xã Cẩm Hoàng')).session.token;
    for (const c of [an, binh, chi, dung, em]) {
      const r = await createCitizen(ctx.db, c, cli);
      if (r.outcome !== 'created') throw new Error(`citizen not created: ${r.outcome}`);
    }
    portalSecret = (await ssoRuntime(ctx, cipher).clients.create({ id: PORTAL, name: 'Cổng dịch vụ công tỉnh Hải Dương', redirectUris: [CALLBACK], scopes: ['profile'], purpose: 'Điền sẵn tờ khai' }, cli)).clientSecret!;
    ({ copies, stop } = await startCopies({
      count: 2,
      env: { ...env, LOG_LEVEL: 'info', MOTCUA_SESSION_CACHE_MS: '500' },
      onLine: (copy, line) => {
        if (!line.startsWith('{') || !line.includes('"outbox')) return;
        const entry = JSON.parse(line) as { msg: string; outboxId?: number };
        outboxLog.push({ copy, msg: entry.msg, outboxId: entry.outboxId });
      },
    }));
  }, 180_000);

  afterAll(async () => {
    await stop();
    await ctx?.db.close();
    fs.rmSync(path.dirname(smsFile), { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });

  const signIn = (copy: Copy, pw: string, otp?: string) =>
    call(`${copy.url}/api/v1/staff/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: pw, otp }) });

  /** A request to the API of `copy`: status and JSON body. */
  const api = async (copy: Copy, method: string, route: string, body?: unknown, token?: string) => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await call(`${copy.url}/api/v1${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : null) as Record<string, any> };
  };

  const e164 = (phone: string) => `+84${phone.slice(1)}`;
  /** The SMS delivered to `phone` (by either copy's worker), waiting up to 20 s until one of `kind` is there. */
  const smsTo = async (phone: string, kind: string) => {
    for (let i = 0; i < 200; i++) {
      const lines = readSinkFile(smsFile).filter((l) => l.to === e164(phone));
      if (lines.some((l) => l.kind === kind)) return lines;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no ${kind} SMS delivered to ${phone}`);
  };
  const codeIn = (text: string) => /là (\d{6}),/.exec(text)![1]!;

  /** An online level-1 application sent to `applyOn`, approved by the commune police on `approveOn`. */
  const applyAndApprove = async (c: typeof an, applyOn: Copy, approveOn: Copy) => {
    const applied = await api(applyOn, 'POST', '/eid/applications', { pin: c.pin, fullName: c.fullName, dateOfBirth: c.dateOfBirth, sex: c.sex, phone: c.phone, faceImage: makePng(80, 80).toString('base64') });
    expect(applied.status, JSON.stringify(applied.json)).toBe(201);
    const decided = await api(approveOn, 'POST', `/eid/applications/${applied.json.id}/decision`, { decision: 'approve' }, policeToken);
    expect(decided.status, JSON.stringify(decided.json)).toBe(200);
    return { applicationId: Number(applied.json.id), accountId: Number(decided.json.accountId) };
  };

  /** Approval, the activation code asked for on `codeOn` and entered on `confirmOn`. */
  const activeAccount = async (c: typeof an, codeOn: Copy, confirmOn: Copy) => {
    const [a, b] = copies as [Copy, Copy];
    const { accountId } = await applyAndApprove(c, b, a);
    expect((await api(codeOn, 'POST', '/eid/activations', { pin: c.pin, phone: c.phone })).status).toBe(202);
    const code = codeIn((await smsTo(c.phone, 'eid.otp')).find((l) => l.kind === 'eid.otp')!.text);
    const activated = await api(confirmOn, 'POST', '/eid/activations/confirm', { pin: c.pin, phone: c.phone, code, password: CITIZEN_PASSWORD, passcode: '482913' });
    expect(activated.json).toEqual({ activated: true, level: 1, status: 'active', passwordSet: true });
    return accountId;
  };

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
    const me = await call(`${b.url}/api/v1/staff/me`, { headers: auth });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username, role: 'COMMUNE_OFFICER', unitCode: '10897' });
    expect((await call(`${b.url}/api/v1/staff/sessions/current`, { method: 'DELETE', headers: auth })).status).toBe(204);
    // Copy A trusts a session it has seen for at most MOTCUA_SESSION_CACHE_MS (500 ms here).
    await new Promise((r) => setTimeout(r, 600));
    expect((await call(`${a.url}/api/v1/staff/me`, { headers: auth })).status).toBe(401);
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

  it("serves a citizen's e-ID session signed in on copy A from copy B, and ends it on A when signed out on B", async () => {
    const [a, b] = copies as [Copy, Copy];
    const accountId = await activeAccount(an, a, b);
    const signedIn = await api(a, 'POST', '/eid/sessions', { pin: an.pin, password: CITIZEN_PASSWORD, deviceName: 'Điện thoại của An' });
    expect(signedIn.status).toBe(201);
    expect(signedIn.json).toMatchObject({ amr: ['pwd'], endedSessions: 0, account: { id: accountId, level: 1, status: 'active' } });
    const token = String(signedIn.json.token);
    expect(token).toMatch(/^eid\./);
    const me = await api(b, 'GET', '/eid/me', undefined, token);
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ id: accountId, fullName: 'Nguyễn Văn An', level: 1, status: 'active', totpEnabled: false, unit: { code: '10897' }, dependants: [] });
    const sessions = await api(a, 'GET', '/eid/me/sessions', undefined, token);
    expect(sessions.json).toMatchObject({ total: 1, items: [{ id: signedIn.json.sessionId, device: 'Điện thoại của An', current: true }] });
    expect((await api(b, 'DELETE', '/eid/me/sessions/current', undefined, token)).status).toBe(204);
    // Citizen sessions are read at every request: copy A refuses the token at once.
    const after = await api(a, 'GET', '/eid/me', undefined, token);
    expect(after.status).toBe(401);
    expect(after.json.code).toBe('UNAUTHENTICATED');
  });

  it('starts a single sign-on on copy A and finishes it on copy B: the ID token is valid for the one issuer', async () => {
    const [a, b] = copies as [Copy, Copy];
    await activeAccount(binh, b, a);
    // The portal finds the provider through copy A and exchanges its code at copy B.
    const toCopy = (copy: Copy): oidc.CustomFetch => (input, init) => fetch(input.replace(PUBLIC, copy.url), init as RequestInit);
    const rp = await oidc.discovery(new URL(ISSUER), PORTAL, { client_secret: portalSecret }, oidc.ClientSecretBasic(portalSecret), { [oidc.customFetch]: toCopy(a) });
    expect(rp.serverMetadata().token_endpoint).toBe(`${ISSUER}/token`);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const browser = new Browser(a.url, undefined, PUBLIC);
    // copy A: the authorization request and the sign-in page
    let page = await browser.walk(oidc.buildAuthorizationUrl(rp, { redirect_uri: CALLBACK, scope: 'openid profile', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state }));
    expect(page.url).toMatch(new RegExp(`^${a.url}/oidc/interaction/[A-Za-z0-9_-]+$`));
    expect(page.body).toContain('name="password"');
    const login = formOf(page.body, '/login');
    // copy B: the sign-in form is submitted
    browser.origin = b.url;
    page = await browser.request(login.action, { ...login.fields, pin: binh.pin, password: CITIZEN_PASSWORD });
    expect(page.status, page.body.slice(0, 1000)).toBe(303);
    expect(page.location).toMatch(new RegExp(`^${ISSUER}/auth/[A-Za-z0-9_-]+$`));
    // copy A: the authorization resumes and asks for consent
    browser.origin = a.url;
    page = await browser.walk(page.location!);
    expect(page.url).toMatch(new RegExp(`^${a.url}/oidc/interaction/[A-Za-z0-9_-]+$`));
    expect(page.body).toContain('/consent"');
    const consent = formOf(page.body, '/consent');
    // copy B: the consent is given, the authorization ends with a code for the portal
    browser.origin = b.url;
    page = await browser.walk(consent.action, consent.fields);
    expect(page.status, page.body.slice(0, 1000)).toBe(303);
    expect(page.location).toMatch(new RegExp(`^${CALLBACK}\\?code=[^&]+&state=${state}&iss=${encodeURIComponent(ISSUER).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    // copy B: the code is exchanged
    rp[oidc.customFetch] = toCopy(b);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(page.location!), { pkceCodeVerifier: verifier, expectedState: state });
    const sub = pairwiseSubject(createDataCipher(dataKey), 'dichvucong.haiduong.gov.vn', binh.pin);
    expect(tokens.claims()).toMatchObject({ iss: ISSUER, aud: PORTAL, sub, acr: 'urn:motcua:loa:1', amr: ['pwd'] });
    // the ID token's signature checks against the keys copy A publishes
    const jwks = createLocalJWKSet((await (await fetch(`${a.url}/oidc/jwks`)).json()) as { keys: never[] });
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, jwks, { issuer: ISSUER, audience: PORTAL });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.sub).toBe(sub);
    // copy A answers the access token copy B issued with the consented registry data
    rp[oidc.customFetch] = toCopy(a);
    expect(await oidc.fetchUserInfo(rp, tokens.access_token, sub)).toEqual({ sub, name: 'Trần Thị Bình', birthdate: '1988-11-03', gender: 'female' });
  });

  it('kills a one-time activation code after 5 wrong tries spread over A and B: the right code is then refused on both', async () => {
    const [a, b] = copies as [Copy, Copy];
    await applyAndApprove(chi, b, a);
    expect((await api(a, 'POST', '/eid/activations', { pin: chi.pin, phone: chi.phone })).status).toBe(202);
    const code = codeIn((await smsTo(chi.phone, 'eid.otp')).find((l) => l.kind === 'eid.otp')!.text);
    const wrong = (i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await api(i < 3 ? a : b, 'POST', '/eid/activations/confirm', { pin: chi.pin, phone: chi.phone, code: wrong(i), password: CITIZEN_PASSWORD, passcode: '482913' });
      answers.push(`${r.status} ${r.json.code}`);
    }
    expect(answers).toEqual(Array(5).fill('400 EID_CODE_INVALID'));
    for (const copy of [a, b]) {
      const r = await api(copy, 'POST', '/eid/activations/confirm', { pin: chi.pin, phone: chi.phone, code, password: CITIZEN_PASSWORD, passcode: '482913' });
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ code: 'EID_CODE_ATTEMPTS_EXCEEDED', detail: 'Đã nhập sai mã quá 5 lần; hãy yêu cầu mã mới.' });
    }
    const account = await api(b, 'GET', `/eid/accounts?pin=${chi.pin}`, undefined, policeToken);
    expect(account.json).toMatchObject({ status: 'activation_pending', activatedAt: null });
  });

  it('kills a one-time activation code after 5 wrong tries sent at the same time to A and B', async () => {
    const [a, b] = copies as [Copy, Copy];
    await applyAndApprove(dung, b, a);
    expect((await api(b, 'POST', '/eid/activations', { pin: dung.pin, phone: dung.phone })).status).toBe(202);
    const code = codeIn((await smsTo(dung.phone, 'eid.otp')).find((l) => l.kind === 'eid.otp')!.text);
    const wrong = (i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
    // Three guesses at copy A and two at copy B, all in flight together: each one counts.
    const answers = await Promise.all([0, 1, 2, 3, 4].map((i) => api(i < 3 ? a : b, 'POST', '/eid/activations/confirm', { pin: dung.pin, phone: dung.phone, code: wrong(i) })));
    expect(answers.map((r) => `${r.status} ${r.json.code}`)).toEqual(Array(5).fill('400 EID_CODE_INVALID'));
    const right = await api(a, 'POST', '/eid/activations/confirm', { pin: dung.pin, phone: dung.phone, code, password: CITIZEN_PASSWORD, passcode: '482913' });
    expect(right.status).toBe(400);
    expect(right.json).toMatchObject({ code: 'EID_CODE_ATTEMPTS_EXCEEDED', detail: 'Đã nhập sai mã quá 5 lần; hãy yêu cầu mã mới.' });
  });

  it('delivers each outbox message exactly once although both copies run the delivery loop', async () => {
    const [a, b] = copies as [Copy, Copy];
    // both copies run their delivery loop
    expect(new Set(outboxLog.filter((l) => l.msg === 'outbox delivery started').map((l) => l.copy))).toEqual(new Set([1, 2]));
    // police on copy A approve: one invitation to activate
    const { applicationId } = await applyAndApprove(em, b, a);
    const invites = (await smsTo(em.phone, 'eid.activation-invite')).filter((l) => l.kind === 'eid.activation-invite');
    expect(invites.map((l) => l.text)).toEqual([`Đề nghị cấp tài khoản định danh điện tử mức độ 1 của bạn đã được phê duyệt. Kích hoạt tại ${PUBLIC}/eid/activate bằng số định danh cá nhân và số điện thoại này.`]);
    // the citizen asks for a code on both copies at once: one is sent, the other request is refused (one code a minute)
    const asked = await Promise.all([a, b].map((copy) => api(copy, 'POST', '/eid/activations', { pin: em.pin, phone: em.phone })));
    expect(asked.map((r) => r.status).sort()).toEqual([202, 429]);
    await smsTo(em.phone, 'eid.otp');
    // Every message queued in this run is finished; let both loops poll a few more times, then count.
    for (let i = 0; i < 200 && (await countPendingMessages(ctx!.db)) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));
    const rows = (await sql<{ id: number; kind: string; status: string; dedupe_key: string }>`select id, kind, status, dedupe_key from outbox_messages order by id`.execute(ctx!.db.kysely)).rows;
    const lines = readSinkFile(smsFile);
    const toEm = lines.filter((l) => l.to === e164(em.phone)).map((l) => l.kind);
    expect(toEm).toEqual(['eid.activation-invite', 'eid.otp']);
    expect(rows.find((r) => r.dedupe_key === `eid.activation-invite:${applicationId}`)?.status).toBe('sent');
    // Every message of this run (the invitations and codes of the tests above too) was sent, and
    // sent once: one line in the SMS sink and one "sent" in the log of one copy or the other.
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
    expect([...lines].sort((x, y) => x.id - y.id).map((l) => `${l.id} ${l.kind}`)).toEqual(rows.map((r) => `${r.id} ${r.kind}`));
    const sentBy = outboxLog.filter((l) => l.msg === 'outbox message sent');
    expect(sentBy.map((l) => l.outboxId).sort((x, y) => x! - y!)).toEqual(rows.map((r) => Number(r.id)));
  });
});

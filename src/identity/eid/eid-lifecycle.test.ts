/**
 * The life of an e-ID account after activation, on SQLite and PostgreSQL: locking by the citizen
 * and by police, automatic locks from the registry (card expired, death) at sign-in and by the
 * sweep, lifting them once the reason is gone, phone change at commune police, revocation, police
 * look-up, the 5-year purge of the usage history, and a password hash made with older Argon2id
 * parameters hashed again at the current ones when its owner signs in.
 */
import { Algorithm, hash } from '@node-rs/argon2';
import { Temporal } from 'temporal-polyfill';
import { expect, it } from 'vitest';
import { forEachEngine } from '../../platform/testing/engines.js';
import type { CitizenInput } from '../../population/index.js';
import { checkCitizen, saveCitizen, UnitPaths } from '../../population/registry.js';
import type { PopulationTables } from '../../population/store.js';
import type { UnitsTables } from '../../units/index.js';
import { verifyPassword } from '../passwords.js';
import { verifyCitizenSignIn } from '../index.js';
import { purgeUsageHistory, recordAccountUse, sweepAutoLocks } from './accounts.js';
import { CAM_HOANG, lastCode, makePng, person, pinFor, register, smsTo, startEidPlatform, yearsFromToday, type EidPlatform } from './testing/fixtures.js';
import { createEidService } from './service.js';
import type { Db } from './store.js';

const lan = person({ pin: pinFor('female', 1987, 2001), fullName: 'Nguyễn Thị Lan', dateOfBirth: '1987-07-07', sex: 'female' });
const minh = person({ pin: pinFor('male', 1975, 2002), fullName: 'Trương Văn Minh', dateOfBirth: '1975-01-25', sex: 'male' });
const PASSWORD = { [lan.pin]: 'Lan-sen-hồng-87', [minh.pin]: 'Minh-đồng-lúa-75' };
const PASSCODE = '870707';

/** Writes a new version of a registry record, as an import of the national data would. */
async function updateRegistry(p: EidPlatform, c: CitizenInput): Promise<void> {
  const path = await checkCitizen(c, new UnitPaths(p.ctx.db.as<UnitsTables>()));
  await p.ctx.db.transaction((trx) => saveCitizen(trx as never, c, path, { mode: 'upsert', actor: 'cli:test', source: 'test' }));
  expect((await p.ctx.db.as<PopulationTables>().selectFrom('citizens').select('version').where('pin', '=', c.pin).executeTakeFirstOrThrow()).version).toBeGreaterThan(1);
}

async function setup(t: Parameters<typeof startEidPlatform>[0]) {
  const p = await startEidPlatform(t);
  await register(p, lan, minh);
  // Both apply, are approved by Cẩm Hoàng police and activate.
  for (const c of [lan, minh]) {
    const phone = `09${c.pin.slice(-8)}`;
    const a = await p.app.inject({ method: 'POST', url: '/api/v1/eid/applications', remoteAddress: '203.0.113.1', payload: { pin: c.pin, fullName: c.fullName, dateOfBirth: c.dateOfBirth, sex: c.sex, phone, faceImage: makePng().toString('base64') } });
    await p.app.inject({ method: 'POST', url: `/api/v1/eid/applications/${a.json().id}/decision`, headers: { authorization: `Bearer ${p.tokens['congan.camhoang']}` }, payload: { decision: 'approve' } });
    await p.app.inject({ method: 'POST', url: '/api/v1/eid/activations', remoteAddress: '203.0.113.1', payload: { pin: c.pin, phone } });
    const code = await lastCode(p, `+849${c.pin.slice(-8)}`);
    const ok = await p.app.inject({ method: 'POST', url: '/api/v1/eid/activations/confirm', remoteAddress: '203.0.113.1', payload: { pin: c.pin, phone, code, password: PASSWORD[c.pin], passcode: PASSCODE } });
    if (ok.statusCode !== 200) throw new Error(`activation failed: ${ok.body}`);
  }
  return p;
}

forEachEngine('e-ID account lifecycle', setup, (env) => {
  let n = 0;
  const call = (method: 'GET' | 'POST', url: string, who?: string, payload?: unknown) => {
    const token = who ? (env().tokens[who] ?? who) : undefined;
    return env().app.inject({ method, url, payload: payload as never, remoteAddress: `198.18.0.${++n % 250}`, headers: token ? { authorization: `Bearer ${token}` } : {} });
  };
  const signIn = async (c: CitizenInput) => call('POST', '/api/v1/eid/sessions', undefined, { pin: c.pin, password: PASSWORD[c.pin] });
  const k = () => env().ctx.db.as<any>() as Db;
  const accountId = async (c: CitizenInput) => Number((await k().selectFrom('eid_accounts').select('id').where('pin', '=', c.pin).where('status', '<>', 'revoked').executeTakeFirstOrThrow()).id);

  it('lets the citizen lock their account with the passcode (lost phone) and unlock it with password and passcode', async () => {
    const s = await signIn(lan);
    const token = s.json().token as string;
    expect((await call('POST', '/api/v1/eid/me/lock', token, { passcode: '111222' })).json()).toMatchObject({ status: 401, code: 'EID_PASSCODE_WRONG' });
    const locked = await call('POST', '/api/v1/eid/me/lock', token, { passcode: PASSCODE });
    expect(locked.json()).toMatchObject({ status: 'locked', lockReason: 'citizen_request' });
    expect((await call('GET', '/api/v1/eid/me', token)).statusCode).toBe(401);
    expect((await signIn(lan)).json()).toMatchObject({ status: 403, code: 'EID_ACCOUNT_LOCKED', lockReason: 'citizen_request', detail: 'Tài khoản định danh điện tử đang bị khóa (theo yêu cầu của chính bạn).' });
    // A wrong password on a locked account still says nothing about the lock.
    expect((await call('POST', '/api/v1/eid/sessions', undefined, { pin: lan.pin, password: 'không-phải-mật-khẩu' })).json().code).toBe('EID_CREDENTIALS_INVALID');
    expect((await call('POST', '/api/v1/eid/unlock', undefined, { pin: lan.pin, password: PASSWORD[lan.pin], passcode: '000111' })).json().code).toBe('EID_CREDENTIALS_INVALID');
    const unlocked = await call('POST', '/api/v1/eid/unlock', undefined, { pin: lan.pin, password: PASSWORD[lan.pin], passcode: PASSCODE });
    expect(unlocked.json()).toMatchObject({ status: 'active', lockReason: null });
    expect((await signIn(lan)).statusCode).toBe(201);
  });

  it('lets police within the unit find, lock and unlock an account; the citizen cannot lift a police lock', async () => {
    const found = await call('GET', `/api/v1/eid/accounts?pin=${lan.pin}`, 'congan.camhoang');
    expect(found.json()).toMatchObject({ pinMasked: '030******001', fullName: 'Nguyễn Thị Lan', level: 1, status: 'active', unit: { code: CAM_HOANG } });
    expect(found.json().events.map((e: { action: string }) => e.action)).toEqual(['created', 'activated', 'locked', 'unlocked']);
    const id = found.json().id as number;
    expect((await call('GET', `/api/v1/eid/accounts?pin=${lan.pin}`, 'congan.camvan')).json().code).toBe('EID_ACCOUNT_NOT_FOUND');
    expect((await call('POST', `/api/v1/eid/accounts/${id}/lock`, 'congan.camvan', { note: 'thử' })).json().code).toBe('EID_ACCOUNT_NOT_FOUND');
    const locked = await call('POST', `/api/v1/eid/accounts/${id}/lock`, 'congan.camhoang', { note: 'Công dân báo mất điện thoại tại trụ sở' });
    expect(locked.json()).toMatchObject({ status: 'locked', lockReason: 'police' });
    expect((await call('POST', `/api/v1/eid/accounts/${id}/lock`, 'congan.camhoang', {})).json()).toMatchObject({ status: 409, code: 'EID_ACCOUNT_STATE' });
    expect((await call('POST', '/api/v1/eid/unlock', undefined, { pin: lan.pin, password: PASSWORD[lan.pin], passcode: PASSCODE })).json()).toMatchObject({ status: 403, code: 'EID_UNLOCK_NOT_ALLOWED' });
    expect((await call('POST', `/api/v1/eid/accounts/${id}/unlock`, 'pc06.haiduong', {})).json()).toMatchObject({ status: 'active', lockReason: null });
    expect((await call('POST', `/api/v1/eid/accounts/${id}/unlock`, 'canbo.camhoang', {})).json().code).toBe('FORBIDDEN');
  });

  it('locks automatically at sign-in when the identity card has expired, and unlocks when the card is renewed', async () => {
    await updateRegistry(env(), { ...minh, identityCard: { number: minh.pin, issuedOn: '2021-01-25', expiresOn: yearsFromToday(0, -2), chip: true } });
    const s = await signIn(minh);
    expect(s.json()).toMatchObject({ status: 403, code: 'EID_ACCOUNT_LOCKED', lockReason: 'card_expired' });
    const id = await accountId(minh);
    const unlock = await call('POST', `/api/v1/eid/accounts/${id}/unlock`, 'congan.camhoang', {});
    expect(unlock.json()).toMatchObject({ status: 409, code: 'EID_LOCK_REASON_PERSISTS' });
    await updateRegistry(env(), { ...minh, identityCard: { number: minh.pin, issuedOn: todayMinus(1), expiresOn: yearsFromToday(10), chip: true } });
    const swept = await sweepAutoLocks(createEidService(env().ctx));
    expect(swept).toEqual({ checked: 2, locked: 0, unlocked: 1 });
    expect((await signIn(minh)).statusCode).toBe(201);
  });

  it('locks by the sweep when the registry records a death', async () => {
    await updateRegistry(env(), { ...minh, identityCard: { number: minh.pin, issuedOn: todayMinus(1), expiresOn: yearsFromToday(10), chip: true }, status: 'deceased', deceasedOn: todayMinus(3) });
    expect(await sweepAutoLocks(createEidService(env().ctx))).toEqual({ checked: 2, locked: 1, unlocked: 0 });
    const row = await k().selectFrom('eid_accounts').select(['status', 'lock_reason']).where('pin', '=', minh.pin).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'locked', lock_reason: 'deceased' });
    expect(await sweepAutoLocks(createEidService(env().ctx))).toEqual({ checked: 2, locked: 0, unlocked: 0 });
  });

  it('changes the phone number at commune police: sessions end, the new phone activates, the password stays', async () => {
    const s = await signIn(lan);
    const old = s.json().token as string;
    const id = await accountId(lan);
    const taken = await call('POST', `/api/v1/eid/accounts/${id}/phone`, 'congan.camhoang', { phone: `09${minh.pin.slice(-8)}` });
    expect(taken.json()).toMatchObject({ status: 409, code: 'EID_PHONE_TAKEN' });
    expect((await call('POST', `/api/v1/eid/accounts/${id}/phone`, 'congan.camhoang', { phone: '0220 3851 234' })).json().code).toBe('EID_PHONE_INVALID');
    const changed = await call('POST', `/api/v1/eid/accounts/${id}/phone`, 'congan.camhoang', { phone: '0868 123 456', note: 'Đổi số theo đơn ngày hôm nay' });
    expect(changed.json()).toMatchObject({ status: 'activation_pending', phoneMasked: '086****456' });
    expect(changed.json().events.at(-1)).toMatchObject({ action: 'phone-changed', actor: { kind: 'staff', id: 'congan.camhoang' }, detail: '098****001 → 086****456; Đổi số theo đơn ngày hôm nay' });
    expect((await call('GET', '/api/v1/eid/me', old)).statusCode).toBe(401);
    expect((await smsTo(env(), '+84868123456')).map((m) => m.kind)).toEqual(['eid.phone-changed']);
    expect((await signIn(lan)).json().code).toBe('EID_CREDENTIALS_INVALID');
    await call('POST', '/api/v1/eid/activations', undefined, { pin: lan.pin, phone: '0868123456' });
    const code = await lastCode(env(), '+84868123456');
    expect((await call('POST', '/api/v1/eid/activations/confirm', undefined, { pin: lan.pin, phone: '0868123456', code })).json()).toEqual({ activated: true, level: 1, status: 'active', passwordSet: false });
    expect((await signIn(lan)).json().account.phoneMasked).toBe('086****456');
  });

  it('revokes an account for good; the person may apply again', async () => {
    const id = await accountId(lan);
    const token = (await signIn(lan)).json().token as string;
    const revoked = await call('POST', `/api/v1/eid/accounts/${id}/revoke`, 'congan.camhoang', { note: 'Theo đề nghị của công dân' });
    expect(revoked.json()).toMatchObject({ status: 'revoked' });
    expect((await call('GET', '/api/v1/eid/me', token)).statusCode).toBe(401);
    expect((await signIn(lan)).json().code).toBe('EID_CREDENTIALS_INVALID');
    expect((await call('POST', `/api/v1/eid/accounts/${id}/unlock`, 'congan.camhoang', {})).json().code).toBe('EID_ACCOUNT_STATE');
    expect((await call('GET', `/api/v1/eid/accounts?pin=${lan.pin}`, 'congan.camhoang')).json().code).toBe('EID_ACCOUNT_NOT_FOUND');
    const again = await call('POST', '/api/v1/eid/applications', undefined, { pin: lan.pin, fullName: lan.fullName, dateOfBirth: lan.dateOfBirth, sex: lan.sex, phone: '0868123456', faceImage: makePng().toString('base64') });
    expect(again.json()).toMatchObject({ status: 'verified', phoneMasked: '086****456' });
  });

  it('keeps usage history 5 years: older entries are purged, newer ones stay', async () => {
    const id = await accountId(minh);
    const sixYearsAgo = Temporal.Now.instant().subtract({ hours: 24 * 366 * 6 }).toString({ smallestUnit: 'millisecond' });
    await k().insertInto('eid_usage').values({ account_id: id, at: sixYearsAgo, action: 'sign-in', source_ip: '198.18.0.1', device: null, session_id: null, detail: 'old' }).execute();
    const before = Number((await k().selectFrom('eid_usage').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    expect(await purgeUsageHistory(createEidService(env().ctx))).toBe(1);
    const after = Number((await k().selectFrom('eid_usage').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    expect(after).toBe(before - 1);
  });

  it('shows uses recorded by other modules in the citizen’s history', async () => {
    const id = await accountId(minh);
    await updateRegistry(env(), { ...minh, identityCard: { number: minh.pin, issuedOn: todayMinus(1), expiresOn: yearsFromToday(10), chip: true }, status: 'living', deceasedOn: null });
    await sweepAutoLocks(createEidService(env().ctx));
    await recordAccountUse(env().ctx.db, { accountId: id, action: 'sso-sign-in', sourceIp: '198.18.0.7', detail: 'Cổng dịch vụ công tỉnh Hải Dương' });
    const token = (await signIn(minh)).json().token as string;
    const h = await call('GET', '/api/v1/eid/me/history', token);
    expect(h.json().usage.items.slice(0, 2).map((u: { action: string; detail: string | null }) => `${u.action}: ${u.detail}`)).toEqual(['sign-in: pwd', 'sso-sign-in: Cổng dịch vụ công tỉnh Hải Dương']);
  });

  it('hashes the password again at the current Argon2id parameters when it signs in with a hash made with older ones', async () => {
    const id = await accountId(minh);
    const stored = async () => (await k().selectFrom('eid_accounts').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow()).password_hash!;
    // A hash at the parameters used before m=7168 KiB, t=5 (OWASP's m=19456 KiB, t=2, p=1).
    const older = await hash(PASSWORD[minh.pin]!, { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    await k().updateTable('eid_accounts').set({ password_hash: older }).where('id', '=', id).execute();
    // A wrong password changes nothing.
    expect((await call('POST', '/api/v1/eid/sessions', undefined, { pin: minh.pin, password: 'Minh-đồng-lúa-76' })).json().code).toBe('EID_CREDENTIALS_INVALID');
    expect(await stored()).toBe(older);
    const signedIn = await signIn(minh);
    expect(signedIn.statusCode).toBe(201);
    const upgraded = await stored();
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=7168,t=5,p=1\$/);
    expect(await verifyPassword(upgraded, PASSWORD[minh.pin]!)).toBe(true);
    expect(await verifyPassword(upgraded, 'Minh-đồng-lúa-76')).toBe(false);
    // The sign-in itself went on as usual: its session, ending the one of the test before, and its usage entry.
    expect(signedIn.json().endedSessions).toBe(1);
    const h = await call('GET', '/api/v1/eid/me/history', signedIn.json().token);
    expect(h.json().usage.items[0]).toMatchObject({ action: 'sign-in', detail: 'pwd; 1 session(s) on other devices ended', thisSession: true });
    // A hash at the current parameters stays as it is.
    expect((await signIn(minh)).statusCode).toBe(201);
    expect(await stored()).toBe(upgraded);
    // A sign-in through the single sign-on upgrades an older hash the same way.
    await k().updateTable('eid_accounts').set({ password_hash: older }).where('id', '=', id).execute();
    expect(await verifyCitizenSignIn(env().ctx, { pin: minh.pin, password: PASSWORD[minh.pin]! }, '203.0.113.9')).toMatchObject({ accountId: id, pin: minh.pin, amr: ['pwd'] });
    const viaSso = await stored();
    expect(viaSso).toMatch(/^\$argon2id\$v=19\$m=7168,t=5,p=1\$/);
    expect(await verifyPassword(viaSso, PASSWORD[minh.pin]!)).toBe(true);
  });

  it('revokes a locked account: the lock ends with it (found by the fuzzer: a 500 from the lock check constraint)', async () => {
    const id = await accountId(minh);
    const locked = await call('POST', `/api/v1/eid/accounts/${id}/lock`, 'congan.camhoang', { note: 'Nghi bị chiếm đoạt' });
    expect(locked.json()).toMatchObject({ status: 'locked', lockReason: 'police' });
    const revoked = await call('POST', `/api/v1/eid/accounts/${id}/revoke`, 'congan.camhoang', { note: 'Thu hồi theo quyết định của công an xã' });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ status: 'revoked', lockReason: null });
    expect(await k().selectFrom('eid_accounts').select(['status', 'lock_reason', 'locked_at']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ status: 'revoked', lock_reason: null, locked_at: null });
    expect((await signIn(minh)).json().code).toBe('EID_CREDENTIALS_INVALID');
  });
});

function todayMinus(days: number): string {
  return yearsFromToday(0, -days);
}

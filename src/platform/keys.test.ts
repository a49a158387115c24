/**
 * Rotation of the data key on SQLite and PostgreSQL, over the sealed columns the modules declare
 * with real data made the way citizens, police and administrators make it: a face image (level 1
 * online), a portrait and two fingerprint templates (level 2 at Cẩm Hoàng police), a confirmed and
 * a pending TOTP secret, a portal's client secret and the sign-on's signing keys. Also the key
 * ring read from the environment, and `motcua keys rotate` itself.
 */
import { Secret, TOTP } from 'otpauth';
import { sql } from 'kysely';
import { afterAll, expect, it, vi } from 'vitest';
import { runCli } from '../cli/main.js';
import { modules } from '../app/modules.js';
import { activeAccount, person, pinFor, register } from '../identity/eid/testing/fixtures.js';
import { addClient, startSsoPlatform } from '../sso/testing.js';
import { rotateSigningKeys, ssoRuntime } from '../sso/index.js';
import { pairwiseSubject } from '../sso/provider.js';
import { auditEntriesFor } from './audit/audit.js';
import { createDataCipher, dataCipherFromEnv, keyRing, sealedKeyId, type DataCipher } from './crypto.js';
import { AppError } from './errors.js';
import { rotateSealedColumns, type SealedColumn } from './keys.js';
import { forEachEngine, type TestDatabase } from './testing/engines.js';

// Three data keys, as `openssl rand -base64 32` makes them.
const KEY_A = Buffer.from('8f3c1a9e5d7b2046c1e8a3f5b9d2074e6a1c3b5d7f9e0a2c4b6d8f1e3a5c7b9d', 'hex');
const KEY_B = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfe', 'hex');
const KEY_C = Buffer.from('603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4', 'hex');
const [A, B, C] = [KEY_A, KEY_B, KEY_C].map(createDataCipher) as [DataCipher, DataCipher, DataCipher];
const b64 = (k: Buffer) => k.toString('base64');

// The platform under test seals with key A (the modules read MOTCUA_DATA_KEY from the environment).
vi.stubEnv('MOTCUA_DATA_KEY', b64(KEY_A));
afterAll(() => {
  vi.unstubAllEnvs();
});

const an = person({ pin: pinFor('male', 1990, 1234), fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-12', sex: 'male' });
const binh = person({ pin: pinFor('female', 1992, 4567), fullName: 'Trần Thị Bình', dateOfBirth: '1992-08-20', sex: 'female' });
const PASSWORD = 'Hoàng-Xá-1990';
const sealedColumns: SealedColumn[] = modules.flatMap((m) => [...(m.sealed ?? [])]);
/** The columns this test fills (other modules' sealed columns stay empty here). */
const MINE = ['eid_biometrics.sealed', 'eid_accounts.totp_secret', 'eid_accounts.totp_pending', 'sso_clients.secret_sealed', 'sso_keys.private_sealed'];
const mine = (c: { table: string; column: string }) => MINE.includes(`${c.table}.${c.column}`);

async function setup(t: TestDatabase) {
  const p = await startSsoPlatform(t);
  await register(p, an, binh);
  await activeAccount(p, an, 1, PASSWORD);
  await activeAccount(p, binh, 2, PASSWORD);
  const call = (url: string, token: string, payload?: unknown) => p.app.inject({ method: 'POST', url, payload: payload as never, remoteAddress: '203.0.113.20', headers: { authorization: `Bearer ${token}` } });
  const signIn = async (pin: string) => (await p.app.inject({ method: 'POST', url: '/api/v1/eid/sessions', payload: { pin, password: PASSWORD }, remoteAddress: '203.0.113.20' })).json().token as string;
  // An turns two-factor on (a confirmed secret); Bình starts and stops half-way (a pending one).
  const anToken = await signIn(an.pin);
  const enrol = (await call('/api/v1/eid/me/totp', anToken)).json();
  const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(enrol.secret) });
  expect((await call('/api/v1/eid/me/totp/confirm', anToken, { otp: totp.generate() })).json()).toEqual({ enabled: true });
  expect((await call('/api/v1/eid/me/totp', await signIn(binh.pin))).statusCode).toBe(201);
  await addClient(p, { id: 'dvc-haiduong', name: 'Cổng dịch vụ công tỉnh Hải Dương', redirectUris: ['https://dichvucong.haiduong.gov.vn/auth/callback'], scopes: ['profile'], purpose: 'Đăng nhập Cổng dịch vụ công tỉnh Hải Dương' });
  await rotateSigningKeys(p.ctx.db, ssoRuntime(p.ctx).cipher);
  await rotateSigningKeys(p.ctx.db, ssoRuntime(p.ctx).cipher); // two current keys, two retired ones still published
  return p;
}

/** Every sealed value, `table.column#id` → { value, context }. */
async function sealedValues(p: { ctx: { db: { kysely: any } } }): Promise<Map<string, { value: string; context: string }>> {
  const out = new Map<string, { value: string; context: string }>();
  for (const col of sealedColumns) {
    const rows = (await p.ctx.db.kysely.selectFrom(col.table).select([col.key, col.column, ...(col.columns ?? [])]).where(col.column, 'is not', null).execute()) as Record<string, unknown>[];
    for (const r of rows) out.set(`${col.table}.${col.column}#${String(r[col.key])}`, { value: String(r[col.column]), context: col.context(r) });
  }
  return out;
}

forEachEngine('data key rotation', setup, (env, engine) => {
  const ring = keyRing(B, [A], A);
  let original: Map<string, { value: string; context: string }>;

  it('finds every sealed column the modules declare, each value under key A', async () => {
    expect(sealedColumns.map((c) => `${c.table}.${c.column}`)).toEqual(expect.arrayContaining(MINE));
    original = await sealedValues(env());
    const count = (prefix: string) => [...original.keys()].filter((k) => k.startsWith(prefix)).length;
    expect([count('eid_biometrics.sealed#'), count('eid_accounts.totp_secret#'), count('eid_accounts.totp_pending#'), count('sso_clients.secret_sealed#'), count('sso_keys.private_sealed#')]).toEqual([4, 1, 1, 1, 4]);
    for (const { value } of original.values()) expect(sealedKeyId(value)).toBe(A.keyId);
  });

  it('changes nothing when one value was sealed with a key it does not hold, and names that value', async () => {
    const k = env().ctx.db.kysely;
    const secret = original.get('sso_clients.secret_sealed#dvc-haiduong')!;
    // the portal's secret, as if sealed with a third key (the last table rotated: everything before it was already re-sealed)
    await k.updateTable('sso_clients').set({ secret_sealed: C.seal(A.open(secret.value, secret.context), secret.context) }).where('id', '=', 'dvc-haiduong').execute();
    const err = await rotateSealedColumns(env().ctx.db, sealedColumns, ring, { kind: 'cli', id: 'cli:test' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'KEYS_SEALED_UNKNOWN_KEY', params: { table: 'sso_clients', column: 'secret_sealed', id: 'dvc-haiduong', keyId: C.keyId } });
    await k.updateTable('sso_clients').set({ secret_sealed: secret.value }).where('id', '=', 'dvc-haiduong').execute();
    expect(await sealedValues(env())).toEqual(original);
    // a value moved to another row no longer opens there: refused too, nothing changed
    const [first, second] = (await k.selectFrom('eid_biometrics').select(['id', 'sealed']).orderBy('id').execute()) as { id: number; sealed: string }[];
    await k.updateTable('eid_biometrics').set({ sealed: first!.sealed }).where('id', '=', second!.id).execute();
    await expect(rotateSealedColumns(env().ctx.db, sealedColumns, ring, { kind: 'cli', id: 'cli:test' })).rejects.toMatchObject({ code: 'KEYS_SEALED_UNREADABLE', params: { table: 'eid_biometrics', column: 'sealed', id: String(second!.id) } });
    await k.updateTable('eid_biometrics').set({ sealed: second!.sealed }).where('id', '=', second!.id).execute();
    expect(await sealedValues(env())).toEqual(original);
  });

  it('seals every value again under key B in one transaction, audited; the keyed hashes do not change', async () => {
    const report = await rotateSealedColumns(env().ctx.db, sealedColumns, ring, { kind: 'cli', id: 'cli:test' });
    expect(report).toMatchObject({ keyId: B.keyId, from: [A.keyId], resealed: 11 });
    expect(report.columns.filter(mine)).toEqual([
      { table: 'eid_biometrics', column: 'sealed', sealed: 4, resealed: 4 },
      { table: 'eid_accounts', column: 'totp_secret', sealed: 1, resealed: 1 },
      { table: 'eid_accounts', column: 'totp_pending', sealed: 1, resealed: 1 },
      { table: 'sso_clients', column: 'secret_sealed', sealed: 1, resealed: 1 },
      { table: 'sso_keys', column: 'private_sealed', sealed: 4, resealed: 4 },
    ]);
    expect(report.columns.filter((c) => !mine(c)).map((c) => c.sealed)).toEqual(report.columns.filter((c) => !mine(c)).map(() => 0));
    const now = await sealedValues(env());
    expect([...now.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [where, { value, context }] of now) {
      expect(sealedKeyId(value), where).toBe(B.keyId);
      expect(B.open(value, context).equals(A.open(original.get(where)!.value, context)), where).toBe(true);
      expect(() => A.open(value, context)).toThrow(/another key/);
    }
    const keyIds = (await sql<{ key_id: string }>`select distinct key_id from eid_biometrics`.execute(env().ctx.db.kysely)).rows.map((r) => r.key_id);
    expect(keyIds).toEqual([B.keyId]);
    const audit = await auditEntriesFor(env().ctx.db, { type: 'data-key', id: B.keyId }, { offset: 0, limit: 5 });
    expect(audit.items.map((e) => [e.action, e.actorId])).toEqual([['keys.rotate', 'cli:test']]);
    expect(audit.items[0]!.summary).toMatch(new RegExp(`^data key ${A.keyId} → ${B.keyId}: 11 value\\(s\\) sealed again \\(`));
    for (const part of ['eid_biometrics.sealed 4/4', 'eid_accounts.totp_secret 1/1', 'eid_accounts.totp_pending 1/1', 'sso_clients.secret_sealed 1/1', 'sso_keys.private_sealed 4/4']) expect(audit.items[0]!.summary).toContain(part);
    // the app copies' key ring after the rotation: B seals, A's keyed hashes (MOTCUA_MAC_KEY) stay
    const after = dataCipherFromEnv({ NODE_ENV: 'test', MOTCUA_DATA_KEY: b64(KEY_B), MOTCUA_MAC_KEY: b64(KEY_A) });
    expect(after.keyId).toBe(B.keyId);
    expect(pairwiseSubject(after, 'dichvucong.haiduong.gov.vn', an.pin)).toBe(pairwiseSubject(A, 'dichvucong.haiduong.gov.vn', an.pin));
    expect(pairwiseSubject(B, 'dichvucong.haiduong.gov.vn', an.pin)).not.toBe(pairwiseSubject(A, 'dichvucong.haiduong.gov.vn', an.pin));
  });

  it('finds nothing left to do on a second run', async () => {
    const again = await rotateSealedColumns(env().ctx.db, sealedColumns, ring, { kind: 'cli', id: 'cli:test' });
    expect(again.resealed).toBe(0);
    expect(again.columns.filter(mine).map((c) => c.sealed)).toEqual([4, 1, 1, 1, 4]);
  });

  it.runIf(engine === 'sqlite')('runs as `motcua keys rotate`, and refuses without the previous key or the keyed-hash key', async () => {
    let out = '';
    let err = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    const base = { DATABASE_URL: env().t.url, LOG_LEVEL: 'silent', MOTCUA_DEMO: 'off', MOTCUA_SEED: 'none', MOTCUA_LANG: 'en', NODE_ENV: 'test' };
    const rotate = (keys: Record<string, string>) => runCli(['node', 'motcua', 'keys', 'rotate'], { ...base, ...keys });
    try {
      expect(await rotate({ MOTCUA_DATA_KEY: b64(KEY_A) })).toBe(78);
      expect(err).toContain('CONFIG_INVALID: Bad configuration: MOTCUA_DATA_KEY_PREVIOUS must be the data key being replaced');
      err = '';
      expect(await rotate({ MOTCUA_DATA_KEY: b64(KEY_A), MOTCUA_DATA_KEY_PREVIOUS: b64(KEY_B) })).toBe(78);
      expect(err).toContain('CONFIG_INVALID: Bad configuration: MOTCUA_MAC_KEY must be the key the keyed hashes were made with');
      err = '';
      expect(await rotate({ MOTCUA_DATA_KEY: b64(KEY_A), MOTCUA_DATA_KEY_PREVIOUS: b64(KEY_A), MOTCUA_MAC_KEY: b64(KEY_A) })).toBe(78);
      expect(err).toContain('MOTCUA_DATA_KEY_PREVIOUS must be the key being replaced, not MOTCUA_DATA_KEY itself');
      // back from B to A, as an operator would run it
      expect(await rotate({ MOTCUA_DATA_KEY: b64(KEY_A), MOTCUA_DATA_KEY_PREVIOUS: b64(KEY_B), MOTCUA_MAC_KEY: b64(KEY_A) })).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ keyId: A.keyId, from: [B.keyId], resealed: 11 });
      out = '';
      expect(await rotate({ MOTCUA_DATA_KEY: b64(KEY_A), MOTCUA_DATA_KEY_PREVIOUS: b64(KEY_B), MOTCUA_MAC_KEY: b64(KEY_A) })).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ keyId: A.keyId, resealed: 0 });
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
    const back = await sealedValues(env());
    for (const [where, { value, context }] of back) expect(A.open(value, context).equals(A.open(original.get(where)!.value, context)), where).toBe(true);
    // the platform, still on key A, signs in with the TOTP secret and signs ID tokens with its keys again
    expect((await env().app.inject({ method: 'POST', url: '/api/v1/eid/sessions', payload: { pin: an.pin, password: PASSWORD }, remoteAddress: '203.0.113.21' })).json().code).toBe('EID_OTP_REQUIRED');
  });
});

/**
 * The read replica (DATABASE_READ_URL) against a real streaming hot standby
 * (src/platform/testing/replica.ts): lookups, searches and the dashboard read from it, their
 * audit entries and the writes go to the primary, the read side cannot write, and reads fall back
 * to the primary when the replica is down. Replication is proved by pausing the standby's WAL
 * replay (`pg_wal_replay_pause()`): a person created meanwhile on the primary is invisible to the
 * reads until replay resumes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createStaff, signInStaff } from '../../identity/index.js';
import { citizenRecord, type CitizenInput } from '../../population/index.js';
import { unitCodeExists, type UnitsTables } from '../../units/index.js';
import { loadConfig } from '../config.js';
import { startTestPlatform, type TestPlatform } from '../testing/app.js';
import { startPgReplicaPair, type PgReplicaPair } from '../testing/replica.js';
import { Database } from './database.js';

const D = '2023-02-28';
const cli = { kind: 'cli' as const, id: 'cli:test' };
// Nguyễn Văn An (male, 1990, Xã Cẩm Hoàng 10897) and Phạm Thị Hoa (female, 1985, same commune).
const an: CitizenInput = { pin: '030090001234', fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-12', sex: 'male', birthRegistration: { unitCode: '30', unitDate: D }, permanentResidence: { unitCode: '10897', unitDate: D, addressLine: 'Thôn Hoàng Xá' } };
const hoa: CitizenInput = { pin: '030185004321', fullName: 'Phạm Thị Hoa', dateOfBirth: '1985-09-02', sex: 'female', birthRegistration: { unitCode: '30', unitDate: D }, permanentResidence: { unitCode: '10897', unitDate: D, addressLine: 'Thôn Quý Dương' } };
const purpose = { 'x-purpose': 'DOSSIER_PROCESSING' };

describe('read replica (DATABASE_READ_URL) on a streaming hot standby', () => {
  let pair: PgReplicaPair | undefined;
  let platform: TestPlatform | undefined;
  const changes: string[] = [];
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    pair = await startPgReplicaPair();
    const db = await Database.open(pair.primaryUrl, { readUrl: pair.replicaUrl, poolMax: 4, replicaRetryMs: 100, onReadSideChange: (servedBy) => changes.push(servedBy) });
    platform = await startTestPlatform({ db, url: pair.primaryUrl, drop: () => db.close() }, { DATABASE_READ_URL: pair.replicaUrl });
    for (const [username, role, unit] of [['admin', 'ADMIN', null], ['congan.camhoang', 'COMMUNE_POLICE', '10897']] as const) {
      await createStaff(db, { username, password: 'Mot-cua-2023!', role, unitCode: unit, unitDate: D }, cli, (c) => unitCodeExists(db.as<UnitsTables>(), c));
      tokens[username] = (await signInStaff(db, username, 'Mot-cua-2023!', '127.0.0.1')).token;
    }
  });

  afterAll(async () => {
    await platform?.app.close().catch(() => undefined);
    await platform?.ctx.db.close().catch(() => undefined);
    await pair?.stop();
  });

  const ctx = () => platform!.ctx;
  const call = (method: 'GET' | 'POST', url: string, who = 'congan.camhoang', extra: { payload?: unknown; headers?: Record<string, string> } = {}) =>
    platform!.app.inject({ method, url, payload: extra.payload as never, headers: { authorization: `Bearer ${tokens[who]}`, ...extra.headers } });
  const lookup = (pin: string) => call('GET', `/api/v1/citizens/${pin}`, 'congan.camhoang', { headers: purpose });
  const citizensCard = async () => {
    const r = await call('GET', `/api/v1/reports/dashboard?unit=10897&from=2023-02-01&to=2023-02-28`, 'admin');
    expect(r.statusCode).toBe(200);
    return (r.json().cards as { key: string; value: number | null }[]).find((c) => c.key === 'population.citizens')?.value;
  };
  const auditCount = async (db: Database, action: string) =>
    Number((await sql<{ n: number }>`select count(*) as n from audit_log where action = ${action}`.execute(db.kysely)).rows[0]!.n);

  it('opens the read side on the standby and keeps the primary for everything else', async () => {
    const [primaryPort, replicaPort] = [new URL(pair!.primaryUrl).port, new URL(pair!.replicaUrl).port];
    expect(ctx().config.databaseReadUrl).toBe(pair!.replicaUrl);
    expect(ctx().db.location).toBe(`127.0.0.1:${primaryPort}/postgres`);
    expect(ctx().db.read.location).toBe(`127.0.0.1:${replicaPort}/postgres`);
    expect(ctx().db.replicaStatus()).toEqual({ location: `127.0.0.1:${replicaPort}/postgres`, servedBy: 'replica', fallbacks: 0 });
    const [side] = (await sql<{ standby: boolean; port: number }>`select pg_is_in_recovery() as standby, current_setting('port')::int as port`.execute(ctx().db.read.kysely)).rows;
    expect(side).toEqual({ standby: true, port: Number(replicaPort) });
    const [primary] = (await sql<{ standby: boolean }>`select pg_is_in_recovery() as standby`.execute(ctx().db.kysely)).rows;
    expect(primary).toEqual({ standby: false });
  });

  it('reads a person created on the primary from the replica once replayed; the lookup is audited on the primary', async () => {
    expect((await call('POST', '/api/v1/citizens', 'congan.camhoang', { payload: an })).statusCode).toBe(201);
    await pair!.caughtUp();
    const r = await lookup(an.pin);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ pin: '030090001234', fullName: 'Nguyễn Văn An', version: 1 });
    expect(await citizensCard()).toBe(1);
  });

  it('does not see a person created while the replica does not replay, then sees them once it does', async () => {
    await pair!.onReplica('select pg_wal_replay_pause()');
    try {
      const refusedBefore = await auditCount(ctx().db, 'citizen.read-refused');
      expect((await call('POST', '/api/v1/citizens', 'congan.camhoang', { payload: hoa })).statusCode).toBe(201);
      expect((await citizenRecord(ctx().db, hoa.pin))?.fullName).toBe('Phạm Thị Hoa'); // committed on the primary

      const missing = await lookup(hoa.pin);
      expect(missing.statusCode).toBe(404);
      expect(missing.json().code).toBe('CITIZEN_NOT_FOUND');
      const search = await call('GET', `/api/v1/citizens?q=${encodeURIComponent('Phạm Thị Hoa')}`, 'congan.camhoang', { headers: purpose });
      expect(search.json()).toMatchObject({ total: 0, items: [] });
      expect(await citizensCard()).toBe(1);

      // The refused lookup's audit entry is on the primary, and not on the paused replica.
      expect(await auditCount(ctx().db, 'citizen.read-refused')).toBe(refusedBefore + 1);
      expect(await auditCount(ctx().db.read, 'citizen.read-refused')).toBe(refusedBefore);
    } finally {
      await pair!.onReplica('select pg_wal_replay_resume()');
    }
    await pair!.caughtUp();
    const found = await lookup(hoa.pin);
    expect(found.statusCode).toBe(200);
    expect(found.json()).toMatchObject({ pin: '030185004321', fullName: 'Phạm Thị Hoa', sex: 'female' });
    const search = await call('GET', `/api/v1/citizens?q=${encodeURIComponent('Phạm Thị Hoa')}`, 'congan.camhoang', { headers: purpose });
    expect(search.json()).toMatchObject({ total: 1, items: [{ fullName: 'Phạm Thị Hoa', pinMasked: '030******321' }] });
    expect(await citizensCard()).toBe(2);
  });

  it('refuses a write on the read side: the standby is read-only', async () => {
    await expect(
      sql`insert into citizen_history (pin, version, at, actor, source, changes) values (${an.pin}, 9, '2023-02-28T00:00:00Z', 'test', 'test', '{}')`.execute(ctx().db.read.kysely),
    ).rejects.toThrow('cannot execute INSERT in a read-only transaction');
  });

  it('shows the replica lag in /metrics', async () => {
    await pair!.caughtUp();
    const replica = ctx().db.read.location;
    const text = (await platform!.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain(`motcua_db_replica_lag_seconds{replica="${replica}"} 0\n`);
    expect(text).toContain(`motcua_db_read_fallback{replica="${replica}"} 0\n`);
  });

  it('reads from the primary while the replica is down (told once), stays ready, and goes back to the replica', async () => {
    await pair!.stopReplica();
    expect((await lookup(an.pin)).statusCode).toBe(200);
    expect((await lookup(hoa.pin)).statusCode).toBe(200);
    expect(await citizensCard()).toBe(2);
    expect(changes).toEqual(['primary']);
    expect(ctx().db.replicaStatus()).toMatchObject({ servedBy: 'primary', fallbacks: 1 });
    expect((await platform!.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const metrics = (await platform!.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain(`motcua_db_read_fallback{replica="${ctx().db.read.location}"} 1\n`);
    expect(metrics).not.toContain('motcua_db_replica_lag_seconds{'); // the stopped replica cannot be asked
    // The primary serves the read side read-only too.
    await expect(sql`update citizens set phone = '0912345678' where pin = ${an.pin}`.execute(ctx().db.read.kysely)).rejects.toThrow('cannot execute UPDATE in a read-only transaction');

    await pair!.startReplica();
    await pair!.caughtUp();
    // The replica is tried again 100 ms (replicaRetryMs) after the last failure: read until it is.
    for (let i = 0; i < 200 && ctx().db.replicaStatus()?.servedBy !== 'replica'; i++) {
      expect((await lookup(an.pin)).statusCode).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(changes).toEqual(['primary', 'replica']);
    const [side] = (await sql<{ standby: boolean }>`select pg_is_in_recovery() as standby`.execute(ctx().db.read.kysely)).rows;
    expect(side).toEqual({ standby: true });
  });

  it('validates DATABASE_READ_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' }).databaseReadUrl).toBeUndefined();
    expect(() => loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', DATABASE_READ_URL: 'mysql://x@y/z' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', params: expect.objectContaining({ variable: 'DATABASE_READ_URL' }) }));
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://postgres@127.0.0.1:5433/test' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', params: expect.objectContaining({ variable: 'DATABASE_READ_URL' }) }));
  });
});

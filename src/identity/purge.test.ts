/**
 * Old sessions deleted by the daily job `identity.purge-sessions` (src/identity/purge.ts): staff
 * and e-ID sessions ended (expired or revoked) more than 90 days before the run go, the others stay;
 * the job runs at 03:00 Vietnam time, queues the next day's run and leaves an audit entry.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { auditEntriesFor } from '../platform/audit/audit.js';
import { runDueJobs, scheduleDailyJob } from '../platform/jobs/index.js';
import { forEachEngine } from '../platform/testing/engines.js';
import { activeAccount, person, pinFor, register, startEidPlatform } from './eid/testing/fixtures.js';
import { PURGE_SESSIONS_JOB, purgeSessions, purgeSessionsJob } from './purge.js';

// Saturday 30 May 2026, 17:00 UTC = 00:00 on Sunday 31 May in Vietnam; 90 days before: 1 March 2026.
const NOW = '2026-05-30T17:00:00.000Z';

forEachEngine('session purge', (t) => startEidPlatform(t), (env) => {
  let accountId = 0;

  const eidSession = (id: string, expiresAt: string, revokedAt: string | null) =>
    sql`insert into eid_sessions (id, token_hash, account_id, created_at, expires_at, revoked_at, amr) values (${id}, ${`hash-${id}`}, ${accountId}, '2025-12-01T01:00:00.000Z', ${expiresAt}, ${revokedAt}, '["pwd"]')`.execute(env().ctx.db.kysely);
  const staffSessions = async () =>
    (await sql<{ staff: string }>`select a.username as staff from staff_sessions s join staff_accounts a on a.id = s.staff_id order by a.username`.execute(env().ctx.db.kysely)).rows.map((r) => r.staff);
  const eidSessions = async () => (await sql<{ id: string }>`select id from eid_sessions where id like 'test-%' order by id`.execute(env().ctx.db.kysely)).rows.map((r) => r.id);

  it('deletes the sessions that ended more than 90 days before, and only those', async () => {
    const p = env();
    const hoa = person({ pin: pinFor('female', 1990, 4411), fullName: 'Nguyễn Thị Hoa', dateOfBirth: '1990-05-12', sex: 'female' });
    await register(p, hoa);
    accountId = (await activeAccount(p, hoa, 1, 'Hoa-Cam-Hoang-1990')).accountId;
    // e-ID: expired on New Year's Eve 2025 (gone), revoked one second before the limit (gone),
    // expiring one second after it (kept), live until 2026-12 (kept).
    await eidSession('test-1-expired', '2025-12-31T10:00:00.000Z', null);
    await eidSession('test-2-revoked', '2026-06-30T00:00:00.000Z', '2026-03-01T16:59:59.000Z');
    await eidSession('test-3-recent', '2026-03-01T17:00:01.000Z', null);
    await eidSession('test-4-live', '2026-12-01T00:00:00.000Z', null);
    // Staff (each signed in once by the fixture): one expired long ago, one revoked long ago, one revoked lately.
    const k = p.ctx.db.kysely;
    const setStaff = (username: string, expiresAt: string, revokedAt: string | null) =>
      sql`update staff_sessions set expires_at = ${expiresAt}, revoked_at = ${revokedAt} where staff_id = (select id from staff_accounts where username = ${username})`.execute(k);
    await setStaff('congan.camhoang', '2026-01-10T00:00:00.000Z', null);
    await setStaff('congan.camvan', '2026-12-31T00:00:00.000Z', '2026-02-01T00:00:00.000Z');
    await setStaff('pc06.haiduong', '2026-12-31T00:00:00.000Z', '2026-04-01T00:00:00.000Z');
    await setStaff('canbo.camhoang', '2026-12-31T00:00:00.000Z', null);

    expect(await purgeSessions(p.ctx.db, NOW)).toEqual({ before: '2026-03-01T17:00:00Z', staff: 2, eid: 2 });
    expect(await eidSessions()).toEqual(['test-3-recent', 'test-4-live']);
    expect(await staffSessions()).toEqual(['canbo.camhoang', 'pc06.haiduong']);
    // Again: nothing more to delete, and no audit entry for nothing.
    expect(await purgeSessions(p.ctx.db, NOW)).toEqual({ before: '2026-03-01T17:00:00Z', staff: 0, eid: 0 });
    const entries = await sql<{ action: string; summary: string }>`select action, summary from audit_log where action = 'identity.sessions-purged'`.execute(k);
    expect(entries.rows).toEqual([{ action: 'identity.sessions-purged', summary: 'sessions ended before 2026-03-01T17:00:00Z deleted: 2 staff, 2 e-ID' }]);
    expect((await auditEntriesFor(p.ctx.db, { type: 'eid-account', id: String(accountId) }, { offset: 0, limit: 50 })).items.length).toBeGreaterThan(0);
  });

  it('runs every day at 03:00 Vietnam time and queues the next day first', async () => {
    const p = env();
    const k = p.ctx.db.kysely;
    await scheduleDailyJob(k, PURGE_SESSIONS_JOB, '2026-09-01', '03:00');
    // Run on 1 September: the limit is 2026-06-02T20:00Z; pc06's session revoked on 1 April goes,
    // canbo's expiring on 1 July stays.
    await sql`update staff_sessions set expires_at = '2026-07-01T00:00:00.000Z' where staff_id = (select id from staff_accounts where username = 'canbo.camhoang')`.execute(k);
    // 02:59 in Vietnam (19:59 UTC the day before): not yet; 03:00: done.
    expect(await runDueJobs(p.ctx, { [PURGE_SESSIONS_JOB]: purgeSessionsJob }, { now: '2026-08-31T19:59:00.000Z' })).toEqual({ done: 0, failed: 0 });
    expect(await runDueJobs(p.ctx, { [PURGE_SESSIONS_JOB]: purgeSessionsJob }, { now: '2026-08-31T20:00:00.000Z' })).toEqual({ done: 1, failed: 0 });
    expect(await staffSessions()).toEqual(['canbo.camhoang']);
    const queued = await k.selectFrom('jobs').select(['dedupe_key', 'next_attempt_at', 'status']).where('kind', '=', PURGE_SESSIONS_JOB).where('dedupe_key', 'like', `${PURGE_SESSIONS_JOB}:2026-09-0%`).orderBy('dedupe_key').execute();
    expect(queued).toEqual([
      { dedupe_key: `${PURGE_SESSIONS_JOB}:2026-09-01`, next_attempt_at: '2026-08-31T20:00:00.000Z', status: 'done' },
      { dedupe_key: `${PURGE_SESSIONS_JOB}:2026-09-02`, next_attempt_at: '2026-09-01T20:00:00.000Z', status: 'pending' },
    ]);
  });
});

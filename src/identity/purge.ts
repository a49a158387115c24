/**
 * Old sessions are deleted (storage limitation, Decree 13/2023/NĐ-CP Art. 3: personal data kept no
 * longer than its purpose needs): staff sessions and e-ID sessions that expired or were revoked
 * more than {@link SESSION_RETENTION_DAYS} days before the run. What a citizen or an auditor needs
 * later stays elsewhere: every sign-in in the e-ID usage log (`eid_usage`) and the audit log.
 * Without this, every sign-in would leave a row for ever.
 *
 * Runs as the daily job `identity.purge-sessions` at 03:00 Vietnam time (UTC+7), once per day
 * among app copies (src/platform/jobs `dailyJob`); the module's seed starts the chain.
 */
import type { Kysely } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import { recordAudit } from '../platform/audit/audit.js';
import type { Database } from '../platform/db/database.js';
import { dailyJob, type JobHandler } from '../platform/jobs/index.js';
import type { EidTables } from './eid/store.js';
import type { IdentityTables } from './store.js';

/** Days an expired or revoked session is kept before it is deleted. */
export const SESSION_RETENTION_DAYS = 90;

export const PURGE_SESSIONS_JOB = 'identity.purge-sessions';
/** When the job runs each day, Vietnam time. */
export const PURGE_SESSIONS_TIME = '03:00';

export interface PurgedSessions {
  /** Sessions ended before this instant were deleted (ISO-8601 UTC). */
  before: string;
  staff: number;
  eid: number;
}

/**
 * Deletes, in one transaction, the staff and e-ID sessions whose expiry or revocation lies more
 * than {@link SESSION_RETENTION_DAYS} days before `now` (ISO-8601 UTC), and records one audit entry
 * with the counts when it deleted any. Live sessions and recently ended ones are untouched.
 */
export async function purgeSessions(db: Database, now: string): Promise<PurgedSessions> {
  const before = Temporal.Instant.from(now).subtract({ hours: 24 * SESSION_RETENTION_DAYS }).toString();
  return db.transaction(async (trx) => {
    const staff = await (trx as unknown as Kysely<IdentityTables>)
      .deleteFrom('staff_sessions')
      .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]))
      .executeTakeFirst();
    const eid = await (trx as unknown as Kysely<EidTables>)
      .deleteFrom('eid_sessions')
      .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]))
      .executeTakeFirst();
    const out = { before, staff: Number(staff.numDeletedRows), eid: Number(eid.numDeletedRows) };
    if (out.staff + out.eid > 0) {
      await recordAudit(trx, { actor: { kind: 'system', id: PURGE_SESSIONS_JOB }, action: 'identity.sessions-purged', summary: `sessions ended before ${before} deleted: ${out.staff} staff, ${out.eid} e-ID` });
    }
    return out;
  });
}

/** The daily job (see the module comment). */
export const purgeSessionsJob: JobHandler = dailyJob(PURGE_SESSIONS_JOB, PURGE_SESSIONS_TIME, async (job) => {
  const r = await purgeSessions(job.ctx.db, job.now);
  if (r.staff + r.eid > 0) job.ctx.logger.info(r, 'old sessions deleted');
});

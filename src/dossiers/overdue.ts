/**
 * Overdue dossiers (hồ sơ quá hạn), flagged each working day: a dossier whose clock runs
 * (received, in processing, decided but not yet completed) and whose due date is before today is
 * flagged once, counted in `dossiers.overdue`, and escalated to the head of its unit (thủ trưởng
 * cơ quan) — an escalation row and a message through the outbox to the head's contact set in the
 * unit's agency settings. Before a due date passes the handler should have issued form 04
 * (apology and new date), which moves the due date and keeps the dossier from being flagged.
 *
 * {@link flagOverdue} is idempotent (a flagged dossier is not flagged again), so every app copy
 * may run it; the job `dossiers.flag-overdue` runs it shortly after midnight Vietnam time and
 * queues itself for the next day (deduplicated by date), and `motcua dossiers flag-overdue`
 * runs it by hand.
 */
import type { Kysely } from 'kysely';
import { recordAudit } from '../platform/audit/audit.js';
import { nowUtc } from '../platform/dates.js';
import { dailyJob, scheduleDailyJob, type JobHandler } from '../platform/jobs/index.js';
import type { AppContext } from '../platform/module.js';
import { countIndicator } from '../platform/rollups.js';
import { workingCalendar } from '../calendar/index.js';
import { queueEscalation } from './notify.js';
import { agencyOfUnit, insertEscalation, insertEvent, lastEventSeq, unflaggedOverdue, updateDossier, type DossiersTables } from './store.js';

type Db = Kysely<DossiersTables>;

export interface OverdueRun {
  date: string;
  /** False when `date` is not a working day (nothing is flagged then). */
  workingDay: boolean;
  flagged: number;
  escalated: number;
  /** Escalations recorded without a message: the unit's agency has no head contact. */
  unreachable: number;
}

const SYSTEM = { kind: 'system' as const, id: 'dossiers.flag-overdue' };

/**
 * Flags the dossiers overdue on `today` (a Vietnam date, `YYYY-MM-DD`) in one transaction per
 * dossier. On a day off nothing happens (flags are raised on working days).
 */
export async function flagOverdue(ctx: Pick<AppContext, 'db' | 'config'>, today: string): Promise<OverdueRun> {
  const cal = await workingCalendar(ctx.db);
  const run: OverdueRun = { date: today, workingDay: cal.isWorkingDay(today), flagged: 0, escalated: 0, unreachable: 0 };
  if (!run.workingDay) return run;
  const db = ctx.db.as<DossiersTables>();
  const now = nowUtc();
  for (;;) {
    const batch = await unflaggedOverdue(db, today, 200);
    if (batch.length === 0) break;
    let progressed = 0;
    for (const d of batch) {
      const agency = await agencyOfUnit(db, d.unit_code);
      const done = await ctx.db.transaction(async (trx) => {
        const t = trx as Db;
        if (!(await updateDossier(t, d.id, d.version, { overdue_since: today, updated_at: now }))) return false;
        const seq = (await lastEventSeq(t, d.id)) + 1;
        await insertEvent(t, { dossier_id: d.id, seq, action: 'flag_overdue', from_state: d.state, to_state: d.state, at: now, actor_kind: SYSTEM.kind, actor_id: SYSTEM.id, actor_unit: null, reason: null, data: JSON.stringify({ dueDate: d.due_date, escalatedTo: agency?.head_title ?? null }), form: null });
        await countIndicator(trx, { indicator: 'dossiers.overdue', unitCode: d.unit_code, day: today });
        const masked = agency ? await queueEscalation(trx, ctx.config, { phone: agency.head_phone, email: agency.head_email, title: agency.head_title }, { code: d.code, serviceName: d.service_name, dueDate: d.due_date!, handler: d.handler, today }) : null;
        if (await insertEscalation(t, { dossier_id: d.id, kind: 'overdue', unit_code: d.unit_code, day: today, recipient_masked: masked, created_at: now })) {
          run.escalated++;
          if (!masked) run.unreachable++;
        }
        await recordAudit(trx, { actor: SYSTEM, action: 'dossier.overdue', subjects: [{ type: 'dossier', id: d.code }], summary: `overdue since ${today} (due ${d.due_date}); escalated to ${agency?.head_title ?? 'the head of unit'}${masked ? ` at ${masked}` : ' (no contact set)'}` });
        return true;
      });
      if (done) {
        run.flagged++;
        progressed++;
      }
    }
    // Rows changed by someone else meanwhile are read again on the next pass; stop if none moved.
    if (progressed === 0) break;
  }
  return run;
}

export const FLAG_OVERDUE_JOB = 'dossiers.flag-overdue';

/** Queues the flagging of `date` to run at 00:05 Vietnam time that day (once per date among copies). */
export async function scheduleOverdueFlagging(db: Kysely<any>, date: string): Promise<void> {
  await scheduleDailyJob(db, FLAG_OVERDUE_JOB, date, '00:05');
}

/** The job, every day at 00:05: queue tomorrow's run first (so a failure never breaks the chain), then flag today's. */
export const flagOverdueJob: JobHandler = dailyJob(FLAG_OVERDUE_JOB, '00:05', async (job, today) => {
  const r = await flagOverdue(job.ctx, today);
  if (r.flagged > 0) job.ctx.logger.info({ date: r.date, flagged: r.flagged, escalated: r.escalated }, 'overdue dossiers flagged');
});

/**
 * Proving the roll-ups agree with the records (issue 8 §2). Each module that counts roll-up
 * indicators declares them with a recount from its records (`PlatformModule.rollups`):
 * - {@link verifyRollups} recounts and compares with the stored counter rows, listing every row
 *   that differs (`motcua reports verify`, exit 1 on a difference);
 * - {@link rebuildRollups} replaces the stored rows of the declared indicators by the recount in
 *   one transaction, audited (`motcua reports rebuild`).
 *
 * Both cover the coarse month rows beside the counter rows (src/platform/rollups.ts
 * `indicator_month_counts`, which hold the days up to the fold watermark): verify compares each
 * month row's total and day columns with the sums of the recount of those days, rebuild writes
 * them from the recount and then folds through yesterday.
 *
 * The recount runs before the replacing transaction: records written meanwhile are counted by
 * their own transaction into rows the rebuild then replaces. Rebuild when writes are quiet (a
 * maintenance window) and verify afterwards.
 */
import type { Kysely } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import { recordAudit, type AuditActor } from '../platform/audit/audit.js';
import { addDays, todayInVietnam, VIETNAM_TIME_ZONE } from '../platform/dates.js';
import type { Database } from '../platform/db/database.js';
import { AppError } from '../platform/errors.js';
import { enqueueJob, type JobHandler } from '../platform/jobs/index.js';
import type { PlatformModule } from '../platform/module.js';
import { DAY_COLUMNS, dimsKey, foldedThrough, foldMonthRows, monthRowKey, MonthRowsBuilder } from '../platform/rollups.js';
import { countersOf, monthCountersOf, replaceCounters } from './store.js';

interface CounterRow {
  indicator: string;
  unitCode: string;
  day: string;
  dims: string;
  count: number;
}

const keyOf = (r: { indicator: string; unitCode: string; day: string; dims: string }) => `${r.indicator}\u0000${r.unitCode}\u0000${r.day}\u0000${r.dims}`;

/**
 * Every declared indicator with its module, and the recount of all of them, added up per
 * indicator, unit, day and breakdown (sums of 0 left out). `only`: just these indicators.
 * Errors: REPORTS_RECOUNT_INVALID (500) when a module recounts an indicator it does not declare
 * or two modules declare the same one.
 */
export async function recountAll(db: Database, modules: readonly PlatformModule[], only?: readonly string[]): Promise<{ indicators: string[]; rows: Map<string, CounterRow> }> {
  const owner = new Map<string, string>();
  for (const m of modules) {
    for (const i of m.rollups?.indicators ?? []) {
      if (owner.has(i)) throw new AppError('REPORTS_RECOUNT_INVALID', { module: m.name, indicator: i });
      owner.set(i, m.name);
    }
  }
  const wanted = only ? only.filter((i) => owner.has(i)) : [...owner.keys()];
  for (const i of only ?? []) if (!owner.has(i)) throw new AppError('REPORTS_INDICATOR_UNKNOWN', { indicator: i });
  const rows = new Map<string, CounterRow>();
  for (const m of modules) {
    if (!m.rollups || !m.rollups.indicators.some((i) => wanted.includes(i))) continue;
    for (const c of await m.rollups.recount(db)) {
      if (owner.get(c.indicator) !== m.name) throw new AppError('REPORTS_RECOUNT_INVALID', { module: m.name, indicator: c.indicator });
      if (!wanted.includes(c.indicator)) continue;
      const row = { indicator: c.indicator, unitCode: c.unitCode, day: c.day, dims: dimsKey(c.dims), count: c.delta ?? 1 };
      const k = keyOf(row);
      const prev = rows.get(k);
      if (prev) prev.count += row.count;
      else rows.set(k, row);
    }
  }
  for (const [k, r] of rows) if (r.count === 0) rows.delete(k);
  return { indicators: wanted.sort(), rows };
}

/**
 * One counter row where the stored count and the recount differ; for a coarse month row
 * (`table: 'indicator_month_counts'`, `dims` its coarse breakdown) one day column (`day` the date)
 * or its total (`day` the month, YYYY-MM).
 */
export interface RollupDifference {
  indicator: string;
  unitCode: string;
  day: string;
  dims: string;
  stored: number;
  recounted: number;
  table?: 'indicator_month_counts';
}

export interface VerifyResult {
  ok: boolean;
  indicators: string[];
  /** Counter rows compared (stored or recounted). */
  rowsCompared: number;
  /** Coarse month rows compared (stored or summed from the recount). */
  monthRowsCompared: number;
  differences: RollupDifference[];
}

/** Recounts the declared indicators and compares with the stored counter rows (read only). */
export async function verifyRollups(db: Database, modules: readonly PlatformModule[], only?: readonly string[]): Promise<VerifyResult> {
  const { indicators, rows } = await recountAll(db, modules, only);
  const stored = new Map<string, CounterRow>();
  for (const r of await countersOf(db.kysely, indicators)) if (r.count !== 0) stored.set(keyOf(r), r);
  const differences: RollupDifference[] = [];
  const keys = new Set([...stored.keys(), ...rows.keys()]);
  for (const k of keys) {
    const s = stored.get(k);
    const c = rows.get(k);
    const base = (s ?? c)!;
    if ((s?.count ?? 0) !== (c?.count ?? 0)) differences.push({ indicator: base.indicator, unitCode: base.unitCode, day: base.day, dims: base.dims, stored: s?.count ?? 0, recounted: c?.count ?? 0 });
  }
  // The coarse month rows: the recount of the days up to the fold watermark summed per month and
  // coarse breakdown. The month rows are read again when a fold moved the watermark meanwhile.
  let folded = await foldedThrough(db.kysely);
  let storedRows = await monthCountersOf(db.kysely, indicators);
  for (let again = await foldedThrough(db.kysely); again !== folded; again = await foldedThrough(db.kysely)) {
    folded = again;
    storedRows = await monthCountersOf(db.kysely, indicators);
  }
  const months = new MonthRowsBuilder();
  for (const r of rows.values()) if (r.day <= folded) months.add(r);
  const storedMonths = new Map(storedRows.map((r) => [monthRowKey(r), r]));
  const monthKeys = new Set([...storedMonths.keys(), ...months.rows.keys()]);
  for (const k of monthKeys) {
    const s = storedMonths.get(k);
    const c = months.rows.get(k);
    const base = (s ?? c)!;
    const at = { indicator: base.indicator, unitCode: base.unitCode, dims: base.dims, table: 'indicator_month_counts' as const };
    DAY_COLUMNS.forEach((d, i) => {
      const stored = s?.days[i] ?? 0;
      const recounted = c?.days[i] ?? 0;
      if (stored !== recounted) differences.push({ ...at, day: `${base.month}-${d.slice(1)}`, stored, recounted });
    });
    const total = c?.days.reduce((a, b) => a + b, 0) ?? 0;
    if ((s?.count ?? 0) !== total) differences.push({ ...at, day: base.month, stored: s?.count ?? 0, recounted: total });
  }
  differences.sort((a, b) => (a.table ?? '').localeCompare(b.table ?? '') || a.indicator.localeCompare(b.indicator) || a.day.localeCompare(b.day) || a.unitCode.localeCompare(b.unitCode) || a.dims.localeCompare(b.dims));
  return { ok: differences.length === 0, indicators, rowsCompared: keys.size, monthRowsCompared: monthKeys.size, differences };
}

export interface RebuildResult {
  indicators: string[];
  deleted: number;
  written: number;
}

/**
 * Replaces the stored counter rows of the declared indicators by a recount, in one transaction,
 * audited; then folds the month rows through yesterday (Vietnam), as the nightly job would
 * (src/platform/rollups.ts `foldMonthRows`), so that a rebuilt database reads its past from the
 * month rows at once. An error of the fold comes after the rebuild has committed: running the
 * rebuild again is harmless, and so is leaving the fold to the nightly job.
 */
export async function rebuildRollups(db: Database, modules: readonly PlatformModule[], actor: AuditActor, only?: readonly string[]): Promise<RebuildResult> {
  const { indicators, rows } = await recountAll(db, modules, only);
  const list = [...rows.values()];
  const result = await db.transaction(async (trx) => {
    const { deleted } = await replaceCounters(trx, indicators, list);
    await recordAudit(trx, { actor, action: 'reports.rebuild', subjects: indicators.map((id) => ({ type: 'indicator', id })), summary: `replaced ${deleted} counter rows by ${list.length} recounted rows` });
    return { indicators, deleted, written: list.length };
  });
  await foldMonthRows(db, addDays(todayInVietnam(), -1));
  return result;
}

// --- the nightly fold of the month rows --------------------------------------------------------------

export const FOLD_JOB = 'reports.fold';

/**
 * Queues the fold of the month rows through Vietnam date `day` (src/platform/rollups.ts
 * `foldMonthRows`) for 00:15 of the next day, Vietnam time (once per day: the dedupe key).
 * A date already past runs at once.
 */
export async function scheduleFold(db: Kysely<any>, day: string): Promise<void> {
  const runAt = Temporal.PlainDate.from(addDays(day, 1)).toZonedDateTime({ timeZone: VIETNAM_TIME_ZONE, plainTime: Temporal.PlainTime.from('00:15') }).toInstant().toString();
  await enqueueJob(db, { kind: FOLD_JOB, payload: { through: day }, runAt, dedupeKey: `${FOLD_JOB}:${day}` });
}

/**
 * The job: folds through its day (`payload.through`), or through yesterday (Vietnam) when that is
 * later — the days of any night missed included — after queueing the next day's fold (a failure
 * never breaks the chain). Idempotent: a fold through a day already folded does nothing.
 */
export const foldJob: JobHandler = {
  async run(payload, job) {
    const yesterday = addDays(todayInVietnam(), -1);
    const day = (payload as { through?: string } | null)?.through;
    const through = day && day > yesterday ? day : yesterday;
    await scheduleFold(job.ctx.db.kysely, addDays(through, 1));
    const folded = await foldMonthRows(job.ctx.db, through);
    if (folded.rows > 0) job.ctx.logger.info(folded, 'month rows of the roll-ups folded');
  },
};

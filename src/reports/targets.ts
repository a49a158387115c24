/**
 * Targets (chỉ tiêu giao) per indicator, unit and period, entered by managers (`reports.targets`:
 * administrators and the Project 06 working group) within their unit. An indicator answer shows
 * progress against every target of its unit whose period overlaps the period asked
 * (src/reports/compute.ts). A target names its unit by code and the date the code refers to
 * (default: the period's last day), since codes were reused in 2025.
 */
import { inScope, type StaffPrincipal } from '../platform/auth.js';
import { recordAudit, type AuditActor } from '../platform/audit/audit.js';
import { nowUtc, todayInVietnam } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';
import { findIndicator } from './catalogue.js';
import type { ReportsEnv } from './compute.js';
import { checkRange } from './periods.js';
import type { TargetInput } from './schemas.js';
import { deleteTarget, targetById, targetsFor, upsertTarget, type TargetRow } from './store.js';

export interface TargetView {
  id: number;
  indicator: string;
  unitCode: string;
  unitDate: string;
  from: string;
  to: string;
  value: number;
  note: string | null;
  updatedBy: string;
  updatedAt: string;
}

function view(t: TargetRow): TargetView {
  return { id: t.id, indicator: t.indicator, unitCode: t.unit_code, unitDate: t.unit_date, from: t.period_from, to: t.period_to, value: t.value, note: t.note, updatedBy: t.updated_by, updatedAt: t.updated_at };
}

/** The reader's unit through time (null: everywhere). */
async function areaOf(env: ReportsEnv, principal: StaffPrincipal) {
  return principal.unitCode === null ? null : env.units.area(principal.unitCode, principal.unitDate ?? todayInVietnam());
}

/** Path codes of a unit on a date, or undefined when it is not in force then. */
async function pathOf(env: ReportsEnv, code: string, at: string): Promise<string[] | undefined> {
  try {
    return (await env.units.get(code, at)).path.map((p) => p.code);
  } catch (e) {
    if (e instanceof AppError && e.code === 'UNIT_NOT_FOUND') return undefined;
    throw e;
  }
}

/**
 * Enters or replaces the target of (indicator, unit, unit date, period). Errors:
 * REPORTS_INDICATOR_UNKNOWN, DATE_INVALID, REPORTS_PERIOD_INVALID, REPORTS_TARGET_UNIT_UNKNOWN,
 * REPORTS_TARGET_VALUE (400: a share above 1, more than 25 services), REPORTS_OUT_OF_SCOPE (403).
 * Audited (`reports.target.save`) in the same transaction.
 */
export async function saveTarget(env: ReportsEnv, principal: StaffPrincipal, actor: AuditActor, input: TargetInput): Promise<{ target: TargetView; created: boolean }> {
  const def = findIndicator(input.indicator);
  if (!def) throw new AppError('REPORTS_INDICATOR_UNKNOWN', { indicator: input.indicator });
  checkRange(input.from, input.to);
  const unitDate = input.unitDate ?? input.to;
  checkRange(unitDate, unitDate);
  const path = await pathOf(env, input.unit, unitDate);
  if (!path) throw new AppError('REPORTS_TARGET_UNIT_UNKNOWN', { code: input.unit, at: unitDate });
  if (!inScope(await areaOf(env, principal), path, unitDate)) throw new AppError('REPORTS_OUT_OF_SCOPE', { code: input.unit });
  const max = def.format === 'percent' ? 1 : def.format === 'of-total' ? 25 : Number.MAX_SAFE_INTEGER;
  if (!(input.value >= 0 && input.value <= max)) throw new AppError('REPORTS_TARGET_VALUE', { value: input.value, indicator: def.id, expected: def.format === 'percent' ? '0–1' : def.format === 'of-total' ? '0–25' : '≥ 0' });
  return env.db.transaction(async (trx) => {
    const { row, created } = await upsertTarget(trx, {
      indicator: def.id,
      unit_code: input.unit,
      unit_date: unitDate,
      period_from: input.from,
      period_to: input.to,
      value: input.value,
      note: input.note ?? null,
      updated_by: actor.id,
      updated_at: nowUtc(),
      actor: actor.id,
    });
    await recordAudit(trx, { actor, action: 'reports.target.save', subjects: [{ type: 'report_target', id: String(row.id) }], summary: `${created ? 'set' : 'changed'} target ${def.id} of unit ${input.unit} for ${input.from}..${input.to}: ${input.value}` });
    return { target: view(row), created };
  });
}

/** Targets within the reader's unit, filtered. */
export async function listTargets(env: ReportsEnv, principal: StaffPrincipal, q: { indicator?: string; unit?: string; from?: string; to?: string }): Promise<TargetView[]> {
  const area = await areaOf(env, principal);
  const out: TargetView[] = [];
  for (const t of await targetsFor(env.db.kysely, { indicator: q.indicator, unitCode: q.unit, from: q.from, to: q.to })) {
    const path = await pathOf(env, t.unit_code, t.unit_date);
    if (path && inScope(area, path, t.unit_date)) out.push(view(t));
  }
  return out;
}

/** Removes a target within the reader's unit. Errors: REPORTS_TARGET_NOT_FOUND (404). Audited. */
export async function removeTarget(env: ReportsEnv, principal: StaffPrincipal, actor: AuditActor, id: number): Promise<void> {
  const t = await targetById(env.db.kysely, id);
  const path = t && (await pathOf(env, t.unit_code, t.unit_date));
  if (!t || !path || !inScope(await areaOf(env, principal), path, t.unit_date)) throw new AppError('REPORTS_TARGET_NOT_FOUND', { id });
  await env.db.transaction(async (trx) => {
    await deleteTarget(trx, id);
    await recordAudit(trx, { actor, action: 'reports.target.delete', subjects: [{ type: 'report_target', id: String(id) }], summary: `removed target ${t.indicator} of unit ${t.unit_code} for ${t.period_from}..${t.period_to}` });
  });
}

/**
 * Who acts on the desk's records, and where. A staff member works within their unit through time
 * (a commune officer in their commune, including the old communes it absorbed in 2025; an
 * administrator everywhere), as the population registry scopes its reads (`inScope` in
 * src/platform/auth.ts). Records name their unit by code and the date the code refers to.
 */
import { inScope, type ScopePeriod, type StaffPrincipal } from '../platform/auth.js';
import type { AuditActor } from '../platform/audit/audit.js';
import { isIsoDate, todayInVietnam } from '../platform/dates.js';
import type { Database } from '../platform/db/database.js';
import { AppError } from '../platform/errors.js';
import { getUnit, unitAreaThroughTime, type UnitsTables } from '../units/index.js';

/** The caller of a desk operation: the audit actor, their unit through time (null: everywhere) and their account. */
export interface DeskCaller {
  actor: AuditActor;
  area: ScopePeriod[] | null;
  /** The staff account (absent for the CLI and system jobs). */
  principal?: StaffPrincipal;
}

/** The desk caller of a staff principal: their unit through time (an account without a unit: everywhere). */
export async function deskCaller(db: Database, principal: StaffPrincipal, actor: AuditActor): Promise<DeskCaller> {
  const area = principal.unitCode === null ? null : await unitAreaThroughTime(db.as<UnitsTables>(), principal.unitCode, principal.unitDate ?? todayInVietnam());
  return { actor, area, principal };
}

/** A unit code at a date with its path: what a record stores to be found by unit. */
export interface PlacedUnit {
  unitCode: string;
  unitDate: string;
  scope_province: string | null;
  scope_district: string | null;
  scope_commune: string | null;
}

/** The unit path of a stored row (province → district → commune codes present). */
export function pathOf(r: { scope_province: string | null; scope_district: string | null; scope_commune: string | null }): string[] {
  return [r.scope_province, r.scope_district, r.scope_commune].filter((c): c is string => c !== null);
}

/** True when a stored row's unit lies within the caller's unit through time. */
export function callerSees(caller: DeskCaller, r: { unit_date: string; scope_province: string | null; scope_district: string | null; scope_commune: string | null }): boolean {
  return inScope(caller.area, pathOf(r), r.unit_date);
}

/**
 * The unit a new record hangs off: `unitCode` at `unitDate`, by default the caller's own unit at
 * its date (a different code without a date refers to today). Errors: DESK_UNIT_REQUIRED (no code
 * and an account without unit), DATE_INVALID, DESK_UNIT_UNKNOWN (not in force on the date),
 * DESK_OUT_OF_SCOPE (403: outside the caller's unit).
 */
export async function placeUnit(db: Database, caller: DeskCaller, unitCode?: string | null, unitDate?: string | null): Promise<PlacedUnit> {
  const own = caller.principal?.unitCode ?? null;
  const code = unitCode ?? own;
  if (!code) throw new AppError('DESK_UNIT_REQUIRED');
  const date = unitDate ?? (code === own ? (caller.principal?.unitDate ?? todayInVietnam()) : todayInVietnam());
  if (!isIsoDate(date)) throw new AppError('DATE_INVALID', { value: date });
  let path: string[];
  try {
    path = (await getUnit(db.as<UnitsTables>(), code, date)).path.map((p) => p.code);
  } catch (e) {
    if (e instanceof AppError && e.code === 'UNIT_NOT_FOUND') throw new AppError('DESK_UNIT_UNKNOWN', { code, at: date });
    throw e;
  }
  if (!inScope(caller.area, path, date)) throw new AppError('DESK_OUT_OF_SCOPE', { code });
  return {
    unitCode: code,
    unitDate: date,
    scope_province: path[0] ?? null,
    scope_district: path.length === 3 ? path[1]! : null,
    scope_commune: path.length >= 2 ? path[path.length - 1]! : null,
  };
}

/** The unit columns of a placed unit, for an insert. */
export function unitColumns(u: PlacedUnit) {
  return { unit_code: u.unitCode, unit_date: u.unitDate, scope_province: u.scope_province, scope_district: u.scope_district, scope_commune: u.scope_commune };
}

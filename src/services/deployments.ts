/**
 * Where each service is offered (triển khai): periods per service and administrative unit, set by
 * administrators. Deployment is a state with dates, not a flow: "x of 25 essential services
 * deployed" (Directive 24/CT-TTg; Project 06 reports, domain.md §8) is read for a unit on a date.
 *
 * A service deployed at a unit is offered at every unit below it on the same date (a province
 * deploys a provincial procedure for all its communes): Decree 118/2025/NĐ-CP lets any centre in
 * the province receive dossiers regardless of administrative boundary.
 */
import type { Kysely } from 'kysely';
import { recordAudit, type AuditActor } from '../platform/audit/audit.js';
import type { Database } from '../platform/db/database.js';
import { nowUtc } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';
import { getUnit, unitCodeExists, type UnitsTables } from '../units/index.js';
import { ESSENTIAL_SERVICES_TOTAL } from './model.js';
import { catalogChanged } from './cache.js';
import { bumpCatalogRevision, deleteDeployment, deploymentsOf, deploymentsOn, essentialCodes, insertDeployment, serviceExists, updateDeployment, type DeploymentRow, type ServicesDb } from './store.js';

/** One deployment period: deployed on D when `from <= D` and (`until` null or `D < until`). */
export interface DeploymentPeriod {
  from: string;
  /** First day no longer deployed; null while deployed. */
  until: string | null;
}

export interface DeploymentState {
  serviceCode: string;
  unitCode: string;
  periods: DeploymentPeriod[];
}

function periodsOf(rows: DeploymentRow[]): DeploymentPeriod[] {
  return rows.map((r) => ({ from: r.from_date, until: r.until_date }));
}

/** The unit and the units above it, as they were on `onDate` (just the unit when it is unknown then). */
export async function unitWithAncestors(db: Kysely<any>, unitCode: string, onDate: string): Promise<string[]> {
  try {
    const unit = await getUnit(db as Kysely<UnitsTables>, unitCode, onDate);
    return [...new Set([unitCode, ...unit.path.map((p) => p.code)])];
  } catch (e) {
    if (e instanceof AppError && e.code === 'UNIT_NOT_FOUND') return [unitCode];
    throw e;
  }
}

/**
 * True when `code` is deployed at `unitCode` (or a unit above it) on `onDate` (`YYYY-MM-DD`,
 * Vietnam time). Unknown codes and units are simply not deployed.
 */
export async function isServiceDeployed(db: Kysely<any>, code: string, unitCode: string, onDate: string): Promise<boolean> {
  const units = await unitWithAncestors(db, unitCode, onDate);
  return (await deploymentsOn(db as ServicesDb, units, onDate, code)).length > 0;
}

export interface DeployedCount {
  unitCode: string;
  /** Essential services deployed at the unit or above it on the date. */
  deployed: number;
  /** The size of the official list (25, Directive 24/CT-TTg). */
  of: number;
  /** Essential services in the catalog (24 while the 25th is unconfirmed). */
  catalogued: number;
  /** Codes of the deployed essential services, by their number in the list. */
  codes: string[];
}

/**
 * "x of 25 deployed" per unit on `onDate`, counting only the official essential services (entries
 * with an `essentialNo`), for the reports module. One answer per unit code, in the order given.
 * `pathOf`: the unit's path codes (province → … → the unit) on `onDate`, undefined when it is not
 * in force then, from a caller that keeps unit paths at hand (the reports' unit timeline); by
 * default each unit is read from the units registry ({@link unitWithAncestors}).
 */
export async function deployedCount(db: Kysely<any>, unitCodes: readonly string[], onDate: string, pathOf?: (unitCode: string) => Promise<readonly string[] | undefined>): Promise<DeployedCount[]> {
  const essential = await essentialCodes(db as ServicesDb);
  const order = new Map(essential.map((e) => [e.code, e.essential_no]));
  const out: DeployedCount[] = [];
  const chains = new Map<string, string[]>();
  for (const unitCode of unitCodes) chains.set(unitCode, pathOf ? [...new Set([unitCode, ...((await pathOf(unitCode)) ?? [])])] : await unitWithAncestors(db, unitCode, onDate));
  const allUnits = [...new Set([...chains.values()].flat())];
  const rows = (await deploymentsOn(db as ServicesDb, allUnits, onDate)).filter((r) => order.has(r.service_code));
  for (const unitCode of unitCodes) {
    const chain = new Set(chains.get(unitCode));
    const codes = [...new Set(rows.filter((r) => chain.has(r.unit_code)).map((r) => r.service_code))].sort((a, b) => order.get(a)! - order.get(b)!);
    out.push({ unitCode, deployed: codes.length, of: ESSENTIAL_SERVICES_TOTAL, catalogued: essential.length, codes });
  }
  return out;
}

async function checkTargets(db: Database, code: string, unitCode: string): Promise<void> {
  if (!(await serviceExists(db.as(), code))) throw new AppError('SERVICE_NOT_FOUND', { code });
  if (!(await unitCodeExists(db.as<UnitsTables>(), unitCode))) throw new AppError('SERVICE_UNIT_UNKNOWN', { code: unitCode });
}

/** The deployment periods of a service at a unit (SERVICE_NOT_FOUND, SERVICE_UNIT_UNKNOWN). */
export async function deploymentState(db: Database, code: string, unitCode: string): Promise<DeploymentState> {
  await checkTargets(db, code, unitCode);
  return { serviceCode: code, unitCode, periods: periodsOf(await deploymentsOf(db.as(), code, unitCode)) };
}

/**
 * Marks `code` deployed at `unitCode` from `from` (inclusive). An open period gets `from` as its
 * corrected start; a closed period that covers `from` is reopened; otherwise a new period opens.
 * Errors: SERVICE_NOT_FOUND, SERVICE_UNIT_UNKNOWN (404), SERVICE_DEPLOYMENT_OVERLAP (409) when
 * `from` falls before the end of an earlier period it cannot join. Audited (`services.deploy`);
 * a change raises the catalog's revision (src/services/cache.ts).
 */
export async function deployService(db: Database, code: string, unitCode: string, from: string, actor: AuditActor): Promise<DeploymentState & { changed: boolean }> {
  await checkTargets(db, code, unitCode);
  const out = await db.transaction(async (trx) => {
    const t = trx as ServicesDb;
    const rows = await deploymentsOf(t, code, unitCode);
    const open = rows.find((r) => r.until_date === null);
    const closed = rows.filter((r) => r.until_date !== null);
    const at = nowUtc();
    let changed = true;
    const overlap = (r: DeploymentRow) => new AppError('SERVICE_DEPLOYMENT_OVERLAP', { code, unitCode, from: r.from_date, until: r.until_date, date: from });
    if (open) {
      if (open.from_date === from) changed = false;
      else {
        const clash = closed.find((r) => r.until_date! > from);
        if (clash) throw overlap(clash);
        await updateDeployment(t, open.id, { from_date: from });
      }
    } else {
      const covering = closed.find((r) => r.from_date <= from && r.until_date! >= from);
      const later = closed.find((r) => r.from_date > from);
      if (later) throw overlap(later);
      if (covering) await updateDeployment(t, covering.id, { until_date: null, ended_at: null, ended_by: null });
      else await insertDeployment(t, { service_code: code, unit_code: unitCode, from_date: from, until_date: null, created_at: at, created_by: actor.id, ended_at: null, ended_by: null });
    }
    if (changed) {
      await bumpCatalogRevision(t);
      await recordAudit(trx, { actor, action: 'services.deploy', subjects: [{ type: 'service', id: code }, { type: 'unit', id: unitCode }], summary: `${code} deployed at ${unitCode} from ${from}` });
    }
    return { serviceCode: code, unitCode, periods: periodsOf(await deploymentsOf(t, code, unitCode)), changed };
  });
  if (out.changed) catalogChanged(db.kysely);
  return out;
}

/**
 * Withdraws `code` from `unitCode` from `from` on (the first day no longer offered). A period
 * that had not begun by then is removed. Errors: SERVICE_NOT_FOUND, SERVICE_UNIT_UNKNOWN (404),
 * SERVICE_NOT_DEPLOYED (409) when no open period exists. Audited (`services.withdraw`); raises the
 * catalog's revision (src/services/cache.ts).
 */
export async function withdrawService(db: Database, code: string, unitCode: string, from: string, actor: AuditActor): Promise<DeploymentState> {
  await checkTargets(db, code, unitCode);
  const out = await db.transaction(async (trx) => {
    const t = trx as ServicesDb;
    const open = (await deploymentsOf(t, code, unitCode)).find((r) => r.until_date === null);
    if (!open) throw new AppError('SERVICE_NOT_DEPLOYED', { code, unitCode, date: from });
    if (from <= open.from_date) await deleteDeployment(t, open.id);
    else await updateDeployment(t, open.id, { until_date: from, ended_at: nowUtc(), ended_by: actor.id });
    await bumpCatalogRevision(t);
    await recordAudit(trx, { actor, action: 'services.withdraw', subjects: [{ type: 'service', id: code }, { type: 'unit', id: unitCode }], summary: `${code} withdrawn at ${unitCode} from ${from}` });
    return { serviceCode: code, unitCode, periods: periodsOf(await deploymentsOf(t, code, unitCode)) };
  });
  catalogChanged(db.kysely);
  return out;
}

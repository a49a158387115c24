/**
 * The desk's indicators for reports (Project 06 reporting: self-service and assisted-service
 * counts at commune desks, equipment per commune centre; shared/domain.md §8.1). Each is per unit
 * (the code of the unit as it was on the day counted) and period:
 * - help given by kind and outcome, from the `desk.help` roll-up, so a read never scans the log;
 * - the self-service share, from the help log (guided to file alone / (guided + filed on behalf))
 *   and from dossier channels (dossiers filed online by the citizen alone / all dossiers filed
 *   through the online system), the latter from the dossiers module's `dossiers.received` roll-up;
 * - duty coverage (shifts staffed / shifts scheduled), from the rosters;
 * - equipment per site and connected-village coverage per unit, from the inventory (as of now);
 * - results per collection campaign.
 *
 * Filters: `unitCodes` (exact unit codes, as the reports module passes them) and, for the HTTP
 * layer, `area` (the reader's unit through time) and `unit` (a unit inside it, any level).
 */
import { inScope, type ScopePeriod } from '../platform/auth.js';
import type { Database } from '../platform/db/database.js';
import { AppError } from '../platform/errors.js';
import { readIndicator, type IndicatorRow } from '../platform/rollups.js';
import { getUnit, type UnitsTables } from '../units/index.js';
import { HELP_INDICATOR } from './help.js';
import type { HelpKind, HelpOutcome } from './model.js';

export { dutyCoverage } from './roster.js';
export { coveragePerUnit, equipmentPerSite } from './sites.js';
export { resultsPerCampaign } from './campaigns.js';

export interface PeriodFilter {
  /** First and last Vietnam date, inclusive. */
  from: string;
  to: string;
  unitCodes?: readonly string[];
  area?: readonly ScopePeriod[] | null;
  unit?: string;
}

/**
 * The dossiers module's count of dossiers received (src/dossiers/intake.ts), dims `channel`
 * (online | counter | on_behalf | mobile) and `filedBy` (self | on_behalf); read by name as the
 * reports module reads it (its `dossiers.selfServiceShare`).
 */
const DOSSIERS_RECEIVED = 'dossiers.received';
/** Channels of dossiers filed through the online system (every channel but the paper counter). */
const FILED_ONLINE = new Set(['online', 'on_behalf', 'mobile']);

/** Roll-up rows of an indicator, limited to an area or unit through each row's unit path on its day. */
async function rollupRows(db: Database, indicator: string, f: PeriodFilter): Promise<IndicatorRow[]> {
  const rows = await readIndicator(db.kysely, { indicator, from: f.from, to: f.to, unitCodes: f.unitCodes });
  if ((f.area === undefined || f.area === null) && !f.unit) return rows;
  const paths = new Map<string, string[]>();
  const pathAt = async (code: string, day: string) => {
    const key = `${code}|${day}`;
    if (!paths.has(key)) {
      paths.set(
        key,
        await getUnit(db.as<UnitsTables>(), code, day).then(
          (u) => u.path.map((p) => p.code),
          (e: unknown) => {
            if (e instanceof AppError && e.code === 'UNIT_NOT_FOUND') return [code];
            throw e;
          },
        ),
      );
    }
    return paths.get(key)!;
  };
  const out: IndicatorRow[] = [];
  for (const r of rows) {
    const path = await pathAt(r.unitCode, r.day);
    if (f.area !== undefined && !inScope(f.area, path, r.day)) continue;
    if (f.unit && !path.includes(f.unit)) continue;
    out.push(r);
  }
  return out;
}

/** Help given per unit, kind and outcome in a period (voided entries excluded). */
export async function helpByKindAndOutcome(db: Database, f: PeriodFilter): Promise<{ unitCode: string; kind: HelpKind; outcome: HelpOutcome; count: number }[]> {
  const sums = new Map<string, number>();
  for (const r of await rollupRows(db, HELP_INDICATOR, f)) {
    const key = `${r.unitCode}|${r.dims.kind}|${r.dims.outcome}`;
    sums.set(key, (sums.get(key) ?? 0) + r.count);
  }
  return [...sums]
    .filter(([, n]) => n !== 0)
    .map(([key, count]) => {
      const [unitCode, kind, outcome] = key.split('|') as [string, HelpKind, HelpOutcome];
      return { unitCode, kind, outcome, count };
    })
    .sort((a, b) => a.unitCode.localeCompare(b.unitCode) || a.kind.localeCompare(b.kind) || a.outcome.localeCompare(b.outcome));
}

/** The self-service share of a unit in a period, from the help log and from dossier channels. */
export interface SelfServiceShare {
  unitCode: string;
  /** Help-log entries (not voided) where the citizen was guided to file online alone. */
  guidedAlone: number;
  /** Help-log entries where a helper filed the dossier on the citizen's behalf. */
  filedOnBehalf: number;
  /** guidedAlone / (guidedAlone + filedOnBehalf); null when both are 0 (unknown, not 0 %). */
  share: number | null;
  /** Dossiers filed online by the citizen alone (channel `online`, filed by `self`). */
  dossiersSelf: number;
  /** Dossiers filed through the online system on the citizen's behalf (channels `on_behalf`, `mobile`). */
  dossiersOnBehalf: number;
  /** dossiersSelf / (dossiersSelf + dossiersOnBehalf); null when both are 0. Paper counter dossiers are left out. */
  dossierShare: number | null;
}

/**
 * The self-service share per unit in a period (Decision 06/QĐ-TTg: citizens doing it alone versus
 * officials doing it for them), from the two records that hold it: the help log (citizens guided
 * to file online alone against dossiers filed on their behalf, any outcome) and the dossiers'
 * channels (dossiers filed online by the citizen alone against those filed through the online
 * system on their behalf), each with its own share, since one filing may be in both. Units are
 * the unit of the desk's site and the receiving unit of the dossier, as they were on the day.
 * Units with neither figure are not listed.
 */
export async function selfServiceShare(db: Database, f: PeriodFilter): Promise<SelfServiceShare[]> {
  const per = new Map<string, { guidedAlone: number; filedOnBehalf: number; dossiersSelf: number; dossiersOnBehalf: number }>();
  const of = (unitCode: string) => {
    let u = per.get(unitCode);
    if (!u) per.set(unitCode, (u = { guidedAlone: 0, filedOnBehalf: 0, dossiersSelf: 0, dossiersOnBehalf: 0 }));
    return u;
  };
  for (const r of await rollupRows(db, HELP_INDICATOR, f)) {
    if (r.dims.kind === 'guided_self_filing') of(r.unitCode).guidedAlone += r.count;
    else if (r.dims.kind === 'filed_on_behalf') of(r.unitCode).filedOnBehalf += r.count;
  }
  for (const r of await rollupRows(db, DOSSIERS_RECEIVED, f)) {
    if (!FILED_ONLINE.has(r.dims.channel ?? '')) continue;
    if (r.dims.filedBy === 'self') of(r.unitCode).dossiersSelf += r.count;
    else if (r.dims.filedBy === 'on_behalf') of(r.unitCode).dossiersOnBehalf += r.count;
  }
  const ratio = (a: number, b: number) => (a + b === 0 ? null : a / (a + b));
  return [...per]
    .filter(([, u]) => u.guidedAlone + u.filedOnBehalf + u.dossiersSelf + u.dossiersOnBehalf > 0)
    .map(([unitCode, u]) => ({ unitCode, guidedAlone: u.guidedAlone, filedOnBehalf: u.filedOnBehalf, share: ratio(u.guidedAlone, u.filedOnBehalf), dossiersSelf: u.dossiersSelf, dossiersOnBehalf: u.dossiersOnBehalf, dossierShare: ratio(u.dossiersSelf, u.dossiersOnBehalf) }))
    .sort((a, b) => a.unitCode.localeCompare(b.unitCode));
}

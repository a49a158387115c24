/**
 * The roll-up indicators the dossiers module counts (src/platform/rollups.ts; their definitions in
 * src/reports/catalogue.ts) and their recount from the records, for `motcua reports verify` and
 * `rebuild` (src/reports/rebuild.ts). Each recount is one GROUP BY giving exactly the rows the
 * writers count, on SQLite and PostgreSQL alike (counts by unit as it was on the day):
 *
 * - `dossiers.received` (src/dossiers/intake.ts `writeSubmissions`): every dossier, by its
 *   receiving unit `unit_code` and the Vietnam date of its submission `unit_date` (both written
 *   once, at submission: `unit_date` is the `day` the writer counts), with the dims `service`
 *   (`service_code`), `sector`, `channel` and `filedBy` (`filed_by`), none of which ever changes;
 * - `dossiers.completed` (src/dossiers/actions.ts, action `release_result`, taken once per
 *   dossier): each `release_result` transition row of `dossier_events` (append-only), by the
 *   dossier's unit and the Vietnam date of the transition's instant, dim `onTime` from the
 *   transition's own particulars (`data.onTime`: `yes` / `no`);
 * - `dossiers.apologies` (actions.ts, action `apologize`, form 04; a dossier may get several): each
 *   `apologize` transition row, by the dossier's unit and the Vietnam date of the transition, no dims;
 * - `dossiers.overdue` (src/dossiers/overdue.ts `flagOverdue`): each dossier flagged overdue, by its
 *   unit and `overdue_since`, no dims. The counted day is the date of the flagging run, which the
 *   `flag_overdue` transition does not hold (its instant is when the run happened: a run by hand
 *   with `--date`, or a late job, falls on another day); `overdue_since` is that date, written
 *   once (only a dossier not yet flagged is flagged) and never cleared.
 */
import { sql } from 'kysely';
import type { Database } from '../platform/db/database.js';
import { isPostgres } from '../platform/db/database.js';
import { vietnamDaySql, type IndicatorCount } from '../platform/rollups.js';

/** The indicators of the dossiers module. */
export const DOSSIER_INDICATORS = ['dossiers.received', 'dossiers.completed', 'dossiers.apologies', 'dossiers.overdue'];

/**
 * Every counter row of {@link DOSSIER_INDICATORS} as the records give them (see the module
 * comment), `delta` holding the count. Reads the primary; nothing is written.
 */
export async function recountDossierIndicators(db: Database): Promise<IndicatorCount[]> {
  const k = db.kysely;
  const out: IndicatorCount[] = [];
  const received = await sql<{ unit_code: string; day: string; service_code: string; sector: string; channel: string; filed_by: string; n: number | string }>`
    select unit_code, unit_date as day, service_code, sector, channel, filed_by, count(*) as n
    from dossiers group by unit_code, unit_date, service_code, sector, channel, filed_by`.execute(k);
  for (const r of received.rows) out.push({ indicator: 'dossiers.received', unitCode: r.unit_code, day: r.day, dims: { service: r.service_code, sector: r.sector, channel: r.channel, filedBy: r.filed_by }, delta: Number(r.n) });

  // `data` is JSON text written by JSON.stringify: `onTime` is true or false.
  const onTime = isPostgres(k) ? sql<string>`case when (e.data::json ->> 'onTime') = 'true' then 'yes' else 'no' end` : sql<string>`case when json_extract(e.data, '$.onTime') = 1 then 'yes' else 'no' end`;
  const day = vietnamDaySql(k, 'e.at');
  const completed = await sql<{ unit_code: string; day: string; on_time: string; n: number | string }>`
    select d.unit_code, ${day} as day, ${onTime} as on_time, count(*) as n
    from dossier_events e join dossiers d on d.id = e.dossier_id
    where e.action = 'release_result' group by 1, 2, 3`.execute(k);
  for (const r of completed.rows) out.push({ indicator: 'dossiers.completed', unitCode: r.unit_code, day: r.day, dims: { onTime: r.on_time }, delta: Number(r.n) });

  const apologies = await sql<{ unit_code: string; day: string; n: number | string }>`
    select d.unit_code, ${day} as day, count(*) as n
    from dossier_events e join dossiers d on d.id = e.dossier_id
    where e.action = 'apologize' group by 1, 2`.execute(k);
  for (const r of apologies.rows) out.push({ indicator: 'dossiers.apologies', unitCode: r.unit_code, day: r.day, delta: Number(r.n) });

  const overdue = await sql<{ unit_code: string; day: string; n: number | string }>`
    select unit_code, overdue_since as day, count(*) as n from dossiers
    where overdue_since is not null group by unit_code, overdue_since`.execute(k);
  for (const r of overdue.rows) out.push({ indicator: 'dossiers.overdue', unitCode: r.unit_code, day: r.day, delta: Number(r.n) });
  return out;
}

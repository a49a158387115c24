/**
 * The recount of the desk module's roll-up indicator `desk.help` (src/desk/help.ts; definition in
 * src/reports/catalogue.ts) from the help log, for `motcua reports verify` and `rebuild`
 * (src/reports/rebuild.ts). An entry is counted +1 when recorded (quick entry or spreadsheet import,
 * `insertHelp`) and −1 when voided (`voidHelp`), both on the entry's own unit, day and dims, so
 * the counter rows are those of the entries not voided: `desk_help` rows with `voided_at` null,
 * by `unit_code` (the desk's site's unit as of its `unit_date`), `day` (the Vietnam date of the
 * help, written with the entry) and the dims `kind` and `outcome` — none of which changes after
 * the entry is written. Same rows on SQLite and PostgreSQL.
 */
import { sql } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { IndicatorCount } from '../platform/rollups.js';
import { HELP_INDICATOR } from './help.js';

/** The indicators of the desk module. */
export const DESK_INDICATORS = [HELP_INDICATOR];

/** Every counter row of `desk.help` as the help log gives them, `delta` holding the count. Reads the primary. */
export async function recountDeskIndicators(db: Database): Promise<IndicatorCount[]> {
  const rows = await sql<{ unit_code: string; day: string; kind: string; outcome: string; n: number | string }>`
    select unit_code, day, kind, outcome, count(*) as n from desk_help
    where voided_at is null group by unit_code, day, kind, outcome`.execute(db.kysely);
  return rows.rows.map((r) => ({ indicator: HELP_INDICATOR, unitCode: r.unit_code, day: r.day, dims: { kind: r.kind, outcome: r.outcome }, delta: Number(r.n) }));
}

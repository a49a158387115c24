/**
 * The recount of the e-ID roll-up indicators ({@link EID_INDICATORS}, src/identity/eid/reports.ts;
 * their definitions in src/reports/catalogue.ts) from the records, for `motcua reports verify` and
 * `rebuild` (src/reports/rebuild.ts). Each indicator is counted from the append-only step rows of
 * the applications (`eid_application_steps`: a step happens once per application), by the
 * application's handling commune `unit_code` (written once, as of its `unit_date`) and the Vietnam
 * date of the step's instant — never from `status` / `status_at`, which move on with the
 * application (an approved application becomes `activation_pending`, then `active`):
 *
 * - `eid.applications` (src/identity/eid/applications.ts `store`, all three ways in): each
 *   `received` step, dims `channel` (online | police_desk | campaign) and `level` of the application;
 * - `eid.decisions` (applications.ts `approve` and `reject`): each `approved` step (dim `outcome`
 *   approved) and each `rejected` step (outcome rejected), dim `level` of the application;
 * - `eid.activations` (applications.ts `approve` for a dependant's account, active at once, and
 *   src/identity/eid/activation.ts `activate`, which also raises a level-1 account to level 2): each
 *   `active` step, dims `level` and `channel` of the application it completes (for a level upgrade,
 *   the level-2 application: level 2).
 *
 * No writer counts a negative delta. Same rows on SQLite and PostgreSQL (`vietnamDaySql`).
 */
import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import { vietnamDaySql, type IndicatorCount } from '../../platform/rollups.js';
import { EID_INDICATORS } from './reports.js';

/** The indicators of the identity module. */
export const EID_ROLLUP_INDICATORS: string[] = [...EID_INDICATORS];

/**
 * Every counter row of the e-ID indicators as the application steps give them (see the module
 * comment), `delta` holding the count. Reads the primary; nothing is written.
 */
export async function recountEidIndicators(db: Database): Promise<IndicatorCount[]> {
  const k = db.kysely;
  const day = vietnamDaySql(k, 's.at');
  const rows = await sql<{ step: string; unit_code: string; day: string; level: number | string; channel: string; n: number | string }>`
    select s.step, a.unit_code, ${day} as day, a.level, a.channel, count(*) as n
    from eid_application_steps s join eid_applications a on a.id = s.application_id
    where s.step in ('received', 'approved', 'rejected', 'active')
    group by 1, 2, 3, 4, 5`.execute(k);
  return rows.rows.map((r): IndicatorCount => {
    const level = String(Number(r.level));
    const base = { unitCode: r.unit_code, day: r.day, delta: Number(r.n) };
    switch (r.step) {
      case 'received':
        return { ...base, indicator: 'eid.applications', dims: { channel: r.channel, level } };
      case 'active':
        return { ...base, indicator: 'eid.activations', dims: { level, channel: r.channel } };
      default:
        return { ...base, indicator: 'eid.decisions', dims: { outcome: r.step, level } };
    }
  });
}

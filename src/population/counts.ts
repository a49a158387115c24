/**
 * Counts of the registry for reports (the reports module's indicator `population.citizens`):
 * aggregates only, no personal data, so no read of a person is audited here.
 */
import type { Database } from '../platform/db/database.js';
import type { PopulationTables } from './store.js';

/** Citizens of one residence unit (the deepest code known: commune, else district, else province). */
export interface CitizensOfUnit {
  unitCode: string;
  /** The date the code refers to (the residence's unit date). */
  unitDate: string;
  count: number;
}

/**
 * Living citizens on record (status `living` or `re_established`; deceased and cancelled numbers
 * excluded) per residence unit — current residence, else permanent residence, as stored for unit
 * scoping. Citizens without a residence are counted under `withoutResidence`. The registry's
 * current state: one grouped scan of `citizens`.
 */
export async function countCitizensPerUnit(db: Database): Promise<{ units: CitizensOfUnit[]; withoutResidence: number }> {
  const rows = await db
    .as<PopulationTables>()
    .selectFrom('citizens')
    .select(['scope_province', 'scope_district', 'scope_commune', 'scope_date', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('status', 'in', ['living', 're_established'])
    .groupBy(['scope_province', 'scope_district', 'scope_commune', 'scope_date'])
    .execute();
  const units: CitizensOfUnit[] = [];
  let withoutResidence = 0;
  for (const r of rows) {
    const code = r.scope_commune ?? r.scope_district ?? r.scope_province;
    if (code === null || r.scope_date === null) withoutResidence += Number(r.n);
    else units.push({ unitCode: code, unitDate: r.scope_date, count: Number(r.n) });
  }
  return { units, withoutResidence };
}

/**
 * Indicators read from other modules' current records rather than roll-ups, through their
 * `index.ts` (src/reports/catalogue.ts, measure kind `state`):
 * - `services.deployed`: "x of 25" essential services deployed at a unit or above it on a date
 *   (services module, `deployedCount`); evaluated for each unit itself, not summed;
 * - `population.citizens`: living citizens per residence unit (population module);
 * - `desk.duty`: shifts staffed / scheduled per site unit over a period (desk module);
 * - `desk.coverage`: connected village cultural houses / cultural houses (desk inventory as of the
 *   period's last day);
 * - `desk.computers`: working computers at sites (desk inventory as of the period's last day).
 */
import type { Database } from '../platform/db/database.js';
import { coveragePerUnit, dutyCoverage, equipmentPerSite } from '../desk/index.js';
import { countCitizensPerUnit } from '../population/index.js';
import { deployedCount } from '../services/index.js';
import type { StateReader } from './catalogue.js';

/** One unit's part of an additive state figure: `num` (and `den` for a share). */
export interface StateFact {
  unitCode: string;
  /** The date the code refers to, when the source knows it; otherwise the code is read as of the period's end. */
  unitDate: string | null;
  num: number;
  den: number;
}

/** Facts of an additive state reader over `from`..`to` (readers without history ignore the dates). */
export async function additiveStateFacts(db: Database, reader: Exclude<StateReader, 'services.deployed'>, from: string, to: string): Promise<{ facts: StateFact[]; unplaced: number }> {
  switch (reader) {
    case 'population.citizens': {
      const r = await countCitizensPerUnit(db);
      return { facts: r.units.map((u) => ({ unitCode: u.unitCode, unitDate: u.unitDate, num: u.count, den: 0 })), unplaced: r.withoutResidence };
    }
    case 'desk.duty':
      return { facts: (await dutyCoverage(db, { from, to })).map((u) => ({ unitCode: u.unitCode, unitDate: null, num: u.staffed, den: u.scheduled })), unplaced: 0 };
    case 'desk.coverage':
      return { facts: (await coveragePerUnit(db, {}, to)).map((u) => ({ unitCode: u.unitCode, unitDate: null, num: u.connected, den: u.villages })), unplaced: 0 };
    case 'desk.computers': {
      const per = new Map<string, number>();
      for (const d of await equipmentPerSite(db, {}, to)) if (d.kind === 'computer') per.set(d.unitCode, (per.get(d.unitCode) ?? 0) + d.working);
      return { facts: [...per].map(([unitCode, working]) => ({ unitCode, unitDate: null, num: working, den: 0 })), unplaced: 0 };
    }
  }
}

/**
 * "x of 25" for each unit code on `onDate` (units not in force then answer what the services
 * module finds for the bare code). `pathOf`: unit paths on `onDate` already at hand (the report's
 * unit timeline), instead of reading each unit from the registry again.
 */
export async function deployedServices(db: Database, unitCodes: readonly string[], onDate: string, pathOf?: (unitCode: string) => Promise<readonly string[] | undefined>): Promise<Map<string, { deployed: number; of: number }>> {
  const out = new Map<string, { deployed: number; of: number }>();
  if (unitCodes.length === 0) return out;
  for (const r of await deployedCount(db.kysely, unitCodes, onDate, pathOf)) out.set(r.unitCode, { deployed: r.deployed, of: r.of });
  return out;
}

/**
 * Synthetic people for development, demonstrations and benchmarks: `motcua seed population` and
 * the demo population that `npm start` loads once (20,000 people in Tỉnh Hải Dương as it was on
 * 28 February 2023), written through the same path as imports (validation, history, audit).
 */
import type { Kysely } from 'kysely';
import { AppError } from '../platform/errors.js';
import { recordAudit, type AuditActor } from '../platform/audit/audit.js';
import type { Database } from '../platform/db/database.js';
import { silentProgress, type Progress } from '../platform/module.js';
import { listUnits, type UnitsTables } from '../units/index.js';
import { generatePopulation, type GeneratorCommune } from './generator.js';
import { checkCitizen, saveCitizens, UnitPaths, type SaveItem } from './registry.js';
import type { PopulationTables } from './store.js';

export const DEMO_PROVINCE = '30';
export const DEMO_DATE = '2023-02-28';

/** Every unit directly under `parent` on a date. */
async function childrenOf(db: Kysely<UnitsTables>, parent: string, at: string) {
  const out: { code: string; level: string }[] = [];
  for (let page = 0; ; page++) {
    const { items, total } = await listUnits(db, { parent, at, offset: page * 200, limit: 200 });
    out.push(...items);
    if ((page + 1) * 200 >= total) return out;
  }
}

/** Every commune of a province on a date, with its district when the date is before the 2025 reform. */
export async function communesOf(db: Kysely<UnitsTables>, provinceCode: string, at: string): Promise<GeneratorCommune[]> {
  const out: GeneratorCommune[] = [];
  for (const child of await childrenOf(db, provinceCode, at)) {
    if (child.level === 'commune') out.push({ code: child.code, districtCode: null, provinceCode });
    else for (const c of await childrenOf(db, child.code, at)) out.push({ code: c.code, districtCode: child.code, provinceCode });
  }
  return out;
}

export interface SeedPopulationOptions {
  provinceCode: string;
  count: number;
  seed: number;
  /** The date unit codes refer to and ages are counted from. */
  at: string;
  actor: AuditActor;
  progress?: Progress;
  batchSize?: number;
}

/** Generates and stores `count` people; returns how many were created (existing numbers are left as they are). */
export async function seedPopulation(db: Database, o: SeedPopulationOptions): Promise<number> {
  const communes = await communesOf(db.as<UnitsTables>(), o.provinceCode, o.at);
  if (communes.length === 0) throw new AppError('UNIT_NOT_FOUND', { code: o.provinceCode, at: o.at });
  const units = new UnitPaths(db.as<UnitsTables>());
  const progress = o.progress ?? silentProgress;
  const batchSize = o.batchSize ?? 2000;
  progress.start('people', o.count);
  let created = 0;
  let done = 0;
  let batch: SaveItem[] = [];
  const flush = async () => {
    await db.transaction(async (trx) => {
      const outcomes = await saveCitizens(trx as Kysely<PopulationTables>, batch, { mode: 'upsert', actor: o.actor.id, source: `seed:${o.seed}` });
      const pins = outcomes.filter((r) => r.outcome === 'created').map((r) => r.pin);
      created += pins.length;
      await recordAudit(trx, { actor: o.actor, action: 'citizen.seed', subjects: pins.map((id) => ({ type: 'citizen', id })), summary: `synthetic population (seed ${o.seed}): ${pins.length} created` });
    });
    done += batch.length;
    batch = [];
    progress.update(done);
  };
  for (const citizen of generatePopulation({ communes, count: o.count, seed: o.seed, referenceDate: o.at })) {
    batch.push({ citizen, path: await checkCitizen(citizen, units, o.at) });
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  progress.stop();
  return created;
}

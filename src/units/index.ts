/**
 * The units module (đơn vị hành chính): Vietnam's administrative units with GSO codes, in force
 * by period, with succession links from the pre-2025 three-level to the post-2025 two-level
 * structure. Other modules use {@link getUnit} and {@link listUnits}.
 */
import type { PlatformModule } from '../platform/module.js';
import { unitsCli } from './cli.js';
import { seedBuiltinUnits } from './importer.js';
import { unitsRoutes } from './routes.js';
import { unitsMigrations } from './store.js';

export { getUnit, listUnits, unitCodeExists, unitWithin, unitAreaThroughTime, UnitCache, type UnitPeriod, type UnitDetail, type UnitView, type UnitRef } from './registry.js';
export type { UnitsTables } from './store.js';
export { importUnitList, importSuccessions, seedBuiltinUnits } from './importer.js';
export type { UnitLevel, UnitType } from './model.js';

export const unitsModule: PlatformModule = {
  name: 'units',
  migrations: unitsMigrations,
  routes: unitsRoutes,
  seed: async (ctx, progress) => {
    const added = await seedBuiltinUnits(ctx.db, progress);
    if (added > 0) ctx.logger.info({ added }, 'built-in administrative units loaded');
  },
  cli: unitsCli,
};

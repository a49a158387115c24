/**
 * The population module: the registry of citizens keyed by the personal identification number,
 * imports of official lists, and purpose-bound, unit-scoped, audited lookups.
 */
import type { PlatformModule } from '../platform/module.js';
import { populationCli } from './cli.js';
import { DEMO_DATE, DEMO_PROVINCE, seedPopulation } from './demo.js';
import { importMigrations } from './importer.js';
import { importRoutes } from './import-routes.js';
import { duplicateRoutes, populationRoutes } from './routes.js';
import { countCitizens, populationMigrations, searchMigrations, type PopulationTables } from './store.js';

export { explainPin, type Sex } from './pin.js';
export { createCitizen, readCitizen, findCitizens, maskPin } from './registry.js';
export { citizenRecord, readerArea, checkPurpose, type Citizen, type ReadPurpose } from './registry.js';
export { purposeOf } from './routes.js';
export { PurposeHeadersSchema } from './schemas.js';
export type { CitizenInput } from './model.js';
export { countCitizensPerUnit, type CitizensOfUnit } from './counts.js';
export { registryFacts, registryFactsMany, matchCitizen, type RegistryFacts, type DeclaredIdentity } from './registry-facts.js';

export const populationModule: PlatformModule = {
  name: 'population',
  migrations: { ...populationMigrations, ...importMigrations, ...searchMigrations },
  routes: async (api, ctx) => {
    await populationRoutes(api, ctx);
    await importRoutes(api, ctx);
    await duplicateRoutes(api, ctx);
  },
  seed: async (ctx, progress) => {
    if (!ctx.config.demo || ctx.config.demoPopulation === 0) return;
    if ((await countCitizens(ctx.db.as<PopulationTables>())) > 0) return;
    const created = await seedPopulation(ctx.db, { provinceCode: DEMO_PROVINCE, count: ctx.config.demoPopulation, seed: 2023, at: DEMO_DATE, actor: { kind: 'system', id: 'demo' }, progress });
    ctx.logger.info({ created }, 'demo population loaded (Tỉnh Hải Dương, 2023-02-28)');
  },
  cli: populationCli,
};

/**
 * The population module: the registry of citizens keyed by the personal identification number,
 * imports of official lists, and purpose-bound, unit-scoped, audited lookups.
 */
import type { PlatformModule } from '../platform/module.js';
import { populationRoutes } from './routes.js';
import { populationMigrations } from './store.js';

export { explainPin, type Sex } from './pin.js';
export { createCitizen, readCitizen, findCitizens, maskPin } from './registry.js';
export type { CitizenInput } from './model.js';

export const populationModule: PlatformModule = {
  name: 'population',
  migrations: populationMigrations,
  routes: populationRoutes,
};

/**
 * The services module: the catalog of public services (danh mục thủ tục hành chính) — the 25
 * essential services of Directive 24/CT-TTg and the Decree 63/2024/NĐ-CP bundles — with forms as
 * JSON Schema, versions (a dossier keeps the version it was filed under) and deployments per unit
 * ("x of 25 deployed"). Other modules use the functions exported here, never its tables.
 */
import type { PlatformModule } from '../platform/module.js';
import { BUILTIN_CATALOG } from './catalog/index.js';
import { servicesRoutes } from './routes.js';
import { servicesMigrations } from './store.js';
import { seedCatalog } from './versions.js';

export type { ServiceVersion, ServiceDefinition, ServiceFee, RequiredDocument, AgencyLevel, OnlineLevel, ServiceKind, Sector, PrefillField } from './model.js';
export { ESSENTIAL_SERVICES_TOTAL, PREFILL_FIELDS, SECTORS } from './model.js';
export { currentServiceVersion, serviceVersion, requireServiceVersion, listServices, saveServiceDefinition } from './versions.js';
export { isServiceDeployed, deployedCount, deployService, withdrawService, type DeployedCount, type DeploymentPeriod } from './deployments.js';
export { CatalogCache } from './cache.js';
export { validateFormData } from './forms.js';
export { BUILTIN_CATALOG } from './catalog/index.js';
export { SAMPLE_FORMS } from './samples.js';

export const servicesModule: PlatformModule = {
  name: 'services',
  migrations: servicesMigrations,
  routes: servicesRoutes,
  seed: async (ctx) => {
    const written = await seedCatalog(ctx.db, BUILTIN_CATALOG);
    if (written > 0) ctx.logger.info({ written }, 'built-in public-services catalog loaded');
  },
};

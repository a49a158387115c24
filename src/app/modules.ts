/**
 * The composition root's list of domain modules, in dependency order. Migrations of all modules
 * form one set, ordered by name.
 */
import { auditMigrations } from '../platform/audit/audit.js';
import { jobsMigrations } from '../platform/jobs/index.js';
import type { Migrations } from '../platform/db/migrations.js';
import { rollupMigrations } from '../platform/rollups.js';
import type { PlatformModule } from '../platform/module.js';
import { calendarModule } from '../calendar/index.js';
import { deskCollectionCampaigns, deskModule } from '../desk/index.js';
import { dossiersModule } from '../dossiers/index.js';
import { createIdentityModule } from '../identity/index.js';
import { populationModule } from '../population/index.js';
import { portalModule } from '../portal/index.js';
import { reportsModule } from '../reports/index.js';
import { servicesModule } from '../services/index.js';
import { ssoModule } from '../sso/index.js';
import { unitsModule } from '../units/index.js';

/** The identity module, its e-ID applications checked against the desk's collection campaigns. */
const identityModule = createIdentityModule({ campaigns: deskCollectionCampaigns });

export const modules: PlatformModule[] = [unitsModule, calendarModule, identityModule, populationModule, ssoModule, portalModule, servicesModule, dossiersModule, deskModule, reportsModule];

export function allMigrations(): Migrations {
  const merged: Migrations = { ...auditMigrations, ...rollupMigrations, ...jobsMigrations };
  for (const m of modules) {
    for (const [name, migration] of Object.entries(m.migrations ?? {})) {
      if (name in merged) throw new Error(`duplicate migration name ${name} (module ${m.name})`);
      merged[name] = migration;
    }
  }
  return merged;
}

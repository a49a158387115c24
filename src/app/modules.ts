/**
 * The composition root's list of domain modules, in dependency order. Migrations of all modules
 * form one set, ordered by name.
 */
import { auditMigrations } from '../platform/audit/audit.js';
import type { Migrations } from '../platform/db/migrations.js';
import type { PlatformModule } from '../platform/module.js';
import { calendarModule } from '../calendar/index.js';
import { identityModule } from '../identity/index.js';
import { populationModule } from '../population/index.js';
import { unitsModule } from '../units/index.js';

export const modules: PlatformModule[] = [unitsModule, calendarModule, identityModule, populationModule];

export function allMigrations(): Migrations {
  const merged: Migrations = { ...auditMigrations };
  for (const m of modules) {
    for (const [name, migration] of Object.entries(m.migrations ?? {})) {
      if (name in merged) throw new Error(`duplicate migration name ${name} (module ${m.name})`);
      merged[name] = migration;
    }
  }
  return merged;
}

/**
 * Who may reach a dossier. Staff reach the dossiers received by units within their own unit
 * through time (src/platform/auth.ts `inScope`, the population registry's `readerArea`), and only
 * with a dossier permission; a signed-in citizen reaches the dossiers they filed or in which they
 * are the applicant. Anyone else is told the dossier does not exist (DOSSIER_NOT_FOUND, 404), so
 * codes cannot be probed.
 */
import { inScope, type Permission, type Principal, type ScopePeriod, type StaffPrincipal } from '../platform/auth.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';
import { AppError } from '../platform/errors.js';
import type { AppContext } from '../platform/module.js';
import { readerArea } from '../population/index.js';
import { CatalogCache } from '../services/index.js';
import { UnitCache, type UnitsTables } from '../units/index.js';
import { dossierByCode, type DossierRow, type DossiersTables } from './store.js';

/** What the dossier functions need: the database, the configuration, a unit cache and a catalog cache. */
export interface DossierEnv {
  db: Database;
  config: Config;
  units: UnitCache;
  /** Services in force and their deployments (src/services/cache.ts), revalidated like the units. */
  catalog: CatalogCache;
}

const envs = new WeakMap<AppContext, DossierEnv>();

/** The dossier environment of an app context (one unit cache and one catalog cache per context, both revalidated per `MOTCUA_UNITS_CACHE_MS`). */
export function dossierEnv(ctx: AppContext): DossierEnv {
  let env = envs.get(ctx);
  if (!env) {
    env = {
      db: ctx.db,
      config: ctx.config,
      units: new UnitCache(ctx.db.as<UnitsTables>(), { revalidateMs: ctx.config.unitsCacheMs }),
      catalog: new CatalogCache(ctx.db.kysely, { revalidateMs: ctx.config.unitsCacheMs }),
    };
    envs.set(ctx, env);
  }
  return env;
}

export const STAFF_DOSSIER_PERMISSIONS: readonly Permission[] = ['dossier.intake', 'dossier.process'];

/** The unit path (province → district → commune) a dossier was received in. */
export function dossierPath(d: Pick<DossierRow, 'scope_province' | 'scope_district' | 'scope_commune'>): string[] {
  return [d.scope_province, d.scope_district, d.scope_commune].filter((c): c is string => c !== null);
}

/** A staff member's unit through time (null: the whole system). */
export function staffArea(env: DossierEnv, principal: StaffPrincipal): Promise<readonly ScopePeriod[] | null> {
  return readerArea(env.db, principal, env.units);
}

/** Whether `principal` may read dossier `d` (see the module comment). */
export async function canReach(env: DossierEnv, principal: Principal, d: DossierRow): Promise<boolean> {
  if (principal.kind === 'citizen') {
    return principal.permissions.has('self.dossier') && (d.applicant_account === principal.accountId || d.applicant_pin === principal.pin);
  }
  if (!STAFF_DOSSIER_PERMISSIONS.some((p) => principal.permissions.has(p))) return false;
  return inScope(await staffArea(env, principal), dossierPath(d), d.unit_date);
}

/** The dossier `code` if `principal` may reach it. Errors: UNAUTHENTICATED (401), DOSSIER_NOT_FOUND (404). */
export async function reachableDossier(env: DossierEnv, principal: Principal | undefined, code: string): Promise<DossierRow> {
  if (!principal) throw new AppError('UNAUTHENTICATED');
  const d = await dossierByCode(env.db.as<DossiersTables>(), code);
  if (!d || !(await canReach(env, principal, d))) throw new AppError('DOSSIER_NOT_FOUND', { code });
  return d;
}

/** Throws UNAUTHENTICATED without a principal and FORBIDDEN when it holds none of `permissions`. */
export function requireAnyPermission(principal: Principal | undefined, permissions: readonly Permission[]): Principal {
  if (!principal) throw new AppError('UNAUTHENTICATED');
  if (!permissions.some((p) => principal.permissions.has(p))) throw new AppError('FORBIDDEN');
  return principal;
}

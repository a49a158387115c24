/**
 * The single sign-on module (DESIGN.md §2 `sso`): an OpenID Connect provider at `/oidc` through
 * which public-service portals sign citizens in with their e-ID accounts (since 1 July 2024
 * portals accept only the national e-ID; domain.md §1.6), with enforced assurance levels
 * (levels.ts), pairwise subjects, consented and audited release of registry data (scopes.ts,
 * claims.ts, consents.ts), a registry of portals (clients.ts), signing keys rotated and stored
 * sealed (keys.ts), and storage on Kysely for both engines (adapter.ts, store.ts).
 *
 * Routes: `/oidc/*` and the interaction pages (http.ts, mounted at the root); `/api/v1/sso/…`
 * (routes.ts). Commands: `motcua sso …` (cli.ts).
 */
import type { PlatformModule } from '../platform/module.js';
import { ssoCli } from './cli.js';
import { ssoRootRoutes } from './http.js';
import { ssoRoutes } from './routes.js';
import { ssoRuntime } from './runtime.js';
import { ssoMigrations, ssoSealedColumns } from './store.js';

export { ssoRuntime, type SsoRuntime } from './runtime.js';
export { rotateSigningKeys } from './keys.js';
export { ACR_VALUES, acrOf, levelOfAcr } from './levels.js';
export { PORTAL_SCOPES, SCOPE_CLAIMS, type PortalScope } from './scopes.js';
export { issuerOf } from './provider.js';
export { OWN_PAGES_CLIENT_ID } from './clients.js';

export const ssoModule: PlatformModule = {
  name: 'sso',
  migrations: ssoMigrations,
  sealed: ssoSealedColumns,
  routes: async (api, ctx) => ssoRoutes(api, ssoRuntime(ctx)),
  rootRoutes: async (app, ctx) => ssoRootRoutes(app, ssoRuntime(ctx)),
  cli: ssoCli,
};

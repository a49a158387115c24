/**
 * The identity module: staff accounts and roles now; citizens' e-ID accounts (level 1 and 2),
 * activation, sign-in and MFA come with the e-ID issue (Decree 69/2024/NĐ-CP).
 */
import type { PlatformModule } from '../platform/module.js';
import { identityCli } from './cli.js';
import { identityRoutes } from './routes.js';
import { identityMigrations } from './store.js';

export { createStaff, signInStaff, staffAuthProvider, principalOf } from './staff.js';
export { ROLE_PERMISSIONS } from './roles.js';

export const identityModule: PlatformModule = {
  name: 'identity',
  migrations: identityMigrations,
  routes: identityRoutes,
  cli: identityCli,
};

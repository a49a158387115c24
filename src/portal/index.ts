/**
 * The portal module: motcua's own citizen pages signing citizens in through motcua's single
 * sign-on as an ordinary client (client.ts: the registered client `motcua`; relying-party.ts: the
 * code flow with openid-client; store.ts: one-time handoffs of the session to the page;
 * routes.ts: `/api/v1/portal/sign-in/…`). Builds on src/sso (the provider and its registry) and
 * src/identity (the e-ID session it opens).
 */
import type { PlatformModule } from '../platform/module.js';
import { portalRoutes } from './routes.js';
import { portalMigrations } from './store.js';

export { PORTAL_CLIENT_ID } from './client.js';

export const portalModule: PlatformModule = {
  name: 'portal',
  migrations: portalMigrations,
  routes: portalRoutes,
};

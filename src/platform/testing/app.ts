/**
 * A whole platform over a test database: migrated, with built-in data, and its HTTP server
 * (use `app.inject` for requests; no port is opened).
 */
import { buildHttp, openContext } from '../../app/app.js';
import { loadConfig } from '../config.js';
import type { Api, AppContext } from '../module.js';
import type { TestDatabase } from './engines.js';

export interface TestPlatform {
  ctx: AppContext;
  app: Api;
}

export async function startTestPlatform(t: TestDatabase, env: Record<string, string> = {}): Promise<TestPlatform> {
  // Unit answers revalidated on every request, so a test sees its own imports at once. Staff
  // without a second factor sign in with their password (tests sign one account in several times
  // within 30 seconds, which a TOTP code, accepted once, would not allow); the staff sign-in
  // tests (src/identity) set MOTCUA_STAFF_TOTP=required.
  const config = loadConfig({ DATABASE_URL: t.url, LOG_LEVEL: 'silent', MOTCUA_WEB_DIR: 'web/dist', MOTCUA_UNITS_CACHE_MS: '0', MOTCUA_DEMO: 'off', MOTCUA_STAFF_TOTP: 'optional', ...env });
  const ctx = await openContext(config, { db: t.db, seed: true });
  const app = await buildHttp(ctx);
  await app.ready();
  return { ctx, app };
}

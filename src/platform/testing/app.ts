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
  const config = loadConfig({ DATABASE_URL: t.url, LOG_LEVEL: 'silent', MOTCUA_WEB_DIR: 'web/dist', ...env });
  const ctx = await openContext(config, { db: t.db, seed: true });
  const app = await buildHttp(ctx);
  await app.ready();
  return { ctx, app };
}

/**
 * Assembling the platform: configuration → logger → database (migrated) → built-in data →
 * HTTP server. Used by `motcua serve`, the CLI commands, tests and benchmarks.
 */
import type { Logger } from 'pino';
import type { Config } from '../platform/config.js';
import { Database } from '../platform/db/database.js';
import { migrateToLatest, pendingMigrations } from '../platform/db/migrations.js';
import { createHttpServer } from '../platform/http/server.js';
import { createLogger } from '../platform/logger.js';
import { silentProgress, type Api, type AppContext, type Progress } from '../platform/module.js';
import { allMigrations, modules } from './modules.js';
import { staffAuthProvider } from '../identity/index.js';

export interface OpenOptions {
  /** Use this database instead of opening `config.databaseUrl` (tests). */
  db?: Database;
  logger?: Logger;
  /** Load built-in data (default: as `config.seed` says). */
  seed?: boolean;
  progress?: Progress;
}

/** Opens the database, applies pending migrations and (unless disabled) loads built-in data. */
export async function openContext(config: Config, options: OpenOptions = {}): Promise<AppContext> {
  const logger = options.logger ?? createLogger(config);
  const db = options.db ?? (await Database.open(config.databaseUrl, { poolMax: config.pgPoolMax, timeoutMs: config.dbTimeoutMs }));
  const { applied } = await migrateToLatest(db, allMigrations());
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  const ctx: AppContext = { config, db, logger };
  if (options.seed ?? config.seed === 'builtin') await seedAll(ctx, options.progress ?? silentProgress);
  return ctx;
}

/** Loads every module's built-in data that is not there yet. */
export async function seedAll(ctx: AppContext, progress: Progress = silentProgress): Promise<void> {
  for (const m of modules) if (m.seed) await m.seed(ctx, progress);
}

/** The HTTP server over an opened context (not listening yet). */
export function buildHttp(ctx: AppContext): Promise<Api> {
  return createHttpServer(ctx, modules, {
    pendingMigrations: () => pendingMigrations(ctx.db, allMigrations()),
    auth: staffAuthProvider(ctx.db),
    webDir: ctx.config.webDir,
  });
}

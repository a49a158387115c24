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
import { startJobWorker, startOutboxWorker, type JobHandlers } from '../platform/jobs/index.js';
import { startAuditIndexing } from '../platform/audit/subject-index.js';
import { silentProgress, type Api, type AppContext, type Progress } from '../platform/module.js';
import { allMigrations, modules } from './modules.js';
import { identityAuthProvider } from '../identity/index.js';

export interface OpenOptions {
  /** Use this database instead of opening `config.databaseUrl` (tests); its read side is whatever it was opened with, `config.databaseReadUrl` is not opened. */
  db?: Database;
  logger?: Logger;
  /** Load built-in data (default: as `config.seed` says). */
  seed?: boolean;
  progress?: Progress;
}

/** Opens the database, applies pending migrations and (unless disabled) loads built-in data. */
export async function openContext(config: Config, options: OpenOptions = {}): Promise<AppContext> {
  const logger = options.logger ?? createLogger(config);
  const db =
    options.db ??
    (await Database.open(config.databaseUrl, {
      poolMax: config.pgPoolMax,
      timeoutMs: config.dbTimeoutMs,
      backgroundCheckpoint: true,
      // DATABASE_READ_URL: `db.read` reads from the replica; its outages are logged once each.
      readUrl: config.databaseReadUrl,
      onReadSideChange: (servedBy, error) => {
        if (servedBy === 'primary') logger.warn({ err: error, replica: db.replicaStatus()?.location }, 'read replica unreachable: reads go to the primary database until it answers again');
        else logger.info({ replica: db.replicaStatus()?.location }, 'read replica answers again: reads go to it');
      },
    }));
  const { applied } = await migrateToLatest(db, allMigrations());
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  const ctx: AppContext = { config, db, logger };
  if (options.seed ?? config.seed === 'builtin') await seedAll(ctx, options.progress ?? silentProgress);
  return ctx;
}

/**
 * Loads every module's built-in data that is not there yet. The demo story (src/app/demo-story.ts)
 * is not part of it: `motcua serve` writes it in the background, `motcua seed` after this.
 */
export async function seedAll(ctx: AppContext, progress: Progress = silentProgress): Promise<void> {
  for (const m of modules) if (m.seed) await m.seed(ctx, progress);
}

/** The HTTP server over an opened context (not listening yet). */
export function buildHttp(ctx: AppContext): Promise<Api> {
  // The server reads SQLite through a memory map; command-line work (imports) keeps its memory bounded.
  ctx.db.memoryMap(ctx.config.sqliteMmapMb * 1024 * 1024);
  return createHttpServer(ctx, modules, {
    pendingMigrations: () => pendingMigrations(ctx.db, allMigrations()),
    auth: identityAuthProvider(ctx.db, { cacheMs: ctx.config.sessionCacheMs }),
    webDir: ctx.config.webDir,
  });
}

/** Every module's job handlers by kind; a kind claimed by two modules is a programming error. */
export function jobHandlers(): JobHandlers {
  const all: JobHandlers = {};
  for (const m of modules) {
    for (const [kind, handler] of Object.entries(m.jobs ?? {})) {
      if (kind in all) throw new Error(`duplicate job kind ${kind} (module ${m.name})`);
      all[kind] = handler;
    }
  }
  return all;
}

/**
 * Starts this copy's background loops (unless `MOTCUA_OUTBOX_WORKER=off`): the notification
 * outbox delivery and, when some module has job handlers, the job loop (after queueing the
 * modules' recurring jobs, `PlatformModule.schedule`). `motcua serve` starts them
 * after the server listens and stops them before closing the database; tests do not (they call
 * `deliverDueMessages` / `runDueJobs` themselves).
 */
export function startBackgroundWork(ctx: AppContext, handlers: JobHandlers = jobHandlers()): { stop(): Promise<void> } {
  const loops: { stop(): Promise<void> }[] = [
    startAuditIndexing(ctx.db, { onError: (err) => ctx.logger.warn({ err }, 'audit per-person index: work failed, lookups read the log instead until it succeeds') }),
  ];
  if (ctx.config.outbox.worker) {
    loops.push(startOutboxWorker(ctx));
    if (Object.keys(handlers).length > 0) {
      // The recurring jobs' chains (the month-end reports, the nightly fold of the roll-ups), queued once if missing.
      for (const m of modules) m.schedule?.(ctx).catch((err: unknown) => ctx.logger.error({ err, module: m.name }, 'recurring jobs not queued'));
      loops.push(startJobWorker(ctx, handlers));
    }
  }
  return {
    async stop() {
      await Promise.all(loops.map((l) => l.stop()));
    },
  };
}

/**
 * The `motcua` command line (bin of the package): `serve`, `migrate`, `seed`, `audit verify`,
 * `backup`, `restore`, `keys rotate`, `outbox status`,
 * and each module's commands (`units import`, `units import-succession`, `units list`, …).
 * `--help` on every command. Exit codes: 0 done, 1 failed (message on standard error),
 * 78 bad configuration (one line naming the variable), 2 bad usage.
 */
import { Command, CommanderError } from 'commander';
import closeWithGrace from 'close-with-grace';
import { openContext, buildHttp, startBackgroundWork } from '../app/app.js';
import { seedDemoStory, seedDemoStoryInBackground } from '../app/demo-story.js';
import { modules } from '../app/modules.js';
import { verifyAuditChain } from '../platform/audit/audit.js';
import { countPendingJobs, outboxStats } from '../platform/jobs/index.js';
import { backupDatabase, restoreDatabase, tableCounts } from '../platform/db/backup.js';
import { cliActor, cliLanguage, cliProgress, errorLines, printJson } from '../platform/cli.js';
import { dataCipherFromEnv, type KeyRing } from '../platform/crypto.js';
import { rotateSealedColumns } from '../platform/keys.js';
import { EXIT_CONFIG, loadConfig, type Config } from '../platform/config.js';
import { Database } from '../platform/db/database.js';
import { migrateToLatest } from '../platform/db/migrations.js';
import { AppError } from '../platform/errors.js';
import type { AppContext } from '../platform/module.js';
import { allMigrations } from '../app/modules.js';

function exitOnClosedPipe(e: NodeJS.ErrnoException): void {
  if (e.code === 'EPIPE') process.exit(0);
}

export async function runCli(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const lang = cliLanguage(env);
  const contexts: AppContext[] = [];
  let keepRunning = false;
  const config = (): Config => loadConfig(env);
  /** A migrated context; built-in data loaded unless `seed` is false or MOTCUA_SEED=none. */
  const open = async (seed?: boolean): Promise<AppContext> => {
    const ctx = await openContext(config(), { seed, progress: cliProgress() });
    contexts.push(ctx);
    return ctx;
  };

  // `motcua units list | head` closes the pipe early: that is not an error (one listener per process).
  if (!process.stdout.listeners('error').includes(exitOnClosedPipe)) process.stdout.on('error', exitOnClosedPipe);

  const program = new Command('motcua')
    .description('motcua — the Project 06 (Đề án 06) platform of a province and its communes')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError();

  program
    .command('serve')
    .description('Run the platform: API, web UI and (with REDIS_URL) shared state; migrates and loads built-in data first')
    .action(async () => {
      const cfg = config();
      const ctx = await openContext(cfg, { progress: cliProgress() });
      const app = await buildHttp(ctx);
      let background: { stop(): Promise<void> } | undefined;
      closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
        if (err) ctx.logger.error({ err }, 'shutting down after an error');
        else ctx.logger.info({ signal }, 'shutting down');
        await app.close();
        await background?.stop();
        await ctx.db.close();
      });
      const address = await app.listen({ port: cfg.port, host: cfg.host });
      background = startBackgroundWork(ctx);
      const work = background;
      const story = seedDemoStoryInBackground(ctx);
      background = { stop: async () => void (await Promise.all([story.stop(), work.stop()])) };
      ctx.logger.info({ address, publicUrl: cfg.publicUrl, database: ctx.db.engine, location: ctx.db.location }, 'motcua is serving');
      process.stderr.write(`motcua: serving at ${address} (${ctx.db.engine}: ${ctx.db.location})\n`);
      keepRunning = true;
    });

  program
    .command('migrate')
    .description('Apply pending database migrations (also done at every start)')
    .action(async () => {
      const cfg = config();
      const db = await Database.open(cfg.databaseUrl, { poolMax: 2, timeoutMs: cfg.dbTimeoutMs });
      try {
        const { applied } = await migrateToLatest(db, allMigrations());
        printJson({ applied });
      } finally {
        await db.close();
      }
    });

  program
    .command('seed')
    .description('Load built-in data not loaded yet (administrative units, catalogues; with MOTCUA_DEMO=on the demo people, staff and story)')
    .action(async () => {
      const ctx = await open(true);
      const story = await seedDemoStory(ctx, cliProgress());
      printJson({ seeded: true, ...(story && { demoStory: story }) });
    });
  // Modules add datasets as sub-commands: `motcua seed population …`.

  const audit = program.command('audit').description('The audit log');
  audit
    .command('verify')
    .description('Recompute the hash chain of the audit log; names the first entry altered or removed')
    .action(async () => {
      const ctx = await open(false);
      const result = await verifyAuditChain(ctx.db);
      printJson(result);
      if (!result.ok) throw new AppError('AUDIT_CHAIN_BROKEN', { seq: result.firstBad?.seq ?? '?' });
    });

  program
    .command('backup')
    .argument('<file>', 'where to write the backup (overwritten)')
    .description('Write a consistent copy of the whole database (SQLite online backup; pg_dump for PostgreSQL), safe while serving')
    .action(async (file: string) => {
      const ctx = await open(false);
      const result = await backupDatabase(ctx.db, ctx.config.databaseUrl, file);
      printJson({ ...result, tables: await tableCounts(ctx.db) });
    });

  program
    .command('restore')
    .argument('<file>', 'a file written by `motcua backup`')
    .option('--yes', 'confirm that all current data is replaced')
    .description('Replace the whole database with a backup (stop the server first), then check the audit chain')
    .action(async (file: string, opts: { yes?: boolean }) => {
      if (!opts.yes) throw new AppError('RESTORE_NOT_CONFIRMED');
      const cfg = config();
      await restoreDatabase({ url: cfg.databaseUrl }, file);
      const ctx = await open(false);
      const verification = await verifyAuditChain(ctx.db);
      printJson({ restored: file, tables: await tableCounts(ctx.db), audit: verification });
      if (!verification.ok) throw new AppError('AUDIT_CHAIN_BROKEN', { seq: verification.firstBad?.seq ?? '?' });
    });

  program
    .command('keys')
    .description('The data key that seals personal data at rest (MOTCUA_DATA_KEY)')
    .command('rotate')
    .description(
      'Seal every sealed value (biometrics, TOTP secrets, portal secrets, signing keys) again under MOTCUA_DATA_KEY, from MOTCUA_DATA_KEY_PREVIOUS, in one transaction; keyed hashes stay under MOTCUA_MAC_KEY (README "Rotating the data key")',
    )
    .action(async () => {
      if (!env.MOTCUA_DATA_KEY_PREVIOUS?.trim()) throw new AppError('CONFIG_INVALID', { variable: 'MOTCUA_DATA_KEY_PREVIOUS', expected: 'the data key being replaced (base64 of 32 bytes)', value: '' });
      const ring = dataCipherFromEnv(env) as KeyRing;
      const ctx = await open(false);
      printJson(await rotateSealedColumns(ctx.db, modules.flatMap((m) => m.sealed ?? []), ring, cliActor()));
    });

  program
    .command('outbox')
    .description('The notification outbox and background jobs')
    .command('status')
    .description('Messages pending, sent and failed, the oldest pending one, and jobs waiting (for monitoring)')
    .action(async () => {
      const ctx = await open(false);
      printJson({ messages: await outboxStats(ctx.db), jobsPending: await countPendingJobs(ctx.db) });
    });

  for (const m of modules) m.cli?.(program, () => open());

  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof AppError) {
      for (const line of errorLines(err, lang)) process.stderr.write(`${line}\n`);
      return err.code === 'CONFIG_INVALID' ? EXIT_CONFIG : 1;
    }
    // Anything else is a fault of ours or of the machine: one line, the stack only on request.
    process.stderr.write(`motcua: ${env.MOTCUA_DEBUG ? ((err as Error)?.stack ?? String(err)) : ((err as Error)?.message ?? String(err))}\n`);
    return 1;
  } finally {
    if (!keepRunning) for (const c of contexts) await c.db.close();
  }
}

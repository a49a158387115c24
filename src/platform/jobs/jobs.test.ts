import { setTimeout as sleep } from 'node:timers/promises';
import { Temporal } from 'temporal-polyfill';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { openContext, startBackgroundWork } from '../../app/app.js';
import { loadConfig } from '../config.js';
import { nowUtc } from '../dates.js';
import { Database } from '../db/database.js';
import { AppError } from '../errors.js';
import { createLogger } from '../logger.js';
import type { AppContext } from '../module.js';
import { forEachEngine, type TestDatabase } from '../testing/engines.js';
import { countPendingJobs, enqueueJob, jobState, runDueJobs, type JobHandlers, type JobTables } from './jobs.js';

function at(base: string, ms: number): string {
  return Temporal.Instant.from(base).add({ milliseconds: ms }).toString({ smallestUnit: 'millisecond' });
}

async function secondContext(t: TestDatabase, env: Record<string, string> = {}): Promise<AppContext> {
  const db = await Database.open(t.url, { searchPath: t.schema, poolMax: 4 });
  return { config: loadConfig({ DATABASE_URL: t.url, LOG_LEVEL: 'silent', ...env }), db, logger: createLogger({ logLevel: 'silent' }) };
}

/** A report export of Tỉnh Hải Dương (code 30) for March 2025. */
const EXPORT = { reportId: 'de-an-06-2025-03', unitCode: '30', format: 'xlsx' };

forEachEngine(
  'background jobs',
  async (t) => ({ ctx: await openContext(loadConfig({ DATABASE_URL: t.url, LOG_LEVEL: 'silent' }), { db: t.db, seed: false }) }),
  (env) => {
    const rows = () => env().ctx.db.as<JobTables>().selectFrom('jobs').selectAll().orderBy('id').execute();
    beforeEach(async () => {
      await env().ctx.db.as<JobTables>().deleteFrom('jobs').execute();
    });

    /** Handlers that record each run; `fail(attempt)` makes that attempt throw. */
    function recording(fail?: (attempt: number) => string | undefined, opts: { maxAttempts?: number; retryMs?: number; delayMs?: number } = {}) {
      const runs: { payload: unknown; jobId: number; attempt: number }[] = [];
      const handlers: JobHandlers = {
        'reports.export': {
          maxAttempts: opts.maxAttempts,
          retryMs: opts.retryMs,
          async run(payload, job) {
            runs.push({ payload, jobId: job.jobId, attempt: job.attempt });
            if (opts.delayMs) await sleep(opts.delayMs);
            const why = fail?.(job.attempt);
            if (why) throw new Error(why);
          },
        },
      };
      return { handlers, runs };
    }

    it('stores a job with the caller’s transaction only, once per dedupe key', async () => {
      await expect(
        env().ctx.db.transaction(async (trx) => {
          await enqueueJob(trx, { kind: 'reports.export', payload: EXPORT, dedupeKey: 'reports.export:de-an-06-2025-03' });
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await rows()).toHaveLength(0);
      const first = await env().ctx.db.transaction((trx) => enqueueJob(trx, { kind: 'reports.export', payload: EXPORT, dedupeKey: 'reports.export:de-an-06-2025-03' }));
      expect(await enqueueJob(env().ctx.db.kysely, { kind: 'reports.export', payload: { ...EXPORT, format: 'pdf' }, dedupeKey: 'reports.export:de-an-06-2025-03' })).toEqual({ id: first.id, duplicate: true });
      // Jobs without a key are never deduplicated.
      await enqueueJob(env().ctx.db.kysely, { kind: 'reports.export', payload: EXPORT });
      await enqueueJob(env().ctx.db.kysely, { kind: 'reports.export', payload: EXPORT });
      expect(await countPendingJobs(env().ctx.db)).toBe(3);
      expect(JSON.parse((await rows())[0]!.payload!)).toEqual(EXPORT);
    });

    it('refuses malformed jobs', async () => {
      const code = async (p: Promise<unknown>) => p.then(() => 'accepted', (e: AppError) => `${e.code} ${e.localized('en')}`);
      expect(await code(enqueueJob(env().ctx.db.kysely, { kind: 'Reports Export', payload: {} }))).toBe('JOB_INVALID Background job of kind "Reports Export" is not valid in field kind (a-z 0-9 . _ -, 1–100).');
      expect(await code(enqueueJob(env().ctx.db.kysely, { kind: 'reports.export', payload: {}, runAt: 'tomorrow' }))).toBe('JOB_INVALID Background job of kind "reports.export" is not valid in field runAt (ISO-8601 instant).');
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      expect(await code(enqueueJob(env().ctx.db.kysely, { kind: 'reports.export', payload: cyclic }))).toMatch(/^JOB_INVALID .* field payload/);
      expect(await rows()).toHaveLength(0);
    });

    it('runs a due job with its payload, marks it done and erases the payload; a later job waits for its time', async () => {
      const t0 = nowUtc();
      const { id } = await enqueueJob(env().ctx.db.kysely, { kind: 'reports.export', payload: EXPORT });
      const later = await enqueueJob(env().ctx.db.kysely, { kind: 'reports.export', payload: { ...EXPORT, reportId: 'de-an-06-2025-04' }, runAt: at(t0, 3_600_000) });
      const r = recording();
      expect(await runDueJobs(env().ctx, r.handlers)).toEqual({ done: 1, failed: 0 });
      expect(r.runs).toEqual([{ payload: EXPORT, jobId: id, attempt: 1 }]);
      expect(await jobState(env().ctx.db, id)).toMatchObject({ status: 'done', attempts: 1, lastError: null });
      expect((await rows()).find((x) => Number(x.id) === id)?.payload).toBeNull();
      expect(await jobState(env().ctx.db, later.id)).toMatchObject({ status: 'pending', attempts: 0 });
      expect(await runDueJobs(env().ctx, r.handlers, { now: at(t0, 3_600_000) })).toEqual({ done: 1, failed: 0 });
      expect(r.runs[1]).toMatchObject({ jobId: later.id, payload: { reportId: 'de-an-06-2025-04' } });
    });

    it('retries a failing job with backoff, then fails it with the masked error', async () => {
      const { id } = await enqueueJob(env().ctx.db.kysely, { kind: 'reports.export', payload: EXPORT });
      const r = recording(() => 'cannot reach citizen 030095001234 at 0912345678', { maxAttempts: 2, retryMs: 1000 });
      const t0 = nowUtc();
      expect(await runDueJobs(env().ctx, r.handlers, { now: t0 })).toEqual({ done: 0, failed: 1 });
      expect(await jobState(env().ctx.db, id)).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: at(t0, 1000), lastError: 'cannot reach citizen *********234 at *******678' });
      expect(await runDueJobs(env().ctx, r.handlers, { now: at(t0, 999) })).toEqual({ done: 0, failed: 0 });
      expect(await runDueJobs(env().ctx, r.handlers, { now: at(t0, 1000) })).toEqual({ done: 0, failed: 1 });
      expect(await jobState(env().ctx.db, id)).toMatchObject({ status: 'failed', attempts: 2, lastError: 'cannot reach citizen *********234 at *******678' });
      expect((await rows())[0]!.payload).toBeNull();
      expect(r.runs.map((x) => x.attempt)).toEqual([1, 2]);
    });

    it('claims only the kinds this copy has handlers for', async () => {
      const { id } = await enqueueJob(env().ctx.db.kysely, { kind: 'population.import', payload: { importId: 12 } });
      expect(await runDueJobs(env().ctx, recording().handlers)).toEqual({ done: 0, failed: 0 });
      expect(await runDueJobs(env().ctx, {})).toEqual({ done: 0, failed: 0 });
      expect(await jobState(env().ctx.db, id)).toMatchObject({ status: 'pending', attempts: 0 });
    });

    it('runs each job once while two copies race', async () => {
      await env().ctx.db.transaction(async (trx) => {
        for (let i = 0; i < 20; i++) await enqueueJob(trx, { kind: 'reports.export', payload: { ...EXPORT, n: i } });
      });
      const r = recording(undefined, { delayMs: 5 });
      const other = await secondContext(env().t);
      try {
        const [a, b] = await Promise.all([runDueJobs(env().ctx, r.handlers, { limit: 50 }), runDueJobs(other, r.handlers, { limit: 50 })]);
        expect(a.done + b.done).toBe(20);
      } finally {
        await other.db.close();
      }
      expect(new Set(r.runs.map((x) => x.jobId)).size).toBe(20);
      expect(r.runs).toHaveLength(20);
    });

    it('renews the lease of a running job so that another copy does not take it', async () => {
      const { id } = await enqueueJob(env().ctx.db.kysely, { kind: 'reports.export', payload: EXPORT });
      const r = recording(undefined, { delayMs: 1500 });
      const other = await secondContext(env().t);
      try {
        const running = runDueJobs(env().ctx, r.handlers, { leaseMs: 600 });
        await sleep(900); // past the first lease
        expect(await runDueJobs(other, r.handlers, { leaseMs: 600 })).toEqual({ done: 0, failed: 0 });
        expect(await running).toEqual({ done: 1, failed: 0 });
      } finally {
        await other.db.close();
      }
      expect(r.runs).toHaveLength(1);
      expect(await jobState(env().ctx.db, id)).toMatchObject({ status: 'done', attempts: 1 });
    });

    it('runs jobs in the background loop started for the app', async () => {
      const ctx = await secondContext(env().t, { MOTCUA_OUTBOX_POLL_MS: '50', MOTCUA_SMS_SINK: 'console' });
      const r = recording();
      const loops = startBackgroundWork(ctx, r.handlers);
      try {
        const { id } = await enqueueJob(ctx.db.kysely, { kind: 'reports.export', payload: EXPORT });
        await vi.waitFor(async () => expect((await jobState(ctx.db, id))?.status).toBe('done'), { timeout: 10_000, interval: 50 });
      } finally {
        await loops.stop();
        await ctx.db.close();
      }
    });
  },
);

/**
 * Generic background jobs (DESIGN.md §1: report exports, imports and other slow work): a `jobs`
 * table written in the caller's transaction and a worker loop that runs each job's handler.
 *
 * - {@link enqueueJob} stores `{kind, payload, runAt, dedupeKey}` with the caller's transaction
 *   (rolled back → no job); a repeated `dedupeKey` stores nothing and answers the first job.
 * - Handlers are given to the worker by kind ({@link JobHandlers}); a copy claims only kinds it
 *   has a handler for (a copy of an older version leaves newer kinds to others).
 * - Claims use the lease of src/platform/jobs/lease.ts; while a handler runs its lease is renewed
 *   every third of the lease, so a long import is never taken by a second copy. A copy that dies
 *   mid-job leaves it to another after the lease: a handler may therefore run more than once
 *   for one job and must be idempotent (check what it already did, e.g. by the job id).
 * - A handler that throws is retried after `retryMs × 2^(attempt−1)` (one hour at most) up to
 *   `maxAttempts`, then the job is `failed` with the error's message (personal data masked).
 *   A job done or failed keeps kind, timestamps and error; its payload is erased.
 */
import { sql, type Generated, type Kysely, type Migration } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import { nowUtc, todayInVietnam, VIETNAM_TIME_ZONE } from '../dates.js';
import type { Database } from '../db/database.js';
import { withIdColumn } from '../db/migrations.js';
import { AppError } from '../errors.js';
import type { AppContext } from '../module.js';
import { claimNextRow, newWorkerId, plusMs, retryDelayMs, startLoop } from './lease.js';
import { maskPersonalText } from './recipients.js';

export type JobStatus = 'pending' | 'done' | 'failed';

interface JobRow {
  id: Generated<number>;
  kind: string;
  /** JSON text until done or failed, then null. */
  payload: string | null;
  dedupe_key: string | null;
  status: JobStatus;
  attempts: number;
  next_attempt_at: string;
  claimed_by: string | null;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface JobTables {
  jobs: JobRow;
}

export const jobTableMigrations: Record<string, Migration> = {
  '0011_platform_jobs': {
    async up(db: Kysely<any>) {
      await withIdColumn(db, db.schema.createTable('jobs'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload', 'text')
        // NULL keys never collide (both engines): jobs without a key are never deduplicated.
        .addColumn('dedupe_key', 'text', (c) => c.unique())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'done', 'failed')`))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('claimed_by', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema.createIndex('jobs_due').on('jobs').columns(['next_attempt_at', 'id']).where(sql.ref('status'), '=', 'pending').execute();
    },
  },
};

export interface JobInput {
  /** What to do, `module.task`: `reports.export`, `population.import`. Must have a handler somewhere. */
  kind: string;
  /** JSON-serialisable data for the handler (ids rather than personal data), at most 100 000 characters as JSON. */
  payload: unknown;
  /** ISO-8601 instant before which the job does not run (default: at once). */
  runAt?: string;
  /** Unique key: enqueuing the same key twice stores one job (1–200 characters). */
  dedupeKey?: string;
}

const KIND_RE = /^[a-z0-9][a-z0-9._-]{0,99}$/;

function invalid(kind: string, field: string, limit: string): never {
  throw new AppError('JOB_INVALID', { kind: String(kind).slice(0, 100), field, limit });
}

/**
 * Stores a job in the caller's transaction (`trx`, or the database). Returns its id and
 * `duplicate: true` when `dedupeKey` was already queued (nothing stored).
 * Errors: JOB_INVALID (500, a caller's bug) for a bad kind, payload, runAt or key.
 */
export async function enqueueJob(trx: Kysely<any>, job: JobInput): Promise<{ id: number; duplicate: boolean }> {
  if (typeof job.kind !== 'string' || !KIND_RE.test(job.kind)) invalid(job.kind, 'kind', 'a-z 0-9 . _ -, 1–100');
  let payload: string | undefined;
  try {
    payload = JSON.stringify(job.payload ?? null);
  } catch {
    invalid(job.kind, 'payload', 'JSON');
  }
  if (payload === undefined || payload.length > 100_000) invalid(job.kind, 'payload', 'JSON, 100000');
  if (job.dedupeKey !== undefined && (typeof job.dedupeKey !== 'string' || job.dedupeKey.length < 1 || job.dedupeKey.length > 200)) invalid(job.kind, 'dedupeKey', '1–200');
  const now = nowUtc();
  let runAt = now;
  if (job.runAt !== undefined) {
    try {
      runAt = Temporal.Instant.from(job.runAt).toString({ smallestUnit: 'millisecond' });
    } catch {
      invalid(job.kind, 'runAt', 'ISO-8601 instant');
    }
  }
  const k = trx as Kysely<JobTables>;
  const inserted = await k
    .insertInto('jobs')
    .values({ kind: job.kind, payload, dedupe_key: job.dedupeKey ?? null, status: 'pending', attempts: 0, next_attempt_at: runAt, created_at: now })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: Number(inserted.id), duplicate: false };
  const existing = await k.selectFrom('jobs').select('id').where('dedupe_key', '=', job.dedupeKey!).executeTakeFirstOrThrow();
  return { id: Number(existing.id), duplicate: true };
}

/**
 * Queues the run of daily job `kind` for the Vietnam date `date` (YYYY-MM-DD) at `time` (HH:MM,
 * Vietnam time, UTC+7), once per date among app copies (dedupe key `kind:date`, payload `{date}`).
 */
export async function scheduleDailyJob(db: Kysely<any>, kind: string, date: string, time: string): Promise<void> {
  const runAt = Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: VIETNAM_TIME_ZONE, plainTime: Temporal.PlainTime.from(time) }).toInstant().toString();
  await enqueueJob(db, { kind, payload: { date }, runAt, dedupeKey: `${kind}:${date}` });
}

/**
 * A job that runs every day at `time` (Vietnam time): each run first queues the next day's (so a
 * failing run never breaks the chain), then does `work` for the Vietnam date it runs on. A module
 * starts the chain by calling {@link scheduleDailyJob} for today from its `seed`.
 */
export function dailyJob(kind: string, time: string, work: (job: JobRun, today: string) => Promise<void>): JobHandler {
  return {
    async run(_payload, job) {
      const today = todayInVietnam(Temporal.Instant.from(job.now));
      await scheduleDailyJob(job.ctx.db.kysely, kind, Temporal.PlainDate.from(today).add({ days: 1 }).toString(), time);
      await work(job, today);
    },
  };
}

/** What a handler is given besides the payload. */
export interface JobRun {
  ctx: AppContext;
  jobId: number;
  /** 1 for the first attempt. */
  attempt: number;
  /** The instant this run started, ISO-8601 UTC (the clock, or the test's `now`). */
  now: string;
}

export interface JobHandler {
  /** Does the job; throws to have it retried. Must be idempotent (it may run again after a crash). */
  run(payload: unknown, job: JobRun): Promise<void>;
  /** Attempts before the job is failed (default 5). */
  maxAttempts?: number;
  /** Wait before the first retry, doubled each time (default 30 000 ms). */
  retryMs?: number;
}

/** Handlers by job kind. */
export type JobHandlers = Record<string, JobHandler>;

export interface RunJobsOptions {
  /** Most jobs claimed in this pass (default 10). */
  limit?: number;
  /** The current instant, ISO-8601 UTC (tests; default the clock). */
  now?: string;
  /** Lease length (tests; default `MOTCUA_OUTBOX_LEASE_MS`). */
  leaseMs?: number;
}

type ClaimedJob = Omit<JobRow, 'id'> & { id: number };

const workerIds = new WeakMap<AppContext, string>();

/**
 * Runs due jobs one after the other, once (the worker loop and tests call it). Returns how many
 * were done and how many runs failed (retried later, or the job failed after its last attempt).
 */
export async function runDueJobs(ctx: AppContext, handlers: JobHandlers, opts: RunJobsOptions = {}): Promise<{ done: number; failed: number }> {
  const leaseMs = opts.leaseMs ?? ctx.config.outbox.leaseMs;
  const limit = opts.limit ?? 10;
  const clock = () => opts.now ?? nowUtc();
  let workerId = workerIds.get(ctx);
  if (!workerId) {
    workerId = newWorkerId();
    workerIds.set(ctx, workerId);
  }
  const k = ctx.db.as<JobTables>();
  const kinds = Object.keys(handlers);
  let done = 0;
  let failed = 0;
  for (let i = 0; i < limit; i++) {
    const row = await claimNextRow<ClaimedJob>(ctx.db, 'jobs', workerId, clock(), leaseMs, { column: 'kind', values: kinds });
    if (!row) break;
    const handler = handlers[row.kind]!;
    // Only while this worker still holds the claim.
    const mine = k.updateTable('jobs').where('id', '=', row.id).where('status', '=', 'pending').where('claimed_by', '=', workerId);
    // Renew the lease while the handler runs: a long job is never taken by another copy.
    const renew = setInterval(() => {
      void mine
        .set({ lease_until: plusMs(clock(), leaseMs) })
        .execute()
        .catch(() => undefined);
    }, Math.max(10, Math.floor(leaseMs / 3)));
    let error: string | undefined;
    try {
      await handler.run(row.payload === null ? null : JSON.parse(row.payload), { ctx, jobId: row.id, attempt: row.attempts, now: clock() });
    } catch (err) {
      error = maskPersonalText((err as Error)?.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 500) || 'failed';
    } finally {
      clearInterval(renew);
    }
    const now = clock();
    if (error === undefined) {
      done++;
      await mine.set({ status: 'done', finished_at: now, payload: null, claimed_by: null, lease_until: null, last_error: null }).execute();
      ctx.logger.info({ jobId: row.id, kind: row.kind, attempts: row.attempts }, 'job done');
    } else if (row.attempts >= (handler.maxAttempts ?? 5)) {
      failed++;
      await mine.set({ status: 'failed', finished_at: now, payload: null, claimed_by: null, lease_until: null, last_error: error }).execute();
      ctx.logger.error({ jobId: row.id, kind: row.kind, attempts: row.attempts, error }, 'job failed for good');
    } else {
      failed++;
      const next = plusMs(now, retryDelayMs(handler.retryMs ?? 30_000, row.attempts));
      await mine.set({ next_attempt_at: next, claimed_by: null, lease_until: null, last_error: error }).execute();
      ctx.logger.warn({ jobId: row.id, kind: row.kind, attempts: row.attempts, nextAttemptAt: next, error }, 'job failed; will retry');
    }
  }
  return { done, failed };
}

/** Starts this copy's job loop over `handlers` (pause `MOTCUA_OUTBOX_POLL_MS` when nothing is due). */
export function startJobWorker(ctx: AppContext, handlers: JobHandlers): { stop(): Promise<void> } {
  const limit = 10;
  return startLoop(
    ctx.config.outbox.pollMs,
    async () => {
      const r = await runDueJobs(ctx, handlers, { limit });
      return r.done + r.failed >= limit;
    },
    (err) => ctx.logger.error({ error: maskPersonalText((err as Error)?.message ?? String(err)) }, 'job pass failed; retrying at each poll'),
    () => ctx.logger.info('jobs run again'),
  );
}

export interface JobState {
  id: number;
  kind: string;
  status: JobStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** The state of job `id` (for tests, tools and status endpoints), or undefined. */
export async function jobState(db: Database | Kysely<any>, id: number): Promise<JobState | undefined> {
  const k = ('kysely' in db ? db.kysely : db) as Kysely<JobTables>;
  const r = await k.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) return undefined;
  return {
    id: Number(r.id),
    kind: r.kind,
    status: r.status,
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

/** Jobs waiting to run (due now or later): the queue depth for metrics. */
export async function countPendingJobs(db: Database | Kysely<any>): Promise<number> {
  const k = ('kysely' in db ? db.kysely : db) as Kysely<JobTables>;
  const r = await k.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Claiming work rows with a lease, shared by the outbox (`outbox_messages`) and the jobs table
 * (`jobs`). Both tables have `id`, `status` ('pending' while work remains), `next_attempt_at`,
 * `claimed_by`, `lease_until` and `attempts`; timestamps are ISO-8601 UTC text with milliseconds,
 * so text order is time order.
 *
 * A claim is ONE statement: `UPDATE t SET claimed_by = me, lease_until = now + lease,
 * attempts = attempts + 1 WHERE id = (SELECT id … due … ORDER BY next_attempt_at, id LIMIT 1
 * [FOR UPDATE SKIP LOCKED]) AND status = 'pending' AND (lease_until IS NULL OR lease_until < now)
 * RETURNING *`. On PostgreSQL the inner select skips rows another worker is claiming right now and
 * the outer condition is re-checked on the locked row (READ COMMITTED); SQLite runs the statement
 * under its single write lock. Either way two workers never hold the same row at the same time.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import type { Database } from '../db/database.js';

/** `iso` plus `ms` milliseconds, as ISO-8601 UTC text with milliseconds. */
export function plusMs(iso: string, ms: number): string {
  return Temporal.Instant.from(iso).add({ milliseconds: ms }).toString({ smallestUnit: 'millisecond' });
}

/** The delay before retry number `attempt` (1 = first retry): `retryMs × 2^(attempt−1)`, one hour at most. */
export function retryDelayMs(retryMs: number, attempt: number): number {
  return Math.min(3_600_000, retryMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
}

/** Identifies one worker in `claimed_by`: host, process and a random suffix. */
export function newWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`.slice(0, 200);
}

export interface LeasedRow {
  id: number;
  attempts: number;
  [column: string]: unknown;
}

/**
 * Claims the next due row of `table` for `workerId` until `now + leaseMs`, counting one attempt;
 * undefined when nothing is due. `only` narrows the rows (e.g. to the job kinds this copy can run).
 */
export async function claimNextRow<R extends LeasedRow>(
  db: Database,
  table: 'outbox_messages' | 'jobs',
  workerId: string,
  now: string,
  leaseMs: number,
  only?: { column: string; values: readonly string[] },
): Promise<R | undefined> {
  if (only && only.values.length === 0) return undefined;
  const k = db.kysely as Kysely<any>;
  let due = k
    .selectFrom(table)
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(1);
  if (only) due = due.where(only.column, 'in', only.values);
  // PostgreSQL: a row another worker is claiming right now is skipped rather than waited for.
  if (db.engine === 'postgres') due = due.forUpdate().skipLocked();
  const row = await k
    .updateTable(table)
    .set({ claimed_by: workerId, lease_until: plusMs(now, leaseMs), attempts: sql`attempts + 1` })
    .where('id', '=', due)
    // Re-checked on the row itself: a claim never takes a row whose lease is still running.
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .returningAll()
    .executeTakeFirst();
  return row ? ({ ...row, id: Number(row.id), attempts: Number(row.attempts) } as R) : undefined;
}

/**
 * Runs `pass` in a loop until stopped: again at once when it reports a full pass, else after
 * `pollMs`. A failing pass (database down) is logged once, and its recovery once.
 * `stop()` waits for the pass in progress to end.
 */
export function startLoop(
  pollMs: number,
  pass: () => Promise<boolean>,
  onFailure: (err: unknown) => void,
  onRecovery: () => void,
): { stop(): Promise<void> } {
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failing = false;
  const pause = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, pollMs);
    });
  const loop = async () => {
    while (!stopped) {
      let full = false;
      try {
        full = await pass();
        if (failing) onRecovery();
        failing = false;
      } catch (err) {
        if (!failing) onFailure(err);
        failing = true;
      }
      if (!stopped && !full) await pause();
    }
  };
  const running = loop();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake?.();
      await running;
    },
  };
}

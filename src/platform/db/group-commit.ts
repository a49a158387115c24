/**
 * Group commit of independent write transactions: the writes that callers of this process queue
 * at the same moment are done together by ONE database transaction, by a function given all of
 * them (so that it can write each table's rows with one multi-row statement) — one BEGIN and one
 * COMMIT, and the pages they share (a table's last leaf, an index's right edge, a counter row)
 * written to the log once, instead of once per write. On SQLite, where every write transaction
 * holds the one connection and the write lock anyway, this is the same serial work with fewer
 * statements and commits.
 *
 * Each write keeps its atomicity: all of its rows commit together or none do.
 * - Each caller's promise settles only once the shared transaction has committed (its result) or
 *   failed, so an answer given after awaiting it is never one about a write that may still vanish.
 * - When a batch of several writes fails for another reason than the database being unreachable
 *   ({@link isDatabaseUnavailable}) — one of them breaks a constraint, say — each of its writes
 *   is done again alone, in a transaction of its own, so one bad write fails only its own caller.
 *   A single write that fails, or any batch failing because the database is unreachable, rejects
 *   its callers with the error.
 *
 * A batch starts on the event loop's next check phase (`setImmediate`) after its first write
 * arrives, so waiting adds no timer delay; writes arriving while a batch runs form the next one
 * (at most one batch in flight per instance). The write function must do nothing but database
 * work in the transaction it is given (a write may be done twice: alone after a failed batch),
 * and answer one result per item, in order.
 * The audit log's group commit of reads (src/platform/audit/audit.ts) is built on it.
 */
import type { Transaction } from 'kysely';
import { isDatabaseUnavailable, type Database } from './database.js';

export interface GroupCommitOptions {
  /** Most writes in one transaction (default 32); more wait for the next one. */
  maxBatch?: number;
}

interface Queued<I, R> {
  item: I;
  resolve(result: R): void;
  reject(err: unknown): void;
}

export class GroupCommit<I, R> {
  private queue: Queued<I, R>[] = [];
  private scheduled = false;
  private writing = false;
  /** Transactions committed and writes committed in them so far (writes ÷ batches: the mean batch). */
  readonly stats = { batches: 0, writes: 0 };

  constructor(
    private readonly db: Database,
    private readonly write: (trx: Transaction<any>, items: readonly I[]) => Promise<R[]>,
    private readonly options: GroupCommitOptions = {},
  ) {}

  /** Queues one write; resolves to its result once committed, rejects with its error (nothing of it written). */
  run(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled && !this.writing) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          void this.drain();
        });
      }
    });
  }

  /** Writes queued items, batch after batch, until none is left. */
  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, Math.max(1, this.options.maxBatch ?? 32));
        await this.commit(batch);
      }
    } finally {
      this.writing = false;
    }
  }

  private async commit(batch: Queued<I, R>[]): Promise<void> {
    let results: R[];
    try {
      results = await this.db.transaction(async (trx) => {
        const out = await this.write(trx, batch.map((q) => q.item));
        if (out.length !== batch.length) throw new Error(`group commit: ${out.length} results for ${batch.length} writes`);
        return out;
      });
    } catch (err) {
      if (batch.length === 1 || isDatabaseUnavailable(err)) {
        for (const q of batch) q.reject(err);
        return;
      }
      for (const q of batch) await this.commit([q]);
      return;
    }
    this.stats.batches++;
    this.stats.writes += batch.length;
    batch.forEach((q, i) => q.resolve(results[i]!));
  }
}

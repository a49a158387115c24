/**
 * The per-person index of the audit log ("who looked at my record", nhật ký truy cập theo chủ thể):
 * which entries touched a subject (`citizen:001203004567`, `staff:canbo.camhoang`, …), written in
 * sorted runs after the fact instead of one row per entry on the request path.
 *
 * Why: a read of a person writes one audit entry, and a row keyed by its subject lands on a random
 * leaf of an index as large as the log — one more 4 KiB page written to the write-ahead log (and
 * copied back by the checkpoint) for almost every read. Measured on the population-lookup
 * benchmark (bench/population-lookup.bench.ts, 1,000,000 people, 10 connections): that row was
 * 12–15 µs of the server's CPU time a request, a fifth of an audited lookup.
 *
 * How (a log-structured merge, as in LSM trees): the entry itself is committed before the read is
 * answered, as always, and names its subjects (`audit_log.subjects`). Entries after the
 * **watermark** are the *tail*: a lookup by subject scans it (at most a few thousand entries). When
 * the tail holds {@link SubjectIndexOptions.runSubjects} subject rows, they are sorted and written
 * as one **run** — rows `(run, subject, seq)` of `audit_subject_runs`, appended at the right edge
 * of one B-tree, so a page holds ~100 of them and is written once — and the watermark moves past
 * them. When {@link SubjectIndexOptions.fanIn} runs of one level exist, they are merged, in subject
 * order, into one run of the next level, so a lookup probes a few dozen runs at most. The run
 * registry (`audit_runs`) says which runs are `ready` (read by lookups), `building` (being written,
 * invisible) or `retired` (replaced, being deleted). A run turns ready, and its sources or its
 * tail turn covered, in one transaction, so a lookup — one statement, one snapshot — always sees
 * every entry exactly once: in a ready run or in the tail.
 *
 * The work is done in small transactions (at most {@link SubjectIndexOptions.chunkRows} rows
 * each) between requests, by one process at a time (a lease row, `audit_index`, renewed by every
 * chunk; a process that stops mid-way leaves a `building` run, which the next holder retires and
 * deletes: nothing half-written is ever read). The index is derived data: the hash chain covers
 * the entries, not the index, and losing the index's work loses no entry.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { randomUUID } from 'node:crypto';
import { insertRows, isDatabaseUnavailable, isPostgres, runStatement, statementText, type Database, type StatementText } from '../db/database.js';

/** Level of runs that are never merged again (the index as it stood before runs, migration 0006). */
const TOP_LEVEL = 10;
const LEASE_MS = 60_000;

export interface SubjectIndexOptions {
  /** Subject rows of the tail that make a run (default 8,192). */
  runSubjects?: number;
  /** Runs of one level merged into one of the next (default 8). */
  fanIn?: number;
  /** Most rows written or deleted by one transaction (default 1,000): the longest pause a request can meet. */
  chunkRows?: number;
}

interface RunRow {
  run: number;
  level: number;
  state: 'building' | 'ready' | 'retired';
  first_seq: number;
  last_seq: number;
  entries: number;
}

export const subjectIndexMigrations: Record<string, Migration> = {
  /**
   * The per-person index in runs (this file's docstring). The rows of `audit_subjects`, the index
   * written one row per entry until now, become the first run (never merged again), with the
   * watermark at the last entry written, and the old table is dropped.
   */
  '0006_platform_audit_subject_runs': {
    async up(db: Kysely<any>) {
      const postgres = isPostgres(db);
      const work = async (trx: Kysely<any>) => {
        if (postgres) {
          await sql`create table audit_subject_runs (run bigint not null, subject text not null, seq bigint not null, primary key (run, subject, seq))`.execute(trx);
        } else {
          await sql`create table audit_subject_runs (run integer not null, subject text not null, seq integer not null, primary key (run, subject, seq)) without rowid`.execute(trx);
        }
        await trx.schema
          .createTable('audit_runs')
          .addColumn('run', 'bigint', (c) => c.primaryKey())
          .addColumn('level', 'integer', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('first_seq', 'bigint', (c) => c.notNull())
          .addColumn('last_seq', 'bigint', (c) => c.notNull())
          .addColumn('entries', 'bigint', (c) => c.notNull())
          .execute();
        await trx.schema
          .createTable('audit_index')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('watermark', 'bigint', (c) => c.notNull())
          .addColumn('next_run', 'bigint', (c) => c.notNull())
          .addColumn('lease_owner', 'text')
          .addColumn('lease_until', 'bigint')
          .execute();
        const head = await trx.selectFrom('audit_head').select('seq').where('id', '=', 1).executeTakeFirst();
        const watermark = Number(head?.seq ?? 0);
        const copied = await sql`insert into audit_subject_runs (run, subject, seq) select 1, subject, seq from audit_subjects order by subject, seq`.execute(trx);
        const rows = Number(copied.numAffectedRows ?? 0);
        if (rows > 0) await trx.insertInto('audit_runs').values({ run: 1, level: TOP_LEVEL, state: 'ready', first_seq: 1, last_seq: watermark, entries: rows }).execute();
        await trx.insertInto('audit_index').values({ id: 1, watermark, next_run: 2, lease_owner: null, lease_until: null }).execute();
        await trx.schema.dropTable('audit_subjects').execute();
      };
      // PostgreSQL runs each migration in a transaction already; SQLite migrations do not (no transactional DDL in Kysely).
      if (postgres) await work(db);
      else await db.transaction().execute(work);
    },
  },
};

/** The JSON text a subject has inside `audit_log.subjects` (a JSON array of strings): what the tail is searched for. */
function quoted(key: string): string {
  return JSON.stringify(key);
}

/**
 * A statement over the ready runs and the tail, in each engine's form: `match` is where the tail's
 * entries are searched for the subject's JSON text (`instr` on SQLite, `strpos` on PostgreSQL).
 */
function overRunsAndTail(build: (union: string) => string): StatementText {
  const union = (match: string) =>
    `select seq from audit_subject_runs where run in (select run from audit_runs where state = 'ready') and subject = ? ` +
    `union select seq from audit_log where seq > (select watermark from audit_index where id = 1) and ${match}`;
  return { sqlite: build(union('instr(subjects, ?) > 0')), postgres: statementText(build(union('strpos(subjects, ?) > 0'))).postgres };
}
const SUBJECT_PAGE = overRunsAndTail((union) => `select seq from (${union}) s where seq <= ? order by seq desc limit ? offset ?`);
const SUBJECT_COUNT = overRunsAndTail((union) => `select count(*) as n, max(seq) as newest from (${union}) s where seq <= ?`);

/**
 * Sequence numbers of the entries that touched `key` (`type:id`) up to entry `upTo` (default: all
 * of them), newest first, `limit` from `offset`; how many there are in all up to `upTo`, and the
 * newest of them (0 when none). Two statements, each one snapshot of the ready runs and the tail,
 * so each sees every entry exactly once. Cost: one probe of the primary key per ready run (a few
 * dozen) and a scan of the tail (at most a run's worth of entries, more only while the work is
 * behind).
 */
export async function subjectEntrySeqs(db: Kysely<any>, key: string, page: { offset: number; limit: number }, upTo = Number.MAX_SAFE_INTEGER): Promise<{ seqs: number[]; total: number; newest: number }> {
  const [rows, [count]] = await Promise.all([
    runStatement<{ seq: number }>(db, SUBJECT_PAGE, [key, quoted(key), upTo, page.limit, page.offset]),
    runStatement<{ n: number; newest: number | null }>(db, SUBJECT_COUNT, [key, quoted(key), upTo]),
  ]);
  return { seqs: rows.map((r) => Number(r.seq)), total: Number(count?.n ?? 0), newest: Number(count?.newest ?? 0) };
}

const DROP_LEASE = statementText('update audit_index set lease_owner = null, lease_until = null where id = 1 and lease_owner = ?');
const READ_INDEX = statementText('select watermark, next_run from audit_index where id = 1');
const TAIL = statementText('select seq, subjects from audit_log where seq > ? order by seq limit ?');
const RUN_ROWS_INSERT = ['run', 'subject', 'seq'] as const;

class LeaseLost extends Error {
  constructor() {
    super('audit subject index: the lease was taken over by another process');
  }
}

/**
 * Writes the per-person index of one database's audit log in runs (this file's docstring):
 * {@link noteAppended} after entries are written schedules the work when enough is waiting;
 * {@link maintain} does all that is due (at start, periodically, in tests); {@link stop} waits for the
 * chunk in progress and ends the work. Errors are counted in {@link stats} (and passed to
 * `onError`); they never reach a request: the entries are committed whatever happens here.
 */
export class AuditSubjectIndex {
  readonly stats = { runsWritten: 0, merges: 0, rowsWritten: 0, rowsDeleted: 0, errors: 0 };
  onError: ((err: unknown) => void) | undefined;
  private readonly runSubjects: number;
  private readonly fanIn: number;
  private readonly chunkRows: number;
  private readonly owner = randomUUID();
  private pending = 0;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: Database,
    options: SubjectIndexOptions = {},
  ) {
    this.runSubjects = Math.max(1, options.runSubjects ?? 8192);
    this.fanIn = Math.max(2, options.fanIn ?? 8);
    this.chunkRows = Math.max(1, options.chunkRows ?? 1000);
  }

  /** `subjectRows` more subject rows were appended to the log by this process: starts the work when a run's worth is waiting. */
  noteAppended(subjectRows: number): void {
    this.pending += subjectRows;
    if (this.pending >= this.runSubjects && !this.running && !this.stopped) {
      setImmediate(() => void this.maintain().catch(() => undefined));
    }
  }

  /**
   * Does what is due, chunk after chunk, yielding to other work between chunks: deletes retired
   * runs, writes a run of the tail when it holds `runSubjects` rows (with `all`, whatever it
   * holds), merges full levels. Resolves when nothing is due or another process holds the lease;
   * rejects only with `all` (a test or a command waiting for the result).
   */
  maintain(options: { all?: boolean } = {}): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          this.pending = 0;
          await this.work(options.all ?? false);
        } while (this.again && !this.stopped);
      } catch (err) {
        if (!(err instanceof LeaseLost)) {
          this.stats.errors++;
          if (!isDatabaseUnavailable(err)) this.onError?.(err);
          if (options.all) throw err;
        }
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Lets the work run again after {@link stop} (a process that stops its background work and starts it again). */
  resume(): void {
    this.stopped = false;
  }

  /** Ends the work: waits for the chunk in progress, gives the lease back. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
    await runStatement(this.db.kysely, DROP_LEASE, [this.owner]).catch(() => undefined);
  }

  private async work(all: boolean): Promise<void> {
    if (!(await this.takeLease())) return;
    try {
      // Runs a process left building when it stopped are nobody's now: retire them (deleted below).
      await this.chunk((trx) => trx.updateTable('audit_runs').set({ state: 'retired' }).where('state', '=', 'building').execute());
      for (;;) {
        if (this.stopped) return;
        if (await this.purgeOne()) continue;
        if (await this.flushTail(all)) continue;
        if (await this.mergeOneLevel()) continue;
        return;
      }
    } finally {
      await runStatement(this.db.kysely, DROP_LEASE, [this.owner]).catch(() => undefined);
    }
  }

  /** Takes the lease when nobody holds it, this process does, or its holder let it run out. */
  private async takeLease(): Promise<boolean> {
    const now = Date.now();
    const taken = await this.db.kysely
      .updateTable('audit_index')
      .set({ lease_owner: this.owner, lease_until: now + LEASE_MS })
      .where('id', '=', 1)
      .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '=', this.owner), eb('lease_until', '<', now)]))
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1;
  }

  /** One transaction of the work, the lease renewed in it (its row locked on PostgreSQL); then a pause for other work. */
  private async chunk<R>(fn: (trx: Kysely<any>) => Promise<R>): Promise<R> {
    if (this.stopped) throw new LeaseLost();
    const result = await this.db.transaction(async (trx) => {
      const renewed = await trx.updateTable('audit_index').set({ lease_until: Date.now() + LEASE_MS }).where('id', '=', 1).where('lease_owner', '=', this.owner).executeTakeFirst();
      if (Number(renewed.numUpdatedRows) !== 1) throw new LeaseLost();
      return fn(trx);
    });
    await new Promise<void>((resolve) => setImmediate(resolve));
    return result;
  }

  /** Deletes up to `chunkRows` rows of one retired run (its registry row with the last of them). True when there was one. */
  private async purgeOne(): Promise<boolean> {
    const retired = await this.db.kysely.selectFrom('audit_runs').select('run').where('state', '=', 'retired').orderBy('run').limit(1).executeTakeFirst();
    if (!retired) return false;
    const run = Number(retired.run);
    await this.chunk(async (trx) => {
      // Keyset by (subject, seq): a subject read a million times is still deleted chunkRows rows at a time.
      const bound = await trx.selectFrom('audit_subject_runs').select(['subject', 'seq']).where('run', '=', run).orderBy('subject').orderBy('seq').offset(this.chunkRows).limit(1).executeTakeFirst();
      let q = trx.deleteFrom('audit_subject_runs').where('run', '=', run);
      if (bound) q = q.where(sql<boolean>`(subject, seq) < (${bound.subject}, ${bound.seq})`);
      const deleted = await q.executeTakeFirst();
      this.stats.rowsDeleted += Number(deleted.numDeletedRows);
      if (!bound) await trx.deleteFrom('audit_runs').where('run', '=', run).execute();
    });
    return true;
  }

  /**
   * Writes the tail's first `runSubjects` subject rows (with `all`, the whole tail) as a level-0
   * run and moves the watermark past their entries. Entries without subjects are passed over.
   * True when the watermark moved.
   */
  private async flushTail(all: boolean): Promise<boolean> {
    const [index] = await runStatement<{ watermark: number; next_run: number }>(this.db.kysely, READ_INDEX, []);
    if (!index) return false;
    const from = Number(index.watermark);
    const pairs: { subject: string; seq: number }[] = [];
    let last = from;
    // Read whole entries until a run's worth of subject rows is there (an entry is never split).
    while (pairs.length < this.runSubjects) {
      const rows = await runStatement<{ seq: number; subjects: string }>(this.db.kysely, TAIL, [last, 500]);
      if (rows.length === 0) break;
      for (const r of rows) {
        const seq = Number(r.seq);
        for (const subject of new Set(JSON.parse(r.subjects) as string[])) pairs.push({ subject, seq });
        last = seq;
        if (pairs.length >= this.runSubjects) break;
      }
    }
    if (last === from || (pairs.length < this.runSubjects && !all)) return false;
    pairs.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.seq - b.seq));
    const run = await this.newRun(0, from + 1, last, pairs.length);
    await this.writeRows(run, pairs);
    await this.chunk(async (trx) => {
      await trx.updateTable('audit_runs').set({ state: 'ready' }).where('run', '=', run).execute();
      const moved = await trx.updateTable('audit_index').set({ watermark: last }).where('id', '=', 1).where('watermark', '=', from).executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) throw new Error('audit subject index: the watermark moved under the lease');
    });
    this.stats.runsWritten++;
    return true;
  }

  /** Merges the oldest `fanIn` ready runs of the lowest full level into one run of the next level. True when it did. */
  private async mergeOneLevel(): Promise<boolean> {
    const levels = await this.db.kysely
      .selectFrom('audit_runs')
      .select(['level', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', '=', 'ready')
      .where('level', '<', TOP_LEVEL)
      .groupBy('level')
      .orderBy('level')
      .execute();
    const full = levels.find((l) => Number(l.n) >= this.fanIn);
    if (!full) return false;
    const sources = (await this.db.kysely
      .selectFrom('audit_runs')
      .selectAll()
      .where('state', '=', 'ready')
      .where('level', '=', full.level)
      .orderBy('run')
      .limit(this.fanIn)
      .execute()) as RunRow[];
    const ids = sources.map((s) => Number(s.run));
    const entries = sources.reduce((n, s) => n + Number(s.entries), 0);
    const largest = sources.reduce((a, b) => (Number(b.entries) > Number(a.entries) ? b : a));
    const run = await this.newRun(
      Number(full.level) + 1,
      Math.min(...sources.map((s) => Number(s.first_seq))),
      Math.max(...sources.map((s) => Number(s.last_seq))),
      entries,
    );
    // Chunks in (subject, seq) order, their bounds taken from the largest source: about chunkRows rows of all sources a chunk.
    const step = Math.max(1, Math.floor((this.chunkRows * Number(largest.entries)) / Math.max(1, entries)));
    let after: { subject: string; seq: number } = { subject: '', seq: 0 };
    for (let done = false; !done; ) {
      await this.chunk(async (trx) => {
        const from = after;
        const bound = await trx
          .selectFrom('audit_subject_runs')
          .select(['subject', 'seq'])
          .where('run', '=', largest.run)
          .where(sql<boolean>`(subject, seq) > (${from.subject}, ${from.seq})`)
          .orderBy('subject')
          .orderBy('seq')
          .offset(step)
          .limit(1)
          .executeTakeFirst();
        const select = trx
          .selectFrom('audit_subject_runs')
          .select([sql<number>`${sql.lit(run)}`.as('run'), 'subject', 'seq'])
          .where('run', 'in', ids)
          .where(sql<boolean>`(subject, seq) > (${from.subject}, ${from.seq})`)
          .$if(bound !== undefined, (q) => q.where(sql<boolean>`(subject, seq) <= (${bound!.subject}, ${bound!.seq})`))
          .orderBy('subject')
          .orderBy('seq');
        const inserted = await trx.insertInto('audit_subject_runs').columns(['run', 'subject', 'seq']).expression(select).executeTakeFirst();
        this.stats.rowsWritten += Number(inserted.numInsertedOrUpdatedRows ?? 0);
        if (bound) after = { subject: bound.subject, seq: Number(bound.seq) };
        else done = true;
      });
    }
    await this.chunk(async (trx) => {
      await trx.updateTable('audit_runs').set({ state: 'ready' }).where('run', '=', run).execute();
      await trx.updateTable('audit_runs').set({ state: 'retired' }).where('run', 'in', ids).execute();
    });
    this.stats.merges++;
    return true;
  }

  /** Registers a new run (building) and answers its number. */
  private async newRun(level: number, firstSeq: number, lastSeq: number, entries: number): Promise<number> {
    return this.chunk(async (trx) => {
      const [index] = await runStatement<{ next_run: number }>(trx, READ_INDEX, []);
      const run = Number(index!.next_run);
      await trx.updateTable('audit_index').set({ next_run: run + 1 }).where('id', '=', 1).execute();
      await trx.insertInto('audit_runs').values({ run, level, state: 'building', first_seq: firstSeq, last_seq: lastSeq, entries }).execute();
      return run;
    });
  }

  private async writeRows(run: number, pairs: readonly { subject: string; seq: number }[]): Promise<void> {
    for (let i = 0; i < pairs.length; i += this.chunkRows) {
      const rows = pairs.slice(i, i + this.chunkRows).map((p) => ({ run, subject: p.subject, seq: p.seq }));
      await this.chunk((trx) => insertRows(trx, 'audit_subject_runs', RUN_ROWS_INSERT, rows, { perStatement: 500, types: { run: 'bigint', seq: 'bigint' } }));
      this.stats.rowsWritten += rows.length;
    }
  }
}

const indexes = new WeakMap<Database, AuditSubjectIndex>();

/** The subject index of `db` in this process, with the default sizes (the one the audit log's writers nudge). */
export function subjectIndexOf(db: Database): AuditSubjectIndex {
  let index = indexes.get(db);
  if (!index) {
    index = new AuditSubjectIndex(db);
    indexes.set(db, index);
  }
  return index;
}

/**
 * Keeps the per-person index of `db` caught up in a long-running process (`motcua serve`): does
 * what is due at once and then every `intervalMs` (default 30 s) — besides the work that reads
 * schedule themselves — so that entries written by changes, by other processes (a command-line
 * import) or in quiet hours are indexed too. Failures go to `onError` (the log); lookups stay
 * complete whatever happens here, through the tail. `stop()` before the database is closed.
 */
export function startAuditIndexing(db: Database, options: { intervalMs?: number; onError?: (err: unknown) => void } = {}): { stop(): Promise<void> } {
  const index = subjectIndexOf(db);
  index.onError = options.onError;
  index.resume();
  const run = () => void index.maintain().catch(() => undefined);
  run();
  const timer = setInterval(run, options.intervalMs ?? 30_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await index.stop();
    },
  };
}

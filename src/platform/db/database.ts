/**
 * Storage on two engines behind one Kysely instance (DESIGN.md §1, §2):
 * - SQLite through better-sqlite3 12.x, the embedded default (`sqlite:PATH`, `sqlite::memory:`),
 *   with WAL, foreign keys on and a busy timeout;
 * - PostgreSQL through `pg` (`postgres://…`), with a bounded pool and statement, connection and
 *   idle-in-transaction timeouts so that a stopped database fails requests fast.
 *
 * Modules type their own tables: `db.as<UnitsTables>()` gives a `Kysely<UnitsTables>`; nothing
 * outside a module's `store.ts` names its tables.
 *
 * Read side ({@link Database.read}): with a PostgreSQL read replica (`DATABASE_READ_URL`, a hot
 * standby fed by streaming replication), lookups and reports that ask for it explicitly
 * (`db.read`) run there; everything else, and every write (audit entries of those reads
 * included), stays on the primary. Without a replica — and always on SQLite — `db.read` is the
 * primary itself. See {@link ReadSidePool} for lag and for what happens when the replica is down.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import type pg from 'pg';
import { CompiledQuery, Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type Driver, type SqliteDatabase, type SqliteDialectConfig, type Transaction, type LogEvent } from 'kysely';
import { lazyRequire } from '../lazy.js';

export type Engine = 'sqlite' | 'postgres';

const loadPg = lazyRequire<typeof import('pg')>('pg');
/** node-postgres, loaded when a PostgreSQL database is first opened (an SQLite process never loads it). */
function pgLib(): typeof import('pg') {
  const lib = loadPg();
  // int8 (COUNT(*), bigint ids) as JavaScript numbers: every count and id here stays below 2^53.
  lib.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
  return lib;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL pool size. */
  poolMax?: number;
  /** Statement, connection and lock timeout in milliseconds (PostgreSQL), busy timeout (SQLite). */
  timeoutMs?: number;
  /** PostgreSQL `search_path` (tests use one schema per test file). */
  searchPath?: string;
  /**
   * SQLite file databases: copy the write-ahead log back into the database file from a worker
   * thread ({@link BackgroundCheckpointer}) instead of inside the commit that fills it, so that
   * no request waits for a checkpoint's copying and fsync (default false: tests do not need the
   * thread). `openContext` (the server, the CLI) turns it on.
   */
  backgroundCheckpoint?: boolean;
  /**
   * PostgreSQL only: URL of a read replica (hot standby) of `url`, opened as {@link Database.read}
   * with the same pool size, timeouts and `search_path`. Its sessions are read-only
   * (`default_transaction_read_only`), on the replica and on the primary alike when reads fall
   * back to it. Error (plain Error, a programming mistake: config validation refuses it first):
   * a replica beside a SQLite database.
   */
  readUrl?: string;
  /**
   * Told when the read side changes server: `'primary'` when the replica could not be reached and
   * reads fall back to the primary (with the connection error), `'replica'` when it answers again.
   * Once per change, not per query (the app logs a warning, src/app/app.ts).
   */
  onReadSideChange?: (servedBy: 'replica' | 'primary', error?: unknown) => void;
  /** After the replica failed to connect, how long reads stay on the primary before it is tried again (ms, default 5000). */
  replicaRetryMs?: number;
}

/** What {@link Database.replicaStatus} tells about the read side. */
export interface ReplicaStatus {
  /** The replica's host:port/database, without credentials. */
  location: string;
  /** Which server new read connections go to right now. */
  servedBy: 'replica' | 'primary';
  /** How many times reads have fallen back to the primary since the start. */
  fallbacks: number;
}

/**
 * Told of every statement a {@link Database} ran, once it finished (Kysely's `log` event): its
 * compiled text with placeholders (`select … where "pin" = ?`; parameter values are in
 * `event.query.parameters`, which an observer must not export), its duration in ms and, for a
 * failed one, the error. Called in the async context of the code that ran the statement. Tracing
 * (src/platform/http/tracing.ts) makes each a child span of the request.
 */
export type QueryObserver = (event: LogEvent) => void;

/** The observer slot of one Kysely instance; its `log` calls whatever is there (nothing by default). */
interface QueryHook {
  observer?: QueryObserver;
}

function logTo(hook: QueryHook): (event: LogEvent) => void {
  return (event) => hook.observer?.(event);
}

export class Database {
  private constructor(
    readonly kysely: Kysely<any>,
    readonly engine: Engine,
    /** Where the data lives, without credentials: a file path or host/database. */
    readonly location: string,
    private readonly sqlite?: SQLite.Database,
    private readonly pool?: pg.Pool,
    /** SQLite file databases opened with `backgroundCheckpoint`. */
    readonly checkpointer?: BackgroundCheckpointer,
    private readonly queryHook: QueryHook = {},
  ) {}

  /**
   * Sets (or, with undefined, removes) the one observer of every statement run on this database
   * and on its read side ({@link QueryObserver}); replaces the previous one. Without one, each
   * statement costs a clock reading and a call that does nothing.
   */
  observeQueries(observer: QueryObserver | undefined): void {
    this.queryHook.observer = observer;
    this.reader?.observeQueries(observer);
  }

  /** The replica side, when `readUrl` was given (set by {@link Database.open}). */
  private reader?: Database;
  private readSide?: ReadSidePool;

  /**
   * Where read-only queries that may lag a little go: the read replica's `Database` when
   * `readUrl` (DATABASE_READ_URL) was given, else this database itself (SQLite always). Use it
   * only for reads that tolerate replication lag (searches, reports, lookups: usually
   * milliseconds, see `motcua_db_replica_lag_seconds` in /metrics) and never for a read that
   * decides a write. With a replica its sessions are read-only, on the primary too when reads
   * fall back to it (a write fails with PostgreSQL's 25006 `cannot execute INSERT in a read-only
   * transaction`); without one it is the primary, writable: never write through it.
   */
  get read(): Database {
    return this.reader ?? this;
  }

  /** The read replica's state; undefined without one. */
  replicaStatus(): ReplicaStatus | undefined {
    const side = this.readSide;
    return side && this.reader ? { location: this.reader.location, servedBy: side.servedBy, fallbacks: side.fallbacks } : undefined;
  }

  /**
   * How far the replica's data is behind the primary, in seconds: 0 when it has replayed
   * everything it received, else the age of the last transaction it replayed
   * (`pg_last_xact_replay_timestamp()`, PostgreSQL §9.27.4 recovery information functions).
   * Undefined without a replica or when the replica cannot be asked.
   */
  async replicaLagSeconds(): Promise<number | undefined> {
    if (!this.readSide) return undefined;
    try {
      const r = await this.readSide.replica.query<{ lag: number | string | null }>(
        `select case when not pg_is_in_recovery() then null
                     when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
                     else extract(epoch from now() - pg_last_xact_replay_timestamp()) end as lag`,
      );
      const lag = r.rows[0]?.lag;
      return lag === null || lag === undefined ? undefined : Math.max(0, Number(lag));
    } catch {
      return undefined;
    }
  }

  /** PostgreSQL pool occupancy (for `/metrics`); undefined on SQLite. */
  poolStats(): { total: number; idle: number; waiting: number; max: number } | undefined {
    const p = this.pool;
    return p ? { total: p.totalCount, idle: p.idleCount, waiting: p.waitingCount, max: p.options.max ?? 10 } : undefined;
  }

  /**
   * Opens `url`: `sqlite:PATH` (parent folders created), `sqlite::memory:`, or `postgres://…`.
   * Errors: whatever the driver throws for an unreachable server or unwritable file.
   */
  static async open(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
    const timeoutMs = options.timeoutMs ?? 5000;
    if (url.startsWith('sqlite:')) {
      if (options.readUrl) throw new Error('a read replica needs a PostgreSQL database (readUrl beside a sqlite: URL)');
      const file = url.slice('sqlite:'.length);
      if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      const sqlite = new SQLite(file, { timeout: timeoutMs });
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('foreign_keys = ON');
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma(`busy_timeout = ${Math.trunc(timeoutMs)}`);
      const checkpointer = options.backgroundCheckpoint && file !== ':memory:' ? new BackgroundCheckpointer(sqlite, path.resolve(file)) : undefined;
      const hook: QueryHook = {};
      const statements = withStatementCache(sqlite);
      const kysely = new Kysely<any>({ dialect: new ImmediateSqliteDialect({ database: statements }), log: logTo(hook) });
      directSqlite.set(kysely.getExecutor().adapter, { handle: sqlite, statements, hook });
      return new Database(kysely, 'sqlite', file, sqlite, undefined, checkpointer, hook);
    }
    const parsed = new URL(url);
    const pgOptions = [
      `-c statement_timeout=${Math.trunc(timeoutMs)}`,
      `-c lock_timeout=${Math.trunc(timeoutMs)}`,
      `-c idle_in_transaction_session_timeout=${Math.trunc(timeoutMs * 6)}`,
      '-c timezone=UTC',
    ];
    if (options.searchPath) pgOptions.push(`-c search_path=${options.searchPath}`);
    const newPool = (connectionString: string, extra: string[] = []) => {
      const p = new (pgLib().Pool)({ connectionString, max: options.poolMax ?? 10, connectionTimeoutMillis: timeoutMs, options: [...pgOptions, ...extra].join(' ') });
      // A client losing its server (database restarted) must not crash the process: idle clients
      // report to the pool, checked-out ones to this listener; queries in flight still fail.
      p.on('error', () => undefined);
      p.on('connect', (client) => client.on('error', () => undefined));
      return p;
    };
    const pool = newPool(url);
    const hook: QueryHook = {};
    const kysely = new Kysely<any>({ dialect: new PostgresDialect({ pool }), log: logTo(hook) });
    const db = new Database(kysely, 'postgres', locationOf(parsed), undefined, pool, undefined, hook);
    if (options.readUrl) {
      const readOnly = ['-c default_transaction_read_only=on'];
      // The fallback pool connects only when used (pg pools open connections on demand).
      const side = new ReadSidePool(newPool(options.readUrl, readOnly), newPool(url, readOnly), options.replicaRetryMs ?? 5000, options.onReadSideChange);
      db.readSide = side;
      const readHook: QueryHook = {};
      db.reader = new Database(new Kysely<any>({ dialect: new PostgresDialect({ pool: side }), log: logTo(readHook) }), 'postgres', locationOf(new URL(options.readUrl)), undefined, side.replica, undefined, readHook);
    }
    return db;
  }

  /** This database typed with a module's tables. */
  as<T>(): Kysely<T> {
    return this.kysely as Kysely<T>;
  }

  /** Runs `fn` in one transaction: all of its writes commit together or none do. */
  transaction<R>(fn: (trx: Transaction<any>) => Promise<R>): Promise<R> {
    return this.kysely.transaction().execute(fn);
  }

  /** True when the database answers a trivial query. */
  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.kysely);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * SQLite: reads up to `bytes` of the database file through a memory map (`PRAGMA mmap_size`,
   * https://sqlite.org/mmap.html) instead of `read()` calls: random reads (a lookup's row, the
   * rows of a name search's matches) cost 2–3 times less CPU. Mapped pages count in the process's
   * resident memory, so the server asks for it and command-line imports do not. 0 turns it off;
   * nothing on PostgreSQL.
   */
  memoryMap(bytes: number): void {
    if (this.sqlite && this.location !== ':memory:') this.sqlite.pragma(`mmap_size = ${Math.max(0, Math.trunc(bytes))}`);
  }

  /** The raw better-sqlite3 handle (SQLite only), for the online backup API and benchmarks. */
  get sqliteHandle(): SQLite.Database | undefined {
    return this.sqlite;
  }

  async close(): Promise<void> {
    await this.reader?.close();
    await this.checkpointer?.stop();
    await this.kysely.destroy();
  }
}

function locationOf(parsed: URL): string {
  return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}

/**
 * The connections of {@link Database.read} (a Kysely `PostgresPool`): from the replica's pool,
 * or — when the replica cannot be connected to (refused, timed out, starting up or shutting
 * down: {@link isDatabaseUnavailable}) — from a read-only pool to the primary, for `retryMs`
 * before the replica is tried again. So a replica outage slows nothing but the first read after
 * each retry (up to the connection timeout) and never fails `/readyz`, which checks the primary
 * only. A query already running on a replica that goes down fails like any query on a stopped
 * database (503). During an outage the primary serves up to twice the pool size.
 *
 * Lag: the replica applies the primary's changes shortly after they commit (streaming
 * replication is asynchronous), so a read here may miss a change committed a moment ago — by
 * another request or by the same caller. Callers use the read side only where that is
 * acceptable (src/population/routes.ts, src/reports/compute.ts).
 */
export class ReadSidePool {
  servedBy: 'replica' | 'primary' = 'replica';
  fallbacks = 0;
  private retryAt = 0;

  constructor(
    readonly replica: pg.Pool,
    private readonly primary: pg.Pool,
    private readonly retryMs: number,
    private readonly onChange?: (servedBy: 'replica' | 'primary', error?: unknown) => void,
  ) {}

  async connect(): Promise<pg.PoolClient> {
    if (this.servedBy === 'primary' && Date.now() < this.retryAt) return this.primary.connect();
    try {
      const client = await this.replica.connect();
      if (this.servedBy === 'primary') {
        this.servedBy = 'replica';
        this.onChange?.('replica');
      }
      return client;
    } catch (e) {
      if (!isDatabaseUnavailable(e)) throw e;
      this.retryAt = Date.now() + this.retryMs;
      if (this.servedBy === 'replica') {
        this.servedBy = 'primary';
        this.fallbacks++;
        this.onChange?.('primary', e);
      }
      return this.primary.connect();
    }
  }

  async end(): Promise<void> {
    await Promise.all([this.replica.end(), this.primary.end()]);
  }
}

/** The worker thread's code (plain CommonJS, so it runs the same from sources, tests and the build). */
const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.file, { timeout: 5000 });
let last = { log: 0, checkpointed: 0 };
const checkpoint = () => {
  try {
    // log: frames in the log, checkpointed: how many of them are copied (both since the log restarted).
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (!r || r.log < 0) return;
    const restarted = r.log < last.log || r.checkpointed < last.checkpointed;
    const copied = restarted ? r.checkpointed : r.checkpointed - last.checkpointed;
    last = r;
    if (copied > 0) parentPort.postMessage({ checkpointed: copied });
  } catch (e) {
    parentPort.postMessage({ error: String((e && e.message) || e) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage('stopped');
});
`;

/** The writer's own automatic checkpoint while a {@link BackgroundCheckpointer} runs: 10,000 pages (40 MB of log). */
export const SAFETY_NET_PAGES = 10_000;

/**
 * Checkpoints of a SQLite write-ahead log from a worker thread with its own connection
 * (https://sqlite.org/wal.html#ckpt, application-initiated checkpoints). In WAL mode with
 * `synchronous = NORMAL` a commit only appends to the log; the costly part — copying the log's
 * pages back into the database file, with an fsync before and after — is by default done by the
 * commit that takes the log past 1,000 pages, and every request waits behind it. Here a worker
 * runs a PASSIVE checkpoint (which never blocks readers or the writer) every `intervalMs` on
 * another core, and the writer's own automatic checkpoint stays only as a safety net, at
 * {@link SAFETY_NET_PAGES} pages, should the worker fall behind; it goes back to SQLite's 1,000
 * pages if the worker fails.
 */
export class BackgroundCheckpointer {
  /** Pages the worker has copied back so far, and the checkpoint errors it has met. */
  readonly stats = { checkpointedPages: 0, errors: 0 };
  private readonly worker: Worker;
  private stopping: Promise<void> | undefined;
  private exited = false;

  constructor(
    private readonly sqlite: SQLite.Database,
    file: string,
    intervalMs = 100,
  ) {
    sqlite.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(CHECKPOINT_WORKER, { eval: true, workerData: { file, intervalMs, driver } });
    this.worker.unref(); // never keeps a process alive
    this.worker.on('message', (m: { checkpointed?: number; error?: string } | string) => {
      if (typeof m !== 'object') return;
      if (m.checkpointed) this.stats.checkpointedPages += m.checkpointed;
      if (m.error) this.stats.errors++;
    });
    this.worker.on('error', () => this.fallBack());
    this.worker.on('exit', () => {
      this.exited = true;
      this.fallBack();
    });
  }

  private fallBack(): void {
    if (this.sqlite.open && !this.stopping) this.sqlite.pragma('wal_autocheckpoint = 1000');
  }

  /** Runs a last checkpoint and ends the thread (before the main connection closes). */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      this.worker.once('exit', () => resolve());
      this.worker.on('message', (m) => {
        if (m === 'stopped') void this.worker.terminate();
      });
      this.worker.postMessage('stop');
    });
    return this.stopping;
  }
}

/**
 * better-sqlite3 compiles SQL on every `prepare`; Kysely prepares every query it runs. Keeping the
 * last {@link STATEMENT_CACHE_SIZE} prepared statements by SQL text removes that cost (a fifth of a
 * simple request's time, measured by the units benchmark). Kysely runs one query at a time on the
 * single SQLite connection, so a cached statement is never used by two queries at once.
 */
const STATEMENT_CACHE_SIZE = 500;
/**
 * SQLite transactions that take the write lock when they begin (`BEGIN IMMEDIATE`), waiting up to
 * the busy timeout for another process (the CLI importer beside the server) to finish. Kysely's
 * driver sends a deferred `BEGIN`: a transaction that read first and then wrote while another
 * process held the lock failed at once with SQLITE_BUSY, busy timeout or not (the crash trials
 * found it: 6 of 50 CLI import batches). https://www.sqlite.org/lang_transaction.html
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

function withStatementCache(db: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => db.close(),
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (stmt) {
        cache.delete(sqlText); // move to the most recently used end
      } else {
        stmt = db.prepare(sqlText);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sqlText, stmt);
      return stmt;
    },
  } as SqliteDatabase;
}

/** How {@link insertRows} cuts and types its statements. */
export interface InsertRowsOptions {
  /** Rows a statement on SQLite (its bound-parameter limit: 32,766); PostgreSQL takes 1,000 a statement. */
  perStatement: number;
  /** PostgreSQL type of each non-text column (`integer`, `bigint`); the others are `text`. */
  types?: Readonly<Record<string, 'integer' | 'bigint'>>;
  /** SQLite: also keep the text of statements of up to this many rows (default 0: only full ones). */
  rememberUpTo?: number;
}

const insertTexts = new Map<string, string>();
/**
 * The text of a multi-row insert, built once per table (and, on SQLite, per number of rows):
 * - SQLite: `insert into T (…) values (?, …), (?, …)` for `count` rows;
 * - PostgreSQL: `insert into T (…) select * from unnest($1::text[], …)`, one array a column,
 *   whatever the number of rows: a tenth of the parameters to send and parse, and half the time
 *   of the same rows as VALUES lists (measured on 30,000 citizens).
 */
function multiRowInsert(postgres: boolean, table: string, columns: readonly string[], count: number, types: InsertRowsOptions['types']): string {
  const key = postgres ? `pg ${table}` : `sqlite ${table} ${count}`;
  let text = insertTexts.get(key);
  if (text === undefined) {
    const names = columns.map((c) => `"${c}"`).join(', ');
    if (postgres) {
      text = `insert into ${table} (${names}) select * from unnest(${columns.map((c, i) => `$${i + 1}::${types?.[c] ?? 'text'}[]`).join(', ')})`;
    } else {
      const row = `(${columns.map(() => '?').join(', ')})`;
      text = `insert into ${table} (${names}) values ${Array.from({ length: count }, () => row).join(', ')}`;
    }
    insertTexts.set(key, text);
  }
  return text;
}

/**
 * Inserts `rows` (absent values as NULL) into `table` with SQL text built once and kept, not
 * through the query builder: imports write millions of rows, and building each statement
 * (5,200 parameters for 100 citizens) cost about as much CPU as SQLite spent running it; the
 * audit log writes a few rows on every read. Column and table names come from the caller's code,
 * never from input.
 */
export async function insertRows<R>(db: Kysely<any>, table: string, columns: readonly (keyof R & string)[], rows: readonly R[], options: InsertRowsOptions): Promise<void> {
  const postgres = isPostgres(db);
  const size = postgres ? 1000 : options.perStatement;
  for (let i = 0; i < rows.length; i += size) {
    const slice = rows.slice(i, i + size);
    let parameters: unknown[];
    if (postgres) {
      parameters = columns.map((c) => slice.map((r) => r[c] ?? null));
    } else {
      parameters = [];
      for (const r of slice) for (const c of columns) parameters.push(r[c] ?? null);
    }
    const text = multiRowInsert(postgres, table, columns, slice.length, options.types);
    // The last, shorter slice of each call differs from call to call: not kept, unless asked.
    if (!postgres && slice.length !== options.perStatement && slice.length > (options.rememberUpTo ?? 0)) insertTexts.delete(`sqlite ${table} ${slice.length}`);
    await execute(db, text, parameters);
  }
}

/** A statement written once with `?` placeholders, in each engine's form (`$1`, `$2`, … on PostgreSQL). */
export interface StatementText {
  sqlite: string;
  postgres: string;
}

/**
 * The texts of a hot statement, built once at module load (write identifiers quoted where they may
 * be keywords, and no `?` other than placeholders): run it with {@link runStatement}, which spares
 * the query builder's work on every call.
 */
export function statementText(sqlite: string): StatementText {
  let n = 0;
  return { sqlite, postgres: sqlite.replace(/\?/g, () => `$${++n}`) };
}

/** Runs `statement` on `db` (or a transaction of it) with `parameters` in placeholder order; the rows it returns. */
export async function runStatement<R>(db: Kysely<any>, statement: StatementText, parameters: readonly unknown[]): Promise<R[]> {
  return execute<R>(db, isPostgres(db) ? statement.postgres : statement.sqlite, parameters);
}

/** A SQLite database's handle, its statement cache and its observer slot, by the adapter its Kysely instance and every transaction of it share. */
const directSqlite = new WeakMap<object, { handle: SQLite.Database; statements: SqliteDatabase; hook: QueryHook }>();

/**
 * Runs a statement text (with its parameters) and answers its rows. On SQLite it goes straight to
 * the better-sqlite3 handle, past Kysely's executor (its connection mutex, logging wrapper and
 * promise hand-offs: 3.5 µs of a 4.8 µs UPDATE inside a transaction, 6 of 15 µs for a lookup by
 * key outside one, measured on the main thread), whenever that is what Kysely would do anyway:
 * - inside a transaction (`db` is a Kysely `Transaction`): on SQLite the transaction holds the one
 *   connection, and its statements run on it one after another;
 * - outside one, when no transaction is open on the connection (`inTransaction` false): the
 *   statement runs on its own (autocommit), as it would have before the next transaction's
 *   BEGIN; while a transaction is open, it waits for its end through Kysely as before, and never
 *   reads or writes inside another caller's transaction.
 * The observer of {@link Database.observeQueries} still sees every statement (tracing, metrics),
 * with its duration; errors are better-sqlite3's, as through Kysely. PostgreSQL: Kysely as before.
 */
async function execute<R>(db: Kysely<any>, text: string, parameters: readonly unknown[]): Promise<R[]> {
  const direct = directSqlite.get(db.getExecutor().adapter);
  if (!direct || (!db.isTransaction && direct.handle.inTransaction)) return (await db.executeQuery<R>(CompiledQuery.raw(text, parameters as unknown[]))).rows;
  const observer = direct.hook.observer;
  const started = observer ? performance.now() : 0;
  try {
    const stmt = direct.statements.prepare(text) as unknown as SQLite.Statement<unknown[], R>;
    let rows: R[] = [];
    if (stmt.reader) rows = stmt.all(parameters as unknown[]);
    else stmt.run(parameters as unknown[]);
    observer?.({ level: 'query', isStream: false, query: CompiledQuery.raw(text, parameters as unknown[]), queryDurationMillis: performance.now() - started });
    return rows;
  } catch (error) {
    observer?.({ level: 'error', error, query: CompiledQuery.raw(text, parameters as unknown[]), queryDurationMillis: performance.now() - started });
    throw error;
  }
}

/** True when `db` (or a transaction of it) talks to PostgreSQL; for the few engine-specific DDL bits. */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * True for errors that mean "the database cannot be reached right now" (server down or
 * restarting, pool or lock timeout, SQLite busy): the HTTP layer answers 503 SERVICE_UNAVAILABLE.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e || typeof e !== 'object') return false;
  const code = String(e.code ?? '');
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'SQLITE_BUSY', 'SQLITE_LOCKED', '57P01', '57P02', '57P03', '53300', '57014', '55P03'].includes(code)) return true;
  const msg = String(e.message ?? '');
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)|driver has already been destroyed/i.test(msg);
}

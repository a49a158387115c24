/**
 * Storage on two engines behind one Kysely instance (DESIGN.md §1, §2):
 * - SQLite through better-sqlite3 12.x, the embedded default (`sqlite:PATH`, `sqlite::memory:`),
 *   with WAL, foreign keys on and a busy timeout;
 * - PostgreSQL through `pg` (`postgres://…`), with a bounded pool and statement, connection and
 *   idle-in-transaction timeouts so that a stopped database fails requests fast.
 *
 * Modules type their own tables: `db.as<UnitsTables>()` gives a `Kysely<UnitsTables>`; nothing
 * outside a module's `store.ts` names its tables.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, sql, type SqliteDatabase, type Transaction } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

// int8 (COUNT(*), bigint ids) as JavaScript numbers: every count and id here stays below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export interface OpenDatabaseOptions {
  /** PostgreSQL pool size. */
  poolMax?: number;
  /** Statement, connection and lock timeout in milliseconds (PostgreSQL), busy timeout (SQLite). */
  timeoutMs?: number;
  /** PostgreSQL `search_path` (tests use one schema per test file). */
  searchPath?: string;
}

export class Database {
  private constructor(
    readonly kysely: Kysely<any>,
    readonly engine: Engine,
    /** Where the data lives, without credentials: a file path or host/database. */
    readonly location: string,
    private readonly sqlite?: SQLite.Database,
  ) {}

  /**
   * Opens `url`: `sqlite:PATH` (parent folders created), `sqlite::memory:`, or `postgres://…`.
   * Errors: whatever the driver throws for an unreachable server or unwritable file.
   */
  static async open(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
    const timeoutMs = options.timeoutMs ?? 5000;
    if (url.startsWith('sqlite:')) {
      const file = url.slice('sqlite:'.length);
      if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      const sqlite = new SQLite(file, { timeout: timeoutMs });
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('foreign_keys = ON');
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma(`busy_timeout = ${Math.trunc(timeoutMs)}`);
      const kysely = new Kysely<any>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
      return new Database(kysely, 'sqlite', file, sqlite);
    }
    const parsed = new URL(url);
    const pgOptions = [
      `-c statement_timeout=${Math.trunc(timeoutMs)}`,
      `-c lock_timeout=${Math.trunc(timeoutMs)}`,
      `-c idle_in_transaction_session_timeout=${Math.trunc(timeoutMs * 6)}`,
      '-c timezone=UTC',
    ];
    if (options.searchPath) pgOptions.push(`-c search_path=${options.searchPath}`);
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolMax ?? 10,
      connectionTimeoutMillis: timeoutMs,
      options: pgOptions.join(' '),
    });
    // A client losing its server (database restarted) must not crash the process: idle clients
    // report to the pool, checked-out ones to this listener; queries in flight still fail.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const kysely = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    return new Database(kysely, 'postgres', `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`);
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

  /** The raw better-sqlite3 handle (SQLite only), for the online backup API and benchmarks. */
  get sqliteHandle(): SQLite.Database | undefined {
    return this.sqlite;
  }

  async close(): Promise<void> {
    await this.kysely.destroy();
  }
}

/**
 * better-sqlite3 compiles SQL on every `prepare`; Kysely prepares every query it runs. Keeping the
 * last {@link STATEMENT_CACHE_SIZE} prepared statements by SQL text removes that cost (a fifth of a
 * simple request's time, measured by the units benchmark). Kysely runs one query at a time on the
 * single SQLite connection, so a cached statement is never used by two queries at once.
 */
const STATEMENT_CACHE_SIZE = 500;
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

/**
 * Backups and restores of the whole database (`motcua backup FILE`, `motcua restore FILE`).
 *
 * - SQLite: the online backup API of SQLite (through better-sqlite3), safe while the server runs;
 *   a restore checks the file (`PRAGMA integrity_check`, a motcua migration table) and puts it in
 *   place by copy-then-rename, so a crash leaves either the old or the new database, never half.
 *   Stop the server before restoring: it holds the old file open.
 * - PostgreSQL: `pg_dump --format=custom` of the connection's schema, and `pg_restore --clean
 *   --if-exists --single-transaction` (all or nothing), both from the PostgreSQL client tools.
 *
 * After a restore, {@link tableCounts} and the audit chain check (`motcua audit verify`) show the
 * data came back whole.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { AppError } from '../errors.js';
import type { Database } from './database.js';

const run = promisify(execFile);

/** What a backup wrote. */
export interface BackupResult {
  file: string;
  engine: 'sqlite' | 'postgres';
  bytes: number;
}

/** The schema PostgreSQL resolves unqualified names in, for this connection. */
async function currentSchema(db: Database): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely);
  return rows[0]!.schema;
}

/**
 * Writes a consistent copy of the whole database to `file` (overwritten). Errors: BACKUP_FAILED
 * (the tool's message, e.g. an unwritable path).
 */
export async function backupDatabase(db: Database, url: string, file: string): Promise<BackupResult> {
  const target = path.resolve(file);
  const tmp = `${target}.part`;
  try {
    if (db.engine === 'sqlite') {
      await db.sqliteHandle!.backup(tmp);
    } else {
      await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--schema=${await currentSchema(db)}`, `--file=${tmp}`, `--dbname=${url}`]);
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new AppError('BACKUP_FAILED', { reason: firstLine(e) }, { cause: e });
  }
  return { file: target, engine: db.engine, bytes: fs.statSync(target).size };
}

/**
 * Replaces the database at `url` (SQLite file, or the PostgreSQL schema `searchPath`/the
 * connection's default) with the backup in `file`. Errors: RESTORE_FILE_INVALID (missing file,
 * not a motcua backup of this engine, damaged), RESTORE_FAILED.
 */
export async function restoreDatabase(target: { url: string; searchPath?: string }, file: string): Promise<void> {
  const source = path.resolve(file);
  if (!fs.existsSync(source)) throw new AppError('RESTORE_FILE_INVALID', { file, reason: 'no such file' });
  if (target.url.startsWith('sqlite:')) {
    const dbFile = path.resolve(target.url.slice('sqlite:'.length));
    checkSqliteBackup(source, file);
    const tmp = `${dbFile}.restore`;
    try {
      fs.copyFileSync(source, tmp);
      const fd = fs.openSync(tmp, 'r+');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      for (const suffix of ['-wal', '-shm']) fs.rmSync(`${dbFile}${suffix}`, { force: true });
      fs.renameSync(tmp, dbFile);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw new AppError('RESTORE_FAILED', { reason: firstLine(e) }, { cause: e });
    }
    return;
  }
  const head = Buffer.alloc(5);
  const fd = fs.openSync(source, 'r');
  fs.readSync(fd, head, 0, 5, 0);
  fs.closeSync(fd);
  if (head.toString('latin1') !== 'PGDMP') throw new AppError('RESTORE_FILE_INVALID', { file, reason: 'not a PostgreSQL custom-format dump' });
  const env = target.searchPath ? { ...process.env, PGOPTIONS: `-c search_path=${target.searchPath}` } : process.env;
  try {
    await run('pg_restore', ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--single-transaction', `--dbname=${target.url}`, source], { env });
  } catch (e) {
    throw new AppError('RESTORE_FAILED', { reason: firstLine(e) }, { cause: e });
  }
}

function checkSqliteBackup(source: string, file: string): void {
  let check: SQLite.Database | undefined;
  try {
    check = new SQLite(source, { readonly: true, fileMustExist: true });
    const integrity = check.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new AppError('RESTORE_FILE_INVALID', { file, reason: `integrity check: ${String(integrity)}` });
    const migrations = check.prepare(`select count(*) as n from sqlite_master where type = 'table' and name = 'kysely_migration'`).get() as { n: number };
    if (migrations.n === 0) throw new AppError('RESTORE_FILE_INVALID', { file, reason: 'not a motcua database' });
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('RESTORE_FILE_INVALID', { file, reason: firstLine(e) }, { cause: e });
  } finally {
    check?.close();
  }
}

function firstLine(e: unknown): string {
  const err = e as { stderr?: string; message?: string };
  return (err.stderr?.trim() || err.message || String(e)).split('\n')[0]!.slice(0, 300);
}

/** Rows per table of the connection's schema (Kysely's bookkeeping left out), sorted by table name. */
export async function tableCounts(db: Database): Promise<Record<string, number>> {
  // PostgreSQL's introspection lists every schema's tables: keep the connection's own.
  const schema = db.engine === 'postgres' ? await currentSchema(db) : undefined;
  const tables = (await db.kysely.introspection.getTables())
    .filter((t) => schema === undefined || t.schema === schema)
    .map((t) => t.name)
    .filter((n) => !n.startsWith('kysely_') && !n.endsWith('_fts') && !n.includes('_fts_'));
  const out: Record<string, number> = {};
  for (const name of tables.sort()) {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(name)}`.execute(db.kysely);
    out[name] = Number(rows[0]!.n);
  }
  return out;
}

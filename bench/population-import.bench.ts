/**
 * Citizen imports (`importCitizens`) of a generated population of Tỉnh Hải Dương (real communes on
 * 2023-02-28) written as a template CSV, each against a reference load of the same rows measured
 * in the same run:
 * - SQLite, 1,000,000 rows into a fresh migrated database with the built-in units, against a bare
 *   better-sqlite3 loop (prepared INSERT, batched transactions) of the same parsed rows into the
 *   same `citizens` table (same schema, indexes, full-text triggers and settings). Target ≥ 0.5.
 * - Peak RSS of the import process for 250,000 and 1,000,000 rows: < 400 MB, and not growing
 *   with the file.
 * - PostgreSQL, into a fresh schema of the test database, against `COPY citizens FROM STDIN` of
 *   the same rows. Target ≥ 0.3.
 * Each import and each reference runs alone in a child process: SQLite imports as shipped
 * (`node bin/motcua.js citizens import` over the compiled dist/, peak RSS from GNU time; see
 * importIntoSqlite), PostgreSQL imports and the references in bench/population/*-worker.ts.
 * The 1,000,000-row SQLite database is kept (var/bench/) for population-lookup and -search.
 *
 * BENCH_POPULATION_ROWS, BENCH_POPULATION_SMALL_ROWS and BENCH_POPULATION_PG_ROWS change the counts
 * (for trying things out: the targets are about the default counts).
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { Database } from '../src/platform/db/database.js';
import { openContext } from '../src/app/app.js';
import { loadConfig } from '../src/platform/config.js';
import { benchDir, freshSqlite, importIntoSqlite, mb, populationCsv, removeSqlite, type ImportResult } from './population/data.js';
import { report, reportBelow, runChild } from './lib.js';

const ROWS = Number(process.env.BENCH_POPULATION_ROWS ?? 1_000_000);
const SMALL_ROWS = Number(process.env.BENCH_POPULATION_SMALL_ROWS ?? 250_000);
/** PostgreSQL imports are slower (a round trip per statement): fewer rows keep the run near ten minutes. */
const PG_ROWS = Number(process.env.BENCH_POPULATION_PG_ROWS ?? 250_000);
const PG_URL = process.env.MOTCUA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RSS_LIMIT_MB = 400;

const rate = (r: ImportResult) => (r.rows / r.ms) * 1000;
const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

/** A fresh schema of the PostgreSQL test database, migrated, with the built-in units. */
export async function freshPgSchema(name: string): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = `bench_${name}_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = await Database.open(PG_URL, { searchPath: schema, poolMax: 2, timeoutMs: 60_000 });
  const ctx = await openContext(loadConfig({ DATABASE_URL: PG_URL, MOTCUA_DEMO: 'off', LOG_LEVEL: 'silent' }), { db, seed: true });
  await ctx.db.close();
  return {
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

export async function populationImportBenchmark(): Promise<string[]> {
  const lines: string[] = [];
  console.log(`  generating the CSV files (kept in var/bench/)…`);
  const csv = await populationCsv(ROWS);
  console.log(`  ${ROWS.toLocaleString('en')} rows: ${path.relative(process.cwd(), csv)}, ${(fs.statSync(csv).size / 1e6).toFixed(0)} MB`);

  // SQLite: the import, then the reference, one after the other on the same machine state.
  console.log(`  SQLite: importCitizens of ${ROWS.toLocaleString('en')} rows…`);
  const subject = await importIntoSqlite(ROWS);
  console.log(`    ${subject.rows.toLocaleString('en')} rows in ${minutes(subject.ms)}, peak RSS ${mb(subject.maxRssKb)}`);
  console.log(`  SQLite: reference (bare better-sqlite3 loop) of the same rows…`);
  const refFile = await freshSqlite(path.join(benchDir(), 'population-reference.sqlite'));
  const reference = await runChild<ImportResult>('bench/population/reference-worker.ts', ['sqlite', `sqlite:${refFile}`, csv]);
  removeSqlite(refFile);
  console.log(`    ${reference.rows.toLocaleString('en')} rows in ${minutes(reference.ms)}`);
  lines.push(report(`population-import SQLite ${ROWS.toLocaleString('en')} rows: importCitizens`, rate(subject), rate(reference), 0.5, 'rows/s'));

  // Peak memory: a smaller file in the same way; the figure must not follow the file's size.
  console.log(`  SQLite: importCitizens of ${SMALL_ROWS.toLocaleString('en')} rows (peak memory)…`);
  const smallFile = path.join(benchDir(), 'population-small.sqlite');
  const small = await importIntoSqlite(SMALL_ROWS, smallFile);
  removeSqlite(smallFile);
  const growth = subject.maxRssKb / small.maxRssKb;
  const rssLine = reportBelow(
    `population-import peak RSS`,
    subject.maxRssKb / 1024,
    RSS_LIMIT_MB,
    'MB',
    `at ${ROWS.toLocaleString('en')} rows; ${mb(small.maxRssKb)} at ${SMALL_ROWS.toLocaleString('en')} rows (×${growth.toFixed(2)} for ×${(ROWS / SMALL_ROWS).toFixed(0)} rows, ${growth < 1.15 ? 'independent of file size' : 'GROWS with file size'})`,
  );
  lines.push(growth < 1.15 ? rssLine : `${rssLine.replace(/ MET$/, '')} NOT MET (grows with file size)`);

  // PostgreSQL: fresh schemas of the test database.
  const pgCsv = await populationCsv(PG_ROWS);
  console.log(`  PostgreSQL: importCitizens of ${PG_ROWS.toLocaleString('en')} rows…`);
  const s1 = await freshPgSchema('import');
  let pgSubject: ImportResult;
  try {
    pgSubject = await runChild<ImportResult>('bench/population/import-worker.ts', [PG_URL, pgCsv, s1.schema]);
  } finally {
    await s1.drop();
  }
  console.log(`    ${pgSubject.rows.toLocaleString('en')} rows in ${minutes(pgSubject.ms)}`);
  console.log(`  PostgreSQL: reference (COPY citizens FROM STDIN) of the same rows…`);
  const s2 = await freshPgSchema('copy');
  let pgReference: ImportResult;
  try {
    pgReference = await runChild<ImportResult>('bench/population/reference-worker.ts', ['postgres', PG_URL, pgCsv, s2.schema]);
  } finally {
    await s2.drop();
  }
  console.log(`    ${pgReference.rows.toLocaleString('en')} rows in ${minutes(pgReference.ms)}`);
  if (PG_ROWS < ROWS) {
    const more = ((ROWS - PG_ROWS) / rate(pgSubject) + (ROWS - PG_ROWS) / rate(pgReference)) * 1000;
    console.log(`  (PostgreSQL with ${PG_ROWS.toLocaleString('en')} rows, not ${ROWS.toLocaleString('en')}: at these rates the larger count would add about ${minutes(more)} to a run already ~20 min long)`);
  }
  lines.push(report(`population-import PostgreSQL ${PG_ROWS.toLocaleString('en')} rows${PG_ROWS < ROWS ? ` (not ${ROWS.toLocaleString('en')}: time)` : ''}: importCitizens`, rate(pgSubject), rate(pgReference), 0.3, 'rows/s'));
  return lines;
}

/**
 * Data of the population benchmarks: a synthetic population of Tỉnh Hải Dương (real communes on
 * 2023-02-28, from the built-in units) written as a CSV file in the import template's format, and
 * the SQLite database it is imported into, both kept under var/bench/ and reused by the lookup and
 * search benchmarks when they are already there.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { spawnSync } from 'node:child_process';
import SQLite from 'better-sqlite3';
import { Migrator, sql } from 'kysely';
import { allMigrations } from '../../src/app/modules.js';
import { Database } from '../../src/platform/db/database.js';
import { openContext } from '../../src/app/app.js';
import { loadConfig } from '../../src/platform/config.js';
import type { AppContext } from '../../src/platform/module.js';
import { DEMO_DATE, DEMO_PROVINCE, communesOf } from '../../src/population/demo.js';
import { generatePopulation, type GeneratorCommune } from '../../src/population/generator.js';
import { CITIZEN_TEMPLATE_COLUMNS, type CitizenColumnKey } from '../../src/population/import-file.js';
import type { CitizenInput, HouseholdRelation } from '../../src/population/model.js';
import { unitCodeExists, type UnitsTables } from '../../src/units/index.js';
import { createStaff, signInStaff } from '../../src/identity/index.js';
import { AppError } from '../../src/platform/errors.js';
import type { StaffRole } from '../../src/platform/auth.js';
import { ROOT, runProcess } from '../lib.js';

export const BENCH_DIR = path.join(ROOT, 'var/bench');
export const SEED = 2023;
export const REFERENCE_DATE = DEMO_DATE;

export function benchDir(): string {
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  return BENCH_DIR;
}

/** A migrated database with the built-in units (no demo data), as `motcua` opens it. */
export async function openBenchContext(databaseUrl: string): Promise<AppContext> {
  return openContext(loadConfig({ DATABASE_URL: databaseUrl, MOTCUA_DEMO: 'off', LOG_LEVEL: 'silent' }), { seed: true });
}

let communesCache: GeneratorCommune[] | undefined;
/** The communes of Tỉnh Hải Dương on 2023-02-28, read from the built-in units (a throw-away SQLite file). */
export async function benchCommunes(): Promise<GeneratorCommune[]> {
  if (communesCache) return communesCache;
  const file = path.join(benchDir(), 'units-only.sqlite');
  removeSqlite(file);
  const ctx = await openBenchContext(`sqlite:${file}`);
  try {
    communesCache = await communesOf(ctx.db.as<UnitsTables>(), DEMO_PROVINCE, REFERENCE_DATE);
  } finally {
    await ctx.db.close();
    removeSqlite(file);
  }
  return communesCache;
}

const RELATION_LABEL: Record<HouseholdRelation, [male: string, female: string]> = {
  head: ['Chủ hộ', 'Chủ hộ'],
  spouse: ['Chồng', 'Vợ'],
  child: ['Con', 'Con'],
  parent: ['Bố', 'Mẹ'],
  grandchild: ['Cháu', 'Cháu'],
  grandparent: ['Ông', 'Bà'],
  sibling: ['Anh', 'Chị'],
  other: ['Khác', 'Khác'],
};

/** One citizen as the template's row (keys of {@link CITIZEN_TEMPLATE_COLUMNS}). */
export function templateRow(c: CitizenInput): Record<CitizenColumnKey, string> {
  const f = c.sex === 'male' ? 0 : 1;
  return {
    so_dinh_danh: c.pin,
    ho_ten: c.fullName,
    ten_goi_khac: c.otherNames ?? '',
    ngay_sinh: c.dateOfBirth,
    gioi_tinh: c.sex === 'male' ? 'Nam' : 'Nữ',
    quoc_tich: c.nationality === 'VN' || !c.nationality ? 'Việt Nam' : c.nationality,
    dan_toc: c.ethnicity ?? '',
    ton_giao: c.religion ?? '',
    noi_dang_ky_khai_sinh: c.birthRegistration?.unitCode ?? '',
    que_quan: c.homeTown?.unitCode ?? '',
    thuong_tru_ma_dvhc: c.permanentResidence?.unitCode ?? '',
    thuong_tru_dia_chi: c.permanentResidence?.addressLine ?? '',
    thuong_tru_tu_ngay: c.permanentResidence?.since ?? '',
    tam_tru_ma_dvhc: c.temporaryResidence?.unitCode ?? '',
    tam_tru_dia_chi: c.temporaryResidence?.addressLine ?? '',
    o_hien_tai_ma_dvhc: c.currentResidence?.unitCode ?? '',
    o_hien_tai_dia_chi: c.currentResidence?.addressLine ?? '',
    so_ho: c.household?.number ?? '',
    so_dinh_danh_chu_ho: c.household?.headPin ?? '',
    quan_he_voi_chu_ho: c.household ? RELATION_LABEL[c.household.relation][f] : '',
    so_dinh_danh_cha: c.fatherPin ?? '',
    so_dinh_danh_me: c.motherPin ?? '',
    so_dinh_danh_vo_chong: c.spousePin ?? '',
    so_dien_thoai: c.phone ?? '',
    email: c.email ?? '',
    so_the_can_cuoc: c.identityCard?.number ?? '',
    ngay_cap: c.identityCard?.issuedOn ?? '',
    ngay_het_han: c.identityCard?.expiresOn ?? '',
    ngay_dang_ky: c.permanentResidence?.unitDate ?? c.currentResidence?.unitDate ?? '',
  };
}

/** A short hash of what the CSV's content follows from (the generator, the template, this file), so that a stale file is not reused. */
function csvVersion(): string {
  const h = createHash('sha256');
  for (const f of ['src/population/generator.ts', 'src/population/import-file.ts', 'bench/population/data.ts']) h.update(fs.readFileSync(path.join(ROOT, f)));
  return h.digest('hex').slice(0, 8);
}

const csvCell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * Writes `count` generated people (seed {@link SEED}) as a template CSV: UTF-8 with BOM, CRLF,
 * comma, the template's column keys as headers. Kept when already there (same name, same content).
 */
export async function populationCsv(count: number): Promise<string> {
  const file = path.join(benchDir(), `population-${count}-s${SEED}-${csvVersion()}.csv`);
  if (fs.existsSync(file)) return file;
  for (const old of fs.readdirSync(benchDir())) if (old.startsWith(`population-${count}-s${SEED}-`) && old.endsWith('.csv')) fs.rmSync(path.join(benchDir(), old));
  const communes = await benchCommunes();
  const keys = CITIZEN_TEMPLATE_COLUMNS.map((c) => c.key);
  const partial = `${file}.partial`;
  const out = fs.createWriteStream(partial);
  let chunk = `\ufeff${keys.join(',')}\r\n`;
  for (const c of generatePopulation({ communes, count, seed: SEED, referenceDate: REFERENCE_DATE })) {
    const row = templateRow(c);
    chunk += `${keys.map((k) => csvCell(row[k])).join(',')}\r\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  fs.renameSync(partial, file);
  return file;
}

/** The PINs and names of the generated people, in order (for lookups and search queries). */
export async function* generatedPeople(count: number): AsyncGenerator<CitizenInput> {
  const communes = await benchCommunes();
  yield* generatePopulation({ communes, count, seed: SEED, referenceDate: REFERENCE_DATE });
}

export function mb(kb: number): string {
  return `${(kb / 1024).toFixed(0)} MB`;
}

/** Removes a SQLite database file with its WAL and shared-memory files. */
export function removeSqlite(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) fs.rmSync(f, { force: true });
}

/** A fresh SQLite database file: migrated, built-in units loaded, no citizen. */
export async function freshSqlite(file: string): Promise<string> {
  removeSqlite(file);
  const ctx = await openBenchContext(`sqlite:${file}`);
  await ctx.db.close();
  return file;
}

/** Every table, index and trigger definition of a SQLite database (a database of an older schema is not reused). */
function schemaOf(fileOrDb: string | SQLite.Database): string {
  const db = typeof fileOrDb === 'string' ? new SQLite(fileOrDb, { readonly: true }) : fileOrDb;
  try {
    return JSON.stringify(db.prepare("select type, name, sql from sqlite_master where name not like 'sqlite_%' order by type, name").all());
  } finally {
    if (typeof fileOrDb === 'string') db.close();
  }
}

/** Applies the pending migrations of every module to an existing database file, in name order, also those named before one already applied. */
async function migrateInPlace(file: string): Promise<void> {
  const db = await Database.open(`sqlite:${file}`);
  try {
    const { error, results } = await new Migrator({ db: db.kysely, provider: { getMigrations: async () => allMigrations() }, allowUnorderedMigrations: true }).migrateToLatest();
    if (error) throw error;
    // One timestamp for all: Kysely then orders applied migrations by name, as `motcua` expects.
    await sql`update kysely_migration set timestamp = (select min(timestamp) from kysely_migration)`.execute(db.kysely);
    const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    if (applied.length > 0) console.log(`  migrations applied in place to ${path.relative(ROOT, file)}: ${applied.join(', ')}`);
  } finally {
    await db.close();
  }
}

/** The SQLite database the population-import benchmark fills with `count` people (and the lookup and search benchmarks read). */
export function populationDbFile(count: number): string {
  return path.join(benchDir(), `population-${count}-s${SEED}.sqlite`);
}

export interface ImportResult {
  rows: number;
  ms: number;
  maxRssKb: number;
}

let built = false;
/** Compiles src/ into dist/ (`tsc -p tsconfig.build.json`, what `npm run build` does for the server), once per run. */
function buildCli(): void {
  if (built) return;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('tsc -p tsconfig.build.json failed');
  built = true;
}

/**
 * Imports the `count`-people CSV into a fresh SQLite file with the command as shipped —
 * `node bin/motcua.js citizens import` over the compiled dist/ (built first) — in a child process
 * run by GNU time (`/usr/bin/time`, Debian package `time`), which gives its peak RSS. Under tsx,
 * as the benchmarks themselves run, the same process carried ~75 MB more (tsx's transpiled
 * sources: 232 MB after opening the context, against 159 MB compiled), which no user's import has.
 */
export async function importIntoSqlite(count: number, file = populationDbFile(count)): Promise<ImportResult> {
  const csv = await populationCsv(count);
  await freshSqlite(file);
  buildCli();
  const started = performance.now();
  const { code, stdout, stderr } = await runProcess('/usr/bin/time', ['-f', 'MAXRSS_KB %M', process.execPath, path.join(ROOT, 'bin/motcua.js'), 'citizens', 'import', csv, '--reference-date', REFERENCE_DATE], { DATABASE_URL: `sqlite:${file}`, MOTCUA_DEMO: 'off' });
  const ms = performance.now() - started;
  const rss = /MAXRSS_KB (\d+)/.exec(stderr);
  if (code !== 0 || !rss) throw new Error(`motcua citizens import failed (${code}): ${stderr.slice(-2000)}`);
  const status = JSON.parse(stdout) as { created: number; updated: number; unchanged: number };
  return { rows: status.created + status.updated + status.unchanged, ms, maxRssKb: Number(rss[1]) };
}

/**
 * The SQLite database with `count` imported people: the one population-import left, or, when it
 * is missing or unfinished, a new import (several minutes for 1,000,000 people).
 */
export async function populationDb(count: number): Promise<string> {
  const file = populationDbFile(count);
  let why = 'not there';
  if (fs.existsSync(file)) {
    const expected = schemaOf(await freshSqlite(path.join(benchDir(), 'schema-check.sqlite')));
    removeSqlite(path.join(benchDir(), 'schema-check.sqlite'));
    try {
      const finished = () => {
        const db = new SQLite(file, { readonly: true, fileMustExist: true });
        try {
          const done = db.prepare("select count(*) as n from citizen_imports where status = 'done' and rows_read = ?").get(count) as { n: number };
          return { done: done.n > 0, current: schemaOf(db) === expected };
        } finally {
          db.close();
        }
      };
      let state = finished();
      if (state.done && !state.current) {
        // Migrations added since (other modules' new tables) are applied in place, whatever their
        // names' order relative to the ones already applied: only a schema that still differs
        // afterwards (an edited migration) calls for a new import.
        await migrateInPlace(file);
        state = finished();
      }
      if (state.done && state.current) return file;
      why = !state.done ? 'its import is unfinished' : 'its schema is not the current one';
    } catch (e) {
      why = `unreadable: ${(e as Error).message}`;
    }
  }
  console.log(`  importing ${count.toLocaleString('en')} people into ${path.relative(ROOT, file)} (${why}; population-import leaves it there)…`);
  await importIntoSqlite(count, file);
  return file;
}

/**
 * Rolls the audit log of a benchmark database back to its last `citizen.import` entry: the reads
 * of earlier benchmark runs (and their sign-ins) are dropped, with their per-person index rows and runs,
 * and the head row points at that entry again, so the chain still verifies. Each run then writes
 * its entries on a log of the same size and the same per-person index (its runs are merged as
 * the log grows: src/platform/audit/subject-index.ts), and without this every run measured a
 * larger log than the last. Answers the entries dropped.
 */
export function rollBackAuditLog(file: string): number {
  const db = new SQLite(file);
  try {
    return db.transaction(() => {
      const last = db.prepare("select seq, hash from audit_log where action = 'citizen.import' order by seq desc limit 1").get() as { seq: number; hash: string } | undefined;
      if (!last) return 0;
      const dropped = db.prepare('delete from audit_log where seq > ?').run(last.seq).changes;
      // The per-person index (src/platform/audit/subject-index.ts): rows of dropped entries, runs only of them, the watermark.
      db.prepare('delete from audit_subject_runs where seq > ?').run(last.seq);
      db.prepare("delete from audit_runs where first_seq > ? or state <> 'ready'").run(last.seq);
      db.prepare('update audit_runs set last_seq = ?, entries = (select count(*) from audit_subject_runs r where r.run = audit_runs.run) where last_seq > ?').run(last.seq, last.seq);
      db.prepare('update audit_index set watermark = min(watermark, ?), lease_owner = null, lease_until = null where id = 1').run(last.seq);
      db.prepare('update audit_head set seq = ?, hash = ? where id = 1').run(last.seq, last.hash);
      return dropped;
    })();
  } finally {
    db.close();
  }
}

/** A bearer token of a staff account (created when missing) of `unitCode`, signed in now. */
export async function staffToken(file: string, username: string, role: StaffRole, unitCode: string): Promise<string> {
  const ctx = await openBenchContext(`sqlite:${file}`);
  try {
    const password = `bench-${username}-Mật-khẩu-dài`;
    const unitExists = (code: string) => unitCodeExists(ctx.db.as<UnitsTables>(), code);
    await createStaff(ctx.db, { username, password, role, unitCode, unitDate: REFERENCE_DATE }, { kind: 'cli', id: 'cli:bench' }, unitExists).catch((e: unknown) => {
      if (!(e instanceof AppError && e.code === 'STAFF_USERNAME_TAKEN')) throw e;
    });
    return (await signInStaff(ctx.db, username, password, '127.0.0.1')).token;
  } finally {
    await ctx.db.close();
  }
}

/** Reproducible inputs of the benchmarks (src/platform/random.ts). */
export { seededRandom } from '../../src/platform/random.js';

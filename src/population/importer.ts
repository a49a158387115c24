/**
 * Importing citizen lists (CSV or XLSX, see import-file.ts) into the registry.
 *
 * - Streams the file: memory stays bounded whatever its size.
 * - Validates every row (format in the reader; identification-number rules and unit codes here)
 *   and keeps the good rows: they are committed in transactional batches (default 1,000 rows),
 *   each batch together with its bad-row reports, the import's counters and checkpoint, and one
 *   audit entry naming every record it changed. A crash never leaves half a record or half a batch.
 * - Upserts on the identification number with history, so importing the same file again changes
 *   nothing; an import killed half-way is resumed from its checkpoint by importing the same file
 *   again (same SHA-256), or simply re-run — either way with no duplicate.
 * - Look-alikes of existing people become duplicate candidates, counted apart.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql, type Generated, type Kysely, type Migration } from 'kysely';
import { AppError, type ErrorCode, type ErrorParams } from '../platform/errors.js';
import { nowUtc, todayInVietnam } from '../platform/dates.js';
import { recordAudit, type AuditActor } from '../platform/audit/audit.js';
import type { Database } from '../platform/db/database.js';
import { withIdColumn } from '../platform/db/migrations.js';
import { silentProgress, type Progress } from '../platform/module.js';
import type { UnitsTables } from '../units/index.js';
import { readCitizenFile, type ParsedRow } from './import-file.js';
import { checkCitizen, maskPin, saveCitizens, UnitPaths } from './registry.js';
import { inScope, type ScopePeriod } from '../platform/auth.js';
import { analyzeCitizens, citizenRowEstimate, type PopulationTables } from './store.js';

export interface ImportTables {
  citizen_imports: {
    id: Generated<number>;
    file_name: string;
    file_sha256: string;
    reference_date: string;
    status: string;
    actor: string;
    rows_read: number;
    /** Estimated data rows (CSV: lines after the header; XLSX: unknown, 0). */
    rows_total: number;
    created: number;
    updated: number;
    unchanged: number;
    duplicates: number;
    bad_rows: number;
    checkpoint_row: number;
    started_at: string;
    finished_at: string | null;
    failure: string | null;
    /** UTC time of the last committed batch (or of the start); see {@link IMPORT_STALE_MS}. */
    heartbeat_at: string | null;
  };
  citizen_import_errors: {
    import_id: number;
    row: number;
    col: string;
    code: string;
    value: string | null;
    params: string | null;
  };
}

export const importMigrations: Record<string, Migration> = {
  '0301_population_imports': {
    async up(db: Kysely<any>) {
      await withIdColumn(db, db.schema.createTable('citizen_imports'))
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('file_sha256', 'text', (c) => c.notNull())
        .addColumn('reference_date', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running','done','failed')`))
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('rows_read', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('rows_total', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('duplicates', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('bad_rows', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('checkpoint_row', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('failure', 'text')
        .execute();
      await db.schema.createIndex('citizen_imports_sha').on('citizen_imports').columns(['file_sha256', 'status']).execute();
      await db.schema
        .createTable('citizen_import_errors')
        .addColumn('import_id', 'bigint', (c) => c.notNull().references('citizen_imports.id'))
        .addColumn('row', 'integer', (c) => c.notNull())
        .addColumn('col', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('value', 'text')
        .addColumn('params', 'text')
        .addPrimaryKeyConstraint('citizen_import_errors_pk', ['import_id', 'row', 'col', 'code'])
        .execute();
    },
  },
  '0304_population_import_heartbeat': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('citizen_imports').addColumn('heartbeat_at', 'text').execute();
    },
  },
};

/**
 * A running import that has committed no batch for this long is reported `failed` with
 * `IMPORT_INTERRUPTED`: its process was killed (a server or CLI stopped with kill -9, a power
 * cut) and will not mark it. A batch commits every 1,000 rows, a second or two; uploading or
 * importing the same file again resumes it from its checkpoint.
 */
export const IMPORT_STALE_MS = 3 * 60_000;

type Db = Kysely<ImportTables & PopulationTables>;

export interface ImportStatus {
  id: number;
  fileName: string;
  status: 'running' | 'done' | 'failed';
  referenceDate: string;
  rowsRead: number;
  rowsTotal: number;
  created: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  badRows: number;
  startedAt: string;
  finishedAt: string | null;
  /** Why a failed import stopped: a catalogue code. */
  failure: string | null;
}

export interface ImportRowError {
  row: number;
  column: string;
  code: ErrorCode;
  value?: string | null;
  /** Message parameters (identification and phone numbers masked). */
  params?: ErrorParams;
}

function statusOf(r: Omit<ImportTables['citizen_imports'], 'id'> & { id: number }, now = Date.now()): ImportStatus {
  const interrupted = r.status === 'running' && Date.parse(r.heartbeat_at ?? r.started_at) < now - IMPORT_STALE_MS;
  return {
    id: Number(r.id),
    fileName: r.file_name,
    status: interrupted ? 'failed' : (r.status as ImportStatus['status']),
    referenceDate: r.reference_date,
    rowsRead: r.rows_read,
    rowsTotal: r.rows_total,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    duplicates: r.duplicates,
    badRows: r.bad_rows,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    failure: interrupted ? 'IMPORT_INTERRUPTED' : r.failure,
  };
}

export async function importStatus(db: Database, id: number): Promise<ImportStatus> {
  const r = await db.as<ImportTables>().selectFrom('citizen_imports').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw new AppError('IMPORT_NOT_FOUND', { id });
  return statusOf({ ...r, id: Number(r.id) });
}

export async function importErrors(db: Database, id: number): Promise<ImportRowError[]> {
  const rows = await db.as<ImportTables>().selectFrom('citizen_import_errors').selectAll().where('import_id', '=', id).orderBy('row').orderBy('col').execute();
  return rows.map((r) => ({ row: r.row, column: r.col, code: r.code as ErrorCode, value: r.value, params: r.params ? (JSON.parse(r.params) as ErrorParams) : undefined }));
}

/** SHA-256 of the file and, for a text file, its data lines (newlines after the header). */
async function fingerprint(file: string): Promise<{ digest: string; dataLines: number }> {
  const h = createHash('sha256');
  let newlines = 0;
  let zip = false;
  let first = true;
  for await (const chunk of fs.createReadStream(file)) {
    const b = chunk as Buffer;
    if (first) zip = b.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    first = false;
    h.update(b);
    if (!zip) for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) newlines++;
  }
  return { digest: h.digest('hex'), dataLines: zip ? 0 : Math.max(0, newlines - 1) };
}

/** Masks what may be an identification or phone number in a reported value (the report travels). */
function maskValue(v: string | null | undefined): string | null {
  if (v == null) return null;
  return v.replace(/\d{6,}/g, (m) => (m.length >= 9 ? `${'*'.repeat(m.length - 3)}${m.slice(-3)}` : m)).slice(0, 200);
}

function maskParams(p: ErrorParams | undefined): ErrorParams | undefined {
  if (!p) return undefined;
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'string' ? maskValue(v) : v]));
}

/** Template column of a record field reported by the registry's checks. */
const COLUMN_OF_FIELD: Record<string, string> = {
  pin: 'so_dinh_danh',
  dateOfBirth: 'ngay_sinh',
  fatherPin: 'so_dinh_danh_cha',
  motherPin: 'so_dinh_danh_me',
  spousePin: 'so_dinh_danh_vo_chong',
  'household.headPin': 'so_dinh_danh_chu_ho',
  'birthRegistration.unitCode': 'noi_dang_ky_khai_sinh',
  'homeTown.unitCode': 'que_quan',
  'permanentResidence.unitCode': 'thuong_tru_ma_dvhc',
  'temporaryResidence.unitCode': 'tam_tru_ma_dvhc',
  'currentResidence.unitCode': 'o_hien_tai_ma_dvhc',
  deceasedOn: 'ngay_mat',
};

export interface ImportOptions {
  actor: AuditActor;
  /** The importer's unit through time: rows for people living elsewhere are refused (null or absent: everywhere, e.g. the CLI). */
  area?: readonly ScopePeriod[] | null;
  /** The date the file's unit codes refer to when a row does not say (`YYYY-MM-DD`). */
  referenceDate: string;
  batchSize?: number;
  progress?: Progress;
  /** Called after each committed batch (tests use it to stop an import half-way). */
  afterBatch?: (status: ImportStatus) => void | Promise<void>;
  /** Start work on an import row created beforehand (the HTTP upload does). */
  importId?: number;
}

/** Creates the import's row (status running) for a file, or finds the unfinished one of the same file to resume. */
export async function beginImport(db: Database, file: string, options: Pick<ImportOptions, 'actor' | 'referenceDate'>, displayName = path.basename(file)): Promise<{ id: number; resumeAfterRow: number }> {
  const k = db.as<ImportTables>();
  const { digest, dataLines } = await fingerprint(file);
  // An unfinished import of the same file (killed, or stopped by an error) goes on from its checkpoint.
  const unfinished = await k.selectFrom('citizen_imports').select(['id', 'checkpoint_row']).where('file_sha256', '=', digest).where('status', 'in', ['running', 'failed']).orderBy('id', 'desc').executeTakeFirst();
  if (unfinished) {
    await k.updateTable('citizen_imports').set({ status: 'running', finished_at: null, failure: null, heartbeat_at: nowUtc() }).where('id', '=', unfinished.id).execute();
    return { id: Number(unfinished.id), resumeAfterRow: unfinished.checkpoint_row };
  }
  const r = await k
    .insertInto('citizen_imports')
    .values({ file_name: displayName.slice(0, 200), file_sha256: digest, reference_date: options.referenceDate, status: 'running', actor: options.actor.id, started_at: nowUtc(), heartbeat_at: nowUtc(), rows_read: 0, rows_total: dataLines, created: 0, updated: 0, unchanged: 0, duplicates: 0, bad_rows: 0, checkpoint_row: 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: Number(r.id), resumeAfterRow: 0 };
}

/**
 * Imports a citizen list file. Returns the final status; the bad rows are in
 * {@link importErrors}. Errors thrown: the reader's file-level errors (unreadable, missing
 * column), after which the import is marked failed; batches already committed stay.
 */
export async function importCitizens(db: Database, file: string, options: ImportOptions): Promise<ImportStatus> {
  const { id, resumeAfterRow } = options.importId !== undefined ? { id: options.importId, resumeAfterRow: (await db.as<ImportTables>().selectFrom('citizen_imports').select('checkpoint_row').where('id', '=', options.importId).executeTakeFirstOrThrow()).checkpoint_row } : await beginImport(db, file, options);
  const batchSize = options.batchSize ?? 1000;
  const units = new UnitPaths(db.as<UnitsTables>());
  const progress = options.progress ?? silentProgress;
  const initial = await importStatus(db, id);
  progress.start('citizens', initial.rowsTotal);
  const area = options.area ?? null;
  let batch: ParsedRow[] = [];
  const statistics = await statisticsKeeper(db, initial.created);
  // A batch is read and checked while the previous one is being written; writes go one after the
  // other. On PostgreSQL the reading and checking (JavaScript) then overlap the database's work:
  // 100,000 rows took 23 s instead of 30 s on two cores (with the yield below; without it, 30 s).
  // At most one batch is in flight, so memory stays bounded; a write's error is thrown by the
  // next flush (or the last wait).
  let writing: Promise<void> = Promise.resolve();
  const flush = async (lastRow: number) => {
    const checked = await checkBatch(batch, units, area);
    batch = [];
    await writing;
    writing = writeBatch(db, id, checked, options.actor, lastRow, area).then(async (status) => {
      await statistics(status.created);
      await options.afterBatch?.(status);
    });
    writing.catch(() => undefined); // handled where awaited
  };
  try {
    let lastRow = resumeAfterRow;
    for await (const row of readCitizenFile({ path: file }, { referenceDate: options.referenceDate })) {
      if (row.row <= resumeAfterRow) continue;
      batch.push(row);
      lastRow = row.row;
      // Let the database's answers in every few rows, so that the write in flight goes on while this reads.
      if (batch.length % 20 === 0) await new Promise(setImmediate);
      if (batch.length >= batchSize) {
        await flush(lastRow);
        progress.update(lastRow - 1);
      }
    }
    if (batch.length > 0) await flush(lastRow);
    await writing;
    // Done: the total was an estimate from the file's line count (blank lines, a missing last
    // newline or quoted line breaks make it differ; 0 for XLSX) — now it is the rows read.
    await db.as<ImportTables>().updateTable('citizen_imports').set((eb) => ({ status: 'done', finished_at: nowUtc(), rows_total: eb.ref('rows_read') })).where('id', '=', id).execute();
  } catch (err) {
    await writing.catch(() => undefined); // a batch in flight commits (or fails) before the import is marked failed
    const reason = err instanceof AppError ? err.code : 'INTERNAL_ERROR';
    await db.as<ImportTables>().updateTable('citizen_imports').set({ status: 'failed', finished_at: nowUtc(), failure: reason }).where('id', '=', id).execute().catch(() => undefined);
    throw err;
  } finally {
    progress.stop();
  }
  return importStatus(db, id);
}

/**
 * PostgreSQL plans each batch's look-ups (existing numbers, look-alikes by duplicate key) from the
 * statistics of `citizens`, which autovacuum refreshes about once a minute at best. Without them
 * a first import into an empty registry looked duplicate keys up by scanning the whole table (a
 * seq scan instead of the index: 50 ms a batch at 100,000 rows, growing with the table; 15 % of a
 * 100,000-row import). So the import refreshes them itself each time the table has doubled since
 * the last time (11 times for 1,000,000 rows into an empty table; never for a small file into a
 * large one). A refresh that fails (e.g. autovacuum holds the lock) is skipped: it only helps.
 * Returns the function to call after each batch with the import's created count. SQLite: nothing.
 */
async function statisticsKeeper(db: Database, createdBefore: number): Promise<(created: number) => Promise<void>> {
  if (db.engine !== 'postgres') return async () => undefined;
  const k = db.as<PopulationTables>();
  const estimate = await citizenRowEstimate(k);
  let analyzedAt = estimate;
  return async (created) => {
    const size = estimate + created - createdBefore;
    if (size < Math.max(1000, 2 * analyzedAt)) return;
    analyzedAt = size;
    await analyzeCitizens(k).catch(() => undefined);
  };
}

/** A batch checked against the registry's rules, ready to be written. */
interface CheckedBatch {
  /** Data rows read (the header's notices are no data row). */
  dataRows: number;
  good: { row: number; citizen: NonNullable<ParsedRow['citizen']>; path: string[] | null }[];
  errors: ImportRowError[];
}

/** Validates the batch's citizens against the registry's rules (reads units, writes nothing). */
async function checkBatch(rows: ParsedRow[], units: UnitPaths, area: readonly ScopePeriod[] | null): Promise<CheckedBatch> {
  const errors: ImportRowError[] = [];
  // The header's notices (an ignored unknown column) are reported, but the header is no data row.
  const dataRows = rows.filter((r) => r.citizen || r.errors.some((e) => e.code !== 'IMPORT_COLUMN_UNKNOWN')).length;
  const good: { row: number; citizen: NonNullable<ParsedRow['citizen']>; path: string[] | null }[] = [];
  const seenInBatch = new Set<string>();
  const today = todayInVietnam(); // once a batch: the polyfill's time-zone maths is slow
  for (const r of rows) {
    for (const e of r.errors) errors.push({ row: r.row, column: e.column, code: e.code, value: maskValue(e.value), params: maskParams(e.params) });
    if (!r.citizen || r.errors.length > 0) continue;
    if (seenInBatch.has(r.citizen.pin)) {
      errors.push({ row: r.row, column: 'so_dinh_danh', code: 'IMPORT_PIN_REPEATED', value: maskPin(r.citizen.pin) });
      continue;
    }
    seenInBatch.add(r.citizen.pin);
    try {
      const residencePath = await checkCitizen(r.citizen, units, today);
      const residenceDate = r.citizen.currentResidence?.unitDate ?? r.citizen.permanentResidence?.unitDate ?? null;
      if (area !== null && (!residencePath || !inScope(area, residencePath, residenceDate))) {
        errors.push({ row: r.row, column: 'thuong_tru_ma_dvhc', code: 'IMPORT_OUT_OF_SCOPE', value: null });
        continue;
      }
      good.push({ row: r.row, citizen: r.citizen, path: residencePath });
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'VALIDATION_FAILED') throw e;
      for (const f of e.fieldErrors) errors.push({ row: r.row, column: COLUMN_OF_FIELD[f.field] ?? f.field, code: f.code, value: maskValue(String(f.params?.pin ?? f.params?.code ?? f.params?.value ?? '')) || null, params: maskParams(f.params) });
    }
  }
  return { dataRows, good, errors };
}

/** Commits a checked batch with its errors and checkpoint, and one audit entry. */
async function writeBatch(db: Database, importId: number, { dataRows, good, errors }: CheckedBatch, actor: AuditActor, lastRow: number, area: readonly ScopePeriod[] | null): Promise<ImportStatus> {
  return db.transaction(async (trx) => {
    const k = trx as unknown as Db;
    const counts = { created: 0, updated: 0, unchanged: 0, duplicates: 0 };
    const changed: string[] = [];
    const outcomes = await saveCitizens(k, good.map((g) => ({ citizen: g.citizen, path: g.path })), { mode: 'upsert', actor: actor.id, source: `import:${importId}`, fill: true, area });
    for (const [n, res] of outcomes.entries()) {
      if (res.outcome === 'duplicate') counts.duplicates++;
      else if (res.outcome === 'identity_conflict') errors.push({ row: good[n]!.row, column: 'ho_ten', code: 'IMPORT_IDENTITY_CONFLICT', value: null, params: { fields: res.fields.join(', ') } });
      else if (res.outcome === 'out_of_scope') errors.push({ row: good[n]!.row, column: 'so_dinh_danh', code: 'IMPORT_OUT_OF_SCOPE', value: maskPin(res.pin) });
      else counts[res.outcome]++;
      if (res.outcome === 'created' || res.outcome === 'updated') changed.push(res.pin);
    }
    const badRows = new Set(errors.filter((e) => e.code !== 'IMPORT_COLUMN_UNKNOWN').map((e) => e.row)).size;
    if (errors.length > 0) {
      await k
        .insertInto('citizen_import_errors')
        .values(errors.map((e) => ({ import_id: importId, row: e.row, col: e.column.slice(0, 80), code: e.code, value: e.value ?? null, params: e.params ? JSON.stringify(e.params) : null })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    await k
      .updateTable('citizen_imports')
      .set((eb) => ({
        rows_read: eb('rows_read', '+', dataRows),
        created: eb('created', '+', counts.created),
        updated: eb('updated', '+', counts.updated),
        unchanged: eb('unchanged', '+', counts.unchanged),
        duplicates: eb('duplicates', '+', counts.duplicates),
        bad_rows: eb('bad_rows', '+', badRows),
        checkpoint_row: lastRow,
        heartbeat_at: nowUtc(),
      }))
      .where('id', '=', importId)
      .execute();
    if (changed.length > 0 || counts.duplicates > 0) {
      await recordAudit(trx, {
        actor,
        action: 'citizen.import',
        subjects: changed.map((pin) => ({ type: 'citizen', id: pin })),
        summary: `import ${importId} rows to ${lastRow}: ${counts.created} created, ${counts.updated} updated, ${counts.duplicates} held as duplicates, ${badRows} bad`,
      });
    }
    const r = await k.selectFrom('citizen_imports').selectAll().where('id', '=', importId).executeTakeFirstOrThrow();
    return statusOf({ ...r, id: Number(r.id) });
  });
}

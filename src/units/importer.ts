/**
 * Importing unit lists and succession mappings, and loading the built-in first-run data.
 *
 * A list describes the units in force from `validFrom`. For each unit in it:
 * - the version in force on that day has the same content → nothing changes (so re-importing a
 *   file changes nothing);
 * - that version starts the same day → it is corrected in place;
 * - it started earlier → it ends the day before and a new version begins, linked to it (`full`);
 * - no version is in force → a new version begins, ending before any later version of the code.
 * A file with any bad row imports nothing (UNIT_IMPORT_REJECTED lists every bad row and field).
 * All writes and their audit entry commit in one transaction.
 */
import path from 'node:path';
import type { Kysely } from 'kysely';
import { AppError } from '../platform/errors.js';
import { addDays, isIsoDate } from '../platform/dates.js';
import { recordAudit, type AuditActor } from '../platform/audit/audit.js';
import type { Database } from '../platform/db/database.js';
import { silentProgress, type Progress } from '../platform/module.js';
import { builtinUnits } from './builtin.js';
import { readSuccessionMapping, readUnitList, type RowError } from './formats.js';
import { sameUnitContent, type SuccessionRecord, type UnitRecord } from './model.js';
import {
  bumpUnitsRevision,
  closeVersion,
  countVersions,
  insertSuccessions,
  insertVersions,
  replaceVersion,
  versionsAt,
  versionsOfCodes,
  versionsOfLevelAt,
  type StoredUnit,
  type UnitsTables,
} from './store.js';

type Db = Kysely<UnitsTables>;

export interface UnitImportResult {
  file: string;
  format: string;
  /** Units read from the file. */
  read: number;
  inserted: number;
  corrected: number;
  /** Earlier versions ended because the file changes them. */
  superseded: number;
  unchanged: number;
  /** With `complete`: units in force before that the file no longer lists, now ended. */
  ended: number;
}

function rejected(file: string, errors: RowError[]): AppError {
  return new AppError(
    'UNIT_IMPORT_REJECTED',
    { file: path.basename(file), count: errors.length },
    {
      fieldErrors: errors.slice(0, 1000).map((e) => ({
        field: `row ${e.row}${e.location ? ` ${e.location}` : ''} · ${e.field}`,
        code: 'UNIT_IMPORT_ROW_INVALID',
        params: { file: path.basename(file), row: e.row, field: e.field, reason: e.reason },
      })),
      extensions: { rows: errors.slice(0, 1000) },
    },
  );
}

function checkDate(name: string, value: string | undefined | null): void {
  if (value != null && !isIsoDate(value)) throw new AppError('DATE_INVALID', { value: `${name}=${value}` });
}

/** Writes unit versions as described above; returns the counts. Runs in the caller's transaction. */
async function applyVersions(trx: Db, units: UnitRecord[], progress: Progress): Promise<Omit<UnitImportResult, 'file' | 'format' | 'read' | 'ended'>> {
  const existing = new Map<string, StoredUnit[]>();
  for (const v of await versionsOfCodes(trx, units.map((u) => u.code))) {
    const list = existing.get(v.code) ?? [];
    list.push(v);
    existing.set(v.code, list);
  }
  const toInsert: UnitRecord[] = [];
  const links: SuccessionRecord[] = [];
  let corrected = 0;
  let superseded = 0;
  let unchanged = 0;
  progress.start('units', units.length);
  for (const [i, u] of units.entries()) {
    const versions = existing.get(u.code) ?? [];
    const current = versions.find((v) => v.validFrom <= u.validFrom && (v.validUntil === null || v.validUntil >= u.validFrom));
    if (current && sameUnitContent(current, u)) {
      unchanged++;
    } else if (current && current.validFrom === u.validFrom) {
      await replaceVersion(trx, current.id, { ...u, validUntil: u.validUntil ?? current.validUntil });
      corrected++;
    } else if (current) {
      await closeVersion(trx, current.id, addDays(u.validFrom, -1));
      toInsert.push({ ...u, validUntil: u.validUntil ?? current.validUntil });
      links.push({ predecessorCode: u.code, successorCode: u.code, kind: 'full', effectiveDate: u.validFrom, source: u.source });
      superseded++;
    } else {
      const next = versions.find((v) => v.validFrom > u.validFrom);
      const lastBeforeNext = next ? addDays(next.validFrom, -1) : null;
      const until = u.validUntil && lastBeforeNext ? (u.validUntil < lastBeforeNext ? u.validUntil : lastBeforeNext) : (u.validUntil ?? lastBeforeNext);
      toInsert.push({ ...u, validUntil: until });
    }
    if (i % 500 === 0) progress.update(i);
  }
  await insertVersions(trx, toInsert);
  await insertSuccessions(trx, links);
  await bumpUnitsRevision(trx);
  progress.update(units.length);
  progress.stop();
  return { inserted: toInsert.length, corrected, superseded, unchanged };
}

export interface ImportUnitListOptions {
  validFrom: string;
  validUntil?: string | null;
  /**
   * The file lists every unit of the levels it holds: versions of those levels in force on
   * `validFrom` whose code is not in the file end the day before (merged or dissolved units).
   */
  complete?: boolean;
  source?: string;
  actor: AuditActor;
  progress?: Progress;
}

/**
 * Imports one unit list file (formats: see formats.ts) as in force from `validFrom`.
 * Errors: DATE_INVALID, UNIT_IMPORT_FILE_UNREADABLE, UNIT_IMPORT_FORMAT_UNKNOWN, UNIT_IMPORT_REJECTED
 * (with every bad row: file, row, field, reason) — in which case nothing is written.
 */
export async function importUnitList(db: Database, file: string, options: ImportUnitListOptions): Promise<UnitImportResult> {
  checkDate('--valid-from', options.validFrom);
  checkDate('--valid-until', options.validUntil);
  const source = options.source ?? path.basename(file);
  const parsed = readUnitList(file, { validFrom: options.validFrom, validUntil: options.validUntil ?? null, source });
  const errors = [...parsed.errors];
  // Every parent must be in the file or in force on validFrom.
  const inFile = new Set(parsed.units.map((u) => u.code));
  const outside = [...new Set(parsed.units.map((u) => u.parentCode).filter((c): c is string => c !== null && !inFile.has(c)))];
  const found = new Set((await versionsAt(db.as<UnitsTables>(), outside, options.validFrom)).map((u) => u.code));
  parsed.units.forEach((u, i) => {
    if (u.parentCode && !inFile.has(u.parentCode) && !found.has(u.parentCode)) {
      errors.push({ row: i + 1, field: 'parent', code: 'FIELD_INVALID', reason: `parent unit ${u.parentCode} of ${u.code} is neither in the file nor in force on ${options.validFrom}` });
    }
  });
  if (errors.length > 0) throw rejected(file, errors);
  if (options.validUntil && options.validUntil < options.validFrom) throw new AppError('DATE_INVALID', { value: `--valid-until=${options.validUntil} (before --valid-from)` });
  const counts = await db.transaction(async (trx) => {
    const c = await applyVersions(trx as Db, parsed.units, options.progress ?? silentProgress);
    let ended = 0;
    if (options.complete) {
      const levels = [...new Set(parsed.units.map((u) => u.level))];
      const listed = new Set(parsed.units.map((u) => u.code));
      for (const level of levels) {
        for (const v of await versionsOfLevelAt(trx as Db, level, options.validFrom)) {
          // Versions that begin on the same day come from another list of that date: kept.
          if (listed.has(v.code) || v.validFrom >= options.validFrom) continue;
          await closeVersion(trx as Db, v.id, addDays(options.validFrom, -1));
          ended++;
        }
      }
    }
    await recordAudit(trx, {
      actor: options.actor,
      action: 'units.import',
      summary: `${path.basename(file)} (${parsed.format}) from ${options.validFrom}: ${parsed.units.length} read, ${c.inserted} new, ${c.corrected} corrected, ${c.superseded} superseded, ${ended} ended`,
    });
    return { ...c, ended };
  });
  return { file: path.basename(file), format: parsed.format, read: parsed.units.length, ...counts };
}

export interface SuccessionImportResult {
  file: string;
  format: string;
  read: number;
  added: number;
  alreadyPresent: number;
  /** Links whose predecessor code has no version in force the day before the effective date. */
  unresolvedPredecessors: number;
  /** Links whose successor code has no version in force on the effective date. */
  unresolvedSuccessors: number;
}

/**
 * Imports an old ↔ new mapping as succession links effective on `effectiveDate` (default
 * 2025-07-01). Links to codes not (yet) in the registry are kept and counted as unresolved: the
 * published mappings include stale GSO codes. Re-importing adds nothing.
 */
export async function importSuccessions(
  db: Database,
  file: string,
  options: { effectiveDate?: string; source?: string; actor: AuditActor },
): Promise<SuccessionImportResult> {
  const effectiveDate = options.effectiveDate ?? '2025-07-01';
  checkDate('--effective', effectiveDate);
  const parsed = readSuccessionMapping(file);
  if (parsed.errors.length > 0) throw rejected(file, parsed.errors);
  const source = options.source ?? path.basename(file);
  const unique = new Map<string, SuccessionRecord>();
  for (const l of parsed.links) unique.set(`${l.predecessorCode}>${l.successorCode}`, { ...l, effectiveDate, source });
  const links = [...unique.values()];
  const k = db.as<UnitsTables>();
  const before = new Set((await versionsAt(k, links.map((l) => l.predecessorCode), addDays(effectiveDate, -1))).map((u) => u.code));
  const after = new Set((await versionsAt(k, links.map((l) => l.successorCode), effectiveDate)).map((u) => u.code));
  const added = await db.transaction(async (trx) => {
    const n = await insertSuccessions(trx as Db, links);
    await bumpUnitsRevision(trx as Db);
    await recordAudit(trx, { actor: options.actor, action: 'units.import-succession', summary: `${path.basename(file)} (${parsed.format}) effective ${effectiveDate}: ${links.length} links, ${n} new` });
    return n;
  });
  return {
    file: path.basename(file),
    format: parsed.format,
    read: links.length,
    added,
    alreadyPresent: links.length - added,
    unresolvedPredecessors: links.filter((l) => !before.has(l.predecessorCode)).length,
    unresolvedSuccessors: links.filter((l) => !after.has(l.successorCode)).length,
  };
}

/** Loads the built-in units (see builtin.ts) when the registry is empty; returns the versions added. */
export async function seedBuiltinUnits(db: Database, progress: Progress = silentProgress): Promise<number> {
  if ((await countVersions(db.as<UnitsTables>())) > 0) return 0;
  const { units, successions } = builtinUnits();
  await db.transaction(async (trx) => {
    progress.start('built-in units', units.length);
    await insertVersions(trx as Db, units, (done) => progress.update(done));
    await insertSuccessions(trx as Db, successions);
    await bumpUnitsRevision(trx as Db);
    progress.stop();
    await recordAudit(trx, {
      actor: { kind: 'system', id: 'seed' },
      action: 'units.seed',
      summary: `built-in units: ${units.length} versions, ${successions.length} succession links`,
    });
  });
  return units.length;
}

/**
 * The calendar module's operations: the working calendar from the stored schedule, and imports
 * of a yearly schedule (JSON: an array of `{date, kind, basis, name_vi, name_en, source,
 * unconfirmed?}`, the format of shared/data/official-days-off.json).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { AppError, type FieldError } from '../platform/errors.js';
import { isIsoDate } from '../platform/dates.js';
import { recordAudit, type AuditActor } from '../platform/audit/audit.js';
import type { Database } from '../platform/db/database.js';
import { Temporal } from 'temporal-polyfill';
import type { CalendarEntry } from './model.js';
import { OFFICIAL_DAYS_2024_2026 } from './official-days.js';
import { allEntries, countEntries, upsertEntries, type CalendarTables } from './store.js';
import { WorkingCalendar } from './working-days.js';
import { CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR } from './rules.js';

type Db = Kysely<CalendarTables>;

export async function workingCalendar(db: Database): Promise<WorkingCalendar> {
  return new WorkingCalendar(await allEntries(db.as<CalendarTables>()));
}

/**
 * Checks entries; a working-day entry must be a Saturday or Sunday, a day off a weekday, and every
 * date within the years the calendar covers (1900–2199, CALENDAR_YEAR_UNSUPPORTED).
 */
export function checkEntries(raw: unknown): CalendarEntry[] {
  if (!Array.isArray(raw)) throw new AppError('CALENDAR_FILE_INVALID', { reason: 'expected a JSON array' });
  const errors: FieldError[] = [];
  const out: CalendarEntry[] = [];
  raw.forEach((e: Record<string, unknown>, i) => {
    const at = (f: string) => `[${i}].${f}`;
    const before = errors.length;
    const date = typeof e?.date === 'string' ? e.date : '';
    if (!isIsoDate(date)) errors.push({ field: at('date'), code: 'DATE_INVALID', params: { value: String(e?.date ?? '') } });
    if (e?.kind !== 'day_off' && e?.kind !== 'working_day') errors.push({ field: at('kind'), code: 'FIELD_NOT_ALLOWED_VALUE', params: { expected: 'day_off, working_day' } });
    if (!['statutory', 'substitute', 'official_schedule'].includes(String(e?.basis))) errors.push({ field: at('basis'), code: 'FIELD_NOT_ALLOWED_VALUE', params: { expected: 'statutory, substitute, official_schedule' } });
    for (const f of ['name_vi', 'name_en', 'source']) if (typeof e?.[f] !== 'string' || (e[f] as string).trim() === '') errors.push({ field: at(f), code: 'FIELD_REQUIRED' });
    if (errors.length === before && !(Number(date.slice(0, 4)) >= CALENDAR_FIRST_YEAR && Number(date.slice(0, 4)) <= CALENDAR_LAST_YEAR)) {
      errors.push({ field: at('date'), code: 'CALENDAR_YEAR_UNSUPPORTED', params: { date, min: CALENDAR_FIRST_YEAR, max: CALENDAR_LAST_YEAR } });
    }
    if (errors.length === before) {
      const weekend = Temporal.PlainDate.from(date).dayOfWeek >= 6;
      if ((e.kind === 'working_day') !== weekend) errors.push({ field: at('kind'), code: 'CALENDAR_KIND_MISMATCH', params: { date } });
    }
    if (errors.length === before) {
      out.push({ date, kind: e.kind as CalendarEntry['kind'], basis: e.basis as CalendarEntry['basis'], nameVi: String(e.name_vi).normalize('NFC'), nameEn: String(e.name_en), source: String(e.source), ...(e.unconfirmed === true ? { unconfirmed: true } : {}) });
    }
  });
  if (errors.length > 0) throw new AppError('VALIDATION_FAILED', { count: errors.length }, { fieldErrors: errors });
  return out;
}

/** Stores entries (all or none) with an audit entry; returns how many dates were new or changed. */
export async function saveEntries(db: Database, entries: CalendarEntry[], actor: AuditActor, source: string): Promise<number> {
  return db.transaction(async (trx) => {
    const changed = await upsertEntries(trx as Db, entries);
    await recordAudit(trx, { actor, action: 'calendar.import', summary: `${source}: ${entries.length} dates, ${changed} new or changed` });
    return changed;
  });
}

/** `motcua calendar import FILE`. Errors: CALENDAR_FILE_INVALID, VALIDATION_FAILED (every bad entry). */
export async function importCalendarFile(db: Database, file: string, actor: AuditActor): Promise<{ read: number; changed: number }> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new AppError('CALENDAR_FILE_INVALID', { reason: (e as Error).message });
  }
  const entries = checkEntries(raw);
  return { read: entries.length, changed: await saveEntries(db, entries, actor, path.basename(file)) };
}

/** Loads the built-in 2024–2026 schedule when no schedule is stored. */
export async function seedCalendar(db: Database): Promise<void> {
  if ((await countEntries(db.as<CalendarTables>())) > 0) return;
  await saveEntries(db, OFFICIAL_DAYS_2024_2026, { kind: 'system', id: 'seed' }, 'built-in schedule 2024–2026');
}

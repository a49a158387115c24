/**
 * SQL of the calendar module: `calendar_days`, the published civil-service schedule (one row per
 * date that differs from a plain Monday–Friday week), built in for 2024–2026 and extended by
 * imports and the admin API.
 */
import type { Kysely, Migration } from 'kysely';
import type { CalendarEntry } from './model.js';

export interface CalendarTables {
  calendar_days: {
    date: string;
    kind: string;
    basis: string;
    name_vi: string;
    name_en: string;
    source: string;
    unconfirmed: number;
  };
}

type Db = Kysely<CalendarTables>;

export const calendarMigrations: Record<string, Migration> = {
  '0400_calendar': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('calendar_days')
        .addColumn('date', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('basis', 'text', (c) => c.notNull())
        .addColumn('name_vi', 'text', (c) => c.notNull())
        .addColumn('name_en', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('unconfirmed', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },
};

export async function allEntries(db: Db): Promise<CalendarEntry[]> {
  const rows = await db.selectFrom('calendar_days').selectAll().orderBy('date').execute();
  return rows.map((r) => ({
    date: r.date,
    kind: r.kind as CalendarEntry['kind'],
    basis: r.basis as CalendarEntry['basis'],
    nameVi: r.name_vi,
    nameEn: r.name_en,
    source: r.source,
    ...(r.unconfirmed ? { unconfirmed: true } : {}),
  }));
}

/** Inserts or replaces entries by date; returns how many rows were new or different. */
export async function upsertEntries(db: Db, entries: CalendarEntry[]): Promise<number> {
  const existing = new Map((await allEntries(db)).map((e) => [e.date, e]));
  let changed = 0;
  for (const e of entries) {
    const old = existing.get(e.date);
    if (old && JSON.stringify({ ...old, unconfirmed: !!old.unconfirmed }) === JSON.stringify({ ...e, unconfirmed: !!e.unconfirmed })) continue;
    const row = { date: e.date, kind: e.kind, basis: e.basis, name_vi: e.nameVi, name_en: e.nameEn, source: e.source, unconfirmed: e.unconfirmed ? 1 : 0 };
    await db
      .insertInto('calendar_days')
      .values(row)
      .onConflict((oc) => oc.column('date').doUpdateSet({ kind: row.kind, basis: row.basis, name_vi: row.name_vi, name_en: row.name_en, source: row.source, unconfirmed: row.unconfirmed }))
      .execute();
    changed++;
  }
  return changed;
}

export async function countEntries(db: Db): Promise<number> {
  const r = await db.selectFrom('calendar_days').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

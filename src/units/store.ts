/**
 * SQL of the units module (and nothing else). Tables:
 * - `admin_units`: one row per unit version; `valid_until` '9999-12-31' while in force, so that
 *   "valid on D" is the index-friendly `valid_from <= D AND valid_until >= D` on both engines.
 * - `unit_successions`: predecessor code → successor code, `full` | `partial`, effective date.
 */
import { sql, type Generated, type Kysely, type Migration } from 'kysely';
import { withIdColumn } from '../platform/db/migrations.js';
import type { SuccessionKind, SuccessionRecord, UnitLevel, UnitRecord, UnitType } from './model.js';
import { searchTextOf, sortKeyOf } from './model.js';

export const OPEN_END = '9999-12-31';

export interface UnitsTables {
  admin_units: {
    id: Generated<number>;
    code: string;
    level: string;
    type: string;
    name: string;
    full_name: string;
    name_en: string | null;
    parent_code: string | null;
    valid_from: string;
    valid_until: string;
    source: string;
    search_text: string;
    sort_key: string;
  };
  units_revision: { id: number; revision: number };
  unit_successions: {
    id: Generated<number>;
    predecessor_code: string;
    successor_code: string;
    kind: string;
    effective_date: string;
    source: string;
  };
}

type UnitRow = Omit<UnitsTables['admin_units'], 'id'> & { id: number };
type Db = Kysely<UnitsTables>;

export const unitsMigrations: Record<string, Migration> = {
  '0100_units': {
    async up(db: Kysely<any>) {
      await withIdColumn(db, db.schema.createTable('admin_units'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('province','district','commune')`))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('full_name', 'text', (c) => c.notNull())
        .addColumn('name_en', 'text')
        .addColumn('parent_code', 'text')
        .addColumn('valid_from', 'text', (c) => c.notNull())
        .addColumn('valid_until', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('search_text', 'text', (c) => c.notNull())
        .addColumn('sort_key', 'text', (c) => c.notNull())
        .addUniqueConstraint('admin_units_code_valid_from', ['code', 'valid_from'])
        .addCheckConstraint('admin_units_period', sql`valid_from <= valid_until`)
        .execute();
      await db.schema.createIndex('admin_units_parent').on('admin_units').columns(['parent_code', 'valid_from']).execute();
      await db.schema.createIndex('admin_units_level').on('admin_units').columns(['level', 'valid_from']).execute();
      await withIdColumn(db, db.schema.createTable('unit_successions'))
        .addColumn('predecessor_code', 'text', (c) => c.notNull())
        .addColumn('successor_code', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('full','partial')`))
        .addColumn('effective_date', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addUniqueConstraint('unit_successions_link', ['predecessor_code', 'successor_code', 'effective_date'])
        .execute();
      await db.schema.createIndex('unit_successions_successor').on('unit_successions').columns(['successor_code', 'effective_date']).execute();
      await db.schema
        .createTable('units_revision')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('revision', 'bigint', (c) => c.notNull())
        .execute();
      await db.insertInto('units_revision').values({ id: 1, revision: 0 }).execute();
    },
  },
};

/** The registry's revision: raised by every write, so caches of other app copies notice changes. */
export async function unitsRevision(db: Db): Promise<number> {
  const r = await db.selectFrom('units_revision').select('revision').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(r.revision);
}

/** Raises the revision (inside the writing transaction). */
export async function bumpUnitsRevision(db: Db): Promise<void> {
  await db.updateTable('units_revision').set({ revision: sql`revision + 1` }).where('id', '=', 1).execute();
}

/** A stored version, with its row id. */
export interface StoredUnit extends UnitRecord {
  id: number;
}

function toRecord(r: UnitRow): StoredUnit {
  return {
    id: Number(r.id),
    code: r.code,
    level: r.level as UnitLevel,
    type: r.type as UnitType,
    name: r.name,
    fullName: r.full_name,
    nameEn: r.name_en,
    parentCode: r.parent_code,
    validFrom: r.valid_from,
    validUntil: r.valid_until === OPEN_END ? null : r.valid_until,
    source: r.source,
  };
}

function toRow(u: UnitRecord): Omit<UnitRow, 'id'> {
  return {
    code: u.code,
    level: u.level,
    type: u.type,
    name: u.name,
    full_name: u.fullName,
    name_en: u.nameEn,
    parent_code: u.parentCode,
    valid_from: u.validFrom,
    valid_until: u.validUntil ?? OPEN_END,
    source: u.source,
    search_text: searchTextOf(u),
    sort_key: sortKeyOf(u),
  };
}

/** The version of each code valid on `at`. */
export async function versionsAt(db: Db, codes: string[], at: string): Promise<StoredUnit[]> {
  if (codes.length === 0) return [];
  const rows = await db
    .selectFrom('admin_units')
    .selectAll()
    .where('code', 'in', [...new Set(codes)])
    .where('valid_from', '<=', at)
    .where('valid_until', '>=', at)
    .execute();
  return rows.map(toRecord);
}

/** Every version of one level in force on `at`. */
export async function versionsOfLevelAt(db: Db, level: UnitLevel, at: string): Promise<StoredUnit[]> {
  const rows = await db.selectFrom('admin_units').selectAll().where('level', '=', level).where('valid_from', '<=', at).where('valid_until', '>=', at).execute();
  return rows.map(toRecord);
}

/** Every version of one code, oldest first. */
export async function versionsOf(db: Db, code: string): Promise<StoredUnit[]> {
  const rows = await db.selectFrom('admin_units').selectAll().where('code', '=', code).orderBy('valid_from').execute();
  return rows.map(toRecord);
}

/** Every version of the given codes, oldest first (for imports). */
export async function versionsOfCodes(db: Db, codes: string[]): Promise<StoredUnit[]> {
  const out: StoredUnit[] = [];
  const unique = [...new Set(codes)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db.selectFrom('admin_units').selectAll().where('code', 'in', unique.slice(i, i + 500)).orderBy('valid_from').execute();
    out.push(...rows.map(toRecord));
  }
  return out;
}

export interface ListFilter {
  at: string;
  parentCode?: string;
  level?: UnitLevel;
  /** Folded search tokens; every one must occur in the unit's search text. */
  tokens: string[];
  offset: number;
  limit: number;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Units valid on `at` matching the filter, in Vietnamese collation of their names. */
export async function listAt(db: Db, f: ListFilter): Promise<{ items: StoredUnit[]; total: number }> {
  let q = db.selectFrom('admin_units').where('valid_from', '<=', f.at).where('valid_until', '>=', f.at);
  if (f.parentCode !== undefined) q = q.where('parent_code', '=', f.parentCode);
  if (f.level !== undefined) q = q.where('level', '=', f.level);
  for (const t of f.tokens) q = q.where(sql<boolean>`search_text like ${`%${escapeLike(t)}%`} escape '\\'`);
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy('sort_key').orderBy('code').offset(f.offset).limit(f.limit).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toRecord), total: Number(count.n) };
}

/** Count of versions valid on `at` by level. */
export async function countAt(db: Db, at: string): Promise<Record<UnitLevel, number>> {
  const rows = await db
    .selectFrom('admin_units')
    .select(['level', (eb) => eb.fn.countAll<number>().as('n')])
    .where('valid_from', '<=', at)
    .where('valid_until', '>=', at)
    .groupBy('level')
    .execute();
  const out: Record<UnitLevel, number> = { province: 0, district: 0, commune: 0 };
  for (const r of rows) out[r.level as UnitLevel] = Number(r.n);
  return out;
}

export async function countVersions(db: Db): Promise<number> {
  const r = await db.selectFrom('admin_units').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Inserts versions in batches (inside the caller's transaction). */
export async function insertVersions(db: Db, units: UnitRecord[], onBatch?: (done: number) => void): Promise<void> {
  for (let i = 0; i < units.length; i += 400) {
    await db.insertInto('admin_units').values(units.slice(i, i + 400).map(toRow)).execute();
    onBatch?.(Math.min(i + 400, units.length));
  }
}

/** Rewrites a version's content in place (a corrected list for the same period). */
export async function replaceVersion(db: Db, id: number, u: UnitRecord): Promise<void> {
  const { valid_from: _f, ...row } = toRow(u);
  await db.updateTable('admin_units').set(row).where('id', '=', id).execute();
}

/** Ends a version on `lastDay` (inclusive). */
export async function closeVersion(db: Db, id: number, lastDay: string): Promise<void> {
  await db.updateTable('admin_units').set({ valid_until: lastDay }).where('id', '=', id).execute();
}

/** Inserts links not stored yet; returns how many were new. */
export async function insertSuccessions(db: Db, links: SuccessionRecord[]): Promise<number> {
  let added = 0;
  for (let i = 0; i < links.length; i += 500) {
    const res = await db
      .insertInto('unit_successions')
      .values(
        links.slice(i, i + 500).map((l) => ({
          predecessor_code: l.predecessorCode,
          successor_code: l.successorCode,
          kind: l.kind,
          effective_date: l.effectiveDate,
          source: l.source,
        })),
      )
      .onConflict((oc) => oc.columns(['predecessor_code', 'successor_code', 'effective_date']).doNothing())
      .executeTakeFirst();
    added += Number(res.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

export interface StoredLink {
  predecessorCode: string;
  successorCode: string;
  kind: SuccessionKind;
  effectiveDate: string;
}

function toLink(r: { predecessor_code: string; successor_code: string; kind: string; effective_date: string }): StoredLink {
  return { predecessorCode: r.predecessor_code, successorCode: r.successor_code, kind: r.kind as SuccessionKind, effectiveDate: r.effective_date };
}

/** Links out of `code` effective in (after, until] — the successors of a version. */
export async function linksFrom(db: Db, code: string, after: string, until: string): Promise<StoredLink[]> {
  const rows = await db
    .selectFrom('unit_successions')
    .selectAll()
    .where('predecessor_code', '=', code)
    .where('effective_date', '>', after)
    .where('effective_date', '<=', until)
    .orderBy('effective_date')
    .orderBy('successor_code')
    .execute();
  return rows.map(toLink);
}

/** Links into `code` effective in [from, until] — the predecessors of a version. */
export async function linksInto(db: Db, code: string, from: string, until: string): Promise<StoredLink[]> {
  const rows = await db
    .selectFrom('unit_successions')
    .selectAll()
    .where('successor_code', '=', code)
    .where('effective_date', '>=', from)
    .where('effective_date', '<=', until)
    .orderBy('effective_date')
    .orderBy('predecessor_code')
    .execute();
  return rows.map(toLink);
}

export async function countSuccessions(db: Db): Promise<number> {
  const r = await db.selectFrom('unit_successions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

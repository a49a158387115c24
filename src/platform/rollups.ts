/**
 * Indicator roll-ups: counter rows per indicator × administrative unit × Vietnam date × dimensions,
 * kept in the same transaction as the records they count, so that a dashboard read costs
 * O(units × days) and never scans the records (the reports issue's "roll-ups"). Each module counts
 * its own records (e-ID applications, dossiers, help given…) with {@link countIndicator}; the
 * reports module reads them and re-aggregates onto a province or onto today's units through the
 * units module's succession links.
 *
 * The unit code of a count refers to the unit as it was on `day` (codes were reused after the
 * 2025 reform: a code means a place only together with its date, DESIGN.md §3).
 */
import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import { isPostgres, runStatement, statementText } from './db/database.js';

export interface RollupTables {
  indicator_counts: {
    indicator: string;
    unit_code: string;
    /** Vietnam calendar date (YYYY-MM-DD) that decides the period. */
    day: string;
    /** Canonical `key=value;key=value` (keys sorted), '' for none. */
    dims: string;
    count: number;
  };
}

export const rollupMigrations: Record<string, Migration> = {
  '0002_platform_indicator_counts': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('indicator_counts')
        .addColumn('indicator', 'text', (c) => c.notNull())
        .addColumn('unit_code', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('dims', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('count', 'bigint', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('indicator_counts_pk', ['indicator', 'day', 'unit_code', 'dims'])
        .execute();
      await db.schema.createIndex('indicator_counts_unit').on('indicator_counts').columns(['indicator', 'unit_code', 'day']).execute();
    },
  },
};

/** One change to an indicator's count. */
export interface IndicatorCount {
  /** The indicator's stable name, e.g. `eid.applications`, `dossiers.received`. */
  indicator: string;
  /** The unit the counted record belongs to (usually a commune), as it was on `day`. */
  unitCode: string;
  /** Vietnam calendar date (YYYY-MM-DD) that decides the period of the record. */
  day: string;
  /** Breakdown values, e.g. `{ channel: 'online', level: '2' }` (short ASCII keys and values). */
  dims?: Record<string, string>;
  /** Default 1; negative to take a record out (e.g. when its state moves on). */
  delta?: number;
}

/** `{b: '2', a: 'x'}` → `a=x;b=2` (the stored, comparable form of a breakdown). */
export function dimsKey(dims: Record<string, string> | undefined): string {
  if (!dims) return '';
  return Object.keys(dims)
    .sort()
    .map((k) => `${k}=${dims[k]}`)
    .join(';');
}

/** `a=x;b=2` → `{a: 'x', b: '2'}`. */
export function parseDimsKey(key: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!key) return out;
  for (const part of key.split(';')) {
    const i = part.indexOf('=');
    out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

/**
 * Adds `delta` (default 1) to a counter row, creating it at 0 first. Call it inside the
 * transaction that writes the counted record, so the count and the records never disagree.
 * Works on SQLite and PostgreSQL (`INSERT … ON CONFLICT DO UPDATE`).
 */
export async function countIndicator(trx: Kysely<any>, input: IndicatorCount): Promise<void> {
  const delta = input.delta ?? 1;
  if (delta === 0) return;
  await runStatement(trx, COUNT_INDICATOR, [input.indicator, input.unitCode, input.day, dimsKey(input.dims), delta]);
}

/** Every counted write runs it: its text is built once (src/platform/db/database.ts `statementText`). */
const COUNT_INDICATOR = statementText(
  'insert into indicator_counts ("indicator", "unit_code", "day", "dims", "count") values (?, ?, ?, ?, ?) on conflict ("indicator", "day", "unit_code", "dims") do update set "count" = indicator_counts."count" + excluded."count"',
);

/** A counter row as read back. */
export interface IndicatorRow {
  unitCode: string;
  day: string;
  dims: Record<string, string>;
  count: number;
}

/**
 * The counter rows of one indicator between two Vietnam dates (inclusive), optionally limited to
 * some unit codes. Rows with a zero count are left out.
 */
export async function readIndicator(db: Kysely<any>, q: { indicator: string; from: string; to: string; unitCodes?: readonly string[] }): Promise<IndicatorRow[]> {
  let query = (db as Kysely<RollupTables>)
    .selectFrom('indicator_counts')
    .select(['unit_code', 'day', 'dims', 'count'])
    .where('indicator', '=', q.indicator)
    .where('day', '>=', q.from)
    .where('day', '<=', q.to)
    .where('count', '<>', 0);
  if (q.unitCodes) {
    if (q.unitCodes.length === 0) return [];
    query = query.where('unit_code', 'in', [...q.unitCodes]);
  }
  const rows = await query.execute();
  return rows.map((r) => ({ unitCode: r.unit_code, day: r.day, dims: parseDimsKey(r.dims), count: Number(r.count) }));
}

/**
 * SQL giving the Vietnam calendar date (`YYYY-MM-DD` text) of an instant stored as ISO-8601 text
 * (`2026-02-13T08:30:00Z`, or with an offset) in `column` (`table.column` allowed): what
 * src/platform/dates.ts `vietnamDateOf` answers, for the recounts of `PlatformModule.rollups`.
 * Vietnam has kept UTC+07:00 since 1975, so both engines add seven hours to the UTC instant and
 * give the same text: SQLite `date(x, '+7 hours')`, PostgreSQL
 * `to_char((x::timestamptz at time zone 'UTC') + interval '7 hours', 'YYYY-MM-DD')` (the session
 * time zone plays no part).
 */
export function vietnamDaySql(db: Kysely<any>, column: string): RawBuilder<string> {
  const ref = sql.ref(column);
  return isPostgres(db) ? sql<string>`to_char((${ref}::timestamptz at time zone 'UTC') + interval '7 hours', 'YYYY-MM-DD')` : sql<string>`date(${ref}, '+7 hours')`;
}

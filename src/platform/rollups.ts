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
 *
 * Beside the counter rows, coarse ones: per indicator × unit × Vietnam month × {@link coarseDims}
 * (the breakdown without `service`, the sector as its group), holding the month's total and its
 * 31 daily counts (`indicator_month_counts`). Busy indicators have almost one fine row per record
 * (dossiers received by commune × day × service × channel); the coarse rows are a few per unit
 * and month, so that the dashboard reads O(units × months) rows for any period (whole months
 * from the total, edge days from the day columns) and falls back to the fine rows only for what
 * the coarse breakdown cannot tell (a service, one sector other than the police).
 *
 * The month rows hold exactly the counter rows of the days up to a watermark, `folded_through`
 * (table `indicator_fold`): a count of a later day — today's, nearly every count — writes its
 * counter row only, one B-tree write instead of two; a count of a day already folded (a record
 * back-dated, a state moving on) writes both, in the same transaction. {@link foldMonthRows}
 * (the reports module's nightly job, and `motcua reports rebuild`) adds the counter rows of the
 * days after the watermark into the month rows a day at a time, each day in one transaction with
 * the watermark's move. Readers of month rows add the counter rows past the watermark in the same
 * statement (one snapshot), so the sums are the same whenever a fold runs.
 */
import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import { addDays } from './dates.js';
import { isPostgres, runStatement, statementText, type Database } from './db/database.js';

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
  /** The fold watermark (module comment): one row, id 1. */
  indicator_fold: {
    id: number;
    /** Last Vietnam date (YYYY-MM-DD) whose counter rows the month rows hold; '' for none. */
    folded_through: string;
  };
}

/** Day columns of a month row: `d01` … `d31` (day of the month). */
export const DAY_COLUMNS: readonly string[] = Array.from({ length: 31 }, (_, i) => `d${String(i + 1).padStart(2, '0')}`);

export interface MonthCountsTable {
  indicator: string;
  unit_code: string;
  /** Vietnam calendar month (YYYY-MM) of the counted days. */
  month: string;
  /** {@link coarseDims} of the fine rows' breakdown, canonical `key=value;…`. */
  dims: string;
  /** The month's total (the sum of the day columns). */
  count: number;
  // The day columns d01 … d31 ({@link DAY_COLUMNS}) are written and read by name.
}

export interface MonthRollupTables {
  indicator_month_counts: MonthCountsTable;
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
  /**
   * The coarse month rows (module comment), filled from the counter rows already stored. Keyed
   * (indicator, month, unit, dims), as a report reads them: one range of months of an indicator
   * (the units asked filtered within it); on SQLite the table is clustered on that key (WITHOUT
   * ROWID), so the range is read in place, and a count only updates its row (no other index).
   */
  '0003_platform_indicator_month_counts': {
    async up(db: Kysely<any>) {
      let table = db.schema
        .createTable('indicator_month_counts')
        .addColumn('indicator', 'text', (c) => c.notNull())
        .addColumn('unit_code', 'text', (c) => c.notNull())
        .addColumn('month', 'text', (c) => c.notNull())
        .addColumn('dims', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('count', 'bigint', (c) => c.notNull().defaultTo(0));
      for (const d of DAY_COLUMNS) table = table.addColumn(d, 'bigint', (c) => c.notNull().defaultTo(0));
      table = table.addPrimaryKeyConstraint('indicator_month_counts_pk', ['indicator', 'month', 'unit_code', 'dims']);
      await (isPostgres(db) ? table : table.modifyEnd(sql`without rowid`)).execute();
      await fillMonthCounts(db);
    },
  },
  /**
   * SQLite: the counter rows clustered on their key (WITHOUT ROWID, https://sqlite.org/withoutrowid.html)
   * instead of rows under a hidden rowid plus a separate index of the key: every counted write (a
   * submission, an e-ID step) updates one B-tree less, and a report's range of days is read in place.
   * The rows are copied as they are; `indicator_counts_unit` is made again. PostgreSQL: nothing.
   */
  '0004_platform_indicator_counts_sqlite_keyed': {
    async up(db: Kysely<any>) {
      if (isPostgres(db)) return;
      // SQLite migrations run outside a transaction (Kysely: no transactional DDL); this one is all or nothing.
      await db.transaction().execute(async (trx) => {
        await sql`create table indicator_counts_keyed (indicator text not null, unit_code text not null, day text not null, dims text default '' not null, count bigint default 0 not null, constraint indicator_counts_pk primary key (indicator, day, unit_code, dims)) without rowid`.execute(trx);
        await sql`insert into indicator_counts_keyed (indicator, unit_code, day, dims, count) select indicator, unit_code, day, dims, count from indicator_counts order by indicator, day, unit_code, dims`.execute(trx);
        await sql`drop table indicator_counts`.execute(trx);
        await sql`alter table indicator_counts_keyed rename to indicator_counts`.execute(trx);
        await sql`create index indicator_counts_unit on indicator_counts (indicator, unit_code, day)`.execute(trx);
      });
    },
  },
  /**
   * The counter rows lose their second index (`indicator_counts_unit`, by indicator, unit and
   * day), on both engines: every new counter row (the first count of a unit, day and breakdown:
   * most counts of a busy province) wrote two B-trees, and the commit one more page of the log.
   * Measured on the dashboard benchmark's 7.7 M counter rows (better-sqlite3 alone, main-thread
   * CPU, new rows ten a transaction, index made and dropped in turn twice): 38.7 and 51.8 µs a
   * count (counter row and month row) with it, 27.4 and 28.4 without. Reports read the counter
   * rows by a day range of one indicator (the key) and filter the units within it; the
   * dashboard's ratio to GROUP BY over the records stayed where it was (×411 with, ×421 without).
   */
  '0006_platform_indicator_counts_one_index': {
    async up(db: Kysely<any>) {
      await db.schema.dropIndex('indicator_counts_unit').ifExists().execute();
    },
  },
  /**
   * The fold watermark (module comment): one row, `folded_through` the last Vietnam date whose
   * counter rows the month rows hold ('' for none). Until now every count wrote its month row
   * too, so the month rows hold every counter row stored: the watermark starts at the last day
   * counted (or '' when nothing is; a count dated in the future keeps every count writing both
   * rows until that day). Copies of an older version must be stopped before it runs: their
   * counts of later days would still write month rows, which readers would then add twice.
   * Measured on the dashboard benchmark's counter table (better-sqlite3, ten counts a
   * transaction, each a different unit and breakdown): the counter row alone 8–12 µs a count,
   * with its month row 16–22.
   */
  '0007_platform_indicator_fold': {
    async up(db: Kysely<any>) {
      const up = async (trx: Kysely<any>) => {
        await trx.schema
          .createTable('indicator_fold')
          .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
          .addColumn('folded_through', 'text', (c) => c.notNull())
          .execute();
        await sql`insert into indicator_fold (id, folded_through) select 1, coalesce(max(day), '') from indicator_counts`.execute(trx);
      };
      // PostgreSQL runs each migration in a transaction; SQLite migrations run outside one (Kysely: no transactional DDL), and this one is all or nothing.
      await (db.isTransaction ? up(db) : db.transaction().execute(up));
    },
  },
};

/**
 * The coarse breakdown of a counter row: its breakdown without `service`, and with `sector`
 * replaced by `sectorGroup` (`police` for the police's services, `other` for every other sector:
 * the split the Project 06 indicators make, issue 8 "police services against the others").
 * Every other breakdown is kept as it is.
 */
export function coarseDims(dims: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(dims ?? {})) {
    if (k === 'service') continue;
    if (k === 'sector') out.sectorGroup = v === 'police' ? 'police' : 'other';
    else out[k] = v;
  }
  return out;
}

/** A coarse month row as computed from counter rows. */
export interface MonthRow {
  indicator: string;
  unitCode: string;
  month: string;
  dims: string;
  /** 31 daily counts (index 0: day 1). */
  days: number[];
}

const monthKey = (r: { indicator: string; unitCode: string; month: string; dims: string }) => `${r.indicator}\u0000${r.unitCode}\u0000${r.month}\u0000${r.dims}`;

/**
 * Adds counter rows (fine: `dims` as stored, canonical) into coarse month rows, keyed by
 * indicator, unit, month and coarse breakdown. Used by the migration, `motcua reports rebuild`
 * and `verify` (src/reports/rebuild.ts).
 */
export class MonthRowsBuilder {
  readonly rows = new Map<string, MonthRow>();
  private readonly projected = new Map<string, string>();

  add(r: { indicator: string; unitCode: string; day: string; dims: string; count: number }): void {
    let dims = this.projected.get(r.dims);
    if (dims === undefined) {
      dims = dimsKey(coarseDims(parseDimsKey(r.dims)));
      this.projected.set(r.dims, dims);
    }
    const key = { indicator: r.indicator, unitCode: r.unitCode, month: r.day.slice(0, 7), dims };
    const k = monthKey(key);
    let row = this.rows.get(k);
    if (!row) this.rows.set(k, (row = { ...key, days: new Array<number>(31).fill(0) }));
    row.days[Number(r.day.slice(8, 10)) - 1]! += r.count;
  }

  /** The rows with any count that is not zero. */
  list(): MonthRow[] {
    return [...this.rows.values()].filter((r) => r.days.some((d) => d !== 0));
  }
}

/** The key of a month row, for comparing stored and recounted rows. */
export const monthRowKey = monthKey;

/** A month row as the columns of `indicator_month_counts`. */
function monthValues(r: MonthRow): MonthCountsTable {
  const v: Record<string, string | number> = { indicator: r.indicator, unit_code: r.unitCode, month: r.month, dims: r.dims, count: r.days.reduce((a, b) => a + b, 0) };
  DAY_COLUMNS.forEach((d, j) => (v[d] = r.days[j]!));
  return v as unknown as MonthCountsTable;
}

/** Inserts month rows (the caller has removed the ones they replace), 200 a statement. */
export async function insertMonthRows(db: Kysely<any>, rows: readonly MonthRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await (db as Kysely<MonthRollupTables>).insertInto('indicator_month_counts').values(rows.slice(i, i + 200).map(monthValues)).execute();
}

/**
 * Adds every stored counter row into the month rows (for the migration that creates them: the
 * table is empty then), reading the counter rows in key order, `page` at a time.
 */
export async function fillMonthCounts(db: Kysely<any>, page = 50_000): Promise<void> {
  const builder = new MonthRowsBuilder();
  let after: { indicator: string; day: string; unit_code: string; dims: string } | undefined;
  for (;;) {
    let q = (db as Kysely<RollupTables>).selectFrom('indicator_counts').select(['indicator', 'day', 'unit_code', 'dims', 'count']);
    if (after) q = q.where(sql<boolean>`("indicator", "day", "unit_code", "dims") > (${after.indicator}, ${after.day}, ${after.unit_code}, ${after.dims})`);
    const rows = await q.orderBy('indicator').orderBy('day').orderBy('unit_code').orderBy('dims').limit(page).execute();
    for (const r of rows) builder.add({ indicator: r.indicator, unitCode: r.unit_code, day: r.day, dims: r.dims, count: Number(r.count) });
    if (rows.length < page) break;
    after = rows[rows.length - 1]!;
  }
  await insertMonthRows(db, builder.list());
}

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
 * Adds `delta` (default 1) to a counter row, creating it at 0 first, and — when its day is already
 * folded (on or before `folded_through`, module comment) — the same to its coarse month row (its
 * total and the day's column). Call it inside the transaction that writes the counted record, so
 * the counts and the records never disagree. Works on SQLite and PostgreSQL (`INSERT … ON
 * CONFLICT DO UPDATE`). The counter row is written first: on PostgreSQL its table lock (ROW
 * EXCLUSIVE) is then held while the watermark is read, so a fold ({@link foldMonthRows}, which
 * takes SHARE ROW EXCLUSIVE on the table) either waits for this transaction or has committed
 * before the read.
 */
export async function countIndicator(trx: Kysely<any>, input: IndicatorCount): Promise<void> {
  const delta = input.delta ?? 1;
  if (delta === 0) return;
  await runStatement(trx, COUNT_INDICATOR, [input.indicator, input.unitCode, input.day, dimsKey(input.dims), delta]);
  await runStatement(trx, COUNT_MONTH[Number(input.day.slice(8, 10)) - 1]!, [input.indicator, input.unitCode, input.day.slice(0, 7), dimsKey(coarseDims(input.dims)), delta, delta, input.day]);
}

/** Every counted write runs it: its text is built once (src/platform/db/database.ts `statementText`). */
const COUNT_INDICATOR = statementText(
  'insert into indicator_counts ("indicator", "unit_code", "day", "dims", "count") values (?, ?, ?, ?, ?) on conflict ("indicator", "day", "unit_code", "dims") do update set "count" = indicator_counts."count" + excluded."count"',
);

/**
 * The month row's upsert, one text per day of the month (the day's column): an INSERT … SELECT
 * whose WHERE adds the row only when the day (the last parameter) is on or before the watermark
 * (SQLite wants a WHERE there anyway before ON CONFLICT: https://sqlite.org/lang_upsert.html).
 */
const COUNT_MONTH = DAY_COLUMNS.map((d) =>
  statementText(
    `insert into indicator_month_counts ("indicator", "unit_code", "month", "dims", "count", "${d}") select ?, ?, ?, ?, ?, ? where ? <= (select folded_through from indicator_fold where id = 1) on conflict ("indicator", "month", "unit_code", "dims") do update set "count" = indicator_month_counts."count" + excluded."count", "${d}" = indicator_month_counts."${d}" + excluded."${d}"`,
  ),
);

/** The last Vietnam date whose counter rows the month rows hold ('' for none; module comment). */
export async function foldedThrough(db: Kysely<any>): Promise<string> {
  const row = await (db as Kysely<RollupTables>).selectFrom('indicator_fold').select('folded_through').where('id', '=', 1).executeTakeFirst();
  return row?.folded_through ?? '';
}

/**
 * SQL of the condition "`day` is past the watermark and on or after `from`" (a Vietnam date), for
 * a reader adding the counter rows past the watermark to the month rows in one statement (one
 * snapshot: a fold committing meanwhile cannot count a day twice or not at all). One lower bound,
 * the later of the two, so that both engines read the counter rows by one range of their key
 * (given two, SQLite's planner bounds the range by one and filters by the other).
 */
export function pastWatermark(from: string): RawBuilder<boolean> {
  const before = addDays(from, -1);
  return sql<boolean>`day > (select case when folded_through >= ${before} then folded_through else ${before} end from indicator_fold where id = 1)`;
}

/**
 * Folds into the month rows the counter rows of the days after the watermark up to `through`
 * (a Vietnam date; usually yesterday) and moves the watermark there (module comment): after it a
 * count of those days writes its month row too. One transaction per day with counter rows (and a
 * last one that moves the watermark to `through`), so that counting waits at most for one day's
 * fold, whatever the gap: on PostgreSQL each takes the counter table in SHARE ROW EXCLUSIVE mode
 * first — counting transactions in flight finish before it reads (see {@link countIndicator}),
 * new ones wait for its commit, and a second fold (another app copy's job, a rebuild) waits for
 * it and then finds the day folded; on SQLite write transactions take turns anyway. A fold
 * through a day already folded does nothing, and the watermark never moves back. Returns the
 * watermark before and after, and the counter rows folded. A crash leaves the days folded so
 * far folded, and the next fold goes on from there.
 */
export async function foldMonthRows(db: Database, through: string): Promise<{ from: string; through: string; rows: number }> {
  let first: string | undefined;
  let rows = 0;
  for (;;) {
    const step = await db.transaction(async (trx) => {
      if (isPostgres(trx)) await sql`lock table indicator_counts in share row exclusive mode`.execute(trx);
      const from = await foldedThrough(trx);
      if (through <= from) return { from, to: from, rows: 0 };
      const k = trx as Kysely<RollupTables & MonthRollupTables>;
      // The next day with counter rows after the watermark, of any indicator (a seek on the key each), or `through`.
      const indicators: string[] = [];
      let day = through;
      for (let indicator = await nextIndicator(k, ''); indicator !== undefined; indicator = await nextIndicator(k, indicator)) {
        indicators.push(indicator);
        const next = (await runStatement<{ day: string }>(trx, NEXT_DAY, [indicator, from]))[0]?.day;
        if (next !== undefined && next < day) day = next;
      }
      // The watermark moves first: the day folded below then passes the month upsert's condition.
      await k.updateTable('indicator_fold').set({ folded_through: day }).where('id', '=', 1).execute();
      let folded = 0;
      for (const indicator of indicators) {
        const found = await runStatement<{ unit_code: string; day: string; dims: string; count: number | string }>(trx, FOLD_READ, [indicator, day]);
        if (found.length === 0) continue;
        const builder = new MonthRowsBuilder();
        for (const r of found) builder.add({ indicator, unitCode: r.unit_code, day: r.day, dims: r.dims, count: Number(r.count) });
        folded += found.length;
        // Each month row's count of the day added as a count of a folded day is (one statement a row).
        const column = Number(day.slice(8, 10)) - 1;
        for (const m of builder.list()) await runStatement(trx, COUNT_MONTH[column]!, [m.indicator, m.unitCode, m.month, m.dims, m.days[column], m.days[column], day]);
      }
      return { from, to: day, rows: folded };
    });
    first ??= step.from;
    rows += step.rows;
    if (step.to >= through) return { from: first, through: step.to, rows };
  }
}

/** The first indicator after `after` with counter rows (a seek on the key), or undefined. */
async function nextIndicator(k: Kysely<RollupTables>, after: string): Promise<string | undefined> {
  const row = await k.selectFrom('indicator_counts').select('indicator').where('indicator', '>', after).orderBy('indicator').limit(1).executeTakeFirst();
  return row?.indicator;
}

const FOLD_READ = statementText('select "unit_code", "day", "dims", "count" from indicator_counts where "indicator" = ? and "day" = ?');
const NEXT_DAY = statementText('select "day" from indicator_counts where "indicator" = ? and "day" > ? order by "day" limit 1');

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

/**
 * SQL of the reports module:
 * - sums over the platform's counter rows (`indicator_counts`, src/platform/rollups.ts), grouped
 *   by unit and day (and breakdown when asked), filtered by breakdown values — so a report reads
 *   O(units × days) rows and never the records;
 * - `report_targets`: targets per indicator, unit (a code with the date it refers to) and period;
 * - `report_archive`: monthly reports generated at month end (files under `MOTCUA_FILES_DIR`).
 */
import { sql, type Generated, type Kysely, type Migration, type RawBuilder } from 'kysely';
import { withIdColumn } from '../platform/db/migrations.js';
import { coarseDims, DAY_COLUMNS, dimsKey, foldedThrough, insertMonthRows, MonthRowsBuilder, parseDimsKey, pastWatermark, type MonthRollupTables, type RollupTables } from '../platform/rollups.js';
import type { DimFilter } from './catalogue.js';

export interface ReportsTables extends RollupTables, MonthRollupTables {
  report_targets: {
    id: Generated<number>;
    indicator: string;
    unit_code: string;
    /** The date the unit code refers to (codes were reused in 2025). */
    unit_date: string;
    period_from: string;
    period_to: string;
    /** A count, or a fraction 0–1 for a share. */
    value: number;
    note: string | null;
    created_by: string;
    created_at: string;
    updated_by: string;
    updated_at: string;
  };
  report_archive: {
    id: Generated<number>;
    month: string;
    unit_code: string;
    unit_date: string;
    boundaries: string;
    format: string;
    /** Path under the files directory. */
    file_path: string;
    sha256: string;
    size: number;
    created_at: string;
  };
}

type Db = Kysely<ReportsTables>;

export const reportsMigrations: Record<string, Migration> = {
  '0800_reports': {
    async up(db: Kysely<any>) {
      await withIdColumn(db, db.schema.createTable('report_targets'))
        .addColumn('indicator', 'text', (c) => c.notNull())
        .addColumn('unit_code', 'text', (c) => c.notNull())
        .addColumn('unit_date', 'text', (c) => c.notNull())
        .addColumn('period_from', 'text', (c) => c.notNull())
        .addColumn('period_to', 'text', (c) => c.notNull())
        .addColumn('value', 'double precision', (c) => c.notNull().check(sql`value >= 0`))
        .addColumn('note', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('report_targets_key', ['indicator', 'unit_code', 'unit_date', 'period_from', 'period_to'])
        .addCheckConstraint('report_targets_period', sql`period_from <= period_to`)
        .execute();
      await db.schema.createIndex('report_targets_unit').on('report_targets').columns(['unit_code', 'indicator', 'period_from']).execute();
      await withIdColumn(db, db.schema.createTable('report_archive'))
        .addColumn('month', 'text', (c) => c.notNull())
        .addColumn('unit_code', 'text', (c) => c.notNull())
        .addColumn('unit_date', 'text', (c) => c.notNull())
        .addColumn('boundaries', 'text', (c) => c.notNull().check(sql`boundaries in ('historical','current')`))
        .addColumn('format', 'text', (c) => c.notNull().check(sql`format in ('xlsx','pdf')`))
        .addColumn('file_path', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('report_archive_key', ['month', 'unit_code', 'unit_date', 'boundaries', 'format'])
        .execute();
    },
  },
};

// --- counter rows ------------------------------------------------------------------------------------

/** A sum of counter rows of one unit and day (and breakdown, when asked). */
export interface CounterSum {
  unitCode: string;
  day: string;
  /** The breakdown (only when the query asked for breakdowns; `{}` otherwise). */
  dims: Record<string, string>;
  count: number;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `dims` holds the pair `text` (`dim=value`). Canonical keys make this exact. */
function holds(text: string): RawBuilder<boolean> {
  return sql<boolean>`(';' || dims || ';') like ${`%;${likeEscape(text)};%`} escape '\\'`;
}

/** One of `conditions` (none: false), or none of them when `negate`. */
function anyOf(conditions: readonly RawBuilder<boolean>[], negate: boolean | undefined): RawBuilder<boolean> {
  const any = conditions.length === 0 ? sql<boolean>`1 = 0` : sql<boolean>`(${sql.join(conditions, sql` or `)})`;
  return negate ? sql<boolean>`not ${any}` : any;
}

/** `dims` holds `dim=value` for one of the values (or for none, `negate`). */
function dimCondition(f: DimFilter): RawBuilder<boolean> {
  return anyOf(f.values.map((v) => holds(`${f.dim}=${v}`)), f.negate);
}

/**
 * Sums of the counter rows of `indicator` from `from` to `to` (Vietnam dates, inclusive) per unit
 * code and day — and per breakdown when `byDims` — keeping rows that pass every filter. Sums of
 * zero are left out. One range scan of the counter table's primary key (indicator, day, …).
 */
export async function sumCounters(db: Kysely<any>, q: { indicator: string; from: string; to: string; where?: readonly DimFilter[]; byDims: boolean }): Promise<CounterSum[]> {
  const k = db as Db;
  let query = k.selectFrom('indicator_counts').where('indicator', '=', q.indicator).where('day', '>=', q.from).where('day', '<=', q.to);
  for (const f of q.where ?? []) query = query.where(dimCondition(f));
  const total = sql<number | string>`sum(count)`;
  if (q.byDims) {
    const rows = await query.select(['unit_code', 'day', 'dims', total.as('n')]).groupBy(['unit_code', 'day', 'dims']).having(total, '<>', 0).execute();
    return rows.map((r) => ({ unitCode: r.unit_code, day: r.day, dims: parseDimsKey(r.dims), count: Number(r.n) }));
  }
  const rows = await query.select(['unit_code', 'day', total.as('n')]).groupBy(['unit_code', 'day']).having(total, '<>', 0).execute();
  return rows.map((r) => ({ unitCode: r.unit_code, day: r.day, dims: {}, count: Number(r.n) }));
}

/** Sums of counter rows of one unit within one segment of days (and breakdown, when asked), one per variant. */
export interface SegmentSums {
  unitCode: string;
  /** The segment's index (segments cut at `edges`), or -1 when summed by day. */
  segment: number;
  /** First and last day with rows in the segment. */
  first: string;
  last: string;
  dims: Record<string, string>;
  /** One sum per variant (filter set), in the order given. */
  values: number[];
}

/**
 * Sums of the counter rows of `indicator` from `from` to `to` per unit code (unless `byUnit` is
 * false; `unitCodes` limits the units) and segment of days —
 * segments cut at `edges` (each edge the first day of a segment after the first), or single days
 * when `edges` is null — and per breakdown when `byDims`. One sum per variant: the rows passing
 * all of a variant's filters (`sum(case when … then count else 0 end)`), so that several figures
 * of one roll-up (dossiers received, those online, those of the police…) cost one range scan of
 * the primary key (indicator, day, …) and answer O(units × segments) rows.
 */
export async function sumCounterSegments(
  db: Kysely<any>,
  q: { indicator: string; from: string; to: string; edges: readonly string[] | null; variants: readonly (readonly DimFilter[])[]; byDims: boolean; unitCodes?: readonly string[]; byUnit?: boolean },
): Promise<SegmentSums[]> {
  const k = db as Db;
  let query = k.selectFrom('indicator_counts').where('indicator', '=', q.indicator).where('day', '>=', q.from).where('day', '<=', q.to);
  if (q.unitCodes) query = q.unitCodes.length === 0 ? query.where(sql<boolean>`1 = 0`) : query.where('unit_code', 'in', [...q.unitCodes]);
  const segment =
    q.edges === null ? sql<number>`-1` : q.edges.length === 0 ? sql<number>`0` : sql<number>`case ${sql.join(q.edges.map((e, i) => sql`when day < ${e} then ${sql.lit(i)}`), sql` `)} else ${sql.lit(q.edges.length)} end`;
  const sums = q.variants.map((v, i) => {
    if (v.length === 0) return sql<number | string>`sum(count)`.as(`v${i}`);
    return sql<number | string>`sum(case when ${sql.join(v.map(dimCondition), sql` and `)} then count else 0 end)`.as(`v${i}`);
  });
  // By position in the select list (unit, segment, …, dims): PostgreSQL would not match a repeated CASE with parameters.
  const byUnit = q.byUnit ?? true;
  const groups = [...(byUnit ? [sql`1`] : []), q.edges === null ? sql.ref('day') : sql`2`, ...(q.byDims ? [sql`5`] : [])];
  const rows = (await query
    .select([(byUnit ? sql<string>`unit_code` : sql<string>`''`).as('unit_code'), segment.as('seg'), sql<string>`min(day)`.as('first'), sql<string>`max(day)`.as('last'), sql<string>`${q.byDims ? sql.ref('dims') : sql.lit('')}`.as('dims'), ...sums])
    .groupBy(groups)
    .execute()) as unknown as ({ unit_code: string; seg: number | string; first: string; last: string; dims: string } & Record<string, number | string>)[];
  const out: SegmentSums[] = [];
  for (const r of rows) {
    const values = q.variants.map((_, i) => Number(r[`v${i}`] ?? 0));
    if (values.every((v) => v === 0)) continue;
    out.push({ unitCode: r.unit_code, segment: Number(r.seg), first: r.first, last: r.last, dims: parseDimsKey(r.dims), values });
  }
  return out;
}

// --- coarse month rows (src/platform/rollups.ts `indicator_month_counts`) -------------------------------

/**
 * A filter set as it applies to the coarse month rows (`coarseDims`: no `service`, the sector as
 * `sectorGroup`), or null when they cannot tell it: a condition on the service, or on sectors
 * other than exactly the police (`sector=police`, or every sector but the police).
 */
export function coarseFilters(variant: readonly DimFilter[]): DimFilter[] | null {
  const out: DimFilter[] = [];
  for (const f of variant) {
    if (f.dim === 'service' || f.dim === 'sectorGroup') return null;
    if (f.dim === 'sector') {
      if (f.values.length !== 1 || f.values[0] !== 'police') return null;
      out.push({ dim: 'sectorGroup', values: ['police'], ...(f.negate && { negate: true }) });
    } else out.push(f);
  }
  return out;
}

/** Whether a breakdown passes every filter of a set (what {@link dimCondition} answers in SQL). */
export function passesFilters(dims: Record<string, string>, filters: readonly DimFilter[]): boolean {
  return filters.every((f) => {
    const v = dims[f.dim];
    const any = v !== undefined && f.values.includes(v);
    return f.negate ? !any : any;
  });
}

/**
 * {@link dimCondition} of a coarse filter, true of a month row's coarse breakdown and of a
 * counter row's fine one alike (readers add the counter rows past the fold watermark to the month
 * rows): `sectorGroup=police` is `sector=police` in a fine breakdown, `sectorGroup=other` a sector
 * other than the police; every other dimension is written the same in both.
 */
function coarseDimCondition(f: DimFilter): RawBuilder<boolean> {
  if (f.dim !== 'sectorGroup') return dimCondition(f);
  const fine = (v: string) => (v === 'police' ? holds('sector=police') : sql<boolean>`((';' || dims || ';') like '%;sector=%' and not ${holds('sector=police')})`);
  return anyOf(f.values.map((v) => sql<boolean>`(${holds(`sectorGroup=${v}`)} or ${fine(v)})`), f.negate);
}

/** Sums of the coarse month rows of one unit (or of all units asked), one per segment and variant. */
export interface MonthSegmentSums {
  /** '' when summed over the units. */
  unitCode: string;
  /** First and last month with rows passing a variant (YYYY-MM). */
  firstMonth: string;
  lastMonth: string;
  /** `sums[segment][variant]`, in the order given. */
  sums: number[][];
}

const monthEnd = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();

/** The days `from`..`to` (1–31) of a month row: the total when they are the whole month. */
function daysOfMonth(month: string, from: number, to: number): RawBuilder<number> {
  if (from <= 1 && to >= monthEnd(month)) return sql<number>`count`;
  return sql<number>`(${sql.join(
    DAY_COLUMNS.slice(from - 1, to).map((d) => sql.ref(d)),
    sql` + `,
  )})`;
}

/** SQL of a month row's count within the days `from`..`to` (Vietnam dates, inclusive). */
function segmentCount(s: { from: string; to: string }): RawBuilder<number> {
  const fm = s.from.slice(0, 7);
  const tm = s.to.slice(0, 7);
  const fd = Number(s.from.slice(8, 10));
  const td = Number(s.to.slice(8, 10));
  if (fm === tm) return sql<number>`case when month = ${fm} then ${daysOfMonth(fm, fd, td)} else 0 end`;
  return sql<number>`case when month > ${fm} and month < ${tm} then count when month = ${fm} then ${daysOfMonth(fm, fd, 31)} when month = ${tm} then ${daysOfMonth(tm, 1, td)} else 0 end`;
}

/** Most sums (segments × variants) one month-row statement computes; more are split over several statements. */
const MAX_MONTH_SUMS = 400;

/**
 * Sums of the coarse month rows of `indicator` over consecutive `segments` of days (each
 * `from`..`to`, Vietnam dates, inclusive) and for each of `variants` (filter sets of coarse
 * breakdowns, {@link coarseFilters}; empty: every row), per unit (unless `byUnit` is false;
 * `unitCodes` limits the units): whole months from the month total, the edge days from the day
 * columns. One range of the table's key (indicator, month, …); the filters are applied in SQL,
 * once per distinct breakdown ({@link dimCondition}), and the answer has one row per unit, not per
 * unit and breakdown: handing a row to JavaScript costs more than summing it (a province's month:
 * 1,880 rows in 7 ms, against 235 rows).
 */
export async function sumMonthSegments(db: Kysely<any>, q: { indicator: string; segments: readonly { from: string; to: string }[]; variants: readonly (readonly DimFilter[])[]; byUnit: boolean; unitCodes?: readonly string[] }): Promise<MonthSegmentSums[]> {
  if (q.segments.length === 0 || q.variants.length === 0 || (q.unitCodes && q.unitCodes.length === 0)) return [];
  const perStatement = Math.max(1, Math.floor(MAX_MONTH_SUMS / q.segments.length));
  const out = new Map<string, MonthSegmentSums>();
  const from = q.segments[0]!.from.slice(0, 7);
  const to = q.segments[q.segments.length - 1]!.to.slice(0, 7);
  const units = q.unitCodes ? sql`and unit_code in (${sql.join([...q.unitCodes])})` : sql``;
  const first = q.segments[0]!.from;
  const last = q.segments[q.segments.length - 1]!.to;
  const groupBy = q.byUnit ? sql`unit_code, dims` : sql`dims`;
  // g: the month rows summed per unit and breakdown, one column per segment, and beside them the
  // counter rows of the days past the fold watermark (src/platform/rollups.ts) summed the same
  // way — in one statement, so one snapshot (a unit and breakdown may come twice: the sums below
  // add them up); d: which variants each breakdown passes, decided once per distinct breakdown
  // (a few) instead of once per row.
  const g = sql`select ${q.byUnit ? sql`unit_code` : sql`''`} as unit_code, dims, min(month) as first_month, max(month) as last_month, ${sql.join(q.segments.map((s, i) => sql`sum(${segmentCount(s)}) as ${sql.ref(`g${i}`)}`))}
      from indicator_month_counts where indicator = ${q.indicator} and month >= ${from} and month <= ${to} ${units} group by ${groupBy}
    union all
    select ${q.byUnit ? sql`unit_code` : sql`''`} as unit_code, dims, substr(min(day), 1, 7) as first_month, substr(max(day), 1, 7) as last_month, ${sql.join(q.segments.map((s, i) => sql`sum(case when day >= ${s.from} and day <= ${s.to} then count else 0 end) as ${sql.ref(`g${i}`)}`))}
      from indicator_counts where indicator = ${q.indicator} and ${pastWatermark(first)} and day <= ${last} ${units} group by ${groupBy}`;
  for (let v0 = 0; v0 < q.variants.length; v0 += perStatement) {
    const variants = q.variants.slice(v0, v0 + perStatement);
    const passes = variants.map((v, j) => sql`${v.length === 0 ? sql`1` : sql`case when ${sql.join(v.map(coarseDimCondition), sql` and `)} then 1 else 0 end`} as ${sql.ref(`p${j}`)}`);
    const sums = q.segments.flatMap((_, i) => variants.map((_v, j) => sql`sum(case when d.${sql.ref(`p${j}`)} = 1 then g.${sql.ref(`g${i}`)} else 0 end) as ${sql.ref(`s${i}_${j}`)}`));
    const anyPasses = sql.join(variants.map((_v, j) => sql`d.${sql.ref(`p${j}`)} = 1`), sql` or `);
    const rows = (
      await sql<{ unit_code: string; first_month: string; last_month: string } & Record<string, number | string | null>>`
        with g as materialized (${g}), d as materialized (select dims, ${sql.join(passes)} from (select distinct dims from g) as x)
        select g.unit_code, min(g.first_month) as first_month, max(g.last_month) as last_month, ${sql.join(sums)}
        from g join d on d.dims = g.dims where ${anyPasses} group by g.unit_code`.execute(db)
    ).rows;
    for (const r of rows) {
      let acc = out.get(r.unit_code);
      if (!acc) out.set(r.unit_code, (acc = { unitCode: r.unit_code, firstMonth: r.first_month, lastMonth: r.last_month, sums: q.segments.map(() => new Array<number>(q.variants.length).fill(0)) }));
      if (r.first_month < acc.firstMonth) acc.firstMonth = r.first_month;
      if (r.last_month > acc.lastMonth) acc.lastMonth = r.last_month;
      for (let i = 0; i < q.segments.length; i++) for (let j = 0; j < variants.length; j++) acc.sums[i]![v0 + j] = Number(r[`s${i}_${j}`] ?? 0);
    }
  }
  return [...out.values()];
}

/** Daily sums of month rows of one month and coarse breakdown (over the units asked). */
export interface MonthDaySums {
  month: string;
  dims: string;
  /** 31 daily sums (index 0: day 1). */
  days: number[];
}

/**
 * The coarse month rows of `indicator` from month `from` to `to` (YYYY-MM, inclusive) summed over
 * the units (`unitCodes`, or all), per month and coarse breakdown: the day columns as they are,
 * for series of any bucket size, with the counter rows of the days past the fold watermark
 * (src/platform/rollups.ts) added in the same statement; filters are applied by the caller
 * ({@link passesFilters}).
 */
export async function sumMonthDays(db: Kysely<any>, q: { indicator: string; from: string; to: string; unitCodes?: readonly string[] }): Promise<MonthDaySums[]> {
  if (q.unitCodes && q.unitCodes.length === 0) return [];
  const units = q.unitCodes ? sql`and unit_code in (${sql.join([...q.unitCodes])})` : sql``;
  // The month rows, and the counter rows of the days past the fold watermark, each summed per month and breakdown, in one statement (one snapshot).
  const rows = (
    await sql<Record<string, string | number>>`
      select month, dims, ${sql.join(DAY_COLUMNS.map((d) => sql`sum(${sql.ref(d)}) as ${sql.ref(d)}`))}
        from indicator_month_counts where indicator = ${q.indicator} and month >= ${q.from} and month <= ${q.to} ${units} group by month, dims
      union all
      select substr(day, 1, 7) as month, dims, ${sql.join(DAY_COLUMNS.map((d) => sql`sum(case when substr(day, 9, 2) = ${d.slice(1)} then count else 0 end) as ${sql.ref(d)}`))}
        from indicator_counts where indicator = ${q.indicator} and ${pastWatermark(`${q.from}-01`)} and day <= ${`${q.to}-31`} ${units} group by substr(day, 1, 7), dims`.execute(db)
  ).rows;
  // The counter rows' fine breakdowns made coarse, and rows of one month and coarse breakdown added up.
  const out = new Map<string, MonthDaySums>();
  const coarse = new Map<string, string>();
  for (const r of rows) {
    const fine = String(r.dims);
    let dims = coarse.get(fine);
    if (dims === undefined) coarse.set(fine, (dims = dimsKey(coarseDims(parseDimsKey(fine)))));
    const month = String(r.month);
    const key = `${month}\u0000${dims}`;
    let acc = out.get(key);
    if (!acc) out.set(key, (acc = { month, dims, days: new Array<number>(31).fill(0) }));
    DAY_COLUMNS.forEach((d, i) => (acc.days[i]! += Number(r[d] ?? 0)));
  }
  return [...out.values()];
}

/** Every month row of some indicators, as stored (for `motcua reports verify`). */
export async function monthCountersOf(db: Kysely<any>, indicators: readonly string[]): Promise<{ indicator: string; unitCode: string; month: string; dims: string; count: number; days: number[] }[]> {
  if (indicators.length === 0) return [];
  const rows = (await (db as Db).selectFrom('indicator_month_counts').selectAll().where('indicator', 'in', [...indicators]).execute()) as unknown as Record<string, string | number>[];
  return rows.map((r) => ({ indicator: String(r.indicator), unitCode: String(r.unit_code), month: String(r.month), dims: String(r.dims), count: Number(r.count), days: DAY_COLUMNS.map((d) => Number(r[d])) }));
}

/** Every counter row of some indicators, as stored (for `motcua reports verify`). */
export async function countersOf(db: Kysely<any>, indicators: readonly string[]): Promise<{ indicator: string; unitCode: string; day: string; dims: string; count: number }[]> {
  if (indicators.length === 0) return [];
  const rows = await (db as Db).selectFrom('indicator_counts').select(['indicator', 'unit_code', 'day', 'dims', 'count']).where('indicator', 'in', [...indicators]).execute();
  return rows.map((r) => ({ indicator: r.indicator, unitCode: r.unit_code, day: r.day, dims: r.dims, count: Number(r.count) }));
}

/** Replaces the counter rows of `indicators` by `rows`, and their coarse month rows by the sums of those of `rows` up to the fold watermark (inside the caller's transaction). */
export async function replaceCounters(trx: Kysely<any>, indicators: readonly string[], rows: { indicator: string; unitCode: string; day: string; dims: string; count: number }[]): Promise<{ deleted: number }> {
  const k = trx as Db;
  if (indicators.length === 0) return { deleted: 0 };
  const res = await k.deleteFrom('indicator_counts').where('indicator', 'in', [...indicators]).executeTakeFirst();
  await k.deleteFrom('indicator_month_counts').where('indicator', 'in', [...indicators]).execute();
  for (let i = 0; i < rows.length; i += 500) {
    await k
      .insertInto('indicator_counts')
      .values(rows.slice(i, i + 500).map((r) => ({ indicator: r.indicator, unit_code: r.unitCode, day: r.day, dims: r.dims, count: r.count })))
      .execute();
  }
  // The month rows hold the days up to the fold watermark (src/platform/rollups.ts), and only them.
  const folded = await foldedThrough(trx);
  const months = new MonthRowsBuilder();
  for (const r of rows) if (r.day <= folded) months.add(r);
  await insertMonthRows(trx, months.list());
  return { deleted: Number(res.numDeletedRows ?? 0) };
}

// --- targets -----------------------------------------------------------------------------------------

export type TargetRow = Omit<ReportsTables['report_targets'], 'id'> & { id: number };

function targetOf(r: ReportsTables['report_targets'] & { id: number | string }): TargetRow {
  return { ...r, id: Number(r.id), value: Number(r.value) };
}

/** Targets of an indicator (all when undefined) and unit code whose period overlaps `from`..`to`. */
export async function targetsFor(db: Kysely<any>, q: { indicator?: string; unitCode?: string; from?: string; to?: string }): Promise<TargetRow[]> {
  let query = (db as Db).selectFrom('report_targets').selectAll();
  if (q.indicator) query = query.where('indicator', '=', q.indicator);
  if (q.unitCode) query = query.where('unit_code', '=', q.unitCode);
  if (q.to) query = query.where('period_from', '<=', q.to);
  if (q.from) query = query.where('period_to', '>=', q.from);
  const rows = await query.orderBy('indicator').orderBy('unit_code').orderBy('period_from').orderBy('id').execute();
  return rows.map((r) => targetOf(r as never));
}

export async function targetById(db: Kysely<any>, id: number): Promise<TargetRow | undefined> {
  const r = await (db as Db).selectFrom('report_targets').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? targetOf(r as never) : undefined;
}

/** Inserts or replaces the target of (indicator, unit, unit date, period). Returns it and whether it was new. */
export async function upsertTarget(trx: Kysely<any>, t: Omit<TargetRow, 'id' | 'created_by' | 'created_at'> & { actor: string }): Promise<{ row: TargetRow; created: boolean }> {
  const k = trx as Db;
  const existing = await k
    .selectFrom('report_targets')
    .selectAll()
    .where('indicator', '=', t.indicator)
    .where('unit_code', '=', t.unit_code)
    .where('unit_date', '=', t.unit_date)
    .where('period_from', '=', t.period_from)
    .where('period_to', '=', t.period_to)
    .executeTakeFirst();
  if (existing) {
    await k.updateTable('report_targets').set({ value: t.value, note: t.note, updated_by: t.actor, updated_at: t.updated_at }).where('id', '=', existing.id).execute();
    return { row: (await targetById(k, Number(existing.id)))!, created: false };
  }
  const inserted = await k
    .insertInto('report_targets')
    .values({
      indicator: t.indicator,
      unit_code: t.unit_code,
      unit_date: t.unit_date,
      period_from: t.period_from,
      period_to: t.period_to,
      value: t.value,
      note: t.note,
      created_by: t.actor,
      created_at: t.updated_at,
      updated_by: t.actor,
      updated_at: t.updated_at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { row: (await targetById(k, Number(inserted.id)))!, created: true };
}

export async function deleteTarget(trx: Kysely<any>, id: number): Promise<void> {
  await (trx as Db).deleteFrom('report_targets').where('id', '=', id).execute();
}

// --- archive -----------------------------------------------------------------------------------------

export type ArchiveRow = Omit<ReportsTables['report_archive'], 'id'> & { id: number };

/** Records (or replaces) a generated file of a month's report. */
export async function saveArchiveEntry(trx: Kysely<any>, e: Omit<ArchiveRow, 'id'>): Promise<number> {
  const k = trx as Db;
  await k
    .deleteFrom('report_archive')
    .where('month', '=', e.month)
    .where('unit_code', '=', e.unit_code)
    .where('unit_date', '=', e.unit_date)
    .where('boundaries', '=', e.boundaries)
    .where('format', '=', e.format)
    .execute();
  const r = await k.insertInto('report_archive').values(e).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function archiveEntries(db: Kysely<any>, q: { unitCodes?: readonly string[]; month?: string }): Promise<ArchiveRow[]> {
  let query = (db as Db).selectFrom('report_archive').selectAll();
  if (q.unitCodes) query = q.unitCodes.length === 0 ? query.where(sql<boolean>`1 = 0`) : query.where('unit_code', 'in', [...q.unitCodes]);
  if (q.month) query = query.where('month', '=', q.month);
  const rows = await query.orderBy('month', 'desc').orderBy('unit_code').orderBy('format').execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), size: Number(r.size) }));
}

export async function archiveEntry(db: Kysely<any>, id: number): Promise<ArchiveRow | undefined> {
  const r = await (db as Db).selectFrom('report_archive').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? { ...r, id: Number(r.id), size: Number(r.size) } : undefined;
}

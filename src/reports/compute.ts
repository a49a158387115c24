/**
 * Computing indicators for a unit and a period: totals, the previous period, time series, a
 * figure per child unit (with ranks), breakdowns and progress against targets.
 *
 * A report has a scope ({@link openScope}): the unit asked (or the whole system for an account
 * without a unit), the boundaries (`historical`: units as on each counted day; `current`: units in
 * force on a reference date, through succession links — src/reports/placement.ts) and the
 * reader's reach (a staff member sees only their unit through time, `inScope`).
 *
 * Roll-up measures read the counter rows once per request and roll-up indicator, summed in SQL
 * per unit and per segment of days cut at the edges of the periods asked (O(units × periods)),
 * place each unit once per segment (unit versions cached across requests), and answer every
 * figure from memory; series are summed per bucket in SQL over the units placed within the scope
 * ({@link ReportEngine.seriesCells}). State measures ask their module per period.
 */
import { inScope, type StaffPrincipal } from '../platform/auth.js';
import { addDays, todayInVietnam } from '../platform/dates.js';
import { parseDimsKey } from '../platform/rollups.js';
import type { Database } from '../platform/db/database.js';
import { AppError } from '../platform/errors.js';
import { collationKey } from '../platform/text.js';
import type { AppContext } from '../platform/module.js';
import { UnitCache, type UnitLevel, type UnitsTables } from '../units/index.js';
import { breakdownValue, SECTOR_FILTER_VALUES, type DimFilter, type IndicatorDefinition, type RollupRef } from './catalogue.js';
import { bucketsOf, daysBetween, GROUP_BY, previousPeriod, type TimeGroup } from './periods.js';
import { UnitTimeline, UnitTimelineStore, type Boundaries, type Placement } from './placement.js';
import { additiveStateFacts, deployedServices } from './state.js';
import { coarseFilters, passesFilters, sumCounterSegments, sumMonthDays, sumMonthSegments, targetsFor, type MonthDaySums, type SegmentSums, type TargetRow } from './store.js';

/** What the reports module needs at run time. */
export interface ReportsEnv {
  /** The primary database: units, targets and archive writes, and the unit timelines below. */
  db: Database;
  /**
   * Where figures are read (counter rows, state readers, targets shown beside them): the read
   * replica (`ctx.db.read`) when DATABASE_READ_URL is set, else `db`. A replica may trail the
   * primary by its replication lag, so a report may miss a count or target committed a moment
   * ago. Units stay on `db`: the unit timelines are cached per units-registry revision read on
   * the primary, and a lagging read could cache an older unit under the newer revision.
   */
  read: Database;
  /** The process's unit cache (revalidated against the units registry). */
  units: UnitCache;
  /** Unit versions and placements kept across requests (emptied when the registry changes). */
  timelines: UnitTimelineStore;
}

const envs = new WeakMap<AppContext, ReportsEnv>();

/** The reports environment of an app context (one unit cache per context, revalidated per `MOTCUA_UNITS_CACHE_MS`). */
export function reportsEnv(ctx: AppContext): ReportsEnv {
  let env = envs.get(ctx);
  if (!env) {
    const units = new UnitCache(ctx.db.as<UnitsTables>(), { revalidateMs: ctx.config.unitsCacheMs });
    env = { db: ctx.db, read: ctx.db.read, units, timelines: new UnitTimelineStore(units) };
    envs.set(ctx, env);
  }
  return env;
}

/** A unit as a report shows it. */
export interface ReportUnit {
  code: string;
  level: UnitLevel;
  name: string;
  fullName: string;
}

export interface ReportScope {
  env: ReportsEnv;
  timeline: UnitTimeline;
  boundaries: Boundaries;
  /** The date of the units shown: the period's last day (historical) or the reference date (current). */
  ref: string;
  /** The unit asked, as on `ref`; null: the whole system (its children are the provinces). */
  root: (ReportUnit & { versionFrom: string; path: string[] }) | null;
  today: string;
}

/**
 * The scope of a report. `unit` defaults to the principal's unit (null for none: the whole
 * system). `ref`: the period's last day (historical) or `at` (default today) for current
 * boundaries. Errors: UNIT_NOT_FOUND (404, naming successors) when the unit is not in force on
 * `ref`; REPORTS_OUT_OF_SCOPE (403) when it lies outside the principal's unit through time.
 */
export async function openScope(env: ReportsEnv, principal: StaffPrincipal | null, q: { unit?: string; boundaries: Boundaries; to: string; at?: string }): Promise<ReportScope> {
  const today = todayInVietnam();
  const ref = q.boundaries === 'historical' ? q.to : (q.at ?? today);
  await env.timelines.validate();
  const timeline = new UnitTimeline(env.timelines, env.db.as<UnitsTables>());
  const code = q.unit ?? principal?.unitCode ?? null;
  let root: ReportScope['root'] = null;
  if (code !== null) {
    const path = await timeline.path(code, ref);
    const v = path?.[path.length - 1];
    if (!path || !v || v.code !== code) {
      await env.units.get(code, ref); // throws UNIT_NOT_FOUND with the successors
      throw new AppError('UNIT_NOT_FOUND', { code, at: ref });
    }
    root = { code, level: v.level, name: v.name, fullName: v.fullName, versionFrom: v.from, path: path.map((p) => p.code) };
  }
  if (principal && principal.unitCode !== null) {
    const area = await env.units.area(principal.unitCode, principal.unitDate ?? today);
    if (!root || !inScope(area, root.path, ref)) throw new AppError('REPORTS_OUT_OF_SCOPE', { code: code ?? '—' });
  }
  return { env, timeline, boundaries: q.boundaries, ref, root, today };
}

// --- figures -----------------------------------------------------------------------------------------

/** A value with its parts: `value` = numerator for counts, numerator / denominator for shares. */
export interface Figure {
  value: number | null;
  numerator: number;
  /** Null for a plain count; 25 for "x of 25". */
  denominator: number | null;
}

export interface Comparison extends Figure {
  from: string;
  to: string;
  /** This period's value minus the previous one (null when either is null). */
  change: number | null;
  /** `change` over the previous value (null when that is 0 or null). */
  relativeChange: number | null;
}

interface Acc {
  num: number;
  den: number;
}

export interface Slice {
  from: string;
  to: string;
}

/** Query filters: `sector` (a sector code or `other`) and `channel`. */
export interface Filters {
  sector?: string;
  channel?: string;
}

/**
 * The filters as breakdown conditions, after checking they apply to the indicator.
 * Errors: REPORTS_FILTER_NOT_APPLICABLE (400), REPORTS_FILTER_VALUE (400).
 */
export function filterConditions(def: IndicatorDefinition, f: Filters): DimFilter[] {
  const out: DimFilter[] = [];
  if (f.sector !== undefined) {
    if (!def.filters.includes('sector')) throw new AppError('REPORTS_FILTER_NOT_APPLICABLE', { filter: 'sector', indicator: def.id });
    if (!SECTOR_FILTER_VALUES.includes(f.sector)) throw new AppError('REPORTS_FILTER_VALUE', { filter: 'sector', value: f.sector.slice(0, 40), expected: SECTOR_FILTER_VALUES.join(', ') });
    out.push(f.sector === 'other' ? { dim: 'sector', values: ['police'], negate: true } : { dim: 'sector', values: [f.sector] });
  }
  if (f.channel !== undefined) {
    if (!def.filters.includes('channel')) throw new AppError('REPORTS_FILTER_NOT_APPLICABLE', { filter: 'channel', indicator: def.id });
    if (!def.channels?.includes(f.channel)) throw new AppError('REPORTS_FILTER_VALUE', { filter: 'channel', value: f.channel.slice(0, 40), expected: (def.channels ?? []).join(', ') });
    out.push({ dim: 'channel', values: [f.channel] });
  }
  return out;
}

function figureOf(def: IndicatorDefinition, a: Acc | undefined): Figure {
  const num = a?.num ?? 0;
  const den = a?.den ?? 0;
  if (def.measure.kind === 'ratio' || (def.measure.kind === 'state' && def.measure.ratio)) return { value: den > 0 ? num / den : null, numerator: num, denominator: den };
  return { value: num, numerator: num, denominator: null };
}

/** This figure against the previous one. */
export function compare(now: Figure, before: Figure, slice: Slice): Comparison {
  const change = now.value === null || before.value === null ? null : now.value - before.value;
  return { ...before, from: slice.from, to: slice.to, change, relativeChange: change === null || !before.value ? null : change / before.value };
}

/** The first day a cumulative figure counts from. */
export const BEGINNING = '0001-01-01';

/** A counted sum placed on the report: the child unit of the root it falls in ('' = the root itself). */
interface Fact {
  /** The days the sum covers: a segment of the engine's days, or one day (a unit read day by day). */
  from: string;
  to: string;
  unitCode: string;
  /** Placed once for the whole segment (false: read and placed day by day). */
  stable: boolean;
  child: string;
  /** A day the child unit was in force (for its name). */
  childDay: string;
  dims: Record<string, string>;
  /** One sum per variant of the load. */
  values: number[];
  /** Moved to a successor through a partial split. */
  approximate: boolean;
  /** Moved with its parent (its own unit ended without a successor). */
  lifted: boolean;
}

interface Loaded {
  facts: Fact[];
  /** Sums that could not be placed on the boundaries (unit not known on its days). */
  unplaced: { from: string; to: string; values: number[] }[];
}

/** The reads of one roll-up indicator: its variants (filter sets) and, once read, its placed facts. */
interface RollupLoad {
  indicator: string;
  byDims: boolean;
  variants: string[];
  conditions: DimFilter[][];
  loaded?: Promise<Loaded>;
}

/** A figure's part: which load and variant feeds its numerator or denominator. */
interface Part {
  load: RollupLoad;
  variant: number;
  side: 'num' | 'den';
}

/** What a figure's key function sees of a placed sum. */
interface Placed {
  child: string;
  childDay: string;
  dims: Record<string, string>;
  approximate: boolean;
  lifted: boolean;
}

/** A state figure's facts (placed like roll-up sums). */
interface StateFact {
  child: string;
  childDay: string;
  dims: Record<string, string>;
  num: number;
  den: number;
  approximate: boolean;
  lifted: boolean;
}

/** The variants as filters of the coarse month rows, or null when one of them cannot be told from them. */
function coarseVariants(variants: readonly (readonly DimFilter[])[]): DimFilter[][] | null {
  const out: DimFilter[][] = [];
  for (const v of variants) {
    const c = coarseFilters(v);
    if (!c) return null;
    out.push(c);
  }
  return out;
}

/**
 * {@link sumMonthSegments} as {@link SegmentSums}: one sum per variant (the coarse breakdowns
 * passing its filters), per unit and segment; the segment's days, narrowed to the months with
 * rows, as its first and last day (where the unit is placed). Sums all zero are left out.
 */
async function monthSegmentSums(db: Database['kysely'], q: { indicator: string; segments: readonly Slice[]; variants: readonly DimFilter[][]; byUnit: boolean; unitCodes?: readonly string[] }): Promise<SegmentSums[]> {
  const ends = new Map<string, string>();
  const lastDay = (month: string) => {
    let d = ends.get(month);
    if (d === undefined) ends.set(month, (d = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10)));
    return d;
  };
  const out: SegmentSums[] = [];
  for (const r of await sumMonthSegments(db, q)) {
    // Months with rows → days: each segment's days within them.
    const first = `${r.firstMonth}-01`;
    const last = lastDay(r.lastMonth);
    r.sums.forEach((values, i) => {
      if (values.every((v) => v === 0)) return;
      const s = q.segments[i]!;
      out.push({ unitCode: r.unitCode, segment: i, dims: {}, values, first: first > s.from ? first : s.from, last: last < s.to ? last : s.to });
    });
  }
  return out;
}

/** Most segments summed by a CASE in SQL; beyond, sums are read per day. */
const MAX_SEGMENTS = 64;

const inSlice = (f: { from: string; to: string }, s: Slice) => f.from >= s.from && f.to <= s.to;

/**
 * Computes indicators within one scope. Roll-ups are read once per request: one SQL query per
 * roll-up indicator, summing every variant (filter set) asked of it, per unit and per segment of
 * days — the days cut at the first and last day of every period the request will ask for
 * (the period, the previous one, each series bucket, each target's span) — so the rows read are
 * O(units × periods). A unit whose version changes inside a segment is read day by day.
 * Asking for a period not announced works too (the roll-ups are read again with its edges).
 */
export class ReportEngine {
  private readonly loads = new Map<string, RollupLoad>();
  private readonly states = new Map<string, Promise<{ facts: StateFact[]; unplaced: number }>>();
  private readonly deployed = new Map<string, Promise<Map<string, { deployed: number; of: number }>>>();
  private readonly edges = new Set<string>();
  /** Daily sums of month rows over units, by indicator, span and units (series share them). */
  private readonly monthDays = new Map<string, Promise<MonthDaySums[]>>();
  private loadTo: string;

  /** `slices`: the periods figures will be asked for; `cumulative`: some from the beginning of the records. */
  constructor(
    readonly scope: ReportScope,
    plan: { slices: readonly Slice[]; cumulative?: boolean },
  ) {
    this.loadTo = plan.slices.map((s) => s.to).sort().pop() ?? scope.ref;
    for (const s of plan.slices) this.ensure(plan.cumulative ? { from: BEGINNING, to: s.to } : s);
    for (const s of plan.slices) this.ensure(s);
  }

  /** Makes `slice` a union of whole segments (reading the roll-ups again if it was not). */
  private ensure(slice: Slice): void {
    const after = addDays(slice.to, 1);
    if (this.edges.has(slice.from) && this.edges.has(after) && slice.to <= this.loadTo) return;
    this.edges.add(slice.from);
    this.edges.add(after);
    if (slice.to > this.loadTo) this.loadTo = slice.to;
    for (const l of this.loads.values()) l.loaded = undefined;
  }

  /** Registers the variant of a roll-up a figure reads (before loading, to read all in one query). */
  private part(ref: RollupRef, filters: readonly DimFilter[], byDims: boolean, side: 'num' | 'den'): Part {
    const key = `${ref.indicator}|${byDims}`;
    let load = this.loads.get(key);
    if (!load) {
      load = { indicator: ref.indicator, byDims, variants: [], conditions: [] };
      this.loads.set(key, load);
    }
    const conditions = [...(ref.where ?? []), ...filters];
    const vkey = JSON.stringify(conditions);
    let variant = load.variants.indexOf(vkey);
    if (variant < 0) {
      variant = load.variants.push(vkey) - 1;
      load.conditions.push(conditions);
      load.loaded = undefined;
    }
    return { load, variant, side };
  }

  private partsOf(def: IndicatorDefinition, filters: readonly DimFilter[], byDims: boolean): Part[] {
    const m = def.measure;
    if (m.kind === 'sum') return [this.part(m.of, filters, byDims, 'num')];
    if (m.kind === 'ratio') return [this.part(m.numerator, filters, byDims, 'num'), this.part(m.denominator, filters, byDims, 'den')];
    return [];
  }

  /** Announces the figures a request will compute, so that each roll-up is read once with all its variants. */
  plan(def: IndicatorDefinition, filters: readonly DimFilter[], byDims = false): void {
    this.partsOf(def, filters, byDims);
  }

  private relate(path: string[]): string | undefined {
    const root = this.scope.root;
    if (!root) return path[0] ?? '';
    const i = path.indexOf(root.code);
    if (i < 0) return undefined;
    return path[i + 1] ?? '';
  }

  private load(l: RollupLoad): Promise<Loaded> {
    l.loaded ??= this.read(l);
    return l.loaded;
  }

  private async read(l: RollupLoad): Promise<Loaded> {
    const { timeline, boundaries, ref, env } = this.scope;
    const sorted = [...this.edges].sort();
    const first = sorted[0]!;
    const inner = sorted.filter((e) => e > first && e <= this.loadTo);
    const byDay = inner.length >= MAX_SEGMENTS;
    const bounds = (segment: number, day: string) =>
      byDay ? { from: day, to: day } : { from: segment === 0 ? first : inner[segment - 1]!, to: segment < inner.length ? addDays(inner[segment]!, -1) : this.loadTo };
    // The coarse month rows when they can tell every variant (no breakdown, no service…); else the counter rows.
    const coarse = byDay || l.byDims ? null : coarseVariants(l.conditions);
    const segments = byDay ? [] : Array.from({ length: inner.length + 1 }, (_, i) => bounds(i, first));
    const rows = coarse
      ? await monthSegmentSums(env.read.kysely, { indicator: l.indicator, segments, variants: coarse, byUnit: true })
      : await sumCounterSegments(env.read.kysely, { indicator: l.indicator, from: first, to: this.loadTo, edges: byDay ? null : inner, variants: l.conditions, byDims: l.byDims });
    const out: Loaded = { facts: [], unplaced: [] };
    const unstable: { unitCode: string; from: string; to: string; dims: string }[] = [];
    const push = (unitCode: string, day: string, span: { from: string; to: string }, stable: boolean, dims: Record<string, string>, values: number[], p: Placement | null) => {
      if (!p) return void out.unplaced.push({ from: span.from, to: span.to, values });
      const child = this.relate(p.path);
      // Properties written out, not `...span`: a spread followed by nine more properties made each fact
      // a slow (dictionary) object in V8, 10 µs a fact here and slower reads in every figure after.
      if (child !== undefined) out.facts.push({ from: span.from, to: span.to, unitCode, stable, child, childDay: boundaries === 'historical' ? day : ref, dims, values, approximate: p.approximate, lifted: p.lifted });
    };
    for (const r of rows) {
      const span = byDay ? bounds(r.segment, r.first) : segments[r.segment]!;
      const p = timeline.knownSpan(r.unitCode, r.first, r.last, boundaries, ref) ?? (await timeline.placeSpan(r.unitCode, r.first, r.last, boundaries, ref));
      // A month row's days are known only to the month: a unit not placed over them all is read day by day.
      if (p === 'unstable' || (p === null && coarse)) unstable.push({ unitCode: r.unitCode, from: span.from, to: span.to, dims: JSON.stringify(r.dims) });
      else push(r.unitCode, r.first, span, true, r.dims, r.values, p);
    }
    if (unstable.length > 0) {
      const days = await sumCounterSegments(env.read.kysely, {
        indicator: l.indicator,
        from: unstable.map((u) => u.from).sort()[0]!,
        to: unstable.map((u) => u.to).sort().pop()!,
        edges: null,
        variants: l.conditions,
        byDims: l.byDims,
        unitCodes: [...new Set(unstable.map((u) => u.unitCode))],
      });
      for (const d of days) {
        const u = unstable.find((x) => x.unitCode === d.unitCode && x.from <= d.first && d.first <= x.to && (!l.byDims || x.dims === JSON.stringify(d.dims)));
        if (u) push(d.unitCode, d.first, { from: d.first, to: d.first }, false, d.dims, d.values, await timeline.place(d.unitCode, d.first, boundaries, ref));
      }
    }
    out.facts.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
    return out;
  }

  /** Placed facts of an additive state reader for a slice (readers without history: one read). */
  private stateFacts(def: IndicatorDefinition, slice: Slice): Promise<{ facts: StateFact[]; unplaced: number }> {
    const m = def.measure;
    if (m.kind !== 'state' || m.reader === 'services.deployed') throw new Error(`not an additive state indicator: ${def.id}`);
    // The desk's readers depend on the slice: duty over the period, the inventory as of its last day.
    const key = m.history && m.reader.startsWith('desk.') ? `${m.reader}|${slice.from}|${slice.to}` : m.reader;
    let hit = this.states.get(key);
    if (!hit) {
      hit = (async () => {
        const { timeline, boundaries, ref, today } = this.scope;
        const read = await additiveStateFacts(this.scope.env.read, m.reader as Exclude<typeof m.reader, 'services.deployed'>, slice.from, slice.to);
        const out = { facts: [] as StateFact[], unplaced: read.unplaced };
        for (const f of read.facts) {
          // A code without its date: as on the slice's last day, else today, else its last day in force.
          let day = f.unitDate;
          if (day === null) day = (await timeline.version(f.unitCode, slice.to)) ? slice.to : ((await timeline.versionOnOrBefore(f.unitCode, today))?.day ?? null);
          const p = day === null ? null : await timeline.place(f.unitCode, day, boundaries, ref);
          if (!p || day === null) {
            out.unplaced += f.num + f.den;
            continue;
          }
          const child = this.relate(p.path);
          if (child !== undefined) out.facts.push({ child, childDay: boundaries === 'historical' ? day : ref, dims: {}, num: f.num, den: f.den, approximate: p.approximate, lifted: p.lifted });
        }
        return out;
      })();
      this.states.set(key, hit);
    }
    return hit;
  }

  /**
   * Calls `fn` with every numerator and denominator sum of an additive figure within a slice
   * (cumulative: from the beginning); answers the records that could not be placed. Loaded sums
   * are sorted by their first day, so a slice touches only its own segments.
   */
  private async eachFact(def: IndicatorDefinition, slice: Slice, filters: readonly DimFilter[], byDims: boolean, cumulative: boolean, fn: (f: Placed, num: number, den: number) => void): Promise<number> {
    const m = def.measure;
    if (m.kind === 'state') {
      const st = await this.stateFacts(def, slice);
      for (const f of st.facts) fn(f, f.num, f.den);
      return st.unplaced;
    }
    const s = cumulative ? { from: BEGINNING, to: slice.to } : slice;
    this.ensure(s);
    let unplaced = 0;
    for (const part of this.partsOf(def, filters, byDims)) {
      const loaded = await this.load(part.load);
      const facts = loaded.facts;
      let lo = 0;
      let hi = facts.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (facts[mid]!.from < s.from) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < facts.length && facts[i]!.from <= s.to; i++) {
        const f = facts[i]!;
        if (f.to > s.to) continue;
        const v = f.values[part.variant]!;
        if (v !== 0) fn(f, part.side === 'num' ? v : 0, part.side === 'den' ? v : 0);
      }
      for (const u of loaded.unplaced) if (inSlice(u, s)) unplaced += Math.abs(u.values[part.variant]!);
    }
    return unplaced;
  }

  /**
   * Sums of an additive indicator over a slice, grouped by `keyOf` (undefined: left out).
   * `byDims` must be true when `keyOf` reads breakdowns.
   */
  async cells(def: IndicatorDefinition, slice: Slice, o: { filters: readonly DimFilter[]; cumulative: boolean; byDims: boolean; keyOf: (f: Placed) => string | undefined }): Promise<Map<string, Acc>> {
    const out = new Map<string, Acc>();
    await this.eachFact(def, slice, o.filters, o.byDims, o.cumulative, (f, num, den) => {
      const k = o.keyOf(f);
      if (k === undefined) return;
      let a = out.get(k);
      if (!a) out.set(k, (a = { num: 0, den: 0 }));
      a.num += num;
      a.den += den;
    });
    return out;
  }

  /** Notes on the placement of an additive indicator's records (for the answer's `notes`). */
  async notesOf(def: IndicatorDefinition, slice: Slice, filters: readonly DimFilter[], cumulative: boolean): Promise<Notes> {
    const notes: Notes = { unplacedRecords: 0, approximateRecords: 0, liftedRecords: 0 };
    notes.unplacedRecords = await this.eachFact(def, slice, filters, false, cumulative, (f, num, den) => {
      if (f.approximate) notes.approximateRecords += Math.abs(num) + Math.abs(den);
      if (f.lifted) notes.liftedRecords += Math.abs(num) + Math.abs(den);
    });
    return notes;
  }

  /**
   * Sums of an additive roll-up figure per bucket of a series (and per breakdown value), without
   * reading the roll-ups per unit and day: the units placed within the scope over the whole
   * series (from the per-unit read of the series' span) are summed per bucket in SQL; units read
   * day by day add their own sums. Answers one map per bucket: '' (or the breakdown value) → sums.
   */
  async seriesCells(def: IndicatorDefinition, buckets: readonly Slice[], filters: readonly DimFilter[], cumulative: boolean, breakdown?: string): Promise<Map<string, Acc>[]> {
    const out = buckets.map(() => new Map<string, Acc>());
    if (buckets.length === 0) return out;
    const keyOf = (dims: Record<string, string>) => (breakdown ? breakdownValue(breakdown, dims) : '');
    const add = (i: number, key: string, num: number, den: number) => {
      let a = out[i]!.get(key);
      if (!a) out[i]!.set(key, (a = { num: 0, den: 0 }));
      a.num += num;
      a.den += den;
    };
    const span = { from: buckets[0]!.from, to: buckets[buckets.length - 1]!.to };
    const m = def.measure;
    if (m.kind === 'state') {
      for (const [i, b] of buckets.entries()) for (const [k, a] of await this.cells(def, cumulative ? { from: BEGINNING, to: b.to } : b, { filters, cumulative: false, byDims: false, keyOf: () => '' })) add(i, k, a.num, a.den);
      return out;
    }
    const byDims = breakdown !== undefined;
    this.ensure(span);
    const parts = this.partsOf(def, filters, byDims);
    const bucketOf = (day: string) => {
      let lo = 0;
      let hi = buckets.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (buckets[mid]!.from <= day) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    const { timeline, boundaries, ref, env } = this.scope;
    for (const load of new Set(parts.map((p) => p.load))) {
      const mine = parts.filter((p) => p.load === load);
      const variants = mine.map((p) => load.conditions[p.variant]!);
      const addRow = (i: number, dims: Record<string, string>, values: number[]) => mine.forEach((p, j) => add(i, keyOf(dims), p.side === 'num' ? values[j]! : 0, p.side === 'den' ? values[j]! : 0));
      const loaded = await this.load(load);
      const stable = new Set<string>();
      const unstable = new Set<string>();
      for (const f of loaded.facts) if (inSlice(f, span)) (f.stable ? stable : unstable).add(f.unitCode);
      for (const c of unstable) stable.delete(c);
      const everywhere = this.scope.root === null && unstable.size === 0 && loaded.unplaced.every((u) => !inSlice(u, span));
      // Units placed once for the span: summed per bucket in SQL (from the month rows when they tell every variant).
      const coarse = byDims ? null : coarseVariants(variants);
      if (coarse) {
        // The month rows' day columns summed over the units (read once per indicator and span: the series of one roll-up share it).
        const unitCodes = everywhere ? undefined : [...stable].sort();
        const key = `${load.indicator}|${span.from}|${span.to}|${unitCodes?.join(',') ?? '*'}`;
        let days = this.monthDays.get(key);
        if (!days) this.monthDays.set(key, (days = sumMonthDays(env.read.kysely, { indicator: load.indicator, from: span.from.slice(0, 7), to: span.to.slice(0, 7), unitCodes })));
        for (const r of await days) {
          const dims = parseDimsKey(r.dims);
          const mask = coarse.map((v) => passesFilters(dims, v));
          if (!mask.some(Boolean)) continue;
          r.days.forEach((n, i) => {
            if (n === 0) return;
            const day = `${r.month}-${String(i + 1).padStart(2, '0')}`;
            if (day < span.from || day > span.to) return;
            addRow(bucketOf(day), {}, mask.map((pass) => (pass ? n : 0)));
          });
        }
      } else {
        const rows = await sumCounterSegments(env.read.kysely, { indicator: load.indicator, from: span.from, to: span.to, edges: buckets.slice(1).map((b) => b.from), variants, byDims, byUnit: false, unitCodes: everywhere ? undefined : [...stable] });
        for (const r of rows) addRow(r.segment, r.dims, r.values);
      }
      // Units whose version changes within the span: read and placed day by day.
      if (unstable.size > 0) {
        for (const d of await sumCounterSegments(env.read.kysely, { indicator: load.indicator, from: span.from, to: span.to, edges: null, variants, byDims, unitCodes: [...unstable] })) {
          const p = await timeline.place(d.unitCode, d.first, boundaries, ref);
          if (p && this.relate(p.path) !== undefined) addRow(bucketOf(d.first), d.dims, d.values);
        }
      }
    }
    if (cumulative) {
      const opening = await this.cells(def, { from: BEGINNING, to: addDays(span.from, -1) }, { filters, cumulative: false, byDims, keyOf: (f) => keyOf(f.dims) });
      let running = opening;
      for (const cell of out) {
        const next = new Map<string, Acc>();
        for (const [k, a] of running) next.set(k, { ...a });
        for (const [k, a] of cell) {
          const r = next.get(k) ?? { num: 0, den: 0 };
          next.set(k, { num: r.num + a.num, den: r.den + a.den });
        }
        cell.clear();
        for (const [k, a] of next) cell.set(k, a);
        running = next;
      }
    }
    return out;
  }

  /** "x of 25" of units on a date (services.deployed). */
  async deployedOn(codes: readonly string[], day: string): Promise<Map<string, { deployed: number; of: number }>> {
    const key = `${day}|${[...codes].sort().join(',')}`;
    let hit = this.deployed.get(key);
    if (!hit) {
      const { timeline } = this.scope;
      hit = deployedServices(this.scope.env.read, codes, day, async (code) => (await timeline.path(code, day))?.map((v) => v.code));
      this.deployed.set(key, hit);
    }
    return hit;
  }

  /** The child units listed for a ranking: those in force on `ref`, plus any seen in the facts. */
  async childUnits(extraSeen: Map<string, string>): Promise<ReportUnit[]> {
    const { timeline, root, ref } = this.scope;
    const listed = await timeline.children(root?.code ?? null, ref);
    const known = new Set(listed.map((u) => u.code));
    const out: ReportUnit[] = [...listed];
    for (const [code, day] of extraSeen) {
      if (known.has(code) || code === '') continue;
      const v = await timeline.version(code, day);
      out.push(v ? { code, level: v.level, name: v.name, fullName: v.fullName } : { code, level: 'commune', name: code, fullName: code });
    }
    return sortUnits(out);
  }

  /** Children seen in the facts of an indicator (code → a day it was in force), for {@link childUnits}. */
  async childrenSeen(def: IndicatorDefinition, slice: Slice, filters: readonly DimFilter[], cumulative: boolean): Promise<Map<string, string>> {
    const seen = new Map<string, string>();
    if (def.measure.kind === 'state' && !def.measure.additive) return seen;
    await this.eachFact(def, slice, filters, false, cumulative, (f) => {
      if (f.child !== '' && !seen.has(f.child)) seen.set(f.child, f.childDay);
    });
    return seen;
  }
}

export interface Notes {
  unplacedRecords: number;
  approximateRecords: number;
  liftedRecords: number;
}

/** Units in Vietnamese collation of their names (src/platform/text.ts), then full names and codes. */
export function sortUnits<T extends { name: string; fullName: string; code: string }>(units: T[]): T[] {
  const key = new Map(units.map((u) => [u, `${collationKey(u.name)}\u0000${collationKey(u.fullName)}\u0000${u.code}`]));
  return [...units].sort((a, b) => (key.get(a)! < key.get(b)! ? -1 : key.get(a)! > key.get(b)! ? 1 : 0));
}

/** Competition ranks ("1224") by value, highest first; null values get no rank. */
export function ranksOf(values: (number | null)[]): (number | null)[] {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => b - a);
  return values.map((v) => (v === null ? null : sorted.indexOf(v) + 1));
}

// --- one indicator ---------------------------------------------------------------------------------------

export { GROUP_BY };
export type GroupBy = (typeof GROUP_BY)[number];

export interface IndicatorQuery {
  from: string;
  to: string;
  groupBy: GroupBy;
  breakdown?: string;
  cumulative: boolean;
  filters: Filters;
}

export interface BreakdownItem extends Figure {
  key: string;
}

export interface SeriesPoint extends Figure {
  key: string;
  label: string;
  from: string;
  to: string;
  breakdown?: BreakdownItem[];
}

export interface UnitRow extends Figure {
  unit: ReportUnit;
  previous: Figure;
  change: number | null;
  rank: number | null;
  breakdown?: BreakdownItem[];
}

export interface TargetProgress {
  id: number;
  from: string;
  to: string;
  target: number;
  note: string | null;
  /** The figure from the target's first day to the earlier of its last day and the period's. */
  actual: Figure;
  /** actual / target (null when the target is 0 or the figure has no value). */
  progress: number | null;
  /** Share of the target's period elapsed by the period's last day (0–1). */
  elapsed: number;
}

export interface IndicatorAnswer {
  indicator: IndicatorDefinition;
  unit: ReportUnit | null;
  boundaries: Boundaries;
  /** The date of the units shown. */
  unitsAt: string;
  from: string;
  to: string;
  groupBy: GroupBy;
  breakdown: string | null;
  cumulative: boolean;
  filters: Filters;
  total: Figure & { breakdown?: BreakdownItem[] };
  previous: Comparison;
  series: SeriesPoint[];
  rows: UnitRow[];
  /** Records on the unit itself rather than on a unit below it (groupBy=unit; e.g. moved with their parent). */
  unassigned: Figure | null;
  targets: TargetProgress[];
  notes: Notes;
}

/**
 * The figure of `def` for the scope's root over a slice (additive: summed over the root's area;
 * services deployed: evaluated for the root on the slice's last day).
 */
export async function figureFor(engine: ReportEngine, def: IndicatorDefinition, slice: Slice, filters: readonly DimFilter[], cumulative: boolean): Promise<Figure> {
  const m = def.measure;
  if (m.kind === 'state' && !m.additive) {
    const root = engine.scope.root;
    if (!root) return { value: null, numerator: 0, denominator: null };
    const inForce = await engine.scope.timeline.version(root.code, slice.to);
    if (!inForce || (engine.scope.boundaries === 'current' && inForce.from !== root.versionFrom)) return { value: null, numerator: 0, denominator: 25 };
    const d = (await engine.deployedOn([root.code], slice.to)).get(root.code);
    return { value: d?.deployed ?? 0, numerator: d?.deployed ?? 0, denominator: d?.of ?? 25 };
  }
  const cells = await engine.cells(def, slice, { filters, cumulative, byDims: false, keyOf: () => '' });
  return figureOf(def, cells.get(''));
}

async function breakdownOf(engine: ReportEngine, def: IndicatorDefinition, slice: Slice, filters: readonly DimFilter[], cumulative: boolean, name: string, only?: (child: string) => boolean): Promise<BreakdownItem[]> {
  const cells = await engine.cells(def, slice, { filters, cumulative, byDims: true, keyOf: (f) => (only && !only(f.child) ? undefined : breakdownValue(name, f.dims)) });
  return [...cells].sort(([a], [b]) => a.localeCompare(b)).map(([key, a]) => ({ key, ...figureOf(def, a) }));
}

/** Child figures of an indicator over a slice: code → figure ('' = the root itself). */
export async function childFigures(engine: ReportEngine, def: IndicatorDefinition, slice: Slice, filters: readonly DimFilter[], cumulative: boolean, children: ReportUnit[]): Promise<Map<string, Figure>> {
  const out = new Map<string, Figure>();
  const m = def.measure;
  if (m.kind === 'state' && !m.additive) {
    const { timeline, boundaries } = engine.scope;
    const inForce: string[] = [];
    for (const c of children) {
      const v = await timeline.version(c.code, slice.to);
      if (v && (boundaries === 'historical' || (await timeline.version(c.code, engine.scope.ref))?.from === v.from)) inForce.push(c.code);
    }
    const d = await engine.deployedOn(inForce, slice.to);
    for (const c of children) {
      const x = d.get(c.code);
      out.set(c.code, x ? { value: x.deployed, numerator: x.deployed, denominator: x.of } : { value: null, numerator: 0, denominator: 25 });
    }
    return out;
  }
  const cells = await engine.cells(def, slice, { filters, cumulative, byDims: false, keyOf: (f) => f.child });
  for (const c of children) out.set(c.code, figureOf(def, cells.get(c.code)));
  if (cells.has('')) out.set('', figureOf(def, cells.get('')));
  return out;
}

/** The figures of a series' buckets (roll-ups summed per bucket in SQL; "x of 25" evaluated on each bucket's last day). */
export async function seriesFigures(engine: ReportEngine, def: IndicatorDefinition, buckets: readonly Slice[], filters: readonly DimFilter[], cumulative: boolean): Promise<Figure[]> {
  const m = def.measure;
  if (m.kind === 'state' && !m.additive) {
    const out: Figure[] = [];
    for (const b of buckets) out.push(await figureFor(engine, def, b, filters, cumulative));
    return out;
  }
  return (await engine.seriesCells(def, buckets, filters, cumulative)).map((c) => figureOf(def, c.get('')));
}

/** The days of a target a figure is computed for: from its first day to the earlier of its last day and `to`. */
export function targetSpan(t: TargetRow, to: string): Slice {
  return { from: t.period_from, to: t.period_to < to ? t.period_to : to };
}

/** The targets of an indicator for the scope's root overlapping the period, with progress. */
export async function targetProgress(engine: ReportEngine, def: IndicatorDefinition, q: { to: string; cumulative: boolean }, filters: readonly DimFilter[], rows: TargetRow[]): Promise<TargetProgress[]> {
  const root = engine.scope.root;
  if (!root) return [];
  const out: TargetProgress[] = [];
  for (const t of rows) {
    const v = await engine.scope.timeline.version(t.unit_code, t.unit_date);
    const rootNow = await engine.scope.timeline.version(root.code, engine.scope.ref);
    if (!v || !rootNow || v.from !== rootNow.from) continue;
    const { to } = targetSpan(t, q.to);
    const actual = await figureFor(engine, def, { from: t.period_from, to }, filters, q.cumulative);
    out.push({
      id: t.id,
      from: t.period_from,
      to: t.period_to,
      target: t.value,
      note: t.note,
      actual,
      progress: actual.value === null || t.value === 0 ? null : actual.value / t.value,
      elapsed: Math.min(1, daysBetween(t.period_from, to) / daysBetween(t.period_from, t.period_to)),
    });
  }
  return out;
}

/**
 * The answer for one indicator (GET /reports/indicators). Errors: REPORTS_BREAKDOWN_NOT_AVAILABLE
 * (400) for a breakdown the indicator does not have; REPORTS_FILTER_* (400); REPORTS_TOO_MANY_BUCKETS.
 */
export async function indicatorAnswer(scope: ReportScope, def: IndicatorDefinition, q: IndicatorQuery): Promise<IndicatorAnswer> {
  if (q.breakdown !== undefined && !def.breakdowns.includes(q.breakdown)) throw new AppError('REPORTS_BREAKDOWN_NOT_AVAILABLE', { breakdown: q.breakdown, indicator: def.id, expected: def.breakdowns.join(', ') || '—' });
  const filters = filterConditions(def, q.filters);
  const period = { from: q.from, to: q.to };
  const prev = previousPeriod(q.from, q.to);
  const buckets = q.groupBy === 'unit' || q.groupBy === 'none' ? [] : bucketsOf(q.groupBy as TimeGroup, q.from, q.to);
  const targets = scope.root ? await targetsFor(scope.env.read.kysely, { indicator: def.id, unitCode: scope.root.code, from: q.from, to: q.to }) : [];
  const cumulative = q.cumulative && !def.stock;
  const engine = new ReportEngine(scope, { slices: [period, prev, ...targets.map((t) => targetSpan(t, q.to))], cumulative });
  engine.plan(def, filters);
  if (q.breakdown) engine.plan(def, filters, true);

  const total = await figureFor(engine, def, period, filters, cumulative);
  const before = await figureFor(engine, def, prev, filters, cumulative);
  const answer: IndicatorAnswer = {
    indicator: def,
    unit: scope.root && { code: scope.root.code, level: scope.root.level, name: scope.root.name, fullName: scope.root.fullName },
    boundaries: scope.boundaries,
    unitsAt: scope.ref,
    from: q.from,
    to: q.to,
    groupBy: q.groupBy,
    breakdown: q.breakdown ?? null,
    cumulative,
    filters: q.filters,
    total,
    previous: compare(total, before, prev),
    series: [],
    rows: [],
    unassigned: null,
    targets: await targetProgress(engine, def, { to: q.to, cumulative }, filters, targets),
    notes: def.measure.kind === 'state' && !def.measure.additive ? { unplacedRecords: 0, approximateRecords: 0, liftedRecords: 0 } : await engine.notesOf(def, period, filters, cumulative),
  };
  if (q.breakdown) answer.total.breakdown = await breakdownOf(engine, def, period, filters, cumulative, q.breakdown);
  const figures = await seriesFigures(engine, def, buckets, filters, cumulative);
  const split = q.breakdown && buckets.length > 0 ? await engine.seriesCells(def, buckets, filters, cumulative, q.breakdown) : [];
  for (const [i, b] of buckets.entries()) {
    const point: SeriesPoint = { key: b.key, label: b.label, from: b.from, to: b.to, ...figures[i]! };
    if (q.breakdown) point.breakdown = [...split[i]!].sort(([a], [c]) => a.localeCompare(c)).map(([key, a]) => ({ key, ...figureOf(def, a) }));
    answer.series.push(point);
  }
  if (q.groupBy === 'unit') {
    const children = await engine.childUnits(await engine.childrenSeen(def, period, filters, cumulative));
    const now = await childFigures(engine, def, period, filters, cumulative, children);
    const then = await childFigures(engine, def, prev, filters, cumulative, children);
    const ranks = ranksOf(children.map((c) => now.get(c.code)?.value ?? null));
    for (const [i, c] of children.entries()) {
      const f = now.get(c.code)!;
      const p = then.get(c.code)!;
      const row: UnitRow = { unit: c, ...f, previous: p, change: f.value === null || p.value === null ? null : f.value - p.value, rank: ranks[i]! };
      if (q.breakdown) row.breakdown = await breakdownOf(engine, def, period, filters, cumulative, q.breakdown, (child) => child === c.code);
      answer.rows.push(row);
    }
    answer.unassigned = now.get('') ?? null;
  }
  return answer;
}

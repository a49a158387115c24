/**
 * Where a counted record belongs on a report: a counter row names a unit code as it was on the
 * row's day (src/platform/rollups.ts). A report shows it on one of two sets of boundaries
 * (shared/domain.md §6.2):
 * - `historical`: the units as they were on that day (a 2023 report with districts): the row
 *   lies in every unit of its path on its day;
 * - `current`: re-aggregated onto the units in force on a reference date (today by default)
 *   through the succession links of the units module: a row of old Xã Cẩm Hoàng (10897) in
 *   February 2023 moves to Xã Cẩm Giang (10888, Thành phố Hải Phòng) from 2025-07-01.
 *
 * Moving a row forward follows, at each step, the successor that took over the unit: a `full`
 * one when there is one. A commune split between several new communes (`partial` links only)
 * has its rows moved to one of them — the one that kept the old code, else the lowest code —
 * and the move is counted as approximate (the split lists do not say how the area was divided;
 * shared/data/admin-units/README.md). A unit that ended with no successor (a district in 2025,
 * or a commune whose new list was not imported) moves with its parent, landing on the parent's
 * successor (Tỉnh Hải Dương → Thành phố Hải Phòng).
 *
 * Unit versions are read through the units module's {@link UnitCache} and kept here by period,
 * so a report placing thousands of unit-day rows asks the registry once per unit version.
 */
import { addDays } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';
import { listUnits, type UnitCache, type UnitDetail, type UnitLevel, type UnitsTables } from '../units/index.js';
import type { Kysely } from 'kysely';

export const BOUNDARIES = ['historical', 'current'] as const;
export type Boundaries = (typeof BOUNDARIES)[number];

/** A unit version as a report needs it. */
export interface UnitVersion {
  code: string;
  level: UnitLevel;
  name: string;
  fullName: string;
  parentCode: string | null;
  /** First day in force ('0001-01-01' when unknown). */
  from: string;
  /** Last day in force; null while in force. */
  until: string | null;
  successors: UnitDetail['successors'];
}

/** Where a row lands: the unit path on the report's boundaries, and how it got there. */
export interface Placement {
  /** Province → … → unit codes. */
  path: string[];
  /** Moved through a partial succession (the share that went to each successor is not known). */
  approximate: boolean;
  /** Moved with its parent: its own unit ended without a successor. */
  lifted: boolean;
}

function versionOf(d: UnitDetail): UnitVersion {
  return { code: d.code, level: d.level, name: d.name, fullName: d.fullName, parentCode: d.parentCode, from: d.validFrom ?? '0001-01-01', until: d.validUntil, successors: d.successors };
}

/**
 * Unit versions and placements kept across reports by one process (in the reports environment).
 * Units change only by imports, a few times a year: {@link UnitTimelineStore.validate} empties the
 * store when the units module's cache has noticed a change of the registry (its revision): the
 * cache then answers a fresh object for a unit it answered before. So a dashboard asks the
 * registry once per unit version, not once per request.
 */
export class UnitTimelineStore {
  readonly versions = new Map<string, UnitVersion[]>();
  readonly absent = new Set<string>();
  readonly placements = new Map<string, Placement | null>();
  /** {@link UnitTimeline.placeSpan} answers, by boundaries, reference date, code and span. */
  readonly spans = new Map<string, Placement | null | 'unstable'>();
  private sentinel: UnitDetail | undefined;

  constructor(readonly units: UnitCache) {}

  /** Empties the store if the units registry changed since the last check (one revision query at most). */
  async validate(): Promise<void> {
    // Hà Nội (01) is in every built-in list; any answer object different from the last one means
    // the unit cache was emptied after a change of the registry.
    const now = await this.units.get('01', '2020-01-01').catch(() => undefined);
    if (now === undefined || now !== this.sentinel) {
      this.versions.clear();
      this.absent.clear();
      this.placements.clear();
      this.spans.clear();
      this.sentinel = now;
    }
    if (this.placements.size > 500_000) this.placements.clear();
    if (this.spans.size > 500_000) this.spans.clear();
  }
}

/** Unit versions and placements for reports; backed by a {@link UnitTimelineStore} shared by requests. */
export class UnitTimeline {
  private readonly versions: Map<string, UnitVersion[]>;
  private readonly absent: Set<string>;
  private readonly placements: Map<string, Placement | null>;
  private readonly spans: Map<string, Placement | null | 'unstable'>;
  private readonly units: UnitCache;

  constructor(
    store: UnitTimelineStore,
    private readonly db: Kysely<UnitsTables>,
  ) {
    this.versions = store.versions;
    this.absent = store.absent;
    this.placements = store.placements;
    this.spans = store.spans;
    this.units = store.units;
  }

  /** The version of `code` in force on `day`, or undefined. */
  async version(code: string, day: string): Promise<UnitVersion | undefined> {
    const known = this.versions.get(code);
    const hit = known?.find((v) => v.from <= day && (v.until === null || day <= v.until));
    if (hit) return hit;
    const key = `${code}|${day}`;
    if (this.absent.has(key)) return undefined;
    try {
      const v = versionOf(await this.units.get(code, day));
      this.versions.set(code, [...(known ?? []), v]);
      return v;
    } catch (e) {
      if (e instanceof AppError && e.code === 'UNIT_NOT_FOUND') {
        this.absent.add(key);
        return undefined;
      }
      throw e;
    }
  }

  /**
   * The version of `code` on `day`, or — when the code was no longer in force then — its last
   * version before `day` (state figures such as a site's unit name a code without a date).
   */
  async versionOnOrBefore(code: string, day: string): Promise<{ version: UnitVersion; day: string } | undefined> {
    const v = await this.version(code, day);
    if (v) return { version: v, day };
    try {
      await this.units.get(code, day);
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'UNIT_NOT_FOUND') throw e;
      const successors = (e.extensions.successors ?? []) as UnitDetail['successors'];
      const last = successors.map((s) => addDays(s.effectiveDate, -1)).filter((d) => d < day).sort().pop();
      if (last) {
        const before = await this.version(code, last);
        if (before) return { version: before, day: last };
      }
    }
    return undefined;
  }

  /** Versions province → … → `code` on `day`, or undefined when `code` is not in force then. */
  async path(code: string, day: string): Promise<UnitVersion[] | undefined> {
    const out: UnitVersion[] = [];
    let current: string | null = code;
    while (current !== null && out.length < 4) {
      const v = await this.version(current, day);
      if (!v) return out.length === 0 ? undefined : out;
      out.unshift(v);
      current = v.parentCode;
    }
    return out;
  }

  /**
   * The unit in force on `ref` that took over `code` as it was on `day` (see the file's comment),
   * or undefined when the row cannot be moved (unknown unit, or a chain that ends).
   */
  async forward(code: string, day: string, ref: string, depth = 0): Promise<{ code: string; approximate: boolean; lifted: boolean } | undefined> {
    if (depth > 12) return undefined;
    const v = await this.version(code, day);
    if (!v) return undefined;
    if (v.until === null || ref <= v.until) return { code, approximate: false, lifted: false };
    const next = addDays(v.until, 1);
    if (v.successors.length > 0) {
      const full = v.successors.filter((s) => s.kind === 'full');
      const pool = full.length > 0 ? full : v.successors;
      const chosen = pool.find((s) => s.code === code) ?? [...pool].sort((a, b) => a.code.localeCompare(b.code))[0]!;
      const r = await this.forward(chosen.code, chosen.effectiveDate, ref, depth + 1);
      return r && { ...r, approximate: r.approximate || full.length === 0 };
    }
    // Same code, a later version (renamed or reclassified without a succession link).
    if (await this.version(code, next)) return this.forward(code, next, ref, depth + 1);
    if (v.parentCode === null) return undefined;
    const r = await this.forward(v.parentCode, day, ref, depth + 1);
    return r && { ...r, lifted: true };
  }

  /** Where a row of `code` on `day` lies on the report's boundaries (cached per code and day). */
  async place(code: string, day: string, boundaries: Boundaries, ref: string): Promise<Placement | null> {
    const key = boundaries === 'historical' ? `h|${code}|${day}` : `c|${ref}|${code}|${day}`;
    const cached = this.placements.get(key);
    if (cached !== undefined) return cached;
    let placed: Placement | null = null;
    // A row may name a code that had already ended on its day: a record kept with its unit as of
    // an earlier date (an e-ID application of a citizen registered under a 2023 commune, filed in
    // 2026). It lies where that unit's successors were on the row's day.
    let at = { code, day };
    let stale: { approximate: boolean; lifted: boolean } | undefined;
    if (!(await this.version(code, day))) {
      const last = await this.versionOnOrBefore(code, day);
      const f = last && (await this.forward(code, last.day, day));
      if (f) {
        at = { code: f.code, day };
        stale = { approximate: f.approximate, lifted: f.lifted };
      }
    }
    if (boundaries === 'historical') {
      const p = await this.path(at.code, at.day);
      if (p) placed = { path: p.map((v) => v.code), approximate: stale?.approximate ?? false, lifted: stale?.lifted ?? false };
    } else {
      const f = await this.forward(at.code, at.day, ref);
      const p = f && (await this.path(f.code, ref));
      if (f && p) placed = { path: p.map((v) => v.code), approximate: f.approximate || (stale?.approximate ?? false), lifted: f.lifted || (stale?.lifted ?? false) };
    }
    this.placements.set(key, placed);
    return placed;
  }

  /**
   * Where rows of `code` from `first` to `last` lie, when that is the same for every day between
   * (the unit and the units above it keep one version over the span); `'unstable'` otherwise
   * (the rows must be placed day by day).
   */
  async placeSpan(code: string, first: string, last: string, boundaries: Boundaries, ref: string): Promise<Placement | null | 'unstable'> {
    const key = spanKey(code, first, last, boundaries, ref);
    const known = this.spans.get(key);
    if (known !== undefined) return known;
    let placed: Placement | null | 'unstable';
    if (first === last) placed = await this.place(code, first, boundaries, ref);
    else {
      const path = await this.path(code, first);
      placed = !path || path[path.length - 1]!.code !== code || path.some((v) => v.until !== null && v.until < last) ? 'unstable' : await this.place(code, first, boundaries, ref);
    }
    this.spans.set(key, placed);
    return placed;
  }

  /** {@link placeSpan}'s answer when it is known already (no await: a report places thousands of unit-segment sums), else undefined. */
  knownSpan(code: string, first: string, last: string, boundaries: Boundaries, ref: string): Placement | null | 'unstable' | undefined {
    return this.spans.get(spanKey(code, first, last, boundaries, ref));
  }

  /** Units directly below `parent` (or the provinces when null) in force on `at`, in Vietnamese collation. */
  async children(parent: string | null, at: string): Promise<UnitRefAt[]> {
    const { items } = await listUnits(this.db, parent === null ? { at, level: 'province', offset: 0, limit: 100_000 } : { at, parent, offset: 0, limit: 100_000 });
    return items.map((u) => ({ code: u.code, level: u.level, name: u.name, fullName: u.fullName }));
  }
}

const spanKey = (code: string, first: string, last: string, boundaries: Boundaries, ref: string) => (boundaries === 'historical' ? `h|${code}|${first}|${last}` : `c|${ref}|${code}|${first}|${last}`);

/** A unit as listed on a report. */
export interface UnitRefAt {
  code: string;
  level: UnitLevel;
  name: string;
  fullName: string;
}

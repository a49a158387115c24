/**
 * Reading administrative units as they were on a date: one unit with its path, successors and
 * predecessors, and filtered, searchable lists. Dates are Vietnam business dates `YYYY-MM-DD`.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../platform/errors.js';
import { addDays, todayInVietnam } from '../platform/dates.js';
import { foldForSearch } from '../platform/text.js';
import { UNKNOWN_START, type SuccessionKind, type UnitLevel, type UnitType } from './model.js';
import { linksFrom, linksInto, listAt, OPEN_END, unitsRevision, versionsAt, versionsOf, type StoredLink, type StoredUnit, type UnitsTables } from './store.js';

type Db = Kysely<UnitsTables>;

/** A unit in a path: enough to show and link it. */
export interface UnitRef {
  code: string;
  level: UnitLevel;
  type: UnitType;
  name: string;
  fullName: string;
}

/** A succession link as seen from one side, with the other side's name on the day it applied. */
export interface LinkView {
  code: string;
  kind: SuccessionKind;
  /** First day of the successor. */
  effectiveDate: string;
  fullName: string | null;
}

export interface UnitView extends UnitRef {
  nameEn: string | null;
  parentCode: string | null;
  /** First day in force; null when the source does not say. */
  validFrom: string | null;
  /** Last day in force; null while in force. */
  validUntil: string | null;
  source: string;
  /** Province → … → this unit, as they were on the date asked. */
  path: UnitRef[];
}

export interface UnitDetail extends UnitView {
  successors: LinkView[];
  predecessors: LinkView[];
}

function ref(u: StoredUnit): UnitRef {
  return { code: u.code, level: u.level, type: u.type, name: u.name, fullName: u.fullName };
}

function view(u: StoredUnit, path: UnitRef[]): UnitView {
  return {
    ...ref(u),
    nameEn: u.nameEn,
    parentCode: u.parentCode,
    validFrom: u.validFrom === UNKNOWN_START ? null : u.validFrom,
    validUntil: u.validUntil,
    source: u.source,
    path,
  };
}

/** Paths (province → … → unit) of many units on `at`, with one query per level above them. */
async function pathsOf(db: Db, units: StoredUnit[], at: string): Promise<Map<number, UnitRef[]>> {
  const known = new Map<string, StoredUnit>();
  let pending = [...new Set(units.map((u) => u.parentCode).filter((c): c is string => c !== null))];
  for (let depth = 0; depth < 3 && pending.length > 0; depth++) {
    const found = await versionsAt(db, pending, at);
    for (const f of found) known.set(f.code, f);
    pending = [...new Set(found.map((f) => f.parentCode).filter((c): c is string => c !== null && !known.has(c)))];
  }
  const out = new Map<number, UnitRef[]>();
  for (const u of units) {
    const chain: UnitRef[] = [ref(u)];
    let parent = u.parentCode ? known.get(u.parentCode) : undefined;
    while (parent && chain.length < 4) {
      chain.unshift(ref(parent));
      parent = parent.parentCode ? known.get(parent.parentCode) : undefined;
    }
    out.set(u.id, chain);
  }
  return out;
}

async function linkViews(db: Db, links: StoredLink[], side: 'successor' | 'predecessor'): Promise<LinkView[]> {
  const out: LinkView[] = [];
  for (const l of links) {
    const code = side === 'successor' ? l.successorCode : l.predecessorCode;
    const day = side === 'successor' ? l.effectiveDate : addDays(l.effectiveDate, -1);
    const [other] = await versionsAt(db, [code], day);
    out.push({ code, kind: l.kind, effectiveDate: l.effectiveDate, fullName: other?.fullName ?? null });
  }
  return out;
}

/**
 * The unit with `code` as it was on `at` (default: today in Vietnam time).
 * Errors: UNIT_NOT_FOUND (404) when no version of the code is in force on `at`; when an earlier
 * version was succeeded, the problem's `successors` member names the units that took over.
 */
export async function getUnit(db: Db, code: string, at: string = todayInVietnam()): Promise<UnitDetail> {
  const [unit] = await versionsAt(db, [code], at);
  if (!unit) {
    const earlier = (await versionsOf(db, code)).filter((v) => v.validUntil !== null && v.validUntil < at);
    const last = earlier[earlier.length - 1];
    const successors = last ? await linkViews(db, await linksFrom(db, code, last.validFrom, addDays(last.validUntil!, 1)), 'successor') : [];
    if (successors.length === 0) throw new AppError('UNIT_NOT_FOUND', { code, at });
    const names = successors.map((s) => `${s.fullName ?? s.code} (${s.code})`).join(', ');
    throw new AppError('UNIT_NOT_FOUND', { code, at, successors: names }, { extensions: { successors }, messageCode: 'UNIT_SUPERSEDED' });
  }
  const paths = await pathsOf(db, [unit], at);
  const end = unit.validUntil === null ? OPEN_END : addDays(unit.validUntil, 1);
  const [successors, predecessors] = await Promise.all([
    linksFrom(db, code, unit.validFrom, end).then((l) => linkViews(db, l, 'successor')),
    linksInto(db, code, unit.validFrom, unit.validUntil ?? OPEN_END).then((l) => linkViews(db, l, 'predecessor')),
  ]);
  return { ...view(unit, paths.get(unit.id) ?? [ref(unit)]), successors, predecessors };
}

export interface ListUnitsQuery {
  at?: string;
  parent?: string;
  level?: UnitLevel;
  /** Free text; diacritics and đ/Đ folded, every word must match. */
  q?: string;
  offset: number;
  limit: number;
}

/** Units in force on `at` (default today in Vietnam), filtered, in Vietnamese collation. */
export async function listUnits(db: Db, query: ListUnitsQuery): Promise<{ items: UnitView[]; total: number }> {
  const at = query.at ?? todayInVietnam();
  const tokens = query.q ? foldForSearch(query.q).split(' ').filter(Boolean) : [];
  const { items, total } = await listAt(db, { at, parentCode: query.parent, level: query.level, tokens, offset: query.offset, limit: query.limit });
  const paths = await pathsOf(db, items, at);
  return { items: items.map((u) => view(u, paths.get(u.id) ?? [ref(u)])), total };
}

/**
 * A per-process cache of {@link getUnit} and {@link unitAreaThroughTime} answers (found units and
 * UNIT_NOT_FOUND problems; areas, which every unit-scoped read of a person needs).
 * Units change a few times a year, by imports; every import raises the registry's revision, and
 * the cache checks that revision at most once per `revalidateMs` (default 1 s), so an import made
 * through any app copy is seen by every copy within that time. Bounded to `maxEntries` answers of
 * each kind.
 */
export class UnitCache {
  private readonly entries = new Map<string, UnitDetail | AppError>();
  private readonly areas = new Map<string, readonly UnitPeriod[]>();
  private revision = -1;
  private checkedAt = 0;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly options: { maxEntries?: number; revalidateMs?: number } = {},
  ) {}

  private async revalidate(): Promise<void> {
    if (Date.now() - this.checkedAt < (this.options.revalidateMs ?? 1000)) return;
    this.checking ??= unitsRevision(this.db)
      .then((r) => {
        if (r !== this.revision) {
          this.entries.clear();
          this.areas.clear();
        }
        this.revision = r;
        this.checkedAt = Date.now();
      })
      .finally(() => {
        this.checking = undefined;
      });
    await this.checking;
  }

  /** As {@link getUnit}, from the cache when it can. */
  async get(code: string, at: string = todayInVietnam()): Promise<UnitDetail> {
    await this.revalidate();
    const key = `${code}|${at}`;
    let hit = this.entries.get(key);
    if (hit === undefined) {
      hit = await getUnit(this.db, code, at).catch((e: unknown) => {
        if (e instanceof AppError && e.code === 'UNIT_NOT_FOUND') return e;
        throw e;
      });
      if (this.entries.size >= (this.options.maxEntries ?? 20_000)) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, hit);
    }
    if (hit instanceof AppError) throw hit;
    return hit;
  }

  /** As {@link unitAreaThroughTime}, from the cache when it can. The answer is shared: do not change it. */
  async area(code: string, at: string): Promise<readonly UnitPeriod[]> {
    await this.revalidate();
    const key = `${code}|${at}`;
    let hit = this.areas.get(key);
    if (hit === undefined) {
      hit = Object.freeze(await unitAreaThroughTime(this.db, code, at));
      if (this.areas.size >= (this.options.maxEntries ?? 20_000)) this.areas.delete(this.areas.keys().next().value as string);
      this.areas.set(key, hit);
    }
    return hit;
  }
}

/** True when some version of `code` exists, in any period (for references such as a staff account's unit). */
export async function unitCodeExists(db: Db, code: string): Promise<boolean> {
  return (await versionsOf(db, code)).length > 0;
}

/** True when some version of unit `inner` has `outer` on its path (e.g. a commune inside a province). */
export async function unitWithin(db: Db, inner: string, outer: string): Promise<boolean> {
  if (inner === outer) return true;
  for (const v of await versionsOf(db, inner)) {
    const day = v.validFrom === UNKNOWN_START ? (v.validUntil ?? todayInVietnam()) : v.validFrom;
    const paths = await pathsOf(db, [v], day);
    if (paths.get(v.id)?.some((p) => p.code === outer)) return true;
  }
  return false;
}

/** A unit version: a code with the period it holds (inclusive; `validUntil` null while in force). */
export interface UnitPeriod {
  code: string;
  level: UnitLevel;
  validFrom: string;
  validUntil: string | null;
}

/**
 * The area of a unit as it was on `at`, through time: that version and, recursively, every
 * earlier version whose area passed into it (full or partial succession). A commune created in
 * 2025 thus covers the old communes it absorbed, each for the period it existed — so a record
 * that names old code 10897 on 2023-02-28 lies within new Xã Cẩm Giang 10888, while an old record
 * naming code 10888 (then Thị trấn Cẩm Giang) matches only through that old period.
 * Empty when the code is not in force on `at`.
 */
export async function unitAreaThroughTime(db: Db, code: string, at: string): Promise<UnitPeriod[]> {
  const [start] = await versionsAt(db, [code], at);
  if (!start) return [];
  const out: UnitPeriod[] = [];
  const seen = new Set<string>();
  let frontier: StoredUnit[] = [start];
  for (let depth = 0; depth < 10 && frontier.length > 0; depth++) {
    const next: StoredUnit[] = [];
    for (const v of frontier) {
      const key = `${v.code}|${v.validFrom}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ code: v.code, level: v.level, validFrom: v.validFrom, validUntil: v.validUntil });
      for (const link of await linksInto(db, v.code, v.validFrom, v.validUntil ?? OPEN_END)) {
        const [before] = await versionsAt(db, [link.predecessorCode], addDays(link.effectiveDate, -1));
        if (before) next.push(before);
      }
    }
    frontier = next;
  }
  return out;
}

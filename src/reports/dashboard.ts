/**
 * The Project 06 dashboard in one answer (GET /reports/dashboard): headline cards with the
 * previous period and target progress, time series of the main flows, and a ranking of the child
 * units (Vietnamese collation, competition ranks per indicator). One engine serves all three, so
 * each roll-up is read once per request (O(units × days)).
 */
import { AppError } from '../platform/errors.js';
import { findIndicator, type IndicatorDefinition, type IndicatorFormat, type Text } from './catalogue.js';
import { childFigures, compare, figureFor, filterConditions, ranksOf, ReportEngine, seriesFigures, targetProgress, targetSpan, type Comparison, type Figure, type Filters, type Notes, type ReportScope, type ReportUnit, type TargetProgress } from './compute.js';
import { bucketsOf, daysBetween, previousPeriod, type Bucket, type TimeGroup } from './periods.js';
import type { Boundaries } from './placement.js';
import { targetsFor } from './store.js';

/** A figure on the dashboard: an indicator with fixed filters (the online share of police services…). */
export interface DashboardItem {
  key: string;
  indicator: string;
  filters?: Filters;
  name: Text;
}

const item = (key: string, indicator: string, vi: string, en: string, filters?: Filters): DashboardItem => ({ key, indicator, name: { vi, en }, ...(filters && { filters }) });

/** Headline cards, in display order (shared/domain.md §8.1; issue 8 "Why"). */
export const DASHBOARD_CARDS: readonly DashboardItem[] = [
  item('eid.applications', 'eid.applications', 'Hồ sơ đề nghị cấp tài khoản định danh điện tử', 'e-ID applications received'),
  item('eid.activated', 'eid.activated', 'Tài khoản định danh điện tử đã kích hoạt', 'e-ID accounts activated'),
  item('eid.activationRatio', 'eid.activationRatio', 'Tỷ lệ kích hoạt trên hồ sơ', 'Activations per application'),
  item('services.deployed', 'services.deployed', 'Dịch vụ công thiết yếu đã triển khai', 'Essential services deployed'),
  item('dossiers.received', 'dossiers.received', 'Hồ sơ thủ tục hành chính tiếp nhận', 'Dossiers received'),
  item('dossiers.onlineShare.police', 'dossiers.onlineShare', 'Tỷ lệ trực tuyến – lĩnh vực Công an', 'Online share – police services', { sector: 'police' }),
  item('dossiers.onlineShare.other', 'dossiers.onlineShare', 'Tỷ lệ trực tuyến – các ngành khác', 'Online share – other sectors', { sector: 'other' }),
  item('dossiers.selfServiceShare', 'dossiers.selfServiceShare', 'Tỷ lệ công dân tự nộp trực tuyến', 'Self-service share'),
  item('dossiers.onTimeShare', 'dossiers.onTimeShare', 'Tỷ lệ giải quyết đúng hạn', 'Completed on time'),
  item('dossiers.overdue', 'dossiers.overdue', 'Hồ sơ quá hạn', 'Dossiers overdue'),
  item('dossiers.apologies', 'dossiers.apologies', 'Văn bản xin lỗi đã phát hành', 'Apology slips issued'),
  item('desk.help', 'desk.help', 'Lượt hỗ trợ công dân', 'Help given'),
  item('desk.dutyCoverage', 'desk.dutyCoverage', 'Tỷ lệ ca trực có người', 'Duty coverage'),
  item('desk.equipmentCoverage', 'desk.equipmentCoverage', 'Thôn, khu dân cư có điểm kết nối', 'Villages with a connected site'),
  item('desk.computers', 'desk.computers', 'Máy tính đang hoạt động', 'Working computers'),
  item('population.citizens', 'population.citizens', 'Công dân trong cơ sở dữ liệu', 'Citizens in the registry'),
];

/** Flows drawn as time series. */
export const DASHBOARD_SERIES: readonly string[] = ['eid.applications', 'eid.activated', 'dossiers.received', 'dossiers.onlineShare.police', 'dossiers.onlineShare.other'];

/** Columns of the ranking of child units. */
export const DASHBOARD_RANKING: readonly string[] = [
  'eid.applications',
  'eid.activated',
  'eid.activationRatio',
  'services.deployed',
  'dossiers.received',
  'dossiers.onlineShare.police',
  'dossiers.onlineShare.other',
  'dossiers.selfServiceShare',
  'desk.help',
  'desk.equipmentCoverage',
];

const BY_KEY = new Map(DASHBOARD_CARDS.map((c) => [c.key, c]));

/** Bucket size of a series of `days`: days up to two months, weeks up to half a year, months up to three years, then quarters. */
export function seriesGranularity(days: number): TimeGroup {
  if (days <= 62) return 'day';
  if (days <= 183) return 'week';
  if (days <= 3 * 366) return 'month';
  if (days <= 20 * 366) return 'quarter';
  return 'year';
}

export interface DashboardCard extends Figure {
  key: string;
  indicator: string;
  name: Text;
  format: IndicatorFormat;
  filters: Filters;
  previous: Comparison;
  targets: TargetProgress[];
}

export interface DashboardAnswer {
  unit: ReportUnit | null;
  boundaries: Boundaries;
  unitsAt: string;
  from: string;
  to: string;
  cumulative: boolean;
  previous: { from: string; to: string };
  cards: DashboardCard[];
  series: { granularity: TimeGroup; buckets: Bucket[]; lines: { key: string; indicator: string; name: Text; format: IndicatorFormat; values: (number | null)[] }[] };
  ranking: {
    columns: { key: string; indicator: string; name: Text; format: IndicatorFormat }[];
    rows: { unit: ReportUnit; values: Record<string, number | null>; ranks: Record<string, number | null> }[];
    /** Figures on the unit itself rather than a unit below it (records moved with their parent). */
    unassigned: Record<string, number | null> | null;
  };
  notes: Notes;
}

/** The card's filters merged with the dashboard's (`sector`, `channel`), kept only where the indicator takes them. */
function filtersFor(def: IndicatorDefinition, fixed: Filters | undefined, asked: Filters): Filters {
  const out: Filters = { ...fixed };
  if (asked.sector !== undefined && def.filters.includes('sector') && fixed?.sector === undefined) out.sector = asked.sector;
  if (asked.channel !== undefined && def.filters.includes('channel') && def.channels?.includes(asked.channel)) out.channel = asked.channel;
  return out;
}

/**
 * The dashboard of the scope's unit for `from`..`to`. `cumulative`: flows counted from the
 * beginning of the records to each period's end (e-ID applications received to date…).
 */
export async function dashboard(scope: ReportScope, q: { from: string; to: string; cumulative: boolean; filters: Filters }): Promise<DashboardAnswer> {
  const prev = previousPeriod(q.from, q.to);
  const period = { from: q.from, to: q.to };
  const defs = new Map<string, IndicatorDefinition>();
  for (const c of DASHBOARD_CARDS) {
    const def = findIndicator(c.indicator);
    if (!def) throw new AppError('REPORTS_INDICATOR_UNKNOWN', { indicator: c.indicator });
    defs.set(c.key, def);
  }
  const targets = scope.root ? await targetsFor(scope.env.read.kysely, { unitCode: scope.root.code, from: q.from, to: q.to }) : [];
  const granularity = seriesGranularity(daysBetween(q.from, q.to));
  const buckets = bucketsOf(granularity, q.from, q.to);
  const engine = new ReportEngine(scope, { slices: [period, prev, ...targets.map((t) => targetSpan(t, q.to))], cumulative: q.cumulative });
  const filtersOf = (key: string) => {
    const def = defs.get(key)!;
    const f = filtersFor(def, BY_KEY.get(key)!.filters, q.filters);
    return { def, filters: f, conditions: filterConditions(def, f), cumulative: q.cumulative && !def.stock };
  };
  for (const c of DASHBOARD_CARDS) {
    const { def, conditions } = filtersOf(c.key);
    engine.plan(def, conditions);
  }

  const cards: DashboardCard[] = [];
  const notes: Notes = { unplacedRecords: 0, approximateRecords: 0, liftedRecords: 0 };
  for (const c of DASHBOARD_CARDS) {
    const { def, filters, conditions, cumulative } = filtersOf(c.key);
    const now = await figureFor(engine, def, period, conditions, cumulative);
    const before = await figureFor(engine, def, prev, conditions, cumulative);
    const mine = targets.filter((t) => t.indicator === def.id);
    cards.push({ key: c.key, indicator: def.id, name: c.name, format: def.format, filters, ...now, previous: compare(now, before, prev), targets: await targetProgress(engine, def, { to: q.to, cumulative }, conditions, mine) });
    if (def.measure.kind !== 'state' || def.measure.additive) {
      const n = await engine.notesOf(def, period, conditions, cumulative);
      notes.unplacedRecords += n.unplacedRecords;
      notes.approximateRecords += n.approximateRecords;
      notes.liftedRecords += n.liftedRecords;
    }
  }

  const lines: DashboardAnswer['series']['lines'] = [];
  for (const key of DASHBOARD_SERIES) {
    const { def, conditions, cumulative } = filtersOf(key);
    const values = (await seriesFigures(engine, def, buckets, conditions, cumulative)).map((f) => f.value);
    lines.push({ key, indicator: def.id, name: BY_KEY.get(key)!.name, format: def.format, values });
  }

  const seen = new Map<string, string>();
  for (const key of DASHBOARD_RANKING) {
    const { def, conditions, cumulative } = filtersOf(key);
    for (const [code, day] of await engine.childrenSeen(def, period, conditions, cumulative)) if (!seen.has(code)) seen.set(code, day);
  }
  const children = await engine.childUnits(seen);
  const rows = children.map((unit) => ({ unit, values: {} as Record<string, number | null>, ranks: {} as Record<string, number | null> }));
  let unassigned: Record<string, number | null> | null = null;
  for (const key of DASHBOARD_RANKING) {
    const { def, conditions, cumulative } = filtersOf(key);
    const figures = await childFigures(engine, def, period, conditions, cumulative, children);
    const ranks = ranksOf(children.map((c) => figures.get(c.code)?.value ?? null));
    rows.forEach((r, i) => {
      r.values[key] = figures.get(r.unit.code)?.value ?? null;
      r.ranks[key] = ranks[i]!;
    });
    const own = figures.get('');
    if (own && own.numerator !== 0) (unassigned ??= {})[key] = own.value;
  }

  return {
    unit: scope.root && { code: scope.root.code, level: scope.root.level, name: scope.root.name, fullName: scope.root.fullName },
    boundaries: scope.boundaries,
    unitsAt: scope.ref,
    from: q.from,
    to: q.to,
    cumulative: q.cumulative,
    previous: prev,
    cards,
    series: { granularity, buckets, lines },
    ranking: { columns: DASHBOARD_RANKING.map((key) => ({ key, indicator: defs.get(key)!.id, name: BY_KEY.get(key)!.name, format: defs.get(key)!.format })), rows, unassigned },
    notes,
  };
}

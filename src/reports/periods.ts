/**
 * Reporting periods on Vietnam calendar dates (`YYYY-MM-DD`, Asia/Ho_Chi_Minh; DESIGN.md §3):
 * buckets of a day, an ISO-8601 week (Monday to Sunday, numbered by the year that holds its
 * Thursday), a month, a quarter (Q1 = January–March) or a year, each clipped to the range asked;
 * and the previous period a figure is compared with.
 *
 * All arithmetic goes through the Temporal polyfill; bucket keys are memoised per day because a
 * report places thousands of counter rows (one per unit and day) into a handful of buckets.
 */
import { Temporal } from 'temporal-polyfill';
import { addDays, isIsoDate } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';

export const TIME_GROUPS = ['day', 'week', 'month', 'quarter', 'year'] as const;
/** `groupBy=` of /reports/indicators: time buckets, the units directly below, or none (here so that the schemas do not load the engine). */
export const GROUP_BY = [...TIME_GROUPS, 'unit', 'none'] as const;
export type TimeGroup = (typeof TIME_GROUPS)[number];

/** One bucket of a series: its key (`2023-02-27`, `2023-W09`, `2023-02`, `2023-Q1`, `2023`), label and dates. */
export interface Bucket {
  key: string;
  /** Vietnamese label: "27/02/2023", "Tuần 09/2023", "Tháng 02/2023", "Quý I/2023", "Năm 2023". */
  label: string;
  /** First and last day of the bucket within the range asked (inclusive). */
  from: string;
  to: string;
}

const keyMemo = new Map<string, string>();

/** The key of the bucket of `group` holding `day`. */
export function bucketKey(group: TimeGroup, day: string): string {
  switch (group) {
    case 'day':
      return day;
    case 'month':
      return day.slice(0, 7);
    case 'year':
      return day.slice(0, 4);
    case 'quarter':
      return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
    case 'week': {
      let key = keyMemo.get(day);
      if (key === undefined) {
        const d = Temporal.PlainDate.from(day);
        key = `${d.yearOfWeek}-W${String(d.weekOfYear).padStart(2, '0')}`;
        if (keyMemo.size >= 20_000) keyMemo.clear();
        keyMemo.set(day, key);
      }
      return key;
    }
  }
}

const ROMAN = ['I', 'II', 'III', 'IV'];

/** The Vietnamese label of a bucket key. */
export function bucketLabel(group: TimeGroup, key: string): string {
  switch (group) {
    case 'day':
      return `${key.slice(8, 10)}/${key.slice(5, 7)}/${key.slice(0, 4)}`;
    case 'week':
      return `Tuần ${key.slice(6)}/${key.slice(0, 4)}`;
    case 'month':
      return `Tháng ${key.slice(5, 7)}/${key.slice(0, 4)}`;
    case 'quarter':
      return `Quý ${ROMAN[Number(key.slice(6)) - 1]}/${key.slice(0, 4)}`;
    case 'year':
      return `Năm ${key}`;
  }
}

/** The last day of the bucket of `group` that starts at or holds `day`. */
function bucketEnd(group: TimeGroup, day: string): string {
  const d = Temporal.PlainDate.from(day);
  switch (group) {
    case 'day':
      return day;
    case 'week':
      return d.add({ days: 7 - d.dayOfWeek }).toString();
    case 'month':
      return d.with({ day: d.daysInMonth }).toString();
    case 'quarter': {
      const last = Temporal.PlainYearMonth.from({ year: d.year, month: (Math.floor((d.month - 1) / 3) + 1) * 3 });
      return last.toPlainDate({ day: last.daysInMonth }).toString();
    }
    case 'year':
      return `${day.slice(0, 4)}-12-31`;
  }
}

/** Most buckets one series may have (a day-by-day series over about two years). */
export const MAX_BUCKETS = 800;

/**
 * The buckets of `group` covering `from`..`to` (inclusive), in order, the first and last
 * clipped to the range. Errors: REPORTS_TOO_MANY_BUCKETS (400) beyond {@link MAX_BUCKETS}.
 */
export function bucketsOf(group: TimeGroup, from: string, to: string): Bucket[] {
  const out: Bucket[] = [];
  let start = from;
  while (start <= to) {
    if (out.length >= MAX_BUCKETS) throw new AppError('REPORTS_TOO_MANY_BUCKETS', { max: MAX_BUCKETS, groupBy: group });
    const end = bucketEnd(group, start);
    const key = bucketKey(group, start);
    out.push({ key, label: bucketLabel(group, key), from: start, to: end < to ? end : to });
    start = addDays(end, 1);
  }
  return out;
}

/** Days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): number {
  return Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to), { largestUnit: 'days' }).days + 1;
}

/** True when `from`..`to` is a run of whole calendar months (the 1st to the last day of a month). */
export function isWholeMonths(from: string, to: string): boolean {
  return from.endsWith('-01') && bucketEnd('month', to) === to;
}

/**
 * The previous period of a range, of equal length: for a run of whole calendar months the same
 * number of whole months just before (February 2023 → January 2023; Q1 2023 → Q4 2022), otherwise
 * the same number of days just before (2023-02-10..2023-02-16 → 2023-02-03..2023-02-09).
 */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  if (isWholeMonths(from, to)) {
    const a = Temporal.PlainYearMonth.from(from.slice(0, 7));
    const b = Temporal.PlainYearMonth.from(to.slice(0, 7));
    const months = a.until(b, { largestUnit: 'months' }).months + 1;
    const start = a.subtract({ months }).toPlainDate({ day: 1 }).toString();
    return { from: start, to: addDays(from, -1) };
  }
  const n = daysBetween(from, to);
  return { from: addDays(from, -n), to: addDays(from, -1) };
}

/** `YYYY-MM` → its first and last day. Errors: DATE_INVALID (400) for a month that does not exist. */
export function monthRange(month: string): { from: string; to: string } {
  if (!/^\d{4}-\d{2}$/.test(month) || !isIsoDate(`${month}-01`)) throw new AppError('DATE_INVALID', { value: month });
  const from = `${month}-01`;
  return { from, to: bucketEnd('month', from) };
}

/** The month after `YYYY-MM`. */
export function nextMonth(month: string): string {
  return Temporal.PlainYearMonth.from(month).add({ months: 1 }).toString();
}

/**
 * Checks a range: both real dates and `from <= to`. Errors: DATE_INVALID (400),
 * REPORTS_PERIOD_INVALID (400) when `from` is after `to`.
 */
export function checkRange(from: string, to: string): void {
  for (const d of [from, to]) if (!isIsoDate(d)) throw new AppError('DATE_INVALID', { value: d });
  if (from > to) throw new AppError('REPORTS_PERIOD_INVALID', { from, to });
}

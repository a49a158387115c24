/**
 * Business dates in Vietnam time (DESIGN.md §3). A business date is a calendar date in
 * Asia/Ho_Chi_Minh (UTC+07:00, no DST since 1975) written `YYYY-MM-DD`; instants are UTC.
 * All arithmetic goes through the Temporal polyfill, never `Date#toISOString()` slicing.
 */
import { Temporal } from 'temporal-polyfill';

export const VIETNAM_TIME_ZONE = 'Asia/Ho_Chi_Minh';
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Today's date in Vietnam, `YYYY-MM-DD`. */
export function todayInVietnam(now: Temporal.Instant = Temporal.Now.instant()): string {
  return now.toZonedDateTimeISO(VIETNAM_TIME_ZONE).toPlainDate().toString();
}

/** The Vietnam calendar date of an instant given as ISO-8601 text or a Temporal.Instant. */
export function vietnamDateOf(instant: string | Temporal.Instant): string {
  const i = typeof instant === 'string' ? Temporal.Instant.from(instant) : instant;
  return i.toZonedDateTimeISO(VIETNAM_TIME_ZONE).toPlainDate().toString();
}

const monthLengths = new Map<string, number>();

/**
 * True when `s` is a real calendar date written `YYYY-MM-DD` (so 2023-02-29 is false). Imports ask
 * this several times a row: each month's length is asked of the Temporal polyfill once, since
 * building a PlainDate per call cost about a tenth of an import's time.
 */
export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const month = Number(s.slice(5, 7));
  const day = Number(s.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const key = s.slice(0, 7);
  let length = monthLengths.get(key);
  if (length === undefined) {
    length = Temporal.PlainYearMonth.from({ year: Number(s.slice(0, 4)), month }).daysInMonth;
    if (monthLengths.size >= 10_000) monthLengths.clear();
    monthLengths.set(key, length);
  }
  return day <= length;
}

const addDaysMemo = new Map<string, string>();

/** `date` plus `days` calendar days (negative to go back). Memoised: the polyfill is slow and hot paths ask the same few dates. */
export function addDays(date: string, days: number): string {
  const key = `${date}|${days}`;
  let out = addDaysMemo.get(key);
  if (out === undefined) {
    out = Temporal.PlainDate.from(date).add({ days }).toString();
    if (addDaysMemo.size >= 10_000) addDaysMemo.clear();
    addDaysMemo.set(key, out);
  }
  return out;
}

/** The current instant as ISO-8601 UTC text with milliseconds, for `*_at` columns. */
export function nowUtc(): string {
  return Temporal.Now.instant().toString({ smallestUnit: 'millisecond' });
}

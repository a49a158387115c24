/** Business dates (`YYYY-MM-DD`) as the server reads them: calendar days in Vietnam time. */

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Today in Vietnam (UTC+7), whatever the device's time zone. */
export function todayInVietnam(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** The date when `s` is a real `YYYY-MM-DD` calendar day, else undefined. */
export function parseIsoDate(s: string | null | undefined): string | undefined {
  if (!s || !ISO_DATE.test(s)) return undefined;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s ? s : undefined;
}

/** The day before a `YYYY-MM-DD` date. */
export function dayBefore(s: string): string {
  const d = new Date(`${s}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/**
 * A date that may be partial (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) as Vietnamese forms write it:
 * `12/05/1990`, `05/1990`, `1950`. Never adds a day or month that is not known.
 */
export function formatPartialDate(s: string): string {
  return /^\d{4}(-\d{2}){0,2}$/.test(s) ? s.split('-').reverse().join('/') : s;
}

/** How precise a partial date is. */
export function datePrecision(s: string): 'year' | 'month' | 'day' {
  return s.length === 4 ? 'year' : s.length === 7 ? 'month' : 'day';
}

/** An instant (ISO 8601, UTC) in Vietnam time: `29/11/2026, 20:37:36`. */
export function formatInstant(iso: string, lang: 'vi' | 'en'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(d);
}

/** The clock time of an instant (ms since the epoch) in Vietnam: `20:37`. */
export function formatTime(ms: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(ms));
}

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

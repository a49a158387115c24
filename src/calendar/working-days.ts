/**
 * Vietnamese working days (ngày làm việc) of state agencies, and deadlines counted in them.
 * A date is a working day when it is Monday–Friday and not a day off, or a Saturday listed as a
 * make-up working day. For a year with a published schedule, the schedule is the whole truth;
 * for other years the statutory holidays are computed by rule (rules.ts).
 *
 * Deadlines (Decree 118/2025/NĐ-CP; shared/domain.md §3.5): the day of receipt is day 0; a dossier
 * received after the procedure's cut-off (15:00 by default), or on a day that is not a working
 * day, counts from the next working day; the due date is the N-th working day after day 0.
 * Everything in Vietnam time.
 */
import { Temporal } from 'temporal-polyfill';
import { addDays, VIETNAM_TIME_ZONE } from '../platform/dates.js';
import type { CalendarEntry, DayReason } from './model.js';
import { assertCalendarYear, statutoryHolidays } from './rules.js';

const WEEKEND: Record<number, [string, string]> = { 6: ['Thứ Bảy', 'Saturday'], 7: ['Chủ nhật', 'Sunday'] };

export interface Deadline {
  /** Vietnam date and time of receipt. */
  receivedDate: string;
  receivedTime: string;
  /** Whether receipt after the cut-off (or on a day off) moved day 0 to the next working day. */
  movedToNextWorkingDay: boolean;
  /** Day 0 of the count. */
  startDate: string;
  workingDays: number;
  dueDate: string;
  /**
   * Days not counted between receipt and the due date, with their reasons, in date order: the
   * days off that moved day 0 (the day of receipt itself when it is one) and those after day 0.
   */
  skipped: DayReason[];
}

export class WorkingCalendar {
  private readonly entries = new Map<string, CalendarEntry>();
  private readonly publishedYears = new Set<number>();
  private readonly computedYears = new Set<number>();

  /** `entries`: the published schedule (a year counts as published when it has any entry). */
  constructor(entries: readonly CalendarEntry[]) {
    for (const e of entries) {
      this.entries.set(e.date, e);
      this.publishedYears.add(Number(e.date.slice(0, 4)));
    }
  }

  private ensureYear(year: number): void {
    if (this.publishedYears.has(year) || this.computedYears.has(year)) return;
    this.computedYears.add(year);
    for (const e of statutoryHolidays(year)) if (!this.entries.has(e.date)) this.entries.set(e.date, e);
  }

  /**
   * Why `date` is not a working day, or null when it is one. Every question to the calendar comes
   * here, so every one is bounded by the years it covers (CALENDAR_YEAR_UNSUPPORTED outside
   * 1900–2199, see rules.ts), a deadline running past 2199 included.
   */
  reason(date: string): DayReason | null {
    const d = Temporal.PlainDate.from(date);
    assertCalendarYear(d.year, date);
    this.ensureYear(d.year);
    const e = this.entries.get(date);
    if (e?.kind === 'working_day') return null;
    if (e?.kind === 'day_off') return { date, basis: e.basis, nameVi: e.nameVi, nameEn: e.nameEn, ...(e.unconfirmed ? { unconfirmed: true } : {}) };
    const weekend = WEEKEND[d.dayOfWeek];
    return weekend ? { date, basis: 'weekend', nameVi: weekend[0], nameEn: weekend[1] } : null;
  }

  isWorkingDay(date: string): boolean {
    return this.reason(date) === null;
  }

  /** Every non-working day from `from` to `to` inclusive, with its reason. */
  nonWorkingDays(from: string, to: string): DayReason[] {
    const out: DayReason[] = [];
    for (let d = Temporal.PlainDate.from(from); Temporal.PlainDate.compare(d, Temporal.PlainDate.from(to)) <= 0; d = d.add({ days: 1 })) {
      const r = this.reason(d.toString());
      if (r) out.push(r);
    }
    return out;
  }

  /** The first working day strictly after `date`. */
  nextWorkingDay(date: string): string {
    let d = Temporal.PlainDate.from(date).add({ days: 1 });
    while (!this.isWorkingDay(d.toString())) d = d.add({ days: 1 });
    return d.toString();
  }

  /**
   * The due date of a dossier received at `receivedAt` (an ISO-8601 instant) with a time limit of
   * `workingDays` working days and a cut-off time of day (`HH:MM`, Vietnam time).
   */
  deadline(receivedAt: string, workingDays: number, cutoff = '15:00'): Deadline {
    const zdt = Temporal.Instant.from(receivedAt).toZonedDateTimeISO(VIETNAM_TIME_ZONE);
    const receivedDate = zdt.toPlainDate().toString();
    const receivedTime = zdt.toPlainTime().toString({ smallestUnit: 'minute' });
    const late = Temporal.PlainTime.compare(zdt.toPlainTime(), Temporal.PlainTime.from(cutoff)) >= 0;
    const moved = late || !this.isWorkingDay(receivedDate);
    const startDate = moved ? this.nextWorkingDay(receivedDate) : receivedDate;
    // A slip that moves day 0 past a weekend or Tết says why (the cut-off alone is `movedToNextWorkingDay`).
    const skipped: DayReason[] = moved ? this.nonWorkingDays(receivedDate, addDays(startDate, -1)) : [];
    let d = startDate;
    for (let counted = 0; counted < workingDays; ) {
      d = Temporal.PlainDate.from(d).add({ days: 1 }).toString();
      const r = this.reason(d);
      if (r) skipped.push(r);
      else counted++;
    }
    return { receivedDate, receivedTime, movedToNextWorkingDay: moved, startDate, workingDays, dueDate: d, skipped };
  }
}

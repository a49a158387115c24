/**
 * The deadline clock of a dossier (thời hạn giải quyết), counted in working days by the calendar
 * module (src/calendar; Decree 118/2025/NĐ-CP, shared/domain.md §3.5):
 * - it starts at receipt (form 01): the day of receipt is day 0, a dossier received after the
 *   service's cut-off (15:00 by default) or on a day off counts from the next working day, and the
 *   due date is the N-th working day after day 0 ({@link WorkingCalendar.deadline});
 * - it stops when the dossier is returned for completion (form 02) with the working days still
 *   left, and starts again at resubmission with those days, counted like a new receipt (so the
 *   new appointment date moves by the time the citizen took);
 * - an apology (form 04) sets a new due date, which must be a working day after the old one;
 * - a dossier is overdue from the first day after its due date while the clock runs.
 */
import { Temporal } from 'temporal-polyfill';
import type { WorkingCalendar } from '../calendar/index.js';

/** Day 0 and the due date of a time limit starting at `at` (ISO instant). */
export function startClock(cal: WorkingCalendar, at: string, workingDays: number, cutoff: string): { startDate: string; dueDate: string } {
  const d = cal.deadline(at, workingDays, cutoff);
  return { startDate: d.startDate, dueDate: d.dueDate };
}

/** Working days after `date` up to and including `dueDate` (0 when the due date is not after it). */
export function workingDaysLeft(cal: WorkingCalendar, date: string, dueDate: string): number {
  let n = 0;
  for (let d = Temporal.PlainDate.from(date).add({ days: 1 }); Temporal.PlainDate.compare(d, Temporal.PlainDate.from(dueDate)) <= 0; d = d.add({ days: 1 })) {
    if (cal.isWorkingDay(d.toString())) n++;
  }
  return n;
}

/** The new due date when the clock starts again at `at` with `remaining` working days. */
export function resumeClock(cal: WorkingCalendar, at: string, remaining: number, cutoff: string): string {
  return cal.deadline(at, remaining, cutoff).dueDate;
}

/** True when a new due date of an apology is acceptable: a working day after the current one. */
export function validNewDueDate(cal: WorkingCalendar, current: string, proposed: string): boolean {
  return proposed > current && cal.isWorkingDay(proposed);
}

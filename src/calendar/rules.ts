/**
 * The statutory holidays of Labour Code 2019 Art. 112 for a year, by rule, for years whose
 * official schedule is not published yet: 1 January; Tết (5 days: by default the last day of the
 * lunar year and the first four days of the new one, the pattern of recent schedules); the Hùng
 * Kings' day (10th day of the 3rd lunar month); 30 April; 1 May; 2 September and the day before
 * it (the choice of 2025 and 2026). A holiday on a Saturday or Sunday gives the next working day
 * off (Art. 111(3)). Lunar dates come from the Vietnamese lunar calendar (UTC+7), which differs
 * from the Chinese one in some years (Tết 1985: 21 January in Vietnam): @dqcai/vn-lunar.
 */
import { LunarCalendar } from '@dqcai/vn-lunar';
import { Temporal } from 'temporal-polyfill';
import { AppError } from '../platform/errors.js';
import type { CalendarEntry } from './model.js';

/**
 * The years the working-day calendar covers. The lunar tables of @dqcai/vn-lunar run from 1200 to
 * 2199 (its README; a lunar date outside them converts to day 0 of month 0 of year 0); before
 * 15 October 1582 it also gives Julian-calendar dates, which Temporal (proleptic Gregorian) would
 * misread. No dossier is dated before 1900, so the calendar answers 1900–2199.
 */
export const CALENDAR_FIRST_YEAR = 1900;
export const CALENDAR_LAST_YEAR = 2199;

/**
 * Throws CALENDAR_YEAR_UNSUPPORTED (400) unless `year` lies in 1900–2199; `date` is the date (or
 * year) the caller asked about, named in the message.
 */
export function assertCalendarYear(year: number, date: string): void {
  if (!(year >= CALENDAR_FIRST_YEAR && year <= CALENDAR_LAST_YEAR)) throw new AppError('CALENDAR_YEAR_UNSUPPORTED', { date, min: CALENDAR_FIRST_YEAR, max: CALENDAR_LAST_YEAR });
}

const RULE = 'Bộ luật Lao động 2019 Điều 111–112 (tính theo quy tắc; chưa có lịch nghỉ chính thức)';

function solarOfLunar(day: number, month: number, year: number): string {
  const s = LunarCalendar.fromLunar(day, month, year).solarDate;
  return Temporal.PlainDate.from({ year: s.year, month: s.month, day: s.day }).toString();
}

function isWeekend(date: string): boolean {
  return Temporal.PlainDate.from(date).dayOfWeek >= 6;
}

/**
 * The statutory days off of `year` by rule, with substitute days for those on weekends.
 * Errors: CALENDAR_YEAR_UNSUPPORTED for a year outside 1900–2199.
 */
export function statutoryHolidays(year: number): CalendarEntry[] {
  assertCalendarYear(year, String(year));
  const tet = Temporal.PlainDate.from(solarOfLunar(1, 1, year));
  const holidays: [string, string, string][] = [
    [`${year}-01-01`, 'Tết Dương lịch', "New Year's Day"],
    [tet.subtract({ days: 1 }).toString(), 'Tết Nguyên đán (ngày cuối năm âm lịch)', 'Lunar New Year holiday (last day of the lunar year)'],
    ...[0, 1, 2, 3].map((i): [string, string, string] => [tet.add({ days: i }).toString(), `Tết Nguyên đán (mùng ${i + 1} Tết)`, `Lunar New Year holiday (day ${i + 1} of the 1st lunar month)`]),
    [solarOfLunar(10, 3, year), 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', "Hung Kings' Commemoration Day (10th day of the 3rd lunar month)"],
    [`${year}-04-30`, 'Ngày Chiến thắng', 'Reunification Day'],
    [`${year}-05-01`, 'Ngày Quốc tế Lao động', 'International Labour Day'],
    [`${year}-09-01`, 'Quốc khánh (ngày liền kề, trước 2/9)', 'National Day (adjacent day, before 2 Sep)'],
    [`${year}-09-02`, 'Quốc khánh', 'National Day'],
  ];
  const taken = new Set(holidays.map(([d]) => d));
  const out: CalendarEntry[] = [];
  for (const [date, nameVi, nameEn] of holidays) {
    if (!isWeekend(date)) {
      out.push({ date, kind: 'day_off', basis: 'computed', nameVi, nameEn, source: RULE });
      continue;
    }
    // Art. 111(3): the next working day that is not itself a holiday.
    let sub = Temporal.PlainDate.from(date).add({ days: 1 });
    while (sub.dayOfWeek >= 6 || taken.has(sub.toString())) sub = sub.add({ days: 1 });
    taken.add(sub.toString());
    out.push({ date: sub.toString(), kind: 'day_off', basis: 'computed', nameVi: `Nghỉ bù ${nameVi} (rơi vào cuối tuần ${date})`, nameEn: `Substitute day off for ${nameEn} (fell on the weekend, ${date})`, source: RULE });
  }
  return out.sort((a, b) => a.date.localeCompare(b.date));
}

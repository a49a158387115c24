import { describe, expect, it } from 'vitest';
import { forEachEngine } from '../platform/testing/engines.js';
import { startTestPlatform } from '../platform/testing/app.js';
import { createStaff, signInStaff } from '../identity/index.js';
import { OFFICIAL_DAYS_2024_2026 } from './official-days.js';
import { statutoryHolidays } from './rules.js';
import { WorkingCalendar } from './working-days.js';

const cal = new WorkingCalendar(OFFICIAL_DAYS_2024_2026);
const dates = (xs: { date: string }[]) => xs.map((x) => x.date);

describe('working days', () => {
  it('counts a 3-working-day limit across Tết 2024 and its substitute days', () => {
    const d = cal.deadline('2024-02-07T09:00:00+07:00', 3);
    expect(d).toMatchObject({ receivedDate: '2024-02-07', receivedTime: '09:00', movedToNextWorkingDay: false, startDate: '2024-02-07', dueDate: '2024-02-19' });
    expect(dates(d.skipped)).toEqual(['2024-02-08', '2024-02-09', '2024-02-10', '2024-02-11', '2024-02-12', '2024-02-13', '2024-02-14', '2024-02-17', '2024-02-18']);
    expect(d.skipped.find((s) => s.date === '2024-02-13')).toMatchObject({ basis: 'substitute', nameVi: 'Nghỉ bù Tết Nguyên đán (mùng 4 Tết, bù cho mùng 1 rơi vào thứ Bảy)' });
  });

  it('counts from the next working day after the 15:00 cut-off, in Vietnam time', () => {
    const late = cal.deadline('2024-02-07T15:30:00+07:00', 3);
    expect(late).toMatchObject({ movedToNextWorkingDay: true, startDate: '2024-02-15', dueDate: '2024-02-20' });
    // The Tết days that moved day 0 are listed with the weekend after it.
    expect(dates(late.skipped)).toEqual(['2024-02-08', '2024-02-09', '2024-02-10', '2024-02-11', '2024-02-12', '2024-02-13', '2024-02-14', '2024-02-17', '2024-02-18']);
    // 20:00 UTC on the 6th is 03:00 on the 7th in Vietnam.
    expect(cal.deadline('2024-02-06T20:00:00Z', 0)).toMatchObject({ receivedDate: '2024-02-07', startDate: '2024-02-07', dueDate: '2024-02-07' });
    expect(cal.deadline('2024-02-07T14:59:00+07:00', 0, '15:00').dueDate).toBe('2024-02-07');
    expect(cal.deadline('2024-02-07T11:00:00+07:00', 0, '11:00').dueDate).toBe('2024-02-15');
  });

  it('treats a make-up Saturday as a working day and a swapped Monday as a day off', () => {
    expect(cal.isWorkingDay('2024-05-04')).toBe(true);
    expect(cal.reason('2024-04-29')).toMatchObject({ basis: 'official_schedule' });
    expect(cal.deadline('2024-05-03T09:00:00+07:00', 1).dueDate).toBe('2024-05-04');
  });

  it('gives the Monday after Hùng Kings day on a Sunday (26 Apr 2026) off', () => {
    const d = cal.deadline('2026-04-24T10:00:00+07:00', 1);
    expect(d.dueDate).toBe('2026-04-28');
    expect(d.skipped.map((s) => `${s.date} ${s.basis}`)).toEqual(['2026-04-25 weekend', '2026-04-26 weekend', '2026-04-27 substitute']);
  });

  it('starts a dossier received on a Sunday on Monday', () => {
    const d = cal.deadline('2025-04-06T10:00:00+07:00', 2);
    expect(d).toMatchObject({ receivedDate: '2025-04-06', movedToNextWorkingDay: true, startDate: '2025-04-08', dueDate: '2025-04-10' });
    // The Sunday of receipt and Hùng Kings Commemoration Day (10th of the 3rd lunar month: Monday 7 April 2025).
    expect(d.skipped.map((s) => `${s.date} ${s.basis}`)).toEqual(['2025-04-06 weekend', '2025-04-07 statutory']);
  });

  it('computes a year with no published schedule by rule: Tết 2027 on a Saturday gives substitute days', () => {
    expect(cal.nonWorkingDays('2027-02-05', '2027-02-12').map((r) => `${r.date} ${r.basis}`)).toEqual([
      '2027-02-05 computed',
      '2027-02-06 weekend',
      '2027-02-07 weekend',
      '2027-02-08 computed',
      '2027-02-09 computed',
      '2027-02-10 computed',
      '2027-02-11 computed',
    ]);
  });

  it('uses the Vietnamese lunar calendar (Tết 1985 was 21 January in Vietnam, 20 February in China)', () => {
    const days = dates(statutoryHolidays(1985));
    expect(days).toContain('1985-01-21');
    expect(days).not.toContain('1985-02-20');
    expect(dates(statutoryHolidays(2023))).toEqual(expect.arrayContaining(['2023-01-02', '2023-01-23', '2023-01-24', '2023-01-25', '2023-01-26', '2023-05-02', '2023-05-03']));
  });

  it('covers the years of its lunar tables, 1900–2199 (Tết 2199 on Saturday 26 January, its eve on the 25th), and refuses others', () => {
    expect(dates(statutoryHolidays(2199))).toContain('2199-01-25');
    expect(dates(statutoryHolidays(1900))).toContain('1900-01-31');
    expect(() => statutoryHolidays(2200)).toThrow(expect.objectContaining({ code: 'CALENDAR_YEAR_UNSUPPORTED', status: 400 }));
    expect(() => cal.reason('1899-12-31')).toThrow(expect.objectContaining({ code: 'CALENDAR_YEAR_UNSUPPORTED' }));
    expect(() => cal.deadline('2199-12-29T09:00:00+07:00', 5)).toThrow(expect.objectContaining({ code: 'CALENDAR_YEAR_UNSUPPORTED', params: { date: '2200-01-01', min: 1900, max: 2199 } }));
  });

  it('keeps 11 statutory weekdays off a year net of make-up Saturdays (2024, 2025), 12 in 2026 with 24 November', () => {
    for (const [year, n] of [[2024, 11], [2025, 11], [2026, 12]] as const) {
      const off = OFFICIAL_DAYS_2024_2026.filter((e) => e.date.startsWith(String(year)) && e.kind === 'day_off').length;
      const worked = OFFICIAL_DAYS_2024_2026.filter((e) => e.date.startsWith(String(year)) && e.kind === 'working_day').length;
      expect(off - worked, String(year)).toBe(n);
    }
  });
});

forEachEngine('calendar API', startTestPlatform, (env) => {
  it('lists the days off of February 2024 with reasons', async () => {
    const r = await env().app.inject('/api/v1/calendar/days?from=2024-02-01&to=2024-02-29');
    expect(r.statusCode).toBe(200);
    const items = r.json().items as { date: string; basis: string }[];
    expect(items.filter((i) => i.basis !== 'weekend').map((i) => i.date)).toEqual(['2024-02-08', '2024-02-09', '2024-02-12', '2024-02-13', '2024-02-14']);
    expect(r.json().total).toBe(items.length);
  });

  it('answers a deadline across Tết 2026', async () => {
    const r = await env().app.inject(`/api/v1/calendar/deadline?receivedAt=${encodeURIComponent('2026-02-13T10:00:00+07:00')}&workingDays=5`);
    expect(r.json()).toMatchObject({ startDate: '2026-02-13', dueDate: '2026-02-27' });
  });

  it('rejects bad parameters with catalogue codes', async () => {
    const bad = await env().app.inject('/api/v1/calendar/deadline?receivedAt=yesterday&workingDays=-1&cutoff=25:00');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string; code: string }) => `${e.field} ${e.code}`).sort()).toEqual(['query.cutoff FIELD_FORMAT', 'query.receivedAt FIELD_FORMAT', 'query.workingDays FIELD_OUT_OF_RANGE']);
    const range = await env().app.inject('/api/v1/calendar/days?from=2024-01-01&to=2030-01-01');
    expect(range.json().code).toBe('CALENDAR_RANGE_TOO_LONG');
    const reversed = await env().app.inject({ url: '/api/v1/calendar/days?from=2026-03-02&to=2026-03-01', headers: { 'accept-language': 'en' } });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json()).toMatchObject({ code: 'CALENDAR_RANGE_REVERSED', detail: 'The start date 2026-03-02 is after the end date 2026-03-01.' });
  });

  it('answers days and deadlines outside the years 1900–2199 with CALENDAR_YEAR_UNSUPPORTED, not a 500', async () => {
    const { app } = env();
    const days = await app.inject('/api/v1/calendar/days?from=2200-01-01&to=2200-01-01');
    expect(days.statusCode).toBe(400);
    expect(days.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(days.json()).toMatchObject({ code: 'CALENDAR_YEAR_UNSUPPORTED', detail: 'Ngày 2200-01-01 nằm ngoài phạm vi lịch ngày làm việc (các năm 1900–2199).' });
    const before = await app.inject({ url: '/api/v1/calendar/days?from=1899-12-31&to=1900-01-02', headers: { 'accept-language': 'en' } });
    expect(before.json()).toMatchObject({ status: 400, code: 'CALENDAR_YEAR_UNSUPPORTED', detail: 'Date 1899-12-31 is outside the working-day calendar (years 1900–2199).' });
    const deadline = await app.inject(`/api/v1/calendar/deadline?receivedAt=${encodeURIComponent('2200-06-01T10:00:00+07:00')}&workingDays=30`);
    expect(deadline.statusCode).toBe(400);
    expect(deadline.json().code).toBe('CALENDAR_YEAR_UNSUPPORTED');
    // A due date that would fall in 2200 is refused too; the last days of 2199 are still answered.
    const across = await app.inject(`/api/v1/calendar/deadline?receivedAt=${encodeURIComponent('2199-12-20T10:00:00+07:00')}&workingDays=30`);
    expect(across.json()).toMatchObject({ code: 'CALENDAR_YEAR_UNSUPPORTED', detail: 'Ngày 2200-01-01 nằm ngoài phạm vi lịch ngày làm việc (các năm 1900–2199).' });
    const last = await app.inject('/api/v1/calendar/days?from=2199-12-30&to=2199-12-31');
    expect(last.statusCode).toBe(200);
    expect(last.json().total).toBe(0);
  });

  it('lets an administrator add next year’s schedule, refusing a make-up working day on a weekday', async () => {
    const { ctx, app } = env();
    await createStaff(ctx.db, { username: 'admin', password: 'Mot-cua-2023!', role: 'ADMIN', unitCode: null }, { kind: 'cli', id: 'test' }, async () => true);
    const { token } = await signInStaff(ctx.db, 'admin', 'Mot-cua-2023!', null);
    const headers = { authorization: `Bearer ${token}` };
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/calendar/days', headers, payload: [{ date: '2027-02-03', kind: 'working_day', basis: 'official_schedule', name_vi: 'Làm bù', name_en: 'Make-up day', source: 'test' }] });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0]).toMatchObject({ field: '[0].kind', code: 'CALENDAR_KIND_MISMATCH' });
    const ok = await app.inject({ method: 'POST', url: '/api/v1/calendar/days', headers, payload: [{ date: '2027-02-12', kind: 'day_off', basis: 'official_schedule', name_vi: 'Nghỉ hoán đổi Tết', name_en: 'Swapped Tết day', source: 'Thông báo giả định' }] });
    expect(ok.json()).toEqual({ read: 1, changed: 1 });
    const days = await app.inject('/api/v1/calendar/days?from=2027-02-01&to=2027-02-28');
    // 2027 now has a published schedule: only what it lists (and weekends) are days off.
    expect((days.json().items as { date: string; basis: string }[]).filter((i) => i.basis !== 'weekend').map((i) => i.date)).toEqual(['2027-02-12']);
    expect((await app.inject({ method: 'POST', url: '/api/v1/calendar/days', payload: [] })).statusCode).toBe(401);
  });
});

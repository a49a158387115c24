/**
 * HTTP routes of the calendar, under `/api/v1`:
 * - `GET /calendar/days?from=&to=` — non-working days with their reasons (at most 3 years;
 *   CALENDAR_RANGE_REVERSED when `from` is after `to`, CALENDAR_RANGE_TOO_LONG beyond 1100 days);
 * - `GET /calendar/deadline?receivedAt=&workingDays=[&cutoff=HH:MM]` — the due date of a time limit
 *   in working days, with the days skipped (day of receipt = day 0; after the cut-off, 15:00 by
 *   default, counting starts from the next working day);
 * Both answer CALENDAR_YEAR_UNSUPPORTED (400) for a day outside the years 1900–2199 the calendar
 * covers (the range of its lunar tables, see rules.ts), a due date past 2199 included.
 * - `POST /calendar/days` (units.manage) — add or correct schedule entries (a yearly decision).
 */
import { Temporal } from 'temporal-polyfill';
import { actorOf } from '../platform/auth.js';
import { AppError } from '../platform/errors.js';
import type { Api, AppContext } from '../platform/module.js';
import { CalendarEntryInputSchema, DaysQuerySchema, DaysSchema, DeadlineQuerySchema, DeadlineSchema } from './schemas.js';
import { checkEntries, saveEntries, workingCalendar } from './service.js';

const MAX_RANGE_DAYS = 1100;

export async function calendarRoutes(api: Api, ctx: AppContext): Promise<void> {
  api.get(
    '/calendar/days',
    { schema: { tags: ['calendar'], summary: 'Non-working days of state agencies in a date range', description: 'Weekends, statutory holidays (Labour Code 2019 Art. 112, Tết and Hùng Kings on the Vietnamese lunar calendar), substitute days (Art. 111(3)) and the yearly official schedule.', querystring: DaysQuerySchema, response: { 200: DaysSchema } } },
    async (request) => {
      const { from, to } = request.query;
      const days = Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to)).days;
      if (days < 0) throw new AppError('CALENDAR_RANGE_REVERSED', { from, to });
      if (days > MAX_RANGE_DAYS) throw new AppError('CALENDAR_RANGE_TOO_LONG', { max: MAX_RANGE_DAYS });
      const items = (await workingCalendar(ctx.db)).nonWorkingDays(from, to);
      return { items, total: items.length };
    },
  );

  api.get(
    '/calendar/deadline',
    { schema: { tags: ['calendar'], summary: 'Due date of a time limit in working days', description: 'Decree 118/2025/NĐ-CP: the day of receipt is day 0; a dossier received after the cut-off or on a day off counts from the next working day. Vietnam time.', querystring: DeadlineQuerySchema, response: { 200: DeadlineSchema } } },
    async (request) => {
      const { receivedAt, workingDays, cutoff } = request.query;
      return (await workingCalendar(ctx.db)).deadline(receivedAt, workingDays, cutoff);
    },
  );

  api.post(
    '/calendar/days',
    { config: { permission: 'units.manage' }, schema: { tags: ['calendar'], summary: 'Add or correct official schedule entries', body: CalendarEntryInputSchema } },
    async (request) => {
      const entries = checkEntries(request.body);
      return { read: entries.length, changed: await saveEntries(ctx.db, entries, actorOf(request), 'API') };
    },
  );
}

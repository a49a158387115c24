/** Request and response shapes of the calendar API. Dates are `YYYY-MM-DD` in Vietnam time. */
import { Type, type Static } from 'typebox';

const Day = Type.String({ format: 'date', 'x-form': 'YYYY-MM-DD' });

export const DayReasonSchema = Type.Object({
  date: Type.String(),
  basis: Type.Unsafe<'weekend' | 'statutory' | 'substitute' | 'official_schedule' | 'computed'>({ type: 'string', enum: ['weekend', 'statutory', 'substitute', 'official_schedule', 'computed'] }),
  nameVi: Type.String(),
  nameEn: Type.String(),
  unconfirmed: Type.Optional(Type.Boolean()),
});

export const DaysQuerySchema = Type.Object({ from: Day, to: Day }, { additionalProperties: false });
export const DaysSchema = Type.Object({ items: Type.Array(DayReasonSchema), total: Type.Integer() });

export const DeadlineQuerySchema = Type.Object(
  {
    receivedAt: Type.String({ format: 'date-time', 'x-form': 'ISO-8601 instant with offset, e.g. 2026-02-13T09:30:00+07:00' }),
    workingDays: Type.Integer({ minimum: 0, maximum: 365 }),
    cutoff: Type.Optional(Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', 'x-form': 'HH:MM', description: 'Cut-off time of day in Vietnam time (default 15:00).' })),
  },
  { additionalProperties: false },
);

export const DeadlineSchema = Type.Object({
  receivedDate: Type.String(),
  receivedTime: Type.String(),
  movedToNextWorkingDay: Type.Boolean(),
  startDate: Type.String({ description: 'Day 0 of the count.' }),
  workingDays: Type.Integer(),
  dueDate: Type.String(),
  skipped: Type.Array(DayReasonSchema),
});

export const CalendarEntryInputSchema = Type.Array(
  Type.Object(
    {
      date: Day,
      kind: Type.Unsafe<'day_off' | 'working_day'>({ type: 'string', enum: ['day_off', 'working_day'] }),
      basis: Type.Unsafe<'statutory' | 'substitute' | 'official_schedule'>({ type: 'string', enum: ['statutory', 'substitute', 'official_schedule'] }),
      name_vi: Type.String({ minLength: 1, maxLength: 200 }),
      name_en: Type.String({ minLength: 1, maxLength: 200 }),
      source: Type.String({ minLength: 1, maxLength: 500 }),
      unconfirmed: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  { maxItems: 1000 },
);

export type DeadlineDto = Static<typeof DeadlineSchema>;
export type DayReasonDto = Static<typeof DayReasonSchema>;

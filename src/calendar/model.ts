/**
 * Calendar entries: the dates on which the civil-service week differs from Monday–Friday.
 * `day_off`: a weekday on which state agencies are closed; `working_day`: a Saturday worked to
 * pay a swapped day back ("làm bù"). `basis`: `statutory` (Labour Code 2019 Art. 112),
 * `substitute` (nghỉ bù, Art. 111(3)), `official_schedule` (the yearly swap decided by the
 * Government), `computed` (derived by rule for a year with no published schedule).
 */
export interface CalendarEntry {
  /** `YYYY-MM-DD`, Vietnam time. */
  date: string;
  kind: 'day_off' | 'working_day';
  basis: 'statutory' | 'substitute' | 'official_schedule' | 'computed';
  nameVi: string;
  nameEn: string;
  source: string;
  unconfirmed?: boolean;
}

/** Why a date is not a working day. */
export interface DayReason {
  date: string;
  /** `weekend`, or the entry's basis. */
  basis: 'weekend' | CalendarEntry['basis'];
  nameVi: string;
  nameEn: string;
  unconfirmed?: boolean;
}

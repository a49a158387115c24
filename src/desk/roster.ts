/**
 * Duty rosters of the one-stop desks (lịch trực). A desk has two half-day shifts a working day,
 * morning and afternoon, at its own hours in Vietnam time. Weeks are generated from the
 * working-day calendar (src/calendar): statutory holidays, substitute days and official days off
 * get no shift; a make-up Saturday (ngày làm bù) gets both. Members of support teams are assigned
 * to shifts; conflicts are reported, not refused: a person on two overlapping shifts (two places
 * at one time — the same staff account, or the same volunteer phone, across teams) and a shift with
 * nobody. "Who is on duty now" is the shift covering an instant at each desk. Each member's shifts
 * are also served as an iCalendar feed (RFC 5545, through the `ics` package), and a week as a
 * printable PDF (src/platform/documents).
 */
import { createEvents, type EventAttributes } from 'ics';
import { Temporal } from 'temporal-polyfill';
import { recordAudit } from '../platform/audit/audit.js';
import { addDays, nowUtc, todayInVietnam, VIETNAM_TIME_ZONE } from '../platform/dates.js';
import type { Database } from '../platform/db/database.js';
import { AppError } from '../platform/errors.js';
import { renderDocument } from '../platform/documents/index.js';
import { workingCalendar } from '../calendar/index.js';
import { SHIFT_PERIODS, type MemberKind, type Organisation, type ShiftPeriod } from './model.js';
import type { Conflict, DayInfo, Roster, Shift } from './schemas.js';
import { pathOf, type DeskCaller } from './scope.js';
import { loadDesk, type DeskRow } from './sites.js';
import { countOf, inAreaCondition, withinCondition, type Db, type DeskTables } from './store.js';
import { activeOn, loadMember } from './teams.js';

const k = (db: Database) => db.as<DeskTables>();

/** The UTC instant of a Vietnam wall-clock time on a Vietnam date (`2026-02-13`, `07:30` → `2026-02-13T00:30:00Z`). */
export function vietnamInstant(day: string, time: string): string {
  return Temporal.PlainDateTime.from(`${day}T${time}`).toZonedDateTime(VIETNAM_TIME_ZONE).toInstant().toString();
}

/** The start and end instants of a desk's shift on a day. */
export function shiftTimes(desk: Pick<DeskRow, 'morning_start' | 'morning_end' | 'afternoon_start' | 'afternoon_end'>, day: string, period: ShiftPeriod): { startsAt: string; endsAt: string } {
  return period === 'morning'
    ? { startsAt: vietnamInstant(day, desk.morning_start), endsAt: vietnamInstant(day, desk.morning_end) }
    : { startsAt: vietnamInstant(day, desk.afternoon_start), endsAt: vietnamInstant(day, desk.afternoon_end) };
}

/** The seven days of a week from its Monday, each with whether it is a working day and why not. Error: DESK_WEEK_START. */
export async function weekDays(db: Database, weekStart: string): Promise<DayInfo[]> {
  if (Temporal.PlainDate.from(weekStart).dayOfWeek !== 1) throw new AppError('DESK_WEEK_START', { date: weekStart });
  const cal = await workingCalendar(db);
  return Array.from({ length: 7 }, (_, i) => {
    const date = addDays(weekStart, i);
    const reason = cal.reason(date);
    return { date, working: reason === null, reasonVi: reason?.nameVi ?? null, reasonEn: reason?.nameEn ?? null };
  });
}

interface ShiftFilter {
  from: string;
  to: string;
  deskId?: number;
  unit?: string;
  shiftIds?: number[];
}

/** Shifts (with their members) of the desks within the caller's unit between two dates, by day, desk and period. */
export async function loadShifts(db: Db, area: DeskCaller['area'], f: ShiftFilter): Promise<Shift[]> {
  let q = db
    .selectFrom('desk_shifts as h')
    .innerJoin('desk_desks as d', 'd.id', 'h.desk_id')
    .innerJoin('desk_sites as s', 's.id', 'd.site_id')
    .where(inAreaCondition(area, 's'))
    .where('h.day', '>=', f.from)
    .where('h.day', '<=', f.to);
  if (f.deskId) q = q.where('h.desk_id', '=', f.deskId);
  if (f.unit) q = q.where(withinCondition(f.unit, 's'));
  if (f.shiftIds) q = f.shiftIds.length === 0 ? q.where('h.id', '=', -1) : q.where('h.id', 'in', f.shiftIds);
  const rows = await q
    .select(['h.id', 'h.desk_id', 'd.name as desk_name', 'd.site_id', 's.name as site_name', 'h.day', 'h.period', 'h.starts_at', 'h.ends_at'])
    .orderBy('h.day')
    .orderBy('s.name')
    .orderBy('d.name')
    .orderBy('h.desk_id')
    .orderBy('h.starts_at')
    .execute();
  const members = await membersOfShifts(db, rows.map((r) => Number(r.id)));
  return rows.map((r) => ({
    id: Number(r.id),
    deskId: Number(r.desk_id),
    deskName: r.desk_name,
    siteId: Number(r.site_id),
    siteName: r.site_name,
    day: r.day,
    period: r.period as ShiftPeriod,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    members: members.get(Number(r.id)) ?? [],
  }));
}

async function membersOfShifts(db: Db, shiftIds: number[]): Promise<Map<number, Shift['members']>> {
  const out = new Map<number, Shift['members']>();
  for (let i = 0; i < shiftIds.length; i += 500) {
    const rows = await db
      .selectFrom('desk_assignments as a')
      .innerJoin('desk_members as m', 'm.id', 'a.member_id')
      .select(['a.shift_id', 'm.id', 'm.full_name', 'm.organisation', 'm.kind'])
      .where('a.shift_id', 'in', shiftIds.slice(i, i + 500))
      .orderBy('m.full_name')
      .orderBy('m.id')
      .execute();
    for (const r of rows) {
      const list = out.get(Number(r.shift_id)) ?? [];
      list.push({ id: Number(r.id), fullName: r.full_name, organisation: r.organisation as Organisation, kind: r.kind as MemberKind });
      out.set(Number(r.shift_id), list);
    }
  }
  return out;
}

/** Desks a week is generated for: one desk, or every active desk within the caller's unit (narrowed to `unit`). */
async function desksFor(db: Db, caller: DeskCaller, q: { deskId?: number; unit?: string }): Promise<DeskRow[]> {
  if (q.deskId) {
    const { site: _site, ...desk } = await loadDesk(db, caller, q.deskId);
    return [desk];
  }
  let query = db.selectFrom('desk_desks as d').innerJoin('desk_sites as s', 's.id', 'd.site_id').where(inAreaCondition(caller.area, 's')).where('d.active', '=', 1).where('s.active', '=', 1);
  if (q.unit) query = query.where(withinCondition(q.unit, 's'));
  const rows = await query.selectAll('d').orderBy('d.id').execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), site_id: Number(r.site_id), team_id: r.team_id === null ? null : Number(r.team_id) }));
}

/**
 * Generates a week of shifts (Monday `weekStart` to Sunday): morning and afternoon on every
 * working day of the calendar, for one desk or every active desk within the caller's unit.
 * Existing shifts are kept (generating twice creates nothing new). Errors: DESK_WEEK_START,
 * DESK_DESK_NOT_FOUND.
 */
export async function generateWeek(db: Database, caller: DeskCaller, q: { weekStart: string; deskId?: number; unit?: string }): Promise<{ weekStart: string; created: number; days: DayInfo[]; shifts: Shift[] }> {
  const days = await weekDays(db, q.weekStart);
  const weekEnd = addDays(q.weekStart, 6);
  const now = nowUtc();
  const created = await db.transaction(async (trx) => {
    const t = trx as Db;
    const desks = await desksFor(t, caller, q);
    const rows = desks.flatMap((desk) =>
      days.filter((d) => d.working).flatMap((d) => (Object.keys(SHIFT_PERIODS) as ShiftPeriod[]).map((period) => ({ desk_id: desk.id, day: d.date, period, ...snake(shiftTimes(desk, d.date, period)), created_at: now }))),
    );
    let n = 0;
    for (let i = 0; i < rows.length; i += 200) {
      const r = await t.insertInto('desk_shifts').values(rows.slice(i, i + 200)).onConflict((oc) => oc.columns(['desk_id', 'day', 'period']).doNothing()).returning('id').execute();
      n += r.length;
    }
    await recordAudit(trx, { actor: caller.actor, action: 'desk.roster.generate', subjects: desks.map((d) => ({ type: 'desk-desk', id: String(d.id) })), summary: `week ${q.weekStart}–${weekEnd}: ${n} shifts created on ${days.filter((d) => d.working).length} working days` });
    return n;
  });
  const shifts = await loadShifts(k(db), caller.area, { from: q.weekStart, to: weekEnd, deskId: q.deskId, unit: q.unit });
  return { weekStart: q.weekStart, created, days, shifts };
}

function snake(t: { startsAt: string; endsAt: string }) {
  return { starts_at: t.startsAt, ends_at: t.endsAt };
}

/**
 * The conflicts among shifts: every shift with nobody (`unstaffed`), and every pair of
 * overlapping shifts one person is assigned to (`double_booked`). A person is a staff account
 * (the same username in two teams is one person), a volunteer by phone number, or else the member.
 */
export async function conflictsAmong(db: Db, shifts: readonly Shift[]): Promise<Conflict[]> {
  const out: Conflict[] = [];
  for (const s of shifts) if (s.members.length === 0) out.push({ kind: 'unstaffed', day: s.day, shiftIds: [s.id], deskIds: [s.deskId], person: null });
  const memberIds = [...new Set(shifts.flatMap((s) => s.members.map((m) => m.id)))];
  const keys = new Map<number, { key: string; fullName: string }>();
  for (let i = 0; i < memberIds.length; i += 500) {
    const rows = await db.selectFrom('desk_members').select(['id', 'kind', 'staff_username', 'phone', 'full_name']).where('id', 'in', memberIds.slice(i, i + 500)).execute();
    for (const r of rows) keys.set(Number(r.id), { key: r.staff_username ? `staff:${r.staff_username}` : r.phone ? `phone:${r.phone}` : `member:${r.id}`, fullName: r.full_name });
  }
  const byPerson = new Map<string, { shift: Shift; memberId: number }[]>();
  for (const s of shifts) {
    for (const m of s.members) {
      const p = keys.get(m.id);
      if (!p) continue;
      byPerson.set(p.key, [...(byPerson.get(p.key) ?? []), { shift: s, memberId: m.id }]);
    }
  }
  for (const list of byPerson.values()) {
    const sorted = [...list].sort((a, b) => a.shift.startsAt.localeCompare(b.shift.startsAt));
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length && sorted[j]!.shift.startsAt < sorted[i]!.shift.endsAt; j++) {
        const a = sorted[i]!;
        const b = sorted[j]!;
        if (a.shift.id === b.shift.id) continue;
        out.push({
          kind: 'double_booked',
          day: a.shift.day,
          shiftIds: [a.shift.id, b.shift.id].sort((x, y) => x - y),
          deskIds: [...new Set([a.shift.deskId, b.shift.deskId])].sort((x, y) => x - y),
          person: { fullName: keys.get(a.memberId)!.fullName, memberIds: [...new Set([a.memberId, b.memberId])] },
        });
      }
    }
  }
  return out.sort((a, b) => a.day.localeCompare(b.day) || a.kind.localeCompare(b.kind) || a.shiftIds[0]! - b.shiftIds[0]!);
}

/** Conflicts of the shifts within the caller's unit between two dates (narrowed to `unit`). */
export async function findConflicts(db: Database, caller: DeskCaller, q: { from: string; to: string; unit?: string }): Promise<Conflict[]> {
  return conflictsAmong(k(db), await loadShifts(k(db), caller.area, q));
}

/**
 * A week's roster: its days (working or why not), its shifts with members, the conflicts touching
 * them (a double booking counts every shift of the person within the caller's unit, not only the
 * desk asked), and the duty coverage (shifts with at least one member / shifts scheduled).
 */
export async function rosterWeek(db: Database, caller: DeskCaller, q: { weekStart: string; deskId?: number; unit?: string }): Promise<Roster> {
  const days = await weekDays(db, q.weekStart);
  const weekEnd = addDays(q.weekStart, 6);
  if (q.deskId) await loadDesk(k(db), caller, q.deskId);
  const shifts = await loadShifts(k(db), caller.area, { from: q.weekStart, to: weekEnd, deskId: q.deskId, unit: q.unit });
  const wide = q.deskId || q.unit ? await loadShifts(k(db), caller.area, { from: q.weekStart, to: weekEnd }) : shifts;
  const ids = new Set(shifts.map((s) => s.id));
  const conflicts = (await conflictsAmong(k(db), wide)).filter((c) => c.shiftIds.some((id) => ids.has(id)));
  const staffed = shifts.filter((s) => s.members.length > 0).length;
  return { weekStart: q.weekStart, weekEnd, days, shifts, conflicts, coverage: { scheduled: shifts.length, staffed, share: shifts.length === 0 ? null : staffed / shifts.length } };
}

/** A shift within the caller's unit. Error: DESK_SHIFT_NOT_FOUND. */
async function loadShift(db: Db, caller: DeskCaller, id: number): Promise<Shift> {
  const [shift] = await loadShifts(db, caller.area, { from: '0000-01-01', to: '9999-12-31', shiftIds: [id] });
  if (!shift) throw new AppError('DESK_SHIFT_NOT_FOUND', { id });
  return shift;
}

/** Adds one shift to a desk on any day (an extra Saturday session too). Errors: DESK_DESK_NOT_FOUND, DESK_SHIFT_EXISTS. */
export async function addShift(db: Database, caller: DeskCaller, deskId: number, input: { day: string; period: ShiftPeriod }): Promise<Shift> {
  const id = await db.transaction(async (trx) => {
    const t = trx as Db;
    const { site: _site, ...desk } = await loadDesk(t, caller, deskId);
    const existing = await t.selectFrom('desk_shifts').select('id').where('desk_id', '=', deskId).where('day', '=', input.day).where('period', '=', input.period).executeTakeFirst();
    if (existing) throw new AppError('DESK_SHIFT_EXISTS', { deskId, date: input.day, period: input.period });
    const r = await t.insertInto('desk_shifts').values({ desk_id: deskId, day: input.day, period: input.period, ...snake(shiftTimes(desk, input.day, input.period)), created_at: nowUtc() }).returning('id').executeTakeFirstOrThrow();
    await recordAudit(trx, { actor: caller.actor, action: 'desk.shift.create', subjects: [{ type: 'desk-shift', id: String(r.id) }], summary: `${input.period} ${input.day} at desk ${deskId}` });
    return Number(r.id);
  });
  return loadShift(k(db), caller, id);
}

/** Removes a shift and its assignments. Error: DESK_SHIFT_NOT_FOUND. */
export async function deleteShift(db: Database, caller: DeskCaller, id: number): Promise<void> {
  await db.transaction(async (trx) => {
    const t = trx as Db;
    const shift = await loadShift(t, caller, id);
    await t.deleteFrom('desk_assignments').where('shift_id', '=', id).execute();
    await t.deleteFrom('desk_shifts').where('id', '=', id).execute();
    await recordAudit(trx, { actor: caller.actor, action: 'desk.shift.delete', subjects: [{ type: 'desk-shift', id: String(id) }], summary: `${shift.period} ${shift.day} at desk ${shift.deskId}, ${shift.members.length} assignments removed` });
  });
}

/**
 * Checks that a member may take a shift: within the caller's unit, still in their team on the
 * shift's day, and from a team of the desk's unit or a unit containing it. Errors:
 * DESK_MEMBER_NOT_FOUND, DESK_MEMBER_INACTIVE, DESK_MEMBER_OUTSIDE_UNIT.
 */
export async function checkAssignable(db: Db, caller: DeskCaller, memberId: number, shift: Pick<Shift, 'day' | 'deskId'>): Promise<void> {
  const member = await loadMember(db, caller, memberId);
  if (!activeOn(member, shift.day)) throw new AppError('DESK_MEMBER_INACTIVE', { id: memberId, date: shift.day, leftOn: member.left_on ?? member.joined_on ?? '' });
  const { site } = await loadDesk(db, caller, shift.deskId);
  if (!pathOf(site).includes(member.team.unit_code) && site.unit_code !== member.team.unit_code) throw new AppError('DESK_MEMBER_OUTSIDE_UNIT', { id: memberId });
}

/** Inserts an assignment with its audit entry inside a transaction (API and roster import). */
export async function insertAssignment(t: Db, trx: Parameters<typeof recordAudit>[0], caller: DeskCaller, shiftId: number, memberId: number, source = 'api'): Promise<void> {
  const exists = await t.selectFrom('desk_assignments').select('shift_id').where('shift_id', '=', shiftId).where('member_id', '=', memberId).executeTakeFirst();
  if (exists) throw new AppError('DESK_ASSIGNMENT_EXISTS', { shiftId, memberId });
  await t.insertInto('desk_assignments').values({ shift_id: shiftId, member_id: memberId, assigned_at: nowUtc(), assigned_by: caller.actor.id }).execute();
  await recordAudit(trx, { actor: caller.actor, action: 'desk.shift.assign', subjects: [{ type: 'desk-shift', id: String(shiftId) }, { type: 'desk-member', id: String(memberId) }], summary: `assigned (${source})` });
}

/**
 * Assigns a member to a shift. The assignment is kept even when it makes a conflict; the answer
 * lists the conflicts the shift now takes part in. Errors: DESK_SHIFT_NOT_FOUND,
 * DESK_MEMBER_NOT_FOUND, DESK_MEMBER_INACTIVE, DESK_MEMBER_OUTSIDE_UNIT, DESK_ASSIGNMENT_EXISTS.
 */
export async function assignMember(db: Database, caller: DeskCaller, shiftId: number, memberId: number): Promise<{ shift: Shift; conflicts: Conflict[] }> {
  await db.transaction(async (trx) => {
    const t = trx as Db;
    const shift = await loadShift(t, caller, shiftId);
    await checkAssignable(t, caller, memberId, shift);
    await insertAssignment(t, trx, caller, shiftId, memberId);
  });
  const shift = await loadShift(k(db), caller, shiftId);
  const sameDay = await loadShifts(k(db), caller.area, { from: shift.day, to: shift.day });
  const conflicts = (await conflictsAmong(k(db), sameDay)).filter((c) => c.shiftIds.includes(shiftId));
  return { shift, conflicts };
}

/** Takes a member off a shift. Errors: DESK_SHIFT_NOT_FOUND, DESK_MEMBER_NOT_FOUND (not on the shift). */
export async function unassignMember(db: Database, caller: DeskCaller, shiftId: number, memberId: number): Promise<void> {
  await db.transaction(async (trx) => {
    const t = trx as Db;
    await loadShift(t, caller, shiftId);
    const r = await t.deleteFrom('desk_assignments').where('shift_id', '=', shiftId).where('member_id', '=', memberId).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw new AppError('DESK_MEMBER_NOT_FOUND', { id: memberId });
    await recordAudit(trx, { actor: caller.actor, action: 'desk.shift.unassign', subjects: [{ type: 'desk-shift', id: String(shiftId) }, { type: 'desk-member', id: String(memberId) }], summary: 'assignment removed' });
  });
}

/**
 * Who is on duty at an instant (default now), at every active desk within the caller's unit
 * (narrowed to `unit` or one desk): the shift whose hours cover the instant, or null.
 */
export async function onDuty(db: Database, caller: DeskCaller, q: { at?: string; unit?: string; deskId?: number }): Promise<{ at: string; items: { deskId: number; deskName: string; siteName: string; shift: Shift | null }[] }> {
  const at = Temporal.Instant.from(q.at ?? Temporal.Now.instant().toString()).toString();
  const day = todayInVietnam(Temporal.Instant.from(at));
  const desks = await desksFor(k(db), caller, q);
  const shifts = await loadShifts(k(db), caller.area, { from: day, to: day, deskId: q.deskId, unit: q.unit });
  const siteNames = new Map((await k(db).selectFrom('desk_sites').select(['id', 'name']).where('id', 'in', desks.length ? desks.map((d) => d.site_id) : [-1]).execute()).map((s) => [Number(s.id), s.name]));
  const instant = Temporal.Instant.from(at);
  const covers = (s: Shift) => Temporal.Instant.compare(Temporal.Instant.from(s.startsAt), instant) <= 0 && Temporal.Instant.compare(instant, Temporal.Instant.from(s.endsAt)) < 0;
  return {
    at,
    items: desks.map((d) => ({ deskId: d.id, deskName: d.name, siteName: siteNames.get(d.site_id) ?? '', shift: shifts.find((s) => s.deskId === d.id && covers(s)) ?? null })),
  };
}

/** The shifts a member is assigned to between two dates (default: 30 days back to 90 ahead). */
export async function memberShifts(db: Database, memberId: number, q: { from?: string; to?: string } = {}): Promise<(Shift & { siteAddress: string | null })[]> {
  const today = todayInVietnam();
  const from = q.from ?? addDays(today, -30);
  const to = q.to ?? addDays(today, 90);
  const rows = await k(db).selectFrom('desk_assignments').select('shift_id').where('member_id', '=', memberId).execute();
  const shifts = await loadShifts(k(db), null, { from, to, shiftIds: rows.map((r) => Number(r.shift_id)) });
  const sites = new Map((await k(db).selectFrom('desk_sites').select(['id', 'address']).where('id', 'in', shifts.length ? [...new Set(shifts.map((s) => s.siteId))] : [-1]).execute()).map((s) => [Number(s.id), s.address]));
  return shifts.map((s) => ({ ...s, siteAddress: sites.get(s.siteId) ?? null }));
}

/**
 * A member's shifts as an iCalendar document (RFC 5545; `text/calendar`), one event a shift, in
 * UTC, with a stable UID so that a calendar app updates rather than duplicates on refresh.
 */
export function shiftsCalendar(memberName: string, shifts: readonly (Shift & { siteAddress: string | null })[]): string {
  if (shifts.length === 0) {
    // `ics` refuses an empty list; an empty calendar is still a valid feed.
    return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'CALSCALE:GREGORIAN', 'PRODID:motcua/desk', 'METHOD:PUBLISH', `X-WR-CALNAME:Lịch trực – ${memberName}`, 'END:VCALENDAR', ''].join('\r\n');
  }
  const events: EventAttributes[] = shifts.map((s) => ({
    uid: `desk-shift-${s.id}@motcua`,
    start: Date.parse(s.startsAt),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: Date.parse(s.endsAt),
    endInputType: 'utc',
    endOutputType: 'utc',
    title: `Trực ${s.deskName} – ${s.siteName} (${SHIFT_PERIODS[s.period].vi.toLowerCase()})`,
    location: [s.siteName, s.siteAddress].filter(Boolean).join(', '),
    description: `Ca trực ${SHIFT_PERIODS[s.period].vi.toLowerCase()} ngày ${s.day}. Cùng trực: ${s.members.map((m) => m.fullName).join(', ') || '—'}.`,
    status: 'CONFIRMED',
  }));
  const { error, value } = createEvents(events, { productId: 'motcua/desk', calName: `Lịch trực – ${memberName}` });
  if (error || !value) throw error ?? new Error('calendar not built');
  return value;
}

/** Duty coverage per unit between two dates: shifts scheduled and shifts with at least one member. */
export async function dutyCoverage(db: Database, f: { from: string; to: string; unitCodes?: readonly string[]; unit?: string; area?: DeskCaller['area'] }): Promise<{ unitCode: string; scheduled: number; staffed: number; share: number | null }[]> {
  let q = k(db)
    .selectFrom('desk_shifts as h')
    .innerJoin('desk_desks as d', 'd.id', 'h.desk_id')
    .innerJoin('desk_sites as s', 's.id', 'd.site_id')
    .where('h.day', '>=', f.from)
    .where('h.day', '<=', f.to);
  if (f.unitCodes) q = q.where('s.unit_code', 'in', f.unitCodes.length ? [...f.unitCodes] : ['-']);
  if (f.unit) q = q.where(withinCondition(f.unit, 's'));
  if (f.area !== undefined) q = q.where(inAreaCondition(f.area, 's'));
  const rows = await q
    .select((eb) => [
      's.unit_code',
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>(eb.case().when(eb.exists(eb.selectFrom('desk_assignments as a').select('a.shift_id').whereRef('a.shift_id', '=', 'h.id'))).then(1).else(0).end()).as('staffed'),
    ])
    .groupBy('s.unit_code')
    .orderBy('s.unit_code')
    .execute();
  return rows.map((r) => {
    const scheduled = countOf(r);
    const staffed = Number(r.staffed ?? 0);
    return { unitCode: r.unit_code, scheduled, staffed, share: scheduled === 0 ? null : staffed / scheduled };
  });
}

const WEEKDAYS_VI = ['', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ nhật'];

/** `2023-02-15` → `Thứ Tư 15/02/2023`. */
export function vietnameseDay(date: string): string {
  const d = Temporal.PlainDate.from(date);
  return `${WEEKDAYS_VI[d.dayOfWeek]} ${String(d.day).padStart(2, '0')}/${String(d.month).padStart(2, '0')}/${d.year}`;
}

/**
 * The printable weekly roster (PDF, the administrative-document layout of Decree 30/2020/NĐ-CP
 * through src/platform/documents): issued by the People's Committee of `issuer` (the unit and its
 * parent, by their names on the unit date), one table row a shift — day, half-day and hours, desk
 * and site, members — and one row a day without shifts with its reason (holiday, weekend).
 */
export async function rosterPdf(roster: Roster, issuer: { unitName: string; parentName: string | null; place: string }, preparedBy: string, today: string): Promise<Buffer> {
  const hhmm = (instant: string) => Temporal.Instant.from(instant).toZonedDateTimeISO(VIETNAM_TIME_ZONE).toPlainTime().toString({ smallestUnit: 'minute' });
  const rows: string[][] = [];
  for (const day of roster.days) {
    const shifts = roster.shifts.filter((s) => s.day === day.date);
    if (shifts.length === 0) {
      rows.push([vietnameseDay(day.date), '', '', day.working ? 'Chưa xếp ca' : `Nghỉ: ${day.reasonVi ?? ''}`]);
      continue;
    }
    for (const s of shifts) rows.push([vietnameseDay(s.day), `${SHIFT_PERIODS[s.period].vi} ${hhmm(s.startsAt)}–${hhmm(s.endsAt)}`, `${s.deskName} (${s.siteName})`, s.members.map((m) => m.fullName).join(', ') || '— chưa có người trực —']);
  }
  const dmy = (d: string) => d.split('-').reverse().join('/');
  return renderDocument({
    issuer: { ...(issuer.parentName ? { parent: `UBND ${issuer.parentName}` } : {}), name: `UBND ${issuer.unitName}` },
    place: issuer.place,
    date: today,
    title: 'Lịch trực hỗ trợ dịch vụ công trực tuyến',
    subject: `Tuần từ ${dmy(roster.weekStart)} đến ${dmy(roster.weekEnd)}`,
    blocks: [
      { kind: 'table', size: 10, columns: [{ header: 'Ngày', width: 1.6 }, { header: 'Buổi', width: 1.4 }, { header: 'Quầy', width: 2.2 }, { header: 'Người trực', width: 2.8 }], rows },
      { kind: 'space', points: 6 },
      { kind: 'paragraph', size: 11, style: 'italic', text: `Số ca: ${roster.coverage.scheduled}; có người trực: ${roster.coverage.staffed}; ca trống: ${roster.coverage.scheduled - roster.coverage.staffed}; trùng lịch: ${roster.conflicts.filter((c) => c.kind === 'double_booked').length}.` },
    ],
    signature: { title: 'Người lập', name: preparedBy },
  });
}

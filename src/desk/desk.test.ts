import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { auditEntriesFor } from '../platform/audit/audit.js';
import type { StaffRole } from '../platform/auth.js';
import { readIndicator } from '../platform/rollups.js';
import { startTestPlatform } from '../platform/testing/app.js';
import { forEachEngine } from '../platform/testing/engines.js';
import { createStaff, signInStaff } from '../identity/index.js';
import { lastCode, makeFmr, makePng, person, pinFor, register } from '../identity/eid/testing/fixtures.js';
import { unitCodeExists, type UnitsTables } from '../units/index.js';
import { helpByKindAndOutcome, selfServiceShare } from './index.js';
import { helpFieldErrors } from './help.js';
import { pdfText } from '../platform/testing/pdf.js';

const cli = { kind: 'cli' as const, id: 'cli:test' };
const D = '2023-02-28';
const PASSWORD = 'Mot-cua-2023!';
// A made-up woman born 1990 registered in Hải Dương (030): the number agrees with sex and year.
const PIN = '030190012345';

/** Ids of the records the suite creates, shared by its tests in order. */
type Ids = Record<'campaign' | 'capture' | 'desk1' | 'desk2' | 'helpPin' | 'hoangduong' | 'hoangxa' | 'hung' | 'lan' | 'nam' | 'office' | 'pc1' | 'phuloc' | 's1' | 's2' | 'team', number>;

async function setup(t: Parameters<typeof startTestPlatform>[0]) {
  // The e-ID module's SMS (activation codes) go to a file the tests read.
  const smsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-desk-')), 'sms.jsonl');
  const platform = await startTestPlatform(t, { MOTCUA_SMS_SINK: `file:${smsFile}` });
  const tokens: Record<string, string> = {};
  const staff: [string, StaffRole, string | null, string][] = [
    ['admin', 'ADMIN', null, D],
    ['canbo.camhoang', 'COMMUNE_OFFICER', '10897', D],
    ['hotro.camhoang', 'SUPPORT_TEAM', '10897', D],
    ['congan.camhoang', 'COMMUNE_POLICE', '10897', D],
    ['canbo.phucxa', 'COMMUNE_OFFICER', '00001', D],
    ['bcd.haiduong', 'WORKING_GROUP', '30', D],
  ];
  for (const [username, role, unit, unitDate] of staff) {
    await createStaff(platform.ctx.db, { username, password: PASSWORD, role, unitCode: unit, unitDate }, cli, (c) => unitCodeExists(platform.ctx.db.as<UnitsTables>(), c));
    tokens[username] = (await signInStaff(platform.ctx.db, username, PASSWORD, '127.0.0.1')).token;
  }
  return { ...platform, tokens, smsFile, ids: {} as Ids };
}

async function xlsx(rows: (string | number | Date)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('Sheet1');
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

forEachEngine('desk', setup, (env) => {
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, who?: string, payload?: unknown, headers: Record<string, string> = {}) =>
    env().app.inject({ method, url, payload: payload as never, headers: { ...(who ? { authorization: `Bearer ${env().tokens[who]}` } : {}), ...headers } });
  const ids = () => env().ids;
  const codes = (r: { json(): { errors?: { field: string; code: string }[] } }) => r.json().errors?.map((e) => `${e.field} ${e.code}`);

  it('creates a support team in Xã Cẩm Hoàng with a staff member and volunteers, scoped to the unit', async () => {
    const team = await call('POST', '/api/v1/desk/teams', 'canbo.camhoang', { name: 'Tổ hỗ trợ dịch vụ công trực tuyến xã Cẩm Hoàng', foundedOn: '2022-09-05', leadOrganisation: 'youth_union' });
    expect(team.statusCode).toBe(201);
    expect(team.json()).toMatchObject({ unitCode: '10897', unitDate: D, leadOrganisation: 'youth_union', memberCount: 0 });
    ids().team = team.json().id;
    const staff = await call('POST', `/api/v1/desk/teams/${ids().team}/members`, 'canbo.camhoang', { kind: 'staff', username: 'hotro.camhoang', fullName: 'Phạm Văn Hùng', organisation: 'civil_servant' });
    expect(staff.statusCode).toBe(201);
    ids().hung = staff.json().id;
    const lan = await call('POST', `/api/v1/desk/teams/${ids().team}/members`, 'canbo.camhoang', { kind: 'volunteer', fullName: 'Nguyễn Thị Lan', phone: '0912345678', organisation: 'women_union', joinedOn: '2022-09-05' });
    expect(lan.json()).toMatchObject({ kind: 'volunteer', username: null, fullName: 'Nguyễn Thị Lan', organisation: 'women_union', hasFeed: false });
    ids().lan = lan.json().id;
    const left = await call('POST', `/api/v1/desk/teams/${ids().team}/members`, 'canbo.camhoang', { kind: 'volunteer', fullName: 'Trần Văn Nam', organisation: 'youth_union', joinedOn: '2022-09-05', leftOn: '2023-01-31' });
    ids().nam = left.json().id;

    expect((await call('GET', `/api/v1/desk/teams/${ids().team}`, 'hotro.camhoang')).json()).toMatchObject({ memberCount: 2, members: [{ fullName: 'Phạm Văn Hùng' }, { fullName: 'Nguyễn Thị Lan' }, { fullName: 'Trần Văn Nam', leftOn: '2023-01-31' }] });
    const dup = await call('POST', `/api/v1/desk/teams/${ids().team}/members`, 'canbo.camhoang', { kind: 'staff', username: 'hotro.camhoang', organisation: 'civil_servant' });
    expect([dup.statusCode, dup.json().code]).toEqual([409, 'DESK_MEMBER_EXISTS']);
    const noName = await call('POST', `/api/v1/desk/teams/${ids().team}/members`, 'canbo.camhoang', { kind: 'volunteer', organisation: 'farmers_union', joinedOn: '2023-02-01', leftOn: '2023-01-01' });
    expect(codes(noName)).toEqual(['body.fullName FIELD_REQUIRED', 'body.leftOn FIELD_OUT_OF_RANGE']);
  });

  it('adds as a staff member only an existing, enabled account of the team’s unit or a unit within it', async () => {
    const db = env().ctx.db;
    const add = (username: string) => call('POST', `/api/v1/desk/teams/${ids().team}/members`, 'canbo.camhoang', { kind: 'staff', username, organisation: 'other' });
    const ghost = await add('ghost.user');
    expect([ghost.statusCode, ghost.json().code]).toEqual([422, 'DESK_MEMBER_STAFF_UNKNOWN']);
    // A provincial police account of Hải Dương (30) covers Xã Cẩm Hoàng but is not of the commune.
    await createStaff(db, { username: 'congan.haiduong', password: PASSWORD, role: 'PROVINCIAL_POLICE', unitCode: '30', unitDate: D }, cli, (c) => unitCodeExists(db.as<UnitsTables>(), c));
    const province = await add('congan.haiduong');
    expect([province.statusCode, province.json().code]).toEqual([422, 'DESK_MEMBER_STAFF_OTHER_UNIT']);
    expect(province.json().detail).toContain('30');
    // An officer of another commune (Phường Phúc Xá, 00001), and an administrator without a unit.
    expect((await add('canbo.phucxa')).json().code).toBe('DESK_MEMBER_STAFF_OTHER_UNIT');
    expect((await add('admin')).json().code).toBe('DESK_MEMBER_STAFF_OTHER_UNIT');
    // A disabled account of the commune itself.
    await createStaff(db, { username: 'cu.camhoang', password: PASSWORD, role: 'COMMUNE_OFFICER', unitCode: '10897', unitDate: D }, cli, (c) => unitCodeExists(db.as<UnitsTables>(), c));
    await sql`update staff_accounts set disabled = 1 where username = ${'cu.camhoang'}`.execute(db.kysely);
    const disabled = await add('cu.camhoang');
    expect([disabled.statusCode, disabled.json().code]).toEqual([422, 'DESK_MEMBER_STAFF_DISABLED']);
    // The commune police officer of Cẩm Hoàng joins.
    const police = await add('congan.camhoang');
    expect([police.statusCode, police.json()]).toMatchObject([201, { kind: 'staff', username: 'congan.camhoang', fullName: 'congan.camhoang' }]);
    const team = (await call('GET', `/api/v1/desk/teams/${ids().team}`, 'canbo.camhoang')).json();
    expect(team.members.map((m: { username: string | null }) => m.username)).toEqual(['hotro.camhoang', null, null, 'congan.camhoang']);
    // Out again, so that the rest of the suite sees the team as it was.
    await call('PATCH', `/api/v1/desk/members/${police.json().id}`, 'canbo.camhoang', { leftOn: '2022-12-31', joinedOn: '2022-12-01' });
  });

  it('keeps other units out: 404 for a team elsewhere, 403 for a unit outside, 400 for a code not in force, FORBIDDEN without the permission', async () => {
    expect((await call('GET', `/api/v1/desk/teams/${ids().team}`, 'canbo.phucxa')).json().code).toBe('DESK_TEAM_NOT_FOUND');
    const outside = await call('POST', '/api/v1/desk/teams', 'canbo.phucxa', { unitCode: '10897', unitDate: D, name: 'Tổ khác', leadOrganisation: 'other' });
    expect([outside.statusCode, outside.json().code]).toEqual([403, 'DESK_OUT_OF_SCOPE']);
    const unknown = await call('POST', '/api/v1/desk/teams', 'admin', { unitCode: '10897', unitDate: '2026-01-05', name: 'Tổ', leadOrganisation: 'other' });
    expect([unknown.statusCode, unknown.json().code]).toEqual([400, 'DESK_UNIT_UNKNOWN']);
    expect((await call('POST', '/api/v1/desk/teams', 'admin', { name: 'Tổ', leadOrganisation: 'other' })).json().code).toBe('DESK_UNIT_REQUIRED');
    expect((await call('POST', '/api/v1/desk/teams', 'bcd.haiduong', { name: 'Tổ', leadOrganisation: 'other' })).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/desk/sites', 'hotro.camhoang', { kind: 'cultural_house', name: 'x', internet: 'none' })).json().code).toBe('FORBIDDEN');
    expect((await call('GET', '/api/v1/desk/help', 'bcd.haiduong')).json().code).toBe('FORBIDDEN');
    expect((await call('GET', '/api/v1/desk/teams', 'bcd.haiduong')).json().code).toBe('FORBIDDEN');
    expect((await call('GET', '/api/v1/desk/teams?unit=295', 'admin')).json()).toMatchObject({ total: 1, items: [{ id: ids().team, unitCode: '10897' }] });
    expect((await call('GET', '/api/v1/desk/teams', 'canbo.phucxa')).json().total).toBe(0);
  });

  it('registers sites, desks and devices, and computes the connected-village coverage', async () => {
    const site = (name: string, kind: string, internet: string) => call('POST', '/api/v1/desk/sites', 'canbo.camhoang', { name, kind, internet, address: `${name}, xã Cẩm Hoàng` });
    ids().office = (await site('Trụ sở UBND xã Cẩm Hoàng', 'commune_office', 'fixed_broadband')).json().id;
    ids().hoangxa = (await site('Nhà văn hóa thôn Hoàng Xá', 'cultural_house', 'fixed_broadband')).json().id;
    ids().hoangduong = (await site('Nhà văn hóa thôn Hoàng Đường', 'cultural_house', 'mobile')).json().id;
    ids().phuloc = (await site('Nhà văn hóa thôn Phú Lộc', 'cultural_house', 'none')).json().id;
    const desk1 = await call('POST', '/api/v1/desk/desks', 'canbo.camhoang', { siteId: ids().office, name: 'Quầy hỗ trợ số 1', teamId: ids().team });
    expect(desk1.json()).toMatchObject({ siteName: 'Trụ sở UBND xã Cẩm Hoàng', unitCode: '10897', hours: { morningStart: '07:30', morningEnd: '11:30', afternoonStart: '13:30', afternoonEnd: '17:00' } });
    ids().desk1 = desk1.json().id;
    ids().desk2 = (await call('POST', '/api/v1/desk/desks', 'canbo.camhoang', { siteId: ids().hoangxa, name: 'Quầy thôn Hoàng Xá', teamId: ids().team })).json().id;
    const badHours = await call('POST', '/api/v1/desk/desks', 'canbo.camhoang', { siteId: ids().office, name: 'Quầy 3', hours: { morningStart: '11:30', morningEnd: '07:30', afternoonStart: '13:30', afternoonEnd: '17:00' } });
    expect(badHours.json().code).toBe('DESK_SHIFT_TIMES');
    const device = (siteId: number, kind: string, status: string, extra: object = {}) => call('POST', '/api/v1/desk/devices', 'canbo.camhoang', { siteId, kind, status, funding: 'provincial_budget', acquiredOn: '2022-11-20', ...extra });
    ids().pc1 = (await device(ids().office, 'computer', 'working', { deskId: ids().desk1, model: 'Dell OptiPlex 3000', serial: 'CN0X12345' })).json().id;
    ids().capture = (await device(ids().office, 'biometric_capture', 'working', { funding: 'police' })).json().id;
    await device(ids().hoangxa, 'computer', 'working');
    await device(ids().hoangduong, 'computer', 'broken');
    await device(ids().phuloc, 'computer', 'working');
    await device(ids().office, 'printer', 'retired');
    const wrongDesk = await device(ids().hoangxa, 'scanner', 'working', { deskId: ids().desk1 });
    expect(codes(wrongDesk)).toEqual(['body.deskId FIELD_INVALID']);
    // Hoàng Xá: connected and a working computer; Hoàng Đường: its computer is broken; Phú Lộc: no connection.
    const coverage = await call('GET', '/api/v1/desk/indicators/coverage', 'bcd.haiduong');
    expect(coverage.json()).toEqual([{ unitCode: '10897', villages: 3, connected: 1, share: 1 / 3 }]);
    await call('PATCH', `/api/v1/desk/sites/${ids().phuloc}`, 'canbo.camhoang', { internet: 'mobile' });
    expect((await call('GET', '/api/v1/desk/indicators/coverage?unit=295', 'bcd.haiduong')).json()).toEqual([{ unitCode: '10897', villages: 3, connected: 2, share: 2 / 3 }]);
    const equipment = await call('GET', '/api/v1/desk/indicators/equipment', 'canbo.camhoang');
    expect(equipment.json().filter((e: { siteId: number }) => e.siteId === ids().office)).toEqual([
      { siteId: ids().office, siteName: 'Trụ sở UBND xã Cẩm Hoàng', unitCode: '10897', kind: 'biometric_capture', working: 1, total: 1 },
      { siteId: ids().office, siteName: 'Trụ sở UBND xã Cẩm Hoàng', unitCode: '10897', kind: 'computer', working: 1, total: 1 },
    ]);
    expect((await call('GET', '/api/v1/desk/indicators/coverage', 'canbo.phucxa')).json()).toEqual([]);
  });

  it('generates a week of February 2023 on working days, reports double bookings and empty shifts, and tells who is on duty', async () => {
    const notMonday = await call('POST', '/api/v1/desk/roster/weeks', 'canbo.camhoang', { weekStart: '2023-02-14' });
    expect([notMonday.statusCode, notMonday.json().code]).toEqual([400, 'DESK_WEEK_START']);
    const week = await call('POST', '/api/v1/desk/roster/weeks', 'canbo.camhoang', { weekStart: '2023-02-13' });
    expect(week.statusCode).toBe(200);
    expect(week.json().created).toBe(20); // 2 desks × 5 working days × morning and afternoon
    expect(week.json().days.map((d: { working: boolean }) => d.working)).toEqual([true, true, true, true, true, false, false]);
    expect((await call('POST', '/api/v1/desk/roster/weeks', 'canbo.camhoang', { weekStart: '2023-02-13' })).json().created).toBe(0);
    const shifts = week.json().shifts as { id: number; deskId: number; day: string; period: string; startsAt: string; endsAt: string }[];
    const shift = (desk: number, day: string, period: string) => shifts.find((s) => s.deskId === desk && s.day === day && s.period === period)!;
    expect(shift(ids().desk1, '2023-02-15', 'morning')).toMatchObject({ startsAt: '2023-02-15T00:30:00Z', endsAt: '2023-02-15T04:30:00Z' });
    ids().s1 = shift(ids().desk1, '2023-02-15', 'morning').id;
    ids().s2 = shift(ids().desk2, '2023-02-15', 'morning').id;

    const first = await call('POST', `/api/v1/desk/shifts/${ids().s1}/assignments`, 'canbo.camhoang', { memberId: ids().lan });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ shift: { members: [{ fullName: 'Nguyễn Thị Lan', organisation: 'women_union' }] }, conflicts: [] });
    const second = await call('POST', `/api/v1/desk/shifts/${ids().s2}/assignments`, 'canbo.camhoang', { memberId: ids().lan });
    expect(second.json().conflicts).toEqual([{ kind: 'double_booked', day: '2023-02-15', shiftIds: [ids().s1, ids().s2].sort((a, b) => a - b), deskIds: [ids().desk1, ids().desk2], person: { fullName: 'Nguyễn Thị Lan', memberIds: [ids().lan] } }]);
    expect((await call('POST', `/api/v1/desk/shifts/${ids().s1}/assignments`, 'canbo.camhoang', { memberId: ids().lan })).json().code).toBe('DESK_ASSIGNMENT_EXISTS');
    const gone = await call('POST', `/api/v1/desk/shifts/${ids().s1}/assignments`, 'canbo.camhoang', { memberId: ids().nam });
    expect([gone.statusCode, gone.json().code]).toEqual([409, 'DESK_MEMBER_INACTIVE']);
    await call('POST', `/api/v1/desk/shifts/${shift(ids().desk1, '2023-02-15', 'afternoon').id}/assignments`, 'canbo.camhoang', { memberId: ids().hung });

    const roster = await call('GET', `/api/v1/desk/roster?weekStart=2023-02-13&deskId=${ids().desk1}`, 'hotro.camhoang');
    expect(roster.json().coverage).toEqual({ scheduled: 10, staffed: 2, share: 0.2 });
    expect(roster.json().conflicts.filter((c: { kind: string }) => c.kind === 'double_booked')).toHaveLength(1);
    expect(roster.json().conflicts.filter((c: { kind: string }) => c.kind === 'unstaffed')).toHaveLength(8);
    const conflicts = await call('GET', '/api/v1/desk/roster/conflicts?from=2023-02-15&to=2023-02-15', 'hotro.camhoang');
    expect(conflicts.json().items.map((c: { kind: string }) => c.kind)).toEqual(['double_booked', 'unstaffed']);

    const now = await call('GET', `/api/v1/desk/on-duty?at=${encodeURIComponent('2023-02-15T09:00:00+07:00')}`, 'hotro.camhoang');
    expect(now.json().items.find((i: { deskId: number }) => i.deskId === ids().desk1).shift).toMatchObject({ id: ids().s1, members: [{ fullName: 'Nguyễn Thị Lan' }] });
    const lunch = await call('GET', `/api/v1/desk/on-duty?at=${encodeURIComponent('2023-02-15T12:00:00+07:00')}`, 'hotro.camhoang');
    expect(lunch.json().items.map((i: { shift: unknown }) => i.shift)).toEqual([null, null]);

    const duty = await call('GET', '/api/v1/desk/indicators/duty?from=2023-02-13&to=2023-02-19', 'bcd.haiduong');
    expect(duty.json()).toEqual([{ unitCode: '10897', scheduled: 20, staffed: 3, share: 3 / 20 }]);
    expect((await call('DELETE', `/api/v1/desk/shifts/${ids().s2}/assignments/${ids().lan}`, 'canbo.camhoang')).statusCode).toBe(204);
  });

  it('serves a member’s shifts as iCalendar, by sign-in and by secret feed address', async () => {
    const ics = await call('GET', `/api/v1/desk/members/${ids().lan}/shifts.ics?from=2023-02-01&to=2023-02-28`, 'hotro.camhoang');
    expect(ics.headers['content-type']).toContain('text/calendar');
    expect(ics.body.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    expect(ics.body).toContain('DTSTART:20230215T003000Z');
    expect(ics.body).toContain('DTEND:20230215T043000Z');
    expect(ics.body).toContain(`UID:desk-shift-${ids().s1}@motcua`);
    const feed = await call('POST', `/api/v1/desk/members/${ids().lan}/feed`, 'canbo.camhoang');
    expect(feed.statusCode).toBe(201);
    const open = await call('GET', feed.json().path);
    expect([open.statusCode, open.headers['content-type']]).toEqual([200, 'text/calendar; charset=utf-8']);
    expect(open.body).toContain('BEGIN:VCALENDAR');
    await call('POST', `/api/v1/desk/members/${ids().lan}/feed`, 'canbo.camhoang');
    expect((await call('GET', feed.json().path)).json().code).toBe('DESK_FEED_NOT_FOUND');
  });

  it('prints the weekly roster as a PDF in the administrative-document layout', async () => {
    const r = await call('GET', '/api/v1/desk/roster.pdf?weekStart=2023-02-13', 'canbo.camhoang');
    expect([r.statusCode, r.headers['content-type']]).toEqual([200, 'application/pdf']);
    // Table cells wrap: compare without white space.
    const text = (await pdfText(r.rawPayload)).replace(/\s+/g, '');
    for (const s of ['UBND HUYỆN CẨM GIÀNG', 'UBND XÃ CẨM HOÀNG', 'LỊCH TRỰC HỖ TRỢ DỊCH VỤ CÔNG TRỰC TUYẾN', 'Tuần từ 13/02/2023 đến 19/02/2023', 'Thứ Tư 15/02/2023', 'Sáng 07:30–11:30', 'Nguyễn Thị Lan', 'Nghỉ: Thứ Bảy', 'Nghỉ: Chủ nhật']) expect(text, s).toContain(s.replace(/\s+/g, ''));
    expect((await call('GET', '/api/v1/desk/roster.pdf?weekStart=2023-02-13', 'admin')).json().code).toBe('DESK_UNIT_REQUIRED');
  });

  it('follows the working-day calendar around Tết 2026: no shifts on holidays, shifts on a make-up Saturday', async () => {
    const desk = ids().desk1;
    const tet = await call('POST', '/api/v1/desk/roster/weeks', 'canbo.camhoang', { weekStart: '2026-02-16', deskId: desk });
    expect(tet.json().created).toBe(0);
    expect(tet.json().days.slice(0, 5).map((d: { reasonVi: string }) => d.reasonVi)).toEqual([
      'Tết Nguyên đán (29 tháng Chạp năm Ất Tỵ, giao thừa)',
      'Tết Nguyên đán (mùng 1 Tết Bính Ngọ)',
      'Tết Nguyên đán (mùng 2 Tết)',
      'Tết Nguyên đán (mùng 3 Tết)',
      'Tết Nguyên đán (mùng 4 Tết)',
    ]);
    const makeUp = await call('POST', '/api/v1/desk/roster/weeks', 'canbo.camhoang', { weekStart: '2026-01-05', deskId: desk });
    expect(makeUp.json().created).toBe(12);
    expect([...new Set(makeUp.json().shifts.map((s: { day: string }) => s.day))]).toEqual(['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09', '2026-01-10']);
    const newYear = await call('POST', '/api/v1/desk/roster/weeks', 'canbo.camhoang', { weekStart: '2025-12-29', deskId: desk });
    expect([...new Set(newYear.json().shifts.map((s: { day: string }) => s.day))]).toEqual(['2025-12-29', '2025-12-30', '2025-12-31']);
    const extra = await call('POST', `/api/v1/desk/desks/${desk}/shifts`, 'canbo.camhoang', { day: '2026-02-21', period: 'morning' });
    expect(extra.json()).toMatchObject({ day: '2026-02-21', startsAt: '2026-02-21T00:30:00Z' });
    expect((await call('POST', `/api/v1/desk/desks/${desk}/shifts`, 'canbo.camhoang', { day: '2026-02-21', period: 'morning' })).json().code).toBe('DESK_SHIFT_EXISTS');
  });

  it('records help in a quick entry, counts it in the roll-up, keeps the citizen’s number only with consent and audits reading it', async () => {
    const quick = await call('POST', '/api/v1/desk/help', 'hotro.camhoang', { deskId: ids().desk1, kind: 'guided_self_filing', outcome: 'completed', at: '2023-02-15T09:30:00+07:00', clientRef: 'phone-0001-abcdef' });
    expect(quick.statusCode).toBe(201);
    expect(quick.json()).toMatchObject({ day: '2023-02-15', at: '2023-02-15T02:30:00.000Z', unitCode: '10897', helperMemberId: ids().hung, helperName: 'Phạm Văn Hùng', enteredBy: 'hotro.camhoang', citizenPinMasked: null, source: 'api' });
    const again = await call('POST', '/api/v1/desk/help', 'hotro.camhoang', { deskId: ids().desk1, kind: 'guided_self_filing', outcome: 'completed', at: '2023-02-15T09:30:00+07:00', clientRef: 'phone-0001-abcdef' });
    expect([again.statusCode, again.json().id]).toEqual([200, quick.json().id]);
    const noConsent = await call('POST', '/api/v1/desk/help', 'hotro.camhoang', { deskId: ids().desk1, kind: 'filed_on_behalf', outcome: 'completed', citizenPin: PIN });
    expect(codes(noConsent)).toEqual(['body.consent DESK_CONSENT_REQUIRED']);
    const badPin = await call('POST', '/api/v1/desk/help', 'hotro.camhoang', { deskId: ids().desk1, kind: 'filed_on_behalf', outcome: 'completed', citizenPin: '999190012345', consent: true });
    expect(codes(badPin)).toEqual(['body.citizenPin PIN_PROVINCE_UNKNOWN']);
    const future = await call('POST', '/api/v1/desk/help', 'hotro.camhoang', { deskId: ids().desk1, kind: 'other', outcome: 'completed', at: '2099-01-01T00:00:00Z' });
    expect(codes(future)).toEqual(['body.at DESK_HELP_IN_FUTURE']);
    // Before Project 06 (Decision 06/QĐ-TTg, 2022-01-06 Vietnam time): a typing error, refused on the field.
    const ancient = await call('POST', '/api/v1/desk/help', 'hotro.camhoang', { deskId: ids().desk1, kind: 'other', outcome: 'completed', at: '1900-01-01T00:00:00Z' });
    expect(ancient.statusCode).toBe(400);
    expect(codes(ancient)).toEqual(['body.at FIELD_OUT_OF_RANGE']);
    expect(ancient.json().errors[0].detail).toBe('Trường "body.at" phải trong khoảng từ ngày 06/01/2022 (Quyết định 06/QĐ-TTg, Đề án 06) đến nay.');
    expect(codes(await call('POST', '/api/v1/desk/help', 'hotro.camhoang', { deskId: ids().desk1, kind: 'other', outcome: 'completed', at: '2022-01-05T23:59:59+07:00' }))).toEqual(['body.at FIELD_OUT_OF_RANGE']);
    const ancientEn = await call('POST', '/api/v1/desk/help', 'hotro.camhoang', { deskId: ids().desk1, kind: 'other', outcome: 'completed', at: '2021-12-31T09:00:00+07:00' }, { 'accept-language': 'en' });
    expect(ancientEn.json().errors).toEqual([{ field: 'body.at', code: 'FIELD_OUT_OF_RANGE', detail: 'Field "body.at" must be within 2022-01-06 (Decision 06/QĐ-TTg, Project 06) to now.' }]);
    expect(helpFieldErrors({ at: '2022-01-06T00:00:00+07:00' })).toEqual([]);
    expect(helpFieldErrors({ at: '2022-01-05T17:00:00Z' })).toEqual([]);
    expect(helpFieldErrors({ at: '2022-01-05T16:59:59Z' }).map((e) => `${e.field} ${e.code}`)).toEqual(['body.at FIELD_OUT_OF_RANGE']);
    const elsewhere = await call('POST', '/api/v1/desk/help', 'hotro.camhoang', { deskId: ids().desk1, kind: 'other', outcome: 'completed', deviceId: 999999 });
    expect(elsewhere.json().code).toBe('DESK_DEVICE_NOT_FOUND');
    const withPin = await call('POST', '/api/v1/desk/help', 'hotro.camhoang', { deskId: ids().desk1, deviceId: ids().pc1, helperMemberId: ids().lan, kind: 'filed_on_behalf', outcome: 'completed', at: '2023-02-16T14:00:00+07:00', serviceCode: '1.001193', citizenPin: PIN, consent: true });
    expect(withPin.json()).toMatchObject({ citizenPinMasked: '030******345', helperName: 'Nguyễn Thị Lan', serviceCode: '1.001193', deviceId: ids().pc1 });
    expect(withPin.body).not.toContain(PIN);
    ids().helpPin = withPin.json().id;
    await call('POST', '/api/v1/desk/help', 'hotro.camhoang', { deskId: ids().desk2, kind: 'guided_self_filing', outcome: 'completed', at: '2023-02-16T08:00:00+07:00' });
    // A note naming a phone and an identification number keeps only their last 3 digits, as stored and as shown.
    const noted = await call('POST', '/api/v1/desk/help', 'hotro.camhoang', { deskId: ids().desk2, kind: 'vneid_install', outcome: 'failed', at: '2023-02-17T08:00:00+07:00', note: 'Kích hoạt giúp bà Loan, SĐT 0912 345 678, CCCD 030191469575, hẹn 20.02.2023' });
    expect(noted.json().note).toBe('Kích hoạt giúp bà Loan, SĐT *******678, CCCD *********575, hẹn 20.02.2023');
    const stored = await env().ctx.db.kysely.selectFrom('desk_help' as never).select('note' as never).where('id' as never, '=', noted.json().id as never).executeTakeFirstOrThrow();
    expect(stored).toEqual({ note: 'Kích hoạt giúp bà Loan, SĐT *******678, CCCD *********575, hẹn 20.02.2023' });
    // The lines of a note typed into the form's text area stay lines; a number broken over two lines is masked all the same.
    const lines = await call('POST', '/api/v1/desk/help', 'hotro.camhoang', { deskId: ids().desk2, kind: 'vneid_install', outcome: 'failed', at: '2023-01-17T08:30:00+07:00', note: 'Dòng 1:  chưa có CCCD gắn chip\r\nDòng 2: gọi lại SĐT 0912\n345 678' });
    expect(lines.json().note).toBe('Dòng 1: chưa có CCCD gắn chip\nDòng 2: gọi lại SĐT *******678');
    // A note stored before masking at entry is masked when shown.
    await sql`update desk_help set note = ${'Gọi lại số 0912.345.678'} where id = ${noted.json().id}`.execute(env().ctx.db.kysely);
    expect((await call('GET', `/api/v1/desk/help/${noted.json().id}`, 'canbo.camhoang')).json().note).toBe('Gọi lại số *******678');
    const mistake = await call('POST', '/api/v1/desk/help', 'hotro.camhoang', { deskId: ids().desk2, kind: 'filed_on_behalf', outcome: 'pending', at: '2023-02-17T09:00:00+07:00' });

    const list = await call('GET', '/api/v1/desk/help?from=2023-02-01&to=2023-02-28', 'canbo.camhoang');
    expect(list.json().total).toBe(5);
    expect(list.body).not.toContain(PIN);
    expect(list.body).not.toMatch(/0912|030191469575/);
    expect(list.json().items.find((e: { id: number }) => e.id === noted.json().id).note).toBe('Gọi lại số *******678');
    expect((await call('GET', '/api/v1/desk/help', 'canbo.phucxa')).json().total).toBe(0);
    const purpose = { 'x-purpose': 'SUPPORT_DESK' };
    expect((await call('GET', `/api/v1/desk/help/${ids().helpPin}/citizen`, 'canbo.phucxa', undefined, purpose)).json().code).toBe('DESK_HELP_NOT_FOUND');
    // No purpose, or one not in the registry's catalogue: 400, nothing read, the number not shown.
    const noPurpose = await call('GET', `/api/v1/desk/help/${ids().helpPin}/citizen`, 'canbo.camhoang');
    expect([noPurpose.statusCode, noPurpose.json().code]).toEqual([400, 'PURPOSE_REQUIRED']);
    expect(noPurpose.body).not.toContain(PIN);
    const badPurpose = await call('GET', `/api/v1/desk/help/${ids().helpPin}/citizen`, 'canbo.camhoang', undefined, { 'x-purpose': 'CURIOSITY' });
    expect([badPurpose.statusCode, badPurpose.json().code]).toEqual([400, 'PURPOSE_UNKNOWN']);
    const full = await call('GET', `/api/v1/desk/help/${ids().helpPin}/citizen`, 'canbo.camhoang', undefined, { ...purpose, 'x-dossier-code': 'H30.10897-260216-0001' });
    expect(full.json()).toEqual({ id: ids().helpPin, citizenPin: PIN });
    const trail = await auditEntriesFor(env().ctx.db, { type: 'citizen', id: PIN }, { offset: 0, limit: 10 });
    expect(trail.items.map((e) => `${e.actorId} ${e.action}`)).toEqual(['canbo.camhoang desk.help.citizen-read', 'hotro.camhoang desk.help.record']);
    expect(trail.items[0]).toMatchObject({ purposeCode: 'SUPPORT_DESK', purposeNote: 'dossier H30.10897-260216-0001' });
    expect((await call('GET', `/api/v1/desk/help/${quick.json().id}/citizen`, 'canbo.camhoang', undefined, purpose)).json().code).toBe('DESK_HELP_NO_CITIZEN');

    const voided = await call('POST', `/api/v1/desk/help/${mistake.json().id}/void`, 'canbo.camhoang', { reason: 'Ghi nhầm quầy' });
    expect(voided.json()).toMatchObject({ voidReason: 'Ghi nhầm quầy' });
    expect((await call('POST', `/api/v1/desk/help/${mistake.json().id}/void`, 'canbo.camhoang', { reason: 'lần nữa' })).json().code).toBe('DESK_HELP_VOIDED');

    const rows = await readIndicator(env().ctx.db.kysely, { indicator: 'desk.help', from: '2023-02-01', to: '2023-02-28' });
    expect(rows.map((r) => `${r.unitCode} ${r.day} ${r.dims.kind}/${r.dims.outcome} ${r.count}`).sort()).toEqual([
      '10897 2023-02-15 guided_self_filing/completed 1',
      '10897 2023-02-16 filed_on_behalf/completed 1',
      '10897 2023-02-16 guided_self_filing/completed 1',
      '10897 2023-02-17 vneid_install/failed 1',
    ]);
    const f = { from: '2023-02-01', to: '2023-02-28', unitCodes: ['10897'] };
    // No dossier was filed in the commune: the dossier-channel share is unknown, not 0 %.
    expect(await selfServiceShare(env().ctx.db, f)).toEqual([{ unitCode: '10897', guidedAlone: 2, filedOnBehalf: 1, share: 2 / 3, dossiersSelf: 0, dossiersOnBehalf: 0, dossierShare: null }]);
    expect(await helpByKindAndOutcome(env().ctx.db, { ...f, unitCodes: ['10888'] })).toEqual([]);
    const http = await call('GET', '/api/v1/desk/indicators/help?from=2023-02-01&to=2023-02-28', 'bcd.haiduong');
    expect(http.json().byKindOutcome).toEqual([
      { unitCode: '10897', kind: 'filed_on_behalf', outcome: 'completed', count: 1 },
      { unitCode: '10897', kind: 'guided_self_filing', outcome: 'completed', count: 2 },
      { unitCode: '10897', kind: 'vneid_install', outcome: 'failed', count: 1 },
    ]);
    expect((await call('GET', '/api/v1/desk/indicators/help?from=2023-02-01&to=2023-02-28', 'canbo.phucxa')).json()).toEqual({ byKindOutcome: [], selfService: [] });
  });

  it('records a police collection campaign with officers and equipment; its id is a string and its results come from the e-ID module', async () => {
    const body = { siteId: ids().office, day: '2023-02-18', startTime: '07:30', endTime: '17:00', title: 'Thu nhận hồ sơ căn cước, kích hoạt định danh điện tử mức 2 tại hội trường UBND xã', officers: [{ fullName: 'Đại úy Vũ Văn Minh', username: 'congan.camhoang', title: 'Phó Trưởng Công an xã' }, { fullName: 'Thượng úy Lê Thị Hà' }], deviceIds: [ids().capture] };
    const created = await call('POST', '/api/v1/desk/campaigns', 'congan.camhoang', body);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: expect.stringMatching(/^[0-9]+$/), unitCode: '10897', status: 'planned', officers: [{ fullName: 'Đại úy Vũ Văn Minh', username: 'congan.camhoang' }, { fullName: 'Thượng úy Lê Thị Hà', username: null }], devices: [{ id: ids().capture, kind: 'biometric_capture' }] });
    const id = created.json().id as string;
    ids().campaign = Number(id);
    const wrong = await call('POST', '/api/v1/desk/campaigns', 'congan.camhoang', { ...body, siteId: ids().hoangxa });
    expect([wrong.statusCode, wrong.json().code]).toEqual([409, 'DESK_DEVICE_OTHER_SITE']);
    expect((await call('PATCH', `/api/v1/desk/campaigns/${id}`, 'congan.camhoang', { status: 'held' })).json().status).toBe('held');
    await call('POST', '/api/v1/desk/help', 'hotro.camhoang', { deskId: ids().desk1, kind: 'account_activation', outcome: 'completed', at: '2023-02-18T10:00:00+07:00' });
    expect((await call('GET', `/api/v1/desk/campaigns/${id}/results`, 'congan.camhoang')).json()).toEqual({ campaignId: id, available: true, applications: 0, activations: 0, helpEntries: 1 });
    expect((await call('GET', `/api/v1/desk/campaigns/${id}`, 'canbo.phucxa')).json().code).toBe('DESK_CAMPAIGN_NOT_FOUND');
    expect((await call('GET', `/api/v1/desk/campaigns/${id}`, 'admin')).json().title).toBe(body.title);
    expect((await call('GET', '/api/v1/desk/indicators/campaigns?from=2023-02-01&to=2023-02-28', 'bcd.haiduong')).json()).toEqual([{ campaignId: id, available: true, applications: 0, activations: 0, helpEntries: 1, unitCode: '10897', day: '2023-02-18', siteId: ids().office }]);
  });

  it('counts the e-ID applications collected at each campaign and the accounts activated among them, per campaign, unit and period', async () => {
    const c1 = String(ids().campaign);
    const second = await call('POST', '/api/v1/desk/campaigns', 'congan.camhoang', { siteId: ids().hoangxa, day: '2023-02-25', startTime: '07:30', endTime: '11:30', title: 'Thu nhận hồ sơ định danh điện tử mức 2 tại nhà văn hóa thôn Hoàng Xá', status: 'held', officers: [{ fullName: 'Thượng úy Lê Thị Hà' }] });
    const c2 = second.json().id as string;
    // People of Cẩm Hoàng with chip identity cards, in the population registry.
    const an = person({ pin: pinFor('male', 1985, 180201), fullName: 'Vũ Văn An', dateOfBirth: '1985-03-14', sex: 'male' });
    const bich = person({ pin: pinFor('female', 1991, 180202), fullName: 'Đỗ Thị Bích', dateOfBirth: '1991-07-02', sex: 'female' });
    const cuong = person({ pin: pinFor('male', 1978, 180203), fullName: 'Phạm Quốc Cường', dateOfBirth: '1978-11-23', sex: 'male' });
    const dung = person({ pin: pinFor('female', 2001, 180204), fullName: 'Nguyễn Thị Dung', dateOfBirth: '2001-01-30', sex: 'female' });
    const giang = person({ pin: pinFor('male', 1969, 180205), fullName: 'Trần Văn Giang', dateOfBirth: '1969-09-09', sex: 'male' });
    const hoa = person({ pin: pinFor('female', 1995, 180206), fullName: 'Lê Thị Hoa', dateOfBirth: '1995-04-18', sex: 'female' });
    await register(env(), an, bich, cuong, dung, giang, hoa);
    const phones = new Map([an, bich, cuong, dung, giang, hoa].map((c, i) => [c.pin, `091234560${i}`]));
    let seed = 0;
    /** A level-2 application taken in person by the commune police, at a campaign or at the police office. */
    const collect = async (pin: string, campaignId: string | null) => {
      seed += 1;
      const r = await call('POST', '/api/v1/eid/applications/in-person', 'congan.camhoang', {
        pin,
        phone: phones.get(pin),
        portrait: makePng(100, 120, 0x40 + seed).toString('base64'),
        fingerprints: [{ position: 2, template: makeFmr(seed * 10 + 2).toString('base64') }, { position: 7, template: makeFmr(seed * 10 + 7).toString('base64') }],
        consent: true,
        collectionPoint: campaignId ? { kind: 'campaign', unitCode: '10897', campaignId } : { kind: 'police_office', unitCode: '10897' },
      });
      expect(r.json()).toMatchObject({ level: 2, channel: campaignId ? 'campaign' : 'police_desk', status: 'verified', collectionPoint: { campaignId } });
      return r.json().id as number;
    };
    const decide = async (id: number, decision: object) => (await call('POST', `/api/v1/eid/applications/${id}/decision`, 'congan.camhoang', decision)).json().status as string;
    /** The citizen activates with the SMS code (e-ID activation flow), setting a password and a passcode. */
    const activate = async (pin: string) => {
      const phone = phones.get(pin)!;
      expect((await call('POST', '/api/v1/eid/activations', undefined, { pin, phone })).statusCode).toBe(202);
      const code = await lastCode(env(), `+84${phone.slice(1)}`);
      const r = await call('POST', '/api/v1/eid/activations/confirm', undefined, { pin, phone, code, password: 'Cẩm-Hoàng-2023', passcode: '482913' });
      expect(r.json()).toEqual({ activated: true, level: 2, status: 'active', passwordSet: true });
    };
    // Campaign 1 (commune hall, 18 February): four applications — one activated, one approved and
    // awaiting activation, one rejected, one not yet decided.
    const a = await collect(an.pin, c1);
    const b = await collect(bich.pin, c1);
    const c = await collect(cuong.pin, c1);
    await collect(dung.pin, c1);
    expect(await decide(a, { decision: 'approve' })).toBe('activation_pending');
    await activate(an.pin);
    expect(await decide(b, { decision: 'approve' })).toBe('activation_pending');
    expect(await decide(c, { decision: 'reject', reasonCode: 'PHOTO_UNUSABLE' })).toBe('rejected');
    // Campaign 2 (Hoàng Xá, 25 February): one application, activated.
    expect(await decide(await collect(giang.pin, c2), { decision: 'approve' })).toBe('activation_pending');
    await activate(giang.pin);
    // At the police office, not at a campaign: counted by neither.
    expect(await decide(await collect(hoa.pin, null), { decision: 'approve' })).toBe('activation_pending');
    await activate(hoa.pin);

    // The police queue filtered by the campaign tells the same.
    const queue = await call('GET', `/api/v1/eid/applications?campaignId=${c1}`, 'congan.camhoang');
    expect([queue.json().total, queue.json().counts]).toEqual([4, { received: 0, verified: 1, approved: 0, rejected: 1, activation_pending: 1, active: 1 }]);
    expect((await call('GET', `/api/v1/desk/campaigns/${c1}/results`, 'congan.camhoang')).json()).toEqual({ campaignId: c1, available: true, applications: 4, activations: 1, helpEntries: 1 });
    expect((await call('GET', `/api/v1/desk/campaigns/${c2}/results`, 'canbo.camhoang')).json()).toEqual({ campaignId: c2, available: true, applications: 1, activations: 1, helpEntries: 0 });

    // The indicator per campaign, for the province's working group: per period and per unit.
    const indicator = (query: string, who = 'bcd.haiduong') => call('GET', `/api/v1/desk/indicators/campaigns?${query}`, who).then((r) => r.json());
    const first = { campaignId: c1, available: true, applications: 4, activations: 1, helpEntries: 1, unitCode: '10897', day: '2023-02-18', siteId: ids().office };
    const later = { campaignId: c2, available: true, applications: 1, activations: 1, helpEntries: 0, unitCode: '10897', day: '2023-02-25', siteId: ids().hoangxa };
    expect(await indicator('from=2023-02-01&to=2023-02-28')).toEqual([first, later]);
    expect(await indicator('from=2023-02-20&to=2023-02-28')).toEqual([later]);
    expect(await indicator('from=2023-02-01&to=2023-02-28&unit=295')).toEqual([first, later]);
    expect(await indicator('from=2023-02-01&to=2023-02-28&unit=10900')).toEqual([]);
    expect(await indicator('from=2023-02-01&to=2023-02-28', 'canbo.phucxa')).toEqual([]);
    // A cancelled campaign drops out of the results.
    await call('PATCH', `/api/v1/desk/campaigns/${c2}`, 'congan.camhoang', { status: 'cancelled' });
    expect(await indicator('from=2023-02-01&to=2023-02-28')).toEqual([first]);
    await call('PATCH', `/api/v1/desk/campaigns/${c2}`, 'congan.camhoang', { status: 'held' });
  });

  it('answers unknown figures and absent references as null, never as 0', async () => {
    // A week with no shift at the desk: coverage unknown (0 of 0), not 0 %.
    const empty = await call('GET', `/api/v1/desk/roster?weekStart=2023-03-27&deskId=${ids().desk1}`, 'canbo.camhoang');
    expect(empty.json().coverage).toEqual({ scheduled: 0, staffed: 0, share: null });
    expect(empty.body).toContain('"coverage":{"scheduled":0,"staffed":0,"share":null}');
    // The office's bandwidth was never measured; measured at 0 Mbps (line down) it is 0.
    const office = await call('GET', `/api/v1/desk/sites/${ids().office}`, 'canbo.camhoang');
    expect(office.body).toContain('"bandwidthMbps":null');
    expect((await call('PATCH', `/api/v1/desk/sites/${ids().office}`, 'canbo.camhoang', { bandwidthMbps: 0 })).body).toContain('"bandwidthMbps":0');
    // Sent back as unknown, it is stored as unknown (the server's type coercion once made it 0).
    expect((await call('PATCH', `/api/v1/desk/sites/${ids().office}`, 'canbo.camhoang', { bandwidthMbps: null })).json().bandwidthMbps).toBeNull();
    expect((await call('GET', `/api/v1/desk/sites/${ids().office}`, 'canbo.camhoang')).body).toContain('"bandwidthMbps":null');
    const measured = await call('POST', '/api/v1/desk/sites', 'canbo.camhoang', { kind: 'service_centre', name: 'Trung tâm phục vụ hành chính công xã Cẩm Hoàng', internet: 'fixed_broadband', bandwidthMbps: null });
    expect([measured.statusCode, measured.json().bandwidthMbps]).toEqual([201, null]);
    // The capture device belongs to no desk; the computer to desk 1.
    const devices = await call('GET', `/api/v1/desk/devices?siteId=${ids().office}&kind=biometric_capture`, 'canbo.camhoang');
    expect(devices.json().items).toMatchObject([{ id: ids().capture, deskId: null }]);
    expect(devices.body).toContain('"deskId":null');
    // Help recorded by an officer who is not a team member, without a device or a citizen.
    const help = await call('POST', '/api/v1/desk/help', 'canbo.camhoang', { deskId: ids().desk1, kind: 'information_lookup', outcome: 'completed', at: '2023-03-01T08:30:00+07:00' });
    expect(help.json()).toMatchObject({ helperMemberId: null, helperName: null, deviceId: null, serviceCode: null, citizenPinMasked: null, voidedAt: null });
    for (const field of ['helperMemberId', 'deviceId']) expect(help.body).toContain(`"${field}":null`);
  });

  it('serves XLSX templates and imports rosters, equipment and help logs, keeping good rows and reporting bad ones by row and column', async () => {
    const template = await call('GET', '/api/v1/desk/imports/roster/template.xlsx', 'canbo.camhoang');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(template.rawPayload as unknown as ArrayBuffer);
    expect((wb.worksheets[0]!.getRow(1).values as string[]).slice(1)).toEqual(['Ngày trực', 'Buổi', 'Quầy', 'Điểm hỗ trợ', 'Người trực', 'Số điện thoại']);
    const upload = (kind: string, file: Buffer) => call('POST', `/api/v1/desk/imports/${kind}`, 'canbo.camhoang', file, { 'content-type': XLSX, 'x-file-name': `${kind}.xlsx` });

    const roster = await upload('roster', await xlsx([
      ['Ngày trực', 'Buổi', 'Quầy', 'Người trực', 'Số điện thoại'],
      ['16/02/2023', 'Chiều', 'Quầy hỗ trợ số 1', 'Nguyễn Thị Lan', '0912345678'],
      ['2023-02-20', 'sáng', 'Quầy thôn Hoàng Xá', 'Phạm Văn Hùng', ''],
      ['30/02/2023', 'Sáng', 'Quầy hỗ trợ số 1', 'Nguyễn Thị Lan', ''],
      ['2023-02-17', 'Tối', 'Quầy số 9', 'Người Lạ', ''],
      ['2023-02-17', 'Sáng', 'Quầy hỗ trợ số 1', 'Trần Văn Nam', ''],
    ]));
    expect(roster.statusCode).toBe(200);
    expect(roster.json()).toMatchObject({ kind: 'roster', rowsRead: 5, imported: 2, badRows: 3 });
    expect(roster.json().errors.map((e: { row: number; column: string; code: string }) => `${e.row} ${e.column} ${e.code}`)).toEqual([
      '4 Ngày trực IMPORT_DATE_INVALID',
      '5 Buổi DESK_IMPORT_VALUE_UNKNOWN',
      '5 Quầy DESK_IMPORT_REFERENCE_UNKNOWN',
      '5 Người trực DESK_IMPORT_REFERENCE_UNKNOWN',
      '6 Người trực DESK_MEMBER_INACTIVE',
    ]);
    // Monday 20 Feb had no shift yet: the roster's row created it.
    expect((await call('GET', `/api/v1/desk/roster?weekStart=2023-02-20&deskId=${ids().desk2}`, 'canbo.camhoang')).json().shifts).toMatchObject([{ day: '2023-02-20', period: 'morning', members: [{ fullName: 'Phạm Văn Hùng' }] }]);
    expect((await upload('roster', await xlsx([['Ngày trực', 'Buổi', 'Quầy', 'Người trực'], ['16/02/2023', 'Chiều', 'Quầy hỗ trợ số 1', 'Nguyễn Thị Lan']]))).json()).toMatchObject({ rowsRead: 1, imported: 0, badRows: 0 });

    const equipment = await upload('equipment', await xlsx([
      ['Điểm hỗ trợ', 'Loại thiết bị', 'Tên, model', 'Số sê-ri', 'Tình trạng', 'Ngày đưa vào sử dụng', 'Nguồn kinh phí'],
      ['Nhà văn hóa thôn Hoàng Đường', 'Máy tính', 'HP ProDesk 400', 'HP-2023-001', 'Đang hoạt động', '10/01/2023', 'Ngân sách tỉnh'],
      ['Trụ sở UBND xã Cẩm Hoàng', 'Máy quét', 'Canon DR-C225', 'CAN-77', 'Tốt', '', 'Xã hội hóa'],
      ['Trụ sở UBND xã Cẩm Hoàng', 'Máy fax', '', '', 'Tốt', '', 'Ngân sách xã'],
    ]));
    expect(equipment.json()).toMatchObject({ rowsRead: 3, imported: 2, badRows: 1, errors: [{ row: 4, column: 'Loại thiết bị', code: 'DESK_IMPORT_VALUE_UNKNOWN', value: 'Máy fax' }] });
    // Hoàng Đường now has a working computer: three villages of three are connected.
    expect((await call('GET', '/api/v1/desk/indicators/coverage', 'canbo.camhoang')).json()).toEqual([{ unitCode: '10897', villages: 3, connected: 3, share: 1 }]);

    const helpFile = await xlsx([
      ['Thời gian', 'Quầy', 'Nội dung hỗ trợ', 'Kết quả', 'Người hỗ trợ', 'Mã thủ tục', 'Số định danh công dân', 'Công dân đồng ý'],
      ['20/02/2023 08:15', 'Quầy hỗ trợ số 1', 'Cài đặt ứng dụng VNeID', 'Hoàn thành', 'Nguyễn Thị Lan', '', '', ''],
      ['2023-02-20 09:00', 'Quầy hỗ trợ số 1', 'Nộp hồ sơ trực tuyến thay công dân', 'Hoàn thành', '', '1.001193', PIN, 'Có'],
      ['2023-02-20 09:40', 'Quầy hỗ trợ số 1', 'filed_on_behalf', 'completed', '', '', PIN, ''],
      ['20/02/2023', 'Quầy hỗ trợ số 1', 'Tra cứu thông tin', 'Hoàn thành', '', '', '', ''],
    ]);
    const help = await upload('help', helpFile);
    expect(help.json()).toMatchObject({ rowsRead: 4, imported: 2, badRows: 2 });
    expect(help.json().errors.map((e: { row: number; column: string; code: string; value: string | null }) => `${e.row} ${e.column} ${e.code} ${e.value}`)).toEqual(['4 Công dân đồng ý DESK_CONSENT_REQUIRED null', '5 Thời gian DESK_IMPORT_TIME_INVALID 20/02/2023']);
    expect(help.body).not.toContain(PIN);
    expect((await upload('help', helpFile)).json()).toMatchObject({ imported: 0, badRows: 2 });
    const counted = await readIndicator(env().ctx.db.kysely, { indicator: 'desk.help', from: '2023-02-20', to: '2023-02-20' });
    expect(counted.map((r) => `${r.dims.kind}/${r.dims.outcome} ${r.count}`).sort()).toEqual(['filed_on_behalf/completed 1', 'vneid_install/completed 1']);

    const missing = await upload('equipment', await xlsx([['Điểm hỗ trợ', 'Tình trạng'], ['x', 'y']]));
    expect([missing.statusCode, missing.json().code]).toEqual([400, 'IMPORT_COLUMN_MISSING']);
  });

  it('gives every figure per unit and per period: Xã Cẩm Văn beside Xã Cẩm Hoàng in March 2023', async () => {
    const place = { unitCode: '10900', unitDate: D };
    const office = (await call('POST', '/api/v1/desk/sites', 'admin', { ...place, kind: 'commune_office', name: 'Trụ sở UBND xã Cẩm Văn', internet: 'fixed_broadband' })).json();
    expect(office).toMatchObject({ unitCode: '10900', unitDate: D });
    const house = (await call('POST', '/api/v1/desk/sites', 'admin', { ...place, kind: 'cultural_house', name: 'Nhà văn hóa thôn Cẩm Văn', internet: 'none' })).json();
    await call('POST', '/api/v1/desk/devices', 'admin', { siteId: house.id, kind: 'computer', status: 'working', funding: 'sponsorship' });
    const desk = (await call('POST', '/api/v1/desk/desks', 'admin', { siteId: office.id, name: 'Quầy hỗ trợ xã Cẩm Văn' })).json();
    // A week of shifts at Cẩm Văn, nobody assigned: coverage is a real 0 %.
    expect((await call('POST', '/api/v1/desk/roster/weeks', 'admin', { weekStart: '2023-03-06', deskId: desk.id })).json().created).toBe(10);
    const help = (who: string, deskId: number, kind: string, at: string) => call('POST', '/api/v1/desk/help', who, { deskId, kind, outcome: 'completed', at });
    await help('admin', desk.id, 'filed_on_behalf', '2023-03-07T09:00:00+07:00');
    await help('admin', desk.id, 'information_lookup', '2023-03-07T09:20:00+07:00');
    await help('hotro.camhoang', ids().desk1, 'guided_self_filing', '2023-03-07T10:00:00+07:00');
    await help('hotro.camhoang', ids().desk1, 'guided_self_filing', '2023-03-14T15:00:00+07:00');
    const campaign = (await call('POST', '/api/v1/desk/campaigns', 'admin', { siteId: office.id, day: '2023-03-07', title: 'Thu nhận căn cước tại hội trường UBND xã Cẩm Văn', status: 'held', officers: [{ fullName: 'Trung úy Nguyễn Văn Quang' }] })).json();

    const get = (what: string, query: string, who = 'bcd.haiduong') => call('GET', `/api/v1/desk/indicators/${what}?${query}`, who);
    const march = 'from=2023-03-01&to=2023-03-31';
    const hoang = { unitCode: '10897', guidedAlone: 2, filedOnBehalf: 0, share: 1, dossiersSelf: 0, dossiersOnBehalf: 0, dossierShare: null };
    const van = { unitCode: '10900', guidedAlone: 0, filedOnBehalf: 1, share: 0, dossiersSelf: 0, dossiersOnBehalf: 0, dossierShare: null };
    expect((await get('help', march)).json()).toEqual({
      byKindOutcome: [
        { unitCode: '10897', kind: 'guided_self_filing', outcome: 'completed', count: 2 },
        { unitCode: '10897', kind: 'information_lookup', outcome: 'completed', count: 1 },
        { unitCode: '10900', kind: 'filed_on_behalf', outcome: 'completed', count: 1 },
        { unitCode: '10900', kind: 'information_lookup', outcome: 'completed', count: 1 },
      ],
      selfService: [hoang, van],
    });
    expect((await get('help', `${march}&unit=10900`)).json().selfService).toEqual([van]);
    expect((await get('help', march, 'canbo.camhoang')).json().selfService).toEqual([hoang]);
    expect((await get('help', 'from=2023-03-08&to=2023-03-31')).json()).toEqual({
      byKindOutcome: [{ unitCode: '10897', kind: 'guided_self_filing', outcome: 'completed', count: 1 }],
      selfService: [{ ...hoang, guidedAlone: 1 }],
    });
    // Share 0 is written as 0, not null.
    const duty = await get('duty', 'from=2023-03-06&to=2023-03-12');
    expect(duty.json()).toEqual([{ unitCode: '10900', scheduled: 10, staffed: 0, share: 0 }]);
    expect(duty.body).toContain('"share":0}');
    expect((await get('duty', 'from=2023-02-13&to=2023-02-19&unit=10900')).json()).toEqual([]);
    expect((await get('duty', 'from=2023-02-13&to=2023-02-19&unit=295')).json()).toEqual([{ unitCode: '10897', scheduled: 20, staffed: 3, share: 3 / 20 }]);
    expect((await get('coverage', 'unit=295')).json()).toEqual([
      { unitCode: '10897', villages: 3, connected: 3, share: 1 },
      { unitCode: '10900', villages: 1, connected: 0, share: 0 },
    ]);
    expect((await get('equipment', 'unit=10900')).json()).toEqual([{ siteId: house.id, siteName: 'Nhà văn hóa thôn Cẩm Văn', unitCode: '10900', kind: 'computer', working: 1, total: 1 }]);
    expect((await get('campaigns', march)).json()).toEqual([{ campaignId: campaign.id, available: true, applications: 0, activations: 0, helpEntries: 2, unitCode: '10900', day: '2023-03-07', siteId: office.id }]);
    expect((await get('campaigns', `${march}&unit=10897`)).json()).toEqual([]);
  });

  it('keeps the records up to date on both engines: a district team, a member leaving, desk hours, a device under repair, a shift removed, the lists', async () => {
    // A team of the district (Huyện Cẩm Giàng, 295) where one exists; a commune officer does not see it.
    const district = await call('POST', '/api/v1/desk/teams', 'admin', { unitCode: '295', unitDate: D, name: 'Tổ công nghệ số cộng đồng huyện Cẩm Giàng', leadOrganisation: 'youth_union', foundedOn: '2022-10-03' });
    expect(district.json()).toMatchObject({ unitCode: '295', unitDate: D, memberCount: 0 });
    expect((await call('GET', '/api/v1/desk/teams?unit=295', 'admin')).json().items.map((t: { unitCode: string }) => t.unitCode).sort()).toEqual(['10897', '295']);
    expect((await call('GET', `/api/v1/desk/teams/${district.json().id}`, 'canbo.camhoang')).json().code).toBe('DESK_TEAM_NOT_FOUND');
    expect((await call('PATCH', `/api/v1/desk/teams/${ids().team}`, 'canbo.camhoang', { name: 'Tổ hỗ trợ DVC trực tuyến xã Cẩm Hoàng', foundedOn: null })).json()).toMatchObject({ name: 'Tổ hỗ trợ DVC trực tuyến xã Cẩm Hoàng', foundedOn: null });
    // Lan leaves at the end of March 2023: no longer counted, and not assignable after.
    expect((await call('PATCH', `/api/v1/desk/members/${ids().lan}`, 'canbo.camhoang', { leftOn: '2023-03-31' })).json()).toMatchObject({ leftOn: '2023-03-31', phone: '0912345678' });
    expect((await call('GET', `/api/v1/desk/teams/${ids().team}`, 'canbo.camhoang')).json().memberCount).toBe(1);
    // New hours at Hoàng Xá apply to shifts made afterwards; a shift added by mistake is removed.
    const hours = { morningStart: '08:00', morningEnd: '11:30', afternoonStart: '14:00', afternoonEnd: '17:30' };
    expect((await call('PATCH', `/api/v1/desk/desks/${ids().desk2}`, 'canbo.camhoang', { hours, teamId: null })).json()).toMatchObject({ hours, teamId: null });
    expect((await call('GET', `/api/v1/desk/desks/${ids().desk2}`, 'hotro.camhoang')).body).toContain('"teamId":null');
    const shift = await call('POST', `/api/v1/desk/desks/${ids().desk2}/shifts`, 'canbo.camhoang', { day: '2023-04-03', period: 'afternoon' });
    expect(shift.json()).toMatchObject({ startsAt: '2023-04-03T07:00:00Z', endsAt: '2023-04-03T10:30:00Z' });
    const late = await call('POST', `/api/v1/desk/shifts/${shift.json().id}/assignments`, 'canbo.camhoang', { memberId: ids().lan });
    expect([late.statusCode, late.json().code]).toEqual([409, 'DESK_MEMBER_INACTIVE']);
    expect((await call('DELETE', `/api/v1/desk/shifts/${shift.json().id}`, 'canbo.camhoang')).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/desk/roster?weekStart=2023-04-03&deskId=${ids().desk2}`, 'canbo.camhoang')).json().shifts).toEqual([]);
    // The office computer goes for repair: the equipment figures follow.
    expect((await call('PATCH', `/api/v1/desk/devices/${ids().pc1}`, 'canbo.camhoang', { status: 'under_repair', note: 'Hỏng ổ cứng' })).json()).toMatchObject({ status: 'under_repair', deskId: ids().desk1 });
    expect((await call('GET', '/api/v1/desk/devices?status=under_repair', 'hotro.camhoang')).json()).toMatchObject({ total: 1, items: [{ id: ids().pc1, model: 'Dell OptiPlex 3000' }] });
    const equipment = (await call('GET', '/api/v1/desk/indicators/equipment?unit=10897', 'bcd.haiduong')).json() as { siteId: number; kind: string; working: number; total: number }[];
    expect(equipment.filter((e) => e.siteId === ids().office).map((e) => `${e.kind} ${e.working}/${e.total}`)).toEqual(['biometric_capture 1/1', 'computer 0/1', 'scanner 1/1']);
    // Lists within the unit.
    expect((await call('GET', '/api/v1/desk/sites?kind=cultural_house', 'canbo.camhoang')).json().items.map((s: { name: string }) => s.name).sort()).toEqual(['Nhà văn hóa thôn Hoàng Xá', 'Nhà văn hóa thôn Hoàng Đường', 'Nhà văn hóa thôn Phú Lộc'].sort());
    expect((await call('GET', `/api/v1/desk/desks?siteId=${ids().office}`, 'hotro.camhoang')).json()).toMatchObject({ total: 1, items: [{ id: ids().desk1, name: 'Quầy hỗ trợ số 1' }] });
    const campaigns = await call('GET', '/api/v1/desk/campaigns?from=2023-02-01&to=2023-02-28', 'canbo.camhoang');
    expect(campaigns.json().items.map((c: { day: string }) => c.day)).toEqual(['2023-02-25', '2023-02-18']);
    expect((await call('GET', '/api/v1/desk/campaigns?unit=10900', 'admin')).json().items.map((c: { unitCode: string }) => c.unitCode)).toEqual(['10900']);
    expect((await call('GET', `/api/v1/desk/help/${ids().helpPin}`, 'hotro.camhoang')).json()).toMatchObject({ citizenPinMasked: '030******345', serviceCode: '1.001193' });
  });

  it('reads coverage and equipment as of a day: a connection and a repair count from the day they took effect', async () => {
    const house = (await call('POST', '/api/v1/desk/sites', 'canbo.camhoang', { name: 'Nhà văn hóa thôn Quý Dương', kind: 'cultural_house', internet: 'none', effectiveOn: '2023-01-02' })).json();
    const pc = (await call('POST', '/api/v1/desk/devices', 'canbo.camhoang', { siteId: house.id, kind: 'computer', status: 'broken', funding: 'provincial_budget', acquiredOn: '2023-01-02' })).json();
    expect((await call('PATCH', `/api/v1/desk/sites/${house.id}`, 'canbo.camhoang', { internet: 'fixed_broadband', effectiveOn: '2023-02-10' })).statusCode).toBe(200);
    expect((await call('PATCH', `/api/v1/desk/devices/${pc.id}`, 'canbo.camhoang', { status: 'working', effectiveOn: '2023-03-01' })).statusCode).toBe(200);
    expect((await call('PATCH', `/api/v1/desk/devices/${pc.id}`, 'canbo.camhoang', { status: 'retired', effectiveOn: '2023-04-01' })).statusCode).toBe(200);
    const coverage = async (at: string) => (await call('GET', `/api/v1/desk/indicators/coverage?unit=10897&at=${at}`, 'bcd.haiduong')).json();
    // The other village houses of Cẩm Hoàng were recorded today: before, only Quý Dương was in the inventory.
    expect(await coverage('2022-12-31')).toEqual([]);
    expect(await coverage('2023-01-31')).toEqual([{ unitCode: '10897', villages: 1, connected: 0, share: 0 }]);
    expect(await coverage('2023-02-15')).toEqual([{ unitCode: '10897', villages: 1, connected: 0, share: 0 }]);
    expect(await coverage('2023-03-01')).toEqual([{ unitCode: '10897', villages: 1, connected: 1, share: 1 }]);
    expect(await coverage('2023-04-01')).toEqual([{ unitCode: '10897', villages: 1, connected: 0, share: 0 }]);
    const equipment = async (at: string) => (await call('GET', `/api/v1/desk/indicators/equipment?unit=10897&at=${at}`, 'bcd.haiduong')).json().filter((e: { siteId: number }) => e.siteId === house.id);
    expect(await equipment('2023-02-15')).toEqual([{ siteId: house.id, siteName: 'Nhà văn hóa thôn Quý Dương', unitCode: '10897', kind: 'computer', working: 0, total: 1 }]);
    expect(await equipment('2023-03-15')).toEqual([{ siteId: house.id, siteName: 'Nhà văn hóa thôn Quý Dương', unitCode: '10897', kind: 'computer', working: 1, total: 1 }]);
    expect(await equipment('2023-04-02')).toEqual([]);
    // A change may not take effect in the future.
    const later = await call('PATCH', `/api/v1/desk/devices/${pc.id}`, 'canbo.camhoang', { status: 'working', effectiveOn: '2099-01-01' });
    expect(later.statusCode).toBe(400);
    expect(codes(later)).toEqual(['body.effectiveOn FIELD_OUT_OF_RANGE']);
  });

  it('refuses ids beyond 2^53 − 1 in paths, queries and bodies as 400 (the fuzzer\'s `1e21` reached PostgreSQL\'s bigint: a 500)', async () => {
    for (const [method, url, payload] of [
      ['GET', '/api/v1/desk/teams/1e21', undefined],
      ['GET', '/api/v1/desk/desks?siteId=1e21', undefined],
      ['DELETE', '/api/v1/desk/shifts/9007199254740992', undefined],
      ['POST', '/api/v1/desk/help', { deskId: 1e21, kind: 'other', outcome: 'completed' }],
    ] as const) {
      const r = await call(method, url, 'admin', payload);
      expect(r.statusCode, url).toBe(400);
      expect(r.json().errors?.[0]?.code, url).toBe('FIELD_OUT_OF_RANGE');
    }
    expect((await call('GET', '/api/v1/desk/teams/9007199254740991', 'admin')).json().code).toBe('DESK_TEAM_NOT_FOUND');
  });

  it('documents every desk route in OpenAPI', async () => {
    const spec = (await env().app.inject('/api/openapi.json')).json() as { paths: Record<string, Record<string, { summary?: string; tags?: string[] }>> };
    const desk = Object.entries(spec.paths).filter(([p]) => p.startsWith('/api/v1/desk/'));
    expect(desk.length).toBeGreaterThanOrEqual(35);
    for (const [p, ops] of desk) for (const [m, op] of Object.entries(ops)) expect(op.summary, `${m} ${p}`).toBeTruthy();
  });
});

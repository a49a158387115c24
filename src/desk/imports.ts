/**
 * Imports of the spreadsheets officials already keep at the desk: duty rosters, equipment lists
 * and help logs (XLSX, or CSV), each with a downloadable template (Vietnamese headers; English
 * headers and the column keys are accepted too; codes or Vietnamese labels for every list value).
 * Files are read with the platform's sheet reader (src/platform/spreadsheets.ts, as citizen lists
 * are); every row is checked on its own: the good rows are kept (written in one transaction, each
 * audited as if entered by hand) and the bad ones reported by row, column and catalogue code.
 * Names (desks, sites, members) are looked up within the unit being imported.
 *
 * Importing a file again adds nothing twice: a roster assignment already there, a device whose
 * serial number the site already has (its fields are updated) and a help-log row already imported
 * (same content; identical rows within one file stay distinct) count as unchanged.
 */
import { createHash } from 'node:crypto';
import { Temporal } from 'temporal-polyfill';
import type { Database } from '../platform/db/database.js';
import { AppError, messageOf, type ErrorCode, type ErrorParams, type Language } from '../platform/errors.js';
import { cellText, maskDigits, normalizeImportDate, normalizePhone, readSheetRows, SheetTemplate, templateColumn, type CellValue, type SheetLayout } from '../platform/spreadsheets.js';
import { foldForSearch } from '../platform/text.js';
import { recordAudit } from '../platform/audit/audit.js';
import { nowUtc, todayInVietnam } from '../platform/dates.js';
import { recordDeviceState } from './inventory.js';
import { DEVICE_KINDS, DEVICE_STATUSES, FUNDING_SOURCES, HELP_KINDS, HELP_OUTCOMES, SHIFT_PERIODS, codesOf, type Vocabulary } from './model.js';
import { checkHelp, helpFieldErrors, insertHelp } from './help.js';
import { checkAssignable, insertAssignment, shiftTimes, vietnamInstant } from './roster.js';
import type { ImportKind, ImportReport } from './schemas.js';
import { inAreaCondition, withinCondition, type Db } from './store.js';
import { insertDevice } from './sites.js';
import type { DeskCaller, PlacedUnit } from './scope.js';

const c = templateColumn;
const DATE = { vi: 'YYYY-MM-DD hoặc dd/mm/yyyy.', en: 'YYYY-MM-DD or dd/mm/yyyy.' };
const labels = (v: Vocabulary<string>) => codesOf(v).map((k) => v[k]!.vi).join(', ');

/** Roster rows: one member on one half-day shift of one desk. */
const ROSTER = new SheetTemplate([
  c('ngay', 'Ngày trực', 'Date', { required: true, example: '2023-02-15', ...DATE }),
  c('buoi', 'Buổi', 'Half-day', { required: true, example: 'Sáng', vi: 'Sáng hoặc Chiều.', en: 'Sáng (morning) or Chiều (afternoon).' }),
  c('quay', 'Quầy', 'Desk', { required: true, example: 'Quầy hỗ trợ số 1', vi: 'Tên quầy như đã khai báo.', en: 'The desk name as registered.' }),
  c('diem', 'Điểm hỗ trợ', 'Site', { example: 'Trụ sở UBND xã Cẩm Hoàng', vi: 'Tên điểm, khi hai quầy trùng tên.', en: 'The site name, when two desks share a name.' }),
  c('ho_ten', 'Người trực', 'Member', { required: true, example: 'Nguyễn Thị Lan', vi: 'Họ và tên thành viên tổ hỗ trợ.', en: 'Full name of the team member.' }),
  c('so_dien_thoai', 'Số điện thoại', 'Phone', { asText: true, example: '0912345678', vi: 'Khi hai thành viên trùng tên.', en: 'When two members share a name.' }),
] as const);

/** Equipment rows: one device at a site. */
const EQUIPMENT = new SheetTemplate([
  c('diem', 'Điểm hỗ trợ', 'Site', { required: true, example: 'Nhà văn hóa thôn Hoàng Xá', vi: 'Tên điểm như đã khai báo.', en: 'The site name as registered.' }),
  c('loai', 'Loại thiết bị', 'Device kind', { required: true, example: 'Máy tính', vi: labels(DEVICE_KINDS), en: codesOf(DEVICE_KINDS).join(', ') }),
  c('model', 'Tên, model', 'Model', { example: 'Dell OptiPlex 3000', vi: 'Nhãn hiệu, model.', en: 'Make and model.' }),
  c('so_seri', 'Số sê-ri', 'Serial number', { asText: true, example: 'CN0X12345', vi: 'Số sê-ri; thiết bị cùng số sê-ri ở cùng điểm được cập nhật.', en: 'Serial number; a device with the same serial at the site is updated.' }),
  c('tinh_trang', 'Tình trạng', 'Status', { required: true, example: 'Đang hoạt động', vi: labels(DEVICE_STATUSES), en: codesOf(DEVICE_STATUSES).join(', ') }),
  c('ngay_dua_vao_su_dung', 'Ngày đưa vào sử dụng', 'Acquired on', { example: '2022-11-20', ...DATE }),
  c('nguon_kinh_phi', 'Nguồn kinh phí', 'Funding source', { required: true, example: 'Ngân sách tỉnh', vi: labels(FUNDING_SOURCES), en: codesOf(FUNDING_SOURCES).join(', ') }),
  c('quay', 'Quầy', 'Desk', { example: '', vi: 'Quầy đặt thiết bị (nếu có).', en: 'The desk it stands at, if any.' }),
  c('ghi_chu', 'Ghi chú', 'Note', { vi: 'Tối đa 500 ký tự.', en: 'Up to 500 characters.' }),
] as const);

/** Help-log rows: one help given. */
const HELP = new SheetTemplate([
  c('thoi_gian', 'Thời gian', 'Time', { required: true, example: '15/02/2023 09:30', vi: 'dd/mm/yyyy HH:MM hoặc YYYY-MM-DD HH:MM, giờ Việt Nam.', en: 'dd/mm/yyyy HH:MM or YYYY-MM-DD HH:MM, Vietnam time.' }),
  c('quay', 'Quầy', 'Desk', { required: true, example: 'Quầy hỗ trợ số 1', vi: 'Tên quầy như đã khai báo.', en: 'The desk name as registered.' }),
  c('diem', 'Điểm hỗ trợ', 'Site', { example: '', vi: 'Tên điểm, khi hai quầy trùng tên.', en: 'The site name, when two desks share a name.' }),
  c('noi_dung', 'Nội dung hỗ trợ', 'Help given', { required: true, example: 'Hướng dẫn công dân tự nộp hồ sơ trực tuyến', vi: labels(HELP_KINDS), en: codesOf(HELP_KINDS).join(', ') }),
  c('ket_qua', 'Kết quả', 'Outcome', { required: true, example: 'Hoàn thành', vi: labels(HELP_OUTCOMES), en: codesOf(HELP_OUTCOMES).join(', ') }),
  c('nguoi_ho_tro', 'Người hỗ trợ', 'Helper', { example: 'Nguyễn Thị Lan', vi: 'Họ và tên thành viên tổ hỗ trợ.', en: 'Full name of the team member.' }),
  c('ma_thu_tuc', 'Mã thủ tục', 'Procedure code', { asText: true, example: '1.001193', vi: 'Mã thủ tục hành chính (nếu có).', en: 'Administrative procedure code, if any.' }),
  c('so_dinh_danh', 'Số định danh công dân', 'Citizen identification number', { asText: true, example: '', vi: '12 chữ số; chỉ ghi khi công dân đồng ý.', en: '12 digits; only with the citizen’s consent.' }),
  c('dong_y', 'Công dân đồng ý', 'Consent', { example: '', vi: 'Có hoặc Không (bắt buộc Có khi ghi số định danh).', en: 'Có (yes) or Không (no); yes is required with a number.' }),
  c('ghi_chu', 'Ghi chú', 'Note', { vi: 'Tối đa 500 ký tự.', en: 'Up to 500 characters.' }),
] as const);

const TEMPLATES = { roster: ROSTER, equipment: EQUIPMENT, help: HELP } as const;
const SHEET_NAMES: Record<ImportKind, string> = { roster: 'Lịch trực', equipment: 'Thiết bị', help: 'Sổ hỗ trợ' };
/** Columns whose values are masked in reports. */
const MASKED = new Set(['so_dinh_danh', 'so_dien_thoai']);

/** The downloadable template of an import (XLSX or CSV). */
export function writeDeskTemplate(kind: ImportKind, format: 'csv' | 'xlsx'): Promise<Buffer> {
  return TEMPLATES[kind].write(format, SHEET_NAMES[kind]);
}

/** A vocabulary value from its code or either label, folded (case, diacritics, spacing ignored). */
function vocabularyReader<C extends string>(v: Vocabulary<C>, extra: Record<string, C> = {}): (text: string) => C | undefined {
  const map = new Map<string, C>();
  for (const code of codesOf(v)) for (const s of [code, v[code].vi, v[code].en]) map.set(foldForSearch(s).replace(/[\s_]+/g, ' '), code);
  for (const [s, code] of Object.entries(extra)) map.set(foldForSearch(s), code);
  return (text) => map.get(foldForSearch(text).replace(/[\s_]+/g, ' '));
}

const readPeriod = vocabularyReader(SHIFT_PERIODS, { 'buoi sang': 'morning', 'buoi chieu': 'afternoon', s: 'morning', c: 'afternoon' });
const readDeviceKind = vocabularyReader(DEVICE_KINDS, { 'may vi tinh': 'computer', 'may tinh de ban': 'computer', 'may tinh xach tay': 'computer', 'may scan': 'scanner', kiot: 'kiosk' });
const readDeviceStatus = vocabularyReader(DEVICE_STATUSES, { tot: 'working', 'hoat dong': 'working', 'dang su dung': 'working', 'hu hong': 'broken', 'dang sua': 'under_repair', 'thanh ly': 'retired' });
const readFunding = vocabularyReader(FUNDING_SOURCES, { 'ngan sach nha nuoc': 'provincial_budget', 'xa hoi hoa': 'sponsorship', 'tai tro': 'sponsorship', 'cong an cap': 'police' });
const readHelpKind = vocabularyReader(HELP_KINDS, { 'cai vneid': 'vneid_install', 'kich hoat tai khoan': 'account_activation', 'kich hoat vneid': 'account_activation', 'nop ho': 'filed_on_behalf', 'tra cuu': 'information_lookup' });
const readOutcome = vocabularyReader(HELP_OUTCOMES, { xong: 'completed', 'da xong': 'completed', 'hen lai': 'pending', 'chuyen': 'referred', 'khong duoc': 'failed' });
const YES = new Set(['co', 'x', 'yes', 'y', '1', 'true', 'dong y']);
const NO = new Set(['khong', 'no', 'n', '0', 'false', 'khong dong y']);

/** One error of a row as the report lists it. */
interface RowError {
  column: string;
  code: ErrorCode;
  params?: ErrorParams;
}

/** The cells of one data row by column key, with reporting helpers. */
class Row<K extends string> {
  readonly errors: RowError[] = [];
  constructor(
    readonly row: number,
    private readonly cells: Map<K, CellValue>,
    private readonly template: SheetTemplate<K>,
  ) {}

  raw(key: K): CellValue {
    return this.cells.get(key);
  }

  text(key: K): string | undefined {
    const t = cellText(this.cells.get(key));
    if (t === '') {
      if (this.template.column(key)?.required) this.fail(key, 'IMPORT_VALUE_REQUIRED');
      return undefined;
    }
    if (this.template.column(key)?.asText && typeof this.cells.get(key) === 'number') {
      this.fail(key, 'IMPORT_NUMBER_AS_NUMBER');
      return undefined;
    }
    return t;
  }

  fail(column: K, code: ErrorCode, params?: ErrorParams): undefined {
    this.errors.push({ column, code, params });
    return undefined;
  }

  /** A value read with `parse`; DESK_IMPORT_VALUE_UNKNOWN listing the labels when it gives nothing. */
  pick<C>(key: K, parse: (s: string) => C | undefined, expected: string): C | undefined {
    const t = this.text(key);
    if (t === undefined) return undefined;
    return parse(t) ?? this.fail(key, 'DESK_IMPORT_VALUE_UNKNOWN', { expected });
  }

  date(key: K): string | undefined {
    const t = this.text(key);
    if (t === undefined) return undefined;
    return normalizeImportDate(t) ?? this.fail(key, 'IMPORT_DATE_INVALID');
  }

  limited(key: K, max: number): string | undefined {
    const t = this.text(key);
    if (t !== undefined && [...t].length > max) return this.fail(key, 'IMPORT_TEXT_TOO_LONG', { limit: max });
    return t;
  }
}

/** Name look-ups within the unit being imported (folded names; a second column tells namesakes apart). */
class Directory {
  private constructor(
    private readonly desks: { id: number; name: string; site: string; siteId: number }[],
    private readonly sites: { id: number; name: string }[],
    private readonly members: { id: number; name: string; phone: string | null }[],
  ) {}

  static async load(t: Db, caller: DeskCaller, unit: PlacedUnit): Promise<Directory> {
    const desks = await t
      .selectFrom('desk_desks as d')
      .innerJoin('desk_sites as s', 's.id', 'd.site_id')
      .where(inAreaCondition(caller.area, 's'))
      .where(withinCondition(unit.unitCode, 's'))
      .select(['d.id', 'd.name', 's.name as site', 's.id as site_id'])
      .execute();
    const sites = await t.selectFrom('desk_sites as s').where(inAreaCondition(caller.area, 's')).where(withinCondition(unit.unitCode, 's')).select(['s.id', 's.name']).execute();
    const members = await t
      .selectFrom('desk_members as m')
      .innerJoin('desk_teams as tm', 'tm.id', 'm.team_id')
      .where(inAreaCondition(caller.area, 'tm'))
      .where((eb) => eb.or([withinCondition(unit.unitCode, 'tm'), eb('tm.unit_code', 'in', [unit.scope_province, unit.scope_district, unit.scope_commune].filter((x): x is string => x !== null))]))
      .select(['m.id', 'm.full_name', 'm.phone'])
      .execute();
    const f = (s: string) => foldForSearch(s);
    return new Directory(
      desks.map((d) => ({ id: Number(d.id), name: f(d.name), site: f(d.site), siteId: Number(d.site_id) })),
      sites.map((s) => ({ id: Number(s.id), name: f(s.name) })),
      members.map((m) => ({ id: Number(m.id), name: f(m.full_name), phone: m.phone })),
    );
  }

  desk<K extends string>(row: Row<K>, deskKey: K, siteKey: K, siteId?: number): number | undefined {
    const name = row.text(deskKey);
    if (name === undefined) return undefined;
    const site = row.text(siteKey);
    let hits = this.desks.filter((d) => d.name === foldForSearch(name) && (siteId === undefined || d.siteId === siteId));
    if (hits.length > 1 && site) hits = hits.filter((d) => d.site === foldForSearch(site));
    if (hits.length === 0) return row.fail(deskKey, 'DESK_IMPORT_REFERENCE_UNKNOWN');
    if (hits.length > 1) return row.fail(deskKey, 'DESK_IMPORT_REFERENCE_AMBIGUOUS');
    return hits[0]!.id;
  }

  site<K extends string>(row: Row<K>, siteKey: K): number | undefined {
    const name = row.text(siteKey);
    if (name === undefined) return undefined;
    const hits = this.sites.filter((s) => s.name === foldForSearch(name));
    if (hits.length === 0) return row.fail(siteKey, 'DESK_IMPORT_REFERENCE_UNKNOWN');
    if (hits.length > 1) return row.fail(siteKey, 'DESK_IMPORT_REFERENCE_AMBIGUOUS');
    return hits[0]!.id;
  }

  member<K extends string>(row: Row<K>, nameKey: K, phoneKey?: K): number | undefined {
    const name = row.text(nameKey);
    if (name === undefined) return undefined;
    let hits = this.members.filter((m) => m.name === foldForSearch(name));
    const phoneText = phoneKey ? row.text(phoneKey) : undefined;
    if (phoneText !== undefined && phoneKey) {
      const phone = normalizePhone(phoneText);
      if (!phone) return row.fail(phoneKey, 'IMPORT_PHONE_FORMAT');
      if (hits.length > 1) hits = hits.filter((m) => m.phone === phone);
    }
    if (hits.length === 0) return row.fail(nameKey, 'DESK_IMPORT_REFERENCE_UNKNOWN');
    if (hits.length > 1) return row.fail(nameKey, 'DESK_IMPORT_REFERENCE_AMBIGUOUS');
    return hits[0]!.id;
  }
}

/** `15/02/2023 09:30`, `2023-02-15 09:30` (or an Excel date-time cell, its wall clock read as Vietnam time) → UTC instant. */
export function importInstant(cell: CellValue): string | undefined {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return undefined;
    const wall = Temporal.Instant.fromEpochMilliseconds(cell.getTime()).toZonedDateTimeISO('UTC').toPlainDateTime();
    return wall.toZonedDateTime('Asia/Ho_Chi_Minh').toInstant().toString();
  }
  const m = /^(\S+)[ T](\d{1,2}):(\d{2})(?::\d{2})?$/.exec(cellText(cell));
  if (!m) return undefined;
  const day = normalizeImportDate(m[1]!);
  const hour = Number(m[2]);
  if (!day || hour > 23 || Number(m[3]) > 59) return undefined;
  return vietnamInstant(day, `${String(hour).padStart(2, '0')}:${m[3]}`);
}

/** Checks and writes one row; throws an AppError for a rule checked against the database before writing anything. */
type Handler<K extends string> = (t: Db, trx: Parameters<typeof recordAudit>[0], caller: DeskCaller, row: Row<K>, dir: Directory) => Promise<'imported' | 'unchanged' | 'bad'>;

/** Reads a file's rows and hands each good one to `handle` inside one transaction. */
async function runImport<K extends string>(db: Database, caller: DeskCaller, unit: PlacedUnit, kind: ImportKind, template: SheetTemplate<K>, input: { stream: NodeJS.ReadableStream; name: string }, lang: Language, handle: Handler<K>, columnOf: (code: ErrorCode) => K): Promise<ImportReport> {
  const errors: ImportReport['errors'] = [];
  let rowsRead = 0;
  let imported = 0;
  const bad = new Set<number>();
  await db.transaction(async (trx) => {
    const t = trx as Db;
    const dir = await Directory.load(t, caller, unit);
    let layout: SheetLayout<K> | undefined;
    for await (const raw of readSheetRows(input.stream, input.name)) {
      if (raw.values.every((v) => cellText(v) === '')) continue;
      if (!layout) {
        layout = template.layout(raw.values.map(cellText), input.name);
        for (const u of layout.unknown) errors.push({ row: raw.row, column: u.column, code: u.code, message: messageOf(u.code, lang, u.params), value: u.value ?? null });
        continue;
      }
      rowsRead++;
      const cells = new Map<K, CellValue>();
      raw.values.forEach((v, i) => {
        const key = layout!.columns[i];
        if (key !== undefined && key !== 'ignored') cells.set(key, v);
      });
      const row = new Row(raw.row, cells, template);
      let outcome: 'imported' | 'unchanged' | 'bad';
      try {
        outcome = await handle(t, trx, caller, row, dir);
      } catch (e) {
        // Rules checked against the database (a member who left, a device elsewhere…) before any write of the row.
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        const first = e.fieldErrors[0];
        row.errors.push({ column: first ? first.field : columnOf(e.code), code: first ? first.code : e.code, params: first ? first.params : e.params });
        outcome = 'bad';
      }
      if (row.errors.length > 0) {
        bad.add(raw.row);
        for (const err of row.errors) {
          const label = template.column(err.column)?.header[lang] ?? err.column;
          const text = cellText(cells.get(err.column as K)) || null;
          const value = text && MASKED.has(err.column) ? maskDigits(text) : text;
          errors.push({ row: raw.row, column: label, code: err.code, message: messageOf(err.code, lang, { column: label, value: value ?? '', ...err.params }), value });
        }
      } else if (outcome === 'imported') imported++;
    }
    if (!layout) throw new AppError('IMPORT_FILE_EMPTY', { file: input.name });
    await recordAudit(trx, { actor: caller.actor, action: `desk.import.${kind}`, summary: `${input.name.slice(0, 100)}: ${rowsRead} rows, ${imported} imported, ${bad.size} bad, unit ${unit.unitCode}` });
  });
  return { kind, file: input.name, rowsRead, imported, badRows: bad.size, errors };
}

/** Roster rows: the desk's shift on that day and half-day (created when missing) gets the member. */
const rosterRow: Handler<(typeof ROSTER.columns)[number]['key']> = async (t, trx, caller, row, dir) => {
  const day = row.date('ngay');
  const period = row.pick('buoi', readPeriod, 'Sáng, Chiều');
  const deskId = dir.desk(row, 'quay', 'diem');
  const memberId = dir.member(row, 'ho_ten', 'so_dien_thoai');
  if (row.errors.length > 0 || !day || !period || !deskId || !memberId) return 'bad';
  await checkAssignable(t, caller, memberId, { day, deskId });
  let shift = await t.selectFrom('desk_shifts').select('id').where('desk_id', '=', deskId).where('day', '=', day).where('period', '=', period).executeTakeFirst();
  if (!shift) {
    const desk = await t.selectFrom('desk_desks').selectAll().where('id', '=', deskId).executeTakeFirstOrThrow();
    const times = shiftTimes(desk, day, period);
    shift = await t.insertInto('desk_shifts').values({ desk_id: deskId, day, period, starts_at: times.startsAt, ends_at: times.endsAt, created_at: nowUtc() }).returning('id').executeTakeFirstOrThrow();
  }
  const exists = await t.selectFrom('desk_assignments').select('shift_id').where('shift_id', '=', Number(shift.id)).where('member_id', '=', memberId).executeTakeFirst();
  if (exists) return 'unchanged';
  await insertAssignment(t, trx, caller, Number(shift.id), memberId, 'import');
  return 'imported';
};

/** Equipment rows: a new device, or the device of that serial number at the site updated. */
const equipmentRow: Handler<(typeof EQUIPMENT.columns)[number]['key']> = async (t, trx, caller, row, dir) => {
  const siteId = dir.site(row, 'diem');
  const kind = row.pick('loai', readDeviceKind, labels(DEVICE_KINDS));
  const status = row.pick('tinh_trang', readDeviceStatus, labels(DEVICE_STATUSES));
  const funding = row.pick('nguon_kinh_phi', readFunding, labels(FUNDING_SOURCES));
  const acquiredOn = row.date('ngay_dua_vao_su_dung');
  const model = row.limited('model', 200);
  const serial = row.limited('so_seri', 100);
  const note = row.limited('ghi_chu', 500);
  const deskId = siteId && row.text('quay') !== undefined ? dir.desk(row, 'quay', 'diem', siteId) : undefined;
  if (acquiredOn && acquiredOn > nowUtc().slice(0, 10)) row.fail('ngay_dua_vao_su_dung', 'IMPORT_DATE_IN_FUTURE', { reference: nowUtc().slice(0, 10) });
  if (row.errors.length > 0 || !siteId || !kind || !status || !funding) return 'bad';
  const fields = { kind, status, funding, acquiredOn: acquiredOn ?? null, model: model ?? null, serial: serial ?? null, note: note ?? null, deskId: deskId ?? null };
  const existing = serial ? await t.selectFrom('desk_devices').selectAll().where('site_id', '=', siteId).where('serial', '=', serial).executeTakeFirst() : undefined;
  if (!existing) {
    await insertDevice(t, trx, caller, siteId, fields, 'import');
    return 'imported';
  }
  const same = existing.kind === kind && existing.status === status && existing.funding === funding && existing.acquired_on === fields.acquiredOn && existing.model === fields.model && existing.note === fields.note && (existing.desk_id === null ? null : Number(existing.desk_id)) === fields.deskId;
  if (same) return 'unchanged';
  const updatedAt = nowUtc();
  await t.updateTable('desk_devices').set({ kind, status, funding, acquired_on: fields.acquiredOn, model: fields.model, note: fields.note, desk_id: fields.deskId, updated_at: updatedAt }).where('id', '=', existing.id).execute();
  // A status changed by a later list takes effect the day it is imported.
  if (existing.status !== status) await recordDeviceState(t, Number(existing.id), todayInVietnam(), status, updatedAt);
  await recordAudit(trx, { actor: caller.actor, action: 'desk.device.update', subjects: [{ type: 'desk-device', id: String(existing.id) }], summary: 'updated from an equipment import' });
  return 'imported';
};

/** Help-log rows, counted in the `desk.help` roll-up like entries made by hand. */
function helpRow(seen: Map<string, number>): Handler<(typeof HELP.columns)[number]['key']> {
  return async (t, trx, caller, row, dir) => {
    const timeCell = row.raw('thoi_gian');
    const at = row.text('thoi_gian') === undefined ? undefined : (importInstant(timeCell) ?? row.fail('thoi_gian', 'DESK_IMPORT_TIME_INVALID'));
    const deskId = dir.desk(row, 'quay', 'diem');
    const kind = row.pick('noi_dung', readHelpKind, labels(HELP_KINDS));
    const outcome = row.pick('ket_qua', readOutcome, labels(HELP_OUTCOMES));
    const helperMemberId = row.text('nguoi_ho_tro') !== undefined ? dir.member(row, 'nguoi_ho_tro') : undefined;
    const serviceCode = row.text('ma_thu_tuc');
    if (serviceCode !== undefined && !/^[0-9A-Za-z][0-9A-Za-z._-]{0,59}$/.test(serviceCode)) row.fail('ma_thu_tuc', 'FIELD_FORMAT', { field: 'ma_thu_tuc', expected: '1.001234' });
    const pin = row.text('so_dinh_danh');
    const consentText = row.text('dong_y');
    const consent = consentText === undefined ? undefined : YES.has(foldForSearch(consentText)) ? true : NO.has(foldForSearch(consentText)) ? false : row.fail('dong_y', 'DESK_IMPORT_VALUE_UNKNOWN', { expected: 'Có, Không' });
    const note = row.limited('ghi_chu', 500);
    if (pin !== undefined) {
      for (const e of helpFieldErrors({ citizenPin: pin, consent, at }, (f) => (f === 'citizenPin' ? 'so_dinh_danh' : f === 'consent' ? 'dong_y' : 'thoi_gian'))) row.fail(e.field as 'so_dinh_danh', e.code, e.params);
    } else if (at) {
      for (const e of helpFieldErrors({ at }, () => 'thoi_gian')) row.fail('thoi_gian', e.code, e.params);
    }
    if (row.errors.length > 0 || !at || !deskId || !kind || !outcome) return 'bad';
    // The same content imported again is the same entry; identical rows of one file stay distinct.
    const content = JSON.stringify([at, deskId, kind, outcome, helperMemberId ?? null, serviceCode ?? null, pin ?? null, note ?? null]);
    const occurrence = (seen.get(content) ?? 0) + 1;
    seen.set(content, occurrence);
    const clientRef = `import-${createHash('sha256').update(`${content}#${occurrence}`).digest('base64url').slice(0, 43)}`;
    if (await t.selectFrom('desk_help').select('id').where('client_ref', '=', clientRef).executeTakeFirst()) return 'unchanged';
      const input = { deskId, kind, outcome, at, helperMemberId: helperMemberId ?? null, serviceCode: serviceCode ?? null, citizenPin: pin ?? null, consent: consent ?? false, note: note ?? null, clientRef };
    const checked = await checkHelp(t, caller, input);
    await insertHelp(t, trx, caller, input, checked, 'import');
    return 'imported';
  };
}

/**
 * Imports a roster, equipment list or help log into the unit `unit` (within the caller's). Returns
 * the report: data rows read, rows imported, bad rows with every error by row and column (message
 * in `lang`; identification and phone numbers masked). Whole-file errors are thrown:
 * IMPORT_COLUMN_MISSING, IMPORT_COLUMN_DUPLICATE, IMPORT_FILE_EMPTY, IMPORT_FILE_FORMAT_UNSUPPORTED,
 * IMPORT_FILE_UNREADABLE, IMPORT_FILE_ENCODING.
 */
export async function importDeskFile(db: Database, caller: DeskCaller, unit: PlacedUnit, kind: ImportKind, input: { stream: NodeJS.ReadableStream; name: string }, lang: Language): Promise<ImportReport> {
  if (kind === 'roster') return runImport(db, caller, unit, kind, ROSTER, input, lang, rosterRow, (code) => (code.startsWith('DESK_MEMBER') ? 'ho_ten' : 'quay'));
  if (kind === 'equipment') return runImport(db, caller, unit, kind, EQUIPMENT, input, lang, equipmentRow, () => 'quay');
  return runImport(db, caller, unit, kind, HELP, input, lang, helpRow(new Map()), (code) => (code.startsWith('DESK_MEMBER') ? 'nguoi_ho_tro' : 'quay'));
}


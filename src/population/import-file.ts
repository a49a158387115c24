/**
 * Citizen import files: the downloadable template, a streaming reader for the CSV and XLSX files
 * officials fill in, and the downloadable report of bad rows.
 *
 * - The template ({@link CITIZEN_TEMPLATE_COLUMNS}) is the flat form of {@link CitizenInput}: one
 *   row a citizen, one column a field, Vietnamese headers. Places are administrative-unit codes
 *   (2 digits a province, 3 a district, 5 a commune) read together with `ngay_dang_ky`, the date the
 *   codes refer to (codes change meaning across the 2025 reform). Residence and household follow the
 *   Law on Residence 68/2020/QH14 (permanent, temporary and current residence; household number,
 *   head and relation to the head); the identification number follows Decree 137/2015/NĐ-CP Art. 13
 *   (checked by {@link explainPin}).
 * - {@link readCitizenFile} reads CSV (UTF-8 with or without BOM, or Windows-1258; comma or
 *   semicolon; CRLF or LF) with `csv-parse` and XLSX with exceljs's streaming reader, one row at a
 *   time, and checks the form of every field: whether a unit code exists is the importer's business,
 *   against the database. Every stored text is Unicode NFC.
 * - {@link writeErrorReport} lists bad rows with catalogue messages, identification and phone
 *   numbers masked but for their last three digits (the report may be mailed around).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { isIsoDate } from '../platform/dates.js';
import { AppError, messageOf, type ErrorCode, type ErrorParams, type Language } from '../platform/errors.js';
import {
  cellText,
  csvBuffer,
  maskDigits,
  normalizeImportDate,
  normalizePhone,
  readSheetRows,
  SheetTemplate,
  templateColumn,
  xlsxBuffer,
  type CellValue,
  type CsvEncoding,
  type SheetLayout,
  type TemplateColumn,
} from '../platform/spreadsheets.js';
import { foldForSearch } from '../platform/text.js';
import type { CitizenInput, HouseholdRelation, Place, Residence } from './model.js';
import { explainPin, type Sex } from './pin.js';

// --- the template --------------------------------------------------------------------------------

/** One column of the citizen import template (see {@link TemplateColumn}). */
export type CitizenTemplateColumn<K extends string = string> = TemplateColumn<K>;

const column = templateColumn;

const PIN_DESC = { vi: '12 chữ số, giữ nguyên số 0 ở đầu.', en: '12 digits, leading zeros kept.' };
const UNIT_DESC = { vi: 'Mã đơn vị hành chính: 2 (tỉnh), 3 (huyện) hoặc 5 (xã) chữ số, theo ngày ở cột Ngày đăng ký.', en: 'Administrative-unit code: 2 (province), 3 (district) or 5 (commune) digits, as of the Registration date column.' };
const ADDRESS_DESC = { vi: 'Số nhà, đường, thôn/xóm (không ghi xã, huyện, tỉnh).', en: 'House number, street, hamlet (not the commune, district or province).' };
const DATE_DESC = { vi: 'YYYY-MM-DD hoặc dd/mm/yyyy.', en: 'YYYY-MM-DD or dd/mm/yyyy.' };

/**
 * The columns of the citizen import template, in order. The example row is a made-up woman born
 * 1990-05-12 in Xã Cẩm Hoàng (code 10897, Hải Dương, as of 2023-02-28), head of her household;
 * her number 030190012345 agrees with her sex and year of birth.
 */
export const CITIZEN_TEMPLATE_COLUMNS = [
  column('so_dinh_danh', 'Số định danh cá nhân', 'Personal identification number', { required: true, asText: true, example: '030190012345', ...PIN_DESC }),
  column('ho_ten', 'Họ và tên', 'Full name', { required: true, example: 'Nguyễn Thị Hoa', vi: '2–100 ký tự: chữ cái và dấu cách.', en: '2–100 characters: letters and spaces.' }),
  column('ten_goi_khac', 'Tên gọi khác', 'Other names', { vi: 'Nếu có.', en: 'If any.' }),
  column('ngay_sinh', 'Ngày sinh', 'Date of birth', {
    required: true,
    example: '1990-05-12',
    vi: 'YYYY-MM-DD, YYYY-MM hoặc YYYY; cũng nhận dd/mm/yyyy, mm/yyyy. Chỉ biết năm thì ghi năm.',
    en: 'YYYY-MM-DD, YYYY-MM or YYYY; dd/mm/yyyy and mm/yyyy also accepted. Write the year alone when only the year is known.',
  }),
  column('gioi_tinh', 'Giới tính', 'Sex', { required: true, example: 'Nữ', vi: 'Nam hoặc Nữ.', en: 'Nam (male) or Nữ (female); male/female also accepted.' }),
  column('quoc_tich', 'Quốc tịch', 'Nationality', { example: 'Việt Nam', vi: 'Tên quốc gia.', en: 'Country name.' }),
  column('dan_toc', 'Dân tộc', 'Ethnicity', { example: 'Kinh', vi: 'Tên dân tộc.', en: 'Ethnic group.' }),
  column('ton_giao', 'Tôn giáo', 'Religion', { example: 'Không', vi: 'Tên tôn giáo, hoặc Không.', en: 'Religion, or Không (none).' }),
  column('noi_dang_ky_khai_sinh', 'Nơi đăng ký khai sinh (mã ĐVHC)', 'Birth registration place (unit code)', { asText: true, example: '10897', ...UNIT_DESC }),
  column('que_quan', 'Quê quán (mã ĐVHC)', 'Home town (unit code)', { asText: true, example: '10897', ...UNIT_DESC }),
  column('thuong_tru_ma_dvhc', 'Nơi thường trú (mã ĐVHC)', 'Permanent residence (unit code)', { asText: true, example: '10897', ...UNIT_DESC }),
  column('thuong_tru_dia_chi', 'Nơi thường trú (địa chỉ)', 'Permanent residence (address)', { example: 'Số 12, thôn Hoàng Đường', ...ADDRESS_DESC }),
  column('thuong_tru_tu_ngay', 'Thường trú từ ngày', 'Permanent residence since', { example: '2015-03-20', ...DATE_DESC }),
  column('tam_tru_ma_dvhc', 'Nơi tạm trú (mã ĐVHC)', 'Temporary residence (unit code)', { asText: true, ...UNIT_DESC }),
  column('tam_tru_dia_chi', 'Nơi tạm trú (địa chỉ)', 'Temporary residence (address)', ADDRESS_DESC),
  column('o_hien_tai_ma_dvhc', 'Nơi ở hiện tại (mã ĐVHC)', 'Current residence (unit code)', { asText: true, example: '10897', ...UNIT_DESC }),
  column('o_hien_tai_dia_chi', 'Nơi ở hiện tại (địa chỉ)', 'Current residence (address)', { example: 'Số 12, thôn Hoàng Đường', ...ADDRESS_DESC }),
  column('so_ho', 'Số hộ', 'Household number', {
    asText: true,
    example: '0001234',
    vi: 'Số hộ (mã hộ); ghi cùng số định danh chủ hộ và quan hệ với chủ hộ.',
    en: 'Household number; goes with the head\'s identification number and the relation to the head.',
  }),
  column('so_dinh_danh_chu_ho', 'Số định danh chủ hộ', 'Head of household identification number', { asText: true, example: '030190012345', ...PIN_DESC }),
  column('quan_he_voi_chu_ho', 'Quan hệ với chủ hộ', 'Relation to head of household', {
    example: 'Chủ hộ',
    vi: 'Chủ hộ, Vợ, Chồng, Con, Bố, Mẹ, Cháu, Ông, Bà, Anh, Chị, Em hoặc Khác.',
    en: 'Chủ hộ (head), Vợ/Chồng (spouse), Con (child), Bố/Mẹ (parent), Cháu (grandchild), Ông/Bà (grandparent), Anh/Chị/Em (sibling) or Khác (other).',
  }),
  column('so_dinh_danh_cha', 'Số định danh của cha', 'Father\'s identification number', { asText: true, example: '030060001234', ...PIN_DESC }),
  column('so_dinh_danh_me', 'Số định danh của mẹ', 'Mother\'s identification number', { asText: true, example: '030165002345', ...PIN_DESC }),
  column('so_dinh_danh_vo_chong', 'Số định danh của vợ/chồng', 'Spouse\'s identification number', { asText: true, example: '030088003456', ...PIN_DESC }),
  column('so_dien_thoai', 'Số điện thoại', 'Phone number', { asText: true, example: '0912345678', vi: 'Di động: 0 và 9 chữ số (cũng nhận +84…).', en: 'Mobile: 0 and 9 digits (+84… also accepted).' }),
  column('email', 'Thư điện tử', 'Email', { example: 'hoa.nguyen@example.vn', vi: 'Dạng ten@mien.vn.', en: 'Form name@domain.vn.' }),
  column('so_the_can_cuoc', 'Số thẻ căn cước', 'Identity card number', { asText: true, example: '030190012345', vi: '12 chữ số (9 chữ số với chứng minh nhân dân cũ).', en: '12 digits (9 for an old ID card).' }),
  column('ngay_cap', 'Ngày cấp thẻ', 'Card issued on', { example: '2021-04-15', ...DATE_DESC }),
  column('ngay_het_han', 'Ngày hết hạn thẻ', 'Card expires on', { example: '2030-05-12', ...DATE_DESC }),
  column('ngay_dang_ky', 'Ngày đăng ký', 'Registration date', {
    example: '2023-02-28',
    vi: 'Ngày mà các mã ĐVHC của dòng tham chiếu (YYYY-MM-DD hoặc dd/mm/yyyy); để trống: ngày tham chiếu của lần nhập.',
    en: 'The date the row\'s unit codes refer to (YYYY-MM-DD or dd/mm/yyyy); blank: the import\'s reference date.',
  }),
] as const;

/** A column name of the template (`so_dinh_danh`, `ho_ten`, …). */
export type CitizenColumnKey = (typeof CITIZEN_TEMPLATE_COLUMNS)[number]['key'];

const TEMPLATE = new SheetTemplate<CitizenColumnKey>(CITIZEN_TEMPLATE_COLUMNS);

// Moved to src/platform/spreadsheets.ts (shared by every import); re-exported for existing callers.
export { headerMatchKey, maskDigits, normalizeImportDate, normalizePhone, type CellValue } from '../platform/spreadsheets.js';

// --- values, rules and their codes ----------------------------------------------------------------

/** Reports a broken rule of a field; a field with a report yields no value (hence `return report(…)`). */
type Report = (code: ErrorCode, params?: ErrorParams) => undefined;
/** Checks and normalises the non-empty text of a field. */
type FieldRule<T extends string = string> = (text: string, report: Report, referenceDate: string) => T | undefined;

const NAME_MIN = 2;
const NAME_MAX = 100;
/** Longest value of each free-text column, in characters (after NFC). */
const TEXT_LIMITS = {
  ten_goi_khac: 255, quoc_tich: 100, dan_toc: 100, ton_giao: 100, so_ho: 50,
  thuong_tru_dia_chi: 255, tam_tru_dia_chi: 255, o_hien_tai_dia_chi: 255,
} as const satisfies Partial<Record<string, number>>;
/** A word of a name: letters (with any combining marks left after NFC), apostrophes only between letters (H'Hen, Ksor H'Bơ). */
const NAME_WORD_RE = /^(?:\p{L}\p{M}*)+(?:['’](?:\p{L}\p{M}*)+)*$/u;
const UNIT_CODE_RE = /^(?:\d{2}|\d{3}|\d{5})$/;
const EMAIL_RE = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

const freeText =
  (limit: number): FieldRule =>
  (s, report) => {
    if ([...s].length > limit) return report('IMPORT_TEXT_TOO_LONG', { limit });
    return s;
  };

const fullName: FieldRule = (s, report) => {
  const length = [...s].length;
  if (length < NAME_MIN || length > NAME_MAX) report('IMPORT_NAME_LENGTH', { min: NAME_MIN, max: NAME_MAX });
  if (!s.split(' ').every((w) => NAME_WORD_RE.test(w))) report('IMPORT_NAME_CHARACTERS');
  return s;
};

const dateRule =
  (o: { partial?: boolean; notAfterReference?: boolean }): FieldRule =>
  (s, report, referenceDate) => {
    const iso = normalizeImportDate(s, o);
    if (iso === undefined) return report('IMPORT_DATE_INVALID');
    // A partial date is in the future when it is after the reference date cut to the same precision.
    if (o.notAfterReference && iso > referenceDate.slice(0, iso.length)) return report('IMPORT_DATE_IN_FUTURE', { reference: referenceDate });
    return iso;
  };

const SEXES = new Map<string, Sex>([
  ['nam', 'male'], ['male', 'male'], ['m', 'male'],
  ['nu', 'female'], ['female', 'female'], ['f', 'female'],
]);
const sexRule: FieldRule<Sex> = (s, report) => SEXES.get(foldForSearch(s)) ?? report('IMPORT_SEX_INVALID');

const unitCode: FieldRule = (s, report) => (UNIT_CODE_RE.test(s) ? s : report('IMPORT_UNIT_CODE_FORMAT'));

/**
 * Whether `digits` reads as a number of `length` digits whose leading zeros were lost on the way:
 * a CSV saved from Excel with the column formatted as a number turns `001203004567` (Hà Nội's
 * province code is 001) into `1203004567`. True when the text is digits only, one to three of
 * them short, and padded with zeros it passes `valid`. Such a value is reported on its row
 * (IMPORT_LEADING_ZERO_LOST), never padded: a guessed number could be someone else's.
 */
function lostLeadingZeros(digits: string, length: number, valid: (padded: string) => boolean): boolean {
  return /^[0-9]+$/.test(digits) && digits.length < length && digits.length >= length - 3 && valid(digits.padStart(length, '0'));
}

/** Reports IMPORT_LEADING_ZERO_LOST with the count of digits found and expected. */
const reportLostZeros = (digits: string, expected: number, report: Report) => report('IMPORT_LEADING_ZERO_LOST', { digits: digits.length, expected });

const phone: FieldRule = (s, report) =>
  normalizePhone(s) ?? (lostLeadingZeros(s, 10, (p) => normalizePhone(p) !== undefined) ? reportLostZeros(s, 10, report) : report('IMPORT_PHONE_FORMAT'));
const email: FieldRule = (s, report) => (s.length <= 254 && EMAIL_RE.test(s) ? s : report('IMPORT_EMAIL_FORMAT'));
const cardNumber: FieldRule = (s, report) => (/^(?:\d{12}|\d{9})$/.test(s) ? s : report('IMPORT_CARD_NUMBER_FORMAT'));

/**
 * An identification number checked against what the row says of its holder (sex, date of birth):
 * IMPORT_LEADING_ZERO_LOST when it is a valid one with its leading zeros gone, else each rule it
 * breaks ({@link explainPin}).
 */
const pinRule =
  (holder: { sex?: Sex; dateOfBirth?: string }): FieldRule =>
  (s, report) => {
    if (lostLeadingZeros(s, 12, (p) => explainPin(p, holder).valid)) return reportLostZeros(s, 12, report);
    for (const b of explainPin(s, holder).breaches) report(b.code, b.params);
    return s;
  };

/** Another person's number (head, father, mother, spouse): its form, province and, when known, sex. */
const relatedPin = (sex?: Sex): FieldRule => pinRule({ sex });

/** The relation labels of the template (Vietnamese, with diacritics) and the model's own values. */
const RELATIONS = new Map<string, HouseholdRelation>([
  ['chủ hộ', 'head'], ['vợ', 'spouse'], ['chồng', 'spouse'], ['con', 'child'], ['bố', 'parent'], ['cha', 'parent'], ['mẹ', 'parent'],
  ['cháu', 'grandchild'], ['ông', 'grandparent'], ['bà', 'grandparent'], ['anh', 'sibling'], ['chị', 'sibling'], ['em', 'sibling'], ['khác', 'other'],
  ...(['head', 'spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'other'] as const).map((r) => [r, r] as const),
]);
const RELATION_LABELS = 'Chủ hộ, Vợ, Chồng, Con, Bố, Mẹ, Cháu, Ông, Bà, Anh, Chị, Em, Khác';
// Diacritics matter here: "Bà" (grandmother) is not "Ba" (a southern word for father).
const relation: FieldRule<HouseholdRelation> = (s, report) => RELATIONS.get(s.toLocaleLowerCase('vi')) ?? report('IMPORT_RELATION_UNKNOWN', { expected: RELATION_LABELS });

/** The rule of each column; the own identification number is checked once sex and date of birth are known. */
const RULES: Record<CitizenColumnKey, FieldRule> = {
  so_dinh_danh: (s) => s,
  ho_ten: fullName,
  ten_goi_khac: freeText(TEXT_LIMITS.ten_goi_khac),
  ngay_sinh: dateRule({ partial: true, notAfterReference: true }),
  gioi_tinh: sexRule,
  quoc_tich: freeText(TEXT_LIMITS.quoc_tich),
  dan_toc: freeText(TEXT_LIMITS.dan_toc),
  ton_giao: freeText(TEXT_LIMITS.ton_giao),
  noi_dang_ky_khai_sinh: unitCode,
  que_quan: unitCode,
  thuong_tru_ma_dvhc: unitCode,
  thuong_tru_dia_chi: freeText(TEXT_LIMITS.thuong_tru_dia_chi),
  thuong_tru_tu_ngay: dateRule({ notAfterReference: true }),
  tam_tru_ma_dvhc: unitCode,
  tam_tru_dia_chi: freeText(TEXT_LIMITS.tam_tru_dia_chi),
  o_hien_tai_ma_dvhc: unitCode,
  o_hien_tai_dia_chi: freeText(TEXT_LIMITS.o_hien_tai_dia_chi),
  so_ho: freeText(TEXT_LIMITS.so_ho),
  so_dinh_danh_chu_ho: relatedPin(),
  quan_he_voi_chu_ho: relation,
  so_dinh_danh_cha: relatedPin('male'),
  so_dinh_danh_me: relatedPin('female'),
  so_dinh_danh_vo_chong: relatedPin(),
  so_dien_thoai: phone,
  email,
  so_the_can_cuoc: cardNumber,
  ngay_cap: dateRule({ notAfterReference: true }),
  ngay_het_han: dateRule({}),
  ngay_dang_ky: dateRule({}),
};

// --- parsed rows ----------------------------------------------------------------------------------

/** One broken rule in a row. */
export interface ImportRowError {
  /**
   * The column: a template key (`so_dinh_danh`, …), the header as written for IMPORT_COLUMN_UNKNOWN,
   * or `#N` (1-based position) for a value in a column without header.
   */
  column: string;
  code: ErrorCode;
  /** The cell's text as read (not masked: mask it before it leaves the platform). */
  value?: string;
  /** Parameters of the catalogue message (e.g. the digit and year of PIN_CENTURY_MISMATCH). */
  params?: ErrorParams;
}

/**
 * One row of an import file: a citizen when every field is well formed, otherwise every broken
 * rule of the row (each PIN rule, each bad field). The header row (row 1 in a template file) is
 * yielded only when it has unknown columns: then `errors` lists them (IMPORT_COLUMN_UNKNOWN, a
 * notice: those columns are ignored) and there is no citizen.
 */
export interface ParsedRow {
  /** 1-based: the CSV physical line where the row starts (header is line 1), or the XLSX worksheet row number. */
  row: number;
  citizen?: CitizenInput;
  errors: ImportRowError[];
}

type Layout = SheetLayout<CitizenColumnKey>;

/** One row's cells by column, checked field by field; collects every broken rule. */
class RowChecker {
  readonly errors: ImportRowError[] = [];
  private readonly texts = new Map<CitizenColumnKey, string>();

  constructor(
    private readonly cells: ReadonlyMap<CitizenColumnKey, CellValue>,
    private readonly referenceDate: string,
  ) {
    for (const [key, cell] of cells) {
      const text = cellText(cell);
      if (text !== '') this.texts.set(key, text);
    }
  }

  fail(column: string, code: ErrorCode, params?: ErrorParams): void {
    const value = this.texts.get(column as CitizenColumnKey);
    this.errors.push({ column, code, ...(value !== undefined && { value }), ...(params && { params }) });
  }

  /** True when the cell has a value, well formed or not. */
  given(key: CitizenColumnKey): boolean {
    return this.texts.has(key);
  }

  /** The checked value of a column; undefined when empty or broken (reported). */
  value<T extends string>(key: CitizenColumnKey, rule: FieldRule<T> = RULES[key] as FieldRule<T>): T | undefined {
    const text = this.texts.get(key);
    const col = TEMPLATE.column(key)!;
    if (text === undefined) {
      if (col.required) this.fail(key, 'IMPORT_VALUE_REQUIRED');
      return undefined;
    }
    if (col.asText && typeof this.cells.get(key) === 'number') {
      this.fail(key, 'IMPORT_NUMBER_AS_NUMBER');
      return undefined;
    }
    let broken = false;
    const out = rule(
      text,
      (code, params) => {
        broken = true;
        this.fail(key, code, params);
        return undefined;
      },
      this.referenceDate,
    );
    return broken ? undefined : out;
  }
}

/** Drops the properties whose value is undefined (absent cells stay absent in the citizen). */
function compact<T extends object>(o: T): T {
  const out: Partial<T> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out as T;
}

function checkRow(row: number, cells: ReadonlyMap<CitizenColumnKey, CellValue>, referenceDate: string): ParsedRow {
  const c = new RowChecker(cells, referenceDate);
  const v = (key: CitizenColumnKey) => c.value(key);

  const dateOfBirth = v('ngay_sinh');
  const sex = c.value('gioi_tinh', sexRule);
  const pin = v('so_dinh_danh');
  // Checked once sex and date of birth are known; the number as written still serves the household check below.
  if (pin !== undefined) pinRule({ sex, dateOfBirth })(pin, (code, params) => void c.fail('so_dinh_danh', code, params), referenceDate);

  const unitDate = v('ngay_dang_ky') ?? referenceDate;
  const place = (codeKey: CitizenColumnKey, addressKey?: CitizenColumnKey, sinceKey?: CitizenColumnKey): Residence | undefined => {
    const unitCodeValue = v(codeKey);
    const addressLine = addressKey && v(addressKey);
    const since = sinceKey && v(sinceKey);
    if (!c.given(codeKey) && ((addressKey && c.given(addressKey)) || (sinceKey && c.given(sinceKey)))) c.fail(codeKey, 'IMPORT_PLACE_CODE_MISSING');
    return unitCodeValue === undefined ? undefined : compact({ unitCode: unitCodeValue, unitDate, addressLine, since });
  };
  const birthRegistration: Place | undefined = place('noi_dang_ky_khai_sinh');
  const homeTown: Place | undefined = place('que_quan');
  const permanentResidence = place('thuong_tru_ma_dvhc', 'thuong_tru_dia_chi', 'thuong_tru_tu_ngay');
  const temporaryResidence = place('tam_tru_ma_dvhc', 'tam_tru_dia_chi');
  const currentResidence = place('o_hien_tai_ma_dvhc', 'o_hien_tai_dia_chi');

  // Household (Law on Residence 2020): number, head and relation go together; the head's own row names themself.
  const householdKeys = ['so_ho', 'so_dinh_danh_chu_ho', 'quan_he_voi_chu_ho'] as const;
  const number = v('so_ho');
  const headPin = v('so_dinh_danh_chu_ho');
  const relationValue = c.value('quan_he_voi_chu_ho', relation);
  if (householdKeys.some((k) => c.given(k))) for (const k of householdKeys) if (!c.given(k)) c.fail(k, 'IMPORT_HOUSEHOLD_INCOMPLETE');
  if (pin !== undefined && headPin !== undefined && relationValue !== undefined && (relationValue === 'head') !== (headPin === pin)) {
    c.fail(relationValue === 'head' ? 'so_dinh_danh_chu_ho' : 'quan_he_voi_chu_ho', 'IMPORT_HOUSEHOLD_HEAD_MISMATCH');
  }

  const card = v('so_the_can_cuoc');
  const issuedOn = v('ngay_cap');
  const expiresOn = v('ngay_het_han');
  if (!c.given('so_the_can_cuoc') && (c.given('ngay_cap') || c.given('ngay_het_han'))) c.fail('so_the_can_cuoc', 'IMPORT_CARD_NUMBER_MISSING');

  const fullName = v('ho_ten');
  const otherNames = v('ten_goi_khac');
  const nationality = v('quoc_tich');
  const ethnicity = v('dan_toc');
  const religion = v('ton_giao');
  const fatherPin = v('so_dinh_danh_cha');
  const motherPin = v('so_dinh_danh_me');
  const spousePin = v('so_dinh_danh_vo_chong');
  const phoneNumber = v('so_dien_thoai');
  const emailAddress = v('email');
  if (c.errors.length > 0) return { row, errors: sortByColumn(c.errors) };

  // No rule broke, so every required value is there.
  const citizen = compact<CitizenInput>({
    pin: pin!,
    fullName: fullName!,
    otherNames,
    dateOfBirth: dateOfBirth!,
    sex: sex!,
    nationality,
    ethnicity,
    religion,
    birthRegistration,
    homeTown,
    permanentResidence,
    temporaryResidence,
    currentResidence,
    household: number !== undefined && headPin !== undefined && relationValue !== undefined ? { number, headPin, relation: relationValue } : undefined,
    fatherPin,
    motherPin,
    spousePin,
    phone: phoneNumber,
    email: emailAddress,
    identityCard: card === undefined ? undefined : compact({ number: card, issuedOn, expiresOn }),
  });
  return { row, citizen, errors: [] };
}

/** Errors in template column order (`#N` columns last), each column's rules in the order found. */
function sortByColumn(errors: ImportRowError[]): ImportRowError[] {
  const rank = (e: ImportRowError) => TEMPLATE.rank(e.column);
  return errors.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i).map(({ e }) => e);
}

function parseDataRow(row: number, values: CellValue[], layout: Layout, referenceDate: string): ParsedRow {
  const cells = new Map<CitizenColumnKey, CellValue>();
  const orphans: ImportRowError[] = [];
  values.forEach((cell, i) => {
    const key = layout.columns[i];
    if (key === 'ignored') return;
    if (key !== undefined) cells.set(key, cell);
    else if (cellText(cell) !== '') orphans.push({ column: `#${i + 1}`, code: 'IMPORT_VALUE_WITHOUT_COLUMN', value: cellText(cell), params: { column: `#${i + 1}` } });
  });
  const parsed = checkRow(row, cells, referenceDate);
  return orphans.length === 0 ? parsed : { row, errors: [...parsed.errors, ...orphans] };
}

// --- reading files --------------------------------------------------------------------------------

/** A file by path, or an upload stream with its file name (the name only serves messages and the format guess). */
export type CitizenFileInput = { path: string } | { stream: NodeJS.ReadableStream; name: string };

/** Options of {@link readCitizenFile}. */
export interface ReadCitizenFileOptions {
  /** `YYYY-MM-DD`: the date unit codes refer to when a row has no `ngay_dang_ky`, and the latest allowed date of birth. */
  referenceDate: string;
  /**
   * Encoding of a CSV file: `utf8` (BOM optional), `windows-1258` (Vietnamese Windows code page,
   * tones as combining marks) or `auto` (default): UTF-8 when the first 64 KiB are valid UTF-8,
   * Windows-1258 otherwise. A file read as UTF-8 that turns out invalid further on stops with
   * IMPORT_FILE_ENCODING. XLSX files are always UTF-8 inside.
   */
  encoding?: CsvEncoding;
}

/**
 * Reads a citizen import file row by row, in memory bounded by one row whatever the file size
 * (XLSX: plus exceljs's table of shared strings; a worksheet stored before that table is spooled to
 * a temporary file). The format comes from the content: a zip (`PK\x03\x04`) is XLSX, read from its
 * first worksheet; anything else is CSV (an old binary .xls, or an .xlsx name without zip content,
 * stops with IMPORT_FILE_FORMAT_UNSUPPORTED). The first non-empty row is the header: each header is
 * matched to a template column by key, Vietnamese or English header ({@link headerMatchKey});
 * unknown columns are ignored and reported once; fully empty rows are skipped.
 *
 * Throws {@link AppError} for the whole file: IMPORT_COLUMN_MISSING (naming every missing required
 * column), IMPORT_COLUMN_DUPLICATE, IMPORT_FILE_EMPTY, IMPORT_FILE_ENCODING, IMPORT_FILE_UNREADABLE
 * (malformed CSV or zip), IMPORT_FILE_FORMAT_UNSUPPORTED; FIELD_FORMAT for a bad `referenceDate`.
 * Row-level rules are reported in {@link ParsedRow.errors}; identification numbers, phone and card
 * numbers and unit codes are read as text and never padded or guessed.
 */
export async function* readCitizenFile(input: CitizenFileInput, options: ReadCitizenFileOptions): AsyncGenerator<ParsedRow> {
  const { referenceDate } = options;
  if (!isIsoDate(referenceDate)) throw new AppError('FIELD_FORMAT', { field: 'referenceDate', expected: 'YYYY-MM-DD' });
  const stream = 'path' in input ? fs.createReadStream(input.path) : input.stream;
  const file = 'path' in input ? path.basename(input.path) : input.name;
  try {
    let layout: Layout | undefined;
    for await (const raw of readSheetRows(stream, file, options.encoding ?? 'auto')) {
      if (raw.values.every((cell) => cellText(cell) === '')) continue;
      if (layout === undefined) {
        layout = TEMPLATE.layout(raw.values.map(cellText), file);
        if (layout.unknown.length > 0) yield { row: raw.row, errors: layout.unknown };
        continue;
      }
      yield parseDataRow(raw.row, raw.values, layout, referenceDate);
    }
    if (layout === undefined) throw new AppError('IMPORT_FILE_EMPTY', { file });
  } finally {
    (stream as Partial<Readable>).destroy?.();
  }
}

// --- writing files --------------------------------------------------------------------------------

/**
 * The downloadable citizen import template: the header row (Vietnamese headers) and one example
 * row ({@link CITIZEN_TEMPLATE_COLUMNS}). CSV: UTF-8 with BOM, CRLF. XLSX: bold frozen header with
 * each column's description as a note, and the digit columns (identification, phone, card and
 * household numbers, unit codes) formatted as Text so that Excel keeps leading zeros.
 */
export async function writeCitizenTemplate(format: 'csv' | 'xlsx'): Promise<Buffer> {
  return TEMPLATE.write(format, 'Danh sách công dân');
}

/** One line of an error report: a row's error with its row number (as {@link ParsedRow} gives it, or as stored by the importer). */
export interface ImportErrorEntry {
  row: number;
  column: string;
  code: ErrorCode;
  value?: string | null;
  /** Message parameters; when absent the report fills what it can (see {@link writeErrorReport}). */
  params?: ErrorParams;
}

/** Columns whose values are masked in reports: identification, card and phone numbers. */
const MASKED_COLUMNS = new Set<string>(['so_dinh_danh', 'so_dinh_danh_chu_ho', 'so_dinh_danh_cha', 'so_dinh_danh_me', 'so_dinh_danh_vo_chong', 'so_the_can_cuoc', 'so_dien_thoai']);

const REPORT_HEADERS: Record<Language, string[]> = {
  vi: ['Dòng', 'Cột', 'Mã lỗi', 'Nội dung lỗi', 'Giá trị'],
  en: ['Row', 'Column', 'Code', 'Message', 'Value'],
};

/** Parameters a message needs that follow from the code or column alone. */
function knownParams(e: ImportErrorEntry): ErrorParams {
  switch (e.code) {
    case 'IMPORT_NAME_LENGTH':
      return { min: NAME_MIN, max: NAME_MAX };
    case 'IMPORT_RELATION_UNKNOWN':
      return { expected: RELATION_LABELS };
    case 'IMPORT_TEXT_TOO_LONG':
      return { limit: (TEXT_LIMITS as Record<string, number>)[e.column] };
    default:
      return {};
  }
}

/**
 * The downloadable report of bad rows: one line an error, columns row, column (its header in
 * `lang` for a template column), code, message (the catalogue's, in `lang`) and value. Messages are
 * filled from the entry's params, the column and the value; a parameter still unknown (an entry
 * stored without params) is left out: "(…)" groups dropped, others shown as "…". Values and
 * params of identification, card and phone columns are masked but for their last three digits
 * ({@link maskDigits}; masking a masked value changes nothing). CSV: UTF-8 with BOM, CRLF; XLSX:
 * one sheet, bold header, the value column as Text.
 */
export async function writeErrorReport(errors: readonly ImportErrorEntry[], format: 'csv' | 'xlsx', lang: Language): Promise<Buffer> {
  const rows = errors.map((e) => {
    const label = TEMPLATE.column(e.column)?.header[lang] ?? e.column;
    const hide = (x: ErrorParams[string]) => (MASKED_COLUMNS.has(e.column) && typeof x === 'string' ? maskDigits(x) : x);
    const value = e.value == null ? '' : String(hide(e.value));
    const given = Object.fromEntries(Object.entries(e.params ?? {}).map(([k, x]) => [k, hide(x)]));
    const params: ErrorParams = { pin: value, ...knownParams(e), ...given, column: label, value };
    const message = messageOf(e.code, lang, params).replace(/ ?\(\{\w+\}\)/g, '').replace(/\{\w+\}/g, '…');
    return [String(e.row), label, e.code, message, value];
  });
  const headers = REPORT_HEADERS[lang];
  if (format === 'csv') return csvBuffer([headers, ...rows]);
  const widths = [8, 30, 28, 90, 24];
  return xlsxBuffer(lang === 'vi' ? 'Lỗi' : 'Errors', headers.map((header, i) => ({ header, width: widths[i]!, asText: i === 4 })), rows);
}

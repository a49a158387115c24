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
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { isIsoDate } from '../platform/dates.js';
import { AppError, messageOf, type ErrorCode, type ErrorParams, type Language } from '../platform/errors.js';
import { foldForSearch, normalizeText } from '../platform/text.js';
import type { CitizenInput, HouseholdRelation, Place, Residence } from './model.js';
import { explainPin, type Sex } from './pin.js';

// --- the template --------------------------------------------------------------------------------

/** One column of the citizen import template. */
export interface CitizenTemplateColumn<K extends string = string> {
  /** Stable column name, also accepted as a header. */
  key: K;
  /** The header officials see (Vietnamese, with diacritics) and its English form; both are accepted. */
  header: { vi: string; en: string };
  /** A required column must be in the file and have a value on every row. */
  required: boolean;
  /** The value of the template's example row (empty: left blank there). */
  example: string;
  /** What to write, in which form. */
  description: { vi: string; en: string };
  /**
   * Digits that must stay text (identification, phone, card and household numbers, unit codes):
   * the XLSX template formats the column as Text, and a number cell in such a column is reported
   * (IMPORT_NUMBER_AS_NUMBER) since Excel drops leading zeros from numbers.
   */
  asText: boolean;
}

function column<K extends string>(
  key: K,
  vi: string,
  en: string,
  o: { required?: boolean; asText?: boolean; example?: string; vi: string; en: string },
): CitizenTemplateColumn<K> {
  return { key, header: { vi, en }, required: o.required ?? false, example: o.example ?? '', description: { vi: o.vi, en: o.en }, asText: o.asText ?? false };
}

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

const COLUMN_BY_KEY = new Map<string, CitizenTemplateColumn<CitizenColumnKey>>(CITIZEN_TEMPLATE_COLUMNS.map((c) => [c.key, c]));
const COLUMN_ORDER = new Map<string, number>(CITIZEN_TEMPLATE_COLUMNS.map((c, i) => [c.key, i]));

/** How headers compare: case, diacritics, đ/Đ, whitespace and underscores ignored. */
export function headerMatchKey(header: string): string {
  return foldForSearch(header).replace(/[\s_]+/gu, '');
}

const COLUMN_BY_HEADER = new Map<string, CitizenColumnKey>(
  CITIZEN_TEMPLATE_COLUMNS.flatMap((c) => [c.key, c.header.vi, c.header.en].map((h) => [headerMatchKey(h), c.key] as const)),
);

// --- values, rules and their codes ----------------------------------------------------------------

/** A cell as read: text from CSV; text, number, boolean or date from XLSX; empty as undefined. */
export type CellValue = string | number | boolean | Date | undefined;

/** The text of a cell: NFC, whitespace collapsed, '' when empty. Dates become `YYYY-MM-DD`. */
function cellText(cell: CellValue): string {
  if (cell === undefined) return '';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : utcDateText(cell);
  const s = String(cell);
  // Most cells (numbers, codes, dates) are printable ASCII words: already NFC and collapsed.
  return /^[!-~]+(?: [!-~]+)*$/.test(s) ? s : normalizeText(s);
}

/** exceljs gives date cells as JS dates at UTC midnight of the calendar day Excel shows. */
function utcDateText(d: Date): string {
  const p = (n: number, w: number) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1, 2)}-${p(d.getUTCDate(), 2)}`;
}

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

/**
 * A date as officials write it, in ISO form: `YYYY-MM-DD` or `dd/mm/yyyy` (also `d/m/yyyy`, with
 * `.` or `-` between), and with `partial`, also `YYYY-MM`, `mm/yyyy` and `YYYY`. Undefined when the
 * text has none of these forms or names no calendar day (2023-02-30) or month.
 */
export function normalizeImportDate(text: string, options: { partial?: boolean } = {}): string | undefined {
  const s = text.trim();
  const pad = (n: string) => n.padStart(2, '0');
  let iso: string | undefined;
  let m: RegExpMatchArray | null;
  if ((m = s.match(/^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/))) iso = s;
  else if ((m = s.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/))) iso = `${m[3]}-${pad(m[2]!)}-${pad(m[1]!)}`;
  else if ((m = s.match(/^(\d{1,2})[/.-](\d{4})$/))) iso = `${m[2]}-${pad(m[1]!)}`;
  if (iso === undefined || (iso.length < 10 && !options.partial)) return undefined;
  if (iso.length === 10) return isIsoDate(iso) ? iso : undefined;
  const month = iso.length === 7 ? Number(iso.slice(5)) : 1;
  return Number(iso.slice(0, 4)) >= 1 && month >= 1 && month <= 12 ? iso : undefined;
}

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
 * A Vietnamese mobile number as `0` + 9 digits (prefixes 03, 05, 07, 08, 09): spaces, dots, dashes
 * and parentheses are dropped and `+84` becomes `0`. Undefined when the result is no such number.
 */
export function normalizePhone(text: string): string | undefined {
  const s = text.replace(/[\s.\-()]/gu, '').replace(/^\+84/, '0');
  return /^0[35789]\d{8}$/.test(s) ? s : undefined;
}

const phone: FieldRule = (s, report) => normalizePhone(s) ?? report('IMPORT_PHONE_FORMAT');
const email: FieldRule = (s, report) => (s.length <= 254 && EMAIL_RE.test(s) ? s : report('IMPORT_EMAIL_FORMAT'));
const cardNumber: FieldRule = (s, report) => (/^(?:\d{12}|\d{9})$/.test(s) ? s : report('IMPORT_CARD_NUMBER_FORMAT'));

/** Another person's number (head, father, mother, spouse): its form, province and, when known, sex. */
const relatedPin =
  (sex?: Sex): FieldRule =>
  (s, report) => {
    for (const b of explainPin(s, { sex }).breaches) report(b.code, b.params);
    return s;
  };

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

/** What each position of the header holds: a template column, an ignored (unknown) column, or nothing. */
interface Layout {
  columns: (CitizenColumnKey | 'ignored' | undefined)[];
  /** One IMPORT_COLUMN_UNKNOWN notice per unknown column. */
  unknown: ImportRowError[];
}

function layoutOf(headers: string[], file: string): Layout {
  const layout: Layout = { columns: [], unknown: [] };
  const seen = new Set<CitizenColumnKey>();
  headers.forEach((header, i) => {
    if (header === '') return;
    const key = COLUMN_BY_HEADER.get(headerMatchKey(header));
    if (key === undefined) {
      layout.columns[i] = 'ignored';
      layout.unknown.push({ column: header, code: 'IMPORT_COLUMN_UNKNOWN', value: header, params: { column: header } });
    } else if (seen.has(key)) {
      throw new AppError('IMPORT_COLUMN_DUPLICATE', { file, column: COLUMN_BY_KEY.get(key)!.header.vi });
    } else {
      seen.add(key);
      layout.columns[i] = key;
    }
  });
  const missing = CITIZEN_TEMPLATE_COLUMNS.filter((c) => c.required && !seen.has(c.key));
  if (missing.length > 0) {
    throw new AppError('IMPORT_COLUMN_MISSING', { file, columns: missing.map((c) => `"${c.header.vi}" (${c.key})`).join(', ') }, { extensions: { columns: missing.map((c) => c.key) } });
  }
  return layout;
}

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
    const col = COLUMN_BY_KEY.get(key)!;
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
  if (pin !== undefined) for (const b of explainPin(pin, { sex, dateOfBirth }).breaches) c.fail('so_dinh_danh', b.code, b.params);

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
  const rank = (e: ImportRowError) => COLUMN_ORDER.get(e.column) ?? COLUMN_ORDER.size;
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
  encoding?: 'utf8' | 'windows-1258' | 'auto';
}

type CsvEncoding = NonNullable<ReadCitizenFileOptions['encoding']>;

/** A row of cells as the file has it, with its 1-based row number. */
interface RawRow {
  row: number;
  values: CellValue[];
}

const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);
/** Bytes looked at to guess a CSV's encoding. */
const SNIFF_BYTES = 64 * 1024;
/** Longest CSV record (characters): an unclosed quote stops the file instead of filling memory. */
const MAX_RECORD_CHARS = 256 * 1024;

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
    for await (const raw of rawRows(stream, file, options.encoding ?? 'auto')) {
      if (raw.values.every((cell) => cellText(cell) === '')) continue;
      if (layout === undefined) {
        layout = layoutOf(raw.values.map(cellText), file);
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

/** The rows of a CSV or XLSX file, by content. */
async function* rawRows(stream: NodeJS.ReadableStream, file: string, encoding: CsvEncoding): AsyncGenerator<RawRow> {
  const chunks = bufferChunks(stream)[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < ZIP_MAGIC.length) {
    const next = await chunks.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value]);
  }
  const all = prepend(head, chunks);
  if (head.subarray(0, 4).equals(ZIP_MAGIC)) yield* xlsxRows(Readable.from(all, { objectMode: false }), file);
  else if (head.subarray(0, 4).equals(OLE_MAGIC) || /\.xlsx?$/i.test(file)) throw new AppError('IMPORT_FILE_FORMAT_UNSUPPORTED', { file });
  else yield* csvRows(all, file, encoding);
}

async function* bufferChunks(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  for await (const chunk of stream) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

async function* prepend<T>(first: T, rest: AsyncIterator<T>): AsyncGenerator<T> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/** The first worksheet of an XLSX file, through exceljs's streaming reader. */
async function* xlsxRows(stream: Readable, file: string): AsyncGenerator<RawRow> {
  // Styles are cached so that date cells come as dates; shared strings must be cached to be resolved.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = row.values as unknown[];
        yield { row: row.number, values: Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => plainCell(values[i + 1])) };
      }
      return;
    }
  } catch (e) {
    throw e instanceof AppError ? e : new AppError('IMPORT_FILE_UNREADABLE', { file, reason: (e as Error).message }, { cause: e });
  } finally {
    stream.destroy();
  }
}

/** An exceljs cell value as a plain value: rich text joined, a formula's result, a hyperlink's text, an error as its text (#N/A). */
function plainCell(v: unknown): CellValue {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: string };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return plainCell(o.result);
    if ('text' in o) return plainCell(o.text);
    if (typeof o.error === 'string') return o.error;
  }
  return String(v);
}

/** A CSV file through csv-parse, delimiter (comma or semicolon) taken from the header line. */
async function* csvRows(chunks: AsyncIterable<Buffer>, file: string, encoding: CsvEncoding): AsyncGenerator<RawRow> {
  const text = decodeText(chunks, file, encoding)[Symbol.asyncIterator]();
  let head = '';
  while (!/[\r\n]/.test(head) && head.length <= MAX_RECORD_CHARS) {
    const next = await text.next();
    if (next.done) break;
    head += next.value;
  }
  const headerLine = head.split(/\r\n|\n|\r/, 1)[0] ?? '';
  const delimiter = (headerLine.match(/;/g)?.length ?? 0) > (headerLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const parser = parseCsv({ delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, max_record_size: MAX_RECORD_CHARS });
  const feeding = pipeline(Readable.from(prepend(head, text)), parser);
  feeding.catch(() => undefined); // its error, if any, also ends the loop below
  // csv-parse's `info.lines` counts a CRLF inside a quoted field as two lines (7.0.3), so the
  // physical line is counted here: each record starts one line after the previous one's last.
  let line = 1;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      yield { row: line, values: record };
      line += 1 + record.reduce((n, field) => n + lineBreaks(field), 0);
    }
    await feeding;
  } catch (e) {
    throw e instanceof AppError ? e : new AppError('IMPORT_FILE_UNREADABLE', { file, reason: (e as Error).message }, { cause: e });
  }
}

function lineBreaks(field: string): number {
  if (!field.includes('\n') && !field.includes('\r')) return 0;
  return field.match(/\r\n|\r|\n/g)!.length;
}

/**
 * The text of a CSV file: UTF-8 (BOM dropped, invalid bytes stop the file) or Windows-1258 via
 * iconv-lite. Text is not normalised here: fields are made NFC one by one, after parsing.
 */
async function* decodeText(chunks: AsyncIterable<Buffer>, file: string, encoding: CsvEncoding): AsyncGenerator<string> {
  const it = chunks[Symbol.asyncIterator]();
  const sniffed: Buffer[] = [];
  let chosen = encoding;
  if (encoding === 'auto') {
    let size = 0;
    let ended = false;
    while (size < SNIFF_BYTES) {
      const next = await it.next();
      if (next.done) {
        ended = true;
        break;
      }
      sniffed.push(next.value);
      size += next.value.length;
    }
    chosen = isUtf8(Buffer.concat(sniffed), !ended) ? 'utf8' : 'windows-1258';
  }
  const decoder = chosen === 'utf8' ? utf8Decoder(file) : iconv.getDecoder('windows-1258');
  for (const chunk of sniffed) yield decoder.write(chunk);
  for (let next = await it.next(); !next.done; next = await it.next()) yield decoder.write(next.value);
  yield decoder.end() ?? '';
}

/** True when the bytes are UTF-8 (with `more`, a sequence cut at the end is allowed). */
function isUtf8(bytes: Buffer, more: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: more });
    return true;
  } catch {
    return false;
  }
}

function utf8Decoder(file: string): { write(b: Buffer): string; end(): string } {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  const guard = (f: () => string, size: number) => {
    try {
      const s = f();
      offset += size;
      return s;
    } catch (e) {
      throw new AppError('IMPORT_FILE_ENCODING', { file, encoding: 'UTF-8', offset }, { cause: e });
    }
  };
  return {
    write: (b) => guard(() => decoder.decode(b, { stream: true }), b.length),
    end: () => guard(() => decoder.decode(), 0),
  };
}

// --- writing files --------------------------------------------------------------------------------

/** A column of a written sheet. */
interface SheetColumn {
  header: string;
  width: number;
  /** Format as Text (`@`) so that Excel keeps leading zeros. */
  asText?: boolean;
  /** Shown as a note on the header cell. */
  note?: string;
}

/**
 * CSV as Excel opens it without asking: UTF-8 with BOM, CRLF, comma. A cell starting with
 * `= + - @` gets a leading apostrophe so that no spreadsheet runs it as a formula.
 */
function csvBuffer(rows: string[][]): Buffer {
  const cell = (s: string) => {
    const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    return /[",\r\n;]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return Buffer.from(`\ufeff${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`, 'utf8');
}

/** One worksheet: bold, frozen header row, Text-formatted columns where asked, every value a string. */
async function xlsxBuffer(sheetName: string, columns: SheetColumn[], rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width, ...(c.asText && { style: { numFmt: '@' } }) }));
  sheet.addRows(rows);
  const header = sheet.getRow(1);
  header.font = { bold: true };
  columns.forEach((c, i) => {
    if (c.note) header.getCell(i + 1).note = c.note;
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * The downloadable citizen import template: the header row (Vietnamese headers) and one example
 * row ({@link CITIZEN_TEMPLATE_COLUMNS}). CSV: UTF-8 with BOM, CRLF. XLSX: bold frozen header with
 * each column's description as a note, and the digit columns (identification, phone, card and
 * household numbers, unit codes) formatted as Text so that Excel keeps leading zeros.
 */
export async function writeCitizenTemplate(format: 'csv' | 'xlsx'): Promise<Buffer> {
  const example = CITIZEN_TEMPLATE_COLUMNS.map((c) => c.example);
  if (format === 'csv') return csvBuffer([CITIZEN_TEMPLATE_COLUMNS.map((c) => c.header.vi), example]);
  const columns = CITIZEN_TEMPLATE_COLUMNS.map((c) => ({
    header: c.header.vi,
    width: Math.max(14, Math.min(40, c.header.vi.length + 4, c.example.length + 4)),
    asText: c.asText,
    note: c.description.vi,
  }));
  return xlsxBuffer('Danh sách công dân', columns, [example]);
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

/** Every character but the last three digits becomes `*`: `001203004567` → `*********567`. */
export function maskDigits(value: string): string {
  const chars = [...value];
  let kept = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    if (kept < 3 && /\d/.test(chars[i]!)) kept++;
    else chars[i] = '*';
  }
  return chars.join('');
}

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
    const label = COLUMN_BY_KEY.get(e.column)?.header[lang] ?? e.column;
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

/**
 * The personal identification number (số định danh cá nhân), 12 digits: `PPP G YY RRRRRR`.
 * - PPP: province (or country) of birth registration — one of the 63 historical province codes of
 *   Circular 07/2016/TT-BCA Appendix 1, which stay valid after the 2025 merger;
 * - G: century and sex (0/1 1900s male/female, 2/3 2000s, 4/5 2100s, 6/7 2200s, 8/9 2300s);
 * - YY: last two digits of the year of birth; RRRRRR: random.
 * Sources: Decree 137/2015/NĐ-CP Art. 13 (as amended by Decree 37/2021/NĐ-CP), Circular
 * 07/2016/TT-BCA Art. 7, Law on Identity 2023 Art. 12, Decree 70/2024/NĐ-CP Art. 11.
 * The number has no check digit: only its form and its agreement with sex and birth year can be checked.
 */
import { todayInVietnam } from '../platform/dates.js';
import type { ErrorCode } from '../platform/errors.js';

/** Province of birth registration by the number's first three digits (Circular 07/2016/TT-BCA, Appendix 1). */
export const PIN_PROVINCES: Readonly<Record<string, string>> = {
  '001': 'Hà Nội', '002': 'Hà Giang', '004': 'Cao Bằng', '006': 'Bắc Kạn', '008': 'Tuyên Quang', '010': 'Lào Cai',
  '011': 'Điện Biên', '012': 'Lai Châu', '014': 'Sơn La', '015': 'Yên Bái', '017': 'Hòa Bình', '019': 'Thái Nguyên',
  '020': 'Lạng Sơn', '022': 'Quảng Ninh', '024': 'Bắc Giang', '025': 'Phú Thọ', '026': 'Vĩnh Phúc', '027': 'Bắc Ninh',
  '030': 'Hải Dương', '031': 'Hải Phòng', '033': 'Hưng Yên', '034': 'Thái Bình', '035': 'Hà Nam', '036': 'Nam Định',
  '037': 'Ninh Bình', '038': 'Thanh Hóa', '040': 'Nghệ An', '042': 'Hà Tĩnh', '044': 'Quảng Bình', '045': 'Quảng Trị',
  '046': 'Thừa Thiên Huế', '048': 'Đà Nẵng', '049': 'Quảng Nam', '051': 'Quảng Ngãi', '052': 'Bình Định', '054': 'Phú Yên',
  '056': 'Khánh Hòa', '058': 'Ninh Thuận', '060': 'Bình Thuận', '062': 'Kon Tum', '064': 'Gia Lai', '066': 'Đắk Lắk',
  '067': 'Đắk Nông', '068': 'Lâm Đồng', '070': 'Bình Phước', '072': 'Tây Ninh', '074': 'Bình Dương', '075': 'Đồng Nai',
  '077': 'Bà Rịa - Vũng Tàu', '079': 'Hồ Chí Minh', '080': 'Long An', '082': 'Tiền Giang', '083': 'Bến Tre', '084': 'Trà Vinh',
  '086': 'Vĩnh Long', '087': 'Đồng Tháp', '089': 'An Giang', '091': 'Kiên Giang', '092': 'Cần Thơ', '093': 'Hậu Giang',
  '094': 'Sóc Trăng', '095': 'Bạc Liêu', '096': 'Cà Mau',
};

export type Sex = 'male' | 'female';

export interface PinFacts {
  pin: string;
  provinceCode: string;
  provinceName: string | null;
  /** First year of the century the number gives: 1900, 2000, … */
  century: number;
  sex: Sex;
  /** Last two digits of the year of birth, as written in the number. */
  birthYearDigits: string;
  /** The year of birth the number gives: century + YY. */
  birthYear: number;
}

export interface PinRuleBreach {
  code: ErrorCode;
  params: Record<string, string | number>;
}

export interface PinExplanation {
  valid: boolean;
  /** What the number says; absent when it is not 12 digits. */
  facts?: PinFacts;
  /** Every rule the number breaks (alone, or against the sex and date of birth given). */
  breaches: PinRuleBreach[];
}

/**
 * Explains a number and checks it against a person's sex and (possibly partial) date of birth
 * (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`). Rules and their codes:
 * PIN_FORMAT (not exactly 12 digits), PIN_PROVINCE_UNKNOWN (first 3 digits not a province code),
 * PIN_SEX_MISMATCH (digit 4 gives the other sex), PIN_CENTURY_MISMATCH (digit 4 gives another
 * century than the year of birth), PIN_BIRTH_YEAR_MISMATCH (digits 5–6 are not the year's last two),
 * PIN_BIRTH_YEAR_FUTURE (digits 4–6 give a year of birth after the current year in Vietnam: a number
 * is given at birth registration, never before — digit 4 can encode years up to 2399).
 */
export function explainPin(pin: string, person: { sex?: Sex; dateOfBirth?: string } = {}): PinExplanation {
  const breaches: PinRuleBreach[] = [];
  if (!/^\d{12}$/.test(pin)) {
    return { valid: false, breaches: [{ code: 'PIN_FORMAT', params: { pin: pin.length > 20 ? `${pin.slice(0, 20)}…` : pin } }] };
  }
  const provinceCode = pin.slice(0, 3);
  const g = Number(pin[3]);
  const century = 1900 + Math.floor(g / 2) * 100;
  const sex: Sex = g % 2 === 0 ? 'male' : 'female';
  const birthYearDigits = pin.slice(4, 6);
  const facts: PinFacts = {
    pin,
    provinceCode,
    provinceName: PIN_PROVINCES[provinceCode] ?? null,
    century,
    sex,
    birthYearDigits,
    birthYear: century + Number(birthYearDigits),
  };
  if (!facts.provinceName) breaches.push({ code: 'PIN_PROVINCE_UNKNOWN', params: { code: provinceCode } });
  if (facts.birthYear > currentYearInVietnam()) breaches.push({ code: 'PIN_BIRTH_YEAR_FUTURE', params: { digits: pin.slice(3, 6), year: facts.birthYear } });
  if (person.sex && person.sex !== sex) breaches.push({ code: 'PIN_SEX_MISMATCH', params: { digit: g, sex: person.sex } });
  const year = person.dateOfBirth ? Number(person.dateOfBirth.slice(0, 4)) : undefined;
  if (year !== undefined && Number.isFinite(year)) {
    const yearCentury = Math.floor(year / 100) * 100;
    if (yearCentury !== century) breaches.push({ code: 'PIN_CENTURY_MISMATCH', params: { digit: g, year } });
    if (String(year % 100).padStart(2, '0') !== birthYearDigits) breaches.push({ code: 'PIN_BIRTH_YEAR_MISMATCH', params: { digits: birthYearDigits, year } });
  }
  return { valid: breaches.length === 0, facts, breaches };
}

let yearSeen = { year: 0, at: Number.NEGATIVE_INFINITY };
/** The current year in Vietnam, read again at most once a minute (imports check a million numbers). */
function currentYearInVietnam(): number {
  const now = Date.now();
  if (Math.abs(now - yearSeen.at) > 60_000) yearSeen = { year: Number(todayInVietnam().slice(0, 4)), at: now };
  return yearSeen.year;
}

/** The century/sex digit for a sex and year of birth (inverse of digit 4). */
export function centurySexDigit(sex: Sex, year: number): number {
  return Math.floor((year - 1900) / 100) * 2 + (sex === 'female' ? 1 : 0);
}

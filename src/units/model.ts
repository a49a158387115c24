/**
 * The administrative unit (đơn vị hành chính) model. A unit version is a code together with the
 * period it holds: the same GSO code may name different areas in different periods (from
 * 2025-07-01 a new commune reuses the code of one of the communes it absorbed), so every stored
 * code is read together with a date. Succession links join a version to the later versions that
 * took over its area, `full` (all of it) or `partial` (part of it).
 *
 * Codes are strings: province 2 digits, district 3, commune 5 (Decision 124/2004/QĐ-TTg,
 * Decision 19/2025/QĐ-TTg); leading zeros are meaning.
 */
import { collationKey, foldForSearch, nameKey } from '../platform/text.js';

export type UnitLevel = 'province' | 'district' | 'commune';

export const UNIT_TYPES = [
  'Tỉnh',
  'Thành phố trực thuộc trung ương',
  'Quận',
  'Huyện',
  'Thị xã',
  'Thành phố',
  'Phường',
  'Xã',
  'Thị trấn',
  'Đặc khu',
] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

export const TYPES_BY_LEVEL: Record<UnitLevel, readonly UnitType[]> = {
  province: ['Tỉnh', 'Thành phố trực thuộc trung ương'],
  district: ['Quận', 'Huyện', 'Thị xã', 'Thành phố'],
  commune: ['Phường', 'Xã', 'Thị trấn', 'Đặc khu'],
};

export const CODE_LENGTH: Record<UnitLevel, number> = { province: 2, district: 3, commune: 5 };

/** Stored `valid_from` of a version whose start is not known (shown as `validFrom: null`). */
export const UNKNOWN_START = '0001-01-01';

export type SuccessionKind = 'full' | 'partial';

/** One version of a unit, as imported or built in. Dates are `YYYY-MM-DD`, inclusive. */
export interface UnitRecord {
  code: string;
  level: UnitLevel;
  type: UnitType;
  /** Bare name, NFC: "Cẩm Hoàng". */
  name: string;
  /** Name with its type prefix: "Xã Cẩm Hoàng". */
  fullName: string;
  nameEn: string | null;
  /** Code of the parent unit valid over the same period; null for provinces. */
  parentCode: string | null;
  validFrom: string;
  /** Last day in force; null while still in force. */
  validUntil: string | null;
  /** Legal or data source of this version. */
  source: string;
}

/** A link from a unit to one that took over (all or part of) its area on `effectiveDate`. */
export interface SuccessionRecord {
  predecessorCode: string;
  successorCode: string;
  kind: SuccessionKind;
  /** First day of the successor; the predecessor holds until the day before. */
  effectiveDate: string;
  source: string;
}

/** Level implied by a code's length, or undefined for a malformed code. */
export function levelOfCode(code: string): UnitLevel | undefined {
  if (!/^\d+$/.test(code)) return undefined;
  return code.length === 2 ? 'province' : code.length === 3 ? 'district' : code.length === 5 ? 'commune' : undefined;
}

/** Folded text searched by `q`: full name and English name. */
export function searchTextOf(u: Pick<UnitRecord, 'fullName' | 'nameEn'>): string {
  return foldForSearch(`${u.fullName} ${u.nameEn ?? ''}`);
}

/** Sort key: the bare name in Vietnamese collation, then the full name. */
export function sortKeyOf(u: Pick<UnitRecord, 'name' | 'fullName'>): string {
  return `${collationKey(u.name)}0000${collationKey(u.fullName)}`;
}

/**
 * True when two versions describe the same unit: same level, type and parent, and names equal
 * after Unicode and tone-placement normalisation ("Thanh Hóa" = "Thanh Hoá"). English names and
 * sources do not count.
 */
export function sameUnitContent(a: UnitRecord, b: UnitRecord): boolean {
  return (
    a.level === b.level &&
    a.type === b.type &&
    (a.parentCode ?? null) === (b.parentCode ?? null) &&
    nameKey(a.name) === nameKey(b.name) &&
    nameKey(a.fullName) === nameKey(b.fullName)
  );
}

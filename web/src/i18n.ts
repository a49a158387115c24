/**
 * Strings of the UI in Vietnamese (default) and English. Messages may hold `{name}` parameters.
 * Messages from the server (problem `detail`) come already translated through `Accept-Language`.
 */
import { createContext, useContext } from 'react';
import type { UnitLevel, UnitType } from './api.js';

export type Lang = 'vi' | 'en';
export const LANGS: readonly Lang[] = ['vi', 'en'];

const vi = {
  'app.title': 'motcua — Đề án 06',
  'app.footer': 'motcua · Nền tảng Đề án 06 của tỉnh · Dữ liệu danh mục hành chính: Tổng cục Thống kê',
  'nav.label': 'Điều hướng chính',
  'nav.open': 'Mở menu',
  'nav.skip': 'Bỏ qua, đến nội dung chính',
  'nav.units': 'Đơn vị hành chính',
  'lang.label': 'Ngôn ngữ',

  'units.title': 'Đơn vị hành chính',
  'units.intro': 'Tra cứu tỉnh, huyện, xã theo danh mục hành chính tại một ngày bất kỳ, kể cả trước và sau sắp xếp năm 2025.',
  'units.asOf': 'Ngày hiệu lực',
  'units.search': 'Tìm theo tên',
  'units.searchPlaceholder': 'Ví dụ: cam hoang',
  'units.searchButton': 'Tìm',
  'units.breadcrumb': 'Vị trí trong danh mục',
  'units.root': 'Cả nước',
  'units.caption.provinces': 'Tỉnh, thành phố trực thuộc trung ương ngày {at}',
  'units.caption.children': 'Đơn vị trực thuộc {name} ngày {at}',
  'units.caption.search': 'Kết quả tìm “{q}” ngày {at}',
  'units.col.name': 'Tên đơn vị',
  'units.col.type': 'Loại',
  'units.col.code': 'Mã',
  'units.col.period': 'Hiệu lực',
  'units.empty.children': 'Không có đơn vị trực thuộc vào ngày này.',
  'units.empty.search': 'Không tìm thấy đơn vị nào có tên như vậy vào ngày này.',
  'units.total': '{total} đơn vị',
  'units.period.from': 'từ {date}',
  'units.period.until': 'đến {date}',
  'units.period.always': 'không ghi nhận thời hạn',

  'detail.code': 'Mã',
  'detail.type': 'Loại',
  'detail.level': 'Cấp',
  'detail.nameEn': 'Tên tiếng Anh',
  'detail.partOf': 'Trực thuộc',
  'detail.validFrom': 'Hiệu lực từ',
  'detail.validUntil': 'Hiệu lực đến',
  'detail.source': 'Nguồn',
  'detail.successors': 'Đơn vị kế thừa',
  'detail.predecessors': 'Đơn vị tiền thân',
  'detail.unknown': 'Không ghi nhận',
  'detail.inForce': 'Đang có hiệu lực',
  'detail.none': 'Không có',
  'detail.kind.full': 'toàn bộ',
  'detail.kind.partial': 'một phần',
  'detail.codeOf': 'mã {code}',
  'detail.effective': 'hiệu lực từ {date}',

  'level.province': 'Cấp tỉnh',
  'level.district': 'Cấp huyện',
  'level.commune': 'Cấp xã',

  'error.title': 'Không tải được dữ liệu',
  'error.network': 'Không kết nối được máy chủ. Vui lòng kiểm tra mạng và thử lại.',
  'error.retry': 'Thử lại',
  'notFound.title': 'Không tìm thấy trang',
  'notFound.back': 'Về trang đầu',
} as const;

export type MessageKey = keyof typeof vi;
type Messages = Record<MessageKey, string>;

const en: Messages = {
  'app.title': 'motcua — Project 06',
  'app.footer': 'motcua · The province’s Project 06 platform · Administrative units: General Statistics Office',
  'nav.label': 'Main navigation',
  'nav.open': 'Open menu',
  'nav.skip': 'Skip to main content',
  'nav.units': 'Administrative units',
  'lang.label': 'Language',

  'units.title': 'Administrative units',
  'units.intro': 'Look up provinces, districts and communes as registered on any date, before and after the 2025 reorganisation.',
  'units.asOf': 'As of',
  'units.search': 'Search by name',
  'units.searchPlaceholder': 'e.g. cam hoang',
  'units.searchButton': 'Search',
  'units.breadcrumb': 'Position in the register',
  'units.root': 'Whole country',
  'units.caption.provinces': 'Provinces and centrally-run cities on {at}',
  'units.caption.children': 'Units under {name} on {at}',
  'units.caption.search': 'Results for “{q}” on {at}',
  'units.col.name': 'Name',
  'units.col.type': 'Type',
  'units.col.code': 'Code',
  'units.col.period': 'In force',
  'units.empty.children': 'No subordinate units on this date.',
  'units.empty.search': 'No unit with such a name on this date.',
  'units.total': '{total} units',
  'units.period.from': 'from {date}',
  'units.period.until': 'until {date}',
  'units.period.always': 'no recorded period',

  'detail.code': 'Code',
  'detail.type': 'Type',
  'detail.level': 'Level',
  'detail.nameEn': 'English name',
  'detail.partOf': 'Part of',
  'detail.validFrom': 'In force from',
  'detail.validUntil': 'In force until',
  'detail.source': 'Source',
  'detail.successors': 'Successors',
  'detail.predecessors': 'Predecessors',
  'detail.unknown': 'Not recorded',
  'detail.inForce': 'Still in force',
  'detail.none': 'None',
  'detail.kind.full': 'whole area',
  'detail.kind.partial': 'part of the area',
  'detail.codeOf': 'code {code}',
  'detail.effective': 'effective {date}',

  'level.province': 'Province level',
  'level.district': 'District level',
  'level.commune': 'Commune level',

  'error.title': 'Could not load the data',
  'error.network': 'Cannot reach the server. Please check the network and try again.',
  'error.retry': 'Try again',
  'notFound.title': 'Page not found',
  'notFound.back': 'Back to the start page',
};

const MESSAGES: Record<Lang, Messages> = { vi, en };

/** English names of the unit types (the Vietnamese ones are the types themselves). */
const TYPE_EN: Record<UnitType, string> = {
  Tỉnh: 'Province',
  'Thành phố trực thuộc trung ương': 'Centrally-run city',
  Quận: 'Urban district',
  Huyện: 'Rural district',
  'Thị xã': 'District-level town',
  'Thành phố': 'Provincial city',
  Phường: 'Ward',
  Xã: 'Commune',
  'Thị trấn': 'Township',
  'Đặc khu': 'Special zone',
};

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const messages = MESSAGES[lang];
  return (key, params) => messages[key].replace(/\{(\w+)\}/g, (m, name: string) => (params && name in params ? String(params[name]) : m));
}

export function typeLabel(lang: Lang, type: UnitType): string {
  return lang === 'en' ? TYPE_EN[type] : type;
}

export function levelKey(level: UnitLevel): MessageKey {
  return `level.${level}`;
}

const STORAGE_KEY = 'motcua.lang';

/** The remembered language, else Vietnamese. */
export function initialLang(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'vi' || stored === 'en') return stored;
  } catch {
    // Storage can be disabled (private mode, policies): fall back to the default.
  }
  return 'vi';
}

export function rememberLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered; the choice still holds for this visit.
  }
}

export interface I18n {
  lang: Lang;
  t: Translate;
  setLang: (lang: Lang) => void;
}

export const I18nContext = createContext<I18n>({ lang: 'vi', t: translator('vi'), setLang: () => {} });

export function useI18n(): I18n {
  return useContext(I18nContext);
}

/**
 * The one-stop desk's vocabularies (bộ phận một cửa; Decree 118/2025/NĐ-CP on the one-stop
 * mechanism, Decision 06/QĐ-TTg of 2022 on Project 06): who helps, where, with what, and what help
 * was given. Each list holds stable English codes (stored and sent over the API) with the
 * Vietnamese label officials see and write in their spreadsheets (imports accept either).
 */

/** A vocabulary: code → Vietnamese and English label. */
export type Vocabulary<C extends string> = Readonly<Record<C, { vi: string; en: string }>>;

/**
 * Organisations a support-team member comes from (Tổ hỗ trợ dịch vụ công trực tuyến / Tổ công nghệ
 * số cộng đồng draw on mass organisations, the commune police and civil servants).
 */
export const ORGANISATIONS = {
  youth_union: { vi: 'Đoàn Thanh niên', en: 'Youth Union' },
  women_union: { vi: 'Hội Phụ nữ', en: "Women's Union" },
  farmers_union: { vi: 'Hội Nông dân', en: "Farmers' Union" },
  commune_police: { vi: 'Công an xã', en: 'Commune police' },
  civil_servant: { vi: 'Cán bộ, công chức', en: 'Civil servant' },
  other: { vi: 'Khác', en: 'Other' },
} as const satisfies Vocabulary<string>;
export type Organisation = keyof typeof ORGANISATIONS;

/** A team member is a staff account (signs in) or a registered volunteer (a name and a phone, no login). */
export const MEMBER_KINDS = { staff: { vi: 'Cán bộ có tài khoản', en: 'Staff account' }, volunteer: { vi: 'Tình nguyện viên', en: 'Volunteer' } } as const satisfies Vocabulary<string>;
export type MemberKind = keyof typeof MEMBER_KINDS;

/** Sites where help is given (Decree 118/2025/NĐ-CP: communes run public administration service centres). */
export const SITE_KINDS = {
  commune_office: { vi: 'Trụ sở UBND xã', en: "Commune People's Committee office" },
  service_centre: { vi: 'Trung tâm phục vụ hành chính công', en: 'Public administration service centre' },
  cultural_house: { vi: 'Nhà văn hóa thôn, khu dân cư', en: 'Village or residential-area cultural house' },
} as const satisfies Vocabulary<string>;
export type SiteKind = keyof typeof SITE_KINDS;

/** A site's internet connection. */
export const INTERNET_KINDS = {
  none: { vi: 'Chưa có', en: 'None' },
  fixed_broadband: { vi: 'Cáp quang, băng rộng cố định', en: 'Fixed broadband (fibre)' },
  mobile: { vi: 'Di động (3G/4G/5G)', en: 'Mobile (3G/4G/5G)' },
  satellite: { vi: 'Vệ tinh', en: 'Satellite' },
} as const satisfies Vocabulary<string>;
export type InternetKind = keyof typeof INTERNET_KINDS;

export const DEVICE_KINDS = {
  computer: { vi: 'Máy tính', en: 'Computer' },
  scanner: { vi: 'Máy quét', en: 'Scanner' },
  printer: { vi: 'Máy in', en: 'Printer' },
  biometric_capture: { vi: 'Thiết bị thu nhận vân tay, ảnh chân dung', en: 'Fingerprint or photo capture device' },
  kiosk: { vi: 'Ki-ốt tra cứu, tự phục vụ', en: 'Kiosk' },
} as const satisfies Vocabulary<string>;
export type DeviceKind = keyof typeof DEVICE_KINDS;

export const DEVICE_STATUSES = {
  working: { vi: 'Đang hoạt động', en: 'Working' },
  broken: { vi: 'Hỏng', en: 'Broken' },
  under_repair: { vi: 'Đang sửa chữa', en: 'Under repair' },
  retired: { vi: 'Đã thanh lý', en: 'Retired' },
} as const satisfies Vocabulary<string>;
export type DeviceStatus = keyof typeof DEVICE_STATUSES;

/** Where the money for a device came from. */
export const FUNDING_SOURCES = {
  central_budget: { vi: 'Ngân sách trung ương', en: 'Central budget' },
  provincial_budget: { vi: 'Ngân sách tỉnh', en: 'Provincial budget' },
  commune_budget: { vi: 'Ngân sách xã', en: 'Commune budget' },
  police: { vi: 'Ngành công an cấp', en: 'Provided by the police' },
  sponsorship: { vi: 'Xã hội hóa, tài trợ', en: 'Sponsorship' },
  other: { vi: 'Khác', en: 'Other' },
} as const satisfies Vocabulary<string>;
export type FundingSource = keyof typeof FUNDING_SOURCES;

/** What help was given. `guided_self_filing` and `filed_on_behalf` make the self-service share. */
export const HELP_KINDS = {
  vneid_install: { vi: 'Cài đặt ứng dụng VNeID', en: 'Installed the national e-ID app VNeID' },
  account_activation: { vi: 'Kích hoạt tài khoản định danh điện tử', en: 'Activated an e-ID account' },
  guided_self_filing: { vi: 'Hướng dẫn công dân tự nộp hồ sơ trực tuyến', en: 'Guided the citizen to file online alone' },
  filed_on_behalf: { vi: 'Nộp hồ sơ trực tuyến thay công dân', en: "Filed a dossier on the citizen's behalf" },
  information_lookup: { vi: 'Tra cứu thông tin', en: 'Looked up information' },
  other: { vi: 'Khác', en: 'Other' },
} as const satisfies Vocabulary<string>;
export type HelpKind = keyof typeof HELP_KINDS;

export const HELP_OUTCOMES = {
  completed: { vi: 'Hoàn thành', en: 'Completed' },
  pending: { vi: 'Chưa xong, hẹn lại', en: 'Not finished, to continue' },
  referred: { vi: 'Chuyển nơi khác giải quyết', en: 'Referred elsewhere' },
  failed: { vi: 'Không thực hiện được', en: 'Could not be done' },
} as const satisfies Vocabulary<string>;
export type HelpOutcome = keyof typeof HELP_OUTCOMES;

/** Half-day shifts of a desk (buổi sáng, buổi chiều). */
export const SHIFT_PERIODS = { morning: { vi: 'Sáng', en: 'Morning' }, afternoon: { vi: 'Chiều', en: 'Afternoon' } } as const satisfies Vocabulary<string>;
export type ShiftPeriod = keyof typeof SHIFT_PERIODS;

export const CAMPAIGN_STATUSES = {
  planned: { vi: 'Dự kiến', en: 'Planned' },
  held: { vi: 'Đã tổ chức', en: 'Held' },
  cancelled: { vi: 'Đã hủy', en: 'Cancelled' },
} as const satisfies Vocabulary<string>;
export type CampaignStatus = keyof typeof CAMPAIGN_STATUSES;

/** The codes of a vocabulary, for schemas and checks. */
export function codesOf<C extends string>(v: Vocabulary<C>): C[] {
  return Object.keys(v) as C[];
}

/**
 * Default half-day hours of a desk, Vietnam time (giờ làm việc hành chính: 07:30–11:30 and
 * 13:30–17:00 in most northern provinces; each desk may set its own).
 */
export const DEFAULT_HOURS = { morningStart: '07:30', morningEnd: '11:30', afternoonStart: '13:30', afternoonEnd: '17:00' } as const;

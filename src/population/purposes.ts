/**
 * Purposes for which staff may read a person's record (mục đích khai thác). Every read names one
 * (header `X-Purpose`), optionally with a note (`X-Purpose-Note`) and the dossier it serves
 * (`X-Dossier-Code`); the audit log keeps them. Personal data may be processed only for a stated,
 * lawful purpose (Decree 13/2023/NĐ-CP Art. 3; Personal Data Protection Law 91/2025/QH15).
 */
export const PURPOSES = {
  DOSSIER_PROCESSING: { vi: 'Giải quyết hồ sơ thủ tục hành chính', en: 'Processing an administrative dossier' },
  EID_APPLICATION: { vi: 'Cấp, xác thực tài khoản định danh điện tử', en: 'Electronic identification application' },
  SUPPORT_DESK: { vi: 'Hỗ trợ người dân tại bộ phận một cửa', en: 'Helping a citizen at the one-stop desk' },
  RESIDENCE_REGISTRATION: { vi: 'Đăng ký, quản lý cư trú', en: 'Residence registration' },
  DATA_CORRECTION: { vi: 'Điều chỉnh, làm sạch dữ liệu dân cư', en: 'Correcting population data' },
  CITIZEN_REQUEST: { vi: 'Theo yêu cầu của chính công dân', en: "At the citizen's own request" },
  STATISTICS: { vi: 'Thống kê, báo cáo', en: 'Statistics and reporting' },
} as const;

export type PurposeCode = keyof typeof PURPOSES;

export function isPurposeCode(s: string): s is PurposeCode {
  return Object.prototype.hasOwnProperty.call(PURPOSES, s);
}

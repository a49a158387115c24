/**
 * The e-ID vocabulary shared by the server and the web UI (no server imports here): application
 * statuses and channels, account statuses, rejection and lock reasons. Decree 69/2024/NĐ-CP.
 */

/** An application's steps: received → verified → approved | rejected → activation_pending → active. */
export const APPLICATION_STATUSES = ['received', 'verified', 'approved', 'rejected', 'activation_pending', 'active'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const ACCOUNT_STATUSES = ['activation_pending', 'active', 'locked', 'revoked'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** How an application came in: online by the citizen, at the commune police office, at a collection campaign. */
export const CHANNELS = ['online', 'police_desk', 'campaign'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Reasons a police officer gives for refusing an application (stable codes, shown in both languages). */
export const REJECTION_REASONS = {
  IDENTITY_MISMATCH: { vi: 'Thông tin không khớp với giấy tờ hoặc cơ sở dữ liệu', en: 'The data does not match the documents or the database' },
  PHOTO_UNUSABLE: { vi: 'Ảnh khuôn mặt, chân dung không đạt yêu cầu', en: 'The face image or portrait is unusable' },
  FINGERPRINTS_UNUSABLE: { vi: 'Vân tay không đạt yêu cầu', en: 'The fingerprints are unusable' },
  CARD_INVALID: { vi: 'Thẻ căn cước không hợp lệ', en: 'The identity card is not valid' },
  NOT_ELIGIBLE: { vi: 'Không thuộc đối tượng được cấp tài khoản mức độ này', en: 'Not eligible for an account of this level' },
  DUPLICATE: { vi: 'Trùng với đề nghị hoặc tài khoản khác', en: 'Duplicates another application or account' },
  APPLICANT_WITHDREW: { vi: 'Công dân rút đề nghị', en: 'The applicant withdrew' },
  OTHER: { vi: 'Lý do khác', en: 'Other reason' },
} as const;
export type RejectionReason = keyof typeof REJECTION_REASONS;

/** Why an account is locked: by the citizen (lost phone), by police, or automatically from the registry. */
export const LOCK_REASONS = ['citizen_request', 'police', 'card_expired', 'deceased', 'number_cancelled'] as const;
export type LockReason = (typeof LOCK_REASONS)[number];

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

/** Each lock reason in both languages, for messages (an error's `reason` / `reason_vi`). */
const LOCK_REASON_WORDS: Record<LockReason, { en: string; vi: string }> = {
  citizen_request: { en: 'at your own request', vi: 'theo yêu cầu của chính bạn' },
  police: { en: 'by the police', vi: 'do cơ quan công an khóa' },
  card_expired: { en: 'the identity card has expired', vi: 'thẻ căn cước đã hết hạn' },
  deceased: { en: 'the population registry records the holder as deceased', vi: 'Cơ sở dữ liệu quốc gia về dân cư ghi nhận người này đã mất' },
  number_cancelled: { en: 'the identification number was cancelled', vi: 'số định danh cá nhân đã bị hủy' },
};

/** The params of EID_ACCOUNT_LOCKED for a lock reason: the reason in words in both languages. */
export function lockReasonParams(reason: LockReason): { reason: string; reason_vi: string } {
  const w = LOCK_REASON_WORDS[reason];
  return { reason: w.en, reason_vi: w.vi };
}

/**
 * The words of the dossier (hồ sơ thủ tục hành chính) domain: intake channels, workflow states,
 * actions and the one-stop forms of Circular 03/2025/TT-VPCP Appendix I (shared/domain.md §3.3).
 */

/**
 * How a dossier arrived (kênh tiếp nhận):
 * - `online`: a citizen signed in with their e-ID account filed it themselves (DVC trực tuyến);
 * - `counter`: an officer entered it at the one-stop desk (bộ phận một cửa) from what the citizen brought;
 * - `on_behalf`: a support-team member or officer filed it online for a citizen who was present
 *   (hỗ trợ nộp hồ sơ trực tuyến thay), with the citizen's consent recorded;
 * - `mobile`: a mobile team filed it during a campaign away from the desk (tổ lưu động).
 */
export const CHANNELS = ['online', 'counter', 'on_behalf', 'mobile'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Whether the citizen filed the dossier themselves or someone filed it for them (indicator `filedBy`). */
export type FiledBy = 'self' | 'on_behalf';

/** The `filedBy` of a channel: a counter dossier is the citizen's own, entered by the desk. */
export function filedByOf(channel: Channel): FiledBy {
  return channel === 'on_behalf' || channel === 'mobile' ? 'on_behalf' : 'self';
}

/**
 * Workflow states (Decree 118/2025/NĐ-CP; the one-stop states of shared/domain.md §3.3):
 * `submitted` (mới nộp, chờ tiếp nhận) → `received` (đã tiếp nhận; form 01) | `returned_for_completion`
 * (yêu cầu bổ sung, hoàn thiện; form 02) | `refused` (từ chối tiếp nhận; form 03) → `in_processing`
 * (đang giải quyết) → `approved` (đủ điều kiện) | `rejected` (không đủ điều kiện) → `result_ready`
 * (chờ trả kết quả) → `result_returned` (đã trả kết quả); `stopped` (dừng giải quyết; form 05).
 */
export const STATES = [
  'submitted',
  'returned_for_completion',
  'refused',
  'received',
  'in_processing',
  'approved',
  'rejected',
  'result_ready',
  'result_returned',
  'stopped',
] as const;
export type DossierState = (typeof STATES)[number];

/** Vietnamese names of the states, as citizens and desks read them. */
export const STATE_NAMES_VI: Record<DossierState, string> = {
  submitted: 'Mới nộp, chờ tiếp nhận',
  returned_for_completion: 'Yêu cầu bổ sung, hoàn thiện hồ sơ',
  refused: 'Từ chối tiếp nhận',
  received: 'Đã tiếp nhận',
  in_processing: 'Đang giải quyết',
  approved: 'Đã giải quyết: đủ điều kiện',
  rejected: 'Đã giải quyết: không đủ điều kiện',
  result_ready: 'Chờ trả kết quả',
  result_returned: 'Đã trả kết quả',
  stopped: 'Dừng giải quyết',
};

/** States whose deadline clock runs: open, received, not waiting for the citizen. */
export const CLOCK_RUNNING_STATES: readonly DossierState[] = ['received', 'in_processing', 'approved', 'rejected'];
/** States with nothing more to do. */
export const FINAL_STATES: readonly DossierState[] = ['refused', 'result_returned', 'stopped'];

/**
 * What a person does to a dossier. Each one is a transition row (append-only) with its actor,
 * time and reason; some produce a form.
 */
export const ACTIONS = [
  'receive',
  'return_for_completion',
  'resubmit',
  'refuse',
  'assign',
  'approve',
  'reject',
  'release_result',
  'return_result',
  'apologize',
  'stop',
] as const;
export type DossierAction = (typeof ACTIONS)[number];

/** Events that are not chosen actions: the submission itself and the overdue flag. */
export type DossierEventKind = DossierAction | 'submit' | 'flag_overdue';

/** The forms of Circular 03/2025/TT-VPCP Appendix I. */
export const FORMS = ['01', '02', '03', '04', '05', '06', '07'] as const;
export type FormNumber = (typeof FORMS)[number];

export const FORM_TITLES_VI: Record<FormNumber, string> = {
  '01': 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
  '02': 'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ',
  '03': 'PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ',
  '04': 'VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT',
  '05': 'THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ',
  '06': 'PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ',
  '07': 'SỔ THEO DÕI HỒ SƠ',
};

/** Who helped a citizen file (channels `on_behalf` and `mobile`), and the citizen's consent. */
export interface Assistance {
  /** Staff username of the helper (from the session, never from the body). */
  helper: string;
  /** The desk or site where the help was given (quầy / điểm hỗ trợ), free text. */
  site: string;
  /** Identifier of the equipment used (máy tính, máy quét), as labelled at the site. */
  equipmentId: string;
  /** The citizen agreed that the helper files for them and reads their registry data (Decree 13/2023/NĐ-CP Art. 11). */
  consent: { given: true; method: 'signed_paper' | 'verbal_witnessed' | 'vneid_confirmation'; at: string };
  /** The campaign of a mobile team (channel `mobile`). */
  campaign?: string | null;
}

/**
 * Notifications of a dossier's status changes to the applicant, by SMS and e-mail, in Vietnamese,
 * queued in the outbox (src/platform/jobs/outbox.ts) inside the transaction of the change they
 * announce, so a rolled-back change sends nothing and a committed one always sends. For online
 * dossiers the law asks that late-processing apologies (form 04) reach the citizen by e-mail or
 * SMS (shared/domain.md §3.3); every other status change is announced the same way.
 *
 * Dedupe key `dossier:{code}:{event seq}:{channel}`: a retried transaction never queues twice.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../platform/config.js';
import { AppError } from '../platform/errors.js';
import { enqueueMessage, maskEmail, maskPhone, type OutboxMessage } from '../platform/jobs/index.js';
import { STATE_NAMES_VI, type DossierEventKind, type DossierState } from './model.js';

/** The public tracking page of a dossier (the QR code on every form points here). */
export function trackingUrl(config: Pick<Config, 'publicUrl'>, code: string): string {
  return `${config.publicUrl}/tra-cuu/${encodeURIComponent(code)}`;
}

/** `2026-03-02` → `02/03/2026` (Vietnamese date order). */
export function viDate(date: string): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

export interface StatusNotice {
  code: string;
  serviceName: string;
  event: DossierEventKind;
  state: DossierState;
  seq: number;
  reason: string | null;
  dueDate: string | null;
  /** Due date before an apology (form 04). */
  previousDueDate?: string | null;
  /** The clock runs again after a resubmission. */
  clockRunning?: boolean;
}

/** The Vietnamese text of a status notice, without the greeting (shared by SMS and e-mail). */
export function noticeText(n: StatusNotice, url: string): string {
  const due = n.dueDate ? viDate(n.dueDate) : null;
  const reason = n.reason ? n.reason.replace(/\s+/gu, ' ').trim() : '';
  const lines: Record<DossierEventKind, string> = {
    submit: `Hồ sơ ${n.code} (${n.serviceName}) đã được nộp và đang chờ cơ quan tiếp nhận kiểm tra.`,
    receive: `Hồ sơ ${n.code} (${n.serviceName}) đã được tiếp nhận. Ngày hẹn trả kết quả: ${due}.`,
    return_for_completion: `Hồ sơ ${n.code} cần bổ sung, hoàn thiện: ${reason}. Thời hạn giải quyết tạm dừng cho đến khi Ông/Bà nộp bổ sung.`,
    resubmit: n.clockRunning
      ? `Hồ sơ ${n.code} đã nhận phần bổ sung. Ngày hẹn trả kết quả mới: ${due}.`
      : `Hồ sơ ${n.code} đã nhận phần bổ sung và đang chờ cơ quan tiếp nhận kiểm tra.`,
    refuse: `Hồ sơ ${n.code} bị từ chối tiếp nhận. Lý do: ${reason}.`,
    assign: `Hồ sơ ${n.code} đang được giải quyết. Ngày hẹn trả kết quả: ${due}.`,
    approve: `Hồ sơ ${n.code} đã được giải quyết; kết quả đang được chuẩn bị để trả.`,
    reject: `Hồ sơ ${n.code} không đủ điều kiện giải quyết. Lý do: ${reason}.`,
    release_result: `Kết quả hồ sơ ${n.code} đã sẵn sàng để trả.`,
    return_result: `Đã trả kết quả hồ sơ ${n.code}. Cảm ơn Ông/Bà đã sử dụng dịch vụ công.`,
    apologize: `Cơ quan giải quyết xin lỗi Ông/Bà: hồ sơ ${n.code} chưa giải quyết xong đúng hẹn ngày ${n.previousDueDate ? viDate(n.previousDueDate) : ''}. Lý do: ${reason}. Ngày hẹn trả kết quả mới: ${due}.`,
    stop: `Hồ sơ ${n.code} đã dừng giải quyết. Lý do: ${reason}.`,
    flag_overdue: `Hồ sơ ${n.code} đã quá hạn giải quyết (hạn ${due}).`,
  };
  return `${lines[n.event]} Tra cứu: ${url}`;
}

/**
 * The SMS (when the applicant gave a phone) and the e-mail (when they gave an address) announcing
 * `notice`, as outbox messages (dedupe key `dossier:{code}:{seq}:{channel}`).
 */
export function statusNoticeMessages(config: Pick<Config, 'publicUrl'>, to: { phone: string | null; email: string | null }, notice: StatusNotice): OutboxMessage[] {
  const text = noticeText(notice, trackingUrl(config, notice.code));
  const out: OutboxMessage[] = [];
  if (to.phone) out.push({ channel: 'sms', to: to.phone, text, dedupeKey: `dossier:${notice.code}:${notice.seq}:sms`, kind: 'dossier.status' });
  if (to.email) {
    out.push({
      channel: 'email',
      to: to.email,
      subject: `[Một cửa] Hồ sơ ${notice.code}: ${STATE_NAMES_VI[notice.state]}`,
      text: `Kính gửi Ông/Bà,\n\n${text}\n\nĐây là thư tự động của hệ thống một cửa điện tử; vui lòng không trả lời thư này.`,
      dedupeKey: `dossier:${notice.code}:${notice.seq}:email`,
      kind: 'dossier.status',
    });
  }
  return out;
}

/**
 * Queues the messages of {@link statusNoticeMessages} in `trx`. Returns how many were queued. A
 * recipient that the outbox refuses (not a Vietnamese mobile number) is skipped, never failing
 * the change.
 */
export async function queueStatusNotice(trx: Kysely<any>, config: Pick<Config, 'publicUrl'>, to: { phone: string | null; email: string | null }, notice: StatusNotice): Promise<number> {
  let queued = 0;
  for (const msg of statusNoticeMessages(config, to, notice)) {
    try {
      await enqueueMessage(trx, msg);
      queued++;
    } catch (e) {
      if (!(e instanceof AppError && (e.code === 'OUTBOX_PHONE_INVALID' || e.code === 'OUTBOX_EMAIL_INVALID'))) throw e;
    }
  }
  return queued;
}

/** The escalation of an overdue dossier to the head of its unit (thủ trưởng cơ quan). */
export async function queueEscalation(
  trx: Kysely<any>,
  config: Pick<Config, 'publicUrl'>,
  to: { phone: string | null; email: string | null; title: string },
  d: { code: string; serviceName: string; dueDate: string; handler: string | null; today: string },
): Promise<string | null> {
  const text = `Kính gửi ${to.title}: hồ sơ ${d.code} (${d.serviceName}) đã quá hạn giải quyết từ ngày ${viDate(d.dueDate)} (hôm nay ${viDate(d.today)})${d.handler ? `, cán bộ đang xử lý: ${d.handler}` : ', chưa phân công cán bộ xử lý'}. Đề nghị chỉ đạo giải quyết và phát hành văn bản xin lỗi, hẹn lại ngày trả kết quả. Chi tiết: ${trackingUrl(config, d.code)}`;
  if (to.email) {
    await enqueueMessage(trx, { channel: 'email', to: to.email, subject: `[Một cửa] Hồ sơ quá hạn ${d.code}`, text, dedupeKey: `dossier:${d.code}:escalation:email`, kind: 'dossier.escalation' });
    return maskEmail(to.email);
  }
  if (to.phone) {
    await enqueueMessage(trx, { channel: 'sms', to: to.phone, text, dedupeKey: `dossier:${d.code}:escalation:sms`, kind: 'dossier.escalation' });
    return maskPhone(to.phone);
  }
  return null;
}

/**
 * The one-stop forms of Circular 03/2025/TT-VPCP Appendix I as PDF (src/platform/documents: the
 * national heading, Noto Serif with every Vietnamese glyph, a QR code to the public tracking page):
 * 01 receipt and appointment slip, 02 request to supplement, 03 refusal, 04 apology and new date,
 * 05 notice of stopping, 06 process control slip, 07 dossier register (by period; also as XLSX).
 * Each form is drawn from the dossier's transition rows, so a form printed again later says what
 * it said when it was issued (the last issue of that form).
 */
import { Temporal } from 'temporal-polyfill';
import { VIETNAM_TIME_ZONE } from '../platform/dates.js';
import { renderDocument, type DocumentBlock, type OfficialDocument } from '../platform/documents/index.js';
import { AppError } from '../platform/errors.js';
import { staffAccount } from '../identity/index.js';
import { xlsxBuffer } from '../platform/spreadsheets.js';
import { maskPin } from '../population/index.js';
import type { DossierEnv } from './access.js';
import { FORM_TITLES_VI, STATE_NAMES_VI, type Channel, type DossierState, type FormNumber } from './model.js';
import { trackingUrl, viDate } from './notify.js';
import { agencyOfUnit, attachmentsOf, eventsOf, type AgencyRow, type DossierRow, type DossiersTables, type EventRow } from './store.js';
import { formsOf } from './views.js';

const CHANNEL_VI: Record<Channel, string> = {
  online: 'Trực tuyến (công dân tự nộp)',
  counter: 'Trực tiếp tại Bộ phận Một cửa',
  on_behalf: 'Trực tuyến, được hỗ trợ nộp thay',
  mobile: 'Tổ lưu động',
};

const ACTION_VI: Record<string, string> = {
  submit: 'Nộp hồ sơ',
  receive: 'Tiếp nhận hồ sơ',
  return_for_completion: 'Yêu cầu bổ sung, hoàn thiện',
  resubmit: 'Nộp bổ sung',
  refuse: 'Từ chối tiếp nhận',
  assign: 'Chuyển xử lý',
  approve: 'Giải quyết: đủ điều kiện',
  reject: 'Giải quyết: không đủ điều kiện',
  release_result: 'Có kết quả, chờ trả',
  return_result: 'Trả kết quả',
  apologize: 'Xin lỗi, hẹn lại ngày trả',
  stop: 'Dừng giải quyết',
  flag_overdue: 'Quá hạn giải quyết',
};

/** `2026-02-13T08:30:00Z` → `15:30 ngày 13/02/2026` (Vietnam time). */
export function viDateTime(instant: string): string {
  const z = Temporal.Instant.from(instant).toZonedDateTimeISO(VIETNAM_TIME_ZONE);
  return `${z.toPlainTime().toString({ smallestUnit: 'minute' })} ngày ${viDate(z.toPlainDate().toString())}`;
}

const vnDate = (instant: string) => Temporal.Instant.from(instant).toZonedDateTimeISO(VIETNAM_TIME_ZONE).toPlainDate().toString();

interface Issuer {
  agency: AgencyRow;
  place: string;
  parent: string | undefined;
}

async function issuerOf(env: DossierEnv, d: DossierRow): Promise<Issuer> {
  const agency = await agencyOfUnit(env.db.as<DossiersTables>(), d.unit_code);
  if (!agency) throw new AppError('DOSSIER_AGENCY_NOT_CONFIGURED', { unitCode: d.unit_code });
  const unit = await env.units.get(d.unit_code, d.unit_date);
  const parent = unit.level === 'province' ? undefined : `UBND ${unit.fullName}`;
  return { agency, place: unit.name, parent: parent?.toLocaleUpperCase('vi') };
}

/**
 * Who did each step, as the reader of a form knows them (never an internal id such as `eid:12`):
 * a staff member by the display name of their account (the username when it has none), a citizen
 * acting on their own dossier as the applicant, the platform's own steps (overdue flags) as the system.
 */
async function actorNames(env: DossierEnv, d: DossierRow, events: readonly EventRow[]): Promise<{ actor: (e: EventRow) => string; staff: (username: string) => string }> {
  const staff = new Map<string, string>();
  const usernames = events.flatMap((e) => [...(e.actor_kind === 'staff' ? [e.actor_id] : []), ...(e.action === 'assign' && typeof JSON.parse(e.data).handler === 'string' ? [String(JSON.parse(e.data).handler)] : [])]);
  for (const id of new Set(usernames)) {
    const account = await staffAccount(env.db, id);
    staff.set(id, account?.principal.displayName || id);
  }
  const actor = (e: EventRow): string => {
    switch (e.actor_kind) {
      case 'staff':
        return staff.get(e.actor_id) ?? e.actor_id;
      case 'citizen':
        return `${d.applicant_name} (người nộp hồ sơ)`;
      case 'cli':
        return 'Quản trị hệ thống';
      default:
        return 'Hệ thống';
    }
  };
  return { actor, staff: (username) => staff.get(username) ?? username };
}

function lastEvent(events: readonly EventRow[], form: FormNumber): EventRow | undefined {
  return [...events].reverse().find((e) => e.form === form);
}

function applicantRows(d: DossierRow): { label: string; value: string }[] {
  return [
    { label: 'Người nộp hồ sơ', value: d.applicant_name },
    ...(d.applicant_pin ? [{ label: 'Số định danh cá nhân', value: maskPin(d.applicant_pin) }] : []),
    ...(d.applicant_phone ? [{ label: 'Số điện thoại', value: d.applicant_phone }] : []),
    { label: 'Nội dung yêu cầu giải quyết', value: `${d.service_name} (mã thủ tục ${d.service_code})` },
  ];
}

/**
 * The PDF of form `form` of dossier `d`. Errors: DOSSIER_FORM_NOT_AVAILABLE (404) when no action
 * issued it yet (07 is the register: see {@link registerPdf}).
 */
export async function dossierFormPdf(env: DossierEnv, d: DossierRow, form: FormNumber): Promise<Buffer> {
  const db = env.db.as<DossiersTables>();
  const events = await eventsOf(db, d.id);
  if (form === '07' || !formsOf(d, events).includes(form)) throw new AppError('DOSSIER_FORM_NOT_AVAILABLE', { code: d.code, form });
  const issuer = await issuerOf(env, d);
  const e = form === '06' ? events[events.length - 1]! : lastEvent(events, form)!;
  const data = JSON.parse(e.data) as Record<string, unknown>;
  const names = await actorNames(env, d, events);
  // The officer signs: form 01 re-issued after a citizen's own resubmission online is signed by
  // the officer who received the dossier, not by the citizen.
  const signer = e.actor_kind === 'staff' ? e : (events.find((x) => x.action === 'receive' && x.actor_kind === 'staff') ?? e);
  const blocks: DocumentBlock[] = [];
  let signatureTitle = 'Người tiếp nhận';
  const intro = `${issuer.agency.name_vi} `;
  switch (form) {
    case '01': {
      const received = events.find((x) => x.action === 'receive')!;
      blocks.push({ kind: 'paragraph', text: `${intro}tiếp nhận hồ sơ của Ông/Bà ${d.applicant_name}.` });
      blocks.push({
        kind: 'fields',
        rows: [
          ...applicantRows(d),
          { label: 'Kênh nộp hồ sơ', value: CHANNEL_VI[d.channel] },
          { label: 'Thời điểm tiếp nhận', value: viDateTime(received.at) },
          { label: 'Thời hạn giải quyết', value: d.working_days === 0 ? 'Trong ngày làm việc' : `${d.working_days} ngày làm việc` },
          { label: 'Ngày hẹn trả kết quả', value: viDate(d.due_date!) },
        ],
      });
      if (d.start_date && d.start_date !== vnDate(received.at)) {
        blocks.push({ kind: 'paragraph', text: `Hồ sơ được tiếp nhận sau ${d.cutoff} hoặc vào ngày nghỉ nên thời hạn được tính từ ngày làm việc tiếp theo (${viDate(d.start_date)}).`, style: 'italic', size: 11 });
      }
      if (e.action === 'resubmit') {
        blocks.push({ kind: 'paragraph', text: `Hồ sơ đã được bổ sung lúc ${viDateTime(e.at)}; ngày hẹn trả kết quả mới là ${viDate(String(data.dueDate))} (trước đó: ${viDate(String(data.previousDueDate))}).`, style: 'italic', size: 11 });
      }
      const files = await attachmentsOf(db, d.id);
      if (files.length > 0) {
        blocks.push({ kind: 'heading', text: 'Thành phần hồ sơ đã nhận' });
        blocks.push({ kind: 'table', columns: [{ header: 'STT', width: 0.6 }, { header: 'Tên tệp', width: 5 }, { header: 'Loại', width: 1.4 }], rows: files.map((f, i) => [String(i + 1), f.file_name, f.media_type.replace('application/', '').replace('image/', '').toUpperCase()]) });
      }
      break;
    }
    case '02':
      blocks.push({ kind: 'paragraph', text: `Ngày ${viDate(vnDate(e.at))}, ${issuer.agency.name_vi} kiểm tra hồ sơ của Ông/Bà ${d.applicant_name} và đề nghị bổ sung, hoàn thiện hồ sơ như sau:` });
      blocks.push({ kind: 'fields', rows: applicantRows(d) });
      blocks.push({ kind: 'heading', text: 'Nội dung yêu cầu bổ sung, hoàn thiện' });
      blocks.push({ kind: 'paragraph', text: e.reason ?? '' });
      blocks.push({
        kind: 'paragraph',
        text: data.clockStopped
          ? `Thời hạn giải quyết tạm dừng từ ${viDateTime(e.at)} và tiếp tục khi Ông/Bà nộp bổ sung (còn ${String(data.workingDaysLeft)} ngày làm việc); ngày hẹn trả kết quả mới sẽ được thông báo khi nhận đủ hồ sơ.`
          : 'Hồ sơ sẽ được tiếp nhận khi Ông/Bà nộp bổ sung đầy đủ; thời hạn giải quyết tính từ ngày tiếp nhận.',
      });
      break;
    case '03':
      blocks.push({ kind: 'paragraph', text: `${intro}không tiếp nhận giải quyết hồ sơ của Ông/Bà ${d.applicant_name}.` });
      blocks.push({ kind: 'fields', rows: applicantRows(d) });
      blocks.push({ kind: 'heading', text: 'Lý do từ chối' });
      blocks.push({ kind: 'paragraph', text: e.reason ?? '' });
      break;
    case '04':
      signatureTitle = 'Thủ trưởng cơ quan';
      blocks.push({ kind: 'paragraph', text: `${intro}xin lỗi Ông/Bà ${d.applicant_name} vì hồ sơ chưa được giải quyết đúng hẹn ngày ${viDate(String(data.previousDueDate))}.` });
      blocks.push({ kind: 'fields', rows: [...applicantRows(d), { label: 'Lý do chậm giải quyết', value: e.reason ?? '' }, { label: 'Ngày hẹn trả kết quả mới', value: viDate(String(data.newDueDate)) }] });
      blocks.push({ kind: 'paragraph', text: 'Rất mong Ông/Bà thông cảm. Cơ quan sẽ trả kết quả đúng ngày hẹn mới.' });
      break;
    case '05':
      signatureTitle = 'Thủ trưởng cơ quan';
      blocks.push({ kind: 'paragraph', text: `${intro}thông báo dừng giải quyết hồ sơ của Ông/Bà ${d.applicant_name} từ ${viDateTime(e.at)}.` });
      blocks.push({ kind: 'fields', rows: [...applicantRows(d), { label: 'Lý do dừng giải quyết', value: e.reason ?? '' }] });
      break;
    case '06': {
      signatureTitle = 'Người lập phiếu';
      blocks.push({ kind: 'fields', rows: [...applicantRows(d), { label: 'Ngày hẹn trả kết quả', value: d.due_date ? viDate(d.due_date) : '—' }, { label: 'Trạng thái', value: STATE_NAMES_VI[d.state] }] });
      blocks.push({ kind: 'heading', text: 'Quá trình giải quyết hồ sơ' });
      blocks.push({
        kind: 'table',
        size: 10,
        columns: [{ header: 'STT', width: 0.5 }, { header: 'Thời điểm', width: 2 }, { header: 'Bước', width: 2.4 }, { header: 'Người thực hiện', width: 1.8 }, { header: 'Chuyển đến / ghi chú', width: 2.6 }],
        rows: events.map((x, i) => {
          const xd = JSON.parse(x.data) as Record<string, unknown>;
          const note = x.action === 'assign' ? [xd.handler ? `cán bộ ${names.staff(String(xd.handler))}` : null, xd.toUnit ? String(xd.toUnit) : null].filter(Boolean).join(', ') : (x.reason ?? (xd.dueDate ? `hẹn ${viDate(String(xd.dueDate))}` : ''));
          return [String(i + 1), viDateTime(x.at), ACTION_VI[x.action] ?? x.action, names.actor(x), note];
        }),
      });
      if (d.completed_at) {
        const done = vnDate(d.completed_at);
        const verdict = d.due_date === null ? 'Đúng hạn' : done < d.due_date ? 'Trước hạn' : done === d.due_date ? 'Đúng hạn' : 'Quá hạn';
        blocks.push({ kind: 'fields', rows: [{ label: 'Ngày có kết quả', value: viDate(done) }, { label: 'Đánh giá', value: verdict }] });
      }
      break;
    }
  }
  const doc: OfficialDocument = {
    issuer: { parent: issuer.parent, name: issuer.agency.name_vi.toLocaleUpperCase('vi') },
    place: issuer.place,
    date: vnDate(e.at),
    title: FORM_TITLES_VI[form],
    subject: `Mã hồ sơ: ${d.code}`,
    blocks,
    signature: { title: signatureTitle.toLocaleUpperCase('vi'), name: form === '06' ? undefined : names.actor(signer) },
    recipients: ['Người nộp hồ sơ', 'Lưu: Bộ phận Một cửa'],
    qr: { text: trackingUrl(env.config, d.code), caption: 'Quét mã để tra cứu hồ sơ' },
    meta: { subject: `Mẫu số ${form}, Thông tư 03/2025/TT-VPCP — ${d.code}`, keywords: `${d.code} ${d.service_code}` },
  };
  return renderDocument(doc);
}

/** A line of the register (form 07). */
export interface RegisterLine {
  code: string;
  serviceName: string;
  applicantName: string;
  channel: Channel;
  submittedOn: string;
  receivedOn: string | null;
  dueDate: string | null;
  completedOn: string | null;
  returnedOn: string | null;
  state: DossierState;
  onTime: boolean | null;
}

export function registerLines(rows: readonly DossierRow[]): RegisterLine[] {
  const out: RegisterLine[] = [];
  for (const d of rows) {
    const returned = d.state === 'result_returned' && d.closed_at ? vnDate(d.closed_at) : null;
    out.push({
      code: d.code,
      serviceName: d.service_name,
      applicantName: d.applicant_name,
      channel: d.channel,
      submittedOn: vnDate(d.submitted_at),
      receivedOn: d.received_at ? vnDate(d.received_at) : null,
      dueDate: d.due_date,
      completedOn: d.completed_at ? vnDate(d.completed_at) : null,
      returnedOn: returned,
      state: d.state,
      onTime: d.on_time === null ? null : d.on_time === 1,
    });
  }
  return out;
}

const REGISTER_COLUMNS = ['STT', 'Mã hồ sơ', 'Thủ tục', 'Người nộp', 'Kênh', 'Ngày nộp', 'Ngày tiếp nhận', 'Ngày hẹn trả', 'Ngày có kết quả', 'Ngày trả kết quả', 'Trạng thái', 'Đúng hạn'];

function registerCells(lines: readonly RegisterLine[]): string[][] {
  return lines.map((l, i) => [
    String(i + 1),
    l.code,
    l.serviceName,
    l.applicantName,
    CHANNEL_VI[l.channel],
    viDate(l.submittedOn),
    l.receivedOn ? viDate(l.receivedOn) : '',
    l.dueDate ? viDate(l.dueDate) : '',
    l.completedOn ? viDate(l.completedOn) : '',
    l.returnedOn ? viDate(l.returnedOn) : '',
    STATE_NAMES_VI[l.state],
    l.onTime === null ? '' : l.onTime ? 'Có' : 'Không',
  ]);
}

/** The register (form 07, Sổ theo dõi hồ sơ) of a period as XLSX (exceljs): one row per dossier, codes as text. */
export async function registerXlsx(lines: readonly RegisterLine[]): Promise<Buffer> {
  const widths = [6, 26, 40, 26, 22, 12, 14, 14, 16, 16, 26, 10];
  return xlsxBuffer(
    'So theo doi ho so',
    REGISTER_COLUMNS.map((header, i) => ({ header, width: widths[i]!, asText: i === 1 })),
    registerCells(lines),
  );
}

/** The register (form 07) of a period as PDF, for the agency of `unitCode`. */
export async function registerPdf(env: DossierEnv, unitCode: string, from: string, to: string, lines: readonly RegisterLine[], today: string): Promise<Buffer> {
  const agency = await agencyOfUnit(env.db.as<DossiersTables>(), unitCode);
  if (!agency) throw new AppError('DOSSIER_AGENCY_NOT_CONFIGURED', { unitCode });
  const unit = await env.units.get(unitCode, today);
  const cols = [0.5, 2.4, 2.6, 1.8, 1.2, 1.2, 1.2, 1.2, 1.6];
  const picked = [0, 1, 2, 3, 5, 7, 8, 9, 10];
  return renderDocument({
    issuer: { parent: unit.level === 'province' ? undefined : `UBND ${unit.fullName}`.toLocaleUpperCase('vi'), name: agency.name_vi.toLocaleUpperCase('vi') },
    place: unit.name,
    date: today,
    title: FORM_TITLES_VI['07'],
    subject: `Từ ngày ${viDate(from)} đến ngày ${viDate(to)} — ${lines.length} hồ sơ`,
    blocks: [
      {
        kind: 'table',
        size: 8,
        columns: picked.map((i, k) => ({ header: REGISTER_COLUMNS[i]!, width: cols[k] })),
        rows: registerCells(lines).map((r) => picked.map((i) => r[i]!)),
      },
    ],
    signature: { title: 'NGƯỜI LẬP SỔ' },
  });
}

/**
 * The shapes the API answers with: a dossier in full (for staff within reach and the applicant),
 * a work-queue line, and the public tracking view (masked initials only, unless the last four
 * digits of the applicant's phone are given).
 */
import type { Kysely } from 'kysely';
import type { Principal } from '../platform/auth.js';
import type { Config } from '../platform/config.js';
import { todayInVietnam } from '../platform/dates.js';
import { maskPin } from '../population/index.js';
import { serviceVersion } from '../services/index.js';
import { allowedActions } from './workflow.js';
import { CLOCK_RUNNING_STATES, STATE_NAMES_VI, type Assistance, type Channel, type DossierAction, type DossierState, type FiledBy, type FormNumber } from './model.js';
import { trackingUrl } from './notify.js';
import type { AttachmentRow, DossierRow, EventRow } from './store.js';

export interface DossierEventView {
  seq: number;
  action: string;
  fromState: DossierState | null;
  toState: DossierState;
  at: string;
  actor: { kind: string; id: string; unitCode: string | null };
  reason: string | null;
  data: Record<string, unknown>;
  form: FormNumber | null;
}

export interface AttachmentView {
  id: number;
  fileName: string;
  mediaType: 'application/pdf' | 'image/jpeg' | 'image/png';
  size: number;
  sha256: string;
  uploadedAt: string;
  uploadedBy: string;
}

export interface DossierView {
  code: string;
  state: DossierState;
  stateName: string;
  allowedActions: DossierAction[];
  /** `nameVi` as filed; `nameEn` from the catalog version filed under (null when that version is gone). */
  service: { code: string; version: number; nameVi: string; nameEn: string | null; sector: string };
  channel: Channel;
  filedBy: FiledBy;
  unitCode: string;
  unitDate: string;
  agencyCode: string;
  applicant: { pin: string | null; fullName: string; phone: string | null; email: string | null };
  formData: Record<string, unknown>;
  lockedFields: string[];
  assistance: Assistance | null;
  submittedAt: string;
  receivedAt: string | null;
  startDate: string | null;
  workingDays: number;
  cutoff: string;
  dueDate: string | null;
  originalDueDate: string | null;
  clockPaused: boolean;
  pausedRemaining: number | null;
  handler: string | null;
  overdueSince: string | null;
  /** Overdue today: the clock runs and the due date has passed. */
  overdue: boolean;
  completedAt: string | null;
  onTime: boolean | null;
  closedAt: string | null;
  forms: FormNumber[];
  events: DossierEventView[];
  attachments: AttachmentView[];
  trackingUrl: string;
  version: number;
}

export function eventView(e: EventRow): DossierEventView {
  return {
    seq: e.seq,
    action: e.action,
    fromState: e.from_state as DossierState | null,
    toState: e.to_state as DossierState,
    at: e.at,
    actor: { kind: e.actor_kind, id: e.actor_id, unitCode: e.actor_unit },
    reason: e.reason,
    data: JSON.parse(e.data) as Record<string, unknown>,
    form: e.form as FormNumber | null,
  };
}

export function attachmentView(a: AttachmentRow): AttachmentView {
  return { id: a.id, fileName: a.file_name, mediaType: a.media_type as AttachmentView['mediaType'], size: a.size, sha256: a.sha256, uploadedAt: a.uploaded_at, uploadedBy: a.uploaded_by };
}

/** Overdue on `today`: the clock runs and the due date is before today. */
export function isOverdue(d: Pick<DossierRow, 'state' | 'due_date'>, today: string): boolean {
  return CLOCK_RUNNING_STATES.includes(d.state) && d.due_date !== null && d.due_date < today;
}

/** The forms a dossier has: those its actions issued, the control slip (06) once received. */
export function formsOf(d: Pick<DossierRow, 'received_at'>, events: readonly EventRow[]): FormNumber[] {
  const forms = new Set<FormNumber>();
  for (const e of events) if (e.form) forms.add(e.form as FormNumber);
  if (d.received_at) forms.add('06');
  return [...forms].sort();
}

/**
 * The English names of the procedures `rows` were filed under, from the catalog version of each
 * (one read per distinct version): a lookup answering null when that version is not in the catalog.
 */
export async function serviceNamesEn(db: Kysely<any>, rows: readonly Pick<DossierRow, 'service_code' | 'service_version'>[]): Promise<(d: Pick<DossierRow, 'service_code' | 'service_version'>) => string | null> {
  const key = (d: Pick<DossierRow, 'service_code' | 'service_version'>) => `${d.service_code}@${d.service_version}`;
  const versions = new Map(rows.map((d) => [key(d), d]));
  const names = new Map(await Promise.all([...versions].map(async ([k, d]) => [k, (await serviceVersion(db, d.service_code, d.service_version))?.nameEn ?? null] as const)));
  return (d) => names.get(key(d)) ?? null;
}

/**
 * A dossier in full; `allowedActions` are those `viewer` may take (all the state allows without
 * one); `serviceNameEn`: the procedure's English name ({@link serviceNamesEn}).
 */
export function dossierView(config: Pick<Config, 'publicUrl'>, d: DossierRow, events: readonly EventRow[], attachments: readonly AttachmentRow[], today = todayInVietnam(), viewer?: Principal, serviceNameEn: string | null = null): DossierView {
  return {
    code: d.code,
    state: d.state,
    stateName: STATE_NAMES_VI[d.state],
    allowedActions: allowedActions(d.state, viewer),
    service: { code: d.service_code, version: d.service_version, nameVi: d.service_name, nameEn: serviceNameEn, sector: d.sector },
    channel: d.channel,
    filedBy: d.filed_by,
    unitCode: d.unit_code,
    unitDate: d.unit_date,
    agencyCode: d.agency_code,
    applicant: { pin: d.applicant_pin, fullName: d.applicant_name, phone: d.applicant_phone, email: d.applicant_email },
    formData: JSON.parse(d.form_data) as Record<string, unknown>,
    lockedFields: JSON.parse(d.locked_fields) as string[],
    assistance: d.assistance ? (JSON.parse(d.assistance) as Assistance) : null,
    submittedAt: d.submitted_at,
    receivedAt: d.received_at,
    startDate: d.start_date,
    workingDays: d.working_days,
    cutoff: d.cutoff,
    dueDate: d.due_date,
    originalDueDate: d.original_due_date,
    clockPaused: d.paused_at !== null,
    pausedRemaining: d.paused_remaining,
    handler: d.handler,
    overdueSince: d.overdue_since,
    overdue: isOverdue(d, today),
    completedAt: d.completed_at,
    onTime: d.on_time === null ? null : d.on_time === 1,
    closedAt: d.closed_at,
    forms: formsOf(d, events),
    events: events.map(eventView),
    attachments: attachments.map(attachmentView),
    trackingUrl: trackingUrl(config, d.code),
    version: d.version,
  };
}

export interface QueueItem {
  code: string;
  state: DossierState;
  stateName: string;
  serviceCode: string;
  serviceName: string;
  /** The procedure in English, from the catalog version filed under (null when that version is gone). */
  serviceNameEn: string | null;
  channel: Channel;
  applicantName: string;
  applicantPinMasked: string | null;
  submittedAt: string;
  dueDate: string | null;
  handler: string | null;
  overdue: boolean;
  clockPaused: boolean;
}

export function queueItem(d: DossierRow, today: string, serviceNameEn: string | null = null): QueueItem {
  return {
    code: d.code,
    state: d.state,
    stateName: STATE_NAMES_VI[d.state],
    serviceCode: d.service_code,
    serviceName: d.service_name,
    serviceNameEn,
    channel: d.channel,
    applicantName: d.applicant_name,
    applicantPinMasked: d.applicant_pin ? maskPin(d.applicant_pin) : null,
    submittedAt: d.submitted_at,
    dueDate: d.due_date,
    handler: d.handler,
    overdue: isOverdue(d, today),
    clockPaused: d.paused_at !== null,
  };
}

/** "Nguyễn Văn An" → "N.V.A." (the only personal data the public tracking page shows by default). */
export function initials(name: string): string {
  return name
    .normalize('NFC')
    .split(/\s+/u)
    .filter(Boolean)
    .map((w) => `${w[0]!.toLocaleUpperCase('vi')}.`)
    .join('');
}

export interface TrackingView {
  code: string;
  serviceName: string;
  state: DossierState;
  stateName: string;
  submittedOn: string;
  receivedOn: string | null;
  dueDate: string | null;
  clockPaused: boolean;
  overdue: boolean;
  /** Initials, or the full name when the last four digits of the applicant's phone were given and match. */
  applicant: { initials: string; fullName?: string };
  timeline: { at: string; state: DossierState; stateName: string; form: FormNumber | null }[];
}

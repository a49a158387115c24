/**
 * Client of the dossiers API (`/api/v1/dossiers…`, `/api/v1/track/{code}`, src/dossiers/routes.ts).
 * Shapes are the server's TypeBox schemas (src/dossiers/schemas.ts); failures throw as every call
 * of web/src/api.ts does.
 */
import type { Static } from 'typebox';
import type {
  ActionBody,
  AttachmentSchema,
  DossierSchema,
  MyDossierItemSchema,
  MyDossiersSchema,
  QueueItemSchema,
  QueueQuerySchema,
  QueueSchema,
  SubmissionBody,
  SubmissionReceiptSchema,
  TrackingSchema,
} from '../../../../src/dossiers/schemas.js';
import { call, purposeHeaders, type CallOptions, type Purpose } from '../../api.js';

export type { ActionBody, SubmissionBody };
export type Receipt = Static<typeof SubmissionReceiptSchema>;
export type Dossier = Static<typeof DossierSchema>;
export type DossierEvent = Dossier['events'][number];
export type Attachment = Static<typeof AttachmentSchema>;
export type Queue = Static<typeof QueueSchema>;
export type QueueItem = Static<typeof QueueItemSchema>;
export type QueueQuery = Static<typeof QueueQuerySchema>;
export type Tracking = Static<typeof TrackingSchema>;
export type MyDossiers = Static<typeof MyDossiersSchema>;
export type MyDossierItem = Static<typeof MyDossierItemSchema>;

const BASE = '/api/v1/dossiers';
const enc = encodeURIComponent;

/**
 * Files a dossier. `idempotencyKey`: the same key for a retry of the same submission returns the
 * first receipt instead of a second dossier.
 */
export const submitDossier = (body: SubmissionBody, idempotencyKey: string, o: CallOptions) =>
  call<Receipt>(BASE, { ...o, method: 'POST', json: body, headers: { 'idempotency-key': idempotencyKey } });

export const listQueue = (q: QueueQuery, o: CallOptions) =>
  call<Queue>(BASE, { ...o, query: { ...q, overdue: q.overdue === undefined ? undefined : String(q.overdue) } });

export const getDossier = (code: string, o: CallOptions) => call<Dossier>(`${BASE}/${enc(code)}`, o);

export const takeAction = (code: string, body: ActionBody, o: CallOptions) => call<Dossier>(`${BASE}/${enc(code)}/actions`, { ...o, method: 'POST', json: body });

/**
 * Uploads one file (`multipart/form-data`, part `file`). The `FormData` goes to fetch as it is, so
 * the browser writes the boundary into `Content-Type` (a `Blob` of it would not do: Chromium
 * lower-cases a blob's type, boundary included, and the body no longer matches).
 */
export function uploadAttachment(code: string, file: File, o: CallOptions): Promise<Attachment> {
  const form = new FormData();
  form.append('file', file, file.name);
  return call<Attachment>(`${BASE}/${enc(code)}/attachments`, { ...o, method: 'POST', body: form });
}

/** Path of a form of Circular 03/2025/TT-VPCP (01–06) as PDF; needs the session (download it with `downloadFromApi`). */
export const formPath = (code: string, form: string) => `${BASE}/${enc(code)}/forms/${form}.pdf`;
export const attachmentPath = (code: string, id: number) => `${BASE}/${enc(code)}/attachments/${id}`;

/** Public tracking; with `phoneLast4` matching the applicant's phone, the full name too. */
export const trackDossier = (code: string, phoneLast4: string | undefined, o: CallOptions) => call<Tracking>(`/api/v1/track/${enc(code)}`, { ...o, query: { phoneLast4 } });

/** `GET /me/dossiers` in the citizen's e-ID session: their dossiers, newest first, with those awaiting them counted. */
export const listMyDossiers = (page: { page: number; pageSize: number }, o: CallOptions) => call<MyDossiers>('/api/v1/me/dossiers', { ...o, auth: 'citizen', query: { ...page } });

/** The answer of `GET /services/{code}/prefill` (src/dossiers/prefill.ts). */
export interface CounterPrefill {
  service: { code: string; version: number };
  /** Form pointer (`applicant/fullName`) → the registry's value. */
  values: Record<string, string>;
  /** The pointers filled, with the registry field each came from. */
  fields: { pointer: string; source: string }[];
  /** The service's pre-fill pointers the registry holds nothing for. */
  empty: string[];
  applicant: { fullName: string; pin: string; phone: string | null; email: string | null };
}

/**
 * The form values a service pre-fills for the citizen at the counter, from the population registry
 * (staff with `citizen.read`; the read is purpose-bound and audited like opening the record).
 */
export function getCounterPrefill(serviceCode: string, pin: string, purpose: Purpose, options: CallOptions): Promise<CounterPrefill> {
  return call<CounterPrefill>(`/api/v1/services/${enc(serviceCode)}/prefill`, { ...options, query: { pin }, headers: purposeHeaders(purpose) });
}

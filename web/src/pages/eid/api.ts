/**
 * Client of the e-ID API (`/api/v1/eid/…`, src/identity/eid/routes.ts). Shapes are the server's
 * TypeBox schemas (src/identity/eid/schemas.ts); failures throw as every call of web/src/api.ts
 * does. Calls a citizen makes in their own name pass `auth: 'citizen'`; the public ones (apply,
 * activate, unlock) pass `auth: 'none'`, so a staff session open in the same tab is never sent
 * with them; the police ones use the staff session.
 */
import type { Static } from 'typebox';
import type {
  AccountDetailSchema,
  AccountDto,
  ActivationResultSchema,
  ApplicationDetailDto,
  ApplicationDto,
  ApplicationQueueDto,
  CodeRequestAnswerSchema,
  DecisionSchema,
  HistoryDto,
  InPersonApplicationBody,
  OnlineApplicationBody,
  SessionDto,
  SessionListSchema,
  TotpEnrolmentSchema,
} from '../../../../src/identity/eid/schemas.js';
import type { ApplicationStatus, Channel } from '../../../../src/identity/eid/model.js';
import { call, fetchFile, type CallOptions } from '../../api.js';

export type { AccountDto, ApplicationDetailDto, ApplicationDto, ApplicationQueueDto, HistoryDto, InPersonApplicationBody, OnlineApplicationBody, SessionDto };
export type AccountDetailDto = Static<typeof AccountDetailSchema>;
export type ActivationResultDto = Static<typeof ActivationResultSchema>;
export type CodeRequestAnswerDto = Static<typeof CodeRequestAnswerSchema>;
export type DecisionBody = Static<typeof DecisionSchema>;
export type SessionListDto = Static<typeof SessionListSchema>;
export type TotpEnrolmentDto = Static<typeof TotpEnrolmentSchema>;
export type UsageEntry = HistoryDto['usage']['items'][number];
export type RegistryAccessEntry = HistoryDto['registryAccess']['items'][number];
export type ApplicationStep = ApplicationDetailDto['steps'][number];
export type AccountEvent = AccountDetailDto['events'][number];
export type CollectionPoint = InPersonApplicationBody['collectionPoint'];

const BASE = '/api/v1/eid';
const citizen = (o: CallOptions): CallOptions => ({ ...o, auth: 'citizen' });
const anonymous = (o: CallOptions): CallOptions => ({ ...o, auth: 'none' });

// --- citizens, before signing in ---------------------------------------------------------------------

/** `POST /eid/applications`: a level-1 application online (the face image as base64 or a data: URL). */
export const applyOnline = (body: OnlineApplicationBody, o: CallOptions) => call<ApplicationDto>(`${BASE}/applications`, { ...anonymous(o), method: 'POST', json: body });

/** `POST /eid/activations`: asks for the SMS code; the same 202 answer whether or not a code was sent. */
export const requestActivationCode = (body: { pin: string; phone: string }, o: CallOptions) => call<CodeRequestAnswerDto>(`${BASE}/activations`, { ...anonymous(o), method: 'POST', json: body });

/** `POST /eid/activations/confirm`: the SMS code, and at the first activation the password and passcode. */
export const confirmActivation = (body: { pin: string; phone: string; code: string; password?: string; passcode?: string }, o: CallOptions) =>
  call<ActivationResultDto>(`${BASE}/activations/confirm`, { ...anonymous(o), method: 'POST', json: body });

/** `POST /eid/unlock`: lifts a lock the citizen asked for (number, password, passcode). */
export const unlockOwnAccount = (body: { pin: string; password: string; passcode: string }, o: CallOptions) => call<AccountDto>(`${BASE}/unlock`, { ...anonymous(o), method: 'POST', json: body });

// --- the signed-in citizen ------------------------------------------------------------------------

export const mySessions = (o: CallOptions) => call<SessionListDto>(`${BASE}/me/sessions`, citizen(o));
export const endMySession = (id: string, o: CallOptions) => call<void>(`${BASE}/me/sessions/${encodeURIComponent(id)}`, { ...citizen(o), method: 'DELETE', accept: '*/*' });
export const myHistory = (page: { page: number; pageSize: number }, o: CallOptions) => call<HistoryDto>(`${BASE}/me/history`, { ...citizen(o), query: { ...page } });
export const lockMyAccount = (passcode: string, o: CallOptions) => call<AccountDto>(`${BASE}/me/lock`, { ...citizen(o), method: 'POST', json: { passcode } });
export const startTotp = (o: CallOptions) => call<TotpEnrolmentDto>(`${BASE}/me/totp`, { ...citizen(o), method: 'POST' });
export const confirmTotp = (otp: string, o: CallOptions) => call<{ enabled: true }>(`${BASE}/me/totp/confirm`, { ...citizen(o), method: 'POST', json: { otp } });
export const disableTotp = (otp: string, o: CallOptions) => call<{ enabled: false }>(`${BASE}/me/totp/disable`, { ...citizen(o), method: 'POST', json: { otp } });

// --- police -----------------------------------------------------------------------------------------

export interface QueueQuery {
  commune?: string;
  status?: ApplicationStatus;
  level?: 1 | 2;
  channel?: Channel;
  page: number;
  pageSize: number;
}

export const listApplications = (q: QueueQuery, o: CallOptions) => call<ApplicationQueueDto>(`${BASE}/applications`, { ...o, query: { ...q } });
export const getApplication = (id: number, o: CallOptions) => call<ApplicationDetailDto>(`${BASE}/applications/${id}`, o);
/** `GET /eid/applications/{id}/face-image`: the face image (level 1) or portrait (level 2), decrypted; the read is audited. */
export const getApplicationImage = async (id: number, o: CallOptions): Promise<Blob> => (await fetchFile(`${BASE}/applications/${id}/face-image`, `application-${id}`, o)).blob;
export const decide = (id: number, body: DecisionBody, o: CallOptions) => call<ApplicationDetailDto>(`${BASE}/applications/${id}/decision`, { ...o, method: 'POST', json: body });

/**
 * `POST /eid/applications/in-person` as multipart/form-data: the other members as JSON in the
 * `application` part, the portrait in `portrait`, each fingerprint record in `fingerprint.<position>`
 * (files: a third lighter than the base64 of the JSON form). Sent as the FormData itself, so the
 * browser writes the boundary into the type (a Blob of it would not do: Blob types are lower-cased).
 */
export function applyInPerson(body: Omit<InPersonApplicationBody, 'portrait' | 'fingerprints'>, portrait: Blob, fingerprints: { position: number; file: Blob }[], o: CallOptions): Promise<ApplicationDto> {
  const form = new FormData();
  form.append('application', JSON.stringify(body));
  form.append('portrait', portrait, 'portrait');
  for (const f of fingerprints) form.append(`fingerprint.${f.position}`, f.file, `finger-${f.position}`);
  return call<ApplicationDto>(`${BASE}/applications/in-person`, { ...o, method: 'POST', body: form });
}

export const findAccount = (pin: string, o: CallOptions) => call<AccountDetailDto>(`${BASE}/accounts`, { ...o, query: { pin } });
export const accountAction = (id: number, action: 'lock' | 'unlock' | 'revoke', note: string | undefined, o: CallOptions) =>
  call<AccountDetailDto>(`${BASE}/accounts/${id}/${action}`, { ...o, method: 'POST', json: note ? { note } : {} });
export const changePhone = (id: number, phone: string, note: string | undefined, o: CallOptions) =>
  call<AccountDetailDto>(`${BASE}/accounts/${id}/phone`, { ...o, method: 'POST', json: { phone, ...(note ? { note } : {}) } });

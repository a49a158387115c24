/**
 * Typed client of the platform API (same origin, `/api/v1`). Every call sends the UI language in
 * `Accept-Language` so that problem details come back in it, and the staff session's bearer token
 * when there is one. Failures throw {@link ApiError} (the server answered a problem+json document)
 * or {@link NetworkError} (no usable answer). A 401 on a call that carried a token means the
 * session ended: the token is forgotten and {@link SESSION_EXPIRED} is dispatched on `window`.
 *
 * A citizen's e-ID session lives beside the staff session in the same tab: calls made with
 * `auth: 'citizen'` carry its token instead, and an UNAUTHENTICATED answer to one of them forgets
 * that token and dispatches {@link CITIZEN_SESSION_EXPIRED}; `auth: 'none'` sends no token.
 */
import type { Static } from 'typebox';
import type { MeDto as CitizenMeDto, SignInResultDto as CitizenSignInDto } from '../../src/identity/eid/schemas.js';
import type { StaffMeDto, StaffSessionDto, StaffSignInAnswerDto, StaffTotpEnrolmentDto } from '../../src/identity/schemas.js';
import type { AccessLogSchema, CitizenDto, CitizenListDto, CitizenListItemDto, HistorySchema, ImportStatusDto } from '../../src/population/schemas.js';
import type { UnitDetailDto, UnitListDto, UnitListQuery, UnitViewDto } from '../../src/units/schemas.js';
import type { Lang } from './i18n.js';

export type { CitizenDto, CitizenListDto, CitizenListItemDto, CitizenMeDto, CitizenSignInDto, StaffMeDto, StaffSessionDto, StaffSignInAnswerDto, StaffTotpEnrolmentDto, UnitDetailDto, UnitListDto, UnitViewDto };
export type UnitLevel = UnitViewDto['level'];
export type UnitType = UnitViewDto['type'];
export type UnitRef = UnitViewDto['path'][number];
export type UnitLink = UnitDetailDto['successors'][number];
export type StaffRole = StaffMeDto['role'];
export type CitizenStatus = CitizenDto['status'];
export type Sex = CitizenDto['sex'];
export type HouseholdRelation = NonNullable<CitizenDto['household']>['relation'];
export type HistoryDto = Static<typeof HistorySchema>;
export type HistoryEntry = HistoryDto['items'][number];
export type AccessLogDto = Static<typeof AccessLogSchema>;
export type AccessLogEntry = AccessLogDto['items'][number];

/** RFC 9457 problem document as the server writes it (extensions vary by `code`). */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code: string;
  detail: string;
  requestId?: string;
  errors?: { field: string; code: string; detail: string }[];
  /** UNIT_NOT_FOUND: where the unit went when it was merged or renamed. */
  successors?: UnitLink[];
}

export class ApiError extends Error {
  constructor(
    readonly problem: Problem,
    /** Seconds to wait before trying again (`Retry-After` of a 429 or 503), when the server said. */
    readonly retryAfter?: number,
  ) {
    super(problem.detail);
    this.name = 'ApiError';
  }
}

export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('network error', { cause });
    this.name = 'NetworkError';
  }
}

/** The problem code of an error, if the server answered one. */
export function problemCode(error: unknown): string | undefined {
  return error instanceof ApiError ? error.problem.code : undefined;
}

export interface CallOptions {
  lang: Lang;
  signal?: AbortSignal;
  /** Whose session the call is made in: the staff session (default), the citizen's e-ID session, or none. */
  auth?: 'staff' | 'citizen' | 'none';
}

type QueryValue = string | number | undefined;

// --- the staff session's token ----------------------------------------------------------------------

const TOKEN_KEY = 'motcua.session';

/** Dispatched on `window` when the server no longer accepts the session's token. */
export const SESSION_EXPIRED = 'motcua:session-expired';

/** A value kept for this tab (`sessionStorage`: it ends with the tab), if any. */
export function tabValue(key: string): string | undefined {
  try {
    return sessionStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Keeps `value` for this tab, or forgets it (null). With storage disabled, nothing is kept: a session lasts until the page is reloaded. */
export function storeTabValue(key: string, value: string | null): void {
  try {
    if (value) sessionStorage.setItem(key, value);
    else sessionStorage.removeItem(key);
  } catch {
    // Storage disabled.
  }
}

/** The bearer token of this tab's staff session (kept in `sessionStorage`), if any. */
export function sessionToken(): string | undefined {
  return tabValue(TOKEN_KEY);
}

export function storeSessionToken(token: string | null): void {
  storeTabValue(TOKEN_KEY, token);
}

// --- the citizen's e-ID session token ---------------------------------------------------------------

const CITIZEN_TOKEN_KEY = 'motcua.citizenSession';

/** Dispatched on `window` when the server no longer accepts the citizen session's token. */
export const CITIZEN_SESSION_EXPIRED = 'motcua:citizen-session-expired';

/** The bearer token (`eid.…`) of this tab's citizen e-ID session (kept in `sessionStorage`), if any. */
export function citizenToken(): string | undefined {
  return tabValue(CITIZEN_TOKEN_KEY);
}

export function storeCitizenToken(token: string | null): void {
  storeTabValue(CITIZEN_TOKEN_KEY, token);
}

// --- requests -------------------------------------------------------------------------------------

export interface RequestOptions extends CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  headers?: Record<string, string | undefined>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (a file, or a multipart form whose boundary the browser sets). */
  body?: Blob | FormData;
  accept?: string;
}

/** Sends a request and returns the answer when it is a success; throws otherwise. */
async function send(path: string, { lang, signal, auth = 'staff', method = 'GET', query = {}, headers = {}, json, body, accept = 'application/json' }: RequestOptions): Promise<Response> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  const url = qs ? `${path}?${qs}` : path;
  const token = auth === 'staff' ? sessionToken() : auth === 'citizen' ? citizenToken() : undefined;
  const all: Record<string, string> = { accept, 'accept-language': lang };
  if (token) all.authorization = `Bearer ${token}`;
  if (json !== undefined) all['content-type'] = 'application/json';
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && v !== '') all[k] = v;
  let response: Response;
  try {
    response = await fetch(url, { method, headers: all, body: json !== undefined ? JSON.stringify(json) : body, signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new NetworkError(err);
  }
  if (response.ok) return response;
  const isJson = /json/.test(response.headers.get('content-type') ?? '');
  const problem: unknown = isJson ? await response.json().catch(() => undefined) : undefined;
  if (response.status === 401 && token && auth === 'staff') {
    storeSessionToken(null);
    window.dispatchEvent(new Event(SESSION_EXPIRED));
  }
  // A citizen's 401 may be a wrong passcode or authenticator code: only UNAUTHENTICATED ends the session.
  if (response.status === 401 && token && auth === 'citizen' && isProblem(problem) && problem.code === 'UNAUTHENTICATED') {
    storeCitizenToken(null);
    window.dispatchEvent(new Event(CITIZEN_SESSION_EXPIRED));
  }
  const retryAfter = Number(response.headers.get('retry-after') ?? '');
  if (isProblem(problem)) throw new ApiError(problem, Number.isInteger(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
  // A proxy or gateway answered something that is not ours.
  throw new NetworkError(new Error(`HTTP ${response.status}`));
}

/** Sends a request and returns its JSON answer (undefined for 204); throws {@link ApiError} or {@link NetworkError}. */
export async function call<T>(path: string, options: RequestOptions): Promise<T> {
  const response = await send(path, options);
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => undefined);
  if (body === undefined) throw new NetworkError(new Error(`HTTP ${response.status}: no JSON body`));
  return body as T;
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Problem).code === 'string' && typeof (body as Problem).detail === 'string';
}

// --- administrative units ---------------------------------------------------------------------------

export function listUnits(query: UnitListQuery, options: CallOptions): Promise<UnitListDto> {
  return call<UnitListDto>('/api/v1/units', { ...options, query: { ...query } });
}

export function getUnit(code: string, at: string | undefined, options: CallOptions): Promise<UnitDetailDto> {
  return call<UnitDetailDto>(`/api/v1/units/${encodeURIComponent(code)}`, { ...options, query: { at } });
}

// --- staff ----------------------------------------------------------------------------------------

/**
 * `POST /staff/sessions`: a session, or (an account without a second factor yet) `{enrolment}` to
 * confirm with {@link confirmStaffTotpEnrolment}. 401 STAFF_CREDENTIALS_INVALID, STAFF_OTP_REQUIRED,
 * STAFF_OTP_INVALID; 429 RATE_LIMITED.
 */
export function signIn(input: { username: string; password: string; otp?: string }, options: CallOptions): Promise<StaffSignInAnswerDto> {
  return call<StaffSignInAnswerDto>('/api/v1/staff/sessions', { ...options, method: 'POST', json: input });
}

/** `POST /staff/sessions/totp-enrolment`: the enrolment confirmed with a code, and the session (401 STAFF_OTP_INVALID, STAFF_TOTP_ENROLMENT_EXPIRED). */
export function confirmStaffTotpEnrolment(token: string, otp: string, options: CallOptions): Promise<StaffSessionDto> {
  return call<StaffSessionDto>('/api/v1/staff/sessions/totp-enrolment', { ...options, method: 'POST', json: { token, otp } });
}

export function getMe(options: CallOptions): Promise<StaffMeDto> {
  return call<StaffMeDto>('/api/v1/staff/me', options);
}

export async function signOut(options: CallOptions): Promise<void> {
  await send('/api/v1/staff/sessions/current', { ...options, method: 'DELETE', accept: '*/*' });
}

// --- citizens' e-ID sessions (src/identity/eid) ----------------------------------------------------------

/** `POST /eid/sessions`: a citizen's sign-in (401 EID_CREDENTIALS_INVALID, EID_OTP_REQUIRED, EID_OTP_INVALID; 403 EID_ACCOUNT_LOCKED). */
export function citizenSignIn(input: { pin: string; password: string; otp?: string }, options: CallOptions): Promise<CitizenSignInDto> {
  return call<CitizenSignInDto>('/api/v1/eid/sessions', { ...options, auth: 'none', method: 'POST', json: input });
}

/** `GET /eid/me` in the citizen's session: level, status, two-factor, lock, children's accounts. */
export function getCitizenMe(options: CallOptions): Promise<CitizenMeDto> {
  return call<CitizenMeDto>('/api/v1/eid/me', { ...options, auth: 'citizen' });
}

export async function citizenSignOut(options: CallOptions): Promise<void> {
  await send('/api/v1/eid/me/sessions/current', { ...options, auth: 'citizen', method: 'DELETE', accept: '*/*' });
}

/** Ends the citizen session of `token` (not necessarily this tab's: one another tab replaced). */
export async function endCitizenSession(token: string, options: CallOptions): Promise<void> {
  await send('/api/v1/eid/me/sessions/current', { ...options, auth: 'none', method: 'DELETE', accept: '*/*', headers: { authorization: `Bearer ${token}` } });
}

// --- motcua's own pages through the single sign-on (src/portal) ------------------------------------------

const CITIZEN_SIGN_OUT_KEY = 'motcua.citizenSignOut';

/** `GET /portal/sign-in`: whether this server signs citizens in through the single sign-on, and if not why. */
export function portalSignIn(options: CallOptions): Promise<{ available: boolean; reason: string | null }> {
  return call('/api/v1/portal/sign-in', { ...options, auth: 'none' });
}

/** Where the browser goes to sign in through the single sign-on and come back to `next` (`level` 2 for a level-2 sign-in). */
export function portalSignInHref(next: string, lang: string, level: 1 | 2 = 1): string {
  const q = new URLSearchParams({ next, lang, ...(level === 2 ? { level: '2' } : {}) });
  return `/api/v1/portal/sign-in/start?${q}`;
}

/** `POST /portal/sign-in/handoff`: the e-ID session a single sign-on opened, once (400 PORTAL_HANDOFF_INVALID). */
export function claimPortalHandoff(code: string, options: CallOptions): Promise<{ token: string; expiresAt: string; signOutUrl: string }> {
  return call('/api/v1/portal/sign-in/handoff', { ...options, auth: 'none', method: 'POST', json: { code } });
}

/** The provider's sign-out address of this tab's single sign-on, kept with the citizen's token. */
export function citizenSignOutUrl(): string | undefined {
  return tabValue(CITIZEN_SIGN_OUT_KEY);
}

export function storeCitizenSignOutUrl(url: string | null): void {
  storeTabValue(CITIZEN_SIGN_OUT_KEY, url);
}

// --- population registry ------------------------------------------------------------------------------

/** A purpose of lookup from the catalogue (`GET /purposes`). */
export interface PurposeOption {
  code: string;
  vi: string;
  en: string;
}

/** What the officer stated for this session's lookups; sent with every read of a person. */
export interface Purpose {
  code: string;
  note?: string;
  dossierCode?: string;
}

/** Longest `X-Purpose-Note` the server accepts, counted on the header as sent. */
export const PURPOSE_NOTE_MAX = 500;

/**
 * Header values must be ISO-8859-1 in browsers (fetch throws on "ư", "ạ"…), so a Vietnamese note
 * travels percent-encoded as UTF-8: printable ASCII other than `%` stays as typed, anything else
 * (and `%` itself) is encoded. {@link decodeHeaderText} reverses it.
 */
export function encodeHeaderText(text: string): string {
  let out = '';
  for (const ch of text) out += /^[\x20-\x24\x26-\x7e]$/.test(ch) ? ch : encodeURIComponent(ch);
  return out;
}

/** A note as typed, from its header form (left as is when it is not percent-encoded). */
export function decodeHeaderText(text: string): string {
  if (!/%[0-9A-Fa-f]{2}/.test(text)) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The headers that state a purpose (`X-Purpose`, `X-Purpose-Note`, `X-Dossier-Code`), for every read of a person. */
export function purposeHeaders(p: Purpose): Record<string, string | undefined> {
  return { 'x-purpose': p.code, 'x-purpose-note': p.note?.trim() ? encodeHeaderText(p.note.replace(/\s+/g, ' ').trim()) : undefined, 'x-dossier-code': p.dossierCode?.trim() || undefined };
}

export function listPurposes(options: CallOptions): Promise<PurposeOption[]> {
  return call<PurposeOption[]>('/api/v1/purposes', options);
}

export interface CitizenQuery {
  q?: string;
  birthYear?: number;
  unit?: string;
  page: number;
  pageSize: number;
}

export function findCitizens(query: CitizenQuery, purpose: Purpose, options: CallOptions): Promise<CitizenListDto> {
  return call<CitizenListDto>('/api/v1/citizens', { ...options, query: { ...query }, headers: purposeHeaders(purpose) });
}

/** One record by list reference or identification number. */
export function getCitizen(key: string, purpose: Purpose, options: CallOptions): Promise<CitizenDto> {
  return call<CitizenDto>(`/api/v1/citizens/${encodeURIComponent(key)}`, { ...options, headers: purposeHeaders(purpose) });
}

export function getCitizenHistory(key: string, page: { page: number; pageSize: number }, purpose: Purpose, options: CallOptions): Promise<HistoryDto> {
  return call<HistoryDto>(`/api/v1/citizens/${encodeURIComponent(key)}/history`, { ...options, query: { ...page }, headers: purposeHeaders(purpose) });
}

/** A page of a record's access log; `upTo` (the first page's) keeps the next pages to its snapshot. */
export function getAccessLog(pin: string, page: { page: number; pageSize: number; upTo?: number }, options: CallOptions): Promise<AccessLogDto> {
  return call<AccessLogDto>(`/api/v1/citizens/${encodeURIComponent(pin)}/access-log`, { ...options, query: { page: page.page, pageSize: page.pageSize, ...(page.upTo !== undefined && { upTo: page.upTo }) } });
}

// --- citizen-list imports -------------------------------------------------------------------------------

export type { ImportStatusDto };

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The media type of an import file by its name. */
export function importContentType(fileName: string): string {
  if (/\.csv$/i.test(fileName)) return 'text/csv';
  if (/\.xlsx$/i.test(fileName)) return XLSX_TYPE;
  return 'application/octet-stream';
}

/** A file name as a header can carry it: diacritics dropped (đ → d), anything else non-ASCII replaced. */
export function asciiFileName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, '_')
    .slice(0, 200);
}

export function uploadImport(file: File, referenceDate: string, options: CallOptions): Promise<ImportStatusDto> {
  return call<ImportStatusDto>('/api/v1/citizen-imports', {
    ...options,
    method: 'POST',
    query: { referenceDate },
    headers: { 'content-type': importContentType(file.name), 'x-file-name': asciiFileName(file.name) },
    body: file,
  });
}

export function getImport(id: number, options: CallOptions): Promise<ImportStatusDto> {
  return call<ImportStatusDto>(`/api/v1/citizen-imports/${id}`, options);
}

// --- files ----------------------------------------------------------------------------------------

/** A file from the API (with the session's token) and the name the server gave it. */
export async function fetchFile(path: string, fallbackName: string, options: CallOptions): Promise<{ blob: Blob; fileName: string }> {
  const response = await send(path, { ...options, accept: '*/*' });
  const disposition = response.headers.get('content-disposition') ?? '';
  const fileName = /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? fallbackName;
  return { blob: await response.blob(), fileName };
}

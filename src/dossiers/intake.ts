/**
 * Intake (tiếp nhận hồ sơ) on four channels (Decree 118/2025/NĐ-CP; Directive 24/CT-TTg on help at
 * the centres): `online` by a signed-in citizen, `counter` by an officer at the one-stop desk,
 * `on_behalf` by a support-team member or officer for a citizen who is present, `mobile` by a
 * campaign team. One submission is one transaction: the dossier with the service version it was
 * filed under, its first transition row, the `dossiers.received` indicator, the notification
 * to the applicant, the idempotency record and the audit entry commit together or not at all
 * (submissions filed at the same moment share the transaction, each in a savepoint of its own:
 * src/platform/db/group-commit.ts).
 *
 * Rules, each in its step below:
 * - the channel needs its permission: `online` a citizen's `self.dossier`, the others a staff
 *   member's `dossier.intake`;
 * - a retried submission with the same `Idempotency-Key` (IETF draft-ietf-httpapi-idempotency-key-header)
 *   gets the first answer; the same key with another request gets IDEMPOTENCY_KEY_REUSED (422);
 * - the service must be in the catalog and deployed at the receiving unit on the day;
 * - online: the account's assurance level must reach the service's (Decree 69/2024/NĐ-CP Art. 12),
 *   and every form field the service pre-fills from the population registry is filled from the
 *   citizen's record and locked: a different value is refused (DOSSIER_PREFILL_LOCKED);
 * - on_behalf and mobile: who helped (from the session), where, on which equipment and the
 *   citizen's consent (Decree 13/2023/NĐ-CP Art. 11) are recorded;
 * - the form data must satisfy the service's form schema; every failing field is listed;
 * - the dossier code is `{agency code}-{yymmdd}-{sequence}` (shared/domain.md §3.4), unique per
 *   agency and day under concurrent submissions.
 */
import type { Kysely, Transaction } from 'kysely';
import stringify from 'safe-stable-stringify';
import { recordAudits, type AuditActor } from '../platform/audit/audit.js';
import { sha256Hex } from '../platform/crypto.js';
import type { Database } from '../platform/db/database.js';
import { GroupCommit } from '../platform/db/group-commit.js';
import { inScope, type CitizenPrincipal, type Principal } from '../platform/auth.js';
import { nowUtc, vietnamDateOf } from '../platform/dates.js';
import { AppError, validationError, type FieldError } from '../platform/errors.js';
import { countIndicator, dimsKey, type IndicatorCount } from '../platform/rollups.js';
import { enqueueMessages } from '../platform/jobs/index.js';
import { normalizeText } from '../platform/text.js';
import { citizenRecord, type Citizen } from '../population/index.js';
import { validateFormData, type PrefillField, type ServiceVersion } from '../services/index.js';
import { staffArea, type DossierEnv } from './access.js';
import { takeDossierCodes } from './codes.js';
import { filedByOf, type Assistance, type Channel } from './model.js';
import { statusNoticeMessages, trackingUrl } from './notify.js';
import { agencyOfUnit, idempotencyRecord, insertDossiers, insertEvents, insertIdempotency, type DossiersTables } from './store.js';

type Db = Kysely<DossiersTables>;

/** What a submission carries (the body of `POST /api/v1/dossiers`). */
export interface SubmissionInput {
  /** Procedure code in the catalog (`1.004222`, `P.000014`). */
  serviceCode: string;
  channel: Channel;
  /** The receiving unit (commune, or province for a provincial centre); staff default to their own. */
  unitCode?: string;
  /** The form data, checked against the service's form schema. */
  data: Record<string, unknown>;
  /** The applicant when the form does not name them (staff channels); online: from the registry. */
  applicant?: { fullName?: string; pin?: string; phone?: string; email?: string };
  /** Channels `on_behalf` and `mobile`: where and on what the help was given, and the citizen's consent. */
  assistance?: { site: string; equipmentId: string; consent: { given: boolean; method: Assistance['consent']['method'] }; campaign?: string };
}

/** The answer to a submission (stored for idempotent replays). */
export interface SubmissionReceipt {
  code: string;
  state: 'submitted';
  channel: Channel;
  filedBy: 'self' | 'on_behalf';
  service: { code: string; version: number; nameVi: string; sector: string };
  unitCode: string;
  /** The receiving unit's name on the filing day ("Xã Cẩm Giang"); null in answers stored before it was given. */
  unitName: string | null;
  agencyCode: string;
  /** The receiving agency's name ("Trung tâm Phục vụ hành chính công xã Cẩm Giang"); null in answers stored before it was given. */
  agencyName: string | null;
  submittedAt: string;
  /** Form fields filled from the population registry and locked (`applicant/fullName`, …). */
  lockedFields: string[];
  trackingUrl: string;
}

export interface SubmitOptions {
  idempotencyKey?: string;
  /** The submission instant (tests, history loaded after the fact, the demo data; default now). */
  now?: string;
  /** false: no notice to the applicant (a submission recorded after the fact: they were told at the time). Default true. */
  notify?: boolean;
}

const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e]{1,200}$/;

/** SHA-256 of the canonical JSON of a request (keys sorted), for idempotency. */
export function requestHash(input: unknown): string {
  return sha256Hex(stringify(input) ?? 'null');
}

/** Who an idempotency key belongs to: keys are per principal. */
function keyScope(p: Principal): string {
  return p.kind === 'staff' ? `staff:${p.id}` : `citizen:${p.accountId}`;
}

// --- form data helpers --------------------------------------------------------------------------------

function segments(pointer: string): string[] {
  return pointer.split('/').filter(Boolean);
}

function getAt(obj: Record<string, unknown>, pointer: string): unknown {
  let cur: unknown = obj;
  for (const s of segments(pointer)) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

function setAt(obj: Record<string, unknown>, pointer: string, value: unknown): void {
  const segs = segments(pointer);
  let cur = obj;
  for (const s of segs.slice(0, -1)) {
    const next = cur[s];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[s] = {};
    cur = cur[s] as Record<string, unknown>;
  }
  cur[segs[segs.length - 1]!] = value;
}

const comparable = (v: unknown) => (typeof v === 'string' ? normalizeText(v) : v);

/** `applicant/fullName` → `data.applicant.fullName` (the field path of validation errors). */
export function dataField(pointer: string): string {
  return ['data', ...segments(pointer)].join('.');
}

/** An address as one line: house and street, then commune, (district), province as they were on the unit date. */
async function placeText(env: DossierEnv, place: { unitCode: string; unitDate: string; addressLine?: string | null } | null): Promise<string | null> {
  if (!place) return null;
  let names: string[] = [];
  try {
    names = (await env.units.get(place.unitCode, place.unitDate)).path.map((p) => p.fullName).reverse();
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'UNIT_NOT_FOUND')) throw e;
  }
  const text = [place.addressLine ?? null, ...names].filter((x): x is string => !!x).join(', ');
  return text || null;
}

/** The value the registry holds for a pre-fill field, or null when it holds none. */
async function registryValue(env: DossierEnv, c: Citizen, field: PrefillField): Promise<string | null> {
  switch (field) {
    case 'pin':
      return c.pin;
    case 'fullName':
      return c.fullName;
    case 'dateOfBirth':
      return c.dateOfBirth;
    case 'sex':
      return c.sex;
    case 'nationality':
      return c.nationality ?? null;
    case 'ethnicity':
      return c.ethnicity ?? null;
    case 'religion':
      return c.religion ?? null;
    case 'phone':
      return c.phone ?? null;
    case 'email':
      return c.email ?? null;
    case 'permanentAddress':
      return placeText(env, c.permanentResidence ?? null);
    case 'permanentUnitCode':
      return c.permanentResidence?.unitCode ?? null;
    case 'temporaryAddress':
      return placeText(env, c.temporaryResidence ?? null);
    case 'currentAddress':
      return placeText(env, c.currentResidence ?? null);
    case 'homeTownUnitCode':
      return c.homeTown?.unitCode ?? null;
    case 'householdNumber':
      return c.household?.number ?? null;
    case 'idCardNumber':
      return c.identityCard?.number ?? null;
    case 'idCardIssuedOn':
      return c.identityCard?.issuedOn ?? null;
  }
}

/**
 * The values the registry holds for the service's pre-fill fields, in the order of its `prefill`
 * map: form pointer → value; a field the registry holds nothing for is left out. Online filing
 * locks them ({@link applyPrefill}); the counter offers them to the officer to check and edit
 * (src/dossiers/prefill.ts).
 */
export async function prefillValues(env: DossierEnv, service: Pick<ServiceVersion, 'prefill'>, record: Citizen): Promise<[pointer: string, value: string][]> {
  const out: [string, string][] = [];
  for (const [pointer, field] of Object.entries(service.prefill)) {
    const value = await registryValue(env, record, field);
    if (value !== null && value !== '') out.push([pointer, value]);
  }
  return out;
}

/** The applicant as the registry knows them: name, number, phone and e-mail (the counter's pre-fill of the applicant fields). */
export async function registryApplicant(env: DossierEnv, record: Citizen): Promise<{ fullName: string; pin: string; phone: string | null; email: string | null }> {
  return {
    fullName: (await registryValue(env, record, 'fullName'))!,
    pin: (await registryValue(env, record, 'pin'))!,
    phone: await registryValue(env, record, 'phone'),
    email: await registryValue(env, record, 'email'),
  };
}

/**
 * Fills the service's pre-fill fields from the citizen's registry record into `data` and locks
 * them: a submitted value that differs is a DOSSIER_PREFILL_LOCKED field error. Fields the
 * registry holds nothing for stay the citizen's to fill. Returns the locked pointers.
 */
export async function applyPrefill(env: DossierEnv, service: Pick<ServiceVersion, 'prefill'>, record: Citizen | undefined, data: Record<string, unknown>, errors: FieldError[]): Promise<string[]> {
  if (!record) return [];
  const locked: string[] = [];
  for (const [pointer, value] of await prefillValues(env, service, record)) {
    const given = getAt(data, pointer);
    if (given !== undefined && given !== null && given !== '' && comparable(given) !== comparable(value)) {
      errors.push({ field: dataField(pointer), code: 'DOSSIER_PREFILL_LOCKED', params: { field: segments(pointer).join('.') } });
    }
    setAt(data, pointer, value);
    locked.push(pointer);
  }
  return locked;
}

/** The value at the first pointer pre-filled from `field`, if it is a non-empty string. */
function prefilledValue(service: Pick<ServiceVersion, 'prefill'>, data: Record<string, unknown>, field: PrefillField): string | undefined {
  for (const [pointer, f] of Object.entries(service.prefill)) {
    if (f !== field) continue;
    const v = getAt(data, pointer);
    if (typeof v === 'string' && v.trim() !== '') return normalizeText(v);
  }
  return undefined;
}

interface Applicant {
  pin: string | null;
  fullName: string;
  phone: string | null;
  email: string | null;
  account: number | null;
}

function applicantOf(service: ServiceVersion, data: Record<string, unknown>, input: SubmissionInput, citizen: CitizenPrincipal | null, errors: FieldError[]): Applicant | undefined {
  const from = (field: PrefillField, given: string | undefined) => normalizeText(given) || prefilledValue(service, data, field) || null;
  const fullName = from('fullName', input.applicant?.fullName);
  if (!fullName) {
    errors.push({ field: 'body.applicant.fullName', code: 'FIELD_REQUIRED' });
    return undefined;
  }
  return {
    pin: citizen ? citizen.pin : from('pin', input.applicant?.pin),
    fullName,
    phone: from('phone', input.applicant?.phone),
    email: from('email', input.applicant?.email)?.toLowerCase() ?? null,
    account: citizen ? citizen.accountId : null,
  };
}

function checkAssistance(input: SubmissionInput, helper: string, at: string, errors: FieldError[]): Assistance | null {
  const needs = input.channel === 'on_behalf' || input.channel === 'mobile';
  if (!needs) {
    if (input.assistance) errors.push({ field: 'body.assistance', code: 'FIELD_UNKNOWN' });
    return null;
  }
  const a = input.assistance;
  if (!a) {
    errors.push({ field: 'body.assistance', code: 'FIELD_REQUIRED' });
    return null;
  }
  if (a.consent?.given !== true) errors.push({ field: 'body.assistance.consent.given', code: 'DOSSIER_CONSENT_REQUIRED' });
  if (input.channel === 'mobile' && !normalizeText(a.campaign)) errors.push({ field: 'body.assistance.campaign', code: 'FIELD_REQUIRED' });
  return {
    helper,
    site: normalizeText(a.site),
    equipmentId: a.equipmentId.trim(),
    consent: { given: true, method: a.consent?.method, at },
    campaign: normalizeText(a.campaign) ?? null,
  };
}

/** The principal may use the channel: online for citizens (`self.dossier`), the others for staff (`dossier.intake`). */
function checkChannel(principal: Principal, channel: Channel): void {
  const ok = channel === 'online' ? principal.kind === 'citizen' && principal.permissions.has('self.dossier') : principal.kind === 'staff' && principal.permissions.has('dossier.intake');
  if (!ok) throw new AppError('DOSSIER_CHANNEL_NOT_ALLOWED', { channel });
}

/** A stored first answer for this key, or undefined; IDEMPOTENCY_KEY_REUSED when the key served another request. */
async function replay(db: Db, scope: string, key: string, hash: string): Promise<SubmissionReceipt | undefined> {
  const r = await idempotencyRecord(db, scope, key);
  if (!r) return undefined;
  if (r.request_hash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
  // Answers stored before the receipt named the unit and the agency lack those names.
  return { unitName: null, agencyName: null, ...(JSON.parse(r.response) as Omit<SubmissionReceipt, 'unitName' | 'agencyName'>) };
}

/** Everything a submission writes, decided before its transaction. */
interface SubmissionPlan {
  config: DossierEnv['config'];
  actor: AuditActor;
  input: SubmissionInput;
  service: ServiceVersion;
  agencyCode: string;
  agencyName: string;
  unitCode: string;
  unitName: string;
  /** The receiving unit's path codes (province → commune). */
  path: readonly string[];
  now: string;
  today: string;
  filedBy: 'self' | 'on_behalf';
  applicant: Applicant;
  data: Record<string, unknown>;
  lockedFields: string[];
  assistance: Assistance | null;
  idempotency: { scope: string; key: string; hash: string } | undefined;
  notify: boolean;
}

/**
 * Writes submissions in the transaction `trx`, each table's rows with one statement: the daily code
 * sequences (one range per agency and day), the dossiers, their `submit` transitions, the
 * `dossiers.received` counts, the notices to the applicants in the outbox, the idempotency records
 * and the audit entries. Returns the receipts in order.
 */
async function writeSubmissions(trx: Transaction<any>, plans: readonly SubmissionPlan[]): Promise<SubmissionReceipt[]> {
  const t = trx as Db;
  // Codes: a contiguous range of each agency's daily sequence, in the order the submissions came.
  const codes: string[] = [];
  const byDay = new Map<string, number[]>();
  plans.forEach((p, i) => {
    const k = `${p.agencyCode}|${p.today}`;
    byDay.set(k, [...(byDay.get(k) ?? []), i]);
  });
  // Rows locked in one order by every writer (sorted keys: sequences, then counts, then the audit
  // head), so that two batches on PostgreSQL never wait for each other in a circle.
  for (const [, members] of [...byDay].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const first = plans[members[0]!]!;
    const taken = await takeDossierCodes(trx, first.agencyCode, first.today, members.length);
    members.forEach((i, j) => (codes[i] = taken[j]!));
  }
  const ids = await insertDossiers(
    t,
    plans.map((p, i) => ({
      code: codes[i]!,
      agency_code: p.agencyCode,
      unit_code: p.unitCode,
      unit_date: p.today,
      scope_province: p.path[0] ?? null,
      scope_district: p.path.length === 3 ? p.path[1]! : null,
      scope_commune: p.path.length >= 2 ? p.path[p.path.length - 1]! : null,
      service_code: p.service.code,
      service_version: p.service.version,
      service_name: p.service.nameVi,
      sector: p.service.sector,
      channel: p.input.channel,
      filed_by: p.filedBy,
      applicant_pin: p.applicant.pin,
      applicant_name: p.applicant.fullName,
      applicant_phone: p.applicant.phone,
      applicant_email: p.applicant.email,
      applicant_account: p.applicant.account,
      form_data: JSON.stringify(p.data),
      locked_fields: JSON.stringify(p.lockedFields),
      assistance: p.assistance ? JSON.stringify(p.assistance) : null,
      state: 'submitted',
      resume_state: null,
      submitted_at: p.now,
      received_at: null,
      start_date: null,
      working_days: p.service.processingDays,
      cutoff: p.service.cutoff,
      due_date: null,
      original_due_date: null,
      paused_at: null,
      paused_remaining: null,
      handler: null,
      overdue_since: null,
      completed_at: null,
      on_time: null,
      closed_at: null,
      created_by: p.actor.id,
      version: 1,
      updated_at: p.now,
    })),
  );
  await insertEvents(
    t,
    plans.map((p, i) => ({
      dossier_id: ids[i]!,
      seq: 1,
      action: 'submit',
      from_state: null,
      to_state: 'submitted',
      at: p.now,
      actor_kind: p.actor.kind,
      actor_id: p.actor.id,
      actor_unit: p.actor.unitCode ?? null,
      reason: null,
      data: JSON.stringify({ channel: p.input.channel, serviceVersion: p.service.version, ...(p.assistance ? { assistance: p.assistance } : {}) }),
      form: null,
    })),
  );
  // The indicator: one change per unit, day and breakdown, by the number of its submissions.
  const counts = new Map<string, IndicatorCount>();
  for (const p of plans) {
    const c: IndicatorCount = { indicator: 'dossiers.received', unitCode: p.unitCode, day: p.today, dims: { service: p.service.code, sector: p.service.sector, channel: p.input.channel, filedBy: p.filedBy } };
    const k = `${c.unitCode}|${c.day}|${dimsKey(c.dims)}`;
    const seen = counts.get(k);
    if (seen) seen.delta = (seen.delta ?? 1) + 1;
    else counts.set(k, c);
  }
  for (const [, c] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) await countIndicator(trx, c);
  await enqueueMessages(
    trx,
    plans.flatMap((p, i) =>
      !p.notify ? [] : statusNoticeMessages(p.config, { phone: p.applicant.phone, email: p.applicant.email }, { code: codes[i]!, serviceName: p.service.nameVi, event: 'submit', state: 'submitted', seq: 1, reason: null, dueDate: null }),
    ),
    { skipBadRecipients: true },
  );
  const receipts = plans.map(
    (p, i): SubmissionReceipt => ({
      code: codes[i]!,
      state: 'submitted',
      channel: p.input.channel,
      filedBy: p.filedBy,
      service: { code: p.service.code, version: p.service.version, nameVi: p.service.nameVi, sector: p.service.sector },
      unitCode: p.unitCode,
      unitName: p.unitName,
      agencyCode: p.agencyCode,
      agencyName: p.agencyName,
      submittedAt: p.now,
      lockedFields: p.lockedFields,
      trackingUrl: trackingUrl(p.config, codes[i]!),
    }),
  );
  await insertIdempotency(
    t,
    plans.flatMap((p, i) => (p.idempotency ? [{ scope: p.idempotency.scope, key: p.idempotency.key, request_hash: p.idempotency.hash, dossier_id: ids[i]!, response: JSON.stringify(receipts[i]), created_at: p.now }] : [])),
  );
  await recordAudits(
    trx,
    plans.map((p, i) => ({
      actor: p.actor,
      action: 'dossier.submit',
      subjects: [{ type: 'dossier', id: codes[i]! }, ...(p.applicant.pin ? [{ type: 'citizen', id: p.applicant.pin }] : [])],
      summary: `${p.input.channel} dossier for ${p.service.code} v${p.service.version} at ${p.unitCode}${p.lockedFields.length > 0 ? `; ${p.lockedFields.length} form fields pre-filled from the registry` : ''}${p.assistance ? `; filed by ${p.assistance.helper} at ${p.assistance.site} on ${p.assistance.equipmentId}, consent ${p.assistance.consent.method}` : ''}`,
    })),
  );
  return receipts;
}

const groupCommits = new WeakMap<Database, GroupCommit<SubmissionPlan, SubmissionReceipt>>();

/**
 * The group commit submissions go through (src/platform/db/group-commit.ts): the submissions filed
 * at the same moment are written together by one transaction ({@link writeSubmissions}) — all the
 * parts of each one still commit together or not at all, none is answered before its writes are
 * committed, and when the shared transaction fails each is written again alone, so one bad
 * submission fails only itself. One BEGIN/COMMIT, about ten statements and one write of the pages
 * they share for several submissions, instead of a dozen statements and a commit each.
 */
/** Transactions and submissions written through {@link submissionsOf} in this process (for benchmarks and metrics). */
export function submissionGroupStats(db: Database): { batches: number; writes: number } {
  return { ...(groupCommits.get(db)?.stats ?? { batches: 0, writes: 0 }) };
}

function submissionsOf(db: Database): GroupCommit<SubmissionPlan, SubmissionReceipt> {
  let group = groupCommits.get(db);
  if (!group) {
    group = new GroupCommit<SubmissionPlan, SubmissionReceipt>(db, writeSubmissions);
    groupCommits.set(db, group);
  }
  return group;
}

/**
 * Files a dossier (see the module comment for every rule). Returns the receipt and whether it is
 * a replay of an earlier answer to the same `Idempotency-Key`.
 * Errors: DOSSIER_CHANNEL_NOT_ALLOWED (403), IDEMPOTENCY_KEY_INVALID (400), IDEMPOTENCY_KEY_REUSED
 * (422), SERVICE_NOT_FOUND (404), DOSSIER_UNIT_REQUIRED (400), UNIT_NOT_FOUND (404),
 * DOSSIER_UNIT_OUT_OF_SCOPE (403), SERVICE_NOT_DEPLOYED (409), DOSSIER_AGENCY_NOT_CONFIGURED (409),
 * DOSSIER_ASSURANCE_LEVEL (403), VALIDATION_FAILED (400) listing every failing field.
 */
export async function submitDossier(env: DossierEnv, principal: Principal, actor: AuditActor, input: SubmissionInput, options: SubmitOptions = {}): Promise<{ receipt: SubmissionReceipt; replayed: boolean }> {
  const db = env.db.as<DossiersTables>();
  checkChannel(principal, input.channel);

  // Idempotency (draft-ietf-httpapi-idempotency-key-header): the key is the principal's.
  const key = options.idempotencyKey;
  if (key !== undefined && !IDEMPOTENCY_KEY_RE.test(key)) throw new AppError('IDEMPOTENCY_KEY_INVALID');
  const scope = keyScope(principal);
  const hash = key === undefined ? '' : requestHash(input);
  if (key !== undefined) {
    const first = await replay(db, scope, key, hash);
    if (first) return { receipt: first, replayed: true };
  }

  const now = options.now ?? nowUtc();
  const today = vietnamDateOf(now);
  const service = await env.catalog.current(input.serviceCode);
  if (!service) throw new AppError('SERVICE_NOT_FOUND', { code: input.serviceCode });

  // The receiving unit: the citizen chooses it; staff receive at their own unit or one within it.
  const citizen = principal.kind === 'citizen' ? principal : null;
  const unitCode = input.unitCode ?? (principal.kind === 'staff' ? principal.unitCode ?? undefined : undefined);
  if (!unitCode) throw new AppError('DOSSIER_UNIT_REQUIRED');
  const unit = await env.units.get(unitCode, today);
  const path = unit.path.map((p) => p.code);
  if (principal.kind === 'staff' && !inScope(await staffArea(env, principal), path, today)) throw new AppError('DOSSIER_UNIT_OUT_OF_SCOPE', { code: unitCode });
  // Deployed at the unit or a unit above it on the day (the unit's path from the units registry).
  if (!(await env.catalog.deployedAt(service.code, path, today))) throw new AppError('SERVICE_NOT_DEPLOYED', { code: service.code, unitCode, date: today });
  const agency = await agencyOfUnit(db, unitCode);
  if (!agency) throw new AppError('DOSSIER_AGENCY_NOT_CONFIGURED', { unitCode });
  if (citizen && citizen.level < service.requiredAssuranceLevel) throw new AppError('DOSSIER_ASSURANCE_LEVEL', { code: service.code, required: service.requiredAssuranceLevel, level: citizen.level });

  // The form: registry pre-fill (online), then the service's schema; every failing field at once.
  const errors: FieldError[] = [];
  // A copy to fill and normalise: the form data is JSON (the API's body), and a JSON round trip
  // copies it in a third of structuredClone's time (a tenth of a submission's JavaScript here).
  const data = JSON.parse(JSON.stringify(input.data ?? {})) as Record<string, unknown>;
  const record = citizen ? await citizenRecord(env.db, citizen.pin) : undefined;
  const lockedFields = await applyPrefill(env, service, record, data, errors);
  const lockedSet = new Set(errors.map((e) => e.field));
  errors.push(...validateFormData(service, data).filter((e) => !lockedSet.has(e.field)));
  const assistance = checkAssistance(input, principal.kind === 'staff' ? principal.username : '', now, errors);
  const applicant = applicantOf(service, data, input, citizen, errors);
  if (errors.length > 0 || !applicant) throw validationError(errors);

  const filedBy = filedByOf(input.channel);
  // The transaction of this submission, shared with those filed at the same moment (group commit).
  const run = (): Promise<SubmissionReceipt> =>
    submissionsOf(env.db).run({
      config: env.config,
      actor,
      input,
      service,
      agencyCode: agency.agency_code,
      agencyName: agency.name_vi,
      unitCode,
      unitName: unit.fullName,
      path,
      now,
      today,
      filedBy,
      applicant,
      data,
      lockedFields,
      assistance,
      idempotency: key === undefined ? undefined : { scope, key, hash },
      notify: options.notify !== false,
    });

  try {
    return { receipt: await run(), replayed: false };
  } catch (err) {
    // Two requests with one key at once: the second waits on the first's idempotency row (or
    // meets it in the shared transaction) and fails on its key; it answers like a retry after the first.
    if (key !== undefined) {
      const first = await replay(db, scope, key, hash);
      if (first) return { receipt: first, replayed: true };
    }
    throw err;
  }
}


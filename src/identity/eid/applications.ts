/**
 * Applications for an electronic identification account (đề nghị cấp tài khoản định danh điện tử),
 * Decree 69/2024/NĐ-CP Art. 7 and 10; domain.md §1.3–1.4.
 *
 * Three ways in:
 * - **Level 1 online** ({@link applyOnline}): the citizen declares number, full name, date of birth,
 *   sex, phone, optional e-mail and sends a face image; the declaration must match the national
 *   population database (number, folded name, date of birth, sex), the face goes through the
 *   {@link FaceVerifier}.
 * - **Level 1 for a child under 14** ({@link applyForDependant}): a parent signed in with their own
 *   level-2 account applies; the registry must name them father or mother of the child.
 * - **Level 2 in person** ({@link applyInPerson}): a police officer at a collection point (the
 *   commune police office, or a collection campaign at a commune hall) records number, phone,
 *   e-mail, portrait and fingerprints through the {@link BiometricCapture}, with the citizen's
 *   consent; a chip identity card must be on record. A level-2 application from a level-1 holder
 *   upgrades that account.
 *
 * Workflow (each step an append-only row with actor and time, DESIGN.md §3):
 * `received → verified` (the registry check, done at once when the application arrives)
 * `→ approved | rejected (reason code)` by police whose unit covers the handling commune
 * `→ activation_pending` (an SMS invites the citizen to activate) `→ active` (activation done).
 * A dependant's account needs no activation: `approved → active`. Any other step is refused with
 * 409 EID_APPLICATION_STEP_INVALID.
 *
 * The handling commune of an application is the collection point for level 2 (where it was taken,
 * whatever the residence: domain.md §1.4) and the applicant's residence on record for level 1.
 */
import { recordAudit, type AuditActor } from '../../platform/audit/audit.js';
import type { StaffPrincipal, CitizenPrincipal } from '../../platform/auth.js';
import { nowUtc, todayInVietnam, vietnamDateOf } from '../../platform/dates.js';
import { AppError, type FieldError } from '../../platform/errors.js';
import { enqueueMessage, normalizeEmail, toE164Phone, maskEmail } from '../../platform/jobs/index.js';
import { countIndicator } from '../../platform/rollups.js';
import { normalizeText } from '../../platform/text.js';
import { matchCitizen, maskPin, registryFacts, type RegistryFacts, type Sex } from '../../population/index.js';
import { getUnit, type UnitsTables } from '../../units/index.js';
import { biometricContext, sealedBiometrics, sniffImage, type DecodedFingerprint, type DecodedImage, type ImageMediaType } from './biometrics.js';
import { checkEligibility } from './eligibility.js';
import { REJECTION_REASONS, type RejectionReason } from './model.js';
import { maskedPhone, staffArea, staffCovers, SYSTEM_ACTOR, type EidService } from './service.js';
import {
  accountById,
  applicationById,
  biometricsOf,
  insertAccount,
  insertAccountEvent,
  insertApplication,
  insertBiometrics,
  insertStep,
  isUniqueViolation,
  liveAccountOf,
  moveApplication,
  openApplicationOf,
  phoneHeldByOther,
  queue,
  sealedImageOf,
  stepsOf,
  updateAccount,
  type AccountRow,
  type ApplicationRow,
  type ApplicationStatus,
  type Channel,
  type Db,
} from './store.js';

export { REJECTION_REASONS, type RejectionReason };

/** Which steps may follow which (anything else: 409 EID_APPLICATION_STEP_INVALID). */
export const NEXT_STEPS: Readonly<Record<ApplicationStatus, readonly ApplicationStatus[]>> = {
  received: ['verified', 'rejected'],
  verified: ['approved', 'rejected'],
  approved: ['activation_pending', 'active'],
  activation_pending: ['active'],
  rejected: [],
  active: [],
};

export interface ApplicationStepView {
  step: ApplicationStatus;
  at: string;
  actor: { kind: string; id: string; unitCode: string | null };
  reasonCode: string | null;
  note: string | null;
}

/** An application as the API shows it: numbers masked, biometrics only counted. */
export interface ApplicationView {
  id: number;
  level: 1 | 2;
  channel: Channel;
  status: ApplicationStatus;
  statusAt: string;
  pinMasked: string;
  fullName: string;
  dateOfBirth: string;
  sex: Sex;
  phoneMasked: string | null;
  emailMasked: string | null;
  viaGuardian: boolean;
  collectionPoint: { kind: 'police_office' | 'campaign'; unitCode: string; campaignId: string | null } | null;
  unit: { code: string; date: string };
  consentAt: string | null;
  /** `not_verified`: no biometric comparison was made (built-in verifier). */
  biometricCheck: 'not_verified' | 'matched';
  biometricChecker: string;
  biometrics: { face: boolean; portrait: boolean; fingerprints: number };
  rejection: { code: string; label: { vi: string; en: string }; note: string | null } | null;
  accountId: number | null;
  createdAt: string;
}

export interface ApplicationDetail extends ApplicationView {
  /** The full number (police detail view only; the read is audited). */
  pin: string;
  steps: ApplicationStepView[];
}

function viewOf(r: ApplicationRow, bio: { kind: string }[]): ApplicationView {
  return {
    id: r.id,
    level: r.level as 1 | 2,
    channel: r.channel,
    status: r.status,
    statusAt: r.status_at,
    pinMasked: maskPin(r.pin),
    fullName: r.full_name,
    dateOfBirth: r.date_of_birth,
    sex: r.sex as Sex,
    phoneMasked: maskedPhone(r.phone),
    emailMasked: r.email ? maskEmail(r.email) : null,
    viaGuardian: r.guardian_account_id !== null,
    collectionPoint: r.collection_kind ? { kind: r.collection_kind as 'police_office' | 'campaign', unitCode: r.collection_unit!, campaignId: r.collection_campaign } : null,
    unit: { code: r.unit_code, date: r.unit_date },
    consentAt: r.consent_at,
    biometricCheck: r.biometric_check as 'not_verified' | 'matched',
    biometricChecker: r.biometric_checker,
    biometrics: { face: bio.some((b) => b.kind === 'face'), portrait: bio.some((b) => b.kind === 'portrait'), fingerprints: bio.filter((b) => b.kind === 'fingerprint').length },
    rejection: r.reason_code ? { code: r.reason_code, label: REJECTION_REASONS[r.reason_code as RejectionReason] ?? { vi: r.reason_code, en: r.reason_code }, note: r.reason_note } : null,
    accountId: r.account_id,
    createdAt: r.created_at,
  };
}

function stepView(s: { step: ApplicationStatus; at: string; actor_kind: string; actor_id: string; actor_unit: string | null; reason_code: string | null; note: string | null }): ApplicationStepView {
  return { step: s.step, at: s.at, actor: { kind: s.actor_kind, id: s.actor_id, unitCode: s.actor_unit }, reasonCode: s.reason_code, note: s.note };
}

/** E.164 of a phone as typed. Errors: EID_PHONE_INVALID (400). */
export function phoneOf(text: string): string {
  const e164 = toE164Phone(text);
  if (!e164) throw new AppError('EID_PHONE_INVALID', { phone: text.slice(0, 20) });
  return e164;
}

function emailOf(text: string | null | undefined): string | null {
  if (text == null || text.trim() === '') return null;
  const email = normalizeEmail(text);
  if (!email) throw new AppError('EID_EMAIL_INVALID', { email: text.slice(0, 60) });
  return email;
}

/** The residence path of a registry record as the handling unit of an online application. */
function residenceUnit(facts: RegistryFacts): { code: string; date: string; path: string[] } {
  if (!facts.residence) throw new AppError('EID_RESIDENCE_UNKNOWN');
  const path = facts.residence.path;
  return { code: path[path.length - 1]!, date: facts.residence.unitDate, path };
}

function scopeColumns(path: string[]) {
  return {
    scope_province: path[0] ?? null,
    scope_district: path.length === 3 ? path[1]! : null,
    scope_commune: path.length >= 2 ? path[path.length - 1]! : null,
  };
}

/**
 * Options of a step recorded after the fact (history loaded from elsewhere, the demo data of
 * src/app/demo-story.ts): `at` is the instant the step happened (ISO-8601 UTC; default now) — it
 * dates the records and their roll-up counts, and the eligibility rules are applied on its Vietnam
 * date; `notify: false` sends no SMS (the citizen was told at the time).
 */
export interface StepOptions {
  at?: string;
  notify?: boolean;
}

/** Refuses a second account of the same level or a second open application. */
async function checkNoDuplicate(k: Db, pin: string, level: 1 | 2, viaGuardian: boolean): Promise<AccountRow | undefined> {
  const account = await liveAccountOf(k, pin);
  if (account && (account.level >= level || account.pending_level !== null || viaGuardian || account.guardian_account_id !== null)) throw new AppError('EID_ACCOUNT_EXISTS', { level: account.level });
  if (await openApplicationOf(k, pin)) throw new AppError('EID_APPLICATION_OPEN');
  return account;
}

interface Intake {
  level: 1 | 2;
  channel: Channel;
  facts: RegistryFacts;
  phone: string | null;
  email: string | null;
  guardianAccountId: number | null;
  collection: { kind: 'police_office' | 'campaign'; unitCode: string; campaignId: string | null } | null;
  unit: { code: string; date: string; path: string[] };
  consentAt: string | null;
  biometricCheck: 'not_verified' | 'matched';
  checker: string;
  biometrics: { kind: 'face' | 'portrait' | 'fingerprint'; position: number | null; bytes: Buffer; mediaType: string; sha256: string }[];
  actor: AuditActor;
}

/** Stores an application, its first two steps and its sealed biometrics, counts it, in one transaction. */
async function store(svc: EidService, a: Intake, at?: string): Promise<ApplicationView> {
  const now = at ?? nowUtc();
  const row: Omit<ApplicationRow, 'id'> = {
    level: a.level,
    channel: a.channel,
    pin: a.facts.pin,
    full_name: a.facts.fullName,
    date_of_birth: a.facts.dateOfBirth,
    sex: a.facts.sex,
    phone: a.phone,
    email: a.email,
    guardian_account_id: a.guardianAccountId,
    collection_kind: a.collection?.kind ?? null,
    collection_unit: a.collection?.unitCode ?? null,
    collection_campaign: a.collection?.campaignId ?? null,
    unit_code: a.unit.code,
    unit_date: a.unit.date,
    ...scopeColumns(a.unit.path),
    consent_at: a.consentAt,
    biometric_check: a.biometricCheck,
    biometric_checker: a.checker,
    status: 'verified',
    status_at: now,
    reason_code: null,
    reason_note: null,
    account_id: null,
    created_at: now,
    created_by: a.actor.id,
  };
  try {
    const id = await svc.db.transaction(async (trx) => {
      const k = trx as unknown as Db;
      const id = await insertApplication(k, row);
      await insertStep(k, { application_id: id, step: 'received', at: now, actor_kind: a.actor.kind, actor_id: a.actor.id, actor_unit: a.actor.unitCode ?? null, reason_code: null, note: null });
      await insertStep(k, { application_id: id, step: 'verified', at: now, actor_kind: SYSTEM_ACTOR.kind, actor_id: 'eid:registry-check', actor_unit: null, reason_code: null, note: 'number, folded name, date of birth and sex match the population registry; eligible' });
      await insertBiometrics(k, sealedBiometrics(svc.cipher, id, now, a.biometrics));
      await countIndicator(trx, { indicator: 'eid.applications', unitCode: a.unit.code, day: vietnamDateOf(now), dims: { channel: a.channel, level: String(a.level) } });
      await recordAudit(trx, {
        actor: a.actor,
        action: 'eid.application',
        subjects: [{ type: 'citizen', id: a.facts.pin }, { type: 'eid-application', id: String(id) }],
        purposeCode: 'EID_APPLICATION',
        summary: `level-${a.level} application ${id} received (${a.channel}) at ${a.unit.code}; registry check passed; biometrics ${a.biometricCheck} (${a.biometrics.length} item(s) sealed)`,
      });
      return id;
    });
    return viewOf({ ...row, id }, a.biometrics);
  } catch (e) {
    // Two submissions racing: the database's one-open-application index keeps only one.
    if (isUniqueViolation(e)) throw new AppError('EID_APPLICATION_OPEN');
    throw e;
  }
}

/** Writes the audit entry of a registry check that failed (the person can see the attempt in their access log). */
async function auditFailedCheck(svc: EidService, pin: string, actor: AuditActor, reason: string): Promise<void> {
  await svc.db.transaction((trx) => recordAudit(trx, { actor, action: 'eid.registry-check', subjects: [{ type: 'citizen', id: pin }], purposeCode: 'EID_APPLICATION', summary: `application refused: ${reason}` }));
}

export interface OnlineApplication {
  pin: string;
  fullName: string;
  dateOfBirth: string;
  sex: Sex;
  phone: string;
  email?: string | null;
  faceImage: DecodedImage;
}

/**
 * A level-1 application made online by the citizen (Decree 69/2024/NĐ-CP Art. 10).
 * Rate-limited per number and per address (429 RATE_LIMITED). Errors, each with nothing stored:
 * EID_PHONE_INVALID, EID_EMAIL_INVALID (400); EID_IDENTITY_MISMATCH (422: unknown number or any
 * declared field differing — which one is not said); the eligibility codes of
 * {@link checkEligibility} (422); EID_ACCOUNT_EXISTS, EID_APPLICATION_OPEN, EID_PHONE_TAKEN (409);
 * EID_FACE_NOT_MATCHED (422, from a real face verifier). `options`: a step recorded after the fact ({@link StepOptions}).
 */
export async function applyOnline(svc: EidService, input: OnlineApplication, actor: AuditActor, options: StepOptions = {}): Promise<ApplicationView> {
  const phone = phoneOf(input.phone);
  const email = emailOf(input.email);
  // Counted before the registry is asked: the check must not become an oracle for strangers' data.
  if (actor.sourceIp) await svc.limits.applicationByAddress.hit(actor.sourceIp);
  await svc.limits.applicationByPin.hit(input.pin);
  const match = await matchCitizen(svc.db, { pin: input.pin, fullName: normalizeText(input.fullName), dateOfBirth: input.dateOfBirth, sex: input.sex });
  if (!match.matched) {
    await auditFailedCheck(svc, input.pin, actor, 'declared data do not match the registry');
    throw new AppError('EID_IDENTITY_MISMATCH');
  }
  const facts = match.facts;
  checkEligibility(facts, { level: 1, viaGuardian: false, inPerson: false }, options.at ? vietnamDateOf(options.at) : todayInVietnam());
  await checkNoDuplicate(svc.k, facts.pin, 1, false);
  if (await phoneHeldByOther(svc.k, phone, facts.pin)) throw new AppError('EID_PHONE_TAKEN');
  const unit = residenceUnit(facts);
  const check = await svc.faceVerifier.verify({ pin: facts.pin, image: input.faceImage });
  if (check.outcome === 'not_matched') {
    await auditFailedCheck(svc, facts.pin, actor, `face not matched by ${svc.faceVerifier.name}`);
    throw new AppError('EID_FACE_NOT_MATCHED');
  }
  return store(svc, {
    level: 1,
    channel: 'online',
    facts,
    phone,
    email,
    guardianAccountId: null,
    collection: null,
    unit,
    consentAt: null,
    biometricCheck: check.outcome === 'matched' ? 'matched' : 'not_verified',
    checker: svc.faceVerifier.name,
    biometrics: [{ kind: 'face', position: null, bytes: input.faceImage.bytes, mediaType: input.faceImage.mediaType, sha256: input.faceImage.sha256 }],
    actor,
  }, options.at);
}

export interface DependantApplication {
  pin: string;
  fullName: string;
  dateOfBirth: string;
  sex: Sex;
  faceImage: DecodedImage;
}

/**
 * A level-1 application for a child under 14 made by a parent with their own level-2 account and
 * phone (Decree 69/2024/NĐ-CP Art. 10; domain.md §1.4). Errors: EID_GUARDIAN_LEVEL2_REQUIRED
 * (403); EID_IDENTITY_MISMATCH; EID_GUARDIAN_NOT_RELATED (the registry names another father and
 * mother); EID_GUARDIAN_NOT_ALLOWED (the child is 14 or older) and the other eligibility codes;
 * EID_ACCOUNT_EXISTS, EID_APPLICATION_OPEN.
 */
export async function applyForDependant(svc: EidService, guardian: CitizenPrincipal, input: DependantApplication, actor: AuditActor): Promise<ApplicationView> {
  if (guardian.level < 2) throw new AppError('EID_GUARDIAN_LEVEL2_REQUIRED');
  await svc.limits.applicationByPin.hit(guardian.pin);
  const guardianAccount = await accountById(svc.k, guardian.accountId);
  if (!guardianAccount || guardianAccount.status !== 'active') throw new AppError('EID_GUARDIAN_LEVEL2_REQUIRED');
  const match = await matchCitizen(svc.db, { pin: input.pin, fullName: normalizeText(input.fullName), dateOfBirth: input.dateOfBirth, sex: input.sex });
  if (!match.matched) {
    await auditFailedCheck(svc, input.pin, actor, 'declared data do not match the registry');
    throw new AppError('EID_IDENTITY_MISMATCH');
  }
  const facts = match.facts;
  if (facts.fatherPin !== guardian.pin && facts.motherPin !== guardian.pin) throw new AppError('EID_GUARDIAN_NOT_RELATED');
  checkEligibility(facts, { level: 1, viaGuardian: true, inPerson: false }, todayInVietnam());
  await checkNoDuplicate(svc.k, facts.pin, 1, true);
  const unit = residenceUnit(facts);
  const check = await svc.faceVerifier.verify({ pin: facts.pin, image: input.faceImage });
  if (check.outcome === 'not_matched') throw new AppError('EID_FACE_NOT_MATCHED');
  return store(svc, {
    level: 1,
    channel: 'online',
    facts,
    phone: null,
    email: null,
    guardianAccountId: guardian.accountId,
    collection: null,
    unit,
    consentAt: null,
    biometricCheck: check.outcome === 'matched' ? 'matched' : 'not_verified',
    checker: svc.faceVerifier.name,
    biometrics: [{ kind: 'face', position: null, bytes: input.faceImage.bytes, mediaType: input.faceImage.mediaType, sha256: input.faceImage.sha256 }],
    actor,
  });
}

export interface CollectionPoint {
  kind: 'police_office' | 'campaign';
  /** The commune (5 digits) of the police office or of the commune hall hosting the campaign. */
  unitCode: string;
  /** The date the unit code refers to (default: the officer's own unit date, else today). */
  unitDate?: string;
  /** The collection campaign's id in the desk module (required for `campaign`). */
  campaignId?: string | null;
}

export interface InPersonApplication {
  pin: string;
  phone: string;
  email?: string | null;
  portrait: DecodedImage;
  fingerprints: DecodedFingerprint[];
  consent: boolean;
  collectionPoint: CollectionPoint;
}

/**
 * The campaign an in-person application names must exist, be held in the collection point's
 * commune and not be cancelled. Errors: EID_CAMPAIGN_NOT_FOUND (422), EID_CAMPAIGN_OTHER_UNIT
 * (422), EID_CAMPAIGN_CANCELLED (409).
 */
async function checkCampaign(svc: EidService, id: string, unitCode: string): Promise<void> {
  const c = await svc.campaigns!.campaign(svc.db, id);
  if (!c) throw new AppError('EID_CAMPAIGN_NOT_FOUND', { id }, { fieldErrors: [{ field: 'body.collectionPoint.campaignId', code: 'EID_CAMPAIGN_NOT_FOUND' }] });
  if (c.unitCode !== unitCode) throw new AppError('EID_CAMPAIGN_OTHER_UNIT', { id, code: c.unitCode }, { fieldErrors: [{ field: 'body.collectionPoint.campaignId', code: 'EID_CAMPAIGN_OTHER_UNIT' }] });
  if (c.status === 'cancelled') throw new AppError('EID_CAMPAIGN_CANCELLED', { id, day: c.day });
}

/**
 * A level-2 application taken in person by police at a collection point (domain.md §1.4): the
 * officer checks the chip card, takes the portrait and fingerprints through the
 * {@link BiometricCapture} and records the citizen's consent. Errors: EID_CONSENT_REQUIRED (400);
 * VALIDATION_FAILED (`collectionPoint.campaignId` required for a campaign);
 * EID_COLLECTION_POINT_INVALID (400), EID_COLLECTION_POINT_OUT_OF_SCOPE (403); for a campaign with
 * the desk's campaigns wired: EID_CAMPAIGN_NOT_FOUND, EID_CAMPAIGN_OTHER_UNIT (422), EID_CAMPAIGN_CANCELLED (409);
 * EID_PHONE_INVALID, EID_EMAIL_INVALID; EID_IDENTITY_MISMATCH (number not registered);
 * eligibility codes (EID_CHIP_CARD_REQUIRED, EID_AGE_LEVEL2_UNDER_6, …); EID_ACCOUNT_EXISTS,
 * EID_APPLICATION_OPEN, EID_PHONE_TAKEN (409); EID_BIOMETRICS_NOT_MATCHED (422). `options`: a step
 * recorded after the fact ({@link StepOptions}: dated `at`, eligibility on that day, no SMS).
 */
export async function applyInPerson(svc: EidService, staff: StaffPrincipal, input: InPersonApplication, actor: AuditActor, options: StepOptions = {}): Promise<ApplicationView> {
  if (!input.consent) throw new AppError('EID_CONSENT_REQUIRED');
  const cp = input.collectionPoint;
  const fieldErrors: FieldError[] = [];
  if (cp.kind === 'campaign' && !cp.campaignId) fieldErrors.push({ field: 'body.collectionPoint.campaignId', code: 'FIELD_REQUIRED' });
  if (cp.kind === 'police_office' && cp.campaignId) fieldErrors.push({ field: 'body.collectionPoint.campaignId', code: 'FIELD_UNKNOWN' });
  if (fieldErrors.length > 0) throw new AppError('VALIDATION_FAILED', { count: fieldErrors.length }, { fieldErrors });
  const unitDate = cp.unitDate ?? staff.unitDate ?? todayInVietnam();
  const unitPath = await getUnit(svc.db.as<UnitsTables>(), cp.unitCode, unitDate).then(
    (u) => (u.level === 'commune' ? u.path.map((p) => p.code) : undefined),
    (e: unknown) => {
      if (e instanceof AppError && e.code === 'UNIT_NOT_FOUND') return undefined;
      throw e;
    },
  );
  if (!unitPath) throw new AppError('EID_COLLECTION_POINT_INVALID', { code: cp.unitCode, at: unitDate });
  if (!(await staffCovers(svc.db, staff, { ...scopeColumns(unitPath), unit_date: unitDate }))) throw new AppError('EID_COLLECTION_POINT_OUT_OF_SCOPE', { code: cp.unitCode });
  if (cp.kind === 'campaign' && svc.campaigns) await checkCampaign(svc, cp.campaignId!, cp.unitCode);
  const phone = phoneOf(input.phone);
  const email = emailOf(input.email);
  const facts = await registryFacts(svc.db, input.pin);
  if (!facts) {
    await auditFailedCheck(svc, input.pin, actor, 'number not registered');
    throw new AppError('EID_IDENTITY_MISMATCH');
  }
  checkEligibility(facts, { level: 2, viaGuardian: false, inPerson: true }, options.at ? vietnamDateOf(options.at) : todayInVietnam());
  await checkNoDuplicate(svc.k, facts.pin, 2, false);
  if (await phoneHeldByOther(svc.k, phone, facts.pin)) throw new AppError('EID_PHONE_TAKEN');
  const check = await svc.biometricCapture.authenticate({ pin: facts.pin, portrait: input.portrait, fingerprints: input.fingerprints });
  if (check.outcome === 'not_matched') {
    await auditFailedCheck(svc, facts.pin, actor, `biometrics not matched by ${svc.biometricCapture.name}`);
    throw new AppError('EID_BIOMETRICS_NOT_MATCHED');
  }
  return store(svc, {
    level: 2,
    channel: cp.kind === 'campaign' ? 'campaign' : 'police_desk',
    facts,
    phone,
    email,
    guardianAccountId: null,
    collection: { kind: cp.kind, unitCode: cp.unitCode, campaignId: cp.campaignId ?? null },
    unit: { code: cp.unitCode, date: unitDate, path: unitPath },
    consentAt: options.at ?? nowUtc(),
    biometricCheck: check.outcome === 'matched' ? 'matched' : 'not_verified',
    checker: svc.biometricCapture.name,
    biometrics: [
      { kind: 'portrait', position: null, bytes: input.portrait.bytes, mediaType: input.portrait.mediaType, sha256: input.portrait.sha256 },
      ...input.fingerprints.map((f) => ({ kind: 'fingerprint' as const, position: f.position, bytes: f.bytes, mediaType: f.mediaType, sha256: f.sha256 })),
    ],
    actor,
  }, options.at);
}

export interface QueueQuery {
  commune?: string;
  status?: ApplicationStatus;
  level?: 1 | 2;
  channel?: Channel;
  campaignId?: string;
  offset: number;
  limit: number;
}

/**
 * The police queue: applications handled within the officer's unit (narrowed to one commune,
 * status, level, channel or campaign), oldest first, with the count of each status under the
 * same filters. Masked; audited (one entry naming the applications shown).
 */
export async function listApplications(svc: EidService, staff: StaffPrincipal, q: QueueQuery, actor: AuditActor): Promise<{ items: ApplicationView[]; total: number; counts: Record<ApplicationStatus, number> }> {
  const area = await staffArea(svc.db, staff);
  const page = await queue(svc.k, { area, commune: q.commune, status: q.status, level: q.level, channel: q.channel, campaignId: q.campaignId }, q.offset, q.limit);
  const items: ApplicationView[] = [];
  for (const r of page.items) items.push(viewOf(r, await biometricsOf(svc.k, r.id)));
  await svc.db.transaction((trx) =>
    recordAudit(trx, {
      actor,
      action: 'eid.application-list',
      subjects: page.items.map((r) => ({ type: 'citizen', id: r.pin })),
      purposeCode: 'EID_APPLICATION',
      summary: `queue${q.commune ? ` of ${q.commune}` : ''}${q.status ? ` (${q.status})` : ''}: ${items.length} of ${page.total} shown, masked`,
    }),
  );
  return { items, total: page.total, counts: page.counts };
}

async function scopedApplication(svc: EidService, staff: StaffPrincipal, id: number): Promise<ApplicationRow> {
  const row = await applicationById(svc.k, id);
  if (!row || !(await staffCovers(svc.db, staff, row))) throw new AppError('EID_APPLICATION_NOT_FOUND', { id });
  return row;
}

/** One application with its steps, for police within its unit (404 otherwise); audited. */
export async function getApplication(svc: EidService, staff: StaffPrincipal, id: number, actor: AuditActor): Promise<ApplicationDetail> {
  const row = await scopedApplication(svc, staff, id);
  const [bio, steps] = await Promise.all([biometricsOf(svc.k, id), stepsOf(svc.k, id)]);
  await svc.db.transaction((trx) => recordAudit(trx, { actor, action: 'eid.application-read', subjects: [{ type: 'citizen', id: row.pin }, { type: 'eid-application', id: String(id) }], purposeCode: 'EID_APPLICATION', summary: `application ${id} shown (${row.status})` }));
  return { ...viewOf(row, bio), pin: row.pin, steps: steps.map(stepView) };
}

/** The face image or portrait of an application, decrypted, as {@link applicationImage} answers it. */
export interface ApplicationImage {
  /** `face`: sent by the citizen with a level-1 application; `portrait`: taken by police for level 2. */
  kind: 'face' | 'portrait';
  mediaType: ImageMediaType;
  bytes: Buffer;
  /** SHA-256 (hex) of `bytes`, as stored when the image was received. */
  sha256: string;
}

/**
 * The image an officer compares with the citizen before deciding (Decree 69/2024/NĐ-CP Art. 10:
 * the face image captured with a level-1 application; for level 2, the portrait taken at the
 * collection point): for police within the application's unit, with the same scope check as
 * {@link getApplication} (404 EID_APPLICATION_NOT_FOUND otherwise). Opened from its AES-256-GCM
 * seal; fingerprint templates are never returned. Audited as `eid.application-face-read` naming
 * the citizen and the application (biometric data is sensitive personal data, Decree
 * 13/2023/NĐ-CP Art. 2(4)). Errors: EID_FACE_IMAGE_NOT_FOUND (404) when none is stored.
 */
export async function applicationImage(svc: EidService, staff: StaffPrincipal, id: number, actor: AuditActor): Promise<ApplicationImage> {
  const row = await scopedApplication(svc, staff, id);
  const sealed = await sealedImageOf(svc.k, id);
  if (!sealed) throw new AppError('EID_FACE_IMAGE_NOT_FOUND', { id });
  const bytes = svc.cipher.open(sealed.sealed, biometricContext(id, sealed.kind, null));
  const mediaType = sniffImage(bytes);
  if (!mediaType) throw new Error(`application ${id}: the stored ${sealed.kind} is not a JPEG or PNG`);
  await svc.db.transaction((trx) =>
    recordAudit(trx, {
      actor,
      action: 'eid.application-face-read',
      subjects: [{ type: 'citizen', id: row.pin }, { type: 'eid-application', id: String(id) }],
      purposeCode: 'EID_APPLICATION',
      summary: `${sealed.kind} image of application ${id} shown (${mediaType}, ${bytes.length} bytes)`,
    }),
  );
  return { kind: sealed.kind, mediaType, bytes, sha256: sealed.sha256 };
}

export interface Decision {
  decision: 'approve' | 'reject';
  reasonCode?: RejectionReason;
  note?: string;
}

/** The text of the SMS inviting activation (the address is the platform's public one). */
export function activationInviteText(level: number, publicUrl: string): string {
  return `Đề nghị cấp tài khoản định danh điện tử mức độ ${level} của bạn đã được phê duyệt. Kích hoạt tại ${publicUrl}/eid/activate bằng số định danh cá nhân và số điện thoại này.`;
}

function stepInvalid(id: number, from: ApplicationStatus, to: ApplicationStatus): AppError {
  return new AppError('EID_APPLICATION_STEP_INVALID', { id, from, to }, { extensions: { currentStatus: from, allowedSteps: NEXT_STEPS[from] } });
}

/**
 * Approves or rejects a verified application (police whose unit covers the handling commune;
 * 404 EID_APPLICATION_NOT_FOUND otherwise). Approval re-checks the registry (the person may have
 * died or the card expired since) and then, in one transaction: the `approved` step; a new account
 * awaiting activation (or, for a level-1 holder's level-2 application, the account's pending
 * upgrade) and the `activation_pending` step with an SMS inviting activation through the outbox
 * — or, for a dependant, an active account at once and an SMS to the parent; the
 * `eid.decisions` count. Rejection needs a reason code (and a note for OTHER), writes the
 * `rejected` step and tells the applicant by SMS.
 * Errors: EID_APPLICATION_STEP_INVALID (409, e.g. deciding twice); eligibility codes (422);
 * EID_PHONE_TAKEN (409); VALIDATION_FAILED (reason missing). `options`: a decision recorded after
 * the fact ({@link StepOptions}: dated `at`, eligibility re-checked on that day, no SMS).
 */
export async function decideApplication(svc: EidService, staff: StaffPrincipal, id: number, d: Decision, actor: AuditActor, options: StepOptions = {}): Promise<ApplicationDetail> {
  const app = await scopedApplication(svc, staff, id);
  const target: ApplicationStatus = d.decision === 'approve' ? 'approved' : 'rejected';
  if (!NEXT_STEPS[app.status].includes(target)) throw stepInvalid(id, app.status, target);
  if (d.decision === 'reject') {
    const fieldErrors: FieldError[] = [];
    if (!d.reasonCode) fieldErrors.push({ field: 'body.reasonCode', code: 'FIELD_REQUIRED' });
    if (d.reasonCode === 'OTHER' && !d.note?.trim()) fieldErrors.push({ field: 'body.note', code: 'FIELD_REQUIRED' });
    if (fieldErrors.length > 0) throw new AppError('VALIDATION_FAILED', { count: fieldErrors.length }, { fieldErrors });
    await reject(svc, app, d.reasonCode!, d.note?.trim() || null, actor, options);
  } else {
    await approve(svc, app, actor, options);
  }
  return getApplication(svc, staff, id, actor);
}

async function reject(svc: EidService, app: ApplicationRow, reason: RejectionReason, note: string | null, actor: AuditActor, options: StepOptions): Promise<void> {
  const now = options.at ?? nowUtc();
  const to = app.phone ?? (app.guardian_account_id ? (await accountById(svc.k, app.guardian_account_id))?.phone ?? null : null);
  await svc.db.transaction(async (trx) => {
    const k = trx as unknown as Db;
    if (!(await moveApplication(k, app.id, app.status, { status: 'rejected', status_at: now, reason_code: reason, reason_note: note }))) throw stepInvalid(app.id, app.status, 'rejected');
    await insertStep(k, { application_id: app.id, step: 'rejected', at: now, actor_kind: actor.kind, actor_id: actor.id, actor_unit: actor.unitCode ?? null, reason_code: reason, note });
    await countIndicator(trx, { indicator: 'eid.decisions', unitCode: app.unit_code, day: vietnamDateOf(now), dims: { outcome: 'rejected', level: String(app.level) } });
    if (to && options.notify !== false) {
      await enqueueMessage(trx, {
        channel: 'sms',
        to,
        kind: 'eid.application-rejected',
        dedupeKey: `eid.application-rejected:${app.id}`,
        text: `Đề nghị cấp tài khoản định danh điện tử số ${app.id} không được phê duyệt: ${REJECTION_REASONS[reason].vi}. Liên hệ Công an xã/phường để biết thêm.`,
      });
    }
    await recordAudit(trx, { actor, action: 'eid.application-reject', subjects: [{ type: 'citizen', id: app.pin }, { type: 'eid-application', id: String(app.id) }], purposeCode: 'EID_APPLICATION', summary: `application ${app.id} rejected: ${reason}` });
  });
}

async function approve(svc: EidService, app: ApplicationRow, actor: AuditActor, options: StepOptions): Promise<void> {
  // The registry may have changed since the application came in.
  const facts = await registryFacts(svc.db, app.pin);
  if (!facts) throw new AppError('EID_IDENTITY_MISMATCH');
  const viaGuardian = app.guardian_account_id !== null;
  checkEligibility(facts, { level: app.level as 1 | 2, viaGuardian, inPerson: app.collection_kind !== null }, options.at ? vietnamDateOf(options.at) : todayInVietnam());
  if (app.phone && (await phoneHeldByOther(svc.k, app.phone, app.pin))) throw new AppError('EID_PHONE_TAKEN');
  const guardian = viaGuardian ? await accountById(svc.k, app.guardian_account_id!) : undefined;
  const existing = await liveAccountOf(svc.k, app.pin);
  const now = options.at ?? nowUtc();
  const day = vietnamDateOf(now);
  const step = (k: Db, s: ApplicationStatus, note: string | null = null) => insertStep(k, { application_id: app.id, step: s, at: now, actor_kind: actor.kind, actor_id: actor.id, actor_unit: actor.unitCode ?? null, reason_code: null, note });
  const event = (k: Db, accountId: number, action: string, detail: string) => insertAccountEvent(k, { account_id: accountId, action, at: now, actor_kind: actor.kind, actor_id: actor.id, reason: null, detail });
  try {
    await svc.db.transaction(async (trx) => {
      const k = trx as unknown as Db;
      if (!(await moveApplication(k, app.id, app.status, { status: 'approved', status_at: now }))) throw stepInvalid(app.id, app.status, 'approved');
      await step(k, 'approved');
      await countIndicator(trx, { indicator: 'eid.decisions', unitCode: app.unit_code, day, dims: { outcome: 'approved', level: String(app.level) } });
      let accountId: number;
      if (viaGuardian) {
        // A child's account is used through the parent's: active at once, no credentials of its own.
        accountId = await insertAccount(k, newAccount(app, now, 'active'));
        await event(k, accountId, 'created', `level ${app.level}, dependant of account ${app.guardian_account_id}`);
        await event(k, accountId, 'activated', 'dependant account: active on approval');
        await moveApplication(k, app.id, 'approved', { status: 'active', status_at: now, account_id: accountId });
        await step(k, 'active', 'dependant account: managed through the parent’s account');
        await countIndicator(trx, { indicator: 'eid.activations', unitCode: app.unit_code, day, dims: { level: String(app.level), channel: app.channel } });
        if (guardian?.phone && options.notify !== false) {
          await enqueueMessage(trx, { channel: 'sms', to: guardian.phone, kind: 'eid.dependant-approved', dedupeKey: `eid.dependant-approved:${app.id}`, text: `Tài khoản định danh điện tử mức độ 1 của con bạn (${app.full_name}) đã được cấp và gắn với tài khoản của bạn.` });
        }
      } else {
        if (existing) {
          accountId = existing.id;
          await updateAccount(k, existing.id, { pending_level: app.level, pending_phone: app.phone, updated_at: now });
          await event(k, accountId, 'upgrade-approved', `level ${existing.level} → ${app.level} after activation (application ${app.id})`);
        } else {
          accountId = await insertAccount(k, newAccount(app, now, 'activation_pending'));
          await event(k, accountId, 'created', `level ${app.level}, awaiting activation (application ${app.id})`);
        }
        await moveApplication(k, app.id, 'approved', { status: 'activation_pending', status_at: now, account_id: accountId });
        await step(k, 'activation_pending', options.notify === false ? 'approved; no invitation sent (recorded after the fact)' : 'activation invitation sent by SMS');
        if (options.notify !== false) await enqueueMessage(trx, { channel: 'sms', to: app.phone!, kind: 'eid.activation-invite', dedupeKey: `eid.activation-invite:${app.id}`, text: activationInviteText(app.level, svc.ctx.config.publicUrl) });
      }
      await recordAudit(trx, { actor, action: 'eid.application-approve', subjects: [{ type: 'citizen', id: app.pin }, { type: 'eid-application', id: String(app.id) }, { type: 'eid-account', id: String(accountId) }], purposeCode: 'EID_APPLICATION', summary: `application ${app.id} approved (level ${app.level}); account ${accountId}` });
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('EID_PHONE_TAKEN');
    throw e;
  }
}

function newAccount(app: ApplicationRow, now: string, status: 'active' | 'activation_pending'): Omit<AccountRow, 'id'> {
  return {
    pin: app.pin,
    level: app.level,
    pending_level: null,
    status,
    phone: app.phone,
    pending_phone: null,
    email: app.email,
    guardian_account_id: app.guardian_account_id,
    password_hash: null,
    passcode_hash: null,
    totp_secret: null,
    totp_pending: null,
    totp_last_step: null,
    lock_reason: null,
    locked_at: null,
    unit_code: app.unit_code,
    unit_date: app.unit_date,
    scope_province: app.scope_province,
    scope_district: app.scope_district,
    scope_commune: app.scope_commune,
    application_id: app.id,
    created_at: now,
    activated_at: status === 'active' ? now : null,
    updated_at: now,
  };
}


/**
 * The life of an e-ID account after approval (Decree 69/2024/NĐ-CP Art. 15; domain.md §1.4–1.5):
 *
 * - **Lock and unlock** by the citizen (a lost phone: locked at once, form TK03's purpose) or by
 *   police; a citizen unlocks only their own lock, police any lock whose reason is gone.
 * - **Automatic lock** when the identity card has expired, or the registry marks the person
 *   deceased or the number cancelled; checked at every sign-in and by {@link sweepAutoLocks}
 *   (a daily job, `motcua eid sweep`). An automatic lock lifts itself once its reason is gone
 *   (a renewed card), as the national system scans and unlocks.
 * - **Revocation** by police: the account ends; the number and phone may hold a new one later.
 * - **Change of phone number** at commune police (domain.md §1.4): the account goes back to
 *   awaiting activation and the new phone gets the invitation; the password stays.
 * - **Usage history**: every sign-in and use of the account, kept 5 years
 *   ({@link USAGE_RETENTION_YEARS}; {@link purgeUsageHistory} removes older entries), shown to
 *   the citizen with the registry's access log of their record (who looked at it, why).
 *
 * Every change writes an account event, a usage entry and an audit entry in one transaction.
 */
import type { Kysely } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import { auditEntriesFor, recordAudit, type AuditActor } from '../../platform/audit/audit.js';
import type { CitizenPrincipal, StaffPrincipal } from '../../platform/auth.js';
import { nowUtc, todayInVietnam } from '../../platform/dates.js';
import type { Database } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { enqueueMessage, maskEmail } from '../../platform/jobs/index.js';
import { maskPin, registryFacts, registryFactsMany, type RegistryFacts } from '../../population/index.js';
import { dummyPasswordHash, verifyPassword } from '../passwords.js';
import { activationInviteText, phoneOf } from './applications.js';
import { AUTO_LOCK_REASONS, autoLockReason } from './eligibility.js';
import type { LockReason } from './model.js';
import { citizenActor, maskedPhone, staffCovers, SYSTEM_ACTOR, USAGE_RETENTION_YEARS, type EidService } from './service.js';
import {
  accountById,
  accountEventsOf,
  accountsForSweep,
  applicantNameOf,
  dependantsOf,
  insertAccountEvent,
  insertUsage,
  usageInSession,
  isUniqueViolation,
  liveAccountOf,
  phoneHeldByOther,
  purgeUsage,
  revokeSessions,
  updateAccount,
  usageOf,
  voidCodes,
  type AccountRow,
  type AccountStatus,
  type Db,
} from './store.js';

export type { LockReason };

export interface AccountView {
  id: number;
  pinMasked: string;
  fullName: string;
  level: 1 | 2;
  /** The level an approved application will raise the account to once activated. */
  pendingLevel: 1 | 2 | null;
  status: AccountStatus;
  phoneMasked: string | null;
  emailMasked: string | null;
  totpEnabled: boolean;
  lockReason: LockReason | null;
  lockedAt: string | null;
  createdAt: string;
  activatedAt: string | null;
  /** The commune that handled the account's application (with the date its code refers to). */
  unit: { code: string; date: string };
  /** Set for a child's account managed through a parent's. */
  guardianAccountId: number | null;
}

/**
 * What the API shows of an account; the name is the one on the application that made it, read
 * unless the caller has it already (`applicantName`, as a sign-in reads it with the account).
 */
export async function accountView(svc: EidService, a: AccountRow, k: Db = svc.k, applicantName?: string): Promise<AccountView> {
  const fullName = applicantName ?? (await applicantNameOf(k, a.application_id));
  return {
    id: a.id,
    pinMasked: maskPin(a.pin),
    fullName: fullName ?? '',
    level: a.level as 1 | 2,
    pendingLevel: a.pending_level as 1 | 2 | null,
    status: a.status,
    phoneMasked: maskedPhone(a.phone),
    emailMasked: a.email ? maskEmail(a.email) : null,
    totpEnabled: a.totp_secret !== null,
    lockReason: a.lock_reason as LockReason | null,
    lockedAt: a.locked_at,
    createdAt: a.created_at,
    activatedAt: a.activated_at,
    unit: { code: a.unit_code, date: a.unit_date },
    guardianAccountId: a.guardian_account_id,
  };
}

/** The signed-in citizen's own account with its dependants (children's accounts). */
export async function myAccount(svc: EidService, p: CitizenPrincipal): Promise<AccountView & { dependants: AccountView[] }> {
  const a = await accountById(svc.k, p.accountId);
  if (!a) throw new AppError('UNAUTHENTICATED');
  const dependants = await Promise.all((await dependantsOf(svc.k, a.id)).map((d) => accountView(svc, d)));
  return { ...(await accountView(svc, a)), dependants };
}

interface Change {
  action: string;
  reason?: string | null;
  detail?: string | null;
  sessionId?: string | null;
}

/** Writes an account's event, usage entry and audit entry of one change (inside `trx`). */
async function recordChange(trx: Db, a: AccountRow, actor: AuditActor, now: string, c: Change): Promise<void> {
  await insertAccountEvent(trx, { account_id: a.id, action: c.action, at: now, actor_kind: actor.kind, actor_id: actor.id, reason: c.reason ?? null, detail: c.detail ?? null });
  await insertUsage(trx, { account_id: a.id, at: now, action: c.action, source_ip: actor.sourceIp ?? null, device: null, session_id: c.sessionId ?? null, detail: [c.reason, c.detail].filter(Boolean).join(': ') || null });
  await recordAudit(trx, { actor, action: `eid.${c.action}`, subjects: [{ type: 'citizen', id: a.pin }, { type: 'eid-account', id: String(a.id) }], summary: `account ${a.id} ${c.action}${c.reason ? ` (${c.reason})` : ''}` });
}

/** Locks an account (any unlocked state but revoked) and ends its sessions; false when it was not lockable any more. */
async function lock(svc: EidService, a: AccountRow, reason: LockReason, actor: AuditActor, detail: string | null = null): Promise<boolean> {
  const now = nowUtc();
  return svc.db.transaction(async (trx) => {
    const k = trx as unknown as Db;
    if (!(await updateAccount(k, a.id, { status: 'locked', lock_reason: reason, locked_at: now, updated_at: now }, ['active', 'activation_pending']))) return false;
    await revokeSessions(k, a.id, now, 'account-locked');
    await voidCodes(k, a.id, 'activation', now);
    await recordChange(k, a, actor, now, { action: 'locked', reason, detail });
    return true;
  });
}

/** Unlocks to active (or back to awaiting activation when it never had a password). */
async function unlock(svc: EidService, a: AccountRow, actor: AuditActor, detail: string | null = null): Promise<void> {
  const now = nowUtc();
  const status: AccountStatus = a.password_hash === null ? 'activation_pending' : 'active';
  await svc.db.transaction(async (trx) => {
    const k = trx as unknown as Db;
    if (!(await updateAccount(k, a.id, { status, lock_reason: null, locked_at: null, updated_at: now }, 'locked'))) throw new AppError('EID_ACCOUNT_STATE', { status: a.status, action: 'unlock' });
    await recordChange(k, a, actor, now, { action: 'unlocked', reason: a.lock_reason, detail });
  });
}

/**
 * Applies the registry's facts to an account: locks it automatically when its card expired or
 * the person died or the number was cancelled; lifts an automatic lock whose reason is gone.
 * Answers the account's lock reason afterwards (undefined when not locked).
 */
export async function applyAutoLock(svc: EidService, a: AccountRow, facts: RegistryFacts | undefined, today = todayInVietnam()): Promise<LockReason | undefined> {
  const reason = autoLockReason(facts, today);
  if (a.status === 'locked') {
    if (AUTO_LOCK_REASONS.includes(a.lock_reason!) && !reason) {
      await unlock(svc, a, SYSTEM_ACTOR, 'automatic: the reason no longer holds');
      return undefined;
    }
    return a.lock_reason as LockReason;
  }
  if (reason && (a.status === 'active' || a.status === 'activation_pending')) {
    await lock(svc, a, reason, SYSTEM_ACTOR, 'automatic, from the population registry');
    return reason;
  }
  return undefined;
}

/**
 * Checks every account not revoked against the registry (500 at a time): locks those whose card
 * expired or whose holder died or number was cancelled, unlocks automatic locks whose reason is
 * gone. For a daily job; idempotent.
 */
export async function sweepAutoLocks(svc: EidService, today = todayInVietnam()): Promise<{ checked: number; locked: number; unlocked: number }> {
  let after = 0;
  const out = { checked: 0, locked: 0, unlocked: 0 };
  for (;;) {
    const batch = await accountsForSweep(svc.k, after, 500);
    if (batch.length === 0) return out;
    after = batch[batch.length - 1]!.id;
    const facts = await registryFactsMany(svc.db, batch.map((a) => a.pin));
    for (const a of batch) {
      out.checked++;
      const before = a.status === 'locked' ? a.lock_reason : undefined;
      const afterReason = await applyAutoLock(svc, a, facts.get(a.pin), today);
      if (!before && afterReason) out.locked++;
      if (before && AUTO_LOCK_REASONS.includes(before) && !afterReason) out.unlocked++;
    }
  }
}

/** Verifies an account's passcode, counted with failed sign-ins. Errors: EID_PASSCODE_WRONG (401), RATE_LIMITED. */
async function checkPasscodeOf(svc: EidService, a: AccountRow, passcode: string): Promise<void> {
  await svc.limits.signInByAccount.check(a.pin);
  if (!(await verifyPassword(a.passcode_hash ?? (await dummyPasswordHash()), passcode)) || !a.passcode_hash) {
    await svc.limits.signInByAccount.hit(a.pin);
    throw new AppError('EID_PASSCODE_WRONG');
  }
}

/**
 * The citizen locks their own account (a lost or stolen phone), confirmed with the passcode:
 * locked at once, every session ended (domain.md §1.5). Errors: EID_PASSCODE_WRONG (401).
 */
export async function lockOwnAccount(svc: EidService, p: CitizenPrincipal, passcode: string, sourceIp: string | null): Promise<AccountView> {
  const a = await accountById(svc.k, p.accountId);
  if (!a) throw new AppError('UNAUTHENTICATED');
  await checkPasscodeOf(svc, a, passcode);
  if (!(await lock(svc, a, 'citizen_request', citizenActor(a.id, sourceIp)))) throw new AppError('EID_ACCOUNT_STATE', { status: a.status, action: 'lock' });
  return accountView(svc, (await accountById(svc.k, a.id))!);
}

/**
 * The citizen unlocks the lock they asked for, with number, password and passcode (sign-in
 * limits apply). Errors: EID_CREDENTIALS_INVALID (401, any wrong combination or no such locked
 * account), EID_UNLOCK_NOT_ALLOWED (403: a police or automatic lock), RATE_LIMITED.
 */
export async function unlockOwnAccount(svc: EidService, input: { pin: string; password: string; passcode: string }, sourceIp: string | null): Promise<AccountView> {
  const { signInByAccount, signInByAddress } = svc.limits;
  if (sourceIp) await signInByAddress.check(sourceIp);
  await signInByAccount.check(input.pin);
  const a = await liveAccountOf(svc.k, input.pin);
  const passwordOk = await verifyPassword(a?.password_hash ?? (await dummyPasswordHash()), input.password);
  const passcodeOk = await verifyPassword(a?.passcode_hash ?? (await dummyPasswordHash()), input.passcode);
  if (!a || !a.password_hash || !passwordOk || !passcodeOk || a.status !== 'locked') {
    if (sourceIp) await signInByAddress.hit(sourceIp);
    await signInByAccount.hit(input.pin);
    throw new AppError('EID_CREDENTIALS_INVALID');
  }
  if (a.lock_reason !== 'citizen_request') throw new AppError('EID_UNLOCK_NOT_ALLOWED', { reason: a.lock_reason });
  await unlock(svc, a, citizenActor(a.id, sourceIp));
  return accountView(svc, (await accountById(svc.k, a.id))!);
}

// --- police -----------------------------------------------------------------------------------------

async function scopedAccount(svc: EidService, staff: StaffPrincipal, id: number): Promise<AccountRow> {
  const a = await accountById(svc.k, id);
  if (!a || !(await staffCovers(svc.db, staff, a))) throw new AppError('EID_ACCOUNT_NOT_FOUND');
  return a;
}

export interface AccountDetail extends AccountView {
  events: { action: string; at: string; actor: { kind: string; id: string }; reason: string | null; detail: string | null }[];
}

async function detail(svc: EidService, a: AccountRow): Promise<AccountDetail> {
  const events = await accountEventsOf(svc.k, a.id);
  return { ...(await accountView(svc, a)), events: events.map((e) => ({ action: e.action, at: e.at, actor: { kind: e.actor_kind, id: e.actor_id }, reason: e.reason, detail: e.detail })) };
}

/** Police find the live account of a number within their unit (404 otherwise); audited. */
export async function findAccount(svc: EidService, staff: StaffPrincipal, pin: string, actor: AuditActor): Promise<AccountDetail> {
  const a = await liveAccountOf(svc.k, pin);
  const allowed = a !== undefined && (await staffCovers(svc.db, staff, a));
  await svc.db.transaction((trx) => recordAudit(trx, { actor, action: 'eid.account-read', subjects: [{ type: 'citizen', id: pin }], purposeCode: 'EID_APPLICATION', summary: allowed ? `account ${a!.id} shown` : 'no account within the reader’s unit' }));
  if (!a || !allowed) throw new AppError('EID_ACCOUNT_NOT_FOUND');
  return detail(svc, a);
}

/** Police lock an account (a request at the office, misuse). Errors: EID_ACCOUNT_NOT_FOUND (404), EID_ACCOUNT_STATE (409). */
export async function policeLock(svc: EidService, staff: StaffPrincipal, id: number, note: string | null, actor: AuditActor): Promise<AccountDetail> {
  const a = await scopedAccount(svc, staff, id);
  if (!(await lock(svc, a, 'police', actor, note))) throw new AppError('EID_ACCOUNT_STATE', { status: a.status, action: 'lock' });
  return detail(svc, (await accountById(svc.k, id))!);
}

/**
 * Police unlock an account. An automatic lock is lifted only when the registry no longer gives
 * its reason (EID_LOCK_REASON_PERSISTS, 409). Errors: EID_ACCOUNT_NOT_FOUND, EID_ACCOUNT_STATE.
 */
export async function policeUnlock(svc: EidService, staff: StaffPrincipal, id: number, note: string | null, actor: AuditActor): Promise<AccountDetail> {
  const a = await scopedAccount(svc, staff, id);
  if (a.status !== 'locked') throw new AppError('EID_ACCOUNT_STATE', { status: a.status, action: 'unlock' });
  if (AUTO_LOCK_REASONS.includes(a.lock_reason!)) {
    const reason = autoLockReason(await registryFacts(svc.db, a.pin), todayInVietnam());
    if (reason) throw new AppError('EID_LOCK_REASON_PERSISTS', { reason });
  }
  await unlock(svc, a, actor, note);
  return detail(svc, (await accountById(svc.k, id))!);
}

/** Police revoke an account for good: sessions end, codes die; the number may apply again. Errors: EID_ACCOUNT_NOT_FOUND, EID_ACCOUNT_STATE. */
export async function policeRevoke(svc: EidService, staff: StaffPrincipal, id: number, note: string | null, actor: AuditActor): Promise<AccountDetail> {
  const a = await scopedAccount(svc, staff, id);
  const now = nowUtc();
  await svc.db.transaction(async (trx) => {
    const k = trx as unknown as Db;
    if (!(await updateAccount(k, a.id, { status: 'revoked', pending_level: null, pending_phone: null, lock_reason: null, locked_at: null, updated_at: now }, ['active', 'activation_pending', 'locked']))) throw new AppError('EID_ACCOUNT_STATE', { status: a.status, action: 'revoke' });
    await revokeSessions(k, a.id, now, 'account-revoked');
    await voidCodes(k, a.id, 'activation', now);
    await recordChange(k, a, actor, now, { action: 'revoked', detail: note });
  });
  return detail(svc, (await accountById(svc.k, id))!);
}

/**
 * Commune police change an account's phone number (domain.md §1.4): sessions end, the account
 * awaits activation again and the new phone gets an invitation; the password stays. A citizen's
 * own lock (lost phone) is lifted by the change. Errors: EID_PHONE_INVALID (400),
 * EID_PHONE_TAKEN (409), EID_ACCOUNT_NOT_FOUND, EID_ACCOUNT_STATE (409: revoked, or locked by
 * police or automatically).
 */
export async function changePhone(svc: EidService, staff: StaffPrincipal, id: number, newPhone: string, note: string | null, actor: AuditActor): Promise<AccountDetail> {
  const a = await scopedAccount(svc, staff, id);
  const phone = phoneOf(newPhone);
  if (a.guardian_account_id !== null || !(a.status === 'active' || a.status === 'activation_pending' || (a.status === 'locked' && a.lock_reason === 'citizen_request'))) throw new AppError('EID_ACCOUNT_STATE', { status: a.status, action: 'change phone' });
  if (await phoneHeldByOther(svc.k, phone, a.pin)) throw new AppError('EID_PHONE_TAKEN');
  const now = nowUtc();
  try {
    await svc.db.transaction(async (trx) => {
      const k = trx as unknown as Db;
      if (!(await updateAccount(k, a.id, { phone, pending_phone: null, status: 'activation_pending', lock_reason: null, locked_at: null, updated_at: now }, a.status))) throw new AppError('EID_ACCOUNT_STATE', { status: a.status, action: 'change phone' });
      await revokeSessions(k, a.id, now, 'phone-changed');
      await voidCodes(k, a.id, 'activation', now);
      await recordChange(k, a, actor, now, { action: 'phone-changed', detail: `${maskedPhone(a.phone)} → ${maskedPhone(phone)}${note ? `; ${note}` : ''}` });
      await enqueueMessage(trx, { channel: 'sms', to: phone, kind: 'eid.phone-changed', dedupeKey: `eid.phone-changed:${a.id}:${now}`, text: activationInviteText(a.pending_level ?? a.level, svc.ctx.config.publicUrl) });
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('EID_PHONE_TAKEN');
    throw e;
  }
  return detail(svc, (await accountById(svc.k, id))!);
}

// --- usage history ----------------------------------------------------------------------------------

export interface UsageEntry {
  at: string;
  action: string;
  sourceIp: string | null;
  device: string | null;
  /** True for entries of the session asking. */
  thisSession: boolean;
  detail: string | null;
}

export interface RegistryAccessEntry {
  at: string;
  actorKind: string;
  actorId: string;
  actorUnit: string | null;
  action: string;
  purposeCode: string | null;
  summary: string;
}

/**
 * The citizen's usage history (sign-ins, uses, changes; newest first, kept 5 years) and the
 * registry's access log of their own record (every read or change by anyone, from the audit
 * log). Viewing it is itself recorded in the usage history, once a session: a citizen who opens the
 * page again and again in one sign-in sees one "history viewed" line, not one a visit.
 */
export async function myHistory(svc: EidService, p: CitizenPrincipal, page: { offset: number; limit: number }, sourceIp: string | null): Promise<{ retentionYears: number; usage: { items: UsageEntry[]; total: number }; registryAccess: { items: RegistryAccessEntry[]; total: number } }> {
  const [usage, access] = await Promise.all([usageOf(svc.k, p.accountId, page.offset, page.limit), auditEntriesFor(svc.db, { type: 'citizen', id: p.pin }, page)]);
  if (!(await usageInSession(svc.k, p.accountId, p.sessionId, 'history-viewed'))) {
    await insertUsage(svc.k, { account_id: p.accountId, at: nowUtc(), action: 'history-viewed', source_ip: sourceIp, device: null, session_id: p.sessionId, detail: null });
  }
  return {
    retentionYears: USAGE_RETENTION_YEARS,
    usage: { total: usage.total, items: usage.items.map((u) => ({ at: u.at, action: u.action, sourceIp: u.source_ip, device: u.device, thisSession: u.session_id === p.sessionId, detail: u.detail })) },
    registryAccess: { total: access.total, items: access.items.map((e) => ({ at: e.at, actorKind: e.actorKind, actorId: e.actorId, actorUnit: e.actorUnit, action: e.action, purposeCode: e.purposeCode, summary: e.summary })) },
  };
}

/** Deletes usage entries older than 5 years before `now` (Decree 69/2024/NĐ-CP retention); answers how many. */
export async function purgeUsageHistory(svc: EidService, now: Temporal.Instant = Temporal.Now.instant()): Promise<number> {
  const before = now.toZonedDateTimeISO('UTC').subtract({ years: USAGE_RETENTION_YEARS }).toInstant().toString({ smallestUnit: 'millisecond' });
  return purgeUsage(svc.k, before);
}

/**
 * Records one use of an account by another module (signing in to a public-service portal through
 * the SSO, submitting a dossier) in the usage history the citizen sees (kept 5 years).
 */
export async function recordAccountUse(db: Database | Kysely<any>, use: { accountId: number; action: string; sourceIp?: string | null; sessionId?: string | null; detail?: string | null }): Promise<void> {
  const k = ('kysely' in db ? db.kysely : db) as Db;
  await insertUsage(k, { account_id: use.accountId, at: nowUtc(), action: use.action.slice(0, 60), source_ip: use.sourceIp ?? null, device: null, session_id: use.sessionId ?? null, detail: use.detail?.slice(0, 300) ?? null });
}

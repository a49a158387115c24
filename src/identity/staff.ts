/**
 * Staff accounts (cán bộ): creation, sign-in with a password and a TOTP second factor (required
 * by default, `MOTCUA_STAFF_TOTP`; enrolled at the first sign-in), and sessions. Sign-in answers
 * the same error whether the account is missing, disabled or the password wrong, and takes as long
 * in each case. A session is a random 256-bit bearer token valid {@link SESSION_HOURS} hours.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import { AppError } from '../platform/errors.js';
import { isIsoDate, nowUtc, todayInVietnam } from '../platform/dates.js';
import { recordAudit, type AuditActor } from '../platform/audit/audit.js';
import { STAFF_ROLES, type AuthProvider, type StaffPrincipal, type StaffRole } from '../platform/auth.js';
import { dataCipherFromEnv, sha256Hex, type DataCipher } from '../platform/crypto.js';
import type { Database } from '../platform/db/database.js';
import { Throttle } from '../platform/throttle.js';
import { dummyPasswordHash, hashPassword, passwordWeakness, verifyPassword } from './passwords.js';
import { ROLE_PERMISSIONS } from './roles.js';
import {
  clearStaffTotp,
  confirmStaffTotpPending,
  insertSession,
  insertStaff,
  liveSession,
  revokeAllSessions,
  revokeSession,
  setPassword,
  setStaffTotpPending,
  setStaffTotpStep,
  staffByEnrolmentToken,
  staffByUsername,
  staffTotpContext,
  type IdentityTables,
  type StaffRow,
} from './store.js';
import { acceptTotpCode, newTotpSecret, openTotpSecret, sealTotpSecret, totpEnrolment, totpStepOf, type TotpEnrolment } from './totp.js';

export const SESSION_HOURS = 12;
const USERNAME_RE = /^[a-z0-9][a-z0-9._-]{2,63}$/;

export interface NewStaff {
  username: string;
  password: string;
  role: StaffRole;
  unitCode: string | null;
  /** The date the unit code refers to (default: today in Vietnam). */
  unitDate?: string;
  displayName?: string;
}

/** The unit level each role works at (a commune desk, a province's police or working group). */
const ROLE_LEVEL: Record<StaffRole, 'province' | 'commune' | null> = {
  ADMIN: null,
  PROVINCIAL_POLICE: 'province',
  WORKING_GROUP: 'province',
  COMMUNE_POLICE: 'commune',
  COMMUNE_OFFICER: 'commune',
  SUPPORT_TEAM: 'commune',
};

function tokenHash(token: string): string {
  return sha256Hex(token);
}

export function principalOf(row: StaffRow): StaffPrincipal {
  const role = row.role as StaffRole;
  return { kind: 'staff', id: row.id, username: row.username, displayName: row.display_name, role, unitCode: row.unit_code, unitDate: row.unit_date, permissions: new Set(ROLE_PERMISSIONS[role] ?? []) };
}

/**
 * A staff account by username, as another module sees it when naming a colleague (a dossier's
 * handler, a support-team member): the principal the account signs in as (role, unit at its date,
 * permissions of its role) and whether it is disabled; undefined when there is no such account.
 * Not audited (no personal data of citizens); callers audit the act that uses it.
 */
export async function staffAccount(db: Database, username: string): Promise<{ principal: StaffPrincipal; disabled: boolean } | undefined> {
  const row = await staffByUsername(db.as<IdentityTables>(), username);
  return row ? { principal: principalOf(row), disabled: Number(row.disabled) !== 0 } : undefined;
}

/**
 * Creates a staff account. Errors: STAFF_USERNAME_INVALID, STAFF_ROLE_UNKNOWN,
 * STAFF_PASSWORD_WEAK (NIST SP 800-63B), STAFF_USERNAME_TAKEN. `unitExists` checks the unit code.
 */
export async function createStaff(db: Database, input: NewStaff, actor: AuditActor, unitExists: (code: string) => Promise<boolean>): Promise<StaffPrincipal> {
  const username = input.username.trim().toLowerCase();
  if (!USERNAME_RE.test(username)) throw new AppError('STAFF_USERNAME_INVALID', { username: input.username.slice(0, 64) });
  if (!STAFF_ROLES.includes(input.role)) throw new AppError('STAFF_ROLE_UNKNOWN', { role: String(input.role).slice(0, 40), roles: STAFF_ROLES.join(', ') });
  const weakness = passwordWeakness(input.password);
  if (weakness) throw new AppError('STAFF_PASSWORD_WEAK', { reason: weakness });
  if (input.unitCode !== null && !(await unitExists(input.unitCode))) throw new AppError('STAFF_UNIT_UNKNOWN', { code: input.unitCode });
  if (input.role !== 'ADMIN' && input.unitCode === null) throw new AppError('STAFF_UNIT_REQUIRED', { role: input.role });
  const level = ROLE_LEVEL[input.role];
  if (level && input.unitCode !== null && input.unitCode.length !== (level === 'province' ? 2 : 5)) throw new AppError('STAFF_UNIT_LEVEL', { role: input.role, level });
  const unitDate = input.unitDate ?? todayInVietnam();
  if (!isIsoDate(unitDate)) throw new AppError('DATE_INVALID', { value: unitDate });
  const passwordHash = await hashPassword(input.password);
  const k = db.as<IdentityTables>();
  return db.transaction(async (trx) => {
    if (await staffByUsername(trx as typeof k, username)) throw new AppError('STAFF_USERNAME_TAKEN', { username });
    const row = {
      username,
      display_name: input.displayName?.trim() || username,
      password_hash: passwordHash,
      role: input.role,
      unit_code: input.unitCode,
      unit_date: input.unitCode === null ? null : unitDate,
      disabled: 0,
      created_at: nowUtc(),
      totp_secret: null,
      totp_last_step: null,
      totp_pending: null,
      totp_pending_token: null,
      totp_pending_expires_at: null,
    };
    const id = await insertStaff(trx as typeof k, row);
    await recordAudit(trx, { actor, action: 'staff.create', subjects: [{ type: 'staff', id: username }], summary: `role ${input.role}, unit ${input.unitCode ?? '—'}` });
    return principalOf({ ...row, id });
  });
}

export interface StaffSession {
  token: string;
  expiresAt: string;
  staff: { username: string; displayName: string; role: StaffRole; unitCode: string | null };
}

/** Sign-in throttles: per account (10 failures in 15 minutes block it 15 minutes) and per address (50). */
export interface SignInThrottles {
  account: Throttle;
  address: Throttle;
}

export function signInThrottles(redisUrl?: string): SignInThrottles {
  return {
    account: new Throttle({ name: 'staff-signin-account', points: 10, windowSeconds: 900, blockSeconds: 900 }, redisUrl),
    address: new Throttle({ name: 'staff-signin-address', points: 50, windowSeconds: 900, blockSeconds: 900 }, redisUrl),
  };
}

/**
 * `MOTCUA_STAFF_TOTP` (src/platform/config.ts): `required`, every staff sign-in needs a TOTP code
 * and an account without one enrols at its next sign-in; `optional`, an account without one signs
 * in with its password alone. An account that has a second factor always needs a code.
 */
export type StaffTotpPolicy = 'required' | 'optional';

/** Minutes a second-factor enrolment, started by a sign-in with the right password, may be confirmed in. */
export const TOTP_ENROLMENT_MINUTES = 10;

/** Options of {@link signInOrEnrolStaff} and {@link signInStaff}. */
export interface StaffSignInOptions {
  /** The 6-digit code of the account's authenticator app, when it has one. */
  otp?: string;
  /**
   * Whether an account without a second factor must enrol one first. The HTTP route passes
   * `MOTCUA_STAFF_TOTP` (default `required`); callers in this process that leave it out (tests,
   * benchmarks) sign such accounts in with the password alone.
   */
  totp?: StaffTotpPolicy;
  throttles?: SignInThrottles;
  /** The bearer token the request came with, ended by the new sign-in. */
  replacing?: string;
  /** The data cipher sealing TOTP secrets (default: `MOTCUA_DATA_KEY`, src/platform/crypto.ts). */
  cipher?: DataCipher;
}

/** A second-factor enrolment: the secret (shown once) and the token that confirms it with a code. */
export interface StaffTotpEnrolment extends TotpEnrolment {
  /** Single-use token for {@link confirmStaffTotpEnrolment}; not a session. */
  token: string;
  /** UTC instant, ISO 8601, after which the token no longer confirms ({@link TOTP_ENROLMENT_MINUTES}). */
  expiresAt: string;
}

const cipherOf = (options: { cipher?: DataCipher }) => options.cipher ?? dataCipherFromEnv();

function staffActor(row: StaffRow, sourceIp: string | null): AuditActor {
  return { kind: 'staff', id: row.username, unitCode: row.unit_code, sourceIp };
}

/**
 * Signs a staff member in with a password and, when the account has a second factor, a TOTP code
 * (NIST SP 800-63B §4.2 AAL2: two factors; OWASP ASVS 5.0 §6.3.3), or starts the enrolment of one:
 *
 * - a new random session token every time, never one the client chose; `replacing`, the bearer
 *   token the request came with, if any, is ended in the same transaction (OWASP ASVS 5.0 §7.2.4:
 *   a sign-in, including a repeated one, renews the session and ends the current one);
 * - `{ enrolment }` instead of a session, when `options.totp` is `required` and the account has no
 *   second factor yet: a new secret (replacing any earlier pending one) and a token confirming it
 *   within {@link TOTP_ENROLMENT_MINUTES} minutes through {@link confirmStaffTotpEnrolment}.
 *
 * The password is checked first, against a dummy hash when the account does not exist, so every
 * answer before it is right is the same for a missing, disabled or existing account. Audited:
 * `staff.sign-in`, `staff.totp-enrolment` (a secret was shown), `staff.sign-in-refused` (right
 * password, wrong or replayed code). Errors: STAFF_CREDENTIALS_INVALID (401) for any wrong
 * combination; STAFF_OTP_REQUIRED (401, right password, no code; not counted as a failure);
 * STAFF_OTP_INVALID (401, a wrong or replayed code; counted); RATE_LIMITED (429) once an account or
 * an address has failed too often (the same answer whether or not the account exists).
 */
export function signInOrEnrolStaff(db: Database, username: string, password: string, sourceIp: string | null, options: StaffSignInOptions = {}): Promise<StaffSession | { enrolment: StaffTotpEnrolment }> {
  return signIn(db, username, password, sourceIp, options, true);
}

/**
 * {@link signInOrEnrolStaff} for callers that need a session: where it would start an enrolment,
 * STAFF_TOTP_ENROLMENT_REQUIRED (401), and no secret is made; its other errors alike.
 */
export async function signInStaff(db: Database, username: string, password: string, sourceIp: string | null, options: StaffSignInOptions = {}): Promise<StaffSession> {
  return (await signIn(db, username, password, sourceIp, options, false)) as StaffSession;
}

async function signIn(db: Database, username: string, password: string, sourceIp: string | null, options: StaffSignInOptions, enrol: boolean): Promise<StaffSession | { enrolment: StaffTotpEnrolment }> {
  const k = db.as<IdentityTables>();
  const { throttles } = options;
  const name = username.trim().toLowerCase();
  await throttles?.account.check(name);
  if (sourceIp) await throttles?.address.check(sourceIp);
  const fail = async (code: 'STAFF_CREDENTIALS_INVALID' | 'STAFF_OTP_INVALID'): Promise<never> => {
    await throttles?.account.fail(name);
    if (sourceIp) await throttles?.address.fail(sourceIp);
    throw new AppError(code);
  };
  const row = await staffByUsername(k, name);
  const ok = await verifyPassword(row?.password_hash ?? (await dummyPasswordHash()), password);
  if (!row || !ok || row.disabled) return fail('STAFF_CREDENTIALS_INVALID');
  let factors = 'password';
  if (row.totp_secret !== null) {
    if (!options.otp) throw new AppError('STAFF_OTP_REQUIRED');
    const stored = { sealed: row.totp_secret, context: staffTotpContext(row.id), lastStep: row.totp_last_step };
    if (!(await acceptTotpCode(cipherOf(options), stored, options.otp, (expected, step) => setStaffTotpStep(k, row.id, expected, step)))) {
      await db.transaction((trx) => recordAudit(trx, { actor: staffActor(row, sourceIp), action: 'staff.sign-in-refused', subjects: [{ type: 'staff', id: row.username }], summary: 'right password, wrong or already used authenticator code' }));
      return fail('STAFF_OTP_INVALID');
    }
    factors = 'password and authenticator code';
  } else if (options.totp === 'required') {
    if (!enrol) throw new AppError('STAFF_TOTP_ENROLMENT_REQUIRED');
    return { enrolment: await startEnrolment(db, row, sourceIp, cipherOf(options)) };
  }
  await throttles?.account.reset(name);
  return openSession(db, row, sourceIp, options.replacing, `signed in (${factors})`);
}

async function startEnrolment(db: Database, row: StaffRow, sourceIp: string | null, cipher: DataCipher): Promise<StaffTotpEnrolment> {
  const k = db.as<IdentityTables>();
  const secret = newTotpSecret();
  const token = randomBytes(32).toString('base64url');
  const expiresAt = Temporal.Now.instant().add({ minutes: TOTP_ENROLMENT_MINUTES }).toString({ smallestUnit: 'millisecond' });
  await db.transaction(async (trx) => {
    // A second factor confirmed meanwhile (another tab) is not replaced: that sign-in asks for its code.
    if (!(await setStaffTotpPending(trx as typeof k, row.id, sealTotpSecret(cipher, secret, staffTotpContext(row.id)), tokenHash(token), expiresAt))) throw new AppError('STAFF_OTP_REQUIRED');
    await recordAudit(trx, { actor: staffActor(row, sourceIp), action: 'staff.totp-enrolment', subjects: [{ type: 'staff', id: row.username }], summary: `right password, no second factor: authenticator secret shown, to confirm within ${TOTP_ENROLMENT_MINUTES} minutes` });
  });
  return { ...totpEnrolment(secret, row.username), token, expiresAt };
}

/**
 * Confirms a second-factor enrolment with a code of the authenticator app the secret was added to:
 * the secret becomes the account's (each later sign-in needs a code) and a session opens, as
 * {@link signInOrEnrolStaff} opens one (`replacing` ends). The token confirms once. Audited:
 * `staff.totp-enrol` and `staff.sign-in` in one transaction. Errors: STAFF_TOTP_ENROLMENT_EXPIRED
 * (401; an unknown, used or expired token, counted against the address); STAFF_OTP_INVALID (401;
 * counted against the account and the address); RATE_LIMITED (429).
 */
export async function confirmStaffTotpEnrolment(db: Database, token: string, otp: string, sourceIp: string | null, options: Omit<StaffSignInOptions, 'otp' | 'totp'> = {}): Promise<StaffSession> {
  const k = db.as<IdentityTables>();
  const { throttles } = options;
  if (sourceIp) await throttles?.address.check(sourceIp);
  const hash = tokenHash(token);
  const row = await staffByEnrolmentToken(k, hash);
  if (!row || row.totp_pending === null || row.totp_secret !== null || row.disabled || (row.totp_pending_expires_at ?? '') <= nowUtc()) {
    if (sourceIp) await throttles?.address.fail(sourceIp);
    throw new AppError('STAFF_TOTP_ENROLMENT_EXPIRED');
  }
  await throttles?.account.check(row.username);
  const step = totpStepOf(openTotpSecret(cipherOf(options), row.totp_pending, staffTotpContext(row.id)), otp, null);
  if (step === undefined) {
    await throttles?.account.fail(row.username);
    if (sourceIp) await throttles?.address.fail(sourceIp);
    throw new AppError('STAFF_OTP_INVALID');
  }
  const session = await openSession(db, row, sourceIp, options.replacing, 'signed in (password and authenticator code, just enrolled)', async (trx) => {
    if (!(await confirmStaffTotpPending(trx as typeof k, row.id, hash, step))) throw new AppError('STAFF_TOTP_ENROLMENT_EXPIRED');
    await recordAudit(trx, { actor: staffActor(row, sourceIp), action: 'staff.totp-enrol', subjects: [{ type: 'staff', id: row.username }], summary: 'second factor (authenticator app) enrolled' });
  });
  await throttles?.account.reset(row.username);
  return session;
}

/**
 * A new session for `row`, in one transaction with `before` (further changes) and its audit entry;
 * `replacing`, a bearer token, ends in it.
 */
async function openSession(db: Database, row: StaffRow, sourceIp: string | null, replacing: string | undefined, summary: string, before?: (trx: Kysely<any>) => Promise<void>): Promise<StaffSession> {
  const k = db.as<IdentityTables>();
  const token = randomBytes(32).toString('base64url');
  const now = Temporal.Now.instant();
  const expiresAt = now.add({ hours: SESSION_HOURS }).toString({ smallestUnit: 'millisecond' });
  const createdAt = now.toString({ smallestUnit: 'millisecond' });
  const replaced = replacing === undefined ? undefined : tokenHash(replacing);
  await db.transaction(async (trx) => {
    await before?.(trx);
    const ended = replaced === undefined ? false : await revokeSession(trx as typeof k, replaced, createdAt);
    await insertSession(trx as typeof k, { token_hash: tokenHash(token), staff_id: row.id, created_at: createdAt, expires_at: expiresAt, revoked_at: null, source_ip: sourceIp });
    await recordAudit(trx, { actor: staffActor(row, sourceIp), action: 'staff.sign-in', subjects: [{ type: 'staff', id: row.username }], summary: ended ? `${summary}; the session the request came with ended` : summary });
  });
  if (replaced !== undefined) sessionCacheOf(db).forgetToken(replaced);
  return { token, expiresAt, staff: { username: row.username, displayName: row.display_name, role: row.role as StaffRole, unitCode: row.unit_code } };
}

/**
 * Removes an account's second factor (a lost or replaced phone; `motcua staff reset-totp`) and
 * ends its sessions (OWASP ASVS 5.0 §7.4.3). With `MOTCUA_STAFF_TOTP=required` the next sign-in
 * with the password enrols a new authenticator, so reset an account only once its holder is known
 * to be the one asking. Audited `staff.totp-reset`. Errors: STAFF_NOT_FOUND.
 */
export async function resetStaffTotp(db: Database, username: string, actor: AuditActor): Promise<void> {
  const k = db.as<IdentityTables>();
  const name = username.trim().toLowerCase();
  const staffId = await db.transaction(async (trx) => {
    const row = await staffByUsername(trx as typeof k, name);
    if (!row || !(await clearStaffTotp(trx as typeof k, row.username))) throw new AppError('STAFF_NOT_FOUND', { username: username.slice(0, 64) });
    await revokeAllSessions(trx as typeof k, row.id, nowUtc());
    await recordAudit(trx, { actor, action: 'staff.totp-reset', subjects: [{ type: 'staff', id: row.username }], summary: row.totp_secret === null ? 'no second factor to remove; pending enrolment cleared; sessions ended' : 'second factor removed (enrols again at the next sign-in); sessions ended' });
    return row.id;
  });
  sessionCacheOf(db).forgetStaff(staffId);
}

export async function signOutStaff(db: Database, token: string): Promise<void> {
  const hash = tokenHash(token);
  await revokeSession(db.as<IdentityTables>(), hash, nowUtc());
  sessionCacheOf(db).forgetToken(hash);
}

/** Options of {@link staffAuthProvider}. */
export interface StaffAuthOptions {
  /**
   * How long, in milliseconds, a session found live is trusted without asking the database again
   * (default {@link SESSION_CACHE_MS}; 0: every request asks). This is the staleness bound: a
   * session revoked, or an account disabled, by another app copy or in the database directly is
   * still accepted by this copy for at most this long. Revocations made through this process
   * (sign-out, password change) take effect at once.
   */
  cacheMs?: number;
  /** Most sessions remembered (default 10,000); the oldest is dropped first. */
  maxEntries?: number;
}

/** Default of {@link StaffAuthOptions.cacheMs}: one second (OWASP ASVS 3.3 asks revocation to take effect; a second is the price of not reading the session table on every request). */
export const SESSION_CACHE_MS = 1000;

interface CachedSession {
  principal: StaffPrincipal;
  /** Epoch milliseconds until which the entry is trusted (never past the session's expiry). */
  until: number;
}

/**
 * Live sessions of one database, by token hash, as this process last read them. Shared by the
 * auth provider and the functions that revoke sessions, so that a revocation made here is seen
 * at once; only revocations made elsewhere wait for an entry to age out.
 */
class SessionCache {
  private readonly entries = new Map<string, CachedSession>();

  get(hash: string, now: number): StaffPrincipal | undefined {
    const hit = this.entries.get(hash);
    if (hit === undefined) return undefined;
    if (hit.until > now) return hit.principal;
    this.entries.delete(hash);
    return undefined;
  }

  set(hash: string, entry: CachedSession, maxEntries: number): void {
    this.entries.delete(hash);
    while (this.entries.size >= maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(hash, entry);
  }

  forgetToken(hash: string): void {
    this.entries.delete(hash);
  }

  forgetStaff(staffId: number): void {
    for (const [hash, e] of this.entries) if (e.principal.id === staffId) this.entries.delete(hash);
  }
}

const sessionCaches = new WeakMap<Database, SessionCache>();
function sessionCacheOf(db: Database): SessionCache {
  let cache = sessionCaches.get(db);
  if (!cache) {
    cache = new SessionCache();
    sessionCaches.set(db, cache);
  }
  return cache;
}

/**
 * The AuthProvider for the HTTP layer: bearer token → staff principal, or undefined for a token
 * that is unknown, expired or revoked, or whose account is disabled. A live session is remembered
 * for `options.cacheMs` (see {@link StaffAuthOptions} for the staleness this allows); unknown
 * tokens are not remembered, so a new sign-in is usable at once.
 */
export function staffAuthProvider(db: Database, options: StaffAuthOptions = {}): { authenticate(token: string): Promise<StaffPrincipal | undefined> } {
  const k = db.as<IdentityTables>();
  const cacheMs = options.cacheMs ?? SESSION_CACHE_MS;
  const maxEntries = Math.max(1, options.maxEntries ?? 10_000);
  const cache = sessionCacheOf(db);
  return {
    async authenticate(token) {
      const hash = tokenHash(token);
      const started = Date.now();
      if (cacheMs > 0) {
        const hit = cache.get(hash, started);
        if (hit) return hit;
      }
      const row = await liveSession(k, hash, nowUtc());
      if (!row) return undefined;
      const principal = principalOf(row);
      if (cacheMs > 0) {
        const expires = Temporal.Instant.from(row.expires_at).epochMilliseconds;
        cache.set(hash, { principal, until: Math.min(started + cacheMs, expires) }, maxEntries);
      }
      return principal;
    },
  };
}

/** Sets a new password (NIST SP 800-63B rules) and ends the account's sessions. Errors: STAFF_PASSWORD_WEAK, STAFF_NOT_FOUND. */
export async function changeStaffPassword(db: Database, username: string, password: string, actor: AuditActor): Promise<void> {
  const weakness = passwordWeakness(password);
  if (weakness) throw new AppError('STAFF_PASSWORD_WEAK', { reason: weakness });
  const hash = await hashPassword(password);
  const k = db.as<IdentityTables>();
  await db.transaction(async (trx) => {
    const row = await staffByUsername(trx as typeof k, username.trim().toLowerCase());
    if (!row) throw new AppError('STAFF_NOT_FOUND', { username: username.slice(0, 64) });
    await setPassword(trx as typeof k, row.username, hash);
    await revokeAllSessions(trx as typeof k, row.id, nowUtc());
    await recordAudit(trx, { actor, action: 'staff.password', subjects: [{ type: 'staff', id: row.username }], summary: 'password changed; sessions ended' });
    return row.id;
  }).then((staffId) => sessionCacheOf(db).forgetStaff(staffId));
}

/**
 * Staff accounts (cán bộ): creation, sign-in and sessions. Sign-in answers the same error
 * whether the account is missing, disabled or the password wrong, and takes as long in each case.
 * A session is a random 256-bit bearer token valid {@link SESSION_HOURS} hours.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Temporal } from 'temporal-polyfill';
import { AppError } from '../platform/errors.js';
import { isIsoDate, nowUtc, todayInVietnam } from '../platform/dates.js';
import { recordAudit, type AuditActor } from '../platform/audit/audit.js';
import { STAFF_ROLES, type AuthProvider, type StaffPrincipal, type StaffRole } from '../platform/auth.js';
import type { Database } from '../platform/db/database.js';
import { Throttle } from '../platform/throttle.js';
import { dummyPasswordHash, hashPassword, passwordWeakness, verifyPassword } from './passwords.js';
import { ROLE_PERMISSIONS } from './roles.js';
import { insertSession, insertStaff, liveSession, revokeAllSessions, revokeSession, setPassword, staffByUsername, type IdentityTables, type StaffRow } from './store.js';

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
  return createHash('sha256').update(token).digest('hex');
}

export function principalOf(row: StaffRow): StaffPrincipal {
  const role = row.role as StaffRole;
  return { kind: 'staff', id: row.id, username: row.username, displayName: row.display_name, role, unitCode: row.unit_code, unitDate: row.unit_date, permissions: new Set(ROLE_PERMISSIONS[role] ?? []) };
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
 * Signs a staff member in. Errors: STAFF_CREDENTIALS_INVALID (401) for any wrong combination;
 * RATE_LIMITED (429) once an account or an address has failed too often (the same answer whether
 * or not the account exists).
 */
export async function signInStaff(db: Database, username: string, password: string, sourceIp: string | null, throttles?: SignInThrottles): Promise<StaffSession> {
  const k = db.as<IdentityTables>();
  const name = username.trim().toLowerCase();
  await throttles?.account.check(name);
  if (sourceIp) await throttles?.address.check(sourceIp);
  const row = await staffByUsername(k, name);
  const ok = await verifyPassword(row?.password_hash ?? (await dummyPasswordHash()), password);
  if (!row || !ok || row.disabled) {
    await throttles?.account.fail(name);
    if (sourceIp) await throttles?.address.fail(sourceIp);
    throw new AppError('STAFF_CREDENTIALS_INVALID');
  }
  await throttles?.account.reset(name);
  const token = randomBytes(32).toString('base64url');
  const now = Temporal.Now.instant();
  const expiresAt = now.add({ hours: SESSION_HOURS }).toString({ smallestUnit: 'millisecond' });
  await db.transaction(async (trx) => {
    await insertSession(trx as typeof k, { token_hash: tokenHash(token), staff_id: row.id, created_at: now.toString({ smallestUnit: 'millisecond' }), expires_at: expiresAt, revoked_at: null, source_ip: sourceIp });
    await recordAudit(trx, { actor: { kind: 'staff', id: row.username, unitCode: row.unit_code, sourceIp }, action: 'staff.sign-in', subjects: [{ type: 'staff', id: row.username }], summary: 'signed in' });
  });
  return { token, expiresAt, staff: { username: row.username, displayName: row.display_name, role: row.role as StaffRole, unitCode: row.unit_code } };
}

export async function signOutStaff(db: Database, token: string): Promise<void> {
  await revokeSession(db.as<IdentityTables>(), tokenHash(token), nowUtc());
}

/** The AuthProvider for the HTTP layer: bearer token → staff principal. */
export function staffAuthProvider(db: Database): AuthProvider {
  const k = db.as<IdentityTables>();
  return {
    async authenticate(token) {
      const row = await liveSession(k, tokenHash(token), nowUtc());
      return row ? principalOf(row) : undefined;
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
  });
}

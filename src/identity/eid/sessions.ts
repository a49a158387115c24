/**
 * Citizen sign-in with an e-ID account (đăng nhập tài khoản định danh điện tử): identification
 * number + password, and a TOTP code when the citizen turned the second factor on.
 *
 * - Passwords are Argon2id with the OWASP parameters of src/identity/passwords.ts; when the
 *   account does not exist a dummy hash is verified, so both cases take as long. A right password
 *   whose hash was made with other parameters is hashed again at the current ones, stored in the
 *   sign-in's transaction (OWASP Password Storage Cheat Sheet, "Upgrading the Work Factor").
 * - Any wrong combination — unknown number, wrong password, account not activated or revoked —
 *   answers the same 401 EID_CREDENTIALS_INVALID (DESIGN.md §5). A locked account is said to be
 *   locked only to someone who gave its right password.
 * - Failed sign-ins are limited per account with a progressive block (5 in 5 minutes, then 10 in
 *   an hour: a temporary lock) and per address (limits.ts); 429 RATE_LIMITED with Retry-After.
 * - Each sign-in re-reads the registry and locks the account automatically when its card
 *   expired or its holder died or number was cancelled (accounts.ts).
 * - A session is a random 256-bit bearer token prefixed `eid.` (so the HTTP layer can tell it
 *   from a staff token), stored only as its SHA-256, valid {@link EID_SESSION_HOURS} hours.
 *   With `MOTCUA_EID_SINGLE_DEVICE=on` (default) a new sign-in ends the sessions of other
 *   devices, as the national app allows one device at a time (domain.md §1.4).
 * - Every sign-in, failed attempt on an existing account and sign-out goes into the usage history.
 */
import { hash, randomBytes, randomUUID } from 'node:crypto';
import { CITIZEN_PERMISSIONS, type CitizenPrincipal } from '../../platform/auth.js';
import { nowUtc, vietnamDateOf } from '../../platform/dates.js';
import type { Database } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { registryFacts } from '../../population/index.js';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from '../passwords.js';
import { accountView, applyAutoLock, type AccountView } from './accounts.js';
import { lockReasonParams, type LockReason } from './model.js';
import type { EidService } from './service.js';
import { acceptTotp } from './totp.js';
import { insertSession, insertUsage, liveSession, liveSessionsOf, rehashPassword, revokeSessions, signInAccountOf, type AccountRow, type Db, type EidTables } from './store.js';

export const EID_SESSION_HOURS = 12;
export const EID_TOKEN_PREFIX = 'eid.';

/** True for a bearer token of a citizen session. */
export function isEidToken(token: string): boolean {
  return token.startsWith(EID_TOKEN_PREFIX);
}

function tokenHash(token: string): string {
  return hash('sha256', token, 'hex');
}

export interface SignIn {
  pin: string;
  password: string;
  /** 6-digit TOTP code, when the account has the second factor on. */
  otp?: string;
  /** A name for the device (shown in the session list); default: the User-Agent. */
  device?: string | null;
}

export interface SignInResult {
  token: string;
  sessionId: string;
  expiresAt: string;
  /** RFC 8176 authentication methods used: `pwd`, plus `otp` with a TOTP code. */
  amr: string[];
  /** Sessions of other devices ended by this sign-in (single-device mode). */
  endedSessions: number;
  account: AccountView;
}

/**
 * Checks a citizen's sign-in (number, password, TOTP code when on) under the sign-in limits,
 * without opening a session: the part of {@link signIn} the single sign-on (src/sso) shares, so
 * both count failures together. Answers the account, the factors used and the full name on the
 * account's application (read with the account). Errors: those of {@link signIn}.
 */
export async function checkSignIn(svc: EidService, input: SignIn, sourceIp: string | null): Promise<{ account: AccountRow; amr: string[]; applicantName: string | undefined }> {
  const { signInByAccount, signInByAddress } = svc.limits;
  if (sourceIp) await signInByAddress.check(sourceIp);
  await signInByAccount.check(input.pin);
  const device = input.device?.slice(0, 200) ?? null;
  const fail = async (accountId: number | undefined, error: AppError, what: string): Promise<never> => {
    if (accountId !== undefined) await insertUsage(svc.k, { account_id: accountId, at: nowUtc(), action: 'sign-in-failed', source_ip: sourceIp, device, session_id: null, detail: what });
    if (sourceIp) await signInByAddress.hit(sourceIp);
    await signInByAccount.hit(input.pin);
    throw error;
  };
  const found = await signInAccountOf(svc.k, input.pin);
  const account = found?.account;
  const ok = await verifyPassword(account?.password_hash ?? (await dummyPasswordHash()), input.password);
  if (!account || !account.password_hash || !ok || account.guardian_account_id !== null) return fail(account?.password_hash ? account.id : undefined, new AppError('EID_CREDENTIALS_INVALID'), 'wrong password');
  if (account.status === 'activation_pending') return fail(undefined, new AppError('EID_CREDENTIALS_INVALID'), 'not activated');
  const lockReason = await applyAutoLock(svc, account, await registryFacts(svc.db, account.pin), vietnamDateOf(nowUtc()));
  if (lockReason) {
    await insertUsage(svc.k, { account_id: account.id, at: nowUtc(), action: 'sign-in-refused', source_ip: sourceIp, device, session_id: null, detail: `account locked: ${lockReason}` });
    throw new AppError('EID_ACCOUNT_LOCKED', lockReasonParams(lockReason as LockReason), { extensions: { lockReason } });
  }
  const amr = ['pwd'];
  if (account.totp_secret) {
    if (!input.otp) throw new AppError('EID_OTP_REQUIRED');
    if (!(await acceptTotp(svc, account, input.otp))) return fail(account.id, new AppError('EID_OTP_INVALID'), 'wrong authenticator code');
    amr.push('otp');
  }
  await signInByAccount.reset(input.pin);
  return { account, amr, applicantName: found?.applicantName };
}

/**
 * Signs a citizen in: a new random session token every time, never one the client chose.
 * `replacing`, the citizen session the request came with, if any, ends in the same transaction
 * (revoke reason `signed-in-again`, a `session-ended` entry in its account's history), whoever it
 * belonged to (OWASP ASVS 5.0 §7.2.4: a sign-in, including a repeated one, renews the session and
 * ends the current one). A password hash made with other Argon2id parameters than the current ones
 * is replaced, in the same transaction, by a hash of the password just given at the current ones
 * (computed before the transaction opens, so no lock is held over Argon2). Errors:
 * EID_CREDENTIALS_INVALID (401, any wrong combination);
 * EID_OTP_REQUIRED (401, right password, the account needs a TOTP code; not counted as a failure);
 * EID_OTP_INVALID (401, wrong or replayed code; counted); EID_ACCOUNT_LOCKED (403, with the
 * reason: citizen_request, police, card_expired, deceased, number_cancelled); RATE_LIMITED (429).
 */
export async function signIn(svc: EidService, input: SignIn, sourceIp: string | null, replacing?: CitizenPrincipal): Promise<SignInResult> {
  const { account, amr, applicantName } = await checkSignIn(svc, input, sourceIp);
  const previousHash = account.password_hash!;
  const rehashed = needsRehash(previousHash) ? await hashPassword(input.password) : undefined;
  return openSession(svc, account, amr, { sourceIp, device: input.device ?? null, replacing, applicantName, rehash: rehashed ? { previousHash, rehashed } : undefined });
}

/**
 * Opens a session for an account whose holder has just proved who they are: by {@link signIn}, or
 * through the single sign-on (motcua's own citizen pages as a relying party, src/portal), where
 * `amr` are the factors the provider reported. `replacing` ends in the same transaction; with
 * single-device mode the sessions of other devices end too; the sign-in goes into the account's
 * usage history (`via` names the way, e.g. `single sign-on`). Answers the new token once.
 */
export async function openSession(
  svc: EidService,
  account: AccountRow,
  amr: string[],
  opts: { sourceIp: string | null; device: string | null; replacing?: CitizenPrincipal; applicantName?: string; rehash?: { previousHash: string; rehashed: string }; via?: string },
): Promise<SignInResult> {
  const { sourceIp, replacing, rehash } = opts;
  const device = opts.device?.slice(0, 200) ?? null;
  const token = `${EID_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const sessionId = randomUUID();
  // An instant plus a whole number of hours is exact in UTC milliseconds, and Date#toISOString
  // writes what Temporal.Instant#toString({smallestUnit: 'millisecond'}) does (see nowUtc), for a
  // tenth of the polyfill's time.
  const now = Date.now();
  const createdAt = new Date(now).toISOString();
  const expiresAt = new Date(now + EID_SESSION_HOURS * 3_600_000).toISOString();
  const ended = await svc.db.transaction(async (trx) => {
    const k = trx as unknown as Db;
    if (rehash) await rehashPassword(k, account.id, rehash.previousHash, rehash.rehashed, createdAt);
    if (replacing && (await revokeSessions(k, replacing.accountId, createdAt, 'signed-in-again', { only: replacing.sessionId })).length > 0) {
      await insertUsage(k, { account_id: replacing.accountId, at: createdAt, action: 'session-ended', source_ip: sourceIp, device, session_id: replacing.sessionId, detail: 'a new sign-in from the same device' });
    }
    const ended = svc.ctx.config.eidSingleDevice ? await revokeSessions(k, account.id, createdAt, 'signed-in-on-another-device') : [];
    await insertSession(k, { id: sessionId, token_hash: tokenHash(token), account_id: account.id, created_at: createdAt, expires_at: expiresAt, revoked_at: null, revoke_reason: null, source_ip: sourceIp, device, amr: JSON.stringify(amr) });
    await insertUsage(k, { account_id: account.id, at: createdAt, action: 'sign-in', source_ip: sourceIp, device, session_id: sessionId, detail: `${amr.join('+')}${opts.via ? ` via ${opts.via}` : ''}${ended.length > 0 ? `; ${ended.length} session(s) on other devices ended` : ''}` });
    return ended;
  });
  return { token, sessionId, expiresAt, amr, endedSessions: ended.length, account: await accountView(svc, account, svc.k, opts.applicantName) };
}

/** The principal of a citizen's bearer token, when its session is live and its account active. */
export function eidAuthProvider(db: Database): { authenticate(token: string): Promise<CitizenPrincipal | undefined> } {
  const k = db.as<EidTables>();
  return {
    async authenticate(token) {
      if (!isEidToken(token)) return undefined;
      const live = await liveSession(k, tokenHash(token), nowUtc());
      if (!live) return undefined;
      return {
        kind: 'citizen',
        accountId: live.account.id,
        pin: live.account.pin,
        level: live.account.level as 1 | 2,
        sessionId: live.session.id,
        amr: JSON.parse(live.session.amr) as string[],
        permissions: CITIZEN_PERMISSIONS,
      };
    },
  };
}

export interface SessionView {
  id: string;
  createdAt: string;
  expiresAt: string;
  sourceIp: string | null;
  device: string | null;
  amr: string[];
  /** The session making this request. */
  current: boolean;
}

/** The citizen's live sessions, newest first. */
export async function mySessions(svc: EidService, p: CitizenPrincipal): Promise<{ items: SessionView[]; total: number }> {
  const rows = await liveSessionsOf(svc.k, p.accountId, nowUtc());
  return { total: rows.length, items: rows.map((s) => ({ id: s.id, createdAt: s.created_at, expiresAt: s.expires_at, sourceIp: s.source_ip, device: s.device, amr: JSON.parse(s.amr) as string[], current: s.id === p.sessionId })) };
}

/** Ends one of the citizen's sessions (`current` or an id). Errors: EID_SESSION_NOT_FOUND (404). */
export async function endSession(svc: EidService, p: CitizenPrincipal, id: string, sourceIp: string | null): Promise<void> {
  const target = id === 'current' ? p.sessionId : id;
  const now = nowUtc();
  await svc.db.transaction(async (trx) => {
    const k = trx as unknown as Db;
    const ended = await revokeSessions(k, p.accountId, now, target === p.sessionId ? 'signed-out' : 'ended-by-citizen', { only: target });
    if (ended.length === 0) throw new AppError('EID_SESSION_NOT_FOUND', { id: target.slice(0, 64) });
    await insertUsage(k, { account_id: p.accountId, at: now, action: target === p.sessionId ? 'sign-out' : 'session-ended', source_ip: sourceIp, device: null, session_id: p.sessionId, detail: target === p.sessionId ? null : `session ${target}` });
  });
}

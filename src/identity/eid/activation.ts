/**
 * Activation of an approved e-ID account (kích hoạt tài khoản), as the national flow does it
 * (domain.md §1.4): the citizen gives the identification number and the phone number → a 6-digit
 * one-time code comes by SMS → the citizen enters it, sets a password (NIST SP 800-63B §5.1.1.2:
 * at least 8 characters, not a common one) and a 6-digit passcode → the account is active.
 * The same flow raises a level-1 account to level 2 after an approved level-2 application (no new
 * password needed) and re-activates an account whose phone number police changed.
 *
 * One-time codes (NIST SP 800-63B §5.1.3 out-of-band authenticators; OWASP ASVS 5.0 V6.6):
 * - 6 digits from `crypto.randomInt`, valid {@link CODE_TTL_MINUTES} minutes, one use;
 * - stored only as HMAC-SHA-256 under the data key with a random salt (src/platform/crypto.ts);
 * - at most {@link MAX_WRONG_TRIES} wrong tries per code, then it is dead (each try counted in one
 *   statement, so tries sent together to several app copies all count);
 * - a new code voids the previous ones; sends spaced 60 s and 5 an hour per number, 5 an hour per
 *   phone, 20 an hour per address; wrong codes limited per phone and per address across codes
 *   (limits.ts), so guessing from many addresses still hits the phone's limit.
 *
 * Asking for a code answers the same whether or not an account awaits activation for that number
 * and phone (nothing about the account leaks); only the phone's owner gets a code.
 */
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { Temporal } from 'temporal-polyfill';
import { recordAudit } from '../../platform/audit/audit.js';
import { nowUtc, vietnamDateOf } from '../../platform/dates.js';
import { AppError } from '../../platform/errors.js';
import { enqueueMessage } from '../../platform/jobs/index.js';
import { countIndicator } from '../../platform/rollups.js';
import { hashPassword, passwordWeakness } from '../passwords.js';
import { phoneOf } from './applications.js';
import { citizenActor, maskedPhone, type EidService } from './service.js';
import {
  applicationById,
  countCodeAttempt,
  insertAccountEvent,
  insertCode,
  insertStep,
  insertUsage,
  liveAccountOf,
  moveApplication,
  pendingApplicationOfAccount,
  recentCodes,
  revokeSessions,
  updateAccount,
  useCode,
  voidCodes,
  type AccountRow,
  type CodeRow,
  type Db,
} from './store.js';

export const CODE_TTL_MINUTES = 5;
export const MAX_WRONG_TRIES = 5;
export const RESEND_AFTER_SECONDS = 60;
const PURPOSE = 'activation';

/** The answer to a code request: the same whether or not a code was sent. */
export interface CodeRequestAnswer {
  accepted: true;
  phoneMasked: string;
  expiresInSeconds: number;
  resendAfterSeconds: number;
}

/**
 * NIST SP 800-63B §5.1.1.2 checks of a passcode too: 6 digits, not one digit repeated and not a
 * run up or down (000000, 123456, 987654 are the first guesses). Errors: EID_PASSCODE_WEAK.
 */
export function checkPasscode(passcode: string): void {
  if (!/^\d{6}$/.test(passcode)) throw new AppError('EID_PASSCODE_WEAK');
  const d = [...passcode].map(Number);
  const steps = d.slice(1).map((x, i) => x - d[i]!);
  if (steps.every((s) => s === 0) || steps.every((s) => s === 1) || steps.every((s) => s === -1)) throw new AppError('EID_PASSCODE_WEAK');
}

const WEAKNESS_WORDS = {
  too_short: { reason: 'shorter than 8 characters', reason_vi: 'ngắn hơn 8 ký tự' },
  too_long: { reason: 'longer than 128 characters', reason_vi: 'dài hơn 128 ký tự' },
  common: { reason: 'a common, easily guessed password', reason_vi: 'là mật khẩu phổ biến, dễ đoán' },
} as const;

/** Checks a new password by NIST SP 800-63B. Errors: EID_PASSWORD_WEAK {reason, reason_vi: the weakness in words}. */
export function checkPassword(password: string): void {
  const weakness = passwordWeakness(password);
  if (weakness) throw new AppError('EID_PASSWORD_WEAK', WEAKNESS_WORDS[weakness]);
}

/** The phone an activation code goes to, when the account awaits activation (new, upgrade or new phone). */
function activationPhone(a: AccountRow): string | null {
  if (a.status === 'activation_pending') return a.phone;
  if (a.status === 'active' && a.pending_level !== null) return a.pending_phone ?? a.phone;
  return null;
}

function codeHash(svc: EidService, salt: string, code: string): string {
  return svc.cipher.mac('eid.code', `${salt}:${code}`);
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Sends an activation code by SMS when an account awaits activation for this number and phone.
 * Answers the same either way. Errors: EID_PHONE_INVALID (400, the phone's form only);
 * RATE_LIMITED (429 with Retry-After).
 */
export async function requestActivationCode(svc: EidService, input: { pin: string; phone: string }, sourceIp: string | null): Promise<CodeRequestAnswer> {
  const phone = phoneOf(input.phone);
  const { codeSendByAccount, codeSendByPhone, codeSendByAddress } = svc.limits;
  const account = await liveAccountOf(svc.k, input.pin);
  // Resends are spaced per activation (an approval or a phone change starts a new one), keyed
  // the same way whether or not the account exists.
  const pending = account ? await pendingApplicationOfAccount(svc.k, account.id) : undefined;
  const activationKey = `${input.pin}|${pending?.id ?? account?.updated_at ?? ''}`;
  if (sourceIp) await codeSendByAddress.check(sourceIp);
  await codeSendByPhone.check(phone);
  await codeSendByAccount.check(activationKey);
  if (sourceIp) await codeSendByAddress.hit(sourceIp);
  await codeSendByPhone.hit(phone);
  await codeSendByAccount.hit(activationKey);
  const answer: CodeRequestAnswer = { accepted: true, phoneMasked: maskedPhone(phone)!, expiresInSeconds: CODE_TTL_MINUTES * 60, resendAfterSeconds: RESEND_AFTER_SECONDS };
  if (!account || activationPhone(account) !== phone) return answer;
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const salt = randomBytes(16).toString('base64url');
  const now = Temporal.Now.instant();
  const createdAt = now.toString({ smallestUnit: 'millisecond' });
  const expiresAt = now.add({ minutes: CODE_TTL_MINUTES }).toString({ smallestUnit: 'millisecond' });
  await svc.db.transaction(async (trx) => {
    const k = trx as unknown as Db;
    await voidCodes(k, account.id, PURPOSE, createdAt);
    const id = await insertCode(k, { account_id: account.id, purpose: PURPOSE, salt, code_hash: codeHash(svc, salt, code), created_at: createdAt, expires_at: expiresAt, attempts: 0, used_at: null, voided_at: null });
    await enqueueMessage(trx, {
      channel: 'sms',
      to: phone,
      kind: 'eid.otp',
      dedupeKey: `eid.otp:${id}`,
      expiresAt,
      text: `Mã kích hoạt tài khoản định danh điện tử của bạn là ${code}, hiệu lực ${CODE_TTL_MINUTES} phút. Không cung cấp mã này cho bất kỳ ai.`,
    });
    await insertUsage(k, { account_id: account.id, at: createdAt, action: 'activation-code-sent', source_ip: sourceIp, device: null, session_id: null, detail: `code sent to ${maskedPhone(phone)}` });
  });
  return answer;
}

export interface ActivationConfirm {
  pin: string;
  phone: string;
  code: string;
  /** Required when the account has no password yet (first activation). */
  password?: string;
  /** 6 digits; required with the password. */
  passcode?: string;
}

export interface ActivationResult {
  activated: true;
  level: 1 | 2;
  status: 'active';
  /** True when this activation set a (new) password. */
  passwordSet: boolean;
}

/**
 * Checks the code and activates. The password and passcode are checked before the code, so a
 * weak password never uses up a try. Errors: EID_PHONE_INVALID, EID_PASSWORD_WEAK, EID_PASSCODE_WEAK
 * (400); EID_CODE_INVALID (400: wrong code, or no account awaiting activation — the same answer);
 * EID_CODE_EXPIRED (400: past 5 minutes, or replaced by a newer code); EID_CODE_USED (409: a
 * replay); EID_CODE_ATTEMPTS_EXCEEDED (400); EID_PASSWORD_REQUIRED (400, after a right code, which
 * stays unused); RATE_LIMITED (429).
 */
export async function confirmActivation(svc: EidService, input: ActivationConfirm, sourceIp: string | null): Promise<ActivationResult> {
  const phone = phoneOf(input.phone);
  if (input.password !== undefined) checkPassword(input.password);
  if (input.passcode !== undefined) checkPasscode(input.passcode);
  const { codeFailByPhone, codeFailByAddress } = svc.limits;
  if (sourceIp) await codeFailByAddress.check(sourceIp);
  await codeFailByPhone.check(phone);
  const failed = async (error: AppError): Promise<never> => {
    if (sourceIp) await codeFailByAddress.hit(sourceIp);
    await codeFailByPhone.hit(phone);
    throw error;
  };
  const account = await liveAccountOf(svc.k, input.pin);
  const awaiting = account !== undefined && activationPhone(account) === phone;
  if (!account || (!awaiting && account.phone !== phone)) return failed(new AppError('EID_CODE_INVALID'));
  const now = nowUtc();
  const codes = await recentCodes(svc.k, account.id, PURPOSE);
  const matched = codes.find((c) => sameHash(c.code_hash, codeHash(svc, c.salt, input.code)));
  // A code replayed after the activation it served: said so, since whoever sends it knew the code.
  if (matched?.used_at) return failed(new AppError('EID_CODE_USED'));
  if (!awaiting) return failed(new AppError('EID_CODE_INVALID'));
  const live = codes.find((c) => c.used_at === null && c.voided_at === null && c.expires_at > now);
  if (!matched) {
    // Counted in one capped statement: wrong tries sent together, to one copy or several, all count.
    if (live && !(await countCodeAttempt(svc.k, live.id, MAX_WRONG_TRIES))) return failed(new AppError('EID_CODE_ATTEMPTS_EXCEEDED', { max: MAX_WRONG_TRIES }));
    return failed(new AppError('EID_CODE_INVALID'));
  }
  if (matched.voided_at !== null || matched.expires_at <= now) return failed(new AppError('EID_CODE_EXPIRED'));
  if (matched.attempts >= MAX_WRONG_TRIES) return failed(new AppError('EID_CODE_ATTEMPTS_EXCEEDED', { max: MAX_WRONG_TRIES }));
  const firstTime = account.password_hash === null;
  if (firstTime && (input.password === undefined || input.passcode === undefined)) throw new AppError('EID_PASSWORD_REQUIRED');
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : undefined;
  const passcodeHash = input.passcode !== undefined ? await hashPassword(input.passcode) : undefined;
  const result = await activate(svc, account, matched, { passwordHash, passcodeHash }, sourceIp);
  await codeFailByPhone.reset(phone);
  return result;
}

/**
 * Activates the approved account of `pin` without a one-time code, as of `at` (ISO-8601 UTC): for
 * trusted server-side callers that recorded the citizen's activation elsewhere — history loaded
 * after the fact, the demo data of `npm start` (src/app/demo-story.ts). Never reachable over HTTP.
 * The password and passcode come already hashed (`hashPassword`): the demo hashes one unknown
 * random password once for all its accounts (Argon2 per account would cost seconds per hundred),
 * so no demo citizen can sign in until the account is activated again with a code after a phone
 * change. Writes what {@link confirmActivation} writes (account, event, application step, the
 * `eid.activations` count on the Vietnam date of `at`, audit). Errors: EID_CODE_INVALID (400) when
 * no account of `pin` awaits activation.
 */
export async function activateRecorded(svc: EidService, input: { pin: string; passwordHash: string; passcodeHash: string }, options: { at: string }): Promise<ActivationResult> {
  const account = await liveAccountOf(svc.k, input.pin);
  if (!account || activationPhone(account) === null) throw new AppError('EID_CODE_INVALID');
  const firstTime = account.password_hash === null;
  return activate(svc, account, null, firstTime ? { passwordHash: input.passwordHash, passcodeHash: input.passcodeHash } : {}, null, options.at);
}

async function activate(svc: EidService, account: AccountRow, code: CodeRow | null, secrets: { passwordHash?: string; passcodeHash?: string }, sourceIp: string | null, at?: string): Promise<ActivationResult> {
  const now = at ?? nowUtc();
  const actor = citizenActor(account.id, sourceIp);
  const upgrade = account.status === 'active' && account.pending_level !== null;
  const level = (upgrade ? account.pending_level! : account.level) as 1 | 2;
  const application = await applicationById(svc.k, account.application_id);
  // The application this activation completes: the latest one approved for the account, still awaiting activation.
  const pendingApp = await pendingApplicationOfAccount(svc.k, account.id);
  await svc.db.transaction(async (trx) => {
    const k = trx as unknown as Db;
    if (code && !(await useCode(k, code.id, now, MAX_WRONG_TRIES))) {
      // Used meanwhile (a replay racing the first use), or killed meanwhile by wrong tries sent at the same time.
      const current = (await recentCodes(k, account.id, PURPOSE)).find((c) => c.id === code.id);
      throw current && current.used_at === null && current.attempts >= MAX_WRONG_TRIES ? new AppError('EID_CODE_ATTEMPTS_EXCEEDED', { max: MAX_WRONG_TRIES }) : new AppError('EID_CODE_USED');
    }
    const set: Partial<Omit<AccountRow, 'id'>> = { status: 'active', updated_at: now, activated_at: account.activated_at ?? now };
    if (secrets.passwordHash) set.password_hash = secrets.passwordHash;
    if (secrets.passcodeHash) set.passcode_hash = secrets.passcodeHash;
    if (upgrade) {
      Object.assign(set, { level, pending_level: null, pending_phone: null, phone: account.pending_phone ?? account.phone, application_id: pendingApp?.id ?? account.application_id });
      if (pendingApp) Object.assign(set, { unit_code: pendingApp.unit_code, unit_date: pendingApp.unit_date, scope_province: pendingApp.scope_province, scope_district: pendingApp.scope_district, scope_commune: pendingApp.scope_commune, email: pendingApp.email ?? account.email });
    }
    if (!(await updateAccount(k, account.id, set, account.status))) throw new AppError('EID_CODE_INVALID');
    await insertAccountEvent(k, { account_id: account.id, action: upgrade ? 'level-raised' : 'activated', at: now, actor_kind: actor.kind, actor_id: actor.id, reason: null, detail: upgrade ? `level ${account.level} → ${level}` : `level ${level}${secrets.passwordHash ? '; password and passcode set' : ''}` });
    if (secrets.passwordHash && account.password_hash !== null) {
      // A new password (after a phone change) ends every session made with the old one.
      await revokeSessions(k, account.id, now, 'password-changed');
    }
    if (pendingApp && (await moveApplication(k, pendingApp.id, 'activation_pending', { status: 'active', status_at: now }))) {
      await insertStep(k, { application_id: pendingApp.id, step: 'active', at: now, actor_kind: actor.kind, actor_id: actor.id, actor_unit: null, reason_code: null, note: code ? 'activated with the SMS code' : 'activation recorded after the fact' });
      await countIndicator(trx, { indicator: 'eid.activations', unitCode: pendingApp.unit_code, day: vietnamDateOf(now), dims: { level: String(pendingApp.level), channel: pendingApp.channel } });
    }
    await insertUsage(k, { account_id: account.id, at: now, action: upgrade ? 'level-raised' : 'activated', source_ip: sourceIp, device: null, session_id: null, detail: `level ${level}` });
    await recordAudit(trx, { actor, action: 'eid.activate', subjects: [{ type: 'citizen', id: account.pin }, { type: 'eid-account', id: String(account.id) }], summary: `account ${account.id} ${upgrade ? `raised to level ${level}` : `activated at level ${level}`}${application ? ` (application ${application.id})` : ''}` });
  });
  return { activated: true, level, status: 'active', passwordSet: secrets.passwordHash !== undefined };
}


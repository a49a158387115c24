/**
 * TOTP second factor for e-ID sign-in, on the shared TOTP code of src/identity/totp.ts (RFC 6238,
 * SHA-1, 6 digits, 30-second steps, one step of drift; a code accepted once). Optional for
 * citizens: once confirmed, every sign-in needs a code (NIST SP 800-63B §5.1.4.2 single-factor OTP
 * device as the second factor). The secret is sealed at rest under the data key (context
 * {@link totpContext}) and shown once, at enrolment, as base32 and as an `otpauth://` URI.
 */
import { recordAudit } from '../../platform/audit/audit.js';
import type { CitizenPrincipal } from '../../platform/auth.js';
import { nowUtc } from '../../platform/dates.js';
import { AppError } from '../../platform/errors.js';
import { maskPin } from '../../population/index.js';
import { acceptTotpCode, newTotpSecret, openTotpSecret, sealTotpSecret, totpEnrolment, totpStepOf, type TotpEnrolment } from '../totp.js';
import { citizenActor, type EidService } from './service.js';
import { accountById, insertAccountEvent, insertUsage, setTotpStep, totpContext, updateAccount, type AccountRow, type Db } from './store.js';

export { TOTP_ISSUER, type TotpEnrolment } from '../totp.js';

/** Checks a sign-in code and records its step (so it cannot be replayed); false when wrong or replayed. */
export async function acceptTotp(svc: EidService, account: AccountRow, otp: string): Promise<boolean> {
  if (!account.totp_secret) return false;
  // Compare-and-set on the last step: two sign-ins racing with one code, one wins.
  return acceptTotpCode(svc.cipher, { sealed: account.totp_secret, context: totpContext(account.id), lastStep: account.totp_last_step }, otp, (expected, step) => setTotpStep(svc.k, account.id, expected, step));
}

/** Starts enrolment: a new secret, pending until confirmed. Errors: EID_TOTP_ALREADY_ENABLED (409). */
export async function enrollTotp(svc: EidService, p: CitizenPrincipal): Promise<TotpEnrolment> {
  const account = await accountById(svc.k, p.accountId);
  if (!account) throw new AppError('UNAUTHENTICATED');
  if (account.totp_secret) throw new AppError('EID_TOTP_ALREADY_ENABLED');
  const secret = newTotpSecret();
  await updateAccount(svc.k, account.id, { totp_pending: sealTotpSecret(svc.cipher, secret, totpContext(account.id)), updated_at: nowUtc() });
  return totpEnrolment(secret, maskPin(account.pin));
}

/**
 * Confirms enrolment with a code from the app; from then on sign-in asks for one.
 * Errors: EID_TOTP_NOT_PENDING (409), EID_OTP_INVALID (401; counted with failed sign-ins).
 */
export async function confirmTotp(svc: EidService, p: CitizenPrincipal, otp: string, sourceIp: string | null): Promise<{ enabled: true }> {
  await svc.limits.signInByAccount.check(p.pin);
  const account = await accountById(svc.k, p.accountId);
  if (!account?.totp_pending) throw new AppError('EID_TOTP_NOT_PENDING');
  const step = totpStepOf(openTotpSecret(svc.cipher, account.totp_pending, totpContext(account.id)), otp, null);
  if (step === undefined) {
    await svc.limits.signInByAccount.hit(p.pin);
    throw new AppError('EID_OTP_INVALID');
  }
  const now = nowUtc();
  const actor = citizenActor(account.id, sourceIp);
  await svc.db.transaction(async (trx) => {
    const k = trx as unknown as Db;
    await updateAccount(k, account.id, { totp_secret: account.totp_pending, totp_pending: null, totp_last_step: step, updated_at: now });
    await insertAccountEvent(k, { account_id: account.id, action: 'totp-enabled', at: now, actor_kind: actor.kind, actor_id: actor.id, reason: null, detail: null });
    await insertUsage(k, { account_id: account.id, at: now, action: 'totp-enabled', source_ip: sourceIp, device: null, session_id: p.sessionId, detail: null });
    await recordAudit(trx, { actor, action: 'eid.totp-enable', subjects: [{ type: 'eid-account', id: String(account.id) }], summary: 'two-factor authentication turned on' });
  });
  return { enabled: true };
}

/** Turns the second factor off, proven by a current code. Errors: EID_TOTP_NOT_ENABLED (409), EID_OTP_INVALID (401). */
export async function disableTotp(svc: EidService, p: CitizenPrincipal, otp: string, sourceIp: string | null): Promise<{ enabled: false }> {
  await svc.limits.signInByAccount.check(p.pin);
  const account = await accountById(svc.k, p.accountId);
  if (!account?.totp_secret) throw new AppError('EID_TOTP_NOT_ENABLED');
  if (!(await acceptTotp(svc, account, otp))) {
    await svc.limits.signInByAccount.hit(p.pin);
    throw new AppError('EID_OTP_INVALID');
  }
  const now = nowUtc();
  const actor = citizenActor(account.id, sourceIp);
  await svc.db.transaction(async (trx) => {
    const k = trx as unknown as Db;
    await updateAccount(k, account.id, { totp_secret: null, totp_pending: null, totp_last_step: null, updated_at: now });
    await insertAccountEvent(k, { account_id: account.id, action: 'totp-disabled', at: now, actor_kind: actor.kind, actor_id: actor.id, reason: null, detail: null });
    await insertUsage(k, { account_id: account.id, at: now, action: 'totp-disabled', source_ip: sourceIp, device: null, session_id: p.sessionId, detail: null });
    await recordAudit(trx, { actor, action: 'eid.totp-disable', subjects: [{ type: 'eid-account', id: String(account.id) }], summary: 'two-factor authentication turned off' });
  });
  return { enabled: false };
}

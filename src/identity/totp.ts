/**
 * Time-based one-time passwords as a second factor (RFC 6238 over the RFC 4226 algorithm), shared
 * by staff sign-in (src/identity/staff.ts, required by default) and citizens' e-ID sign-in
 * (src/identity/eid/totp.ts, optional). The usual authenticator-app settings: SHA-1, 6 digits,
 * 30-second steps, one step of clock drift either way (RFC 6238 §5.2). Built on `otpauth`.
 *
 * - A secret is 160 random bits (RFC 4226 §4 R6), shown once, at enrolment, as base32 (RFC 4648)
 *   and as an `otpauth://` URI (Google Authenticator's Key Uri Format, for a QR code), and kept
 *   sealed at rest under the data key (src/platform/crypto.ts), bound to its row.
 * - A code is accepted once (RFC 6238 §5.2; NIST SP 800-63B §5.1.4.2): the last accepted time step
 *   is stored, a code of that step or an earlier one is refused, and the step is recorded by a
 *   compare-and-set so two sign-ins racing with one code cannot both win.
 */
import { Secret, TOTP } from 'otpauth';
import type { DataCipher } from '../platform/crypto.js';

/** The issuer authenticator apps show above the account name. */
export const TOTP_ISSUER = 'motcua';
/** Seconds a code lives (one time step). */
export const TOTP_PERIOD = 30;
const DIGITS = 6;
/** Steps of clock drift accepted either side of the current one. */
const WINDOW = 1;

/** What an authenticator app needs to add an account (shown once, at enrolment). */
export interface TotpEnrolment {
  /** Base32 secret (RFC 4648, 32 characters) to type into an authenticator app. */
  secret: string;
  /** `otpauth://totp/…` URI for a QR code (Key Uri Format). */
  uri: string;
  issuer: string;
  algorithm: 'SHA1';
  digits: 6;
  period: 30;
}

function totpOf(base32: string, label: string): TOTP {
  return new TOTP({ issuer: TOTP_ISSUER, label, algorithm: 'SHA1', digits: DIGITS, period: TOTP_PERIOD, secret: Secret.fromBase32(base32) });
}

/** A new secret, 160 random bits as base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The enrolment of `secret` for the account an authenticator app will call `label` (a username, a masked number). */
export function totpEnrolment(secret: string, label: string): TotpEnrolment {
  return { secret, uri: totpOf(secret, label).toString(), issuer: TOTP_ISSUER, algorithm: 'SHA1', digits: 6, period: 30 };
}

/** The time step (30-second interval since the Unix epoch) of the instant `nowMs` (epoch milliseconds). */
export function totpStepAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD);
}

/**
 * The time step `otp` belongs to when it is a right code of the base32 `secret` at `nowMs` (± one
 * step) and newer than `lastStep` (null: none used yet); undefined when wrong, malformed or replayed.
 */
export function totpStepOf(secret: string, otp: string, lastStep: number | null, nowMs = Date.now()): number | undefined {
  if (!/^\d{6}$/.test(otp)) return undefined;
  const delta = totpOf(secret, 'x').validate({ token: otp, timestamp: nowMs, window: WINDOW });
  if (delta === null) return undefined;
  const step = totpStepAt(nowMs) + delta;
  return lastStep !== null && step <= lastStep ? undefined : step;
}

/** Seals a base32 secret under the data key, bound to `context` (its table, row and purpose). */
export function sealTotpSecret(cipher: DataCipher, secret: string, context: string): string {
  return cipher.seal(Buffer.from(secret, 'utf8'), context);
}

/** Opens a secret sealed by {@link sealTotpSecret} with the same context; throws when altered or moved. */
export function openTotpSecret(cipher: DataCipher, sealed: string, context: string): string {
  return cipher.open(sealed, context).toString('utf8');
}

/** A stored second factor: the sealed secret, its context and the last step accepted. */
export interface StoredTotp {
  sealed: string;
  context: string;
  lastStep: number | null;
}

/**
 * Checks a sign-in code against a stored secret and records its step with `record(expected, step)`,
 * a compare-and-set of the stored last step (`expected` is the value read); false when the code is
 * wrong or replayed, or when another sign-in recorded a step first.
 */
export async function acceptTotpCode(cipher: DataCipher, stored: StoredTotp, otp: string, record: (expected: number | null, step: number) => Promise<boolean>, nowMs = Date.now()): Promise<boolean> {
  const step = totpStepOf(openTotpSecret(cipher, stored.sealed, stored.context), otp, stored.lastStep, nowMs);
  if (step === undefined) return false;
  return record(stored.lastStep, step);
}

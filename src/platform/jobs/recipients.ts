/**
 * Recipients of notifications: Vietnamese mobile numbers written as E.164 (ITU-T E.164,
 * country code 84) and e-mail addresses, plus the masked forms that logs, the outbox table and
 * the console sink show (DESIGN.md §5: personal data never appears in logs; Decree 13/2023/NĐ-CP).
 */
import { maskDigits } from '../logger.js';

/**
 * A Vietnamese mobile number (số thuê bao di động) in E.164: `+84` and 9 digits, the first
 * being 3, 5, 7, 8 or 9 (the 10-digit mobile numbering in force since the 11-digit numbers
 * were converted in 2018, Decision 798/QĐ-BTTTT). Accepts `0912 345 678`, `0912.345.678`, `(091) 234-5678`, `+84912345678`,
 * `84912345678` and `0084912345678`. Undefined for anything else (landlines, short codes,
 * foreign numbers): SMS go to Vietnamese mobiles only.
 */
export function toE164Phone(text: string): string | undefined {
  const s = text.replace(/[\s.\-()]/gu, '');
  const m = /^(?:\+84|0084|84|0)([35789]\d{8})$/.exec(s);
  return m ? `+84${m[1]}` : undefined;
}

const EMAIL_RE = /^[^\s@<>(),;:"\\]+@[^\s@<>(),;:"\\.]+(?:\.[^\s@<>(),;:"\\.]+)+$/u;

/**
 * An e-mail address as `local@domain` with the domain in lower case; undefined when it is not
 * one address of at most 254 characters (RFC 5321 §4.5.3.1.3) or holds characters that would
 * let it name several recipients or headers (commas, angle brackets, line breaks).
 */
export function normalizeEmail(text: string): string | undefined {
  const s = text.trim().normalize('NFC');
  if (s.length > 254 || !EMAIL_RE.test(s)) return undefined;
  const at = s.lastIndexOf('@');
  return `${s.slice(0, at)}@${s.slice(at + 1).toLowerCase()}`;
}

/** `+84912345678` → `*********678`: every digit but the last 3 hidden (the logger's masking). */
export function maskPhone(phone: string): string {
  return maskDigits(phone);
}

/** `nguyen.van.a@example.vn` → `n***@example.vn`: the domain stays, the mailbox is hidden. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${address[0]}***${address.slice(at)}`;
}

/** Masks every phone-like digit run and every e-mail address in free text (error messages). */
export function maskPersonalText(text: string): string {
  return maskDigits(text).replace(/[^\s@<>(),;:"']+@[^\s@<>(),;:"']+/gu, (m) => maskEmail(m));
}

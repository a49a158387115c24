/**
 * pino JSON logs that never hold personal data in clear (DESIGN.md §5; Decree 13/2023/NĐ-CP).
 * Request URLs have every run of 9–12 digits (personal identification numbers, old ID card
 * numbers, phone numbers) masked to their last 3 digits; headers that carry credentials or a
 * purpose note are removed; known personal fields anywhere in a logged object are censored.
 */
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';

/** Masks digit runs that may be identification or phone numbers: `001203004567` → `*********567`. */
export function maskDigits(text: string): string {
  return text.replace(/(?<!\d)(\+?84|0)?\d{8,11}(?!\d)/g, (m) => '*'.repeat(Math.max(0, m.length - 3)) + m.slice(-3));
}

/**
 * Masks, in free text written by people (a note), every run of 9 or more digits that may be an
 * identification or phone number, single spaces, dots, dashes or line breaks allowed between the
 * digits ("SĐT 0912 345 678", "CCCD 030.191.469.575", a number broken over two lines): the run
 * becomes `*` for each hidden digit and its last 3 digits (`0912345678` → `*******678`). Runs of
 * up to 8 digits (dates, amounts) stay.
 */
export function maskNumberRuns(text: string): string {
  return text.replace(/(?<!\d)\+?\d(?:[ .\n-]?\d){8,}(?!\d)/g, (m) => {
    const digits = m.replace(/\D/g, '');
    return '*'.repeat(digits.length - 3) + digits.slice(-3);
  });
}

const PERSONAL_KEYS = ['pin', 'phone', 'email', 'fullName', 'dateOfBirth', 'password', 'otp', 'passcode', 'token', 'idCardNumber'];

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: 'motcua' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          ...PERSONAL_KEYS,
          ...PERSONAL_KEYS.map((k) => `*.${k}`),
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-purpose-note"]',
          'res.headers["set-cookie"]',
        ],
        censor: '[redacted]',
      },
      serializers: {
        req(req: { id: string; method: string; url: string; ip?: string }) {
          return { id: req.id, method: req.method, url: maskDigits(req.url), ip: req.ip };
        },
        res(res: { statusCode: number }) {
          return { statusCode: res.statusCode };
        },
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
}

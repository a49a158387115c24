import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { loadConfig } from '../config.js';
import { maskEmail, maskPersonalText, maskPhone, normalizeEmail, toE164Phone } from './recipients.js';
import { createTransports, readSinkFile, sendTimeoutMs } from './transports.js';
import { retryDelayMs } from './outbox.js';

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('CONFIG_INVALID');
    return (e as AppError).localized('en');
  }
  throw new Error('no error');
}

describe('recipients', () => {
  it('writes Vietnamese mobile numbers as E.164 whatever the spacing or prefix', () => {
    for (const s of ['0912345678', '0912 345 678', '0912.345.678', '(091) 234-5678', '+84912345678', '+84 912 345 678', '84912345678', '0084912345678']) {
      expect(toE164Phone(s)).toBe('+84912345678');
    }
    expect(toE164Phone('0389 001 122')).toBe('+84389001122'); // Viettel 038
    expect(toE164Phone('0868123456')).toBe('+84868123456');
  });

  it('refuses landlines, old 11-digit mobiles, short codes and foreign numbers', () => {
    // 0220: Hải Dương landline area code; 0168…: an 11-digit number converted in 2018.
    for (const s of ['02203851234', '01689123456', '1900561599', '113', '+14155550123', '091234567', '09123456789', '', 'abc']) {
      expect(toE164Phone(s)).toBeUndefined();
    }
  });

  it('gives the same E.164 number for any way of writing a valid mobile number (property)', () => {
    const mobile = fc.tuple(fc.constantFrom('3', '5', '7', '8', '9'), fc.stringMatching(/^\d{8}$/)).map(([a, b]) => a + b);
    const separator = fc.constantFrom('', ' ', '.', '-');
    fc.assert(
      fc.property(mobile, fc.constantFrom('0', '+84', '84', '0084'), separator, (nine, prefix, sep) => {
        const written = `${prefix}${nine.slice(0, 2)}${sep}${nine.slice(2, 5)}${sep}${nine.slice(5)}`;
        expect(toE164Phone(written)).toBe(`+84${nine}`);
      }),
    );
  });

  it('normalises e-mail addresses and refuses ones that could name several recipients', () => {
    expect(normalizeEmail(' Nguyen.Van.A@HaiDuong.GOV.VN ')).toBe('Nguyen.Van.A@haiduong.gov.vn');
    for (const s of ['a@b', 'a b@example.vn', 'a@example.vn, b@example.vn', 'A <a@example.vn>', 'a@example.vn\r\nBcc: c@example.vn', `${'a'.repeat(250)}@example.vn`]) {
      expect(normalizeEmail(s)).toBeUndefined();
    }
  });

  it('masks phone numbers to their last 3 digits and mailboxes to their first letter', () => {
    expect(maskPhone('+84912345678')).toBe('*********678');
    expect(maskEmail('nguyen.van.a@haiduong.gov.vn')).toBe('n***@haiduong.gov.vn');
    expect(maskPersonalText('550 Mailbox <nguyen.van.a@haiduong.gov.vn> full; SMS to +84912345678 and 0912345678 refused')).toBe(
      '550 Mailbox <n***@haiduong.gov.vn> full; SMS to *********678 and *******678 refused',
    );
  });
});

describe('outbox configuration', () => {
  it('defaults to the console for SMS and e-mail, a worker in every copy, 12 attempts from 5 s, a 60 s lease', () => {
    expect(loadConfig({}).outbox).toEqual({ sms: { kind: 'console' }, email: { kind: 'console' }, worker: true, pollMs: 1000, leaseMs: 60_000, maxAttempts: 12, retryMs: 5000 });
  });

  it('uses a file sink for e-mail too when SMS go to a file, unless SMTP is configured', () => {
    expect(loadConfig({ MOTCUA_SMS_SINK: 'file:/tmp/motcua/messages.jsonl' }).outbox).toMatchObject({ sms: { kind: 'file', path: '/tmp/motcua/messages.jsonl' }, email: { kind: 'file', path: '/tmp/motcua/messages.jsonl' } });
    expect(loadConfig({ MOTCUA_SMS_SINK: 'file:/tmp/m.jsonl', MOTCUA_SMTP_URL: 'smtp://mail.haiduong.gov.vn:587', MOTCUA_MAIL_FROM: 'Cổng dịch vụ công <no-reply@haiduong.gov.vn>' }).outbox.email).toEqual({
      kind: 'smtp',
      url: 'smtp://mail.haiduong.gov.vn:587',
      from: 'Cổng dịch vụ công <no-reply@haiduong.gov.vn>',
    });
  });

  it('uses the HTTP gateway when its URL is set, and then needs a token', () => {
    expect(loadConfig({ MOTCUA_SMS_URL: 'https://sms.example.vn/v1/send', MOTCUA_SMS_TOKEN: 'abcdefgh12345678' }).outbox.sms).toEqual({ kind: 'http', url: 'https://sms.example.vn/v1/send', token: 'abcdefgh12345678' });
    // The token itself is never echoed.
    expect(configError({ MOTCUA_SMS_URL: 'https://sms.example.vn/v1/send', MOTCUA_SMS_TOKEN: 'short' })).toBe('Bad configuration: MOTCUA_SMS_TOKEN must be a bearer token of 8 or more visible ASCII characters (got "…").');
    expect(configError({ MOTCUA_SMS_SINK: 'http' })).toContain('MOTCUA_SMS_URL must be an absolute http(s) URL (MOTCUA_SMS_SINK is http)');
  });

  it('names the variable and the expected form for each bad value', () => {
    expect(configError({ MOTCUA_SMS_SINK: 'sms' })).toBe('Bad configuration: MOTCUA_SMS_SINK must be console, file:PATH or http (got "sms").');
    expect(configError({ MOTCUA_SMS_SINK: 'file:' })).toContain('MOTCUA_SMS_SINK must be file:PATH with a path');
    expect(configError({ MOTCUA_SMS_URL: 'ftp://sms.example.vn', MOTCUA_SMS_TOKEN: 'abcdefgh' })).toContain('MOTCUA_SMS_URL must be an absolute http(s) URL');
    expect(configError({ MOTCUA_SMTP_URL: 'http://mail.example.vn' })).toContain('MOTCUA_SMTP_URL must be smtp://user:password@host:port or smtps://…');
    expect(configError({ MOTCUA_SMTP_URL: 'smtp://mail.example.vn' })).toContain('MOTCUA_MAIL_FROM must be a sender, "Name <address@domain>" or address@domain');
    expect(configError({ MOTCUA_MAIL_SINK: 'smtp' })).toContain('MOTCUA_SMTP_URL must be');
    expect(configError({ MOTCUA_OUTBOX_LEASE_MS: '1000' })).toContain('MOTCUA_OUTBOX_LEASE_MS must be an integer from 3000 to 3600000');
    expect(configError({ MOTCUA_OUTBOX_MAX_ATTEMPTS: '0' })).toContain('MOTCUA_OUTBOX_MAX_ATTEMPTS must be an integer from 1 to 50');
    expect(configError({ MOTCUA_OUTBOX_WORKER: 'yes' })).toContain('MOTCUA_OUTBOX_WORKER must be one of on, off');
  });

  it('doubles the retry delay up to one hour and sends within a third of the lease', () => {
    expect([1, 2, 3, 4, 8].map((n) => retryDelayMs(5000, n))).toEqual([5000, 10_000, 20_000, 40_000, 640_000]);
    expect(retryDelayMs(5000, 20)).toBe(3_600_000);
    // The default 12 attempts span 5 s + 10 s + … + 2560 s + 3600 s (capped) = 8715 s.
    expect(Array.from({ length: 11 }, (_, i) => retryDelayMs(5000, i + 1)).reduce((a, b) => a + b, 0)).toBe(8_715_000);
    expect(sendTimeoutMs(60_000)).toBe(20_000);
    expect(sendTimeoutMs(3_600_000)).toBe(30_000);
  });
});

describe('console sink', () => {
  it('prints one line with the recipient masked and the text readable', async () => {
    let out = '';
    const stream = new Writable({
      write(chunk, _enc, cb) {
        out += String(chunk);
        cb();
      },
    });
    const t = createTransports(loadConfig({}), stream);
    await t.sms.send({ id: 12, channel: 'sms', kind: 'eid.otp', to: '+84912345678', subject: null, text: 'Mã xác thực của bạn là 482913.\nKhông chia sẻ mã này.' });
    await t.email.send({ id: 13, channel: 'email', kind: 'eid.activation-invite', to: 'nguyen.van.a@haiduong.gov.vn', subject: 'Kích hoạt tài khoản', text: 'Mời ông/bà kích hoạt tài khoản.' });
    expect(out).toBe(
      'motcua outbox #12 sms → *********678 (eid.otp): Mã xác thực của bạn là 482913. ⏎ Không chia sẻ mã này.\n' +
        'motcua outbox #13 email → n***@haiduong.gov.vn (eid.activation-invite) «Kích hoạt tài khoản»: Mời ông/bà kích hoạt tài khoản.\n',
    );
  });

  it('reads no lines from a file sink that was never written', () => {
    expect(readSinkFile('/nonexistent/motcua/messages.jsonl')).toEqual([]);
  });
});

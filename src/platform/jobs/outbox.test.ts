import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { SMTPServer } from 'smtp-server';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openContext, startBackgroundWork } from '../../app/app.js';
import { loadConfig } from '../config.js';
import { nowUtc } from '../dates.js';
import { Database } from '../db/database.js';
import { AppError } from '../errors.js';
import { createLogger } from '../logger.js';
import type { AppContext } from '../module.js';
import { forEachEngine, type TestDatabase } from '../testing/engines.js';
import {
  claimNextMessage,
  countPendingMessages,
  deliverDueMessages,
  enqueueMessage,
  messageState,
  outboxStats,
  startOutboxWorker,
  type OutboxMessage,
  type OutboxTables,
} from './outbox.js';
import { readSinkFile, type Deliverable, type Transports } from './transports.js';

const PHONE = '0912 345 678';
const E164 = '+84912345678';
const OTP_TEXT = 'Mã kích hoạt tài khoản định danh điện tử mức 2 của bạn là 482913, có hiệu lực trong 5 phút.';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-outbox-'));
}

function at(base: string, ms: number): string {
  return Temporal.Instant.from(base).add({ milliseconds: ms }).toString({ smallestUnit: 'millisecond' });
}

/** A log that keeps every line, to check that no text or full recipient is ever written. */
function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger({ logLevel: 'info' }, sink), text: () => lines.join('') };
}

/** Another app copy over the same database (its own connection or pool) with its own configuration. */
async function secondContext(t: TestDatabase, env: Record<string, string>, logger = createLogger({ logLevel: 'silent' })): Promise<AppContext> {
  const db = await Database.open(t.url, { searchPath: t.schema, poolMax: 4 });
  return { config: loadConfig({ DATABASE_URL: t.url, LOG_LEVEL: 'silent', ...env }), db, logger };
}

/** Transports that record what they were given; `fail(n)` answers the n-th attempt with an error. */
function recordingTransports(opts: { delayMs?: number; fail?: (m: Deliverable, attempt: number) => string | undefined } = {}) {
  const delivered: Deliverable[] = [];
  const attempts = new Map<number, number>();
  const send = async (m: Deliverable) => {
    const n = (attempts.get(m.id) ?? 0) + 1;
    attempts.set(m.id, n);
    if (opts.delayMs) await sleep(Math.floor(Math.random() * opts.delayMs));
    const why = opts.fail?.(m, n);
    if (why) throw new Error(why);
    delivered.push(m);
  };
  const transports: Transports = { sms: { send }, email: { send } };
  return { transports, delivered, attempts };
}

const otp = (n: number | string, extra: Partial<OutboxMessage> = {}): OutboxMessage => ({
  channel: 'sms',
  to: PHONE,
  text: OTP_TEXT,
  dedupeKey: `eid.otp:application-${n}`,
  kind: 'eid.otp',
  ...extra,
});

forEachEngine(
  'notification outbox',
  async (t) => {
    const dir = tempDir();
    const sinkFile = path.join(dir, 'messages.jsonl');
    const config = loadConfig({ DATABASE_URL: t.url, LOG_LEVEL: 'silent', MOTCUA_SMS_SINK: `file:${sinkFile}`, MOTCUA_OUTBOX_RETRY_MS: '1000', MOTCUA_OUTBOX_MAX_ATTEMPTS: '3' });
    const ctx = await openContext(config, { db: t.db, seed: false });
    return { ctx, sinkFile, dir };
  },
  (env, engine) => {
    const rows = () => env().ctx.db.as<OutboxTables>().selectFrom('outbox_messages').selectAll().orderBy('id').execute();
    beforeEach(async () => {
      await env().ctx.db.as<OutboxTables>().deleteFrom('outbox_messages').execute();
      fs.rmSync(env().sinkFile, { force: true });
    });

    describe('enqueue', () => {
      it('stores the phone as E.164 with a masked copy and the text in NFC, due at once', async () => {
        const before = nowUtc();
        const { id, duplicate } = await enqueueMessage(env().ctx.db.kysely, otp(1, { text: OTP_TEXT.normalize('NFD') }));
        expect(duplicate).toBe(false);
        const [row] = await rows();
        expect(row).toMatchObject({ id, kind: 'eid.otp', channel: 'sms', recipient: E164, recipient_masked: '*********678', body: OTP_TEXT, status: 'pending', subject: null });
        expect(Number(row!.attempts)).toBe(0);
        expect(row!.next_attempt_at >= before).toBe(true);
        expect(await countPendingMessages(env().ctx.db)).toBe(1);
        expect(await outboxStats(env().ctx.db)).toEqual({ pending: 1, sent: 0, failed: 0, oldestPendingAt: row!.created_at });
      });

      it('stores nothing when the caller rolls its transaction back, and the message when it commits', async () => {
        await expect(
          env().ctx.db.transaction(async (trx) => {
            await enqueueMessage(trx, otp('rolled-back'));
            throw new Error('the application could not be approved');
          }),
        ).rejects.toThrow('the application could not be approved');
        expect(await rows()).toHaveLength(0);
        const { id } = await env().ctx.db.transaction((trx) => enqueueMessage(trx, otp('committed')));
        expect((await rows()).map((r) => [Number(r.id), r.dedupe_key])).toEqual([[id, 'eid.otp:application-committed']]);
      });

      it('is idempotent by dedupe key, even for two transactions racing; the first content wins', async () => {
        const first = await enqueueMessage(env().ctx.db.kysely, otp(7));
        const again = await enqueueMessage(env().ctx.db.kysely, otp(7, { text: 'Một nội dung khác' }));
        expect(again).toEqual({ id: first.id, duplicate: true });
        // PostgreSQL: two pools, as two app copies. SQLite: app copies are separate processes; in one
        // process a second better-sqlite3 connection waiting for the write lock would block the
        // event loop that has to release it, so both transactions go through the one connection.
        const other = await secondContext(env().t, {});
        try {
          const raced = await Promise.all([
            env().ctx.db.transaction((trx) => enqueueMessage(trx, otp(8))),
            (engine === 'postgres' ? other.db : env().ctx.db).transaction((trx) => enqueueMessage(trx, otp(8))),
          ]);
          expect(raced.map((r) => r.duplicate).sort()).toEqual([false, true]);
          expect(raced[0]!.id).toBe(raced[1]!.id);
        } finally {
          await other.db.close();
        }
        const stored = await rows();
        expect(stored.map((r) => r.dedupe_key)).toEqual(['eid.otp:application-7', 'eid.otp:application-8']);
        expect(stored[0]!.body).toBe(OTP_TEXT);
        // A message already sent is not queued again either.
        await deliverDueMessages(env().ctx);
        expect(await enqueueMessage(env().ctx.db.kysely, otp(7))).toEqual({ id: first.id, duplicate: true });
        expect(await countPendingMessages(env().ctx.db)).toBe(0);
      });

      it('refuses a bad recipient with a masked echo, and malformed messages, storing nothing', async () => {
        const k = env().ctx.db.kysely;
        const codeOf = async (p: Promise<unknown>) => {
          try {
            await p;
          } catch (e) {
            expect(e).toBeInstanceOf(AppError);
            return [(e as AppError).code, (e as AppError).localized('en')];
          }
          throw new Error('accepted');
        };
        // A Hải Dương landline (0220) cannot receive an SMS.
        expect(await codeOf(enqueueMessage(k, otp(1, { to: '0220 3851 234' })))).toEqual(['OUTBOX_PHONE_INVALID', 'Cannot send an SMS to "********234": a Vietnamese mobile number is needed (0 and 9 digits, or +84…).']);
        expect(await codeOf(enqueueMessage(k, { channel: 'email', to: 'nguyen.van.a@', subject: 'Thông báo', text: 'x', dedupeKey: 'e1', kind: 'eid.activation-invite' }))).toEqual(['OUTBOX_EMAIL_INVALID', 'Cannot send an e-mail to "n***@": the address is not valid.']);
        expect((await codeOf(enqueueMessage(k, otp(1, { subject: 'Mã xác thực' }))))[0]).toBe('OUTBOX_MESSAGE_INVALID');
        expect((await codeOf(enqueueMessage(k, { channel: 'email', to: 'a@example.vn', text: 'x', dedupeKey: 'e2', kind: 'eid.activation-invite' })))[1]).toBe('Message of kind "eid.activation-invite" is not valid in field subject (1–300).');
        expect((await codeOf(enqueueMessage(k, otp(1, { text: '   ' }))))[1]).toBe('Message of kind "eid.otp" is not valid in field text (1–10000).');
        expect((await codeOf(enqueueMessage(k, otp(1, { kind: 'EID OTP' }))))[0]).toBe('OUTBOX_MESSAGE_INVALID');
        expect((await codeOf(enqueueMessage(k, otp(1, { dedupeKey: '' }))))[0]).toBe('OUTBOX_MESSAGE_INVALID');
        expect((await codeOf(enqueueMessage(k, otp(1, { expiresAt: '2025-13-01T00:00:00Z' }))))[0]).toBe('OUTBOX_MESSAGE_INVALID');
        expect(await rows()).toHaveLength(0);
      });
    });

    describe('delivery', () => {
      it('writes the message to the file sink once and erases text and recipient from the table', async () => {
        const { id } = await enqueueMessage(env().ctx.db.kysely, otp(1));
        expect(await deliverDueMessages(env().ctx)).toEqual({ sent: 1, failed: 0 });
        expect(await deliverDueMessages(env().ctx)).toEqual({ sent: 0, failed: 0 });
        const lines = readSinkFile(env().sinkFile);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatchObject({ id, channel: 'sms', kind: 'eid.otp', to: E164, subject: null, text: OTP_TEXT });
        expect(/\b(\d{6})\b/.exec(lines[0]!.text)?.[1]).toBe('482913');
        const [row] = await rows();
        expect(row).toMatchObject({ status: 'sent', body: null, recipient: null, subject: null, recipient_masked: '*********678', claimed_by: null, lease_until: null, last_error: null });
        expect(row!.sent_at).not.toBeNull();
        expect(await messageState(env().ctx.db, id)).toMatchObject({ status: 'sent', attempts: 1, hasText: false, recipientMasked: '*********678' });
        expect(await countPendingMessages(env().ctx.db)).toBe(0);
      });

      it('delivers each message exactly once while two app copies race over the same database', async () => {
        const n = 40;
        await env().ctx.db.transaction(async (trx) => {
          for (let i = 0; i < n; i++) await enqueueMessage(trx, otp(`race-${i}`, { to: `09123450${String(i).padStart(2, '0')}` }));
        });
        const a = recordingTransports({ delayMs: 15 });
        const b = recordingTransports({ delayMs: 15 });
        const other = await secondContext(env().t, {});
        try {
          const [ra, rb] = await Promise.all([
            deliverDueMessages(env().ctx, { transports: a.transports, concurrency: 4 }),
            deliverDueMessages(other, { transports: b.transports, concurrency: 4 }),
          ]);
          expect(ra.sent + rb.sent).toBe(n);
          expect(ra.failed + rb.failed).toBe(0);
          // Both copies took part (each claims one row at a time).
          expect(ra.sent).toBeGreaterThan(0);
          expect(rb.sent).toBeGreaterThan(0);
        } finally {
          await other.db.close();
        }
        const ids = [...a.delivered, ...b.delivered].map((m) => m.id);
        expect(new Set(ids).size).toBe(n);
        expect(ids).toHaveLength(n);
        expect([...a.delivered, ...b.delivered].map((m) => m.to).sort()[0]).toBe('+84912345000');
        const stored = await rows();
        expect(stored.every((r) => r.status === 'sent' && Number(r.attempts) === 1 && r.body === null)).toBe(true);
      });

      it('re-sends a message claimed by a copy that crashed only after its lease ends', async () => {
        const { id } = await enqueueMessage(env().ctx.db.kysely, otp('crash'));
        const t0 = nowUtc();
        const lease = env().ctx.config.outbox.leaseMs;
        // A copy claims the message and dies before sending it.
        const claimed = await claimNextMessage(env().ctx.db, 'crashed-copy', t0, lease);
        expect(claimed).toMatchObject({ id, claimed_by: 'crashed-copy', attempts: 1, lease_until: at(t0, lease) });
        expect(await claimNextMessage(env().ctx.db, 'another-copy', at(t0, 1000), lease)).toBeUndefined();
        const r = recordingTransports();
        expect(await deliverDueMessages(env().ctx, { transports: r.transports, now: at(t0, lease - 1) })).toEqual({ sent: 0, failed: 0 });
        expect(await deliverDueMessages(env().ctx, { transports: r.transports, now: at(t0, lease + 1) })).toEqual({ sent: 1, failed: 0 });
        expect(r.delivered.map((m) => [m.id, m.to, m.text])).toEqual([[id, E164, OTP_TEXT]]);
        expect(await messageState(env().ctx.db, id)).toMatchObject({ status: 'sent', attempts: 2 });
      });

      it('fails a message whose expiry passed without sending it', async () => {
        const t0 = nowUtc();
        const { id } = await enqueueMessage(env().ctx.db.kysely, otp('stale', { expiresAt: at(t0, 5 * 60_000) }));
        const r = recordingTransports();
        expect(await deliverDueMessages(env().ctx, { transports: r.transports, now: at(t0, 5 * 60_000 + 1) })).toEqual({ sent: 0, failed: 1 });
        expect(r.delivered).toHaveLength(0);
        expect(await messageState(env().ctx.db, id)).toMatchObject({ status: 'failed', lastError: 'expired before it could be sent', hasText: false });
      });

      it('retries with exponential backoff, then marks the message failed with the last error, never logging text or number', async () => {
        const log = capturedLogger();
        const ctx: AppContext = { ...env().ctx, logger: log.logger };
        const { id } = await enqueueMessage(ctx.db.kysely, otp('flaky'));
        const r = recordingTransports({ fail: (m) => `gateway refused ${m.to}: "${m.text}"` });
        const t0 = nowUtc();
        expect(await deliverDueMessages(ctx, { transports: r.transports, now: t0 })).toEqual({ sent: 0, failed: 1 });
        let state = await messageState(ctx.db, id);
        // Retry 1 after MOTCUA_OUTBOX_RETRY_MS = 1 s; the error keeps the number masked and the text out.
        expect(state).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: at(t0, 1000), lastError: 'gateway refused *********678: "[text]"', hasText: true });
        expect(await deliverDueMessages(ctx, { transports: r.transports, now: at(t0, 999) })).toEqual({ sent: 0, failed: 0 });
        expect(await deliverDueMessages(ctx, { transports: r.transports, now: at(t0, 1000) })).toEqual({ sent: 0, failed: 1 });
        // Retry 2 after 2 s.
        expect((await messageState(ctx.db, id))?.nextAttemptAt).toBe(at(t0, 3000));
        expect(await deliverDueMessages(ctx, { transports: r.transports, now: at(t0, 3000) })).toEqual({ sent: 0, failed: 1 });
        state = await messageState(ctx.db, id);
        expect(state).toMatchObject({ status: 'failed', attempts: 3, lastError: 'gateway refused *********678: "[text]"', hasText: false, sentAt: null });
        expect(state?.failedAt).not.toBeNull();
        expect((await rows())[0]).toMatchObject({ body: null, recipient: null });
        expect(await deliverDueMessages(ctx, { transports: r.transports, now: at(t0, 3_600_000) })).toEqual({ sent: 0, failed: 0 });
        const written = log.text();
        expect(written).toContain('outbox message failed for good');
        expect(written).toContain('*********678');
        expect(written).not.toMatch(/912345678|482913|kích hoạt/);
        expect(await outboxStats(ctx.db)).toEqual({ pending: 0, sent: 0, failed: 1, oldestPendingAt: null });
      });

      it('sends a message that failed once on the next attempt', async () => {
        const { id } = await enqueueMessage(env().ctx.db.kysely, otp('second-time'));
        const r = recordingTransports({ fail: (_m, n) => (n === 1 ? 'connection reset' : undefined) });
        const t0 = nowUtc();
        expect(await deliverDueMessages(env().ctx, { transports: r.transports, now: t0 })).toEqual({ sent: 0, failed: 1 });
        expect(await deliverDueMessages(env().ctx, { transports: r.transports, now: at(t0, 1000) })).toEqual({ sent: 1, failed: 0 });
        expect(await messageState(env().ctx.db, id)).toMatchObject({ status: 'sent', attempts: 2, lastError: null, hasText: false });
      });
    });

    describe('HTTP SMS gateway', () => {
      const gateway = Fastify();
      const requests: { headers: Record<string, unknown>; body: Record<string, unknown> }[] = [];
      let answers: number[] = [];
      let url = '';
      beforeAll(async () => {
        gateway.post('/sms', async (req, reply) => {
          requests.push({ headers: req.headers, body: req.body as Record<string, unknown> });
          const status = answers.shift() ?? 200;
          // A gateway that echoes the number and text in its error: none of it may be stored.
          return reply.code(status).send(status === 200 ? { accepted: true } : { error: `cannot deliver to ${(req.body as { to: string }).to}: ${(req.body as { text: string }).text}` });
        });
        await gateway.listen({ port: 0, host: '127.0.0.1' });
        url = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}/sms`;
      });
      afterAll(() => gateway.close());

      it('POSTs JSON with the bearer token and a stable idempotency key, retrying after a non-2xx answer', async () => {
        requests.length = 0;
        answers = [503, 200];
        const ctx = await secondContext(env().t, { MOTCUA_SMS_URL: url, MOTCUA_SMS_TOKEN: 'gateway-token-2025', MOTCUA_OUTBOX_RETRY_MS: '1000' });
        try {
          const { id } = await enqueueMessage(ctx.db.kysely, otp('gateway'));
          const t0 = nowUtc();
          expect(await deliverDueMessages(ctx, { now: t0 })).toEqual({ sent: 0, failed: 1 });
          expect(await messageState(ctx.db, id)).toMatchObject({ status: 'pending', lastError: 'SMS gateway answered HTTP 503', nextAttemptAt: at(t0, 1000) });
          expect(await deliverDueMessages(ctx, { now: at(t0, 1000) })).toEqual({ sent: 1, failed: 0 });
          expect(requests).toHaveLength(2);
          for (const r of requests) {
            expect(r.headers.authorization).toBe('Bearer gateway-token-2025');
            expect(r.headers['idempotency-key']).toBe(`motcua-outbox-${id}`);
            expect(r.body).toEqual({ id, idempotencyKey: `motcua-outbox-${id}`, to: E164, text: OTP_TEXT, kind: 'eid.otp' });
          }
          expect(await messageState(ctx.db, id)).toMatchObject({ status: 'sent', attempts: 2, hasText: false });
        } finally {
          await ctx.db.close();
        }
      });

      it('counts an unreachable gateway as a failed attempt', async () => {
        const closed = Fastify();
        await closed.listen({ port: 0, host: '127.0.0.1' });
        const deadUrl = `http://127.0.0.1:${(closed.server.address() as AddressInfo).port}/sms`;
        await closed.close();
        const ctx = await secondContext(env().t, { MOTCUA_SMS_URL: deadUrl, MOTCUA_SMS_TOKEN: 'gateway-token-2025', MOTCUA_OUTBOX_MAX_ATTEMPTS: '1' });
        try {
          const { id } = await enqueueMessage(ctx.db.kysely, otp('unreachable'));
          expect(await deliverDueMessages(ctx)).toEqual({ sent: 0, failed: 1 });
          expect(await messageState(ctx.db, id)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'SMS gateway unreachable: ECONNREFUSED', hasText: false });
        } finally {
          await ctx.db.close();
        }
      });
    });

    describe('SMTP', () => {
      const received: { from: string; to: string[]; raw: string }[] = [];
      const smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        onRcptTo(address, _session, cb) {
          if (address.address.startsWith('khong-ton-tai')) {
            const err = Object.assign(new Error(`Mailbox <${address.address}> unavailable`), { responseCode: 550 });
            return cb(err);
          }
          cb();
        },
        onData(stream, session, cb) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
            cb();
          });
        },
      });
      let smtpUrl = '';
      beforeAll(async () => {
        await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
        smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
      });
      afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

      /** The text part of a nodemailer message (quoted-printable or base64, UTF-8). */
      function bodyText(raw: string): string {
        const [head, ...rest] = raw.split('\r\n\r\n');
        const body = rest.join('\r\n\r\n');
        if (/Content-Transfer-Encoding: base64/i.test(head!)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8').trim();
        const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
        return Buffer.from(bytes, 'latin1').toString('utf8').trim();
      }

      it('sends an e-mail through SMTP with the configured sender, the subject and the Vietnamese text', async () => {
        received.length = 0;
        const ctx = await secondContext(env().t, { MOTCUA_SMTP_URL: smtpUrl, MOTCUA_MAIL_FROM: 'Cổng dịch vụ công Hải Dương <no-reply@haiduong.example.vn>', MOTCUA_PUBLIC_URL: 'https://dichvucong.haiduong.example.vn' });
        try {
          const text = 'Hồ sơ số H30.99-250303-0001 của ông/bà đã được tiếp nhận tại Xã Cẩm Hoàng.';
          const { id } = await enqueueMessage(ctx.db.kysely, { channel: 'email', to: 'Nguyen.Van.A@Example.VN', subject: 'Hồ sơ đã được tiếp nhận', text, dedupeKey: 'dossier.status:H30.99-250303-0001:received', kind: 'dossier.status' });
          expect(await deliverDueMessages(ctx)).toEqual({ sent: 1, failed: 0 });
          expect(received).toHaveLength(1);
          expect(received[0]!.from).toBe('no-reply@haiduong.example.vn');
          expect(received[0]!.to).toEqual(['Nguyen.Van.A@example.vn']);
          expect(received[0]!.raw).toContain(`Message-ID: <motcua-outbox-${id}@dichvucong.haiduong.example.vn>`);
          expect(received[0]!.raw).toMatch(/^Subject: =\?UTF-8\?/m);
          expect(received[0]!.raw).toContain('X-Motcua-Kind: dossier.status');
          expect(bodyText(received[0]!.raw)).toBe(text);
          expect(await messageState(ctx.db, id)).toMatchObject({ status: 'sent', recipientMasked: 'N***@example.vn', hasText: false });
        } finally {
          await ctx.db.close();
        }
      });

      it('records a rejected recipient as a failed attempt with the address masked', async () => {
        const ctx = await secondContext(env().t, { MOTCUA_SMTP_URL: smtpUrl, MOTCUA_MAIL_FROM: 'no-reply@haiduong.example.vn', MOTCUA_OUTBOX_MAX_ATTEMPTS: '1' });
        try {
          const { id } = await enqueueMessage(ctx.db.kysely, { channel: 'email', to: 'khong-ton-tai@example.vn', subject: 'Thông báo', text: 'Nội dung', dedupeKey: 'x1', kind: 'dossier.status' });
          expect(await deliverDueMessages(ctx)).toEqual({ sent: 0, failed: 1 });
          const state = await messageState(ctx.db, id);
          expect(state).toMatchObject({ status: 'failed' });
          expect(state?.lastError).toContain('550');
          expect(state?.lastError).toContain('k***@example.vn');
          expect(state?.lastError).not.toContain('khong-ton-tai');
        } finally {
          await ctx.db.close();
        }
      });
    });

    describe('worker loop', () => {
      it('delivers what is queued while it runs and stops cleanly; the serve wiring honours MOTCUA_OUTBOX_WORKER', async () => {
        const ctx = await secondContext(env().t, { MOTCUA_SMS_SINK: `file:${env().sinkFile}`, MOTCUA_OUTBOX_POLL_MS: '50' });
        try {
          const worker = startOutboxWorker(ctx);
          const { id } = await enqueueMessage(ctx.db.kysely, otp('loop'));
          await vi.waitFor(() => expect(readSinkFile(env().sinkFile).map((l) => l.id)).toEqual([id]), { timeout: 10_000, interval: 50 });
          await worker.stop();
          expect(await countPendingMessages(ctx.db)).toBe(0);

          const off = startBackgroundWork({ ...ctx, config: { ...ctx.config, outbox: { ...ctx.config.outbox, worker: false } } });
          await enqueueMessage(ctx.db.kysely, otp('not-delivered'));
          await sleep(300);
          await off.stop();
          expect(await countPendingMessages(ctx.db)).toBe(1);

          const on = startBackgroundWork(ctx);
          await vi.waitFor(async () => expect(await countPendingMessages(ctx.db)).toBe(0), { timeout: 10_000, interval: 50 });
          await on.stop();
          expect(readSinkFile(env().sinkFile)).toHaveLength(2);
        } finally {
          await ctx.db.close();
        }
      });

      it('logs a failing pass once and keeps polling until stopped', async () => {
        const log = capturedLogger();
        const ctx = await secondContext(env().t, { MOTCUA_OUTBOX_POLL_MS: '50' }, log.logger);
        const worker = startOutboxWorker(ctx);
        await ctx.db.close(); // every pass now fails
        await sleep(200);
        await worker.stop();
        expect(log.text().match(/outbox delivery pass failed/g)).toHaveLength(1);
      });
    });
  },
);

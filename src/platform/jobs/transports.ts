/**
 * Delivery adapters of the notification outbox, chosen by configuration
 * (`MOTCUA_SMS_SINK`, `MOTCUA_MAIL_SINK`, see src/platform/config.ts):
 *
 * - `console`: one line per message on standard error, the recipient masked, the text readable
 *   (a developer activating an account reads the code there). Development only.
 * - `file:PATH`: one JSON line per message appended to PATH ({@link SinkLine}); tests read it with
 *   {@link readSinkFile}. It holds full recipients and texts: development and tests only.
 * - `http` (SMS): POST of JSON `{id, idempotencyKey, to, text, kind}` to `MOTCUA_SMS_URL` with
 *   `Authorization: Bearer MOTCUA_SMS_TOKEN` (RFC 6750) and an `Idempotency-Key` header
 *   (IETF draft-ietf-httpapi-idempotency-key-header) equal to `motcua-outbox-<message id>`,
 *   the same on every attempt, so a gateway can drop the copy sent again after a crash. A 2xx
 *   answer is success; anything else, a timeout or a refused connection is a failed attempt
 *   (retried later by the outbox).
 * - `smtp` (e-mail): nodemailer over SMTP (RFC 5321), STARTTLS when the server offers it,
 *   with a `Message-ID` of `<motcua-outbox-<id>@host of MOTCUA_PUBLIC_URL>` so mail systems can
 *   recognise a repeated copy.
 *
 * A transport throws on failure; its error message must not contain the text (the outbox masks
 * phone numbers and addresses in it before storing or logging it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { lazyRequire } from '../lazy.js';

const nodemailer = lazyRequire<typeof import('nodemailer')>('nodemailer');
import type { Config, MailSink, SmsSink } from '../config.js';
import { maskEmail, maskPhone } from './recipients.js';

/** One message handed to a transport. `to` is E.164 for SMS, an address for e-mail. */
export interface Deliverable {
  id: number;
  channel: 'sms' | 'email';
  kind: string;
  to: string;
  subject: string | null;
  text: string;
}

export interface Transport {
  /** Delivers one message; resolves when the gateway or server accepted it, throws otherwise. */
  send(message: Deliverable): Promise<void>;
}

/** One line of a `file:PATH` sink. */
export interface SinkLine {
  id: number;
  channel: 'sms' | 'email';
  kind: string;
  to: string;
  subject: string | null;
  text: string;
  /** When the line was written, ISO-8601 UTC. */
  at: string;
}

/** The idempotency key sent with a message: stable across attempts of the same message. */
export function idempotencyKey(id: number): string {
  return `motcua-outbox-${id}`;
}

function consoleTransport(stream: NodeJS.WritableStream): Transport {
  return {
    async send(m) {
      const to = m.channel === 'sms' ? maskPhone(m.to) : maskEmail(m.to);
      const subject = m.subject ? ` «${m.subject}»` : '';
      // One line: the text's own line breaks are shown as ⏎.
      stream.write(`motcua outbox #${m.id} ${m.channel} → ${to} (${m.kind})${subject}: ${m.text.replace(/\r?\n/g, ' ⏎ ')}\n`);
    },
  };
}

function fileTransport(file: string): Transport {
  let dirReady = false;
  return {
    async send(m) {
      if (!dirReady) {
        await fs.promises.mkdir(path.dirname(path.resolve(file)), { recursive: true });
        dirReady = true;
      }
      const line: SinkLine = { id: m.id, channel: m.channel, kind: m.kind, to: m.to, subject: m.subject, text: m.text, at: new Date().toISOString() };
      // One write per line with O_APPEND: lines of several copies never interleave.
      await fs.promises.appendFile(file, `${JSON.stringify(line)}\n`, { encoding: 'utf8', mode: 0o600 });
    },
  };
}

/** Error of the HTTP SMS gateway: only the status or the network error code, never the answer body. */
export class GatewayError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'GatewayError';
  }
}

function httpSmsTransport(sink: Extract<SmsSink, { kind: 'http' }>, timeoutMs: number): Transport {
  return {
    async send(m) {
      let res: Response;
      try {
        res = await fetch(sink.url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${sink.token}`,
            'content-type': 'application/json; charset=utf-8',
            accept: 'application/json',
            'idempotency-key': idempotencyKey(m.id),
          },
          body: JSON.stringify({ id: m.id, idempotencyKey: idempotencyKey(m.id), to: m.to, text: m.text, kind: m.kind }),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'error',
        });
      } catch (e) {
        const err = e as Error & { cause?: { code?: string } };
        const why = err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err.cause?.code ?? err.name);
        throw new GatewayError(`SMS gateway unreachable: ${why}`);
      }
      // The body is read and dropped so the connection can be reused; it is never stored (it may echo the text).
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status > 299) throw new GatewayError(`SMS gateway answered HTTP ${res.status}`, res.status);
    },
  };
}

function smtpTransport(sink: Extract<MailSink, { kind: 'smtp' }>, timeoutMs: number, publicUrl: string): Transport {
  const transporter = nodemailer().createTransport({ url: sink.url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
  const host = new URL(publicUrl).hostname || 'motcua.invalid';
  return {
    async send(m) {
      await transporter.sendMail({
        from: sink.from,
        to: m.to,
        subject: m.subject ?? '',
        text: m.text,
        messageId: `<${idempotencyKey(m.id)}@${host}>`,
        headers: { 'X-Motcua-Kind': m.kind },
      });
    },
  };
}

export interface Transports {
  sms: Transport;
  email: Transport;
}

/**
 * The transports configured in `config.outbox`. Sending gives up after a third of the lease
 * (30 s at most), so an attempt always ends before another copy may claim the message.
 */
export function createTransports(config: Pick<Config, 'outbox' | 'publicUrl'>, stderr: NodeJS.WritableStream = process.stderr): Transports {
  const timeoutMs = sendTimeoutMs(config.outbox.leaseMs);
  const local = (sink: { kind: 'console' } | { kind: 'file'; path: string }): Transport => (sink.kind === 'console' ? consoleTransport(stderr) : fileTransport(sink.path));
  const { sms, email } = config.outbox;
  return {
    sms: sms.kind === 'http' ? httpSmsTransport(sms, timeoutMs) : local(sms),
    email: email.kind === 'smtp' ? smtpTransport(email, timeoutMs, config.publicUrl) : local(email),
  };
}

/** How long one delivery attempt may take: a third of the lease, 30 s at most. */
export function sendTimeoutMs(leaseMs: number): number {
  return Math.min(30_000, Math.floor(leaseMs / 3));
}

/**
 * The lines of a `file:PATH` sink, oldest first (empty when the file does not exist yet).
 * For tests and development: `readSinkFile(p).findLast((l) => l.to === '+84912345678')`.
 */
export function readSinkFile(file: string): SinkLine[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as SinkLine);
}

/**
 * The notification outbox (DESIGN.md §1: slow work goes through a table and a worker loop; a crash
 * never loses a job, a retry never sends twice). Modules queue SMS and e-mails with
 * {@link enqueueMessage} inside the transaction of the change they announce; a worker loop in
 * every app copy ({@link startOutboxWorker}) delivers them through the configured transport
 * (src/platform/jobs/transports.ts).
 *
 * Guarantees, on SQLite and PostgreSQL alike:
 * - **Transactional**: the message is a row written with the caller's transaction; a rolled-back
 *   change leaves no message, a committed one always has its message.
 * - **Idempotent enqueue**: `dedupeKey` is unique; queuing the same key again stores nothing and
 *   answers the first message's id with `duplicate: true` (the first message's content wins).
 * - **One delivery per message among copies**: a worker claims one row at a time with a lease
 *   (one `UPDATE … SET claimed_by, lease_until, attempts = attempts + 1 WHERE id = (due row) AND
 *   (lease_until IS NULL OR lease_until < now) RETURNING *`, the due row taken `FOR UPDATE SKIP
 *   LOCKED` on PostgreSQL; SQLite runs the statement under its write lock), sends it, and marks
 *   it sent. Two workers never hold the same row at the same time.
 * - **Crash between send and mark** (the process dies, or the database is lost right after the
 *   gateway accepted): the row stays claimed until `lease_until`, then another worker sends it
 *   again. Delivery is therefore exactly-once in the table and at-least-once at the gateway in
 *   this one case; the HTTP SMS request carries `Idempotency-Key: motcua-outbox-<id>` (the same on
 *   every attempt) and e-mails a `Message-ID` built from the id, so the gateway can drop the copy.
 *   Sending times out at a third of the lease, so a live worker always finishes before its lease ends.
 * - **Retries**: a failed attempt is retried after `MOTCUA_OUTBOX_RETRY_MS × 2^(attempt−1)`
 *   (one hour at most); after `MOTCUA_OUTBOX_MAX_ATTEMPTS` attempts (counted at claim, so a
 *   message that crashes its worker every time also ends) it is `failed` with the last error.
 *   A message whose `expiresAt` has passed is failed without being sent (a stale one-time code).
 * - **Data minimisation** (Decree 13/2023/NĐ-CP Art. 3): once sent or failed, the text, subject
 *   and full recipient are erased; kind, masked recipient, attempts, last error and timestamps
 *   stay. Logs and stored errors show only masked recipients, never the text.
 *
 * Timestamps are ISO-8601 UTC text with milliseconds, compared as text; the copies' clocks are
 * assumed in step to well under the lease (NTP).
 */
import { sql, type Generated, type Kysely, type Migration } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import { nowUtc } from '../dates.js';
import { runStatement, statementText, type Database, type StatementText } from '../db/database.js';
import { withIdColumn } from '../db/migrations.js';
import { AppError } from '../errors.js';
import type { AppContext } from '../module.js';
import { maskEmail, maskPersonalText, maskPhone, normalizeEmail, toE164Phone } from './recipients.js';
import { claimNextRow, newWorkerId, plusMs, retryDelayMs, startLoop } from './lease.js';
import { createTransports, type Transports } from './transports.js';

export { retryDelayMs };

export type Channel = 'sms' | 'email';

export interface OutboxMessage {
  channel: Channel;
  /** Phone (`+84…` or `0…`, stored as E.164 `+84…`) for `sms`; e-mail address for `email`. */
  to: string;
  /** E-mail only (at most 300 characters); an SMS with a subject is refused. */
  subject?: string;
  /** Already rendered Vietnamese text (stored in Unicode NFC), 1–10000 characters. */
  text: string;
  /** Unique key (1–200 characters): enqueuing the same key twice stores one message. */
  dedupeKey: string;
  /** What the message is, `module.event`: `eid.activation-invite`, `eid.otp`, `dossier.status`. */
  kind: string;
  /** ISO-8601 instant after which the message is no longer worth sending (e.g. a one-time code's expiry). */
  expiresAt?: string;
}

export type OutboxStatus = 'pending' | 'sent' | 'failed';

interface OutboxRow {
  id: Generated<number>;
  kind: string;
  channel: Channel;
  /** Full recipient (E.164 or address) until sent or failed, then null. */
  recipient: string | null;
  recipient_masked: string;
  subject: string | null;
  /** The text until sent or failed, then null. */
  body: string | null;
  dedupe_key: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  expires_at: string | null;
  claimed_by: string | null;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  failed_at: string | null;
}

export interface OutboxTables {
  outbox_messages: OutboxRow;
}

export const outboxMigrations: Record<string, Migration> = {
  '0010_platform_outbox': {
    async up(db: Kysely<any>) {
      await withIdColumn(db, db.schema.createTable('outbox_messages'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('sms', 'email')`))
        .addColumn('recipient', 'text')
        .addColumn('recipient_masked', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('body', 'text')
        .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'sent', 'failed')`))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('claimed_by', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .addColumn('failed_at', 'text')
        // A pending row keeps its text and recipient; a finished one has them erased.
        .addCheckConstraint('outbox_messages_erased', sql`(status = 'pending') = (body is not null and recipient is not null)`)
        .execute();
      // Only pending rows are ever searched for work: a partial index stays small however long the history.
      await db.schema.createIndex('outbox_messages_due').on('outbox_messages').columns(['next_attempt_at', 'id']).where(sql.ref('status'), '=', 'pending').execute();
    },
  },
};

const KIND_RE = /^[a-z0-9][a-z0-9._-]{0,99}$/;

function invalid(kind: string, field: string, limit: string): never {
  throw new AppError('OUTBOX_MESSAGE_INVALID', { kind: kind.slice(0, 100), field, limit });
}

/** Checks and normalises a message: E.164 phone or lower-case domain, NFC text. */
function prepare(msg: OutboxMessage): { recipient: string; masked: string; subject: string | null; text: string; expiresAt: string | null } {
  if (typeof msg.kind !== 'string' || !KIND_RE.test(msg.kind)) invalid(String(msg.kind), 'kind', 'a-z 0-9 . _ -, 1–100');
  if (typeof msg.dedupeKey !== 'string' || msg.dedupeKey.length < 1 || msg.dedupeKey.length > 200) invalid(msg.kind, 'dedupeKey', '1–200');
  const text = typeof msg.text === 'string' ? msg.text.normalize('NFC').trim() : '';
  if (text.length < 1 || text.length > 10_000) invalid(msg.kind, 'text', '1–10000');
  let subject: string | null = null;
  let recipient: string | undefined;
  let masked: string;
  if (msg.channel === 'sms') {
    if (msg.subject !== undefined) invalid(msg.kind, 'subject', 'email');
    recipient = toE164Phone(String(msg.to ?? ''));
    if (!recipient) throw new AppError('OUTBOX_PHONE_INVALID', { to: maskPhone(String(msg.to ?? '').replace(/[\s.\-()]/gu, '')) });
    masked = maskPhone(recipient);
  } else if (msg.channel === 'email') {
    subject = (msg.subject ?? '').normalize('NFC').replace(/\s+/gu, ' ').trim();
    if (subject.length < 1 || subject.length > 300) invalid(msg.kind, 'subject', '1–300');
    recipient = normalizeEmail(String(msg.to ?? ''));
    if (!recipient) throw new AppError('OUTBOX_EMAIL_INVALID', { to: maskEmail(String(msg.to ?? '')) });
    masked = maskEmail(recipient);
  } else {
    return invalid(msg.kind, 'channel', 'sms, email');
  }
  let expiresAt: string | null = null;
  if (msg.expiresAt !== undefined) {
    try {
      expiresAt = utcText(Temporal.Instant.from(msg.expiresAt));
    } catch {
      invalid(msg.kind, 'expiresAt', 'ISO-8601 instant');
    }
  }
  return { recipient, masked, subject, text, expiresAt };
}

function utcText(i: Temporal.Instant): string {
  return i.toString({ smallestUnit: 'millisecond' });
}

/**
 * Stores the message in the SAME transaction as the caller's write (`trx` is a Kysely
 * transaction, or the database for a message that announces nothing stored).
 * Returns the message id and `duplicate: true` when `dedupeKey` was already queued (nothing stored).
 * Errors: OUTBOX_PHONE_INVALID / OUTBOX_EMAIL_INVALID (400) for a bad recipient,
 * OUTBOX_MESSAGE_INVALID (500, a caller's bug) for a bad kind, key, text, subject or expiry.
 * These are thrown before any statement runs, so a caller may catch them (e.g. skip a bad phone
 * number) and go on with its transaction, on PostgreSQL too.
 */
export async function enqueueMessage(trx: Kysely<any>, msg: OutboxMessage): Promise<{ id: number; duplicate: boolean }> {
  const p = prepare(msg);
  const now = nowUtc();
  const [inserted] = await runStatement<{ id: number }>(trx, ENQUEUE, [msg.kind, msg.channel, p.recipient, p.masked, p.subject, p.text, msg.dedupeKey, now, p.expiresAt, now]);
  if (inserted) return { id: Number(inserted.id), duplicate: false };
  const [existing] = await runStatement<{ id: number }>(trx, QUEUED_ID, [msg.dedupeKey]);
  if (!existing) throw new Error(`outbox_messages: no row for dedupe key ${msg.dedupeKey}`);
  return { id: Number(existing.id), duplicate: true };
}

/**
 * Stores several messages in `trx` at once (one multi-row insert), as {@link enqueueMessage} does
 * each — for writes done together (src/platform/db/group-commit.ts). Returns, in order, each
 * message's id and whether its `dedupeKey` was already queued (or given twice here: the first one
 * is stored). With `skipBadRecipients`, a message whose recipient the outbox refuses is left out
 * (answered null) instead of failing them all. Errors: as {@link enqueueMessage}, thrown before
 * any statement runs.
 */
export async function enqueueMessages(
  trx: Kysely<any>,
  msgs: readonly OutboxMessage[],
  options: { skipBadRecipients?: boolean } = {},
): Promise<({ id: number; duplicate: boolean } | null)[]> {
  const prepared = msgs.map((msg) => {
    try {
      return prepare(msg);
    } catch (e) {
      if (options.skipBadRecipients && e instanceof AppError && (e.code === 'OUTBOX_PHONE_INVALID' || e.code === 'OUTBOX_EMAIL_INVALID')) return null;
      throw e;
    }
  });
  const now = nowUtc();
  const parameters: unknown[] = [];
  const keys: string[] = [];
  msgs.forEach((msg, i) => {
    const p = prepared[i];
    if (!p) return;
    parameters.push(msg.kind, msg.channel, p.recipient, p.masked, p.subject, p.text, msg.dedupeKey, now, p.expiresAt, now);
    keys.push(msg.dedupeKey);
  });
  const ids = new Map<string, number>();
  for (let i = 0; i < keys.length; i += ENQUEUE_MAX_ROWS) {
    const count = Math.min(ENQUEUE_MAX_ROWS, keys.length - i);
    const rows = await runStatement<{ id: number; dedupe_key: string }>(trx, enqueueText(count), parameters.slice(i * 10, (i + count) * 10));
    for (const r of rows) ids.set(r.dedupe_key, Number(r.id));
  }
  const fresh = new Set(ids.keys());
  const missing = [...new Set(keys.filter((k) => !ids.has(k)))];
  for (const key of missing) {
    const [existing] = await runStatement<{ id: number }>(trx, QUEUED_ID, [key]);
    if (!existing) throw new Error(`outbox_messages: no row for dedupe key ${key}`);
    ids.set(key, Number(existing.id));
  }
  return msgs.map((msg, i) => {
    if (!prepared[i]) return null;
    const duplicate = !fresh.has(msg.dedupeKey) || msgs.findIndex((m, j) => prepared[j] && m.dedupeKey === msg.dedupeKey) !== i;
    return { id: ids.get(msg.dedupeKey)!, duplicate };
  });
}

/** Rows a statement of {@link enqueueMessages} (10 parameters a row). */
const ENQUEUE_MAX_ROWS = 100;
const ENQUEUE_ROW = "(?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)";
const enqueueTexts = new Map<number, StatementText>();
function enqueueText(count: number): StatementText {
  let text = enqueueTexts.get(count);
  if (!text) {
    text = statementText(`${ENQUEUE_HEAD} values ${Array.from({ length: count }, () => ENQUEUE_ROW).join(', ')} on conflict ("dedupe_key") do nothing returning "id", "dedupe_key"`);
    enqueueTexts.set(count, text);
  }
  return text;
}

// Every status change of a dossier or an application queues messages: the texts are built once
// (src/platform/db/database.ts `statementText`).
const ENQUEUE_HEAD = 'insert into outbox_messages ("kind", "channel", "recipient", "recipient_masked", "subject", "body", "dedupe_key", "status", "attempts", "next_attempt_at", "expires_at", "created_at")';
const ENQUEUE = statementText(`${ENQUEUE_HEAD} values ${ENQUEUE_ROW} on conflict ("dedupe_key") do nothing returning "id"`);
const QUEUED_ID = statementText('select "id" from outbox_messages where "dedupe_key" = ?');

/** Messages waiting to be sent (due now or later, including those being retried): the queue depth for metrics. */
export async function countPendingMessages(db: Database | Kysely<any>): Promise<number> {
  const k = ('kysely' in db ? db.kysely : db) as Kysely<OutboxTables>;
  const r = await k.selectFrom('outbox_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
  return Number(r.n);
}

export interface OutboxStats {
  pending: number;
  sent: number;
  failed: number;
  /** When the oldest pending message was queued (ISO-8601 UTC), or null: the delivery lag for alerts. */
  oldestPendingAt: string | null;
}

/** Messages by status and the age of the queue (for `motcua outbox status` and metrics). */
export async function outboxStats(db: Database | Kysely<any>): Promise<OutboxStats> {
  const k = ('kysely' in db ? db.kysely : db) as Kysely<OutboxTables>;
  const [byStatus, oldest] = await Promise.all([
    k.selectFrom('outbox_messages').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute(),
    k.selectFrom('outbox_messages').select((eb) => eb.fn.min('created_at').as('at')).where('status', '=', 'pending').executeTakeFirst(),
  ]);
  const count = (s: OutboxStatus) => Number(byStatus.find((r) => r.status === s)?.n ?? 0);
  return { pending: count('pending'), sent: count('sent'), failed: count('failed'), oldestPendingAt: (oldest?.at as string | null | undefined) ?? null };
}

/** The stored state of one message (for tests, tools and support staff): no text, recipient masked. */
export interface OutboxMessageState {
  id: number;
  kind: string;
  channel: Channel;
  recipientMasked: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  failedAt: string | null;
  /** True while the text is still stored (pending messages only). */
  hasText: boolean;
}

/** The state of message `id`, or undefined. */
export async function messageState(db: Database | Kysely<any>, id: number): Promise<OutboxMessageState | undefined> {
  const k = ('kysely' in db ? db.kysely : db) as Kysely<OutboxTables>;
  const r = await k.selectFrom('outbox_messages').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) return undefined;
  return {
    id: Number(r.id),
    kind: r.kind,
    channel: r.channel,
    recipientMasked: r.recipient_masked,
    status: r.status,
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    failedAt: r.failed_at,
    hasText: r.body !== null,
  };
}

type ClaimedRow = Omit<OutboxRow, 'id'> & { id: number };

/**
 * Claims the next due message for `workerId` until `now + leaseMs`, counting one attempt; undefined
 * when nothing is due. Exported for the crash tests (a claim never followed by a send).
 */
export function claimNextMessage(db: Database, workerId: string, now: string, leaseMs: number): Promise<ClaimedRow | undefined> {
  return claimNextRow<ClaimedRow>(db, 'outbox_messages', workerId, now, leaseMs);
}

/** Erases what a finished message no longer needs. */
const ERASED = { body: null, subject: null, recipient: null, claimed_by: null, lease_until: null } as const;

/** An error message safe to store and log: phone numbers and addresses masked, the text removed, 500 characters at most. */
function safeError(err: unknown, row: ClaimedRow): string {
  let s = err instanceof Error ? err.message : String(err);
  if (row.body) s = s.split(row.body).join('[text]');
  if (row.recipient) s = s.split(row.recipient).join(row.recipient_masked);
  return maskPersonalText(s).replace(/\s+/g, ' ').slice(0, 500);
}

const transportsByContext = new WeakMap<AppContext, Transports>();

function transportsOf(ctx: AppContext): Transports {
  let t = transportsByContext.get(ctx);
  if (!t) {
    t = createTransports(ctx.config);
    transportsByContext.set(ctx, t);
  }
  return t;
}

const workerIds = new WeakMap<AppContext, string>();

export interface DeliverOptions {
  /** Most messages claimed in this pass (default 100). */
  limit?: number;
  /** Messages sent at the same time (default 4). */
  concurrency?: number;
  /** The current instant, ISO-8601 UTC (tests; default the clock). */
  now?: string;
  /** Transports to use instead of the configured ones (tests). */
  transports?: Transports;
}

/**
 * Delivers due messages once (used by the worker loop and by tests): claims them one by one,
 * sends each, and records the outcome. Returns how many were sent and how many attempts failed
 * in this pass (a failed attempt is retried later, or the message marked `failed` after the
 * last one). Database errors are thrown (the loop logs them and tries again later).
 */
export async function deliverDueMessages(ctx: AppContext, opts: DeliverOptions = {}): Promise<{ sent: number; failed: number }> {
  const { maxAttempts, retryMs, leaseMs } = ctx.config.outbox;
  const limit = opts.limit ?? 100;
  const transports = opts.transports ?? transportsOf(ctx);
  let workerId = workerIds.get(ctx);
  if (!workerId) {
    workerId = newWorkerId();
    workerIds.set(ctx, workerId);
  }
  const k = ctx.db.as<OutboxTables>();
  const clock = () => opts.now ?? nowUtc();
  let claimed = 0;
  let sent = 0;
  let failed = 0;

  const fail = async (row: ClaimedRow, error: string, final: boolean) => {
    const now = clock();
    failed++;
    // Only while this worker still holds the claim: a claim taken over after the lease ran out is the other worker's.
    const mine = k.updateTable('outbox_messages').where('id', '=', row.id).where('status', '=', 'pending').where('claimed_by', '=', workerId);
    if (final) {
      await mine.set({ ...ERASED, status: 'failed', failed_at: now, last_error: error }).execute();
      ctx.logger.error({ outboxId: row.id, kind: row.kind, channel: row.channel, to: row.recipient_masked, attempts: row.attempts, error }, 'outbox message failed for good');
    } else {
      const next = plusMs(now, retryDelayMs(retryMs, row.attempts));
      await mine.set({ claimed_by: null, lease_until: null, next_attempt_at: next, last_error: error }).execute();
      ctx.logger.warn({ outboxId: row.id, kind: row.kind, channel: row.channel, to: row.recipient_masked, attempts: row.attempts, nextAttemptAt: next, error }, 'outbox delivery failed; will retry');
    }
  };

  const one = async (row: ClaimedRow) => {
    if (row.expires_at !== null && row.expires_at <= clock()) return fail(row, 'expired before it could be sent', true);
    if (row.body === null || row.recipient === null) return fail(row, 'no text or recipient stored', true);
    try {
      const transport = row.channel === 'sms' ? transports.sms : transports.email;
      await transport.send({ id: row.id, channel: row.channel, kind: row.kind, to: row.recipient, subject: row.subject, text: row.body });
    } catch (err) {
      return fail(row, safeError(err, row), row.attempts >= maxAttempts);
    }
    sent++;
    // Marked even if the lease ran out meanwhile (then another worker may have sent it too: see above).
    await k.updateTable('outbox_messages').set({ ...ERASED, status: 'sent', sent_at: clock(), last_error: null }).where('id', '=', row.id).where('status', '=', 'pending').execute();
    ctx.logger.info({ outboxId: row.id, kind: row.kind, channel: row.channel, to: row.recipient_masked, attempts: row.attempts }, 'outbox message sent');
  };

  const lane = async () => {
    while (claimed < limit) {
      claimed++;
      const row = await claimNextMessage(ctx.db, workerId, clock(), leaseMs);
      if (!row) return;
      await one(row);
    }
  };
  // Every lane ends before the pass does (none keeps sending behind a failed one); then the first error is thrown.
  const outcomes = await Promise.allSettled(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, lane));
  const broken = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (broken) throw broken.reason;
  return { sent, failed };
}

/**
 * Starts the background delivery loop of this app copy: a pass of {@link deliverDueMessages}, then
 * at once another if the pass was full, else a pause of `MOTCUA_OUTBOX_POLL_MS`. A database outage
 * is logged once (and its end once) and retried at each poll. `stop()` waits for the pass in
 * progress to end (claimed messages are finished, not abandoned).
 */
export function startOutboxWorker(ctx: AppContext): { stop(): Promise<void> } {
  const limit = 100;
  const { sms, email } = ctx.config.outbox;
  ctx.logger.info({ smsSink: sms.kind, mailSink: email.kind }, 'outbox delivery started');
  if ((sms.kind === 'console' || email.kind === 'console') && ctx.config.publicUrl.startsWith('https:')) {
    ctx.logger.warn('outbox messages are printed on standard error (MOTCUA_SMS_SINK or MOTCUA_MAIL_SINK is console): set a gateway or SMTP server in production');
  }
  return startLoop(
    ctx.config.outbox.pollMs,
    async () => {
      const r = await deliverDueMessages(ctx, { limit });
      return r.sent + r.failed >= limit;
    },
    (err) => ctx.logger.error({ error: maskPersonalText((err as Error)?.message ?? String(err)) }, 'outbox delivery pass failed; retrying at each poll'),
    () => ctx.logger.info('outbox delivery works again'),
  );
}

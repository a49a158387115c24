/**
 * The audit log (nhật ký truy cập): one append-only, hash-chained record of every read of a
 * person's data and every change, used by every module (DESIGN.md §3, Decree 13/2023/NĐ-CP
 * Art. 27 and the Personal Data Protection Law 91/2025/QH15 on logging processing of personal data).
 *
 * Each entry stores who (actor kind, id and unit), when (UTC instant), from where (source address,
 * request id), what (action, the records it touched as `type:id` subjects), why (purpose code and
 * note) and a short summary of what was returned. Entry `n` carries `sha256(hash(n-1) ‖ entry n)`;
 * {@link verifyAuditChain} recomputes the chain and names the first entry that was altered or
 * removed. A single head row holds the last sequence number and hash: taking it for update
 * serialises writers on PostgreSQL (SQLite serialises writes anyway), so several app copies
 * extend one chain without forks.
 *
 * Write an entry inside the transaction of the change it describes (`recordAudit(trx, …)`), so a
 * crash never leaves a change without its entry or an entry without its change.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';
import { nowUtc } from '../dates.js';
import type { Database } from '../db/database.js';

export type ActorKind = 'staff' | 'citizen' | 'system' | 'cli';

export interface AuditActor {
  kind: ActorKind;
  /** Staff username, citizen account id, `cli:USER` or a system component name. */
  id: string;
  /** Administrative unit the actor acts for, when there is one. */
  unitCode?: string | null;
  /** Source IP address, when the action came over HTTP. */
  sourceIp?: string | null;
  requestId?: string | null;
}

export interface AuditEntryInput {
  actor: AuditActor;
  /** What was done, `module.verb`: `citizen.read`, `units.import`, … */
  action: string;
  /** Records touched, e.g. `[{type: 'citizen', id: '001203004567'}]`. */
  subjects?: { type: string; id: string }[];
  /** Purpose code from the purpose catalogue (required for reads of a person). */
  purposeCode?: string | null;
  purposeNote?: string | null;
  /** What was returned or changed, in short (no full records). */
  summary: string;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actorKind: ActorKind;
  actorId: string;
  actorUnit: string | null;
  sourceIp: string | null;
  requestId: string | null;
  action: string;
  subjects: string[];
  purposeCode: string | null;
  purposeNote: string | null;
  summary: string;
  prevHash: string;
  hash: string;
}

interface AuditTables {
  audit_log: {
    seq: number;
    at: string;
    actor_kind: string;
    actor_id: string;
    actor_unit: string | null;
    source_ip: string | null;
    request_id: string | null;
    action: string;
    subjects: string;
    purpose_code: string | null;
    purpose_note: string | null;
    summary: string;
    prev_hash: string;
    hash: string;
  };
  audit_subjects: { subject: string; seq: number };
  audit_head: { id: number; seq: number; hash: string };
}

const GENESIS = '0'.repeat(64);

export const auditMigrations: Record<string, Migration> = {
  '0001_platform_audit': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('actor_unit', 'text')
        .addColumn('source_ip', 'text')
        .addColumn('request_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subjects', 'text', (c) => c.notNull())
        .addColumn('purpose_code', 'text')
        .addColumn('purpose_note', 'text')
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_subjects')
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_subjects_pk', ['subject', 'seq'])
        .execute();
      await db.schema
        .createTable('audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.insertInto('audit_head').values({ id: 1, seq: 0, hash: GENESIS }).execute();
    },
  },
};

function entryHash(prevHash: string, e: Omit<AuditEntry, 'hash' | 'prevHash'>): string {
  const canonical = JSON.stringify([
    e.seq, e.at, e.actorKind, e.actorId, e.actorUnit, e.sourceIp, e.requestId, e.action,
    e.subjects, e.purposeCode, e.purposeNote, e.summary,
  ]);
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

/**
 * Appends one entry to the chain using `db` — pass the transaction of the change being audited.
 * Returns the new entry's sequence number. Must run inside a transaction (the head row is taken
 * for update and released at commit).
 */
export async function recordAudit(db: Kysely<any>, input: AuditEntryInput): Promise<number> {
  const k = db as Kysely<AuditTables>;
  // Take the head: the row lock (PostgreSQL) orders concurrent writers; SQLite holds the write lock.
  const head = await k
    .updateTable('audit_head')
    .set({ seq: sql`seq + 1` })
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  const subjects = (input.subjects ?? []).map((s) => `${s.type}:${s.id}`);
  const entry = {
    seq: Number(head.seq),
    at: nowUtc(),
    actorKind: input.actor.kind,
    actorId: input.actor.id,
    actorUnit: input.actor.unitCode ?? null,
    sourceIp: input.actor.sourceIp ?? null,
    requestId: input.actor.requestId ?? null,
    action: input.action,
    subjects,
    purposeCode: input.purposeCode ?? null,
    purposeNote: input.purposeNote ?? null,
    summary: input.summary,
  };
  const hash = entryHash(head.hash, entry);
  await k
    .insertInto('audit_log')
    .values({
      seq: entry.seq,
      at: entry.at,
      actor_kind: entry.actorKind,
      actor_id: entry.actorId,
      actor_unit: entry.actorUnit,
      source_ip: entry.sourceIp,
      request_id: entry.requestId,
      action: entry.action,
      subjects: JSON.stringify(subjects),
      purpose_code: entry.purposeCode,
      purpose_note: entry.purposeNote,
      summary: entry.summary,
      prev_hash: head.hash,
      hash,
    })
    .execute();
  if (subjects.length > 0) {
    await k.insertInto('audit_subjects').values([...new Set(subjects)].map((subject) => ({ subject, seq: entry.seq }))).execute();
  }
  await k.updateTable('audit_head').set({ hash }).where('id', '=', 1).execute();
  return entry.seq;
}

/** Appends one entry in a transaction of its own (for reads, which change nothing else). */
export function recordAuditNow(db: Database, input: AuditEntryInput): Promise<number> {
  return db.transaction((trx) => recordAudit(trx, input));
}

function toEntry(r: AuditTables['audit_log']): AuditEntry {
  return {
    seq: Number(r.seq),
    at: r.at,
    actorKind: r.actor_kind as ActorKind,
    actorId: r.actor_id,
    actorUnit: r.actor_unit,
    sourceIp: r.source_ip,
    requestId: r.request_id,
    action: r.action,
    subjects: JSON.parse(r.subjects) as string[],
    purposeCode: r.purpose_code,
    purposeNote: r.purpose_note,
    summary: r.summary,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export interface AuditVerification {
  ok: boolean;
  /** Entries checked. */
  checked: number;
  /** The first entry found altered, or the first sequence number found missing. */
  firstBad?: { seq: number; problem: 'altered' | 'missing' | 'head_mismatch' };
}

/**
 * Recomputes the whole chain in sequence order, in pages of `batch` entries.
 * `altered`: the entry's content or links do not match its hash; `missing`: a sequence number is
 * absent (an entry was deleted); `head_mismatch`: the last entries were removed (the head row
 * still names a later entry).
 */
export async function verifyAuditChain(db: Database, batch = 5000, onProgress?: (checked: number, total: number) => void): Promise<AuditVerification> {
  const k = db.as<AuditTables>();
  const head = await k.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  const total = Number(head.seq);
  let prev = GENESIS;
  let expected = 1;
  let checked = 0;
  for (;;) {
    const rows = await k.selectFrom('audit_log').selectAll().where('seq', '>=', expected).orderBy('seq').limit(batch).execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const e = toEntry(row);
      if (e.seq !== expected) return { ok: false, checked, firstBad: { seq: expected, problem: 'missing' } };
      const { hash: _h, prevHash, ...rest } = e;
      if (prevHash !== prev || entryHash(prev, rest) !== e.hash) return { ok: false, checked, firstBad: { seq: e.seq, problem: 'altered' } };
      prev = e.hash;
      expected++;
      checked++;
    }
    onProgress?.(checked, total);
  }
  if (checked !== total || prev !== head.hash) {
    return { ok: false, checked, firstBad: { seq: checked + 1, problem: checked < total ? 'missing' : 'head_mismatch' } };
  }
  return { ok: true, checked };
}

/** Entries that touched one subject (`type`, `id`), newest first: "who looked at my record". */
export async function auditEntriesFor(
  db: Database,
  subject: { type: string; id: string },
  page: { offset: number; limit: number },
): Promise<{ items: AuditEntry[]; total: number }> {
  const k = db.as<AuditTables>();
  const key = `${subject.type}:${subject.id}`;
  const [rows, count] = await Promise.all([
    k
      .selectFrom('audit_subjects as s')
      .innerJoin('audit_log as l', 'l.seq', 's.seq')
      .selectAll('l')
      .where('s.subject', '=', key)
      .orderBy('s.seq', 'desc')
      .offset(page.offset)
      .limit(page.limit)
      .execute(),
    k.selectFrom('audit_subjects').select((eb) => eb.fn.countAll<number>().as('n')).where('subject', '=', key).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toEntry), total: Number(count.n) };
}

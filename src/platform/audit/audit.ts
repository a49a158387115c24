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
 * Which entries touched a subject ("who looked at my record", {@link auditEntriesFor}) is indexed
 * after the fact, in sorted runs (src/platform/audit/subject-index.ts): the entry names its subjects
 * and is in every answer at once; its index row is written later, off the request path.
 *
 * Write an entry inside the transaction of the change it describes (`recordAudit(trx, …)`), so a
 * crash never leaves a change without its entry or an entry without its change. A read, which
 * changes nothing else, awaits `recordAuditNow(db, …)` before answering: concurrent reads share
 * one transaction (group commit, {@link AuditGroupCommit}), each still answered only once its own
 * entry is committed.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { sha256Hex } from '../crypto.js';
import { nowUtc } from '../dates.js';
import { insertRows, isPostgres, runStatement, statementText, type Database } from '../db/database.js';
import { GroupCommit } from '../db/group-commit.js';
import { subjectEntrySeqs, subjectIndexMigrations, subjectIndexOf } from './subject-index.js';

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
  /**
   * SQLite: one B-tree per audit table instead of two. A `bigint primary key` is not SQLite's
   * rowid (only `integer primary key` is, https://sqlite.org/lang_createtable.html#rowid), so each
   * entry was written twice — the row under a hidden rowid and `seq` in an index of its own — and
   * each subject twice too (the row and the primary-key index). `audit_log` now keys its rows by
   * `seq` itself and `audit_subjects` is a `WITHOUT ROWID` table ordered by its key. Measured on
   * the population-lookup benchmark (every read writes one entry and one subject): see
   * bench/population-lookup.bench.ts. The rows are copied as they are (hashes unchanged, the
   * chain verifies the same). PostgreSQL: nothing (its tables were already keyed so).
   */
  '0005_platform_audit_sqlite_keys': {
    async up(db: Kysely<any>) {
      if (isPostgres(db)) return;
      // SQLite migrations run outside a transaction (Kysely: no transactional DDL); this one is all or nothing.
      await db.transaction().execute(async (trx) => {
        await sql`create table audit_log_keyed (seq integer primary key, at text not null, actor_kind text not null, actor_id text not null, actor_unit text, source_ip text, request_id text, action text not null, subjects text not null, purpose_code text, purpose_note text, summary text not null, prev_hash text not null, hash text not null)`.execute(trx);
        await sql`insert into audit_log_keyed select seq, at, actor_kind, actor_id, actor_unit, source_ip, request_id, action, subjects, purpose_code, purpose_note, summary, prev_hash, hash from audit_log order by seq`.execute(trx);
        await sql`drop table audit_log`.execute(trx);
        await sql`alter table audit_log_keyed rename to audit_log`.execute(trx);
        await sql`create table audit_subjects_keyed (subject text not null, seq integer not null, primary key (subject, seq)) without rowid`.execute(trx);
        await sql`insert into audit_subjects_keyed select subject, seq from audit_subjects order by subject, seq`.execute(trx);
        await sql`drop table audit_subjects`.execute(trx);
        await sql`alter table audit_subjects_keyed rename to audit_subjects`.execute(trx);
      });
    },
  },
  ...subjectIndexMigrations,
};

function entryHash(prevHash: string, e: Omit<AuditEntry, 'hash' | 'prevHash'>): string {
  const canonical = JSON.stringify([
    e.seq, e.at, e.actorKind, e.actorId, e.actorUnit, e.sourceIp, e.requestId, e.action,
    e.subjects, e.purposeCode, e.purposeNote, e.summary,
  ]);
  return sha256Hex(`${prevHash}\n${canonical}`);
}

interface PendingEntry {
  input: AuditEntryInput;
  /** When the audited action happened (not when its entry was written). */
  at: string;
}

/**
 * Appends `entries`, in order, to the chain using `db` (a transaction): the head row is taken
 * once for all of them (`seq + n`), their hashes chained in order, the rows written in multi-row
 * inserts and the head's hash set once. Returns their sequence numbers.
 */
async function appendEntries(db: Kysely<any>, entries: readonly PendingEntry[]): Promise<{ seqs: number[]; subjectRows: number }> {
  // Take the head: the row lock (PostgreSQL) orders concurrent writers; SQLite holds the write lock.
  const [head] = await runStatement<{ seq: number; hash: string }>(db, TAKE_HEAD, [entries.length]);
  if (!head) throw new Error('audit_head row missing');
  let seq = Number(head.seq) - entries.length;
  let prev = head.hash;
  const rows: AuditTables['audit_log'][] = [];
  let subjectRows = 0;
  for (const { input, at } of entries) {
    seq++;
    const subjects = (input.subjects ?? []).map((s) => `${s.type}:${s.id}`);
    const entry = {
      seq,
      at,
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
    const hash = entryHash(prev, entry);
    rows.push({
      seq,
      at,
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
      prev_hash: prev,
      hash,
    });
    subjectRows += new Set(subjects).size;
    prev = hash;
  }
  // Statement text built once (reads write a few rows each, all the time); 14 parameters a row.
  await insertRows(db, 'audit_log', AUDIT_LOG_COLUMNS, rows, { perStatement: 100, types: { seq: 'bigint' }, rememberUpTo: 32 });
  await runStatement(db, SET_HEAD, [prev]);
  return { seqs: rows.map((r) => r.seq), subjectRows };
}

const TAKE_HEAD = statementText('update audit_head set seq = seq + ? where id = 1 returning seq, hash');
const SET_HEAD = statementText('update audit_head set hash = ? where id = 1');
const AUDIT_LOG_COLUMNS = [
  'seq', 'at', 'actor_kind', 'actor_id', 'actor_unit', 'source_ip', 'request_id', 'action', 'subjects', 'purpose_code', 'purpose_note', 'summary', 'prev_hash', 'hash',
] as const satisfies readonly (keyof AuditTables['audit_log'])[];

/**
 * Appends one entry to the chain using `db` — pass the transaction of the change being audited.
 * Returns the new entry's sequence number. Must run inside a transaction (the head row is taken
 * for update and released at commit).
 */
export async function recordAudit(db: Kysely<any>, input: AuditEntryInput): Promise<number> {
  const { seqs } = await appendEntries(db, [{ input, at: nowUtc() }]);
  return seqs[0]!;
}

/**
 * Appends several entries, in order, as {@link recordAudit} does one — with one take of the head
 * and multi-row inserts (for writes done together, src/platform/db/group-commit.ts). Returns their
 * sequence numbers in order. Must run inside the transaction of the changes they describe.
 */
export async function recordAudits(db: Kysely<any>, inputs: readonly AuditEntryInput[]): Promise<number[]> {
  if (inputs.length === 0) return [];
  const at = nowUtc();
  return (await appendEntries(db, inputs.map((input) => ({ input, at })))).seqs;
}

/** Options of {@link AuditGroupCommit}. */
export interface AuditGroupCommitOptions {
  /** Most entries written by one transaction (default 200); more wait for the next one. */
  maxBatch?: number;
}

/**
 * Group commit of audit entries that change nothing else (reads): entries recorded by concurrent
 * requests of this process are written together, in the order they were recorded, by one
 * transaction — one head-row update, multi-row inserts, one commit — instead of one transaction
 * each, through the platform's {@link GroupCommit} (src/platform/db/group-commit.ts): each
 * caller's promise settles only when its own entry is committed (resolving to its sequence
 * number) or has failed, so an answer given after awaiting it is always audited; nothing is
 * fire-and-forget; a batch that fails for another reason than the database being unreachable is
 * retried entry by entry, so one bad entry fails only its own caller. The chain stays one chain:
 * the head row is taken once per batch (its row lock orders app copies on PostgreSQL; SQLite
 * serialises writers) and the entries are hashed in order.
 */
export class AuditGroupCommit {
  private readonly group: GroupCommit<PendingEntry, number>;

  constructor(db: Database, options: AuditGroupCommitOptions = {}) {
    const index = subjectIndexOf(db);
    this.group = new GroupCommit(
      db,
      async (trx, entries) => {
        const { seqs, subjectRows } = await appendEntries(trx, entries);
        index.noteAppended(subjectRows);
        return seqs;
      },
      { maxBatch: options.maxBatch ?? 200 },
    );
  }

  /** Transactions written and entries committed so far (writes ÷ batches: the mean batch). */
  get stats(): { batches: number; writes: number } {
    return this.group.stats;
  }

  /** Queues one entry; resolves to its sequence number once committed. */
  record(input: AuditEntryInput): Promise<number> {
    return this.group.run({ input, at: nowUtc() });
  }
}

const groupCommits = new WeakMap<Database, AuditGroupCommit>();

/**
 * Appends one entry in a transaction of its own (for reads, which change nothing else), shared
 * with the entries other requests of this process record at the same moment
 * ({@link AuditGroupCommit}). Resolves to the entry's sequence number once it is committed;
 * rejects when it could not be written — the caller must then not answer as if audited.
 */
export function recordAuditNow(db: Database, input: AuditEntryInput): Promise<number> {
  return groupCommitOf(db).record(input);
}

/** The group commit {@link recordAuditNow} uses for `db` in this process (for its statistics). */
export function groupCommitOf(db: Database): AuditGroupCommit {
  let group = groupCommits.get(db);
  if (!group) {
    group = new AuditGroupCommit(db);
    groupCommits.set(db, group);
  }
  return group;
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

/**
 * Entries that touched one subject (`type`, `id`), newest first: "who looked at my record".
 * `upTo` (a sequence number) keeps a paged reading to one snapshot: entries written after it —
 * by other readers, or the reading of this list itself when it is audited — do not shift the
 * pages. Answers the page, the total up to `upTo`, and `upTo` itself: as given, else the newest
 * entry of the subject (0 when there is none), to pass with the next pages.
 */
export async function auditEntriesFor(
  db: Database,
  subject: { type: string; id: string },
  page: { offset: number; limit: number },
  upTo?: number,
): Promise<{ items: AuditEntry[]; total: number; upTo: number }> {
  const k = db.as<AuditTables>();
  const { seqs, total, newest } = await subjectEntrySeqs(db.kysely, `${subject.type}:${subject.id}`, page, upTo);
  const rows = seqs.length === 0 ? [] : await k.selectFrom('audit_log').selectAll().where('seq', 'in', seqs).orderBy('seq', 'desc').execute();
  return { items: rows.map(toEntry), total, upTo: upTo ?? newest };
}

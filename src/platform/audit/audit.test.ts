import { createHash } from 'node:crypto';
import { expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { forEachEngine } from '../testing/engines.js';
import { migrateToLatest } from '../db/migrations.js';
import type { Database } from '../db/database.js';
import { AuditGroupCommit, auditEntriesFor, auditMigrations, recordAudit, recordAuditNow, verifyAuditChain } from './audit.js';

const officer = { kind: 'staff' as const, id: 'canbo.camhoang', unitCode: '10897', sourceIp: '10.0.0.7', requestId: 'req-00000001' };

forEachEngine(
  'audit log',
  async (t) => {
    await migrateToLatest(t.db, auditMigrations);
    return {};
  },
  (env) => {
    it('chains entries and verifies them', async () => {
      const { db } = env().t;
      const s1 = await recordAuditNow(db, { actor: officer, action: 'citizen.read', subjects: [{ type: 'citizen', id: '030095001234' }], purposeCode: 'DOSSIER_PROCESSING', purposeNote: 'Hồ sơ 000.00.01.H23-230228-0001', summary: 'record shown' });
      const s2 = await recordAuditNow(db, { actor: officer, action: 'citizen.read', subjects: [{ type: 'citizen', id: '030095009999' }], purposeCode: 'SUPPORT_DESK', summary: 'record shown' });
      expect([s1, s2]).toEqual([1, 2]);
      expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 2 });
    });

    it('links entry 1 to the genesis hash in the documented form: sha256(prev ‖ "\\n" ‖ JSON of the fields), so chains written earlier still verify', async () => {
      const { db } = env().t;
      const r = (await sql<Record<string, string | number | null>>`select * from audit_log where seq = 1`.execute(db.kysely)).rows[0]!;
      const canonical = JSON.stringify([1, r.at, 'staff', 'canbo.camhoang', '10897', '10.0.0.7', 'req-00000001', 'citizen.read', ['citizen:030095001234'], 'DOSSIER_PROCESSING', 'Hồ sơ 000.00.01.H23-230228-0001', 'record shown']);
      expect(r.prev_hash).toBe('0'.repeat(64));
      expect(r.hash).toBe(createHash('sha256').update('0'.repeat(64)).update('\n').update(canonical).digest('hex'));
    });

    it('keeps concurrent writers on one chain', async () => {
      const { db } = env().t;
      await Promise.all(Array.from({ length: 25 }, (_, i) => recordAuditNow(db, { actor: officer, action: 'test.concurrent', subjects: [{ type: 'citizen', id: `0300950${String(i).padStart(5, '0')}` }], summary: `entry ${i}` })));
      expect(await verifyAuditChain(db, 7)).toEqual({ ok: true, checked: 27 });
    });

    it('rolls an entry back with the transaction it belongs to', async () => {
      const { db } = env().t;
      await expect(
        db.transaction(async (trx) => {
          await recordAudit(trx, { actor: officer, action: 'citizen.update', subjects: [{ type: 'citizen', id: '030095001234' }], summary: 'phone changed' });
          throw new Error('change failed');
        }),
      ).rejects.toThrow('change failed');
      expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 27 });
    });

    it('lists who touched a record, newest first', async () => {
      const { db } = env().t;
      const log = await auditEntriesFor(db, { type: 'citizen', id: '030095001234' }, { offset: 0, limit: 10 });
      expect(log.total).toBe(1);
      expect(log.items[0]).toMatchObject({ seq: 1, actorKind: 'staff', actorId: 'canbo.camhoang', actorUnit: '10897', sourceIp: '10.0.0.7', purposeCode: 'DOSSIER_PROCESSING', action: 'citizen.read', subjects: ['citizen:030095001234'] });
    });

    it('names the first altered entry, and verifies again once it is restored', async () => {
      const { db } = env().t;
      const before = await sql<{ summary: string }>`select summary from audit_log where seq = 5`.execute(db.kysely);
      const original = before.rows[0]!.summary;
      await sql`update audit_log set summary = 'nothing shown' where seq = 5`.execute(db.kysely);
      expect(await verifyAuditChain(db)).toEqual({ ok: false, checked: 4, firstBad: { seq: 5, problem: 'altered' } });
      await sql`update audit_log set summary = ${original} where seq = 5`.execute(db.kysely);
      expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 27 });
    });

    it('names a removed tail, and a removed entry', async () => {
      const { db } = env().t;
      await sql`delete from audit_log where seq = 27`.execute(db.kysely);
      expect(await verifyAuditChain(db)).toEqual({ ok: false, checked: 26, firstBad: { seq: 27, problem: 'missing' } });
      await sql`delete from audit_log where seq = 3`.execute(db.kysely);
      expect(await verifyAuditChain(db)).toEqual({ ok: false, checked: 2, firstBad: { seq: 3, problem: 'missing' } });
    });
  },
);

/** Makes the audit log refuse entries whose summary is `refused` (a trigger, on either engine). */
async function refuseSummary(db: Database): Promise<() => Promise<void>> {
  if (db.engine === 'postgres') {
    await sql`create function refuse_audit() returns trigger language plpgsql as $$ begin raise exception 'audit entry refused'; end $$`.execute(db.kysely);
    await sql`create trigger refuse_audit before insert on audit_log for each row when (new.summary = 'refused') execute function refuse_audit()`.execute(db.kysely);
    return async () => {
      await sql`drop trigger refuse_audit on audit_log`.execute(db.kysely);
      await sql`drop function refuse_audit()`.execute(db.kysely);
    };
  }
  await sql`create trigger refuse_audit before insert on audit_log when new.summary = 'refused' begin select raise(abort, 'audit entry refused'); end`.execute(db.kysely);
  return async () => {
    await sql`drop trigger refuse_audit`.execute(db.kysely);
  };
}

forEachEngine(
  'audit group commit',
  async (t) => {
    await migrateToLatest(t.db, auditMigrations);
    return {};
  },
  (env) => {
    const read = (i: number, summary = 'full record shown') => ({
      actor: { ...officer, requestId: `req-${String(i).padStart(8, '0')}` },
      action: 'citizen.read',
      subjects: [{ type: 'citizen', id: `0300950${String(i).padStart(5, '0')}` }],
      purposeCode: 'DOSSIER_PROCESSING',
      summary,
    });

    it('writes entries recorded together in one transaction, in the order they were recorded', async () => {
      const { db } = env().t;
      const transactions = vi.spyOn(db, 'transaction');
      const seqs = await Promise.all(Array.from({ length: 40 }, (_, i) => recordAuditNow(db, read(i))));
      expect(transactions).toHaveBeenCalledTimes(1);
      transactions.mockRestore();
      expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(await verifyAuditChain(db, 9)).toEqual({ ok: true, checked: 40 });
      const log = await auditEntriesFor(db, { type: 'citizen', id: '030095000017' }, { offset: 0, limit: 10 });
      expect(log).toMatchObject({ total: 1, items: [{ seq: 18, requestId: 'req-00000017', action: 'citizen.read', purposeCode: 'DOSSIER_PROCESSING' }] });
    });

    it('bounds a batch, and entries arriving while one is written form the next', async () => {
      const { db } = env().t;
      const group = new AuditGroupCommit(db, { maxBatch: 16 });
      const transactions = vi.spyOn(db, 'transaction');
      const first = Array.from({ length: 40 }, (_, i) => group.record(read(100 + i)));
      await new Promise((r) => setImmediate(r)); // the first batch is being written
      const later = Array.from({ length: 5 }, (_, i) => group.record(read(200 + i)));
      const seqs = await Promise.all([...first, ...later]);
      // 16 + 16 + 8, the 5 later ones with the 8 when they came while the second batch was written (PostgreSQL), or alone.
      expect(transactions.mock.calls.length).toBeGreaterThanOrEqual(3);
      expect(transactions.mock.calls.length).toBeLessThanOrEqual(4);
      transactions.mockRestore();
      expect(seqs).toEqual(Array.from({ length: 45 }, (_, i) => 41 + i));
      expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 85 });
    });

    it('fails only the entry that cannot be written; the others are committed and the chain holds', async () => {
      const { db } = env().t;
      const restore = await refuseSummary(db);
      try {
        const outcomes = await Promise.allSettled([recordAuditNow(db, read(300)), recordAuditNow(db, read(301, 'refused')), recordAuditNow(db, read(302))]);
        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(String((outcomes[1] as PromiseRejectedResult).reason)).toContain('audit entry refused');
        expect(outcomes.filter((o) => o.status === 'fulfilled').map((o) => o.value)).toEqual([86, 87]);
      } finally {
        await restore();
      }
      expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 87 });
      expect((await auditEntriesFor(db, { type: 'citizen', id: '030095000301' }, { offset: 0, limit: 10 })).total).toBe(0);
    });
  },
);

forEachEngine(
  'audit log written before 0005_platform_audit_sqlite_keys',
  async (t) => {
    // The chain as the first migration left it, with entries, then the later migration applied.
    const { '0001_platform_audit': first, ...later } = auditMigrations;
    await migrateToLatest(t.db, { '0001_platform_audit': first! });
    await recordAuditNow(t.db, { actor: officer, action: 'citizen.read', subjects: [{ type: 'citizen', id: '030095001234' }], purposeCode: 'DOSSIER_PROCESSING', summary: 'record shown' });
    await recordAuditNow(t.db, { actor: officer, action: 'citizen.update', subjects: [{ type: 'citizen', id: '030095001234' }, { type: 'household', id: 'HK-0042' }], summary: 'phone changed' });
    // The per-person index rows the code of that time wrote beside each entry (now written in runs, 0006).
    await sql`insert into audit_subjects (subject, seq) values ('citizen:030095001234', 1), ('citizen:030095001234', 2), ('household:HK-0042', 2)`.execute(t.db.kysely);
    const before = (await sql<Record<string, unknown>>`select * from audit_log order by seq`.execute(t.db.kysely)).rows;
    await migrateToLatest(t.db, { '0001_platform_audit': first!, ...later });
    return { before };
  },
  (env, engine) => {
    it('keeps every entry as it was: the chain verifies and each subject still finds its entries', async () => {
      const { t, before } = env();
      expect((await sql<Record<string, unknown>>`select * from audit_log order by seq`.execute(t.db.kysely)).rows).toEqual(before);
      expect(await verifyAuditChain(t.db)).toEqual({ ok: true, checked: 2 });
      expect((await auditEntriesFor(t.db, { type: 'citizen', id: '030095001234' }, { offset: 0, limit: 10 })).items.map((e) => [e.seq, e.action])).toEqual([[2, 'citizen.update'], [1, 'citizen.read']]);
      expect((await auditEntriesFor(t.db, { type: 'household', id: 'HK-0042' }, { offset: 0, limit: 10 })).total).toBe(1);
      // The chain goes on from where it was.
      expect(await recordAuditNow(t.db, { actor: officer, action: 'citizen.read', subjects: [{ type: 'citizen', id: '030095001234' }], purposeCode: 'SUPPORT_DESK', summary: 'record shown' })).toBe(3);
      expect(await verifyAuditChain(t.db)).toEqual({ ok: true, checked: 3 });
    });

    if (engine !== 'sqlite') return;
    it('on SQLite keys each audit table by its own key: no second index beside the rows', async () => {
      const { t } = env();
      const schema = (await sql<{ name: string; sql: string | null }>`select name, sql from sqlite_master where tbl_name in ('audit_log', 'audit_subjects', 'audit_subject_runs') order by name`.execute(t.db.kysely)).rows;
      expect(schema.map((r) => r.name)).toEqual(['audit_log', 'audit_subject_runs']);
      expect(schema.find((r) => r.name === 'audit_log')!.sql).toContain('seq integer primary key');
      expect(schema.find((r) => r.name === 'audit_subject_runs')!.sql).toMatch(/without rowid$/);
    });
  },
);

import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { forEachEngine } from '../testing/engines.js';
import { migrateToLatest } from '../db/migrations.js';
import { auditEntriesFor, auditMigrations, recordAudit, recordAuditNow, verifyAuditChain } from './audit.js';

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

import { expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { forEachEngine } from '../testing/engines.js';
import { migrateToLatest } from '../db/migrations.js';
import type { Database } from '../db/database.js';
import { auditEntriesFor, auditMigrations, recordAudit, recordAuditNow } from './audit.js';
import { AuditSubjectIndex, startAuditIndexing } from './subject-index.js';

const officer = { kind: 'staff' as const, id: 'congan.tinh', unitCode: '30', sourceIp: '10.0.0.9', requestId: 'req-00000042' };
// Real-shaped numbers of people registered in Hải Dương (province code 030).
const people = Array.from({ length: 7 }, (_, i) => `0300950012${String(30 + i)}`);

/** What the per-person index must answer, computed the slow way from the entries themselves. */
async function expected(db: Database, key: string): Promise<number[]> {
  const rows = (await sql<{ seq: number; subjects: string }>`select seq, subjects from audit_log order by seq desc`.execute(db.kysely)).rows;
  return rows.filter((r) => (JSON.parse(r.subjects) as string[]).includes(key)).map((r) => Number(r.seq));
}

async function seqsOf(db: Database, type: string, id: string, page = { offset: 0, limit: 1000 }): Promise<{ seqs: number[]; total: number }> {
  const { items, total } = await auditEntriesFor(db, { type, id }, page);
  return { seqs: items.map((e) => e.seq), total };
}

async function runs(db: Database): Promise<{ level: number; state: string; entries: number }[]> {
  return (await db.kysely.selectFrom('audit_runs').select(['level', 'state', 'entries']).orderBy('run').execute()).map((r) => ({ level: Number(r.level), state: String(r.state), entries: Number(r.entries) }));
}

async function watermark(db: Database): Promise<number> {
  return Number((await db.kysely.selectFrom('audit_index').select('watermark').where('id', '=', 1).executeTakeFirstOrThrow()).watermark);
}

/** Reads of the seven people in a fixed, uneven pattern, and one change touching two subjects. */
async function writeEntries(db: Database, reads: number): Promise<void> {
  for (let i = 0; i < reads; i++) {
    const pin = people[(i * 3) % people.length]!;
    await recordAuditNow(db, { actor: officer, action: 'citizen.read', subjects: [{ type: 'citizen', id: pin }], purposeCode: 'DOSSIER_PROCESSING', summary: 'full record shown' });
  }
  await db.transaction((trx) => recordAudit(trx, { actor: officer, action: 'citizen.update', subjects: [{ type: 'citizen', id: people[0]! }, { type: 'household', id: 'HK-0042' }], summary: 'phone changed' }));
  // An entry about no one (a sign-in refused, say) and a search that returned three people.
  await recordAuditNow(db, { actor: officer, action: 'staff.sign-in-refused', summary: 'wrong password' });
  await recordAuditNow(db, { actor: officer, action: 'citizen.search', subjects: people.slice(2, 5).map((id) => ({ type: 'citizen', id })), purposeCode: 'SUPPORT_DESK', summary: 'search: 3 shown, masked' });
}

forEachEngine(
  'audit per-person index in runs',
  async (t) => {
    await migrateToLatest(t.db, auditMigrations);
    return {};
  },
  (env) => {
    it('answers from the tail before any run is written, newest first, paged', async () => {
      const { db } = env().t;
      await writeEntries(db, 12);
      expect(await runs(db)).toEqual([]);
      expect(await watermark(db)).toBe(0);
      for (const pin of people) {
        const all = await expected(db, `citizen:${pin}`);
        expect(all.length).toBeGreaterThan(0);
        expect(await seqsOf(db, 'citizen', pin)).toEqual({ seqs: all, total: all.length });
      }
      expect(await seqsOf(db, 'household', 'HK-0042')).toEqual({ seqs: [13], total: 1 });
      // A number that is a prefix of no subject and one that is a part of one find nothing.
      expect(await seqsOf(db, 'citizen', '030095001')).toEqual({ seqs: [], total: 0 });
      const first = await expected(db, `citizen:${people[0]}`);
      expect(await seqsOf(db, 'citizen', people[0]!, { offset: 1, limit: 2 })).toEqual({ seqs: first.slice(1, 3), total: first.length });
    });

    it('writes the tail as sorted runs, merges full levels, and answers the same throughout', async () => {
      const { db } = env().t;
      const index = new AuditSubjectIndex(db, { runSubjects: 4, fanIn: 2, chunkRows: 3 });
      await index.maintain();
      // 15 entries, 17 subject rows: four runs of whole entries (4, 4, 4 and 5 rows), merged pairwise into level 1, then level 2.
      expect(index.stats.runsWritten).toBe(4);
      expect(index.stats.merges).toBe(3);
      expect(await runs(db)).toEqual([{ level: 2, state: 'ready', entries: 17 }]);
      expect(await watermark(db)).toBe(15);
      for (const pin of people) {
        const all = await expected(db, `citizen:${pin}`);
        expect(await seqsOf(db, 'citizen', pin)).toEqual({ seqs: all, total: all.length });
      }
      // More entries: some in runs, some in the tail; `all` writes the tail's last, short run too.
      await writeEntries(db, 9);
      await index.maintain({ all: true });
      expect(await watermark(db)).toBe(Number((await db.kysely.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq));
      const state = await runs(db);
      expect(state.every((r) => r.state === 'ready')).toBe(true);
      expect(state.map((r) => [r.level, r.entries])).toEqual([[2, 17], [0, 6], [1, 8]]);
      for (const pin of people) {
        const all = await expected(db, `citizen:${pin}`);
        expect(await seqsOf(db, 'citizen', pin)).toEqual({ seqs: all, total: all.length });
      }
      expect(await seqsOf(db, 'household', 'HK-0042')).toEqual({ seqs: await expected(db, 'household:HK-0042'), total: 2 });
      // Retired runs are deleted, row by row in chunks: no row outside a ready run is left.
      const orphans = await sql<{ n: number }>`select count(*) as n from audit_subject_runs where run not in (select run from audit_runs where state = 'ready')`.execute(db.kysely);
      expect(Number(orphans.rows[0]!.n)).toBe(0);
    });

    it('retires and deletes a run a stopped process left half-written, which no lookup ever saw', async () => {
      const { db } = env().t;
      const before = await expected(db, `citizen:${people[1]}`);
      // A process stopped mid-run: its run is 'building', with a few rows (one a wrong one), and its lease is old.
      const run = 900;
      await db.kysely.insertInto('audit_runs').values({ run, level: 0, state: 'building', first_seq: 1, last_seq: 3, entries: 2 }).execute();
      await db.kysely.insertInto('audit_subject_runs').values([{ run, subject: `citizen:${people[1]}`, seq: 999 }, { run, subject: `citizen:${people[2]}`, seq: 998 }]).execute();
      await db.kysely.updateTable('audit_index').set({ lease_owner: 'a-process-that-stopped', lease_until: Date.now() - 1000 }).where('id', '=', 1).execute();
      expect((await seqsOf(db, 'citizen', people[1]!)).seqs).toEqual(before);
      const index = new AuditSubjectIndex(db, { runSubjects: 4, fanIn: 2, chunkRows: 1 });
      await index.maintain();
      expect(index.stats.rowsDeleted).toBe(2);
      expect((await runs(db)).find((r) => r.state !== 'ready')).toBeUndefined();
      expect((await db.kysely.selectFrom('audit_subject_runs').select('seq').where('run', '=', run).execute()).length).toBe(0);
      expect((await seqsOf(db, 'citizen', people[1]!)).seqs).toEqual(before);
    });

    it('leaves the work to the process holding a live lease; lookups stay complete through the tail', async () => {
      const { db } = env().t;
      await db.kysely.updateTable('audit_index').set({ lease_owner: 'another-app-copy', lease_until: Date.now() + 60_000 }).where('id', '=', 1).execute();
      const mark = await watermark(db);
      await writeEntries(db, 10);
      const index = new AuditSubjectIndex(db, { runSubjects: 4, fanIn: 2, chunkRows: 3 });
      await index.maintain({ all: true });
      expect(index.stats.runsWritten).toBe(0);
      expect(await watermark(db)).toBe(mark);
      for (const pin of people) {
        const all = await expected(db, `citizen:${pin}`);
        expect(await seqsOf(db, 'citizen', pin)).toEqual({ seqs: all, total: all.length });
      }
      // The lease runs out: the next process takes it and catches up.
      await db.kysely.updateTable('audit_index').set({ lease_until: Date.now() - 1 }).where('id', '=', 1).execute();
      await index.maintain({ all: true });
      expect(index.stats.runsWritten).toBeGreaterThan(0);
      expect(await watermark(db)).toBe(Number((await db.kysely.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq));
      const lease = await db.kysely.selectFrom('audit_index').select(['lease_owner']).where('id', '=', 1).executeTakeFirstOrThrow();
      expect(lease.lease_owner).toBeNull();
    });
  },
);

forEachEngine(
  'audit per-person index kept up by a running server',
  async (t) => {
    await migrateToLatest(t.db, auditMigrations);
    return {};
  },
  (env) => {
    it('indexes what another process wrote (a command-line import: 9 entries of 1,000 people each) without any read to set it off', async () => {
      const { db } = env().t;
      const imported = Array.from({ length: 9000 }, (_, i) => `030095${String(100000 + i)}`);
      for (let b = 0; b < 9; b++) {
        await db.transaction((trx) =>
          recordAudit(trx, { actor: { kind: 'cli', id: 'cli:canbo' }, action: 'citizen.import', subjects: imported.slice(b * 1000, b * 1000 + 1000).map((id) => ({ type: 'citizen', id })), summary: `batch ${b + 1}: 1000 created` }),
        );
      }
      expect(await watermark(db)).toBe(0);
      const work = startAuditIndexing(db, { intervalMs: 50 });
      try {
        // 9,000 subject rows: one run of the first 9 entries (8,192 rows reached inside the ninth).
        await vi.waitFor(async () => expect(await watermark(db)).toBe(9), { timeout: 10_000, interval: 50 });
      } finally {
        await work.stop();
      }
      expect(await runs(db)).toEqual([{ level: 0, state: 'ready', entries: 9000 }]);
      expect(await seqsOf(db, 'citizen', imported[4321]!)).toEqual({ seqs: [5], total: 1 });
      expect(await seqsOf(db, 'citizen', imported[8999]!)).toEqual({ seqs: [9], total: 1 });
    });
  },
);

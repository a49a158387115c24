/**
 * Group commit (src/platform/db/group-commit.ts) on SQLite and PostgreSQL: writes queued together
 * share one transaction; a batch that fails is written again one by one, so only the bad write
 * fails, and nothing of it stays.
 */
import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { forEachEngine } from '../testing/engines.js';
import type { TestDatabase } from '../testing/engines.js';
import { GroupCommit } from './group-commit.js';

interface Tables {
  receipts: { code: string; unit_code: string };
}

/** A table of receipt codes, unique like dossier codes. */
async function setup(t: TestDatabase) {
  await sql`create table receipts (code text primary key, unit_code text not null)`.execute(t.db.kysely);
  const group = new GroupCommit<{ code: string; unitCode: string }, string>(t.db, async (trx, items) => {
    await (trx as Kysely<Tables>).insertInto('receipts').values(items.map((i) => ({ code: i.code, unit_code: i.unitCode }))).execute();
    return items.map((i) => i.code);
  });
  return { db: t.db, group };
}

forEachEngine('group commit', setup, (env) => {
  const stored = async () => (await env().db.as<Tables>().selectFrom('receipts').select(['code', 'unit_code']).orderBy('code').execute()).map((r) => `${r.code} ${r.unit_code}`);

  it('writes the writes queued together in one transaction and answers each with its own result', async () => {
    const { group } = env();
    const codes = Array.from({ length: 10 }, (_, i) => `H31.10888-260303-${String(i + 1).padStart(4, '0')}`);
    const results = await Promise.all(codes.map((code) => group.run({ code, unitCode: '10888' })));
    expect(results).toEqual(codes);
    expect(group.stats).toEqual({ batches: 1, writes: 10 });
    expect(await stored()).toEqual(codes.map((c) => `${c} 10888`));
  });

  it('fails only the bad write of a batch, writing the others one by one, and keeps nothing of the bad one', async () => {
    const { group } = env();
    const before = { ...group.stats };
    const writes = [
      { code: 'H31.10903-260303-0001', unitCode: '10903' },
      { code: 'H31.10888-260303-0001', unitCode: '10903' }, // taken by the first test
      { code: 'H31.10903-260303-0002', unitCode: '10903' },
    ];
    const settled = await Promise.allSettled(writes.map((w) => group.run(w)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    // The batch failed, then each write went alone: two more transactions committed.
    expect(group.stats).toEqual({ batches: before.batches + 2, writes: before.writes + 2 });
    expect((await stored()).filter((r) => r.endsWith(' 10903'))).toEqual(['H31.10903-260303-0001 10903', 'H31.10903-260303-0002 10903']);
    expect(await stored()).toContain('H31.10888-260303-0001 10888');
  });

  it('answers a single failing write with its error', async () => {
    const { group } = env();
    await expect(group.run({ code: 'H31.10903-260303-0001', unitCode: '10888' })).rejects.toThrow();
    expect((await stored()).filter((r) => r.startsWith('H31.10903-260303-0001'))).toEqual(['H31.10903-260303-0001 10903']);
  });
});

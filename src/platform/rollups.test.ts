import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest } from './db/migrations.js';
import { forEachEngine } from './testing/engines.js';
import type { Database } from './db/database.js';
import { coarseDims, countIndicator, DAY_COLUMNS, dimsKey, fillMonthCounts, readIndicator, rollupMigrations, type IndicatorCount } from './rollups.js';

it('writes breakdowns in one canonical order', () => {
  expect(dimsKey({ level: '2', channel: 'campaign' })).toBe('channel=campaign;level=2');
  expect(dimsKey(undefined)).toBe('');
});

it('keeps in the coarse breakdown everything but the service, and the sector as police or other', () => {
  expect(dimsKey(coarseDims({ service: '1.004194', sector: 'police', channel: 'online', filedBy: 'self' }))).toBe('channel=online;filedBy=self;sectorGroup=police');
  expect(dimsKey(coarseDims({ service: '1.001193', sector: 'justice', channel: 'on_behalf', filedBy: 'on_behalf' }))).toBe('channel=on_behalf;filedBy=on_behalf;sectorGroup=other');
  expect(dimsKey(coarseDims({ channel: 'campaign', level: '2' }))).toBe('channel=campaign;level=2');
  expect(coarseDims(undefined)).toEqual({});
});

forEachEngine(
  'indicator roll-ups',
  async (t) => {
    await migrateToLatest(t.db, rollupMigrations);
    return {};
  },
  (env) => {
    it('adds to one counter row per indicator, unit, day and breakdown', async () => {
      const db = env().t.db.kysely;
      // Xã Cẩm Hoàng (10897) and Xã Cẩm Văn (10900), Hải Dương, February 2023
      await countIndicator(db, { indicator: 'eid.applications', unitCode: '10897', day: '2023-02-27', dims: { channel: 'campaign', level: '2' } });
      await countIndicator(db, { indicator: 'eid.applications', unitCode: '10897', day: '2023-02-27', dims: { level: '2', channel: 'campaign' } });
      await countIndicator(db, { indicator: 'eid.applications', unitCode: '10897', day: '2023-02-28', dims: { channel: 'online', level: '1' }, delta: 3 });
      await countIndicator(db, { indicator: 'eid.applications', unitCode: '10900', day: '2023-02-28', dims: { channel: 'online', level: '1' } });
      await countIndicator(db, { indicator: 'eid.activations', unitCode: '10897', day: '2023-02-28' });
      const rows = await readIndicator(db, { indicator: 'eid.applications', from: '2023-02-01', to: '2023-02-28', unitCodes: ['10897'] });
      expect(rows.sort((a, b) => a.day.localeCompare(b.day))).toEqual([
        { unitCode: '10897', day: '2023-02-27', dims: { channel: 'campaign', level: '2' }, count: 2 },
        { unitCode: '10897', day: '2023-02-28', dims: { channel: 'online', level: '1' }, count: 3 },
      ]);
      expect(await readIndicator(db, { indicator: 'eid.applications', from: '2023-02-28', to: '2023-02-28' })).toHaveLength(2);
    });

    it('adds each count to its coarse month row in the same transaction: the month total and the day column', async () => {
      const db = env().t.db.kysely;
      // Dossiers received at Xã Cẩm Hoàng (10897) in January 2023: two police services online on the 5th, one on the 31st,
      // a justice service at the counter on the 5th (taken back once), and one in February.
      const received = (day: string, service: string, sector: string, channel: string, delta?: number) =>
        countIndicator(db, { indicator: 'dossiers.received', unitCode: '10897', day, dims: { service, sector, channel, filedBy: 'self' }, ...(delta !== undefined && { delta }) });
      await received('2023-01-05', '1.004194', 'police', 'online');
      await received('2023-01-05', '2.001159', 'police', 'online', 2);
      await received('2023-01-31', '1.004194', 'police', 'online');
      await received('2023-01-05', '1.001193', 'justice', 'counter', 3);
      await received('2023-01-05', '1.001193', 'justice', 'counter', -1);
      await received('2023-02-01', '1.004194', 'police', 'online');
      await expect(
        db.transaction().execute(async (trx) => {
          await countIndicator(trx, { indicator: 'dossiers.received', unitCode: '10897', day: '2023-01-09', dims: { service: '1.004194', sector: 'police', channel: 'online', filedBy: 'self' } });
          throw new Error('record write failed');
        }),
      ).rejects.toThrow('record write failed');
      const rows = (await db.selectFrom('indicator_month_counts').selectAll().where('indicator', '=', 'dossiers.received').where('unit_code', '=', '10897').orderBy('month').orderBy('dims').execute()) as Record<string, string | number>[];
      const days = (r: Record<string, string | number>) => Object.fromEntries(DAY_COLUMNS.filter((d) => Number(r[d]) !== 0).map((d) => [d, Number(r[d])]));
      expect(rows.map((r) => ({ month: r.month, dims: r.dims, count: Number(r.count), days: days(r) }))).toEqual([
        { month: '2023-01', dims: 'channel=counter;filedBy=self;sectorGroup=other', count: 2, days: { d05: 2 } },
        { month: '2023-01', dims: 'channel=online;filedBy=self;sectorGroup=police', count: 4, days: { d05: 3, d31: 1 } },
        { month: '2023-02', dims: 'channel=online;filedBy=self;sectorGroup=police', count: 1, days: { d01: 1 } },
      ]);
      // The same totals as the fine rows (one per service), day by day.
      const fine = await readIndicator(db, { indicator: 'dossiers.received', from: '2023-01-01', to: '2023-02-28', unitCodes: ['10897'] });
      expect(fine).toHaveLength(5);
      const byDay = new Map<string, number>();
      for (const r of fine) byDay.set(r.day, (byDay.get(r.day) ?? 0) + r.count);
      expect(Object.fromEntries(byDay)).toEqual({ '2023-01-05': 5, '2023-01-31': 1, '2023-02-01': 1 });
    });

    it('fills the month rows from counter rows stored before them, page by page in key order', async () => {
      const db = env().t.db.kysely;
      const fine = [
        { indicator: 'eid.applications', unit_code: '10900', day: '2023-03-02', dims: 'channel=online;level=1', count: 4 },
        { indicator: 'eid.applications', unit_code: '10900', day: '2023-03-20', dims: 'channel=online;level=1', count: 1 },
        { indicator: 'eid.applications', unit_code: '10900', day: '2023-04-30', dims: 'channel=online;level=1', count: 2 },
        { indicator: 'eid.applications', unit_code: '10903', day: '2023-03-02', dims: 'channel=campaign;level=2', count: 6 },
        { indicator: 'dossiers.received', unit_code: '10900', day: '2023-03-02', dims: 'channel=online;filedBy=self;sector=police;service=1.004194', count: 3 },
        { indicator: 'dossiers.received', unit_code: '10900', day: '2023-03-02', dims: 'channel=online;filedBy=self;sector=police;service=2.001159', count: 2 },
      ];
      await db.insertInto('indicator_counts').values(fine).execute();
      // As the migration finds it: counter rows (these and the earlier tests'), no month rows.
      await db.deleteFrom('indicator_month_counts').execute();
      await fillMonthCounts(db, 2);
      const rows = (await db.selectFrom('indicator_month_counts').selectAll().where('unit_code', 'in', ['10900', '10903']).where('month', '>=', '2023-03').orderBy('indicator').orderBy('unit_code').orderBy('month').execute()) as Record<string, string | number>[];
      const days = (r: Record<string, string | number>) => Object.fromEntries(DAY_COLUMNS.filter((d) => Number(r[d]) !== 0).map((d) => [d, Number(r[d])]));
      expect(rows.map((r) => `${r.indicator} ${r.unit_code} ${r.month} ${r.dims} ${Number(r.count)} ${JSON.stringify(days(r))}`)).toEqual([
        'dossiers.received 10900 2023-03 channel=online;filedBy=self;sectorGroup=police 5 {"d02":5}',
        'eid.applications 10900 2023-03 channel=online;level=1 5 {"d02":4,"d20":1}',
        'eid.applications 10900 2023-04 channel=online;level=1 2 {"d30":2}',
        'eid.applications 10903 2023-03 channel=campaign;level=2 6 {"d02":6}',
      ]);
    });

    it('rolls back with the transaction of the counted record and drops rows counted back to zero', async () => {
      const db = env().t.db.kysely;
      await expect(
        db.transaction().execute(async (trx) => {
          await countIndicator(trx, { indicator: 'dossiers.received', unitCode: '10897', day: '2023-03-01' });
          throw new Error('record write failed');
        }),
      ).rejects.toThrow('record write failed');
      expect(await readIndicator(db, { indicator: 'dossiers.received', from: '2023-03-01', to: '2023-03-01' })).toEqual([]);
      await countIndicator(db, { indicator: 'dossiers.overdue', unitCode: '10897', day: '2023-03-01' });
      await countIndicator(db, { indicator: 'dossiers.overdue', unitCode: '10897', day: '2023-03-01', delta: -1 });
      expect(await readIndicator(db, { indicator: 'dossiers.overdue', from: '2023-03-01', to: '2023-03-01' })).toEqual([]);
    });
  },
);

/**
 * A set-up: the roll-up migrations but `later` (in order), `counts` written, then the rest
 * migrated in their order (the first of `later` first), as on a database updated after counting.
 */
function countedBefore(later: readonly string[], counts: readonly IndicatorCount[]) {
  return async (t: { db: Database }) => {
    const before = Object.fromEntries(Object.entries(rollupMigrations).filter(([name]) => !later.includes(name)));
    await migrateToLatest(t.db, before);
    for (const c of counts) await countIndicator(t.db.kysely, c);
    await migrateToLatest(t.db, { ...before, [later[0]!]: rollupMigrations[later[0]!]! });
    return {};
  };
}

forEachEngine(
  'indicator counters written before 0004_platform_indicator_counts_sqlite_keyed',
  // Xã Cẩm Hoàng (10897), February 2023, counted under the first layout (0006 comes after it).
  countedBefore(['0004_platform_indicator_counts_sqlite_keyed', '0006_platform_indicator_counts_one_index'], [
    { indicator: 'eid.applications', unitCode: '10897', day: '2023-02-27', dims: { channel: 'campaign', level: '2' }, delta: 4 },
    { indicator: 'eid.applications', unitCode: '10897', day: '2023-02-28', dims: { channel: 'online', level: '1' } },
  ]),
  (env, engine) => {
    it('keeps every counter and goes on counting into the same rows', async () => {
      const db = env().t.db.kysely;
      await countIndicator(db, { indicator: 'eid.applications', unitCode: '10897', day: '2023-02-27', dims: { level: '2', channel: 'campaign' } });
      const rows = await readIndicator(db, { indicator: 'eid.applications', from: '2023-02-01', to: '2023-02-28', unitCodes: ['10897'] });
      expect(rows.sort((a, b) => a.day.localeCompare(b.day))).toEqual([
        { unitCode: '10897', day: '2023-02-27', dims: { channel: 'campaign', level: '2' }, count: 5 },
        { unitCode: '10897', day: '2023-02-28', dims: { channel: 'online', level: '1' }, count: 1 },
      ]);
    });

    if (engine !== 'sqlite') return;
    it('on SQLite clusters the counters on their key, with the unit index made again', async () => {
      const { rows } = await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where tbl_name = 'indicator_counts' order by name`.execute(env().t.db.kysely);
      expect(rows.map((r) => r.name)).toEqual(['indicator_counts', 'indicator_counts_unit']);
      expect(rows[0]!.sql).toMatch(/without rowid$/);
    });
  },
);

forEachEngine(
  'indicator counters after 0006_platform_indicator_counts_one_index',
  // Xã Cẩm Giang (10888) and Xã Cẩm Hoàng (10897), July 2025, counted while the unit index was there.
  countedBefore(['0006_platform_indicator_counts_one_index'], [
    { indicator: 'dossiers.received', unitCode: '10888', day: '2025-07-01', dims: { channel: 'online', sector: 'police' }, delta: 3 },
    { indicator: 'dossiers.received', unitCode: '10897', day: '2025-07-01', dims: { channel: 'counter', sector: 'police' } },
  ]),
  (env, engine) => {
    it('keeps only the key of the counter rows', async () => {
      const db = env().t.db.kysely;
      const names =
        engine === 'sqlite'
          ? (await sql<{ name: string }>`select name from sqlite_master where tbl_name = 'indicator_counts' and type = 'index' order by name`.execute(db)).rows.map((r) => r.name)
          : (await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'indicator_counts' and schemaname = current_schema() order by indexname`.execute(db)).rows.map((r) => r.name);
      // SQLite: a WITHOUT ROWID table's key is the table itself (no index row); PostgreSQL: the primary key's index.
      expect(names).toEqual(engine === 'sqlite' ? [] : ['indicator_counts_pk']);
    });

    it("reads one unit's counters by the key and goes on counting into the same rows", async () => {
      const db = env().t.db.kysely;
      await countIndicator(db, { indicator: 'dossiers.received', unitCode: '10888', day: '2025-07-01', dims: { sector: 'police', channel: 'online' } });
      expect(await readIndicator(db, { indicator: 'dossiers.received', from: '2025-07-01', to: '2025-07-31', unitCodes: ['10888'] })).toEqual([{ unitCode: '10888', day: '2025-07-01', dims: { channel: 'online', sector: 'police' }, count: 4 }]);
      expect(await readIndicator(db, { indicator: 'dossiers.received', from: '2025-07-01', to: '2025-07-01', unitCodes: ['10897'] })).toEqual([{ unitCode: '10897', day: '2025-07-01', dims: { channel: 'counter', sector: 'police' }, count: 1 }]);
    });
  },
);

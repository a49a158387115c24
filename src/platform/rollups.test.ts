import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest } from './db/migrations.js';
import { forEachEngine } from './testing/engines.js';
import type { Database } from './db/database.js';
import { coarseDims, countIndicator, DAY_COLUMNS, dimsKey, fillMonthCounts, foldedThrough, foldMonthRows, readIndicator, rollupMigrations, type IndicatorCount } from './rollups.js';

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

    it('writes a count of a day not folded yet to its counter row only, one of a folded day to its month row too, and the fold adds the rest', async () => {
      const db = env().t.db.kysely;
      // Dossiers received at Xã Cẩm Hoàng (10897) in January 2023: two police services online on the 5th, one on the 31st,
      // a justice service at the counter on the 5th (taken back once), and one in February.
      const received = (day: string, service: string, sector: string, channel: string, delta?: number) =>
        countIndicator(db, { indicator: 'dossiers.received', unitCode: '10897', day, dims: { service, sector, channel, filedBy: 'self' }, ...(delta !== undefined && { delta }) });
      const monthRows = async () => {
        const rows = (await db.selectFrom('indicator_month_counts').selectAll().where('indicator', '=', 'dossiers.received').where('unit_code', '=', '10897').orderBy('month').orderBy('dims').execute()) as Record<string, string | number>[];
        const days = (r: Record<string, string | number>) => Object.fromEntries(DAY_COLUMNS.filter((d) => Number(r[d]) !== 0).map((d) => [d, Number(r[d])]));
        return rows.map((r) => ({ month: r.month, dims: r.dims, count: Number(r.count), days: days(r) }));
      };
      expect(await foldedThrough(db)).toBe('');
      await received('2023-01-05', '1.004194', 'police', 'online');
      await received('2023-01-05', '2.001159', 'police', 'online', 2);
      await received('2023-01-31', '1.004194', 'police', 'online');
      await received('2023-01-05', '1.001193', 'justice', 'counter', 3);
      await received('2023-01-05', '1.001193', 'justice', 'counter', -1);
      await received('2023-02-01', '1.004194', 'police', 'online');
      // Nothing folded yet: counter rows only.
      expect(await monthRows()).toEqual([]);
      expect(await foldMonthRows(env().t.db, '2023-01-31')).toEqual({ from: '', through: '2023-01-31', rows: 4 });
      expect(await foldedThrough(db)).toBe('2023-01-31');
      expect(await monthRows()).toEqual([
        { month: '2023-01', dims: 'channel=counter;filedBy=self;sectorGroup=other', count: 2, days: { d05: 2 } },
        { month: '2023-01', dims: 'channel=online;filedBy=self;sectorGroup=police', count: 4, days: { d05: 3, d31: 1 } },
      ]);
      // A day already folded: its month row in the same transaction (rolled back with it).
      await received('2023-01-09', '1.004194', 'police', 'online');
      await expect(
        db.transaction().execute(async (trx) => {
          await countIndicator(trx, { indicator: 'dossiers.received', unitCode: '10897', day: '2023-01-10', dims: { service: '1.004194', sector: 'police', channel: 'online', filedBy: 'self' } });
          throw new Error('record write failed');
        }),
      ).rejects.toThrow('record write failed');
      expect((await monthRows())[1]).toEqual({ month: '2023-01', dims: 'channel=online;filedBy=self;sectorGroup=police', count: 5, days: { d05: 3, d09: 1, d31: 1 } });
      // A fold through a day already folded does nothing; the next one adds February.
      expect(await foldMonthRows(env().t.db, '2023-01-15')).toEqual({ from: '2023-01-31', through: '2023-01-31', rows: 0 });
      // (February also holds the first test's e-ID counts: every indicator is folded.)
      expect(await foldMonthRows(env().t.db, '2023-02-28')).toEqual({ from: '2023-01-31', through: '2023-02-28', rows: 5 });
      expect(await monthRows()).toEqual([
        { month: '2023-01', dims: 'channel=counter;filedBy=self;sectorGroup=other', count: 2, days: { d05: 2 } },
        { month: '2023-01', dims: 'channel=online;filedBy=self;sectorGroup=police', count: 5, days: { d05: 3, d09: 1, d31: 1 } },
        { month: '2023-02', dims: 'channel=online;filedBy=self;sectorGroup=police', count: 1, days: { d01: 1 } },
      ]);
      // The same totals as the fine rows (one per service), day by day.
      const fine = await readIndicator(db, { indicator: 'dossiers.received', from: '2023-01-01', to: '2023-02-28', unitCodes: ['10897'] });
      const byDay = new Map<string, number>();
      for (const r of fine) byDay.set(r.day, (byDay.get(r.day) ?? 0) + r.count);
      expect(Object.fromEntries(byDay)).toEqual({ '2023-01-05': 5, '2023-01-09': 1, '2023-01-31': 1, '2023-02-01': 1 });
    });

    it('folds once when two folds run at the same time (two app copies, a rebuild during the nightly job)', async () => {
      const t = env().t;
      await foldMonthRows(t.db, '2023-03-31');
      // Xã Cẩm Vũ (10918), April 2023: one desk help entry a day from the 1st to the 20th, after the watermark; four folds at once.
      for (let d = 1; d <= 20; d++) await countIndicator(t.db.kysely, { indicator: 'desk.help', unitCode: '10918', day: `2023-04-${String(d).padStart(2, '0')}`, dims: { kind: 'filed_on_behalf' } });
      const folds = await Promise.all(['2023-04-30', '2023-04-10', '2023-04-30', '2023-04-20'].map((through) => foldMonthRows(t.db, through)));
      expect(folds.reduce((n, f) => n + f.rows, 0)).toBe(20);
      expect(await foldedThrough(t.db.kysely)).toBe('2023-04-30');
      const row = await t.db.kysely.selectFrom('indicator_month_counts').select(['count', 'd01', 'd20']).where('indicator', '=', 'desk.help').where('unit_code', '=', '10918').where('month', '=', '2023-04').executeTakeFirst();
      expect(row && [row.count, row.d01, row.d20].map(Number)).toEqual([20, 1, 1]);
    });

    it('folds while counting goes on: a count in flight when the fold starts is in the month rows once it is done', async () => {
      const t = env().t;
      // Xã Cẩm Vũ (10918), May 2023, after the watermark (30 April).
      await foldMonthRows(t.db, '2023-04-30');
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let counted!: () => void;
      const inFlight = new Promise<void>((resolve) => (counted = resolve));
      const counting = t.db.transaction(async (trx) => {
        await countIndicator(trx, { indicator: 'eid.activations', unitCode: '10918', day: '2023-05-02', delta: 7 });
        counted();
        await held;
      });
      await inFlight;
      const folding = foldMonthRows(t.db, '2023-05-31');
      await new Promise((r) => setTimeout(r, 50));
      release();
      await counting;
      expect(await folding).toMatchObject({ from: '2023-04-30', through: '2023-05-31' });
      const row = await t.db.kysely.selectFrom('indicator_month_counts').select(['count', 'd02']).where('indicator', '=', 'eid.activations').where('unit_code', '=', '10918').where('month', '=', '2023-05').executeTakeFirst();
      expect(row && { count: Number(row.count), d02: Number(row.d02) }).toEqual({ count: 7, d02: 7 });
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
 * A set-up: the roll-up migrations but `later` (in order), `counts` written as they were then,
 * then the first of `later` migrated — and the fold watermark's (0007) when it is among them, which
 * counting now needs — as on a database updated after counting.
 */
function countedBefore(later: readonly string[], counts: readonly IndicatorCount[]) {
  return async (t: { db: Database }) => {
    const before = Object.fromEntries(Object.entries(rollupMigrations).filter(([name]) => !later.includes(name)));
    await migrateToLatest(t.db, before);
    // As counts were written before the fold watermark (0007): the counter row and its month row, always.
    for (const c of counts) {
      const [fine, coarse] = [dimsKey(c.dims), dimsKey(coarseDims(c.dims))];
      const d = sql.ref(`d${c.day.slice(8, 10)}`);
      const delta = c.delta ?? 1;
      await sql`insert into indicator_counts (indicator, unit_code, day, dims, count) values (${c.indicator}, ${c.unitCode}, ${c.day}, ${fine}, ${delta})
        on conflict (indicator, day, unit_code, dims) do update set count = indicator_counts.count + excluded.count`.execute(t.db.kysely);
      await sql`insert into indicator_month_counts (indicator, unit_code, month, dims, count, ${d}) values (${c.indicator}, ${c.unitCode}, ${c.day.slice(0, 7)}, ${coarse}, ${delta}, ${delta})
        on conflict (indicator, month, unit_code, dims) do update set count = indicator_month_counts.count + excluded.count, ${d} = indicator_month_counts.${d} + excluded.${d}`.execute(t.db.kysely);
    }
    const fold = '0007_platform_indicator_fold';
    await migrateToLatest(t.db, { ...before, [later[0]!]: rollupMigrations[later[0]!]!, ...(later.includes(fold) && { [fold]: rollupMigrations[fold]! }) });
    return {};
  };
}

forEachEngine(
  'indicator counters written before 0004_platform_indicator_counts_sqlite_keyed',
  // Xã Cẩm Hoàng (10897), February 2023, counted under the first layout (0006 comes after it).
  countedBefore(['0004_platform_indicator_counts_sqlite_keyed', '0006_platform_indicator_counts_one_index', '0007_platform_indicator_fold'], [
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
  countedBefore(['0006_platform_indicator_counts_one_index', '0007_platform_indicator_fold'], [
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

forEachEngine(
  'indicator counters after 0007_platform_indicator_fold',
  // Xã Cẩm Hoàng (10897), e-ID applications of 27 and 28 February 2023, counted when every count wrote its month row.
  countedBefore(['0007_platform_indicator_fold'], [
    { indicator: 'eid.applications', unitCode: '10897', day: '2023-02-27', dims: { channel: 'campaign', level: '2' }, delta: 4 },
    { indicator: 'eid.applications', unitCode: '10897', day: '2023-02-28', dims: { channel: 'online', level: '1' } },
  ]),
  (env) => {
    it('starts the watermark at the last day counted: those month rows are whole, and a later day is counted in its counter row only', async () => {
      const db = env().t.db.kysely;
      expect(await foldedThrough(db)).toBe('2023-02-28');
      await countIndicator(db, { indicator: 'eid.applications', unitCode: '10897', day: '2023-02-28', dims: { channel: 'online', level: '1' } });
      await countIndicator(db, { indicator: 'eid.applications', unitCode: '10897', day: '2023-03-01', dims: { channel: 'online', level: '1' } });
      const months = await db.selectFrom('indicator_month_counts').select(['month', 'dims', 'count']).where('indicator', '=', 'eid.applications').orderBy('month').orderBy('dims').execute();
      expect(months.map((r) => `${r.month} ${r.dims} ${Number(r.count)}`)).toEqual(['2023-02 channel=campaign;level=2 4', '2023-02 channel=online;level=1 2']);
      expect(await readIndicator(db, { indicator: 'eid.applications', from: '2023-03-01', to: '2023-03-31' })).toEqual([{ unitCode: '10897', day: '2023-03-01', dims: { channel: 'online', level: '1' }, count: 1 }]);
    });
  },
);

import { expect, it } from 'vitest';
import { migrateToLatest } from './db/migrations.js';
import { forEachEngine } from './testing/engines.js';
import { countIndicator, dimsKey, readIndicator, rollupMigrations } from './rollups.js';

it('writes breakdowns in one canonical order', () => {
  expect(dimsKey({ level: '2', channel: 'campaign' })).toBe('channel=campaign;level=2');
  expect(dimsKey(undefined)).toBe('');
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

import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { forEachEngine } from '../platform/testing/engines.js';
import { startTestPlatform } from '../platform/testing/app.js';
import { foldForSearch } from '../platform/text.js';
import type { Database } from '../platform/db/database.js';
import type { UnitsTables } from '../units/index.js';
import type { CitizenInput } from './model.js';
import { checkCitizen, saveCitizens, UnitPaths } from './registry.js';
import { nameWordsStartingWith, searchCitizens, searchMigrations, type PopulationTables } from './store.js';

const D = '2023-02-28';
// Residents of Xã Cẩm Hoàng (10897), Tỉnh Hải Dương, numbers consistent with sex and year of birth.
const person = (pin: string, fullName: string, dateOfBirth: string, sex: 'male' | 'female'): CitizenInput => ({ pin, fullName, dateOfBirth, sex, permanentResidence: { unitCode: '10897', unitDate: D, addressLine: 'Thôn Hoàng Xá' } });
const people = [
  person('030090000101', 'Nguyễn Văn An', '1990-05-12', 'male'),
  person('030190000102', 'Nguyễn Thị Anh', '1990-07-01', 'female'),
  person('030085000103', 'Trần Anh Tuấn', '1985-03-03', 'male'),
  person('030090000104', 'Lê Văn Quang', '1990-01-01', 'male'),
  person('030092000105', 'Phạm Minh Quân', '1992-09-02', 'male'),
];

async function save(db: Database, list: CitizenInput[]) {
  const units = new UnitPaths(db.as<UnitsTables>());
  const items = await Promise.all(list.map(async (citizen) => ({ citizen, path: await checkCitizen(citizen, units) })));
  return db.transaction((trx) => saveCitizens(trx as never, items, { mode: 'upsert', actor: 'test', source: 'test' }));
}

forEachEngine(
  'citizen name search',
  async (t) => {
    const platform = await startTestPlatform(t);
    await save(platform.ctx.db, people);
    return platform;
  },
  (env, engine) => {
    const names = async (q: string, birthYear?: number) => {
      const r = await searchCitizens(env().ctx.db.as<PopulationTables>(), { tokens: foldForSearch(q).split(' '), birthYear, area: null, offset: 0, limit: 20 });
      expect(r.total).toBe(r.items.length);
      return r.items.map((c) => c.full_name);
    };

    it('finds every name with a word beginning as typed, in Vietnamese collation', async () => {
      expect(await names('an')).toEqual(['Nguyễn Thị Anh', 'Nguyễn Văn An', 'Trần Anh Tuấn']);
      expect(await names('Nguyễn An')).toEqual(['Nguyễn Thị Anh', 'Nguyễn Văn An']);
      expect(await names('qua')).toEqual(['Lê Văn Quang', 'Phạm Minh Quân']);
      expect(await names('quân')).toEqual(['Lê Văn Quang', 'Phạm Minh Quân']);
      expect(await names('quang')).toEqual(['Lê Văn Quang']);
      expect(await names('van nguyen a')).toEqual(['Nguyễn Văn An']);
    });

    it('finds nobody for a word no name begins with, or words no one name holds together', async () => {
      expect(await names('xuan')).toEqual([]);
      expect(await names('uan')).toEqual([]);
      expect(await names('tuan nguyen')).toEqual([]);
    });

    it('narrows a given name by year of birth', async () => {
      expect(await names('an', 1990)).toEqual(['Nguyễn Thị Anh', 'Nguyễn Văn An']);
      expect(await names('an', 1985)).toEqual(['Trần Anh Tuấn']);
      expect(await names('quan', 1991)).toEqual([]);
    });

    it('finds a renamed person by the words of the new name only', async () => {
      const [outcome] = await save(env().ctx.db, [{ ...people[4]!, fullName: 'Khổng Minh Quân' }]);
      expect(outcome).toMatchObject({ outcome: 'updated', version: 2 });
      expect(await names('khong')).toEqual(['Khổng Minh Quân']);
      expect(await names('pham minh')).toEqual([]);
      expect(await names('minh quan')).toEqual(['Khổng Minh Quân']);
    });

    it('counts and lists at most the cap, in the same order as the full list, whichever way the page is found', async () => {
      // 48 more people of Xã Cẩm Hoàng sharing a few names ("Ân" folds as "An" but sorts apart).
      const families = ['Nguyễn', 'Trần'];
      const given = ['An', 'Ân', 'Anh'];
      const more = Array.from({ length: 48 }, (_, i) => {
        const sex = i % 2 === 0 ? 'male' : 'female';
        const year = 1960 + (i % 30);
        const pin = `030${sex === 'male' ? 0 : 1}${String(year).slice(2)}${String(900000 - i * 7919).padStart(6, '0')}`;
        return person(pin, `${families[i % 2]} ${sex === 'male' ? 'Văn' : 'Thị'} ${given[i % 3]}`, `${year}-03-0${1 + (i % 9)}`, sex);
      });
      await save(env().ctx.db, more);
      const k = env().ctx.db.as<PopulationTables>();
      const search = (q: string, cap: number, offset: number, limit: number, area: { code: string; validFrom: string; validUntil: null }[] | null = null) =>
        searchCitizens(k, { tokens: foldForSearch(q).split(' '), area, offset, limit, cap });
      const commune = [{ code: '10897', validFrom: '2000-01-01', validUntil: null }];
      for (const q of ['nguyen', 'an', 'tran van', 'thi an']) {
        const all = await search(q, 1000, 0, 100);
        expect(all.totalCapped).toBe(false);
        expect(all.total).toBe(all.items.length);
        const full = all.items.map((c) => c.pin);
        // The full list is in collation order, then by number.
        const sorted = [...all.items].sort((a, b) => (a.sort_key < b.sort_key ? -1 : a.sort_key > b.sort_key ? 1 : a.pin < b.pin ? -1 : 1));
        expect(full).toEqual(sorted.map((c) => c.pin));
        for (const cap of [3, 10]) {
          for (const area of [null, commune]) {
            for (let offset = 0; offset <= cap + 2; offset += 2) {
              const r = await search(q, cap, offset, 4, area);
              expect({ q, cap, offset, area: !!area, total: r.total, capped: r.totalCapped, pins: r.items.map((c) => c.pin) }).toEqual({
                q, cap, offset, area: !!area,
                total: Math.min(full.length, cap),
                capped: full.length > cap,
                pins: full.slice(offset, Math.min(offset + 4, cap)),
              });
            }
          }
        }
      }
      expect((await search('nguyen', 1000, 0, 100)).total).toBe(26); // 24 of the 48, Nguyễn Văn An and Nguyễn Thị Anh
      // A renamed person is found under the new name by the capped search too.
      const [renamed] = await save(env().ctx.db, [{ ...more[0]!, fullName: 'Nguyễn Văn Ánh' }]);
      expect(renamed).toMatchObject({ outcome: 'updated' });
      const anh = await search('nguyen van anh', 1000, 0, 100);
      expect(anh.items.map((c) => c.full_name)).toContain('Nguyễn Văn Ánh');
      const capped = await search('nguyen', 3, 0, 3);
      expect(capped).toMatchObject({ total: 3, totalCapped: true });
      expect(capped.items.map((c) => c.pin)).toEqual((await search('nguyen', 1000, 0, 3)).items.map((c) => c.pin));
    });

    if (engine === 'sqlite') {
      it('fills the dictionary of full names from the people already registered when it is made', async () => {
        const k = env().ctx.db.as<PopulationTables>();
        const before = await sql<{ sort_key: string; name_folded: string }>`select sort_key, name_folded from citizen_full_names order by sort_key, name_folded`.execute(k);
        await sql`drop trigger citizen_full_names_fts_insert`.execute(k);
        await sql`drop table citizen_full_names_fts`.execute(k);
        await sql`drop table citizen_full_names`.execute(k);
        await searchMigrations['0304_population_full_names']!.up(k);
        const after = await sql<{ sort_key: string; name_folded: string }>`select sort_key, name_folded from citizen_full_names order by sort_key, name_folded`.execute(k);
        // Every name in use, and only those (the old name of a renamed person was kept before).
        const inUse = await sql<{ sort_key: string; name_folded: string }>`select distinct sort_key, name_folded from citizens order by sort_key, name_folded`.execute(k);
        expect(after.rows).toEqual(inUse.rows);
        expect(after.rows.length).toBe(before.rows.length - 1); // Phạm Minh Quân, renamed Khổng Minh Quân, is nobody's now
        const capped = await searchCitizens(k, { tokens: ['nguyen'], area: null, offset: 0, limit: 3, cap: 3 });
        expect(capped).toMatchObject({ total: 3, totalCapped: true });
        expect(capped.items.map((c) => c.full_name)).toEqual(['Nguyễn Thị Anh', 'Nguyễn Văn An', 'Nguyễn Văn An']);
      });

      it('keeps the words of every name, so a typed word is searched as the whole words it begins', async () => {
        const k = env().ctx.db.as<PopulationTables>();
        expect(await nameWordsStartingWith(k, 'qua')).toEqual(['quan', 'quang']);
        expect(await nameWordsStartingWith(k, 'khong')).toEqual(['khong']);
        expect(await nameWordsStartingWith(k, 'xuan')).toEqual([]);
        expect(await nameWordsStartingWith(k, 'a')).toEqual(['an', 'anh']);
      });

      it('leaves a prefix of very many words to the full-text index itself', async () => {
        const k = env().ctx.db.as<PopulationTables>();
        const many = Array.from({ length: 70 }, (_, i) => `kx${String(i).padStart(2, '0')}`);
        await sql`insert into citizen_name_words (word) values ${sql.join(many.map((w) => sql`(${w})`))}`.execute(k);
        expect(await nameWordsStartingWith(k, 'k')).toBeNull();
        expect(await names('k')).toEqual(['Khổng Minh Quân']);
        expect(await names('kx')).toEqual([]);
      });
    }
  },
);

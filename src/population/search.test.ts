import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { forEachEngine } from '../platform/testing/engines.js';
import { startTestPlatform } from '../platform/testing/app.js';
import { foldForSearch } from '../platform/text.js';
import type { Database } from '../platform/db/database.js';
import type { UnitsTables } from '../units/index.js';
import type { CitizenInput } from './model.js';
import { checkCitizen, saveCitizens, UnitPaths } from './registry.js';
import { nameWordsStartingWith, searchCitizens, type PopulationTables } from './store.js';

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

    if (engine === 'sqlite') {
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

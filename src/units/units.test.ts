import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { forEachEngine } from '../platform/testing/engines.js';
import { startTestPlatform } from '../platform/testing/app.js';
import { verifyAuditChain } from '../platform/audit/audit.js';
import { AppError } from '../platform/errors.js';
import { importSuccessions, importUnitList } from './importer.js';
import { countAt, type UnitsTables } from './store.js';
import { UnitCache } from './registry.js';

const DATA = path.resolve(import.meta.dirname, '../../../shared/data/admin-units');
const LIST_2025 = path.join(DATA, 'post2025/vn-units-2level-2025-07-01.json');
const LIST_2026 = path.join(DATA, 'post2025/vn-units-2level-2026-04-30.json');
const MERGES = path.join(DATA, 'mapping/new-to-old-merges.json');
const SPLITS = path.join(DATA, 'mapping/old-to-new-splits.json');
const GSO_1027 = path.join(DATA, 'post2025/gso-1027-communes-2025.csv');
const cli = { kind: 'cli' as const, id: 'cli:test' };

function tempFile(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-units-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

forEachEngine('administrative units', startTestPlatform, (env) => {
  const get = async (url: string, lang = 'vi') => {
    const res = await env().app.inject({ method: 'GET', url, headers: { 'accept-language': lang } });
    return { status: res.statusCode, type: String(res.headers['content-type']), body: res.json() };
  };

  describe('built-in data', () => {
    it('has 63 provinces on 2024-01-01 and 34 on 2025-07-01', async () => {
      const db = env().ctx.db.as<UnitsTables>();
      expect((await countAt(db, '2024-01-01')).province).toBe(63);
      expect(await countAt(db, '2025-07-01')).toEqual({ province: 34, district: 0, commune: 0 });
      const r = await get('/api/v1/units?level=province&at=2025-07-01&pageSize=100');
      expect(r.body.total).toBe(34);
    });

    it('has the 705 districts and 10,599 communes of the GSO list before the reform', async () => {
      expect(await countAt(env().ctx.db.as<UnitsTables>(), '2023-02-28')).toEqual({ province: 63, district: 705, commune: 10599 });
    });

    it('answers unit 30 on 2023-02-28 as Tỉnh Hải Dương', async () => {
      const r = await get('/api/v1/units/30?at=2023-02-28');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ code: '30', level: 'province', type: 'Tỉnh', name: 'Hải Dương', fullName: 'Tỉnh Hải Dương', nameEn: 'Hai Duong', parentCode: null, validUntil: '2025-06-30' });
      expect(r.body.successors).toEqual([{ code: '31', kind: 'full', effectiveDate: '2025-07-01', fullName: 'Thành phố Hải Phòng' }]);
    });

    it('answers unit 30 on 2025-07-01 with 404 UNIT_NOT_FOUND naming successor 31 Thành phố Hải Phòng', async () => {
      const r = await get('/api/v1/units/30?at=2025-07-01');
      expect(r.status).toBe(404);
      expect(r.type).toContain('application/problem+json');
      expect(r.body).toMatchObject({ code: 'UNIT_NOT_FOUND', status: 404, type: '/api/problems#UNIT_NOT_FOUND' });
      expect(r.body.detail).toBe('Đơn vị hành chính mã 30 không còn hiệu lực vào ngày 2025-07-01; đơn vị kế thừa: Thành phố Hải Phòng (31).');
      expect(r.body.successors).toEqual([{ code: '31', kind: 'full', effectiveDate: '2025-07-01', fullName: 'Thành phố Hải Phòng' }]);
      const en = await get('/api/v1/units/30?at=2025-07-01', 'en-US,en;q=0.9');
      expect(en.body.detail).toBe('Administrative unit 30 is no longer in force on 2025-07-01; its successors: Thành phố Hải Phòng (31).');
      expect((await get('/api/v1/units/99?at=2025-07-01', 'en')).body.detail).toBe('No administrative unit with code 99 on 2025-07-01.');
    });

    it('lists the provinces that formed Thành phố Hải Phòng as its predecessors', async () => {
      const r = await get('/api/v1/units/31?at=2025-07-01');
      expect(r.body.fullName).toBe('Thành phố Hải Phòng');
      expect(r.body.type).toBe('Thành phố trực thuộc trung ương');
      expect(r.body.predecessors.map((p: { code: string; fullName: string }) => `${p.code} ${p.fullName}`)).toEqual(['30 Tỉnh Hải Dương', '31 Thành phố Hải Phòng']);
    });

    it('answers commune 10897 on 2023-02-28 as Xã Cẩm Hoàng under Huyện Cẩm Giàng, Tỉnh Hải Dương', async () => {
      const r = await get('/api/v1/units/10897?at=2023-02-28');
      expect(r.body).toMatchObject({ code: '10897', level: 'commune', type: 'Xã', fullName: 'Xã Cẩm Hoàng', parentCode: '295' });
      expect(r.body.path.map((p: { code: string; fullName: string }) => `${p.code} ${p.fullName}`)).toEqual(['30 Tỉnh Hải Dương', '295 Huyện Cẩm Giàng', '10897 Xã Cẩm Hoàng']);
    });

    it('makes Đồng Nai a centrally governed city from 2026-04-30', async () => {
      expect((await get('/api/v1/units/75?at=2026-04-29')).body.fullName).toBe('Tỉnh Đồng Nai');
      const city = (await get('/api/v1/units/75?at=2026-04-30')).body;
      expect(city).toMatchObject({ fullName: 'Thành phố Đồng Nai', type: 'Thành phố trực thuộc trung ương', validFrom: '2026-04-30', validUntil: null });
      expect(city.predecessors.map((p: { code: string; effectiveDate: string }) => `${p.code}@${p.effectiveDate}`)).toEqual(['75@2026-04-30']);
    });
  });

  describe('search and lists', () => {
    it('finds Xã Cẩm Hoàng with and without diacritics', async () => {
      for (const q of ['cam hoang', 'Cẩm Hoàng', 'CẨM HOÀNG', 'Ca\u0302\u0309m Hoa\u0300ng', 'hoang cam']) {
        const r = await get(`/api/v1/units?q=${encodeURIComponent(q)}&at=2023-02-28`);
        expect(r.body.items.map((u: { code: string }) => u.code), q).toEqual(['10897']);
      }
    });

    it('folds đ/Đ: "dong da" finds Quận Đống Đa', async () => {
      const r = await get('/api/v1/units?q=dong%20da&level=district&at=2023-02-28');
      expect(r.body.items.map((u: { fullName: string }) => u.fullName)).toContain('Quận Đống Đa');
    });

    it('keeps leading zeros of codes in every answer', async () => {
      const one = await get('/api/v1/units/00001?at=2023-02-28');
      expect(one.body).toMatchObject({ code: '00001', fullName: 'Phường Phúc Xá', parentCode: '001' });
      expect(one.body.path.map((p: { code: string }) => p.code)).toEqual(['01', '001', '00001']);
      const list = await get('/api/v1/units?parent=001&at=2023-02-28&pageSize=200');
      expect(list.body.items.map((u: { code: string }) => u.code)).toContain('00001');
      expect(list.body.items.every((u: { parentCode: string }) => u.parentCode === '001')).toBe(true);
    });

    it('sorts in Vietnamese collation and pages with a total', async () => {
      const r = await get('/api/v1/units?level=province&at=2024-01-01&pageSize=200');
      const names: string[] = r.body.items.map((u: { name: string }) => u.name);
      expect(names).toEqual([...names].sort(new Intl.Collator('vi').compare));
      expect(names.slice(0, 3)).toEqual(['An Giang', 'Bà Rịa - Vũng Tàu', 'Bạc Liêu']);
      const page2 = await get('/api/v1/units?level=province&at=2024-01-01&page=2&pageSize=10');
      expect(page2.body.total).toBe(63);
      expect(page2.body.items.map((u: { name: string }) => u.name)).toEqual(names.slice(10, 20));
    });

    it('lists the 12 districts of Tỉnh Hải Dương', async () => {
      const r = await get('/api/v1/units?parent=30&at=2023-02-28&pageSize=50');
      expect(r.body.total).toBe(12);
      expect(r.body.items.map((u: { code: string }) => u.code)).toEqual(expect.arrayContaining(['288', '290', '291', '292', '295', '298']));
    });
  });

  describe('bad input', () => {
    it('rejects malformed parameters with every failing field', async () => {
      const r = await get('/api/v1/units?at=2023-02-30&pageSize=1000&level=village&foo=1', 'en');
      expect(r.status).toBe(400);
      expect(r.type).toContain('application/problem+json');
      expect(r.body.code).toBe('VALIDATION_FAILED');
      const fields = Object.fromEntries(r.body.errors.map((e: { field: string; code: string }) => [e.field, e.code]));
      expect(fields).toEqual({ 'query.at': 'DATE_INVALID', 'query.pageSize': 'FIELD_OUT_OF_RANGE', 'query.level': 'FIELD_NOT_ALLOWED_VALUE', 'query.foo': 'FIELD_UNKNOWN' });
    });

    it('rejects a code that is not 2–5 digits, and hostile text, as 400', async () => {
      for (const url of ['/api/v1/units/1a', "/api/v1/units/30'%20or%201=1--", '/api/v1/units/123456']) {
        const r = await get(url);
        expect(r.status, url).toBe(400);
        expect(r.body.errors[0]).toMatchObject({ field: 'params.code', code: 'FIELD_FORMAT' });
      }
      const q = await get(`/api/v1/units?q=${encodeURIComponent("%' OR 1=1 --")}`);
      expect(q.status).toBe(200);
      expect(q.body.total).toBe(0);
    });

    it('answers unknown routes with ROUTE_NOT_FOUND', async () => {
      const r = await get('/api/v1/nothing-here');
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ code: 'ROUTE_NOT_FOUND', instance: '/api/v1/nothing-here' });
    });
  });

  describe('imports', () => {
    it('imports the 2025-07-01 list: 34 provinces, 3,321 communes, no district; a second import changes nothing', async () => {
      const { ctx } = env();
      const first = await importUnitList(ctx.db, LIST_2025, { validFrom: '2025-07-01', source: 'Quyết định 19/2025/QĐ-TTg', actor: cli });
      expect(first).toMatchObject({ format: 'json-2level', read: 3355, inserted: 3321, unchanged: 34, superseded: 0 });
      const counts = await countAt(ctx.db.as<UnitsTables>(), '2025-07-01');
      expect(counts).toEqual({ province: 34, district: 0, commune: 3321 });
      const again = await importUnitList(ctx.db, LIST_2025, { validFrom: '2025-07-01', actor: cli });
      expect(again).toMatchObject({ inserted: 0, corrected: 0, superseded: 0, unchanged: 3355 });
      expect(await countAt(ctx.db.as<UnitsTables>(), '2025-07-01')).toEqual(counts);
      // The Ba Chẽ erratum of that file (06978) is stored under the official code 06970.
      expect((await get('/api/v1/units/06970?at=2025-07-01')).body.fullName).toBe('Xã Ba Chẽ');
    });

    it('imports the merges mapping: 10888 Xã Cẩm Giang (Thành phố Hải Phòng) lists 10897 among its predecessors', async () => {
      const { ctx } = env();
      const result = await importSuccessions(ctx.db, MERGES, { actor: cli });
      expect(result.format).toBe('merges');
      expect(result.read).toBe(10604 + 63); // commune links + the 63 old provinces' links
      const r = await get('/api/v1/units/10888?at=2025-07-01');
      expect(r.body.fullName).toBe('Xã Cẩm Giang');
      expect(r.body.path.map((p: { fullName: string }) => p.fullName)).toEqual(['Thành phố Hải Phòng', 'Xã Cẩm Giang']);
      expect(r.body.predecessors).toEqual(
        expect.arrayContaining([{ code: '10897', kind: 'full', effectiveDate: '2025-07-01', fullName: 'Xã Cẩm Hoàng' }]),
      );
      expect(r.body.predecessors.map((p: { code: string }) => p.code).sort()).toEqual(['10888', '10897', '10918']);
      const again = await importSuccessions(ctx.db, MERGES, { actor: cli });
      expect(again.added).toBe(0);
      // The old commune now names where it went.
      const old = await get('/api/v1/units/10897?at=2025-07-01');
      expect(old.status).toBe(404);
      expect(old.body.successors).toEqual([{ code: '10888', kind: 'full', effectiveDate: '2025-07-01', fullName: 'Xã Cẩm Giang' }]);
    });

    it('imports the splits mapping, marking an old commune split between several new ones as partial', async () => {
      const { ctx } = env();
      const result = await importSuccessions(ctx.db, SPLITS, { actor: cli });
      expect(result.format).toBe('splits');
      expect(result.read).toBeGreaterThan(10000);
    });

    it('imports the GSO 1027 communes CSV onto the same units without change', async () => {
      const r = await importUnitList(env().ctx.db, GSO_1027, { validFrom: '2025-07-01', actor: cli });
      expect(r.format).toBe('gso-1027-communes');
      expect(r.read).toBe(3321);
      // Only the two codes the JSON list writes differently (23737/23938 Ia Mơ) and the Phó/Phố Bảng name differ.
      expect(r.inserted).toBe(1);
      expect(r.corrected).toBe(1);
    });

    it('imports the 2026-04-30 list: tone-mark style alone is no change; Xã → Phường is a new version', async () => {
      const { ctx } = env();
      const r = await importUnitList(ctx.db, LIST_2026, { validFrom: '2026-04-30', actor: cli });
      expect(r.superseded).toBe(10); // 10 communes of Đồng Nai became wards (00745 "Phố Bảng" was already corrected by the GSO CSV)
      const after = await get('/api/v1/units/26170?at=2026-05-01');
      expect(after.body).toMatchObject({ fullName: 'Phường Trị An', type: 'Phường', validFrom: '2026-04-30', validUntil: null });
      expect(after.body.predecessors).toEqual([{ code: '26170', kind: 'full', effectiveDate: '2026-04-30', fullName: 'Xã Trị An' }]);
      const before = await get('/api/v1/units/26170?at=2026-04-29');
      expect(before.body).toMatchObject({ fullName: 'Xã Trị An', validFrom: '2025-07-01', validUntil: '2026-04-29' });
      expect(await countAt(ctx.db.as<UnitsTables>(), '2026-05-01')).toEqual({ province: 34, district: 0, commune: 3322 });
    });

    it('rejects a list with bad rows, naming file, row and field, and imports nothing from it', async () => {
      const { ctx } = env();
      const file = tempFile(
        'bad.json',
        JSON.stringify([
          { Code: '98', Name: 'Thử', NameEn: 'Thu', FullName: 'Tỉnh Thử', AdministrativeUnitId: 2, Wards: [
            { Code: '99001', Name: 'A', FullName: 'Xã A', AdministrativeUnitId: 4, ProvinceCode: '98' },
            { Code: 99002, Name: 'B', FullName: 'Xã B', AdministrativeUnitId: 4, ProvinceCode: '98' },
            { Code: '9903', Name: 'C', FullName: 'Xã C', AdministrativeUnitId: 9, ProvinceCode: '98' },
          ] },
        ]),
      );
      const err = await importUnitList(ctx.db, file, { validFrom: '2027-01-01', actor: cli }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      const appErr = err as AppError;
      expect(appErr.code).toBe('UNIT_IMPORT_REJECTED');
      expect(appErr.extensions.rows).toEqual([
        { row: 3, location: '[0].Wards[1]', field: 'Code', code: 'FIELD_TYPE', reason: 'code must be text (got the number 99002: leading zeros may be lost)' },
        { row: 4, location: '[0].Wards[2]', field: 'AdministrativeUnitId', code: 'FIELD_NOT_ALLOWED_VALUE', reason: '9 is not a commune type (1–5)' },
      ]);
      expect(appErr.localized('en')).toBe('File bad.json has 2 bad rows; nothing was imported.');
      expect((await get('/api/v1/units/99001?at=2027-01-01')).status).toBe(404);
      expect((await get('/api/v1/units/98?at=2027-01-01')).status).toBe(404);
    });

    it('writes one audit entry per import and the chain verifies', async () => {
      const { ctx } = env();
      const v = await verifyAuditChain(ctx.db);
      expect(v.ok).toBe(true);
      // units seed + calendar seed + services catalog seed + 2025 list twice + merges twice + splits + GSO CSV + 2026 list; the rejected file wrote nothing
      expect(v.checked).toBe(10);
    });

    it('imports the 2025-03-01 three-level list as complete: units it no longer lists end the day before', async () => {
      const { ctx } = env();
      const r = await importUnitList(ctx.db, path.join(DATA, 'pre2025/vn-units-3level-2025-03-01.json'), { validFrom: '2025-03-01', complete: true, actor: cli });
      expect(r.format).toBe('json-3level');
      expect(r.read).toBe(63 + 696 + 10035);
      expect(await countAt(ctx.db.as<UnitsTables>(), '2025-03-01')).toEqual({ province: 63, district: 696, commune: 10035 });
      // Xã Phượng Kỳ (11137) disappeared in the 1 January 2025 rearrangement: in force in 2024, ended by this list.
      expect((await get('/api/v1/units/11137?at=2024-06-01')).body.fullName).toBe('Xã Phượng Kỳ');
      const gone = await get('/api/v1/units/11137?at=2025-03-01');
      expect(gone.status).toBe(404);
      const tch = await get('/api/v1/units/46?at=2025-03-01');
      expect(tch.body.fullName).toBe('Thành phố Huế');
      expect(r.ended).toBeGreaterThan(500);
    });
  });
});

forEachEngine('unit answer cache', startTestPlatform, (env) => {
  it('serves repeated reads from memory and sees an import made through another copy after revalidation', async () => {
    const { ctx } = env();
    const db = ctx.db.as<UnitsTables>();
    const cache = new UnitCache(db, { revalidateMs: 60_000 });
    await expect(cache.get('10888', '2025-07-01')).rejects.toMatchObject({ code: 'UNIT_NOT_FOUND' });
    await importUnitList(ctx.db, LIST_2025, { validFrom: '2025-07-01', actor: cli });
    // Within the revalidation window the cached answer stands …
    await expect(cache.get('10888', '2025-07-01')).rejects.toMatchObject({ code: 'UNIT_NOT_FOUND' });
    // … a copy that revalidates sees the new revision and the new unit.
    const fresh = new UnitCache(db, { revalidateMs: 0 });
    expect((await fresh.get('10888', '2025-07-01')).fullName).toBe('Xã Cẩm Giang');
    expect((await fresh.get('10888', '2025-07-01')).path.map((p) => p.code)).toEqual(['31', '10888']);
  });
});

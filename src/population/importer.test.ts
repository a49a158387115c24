import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { forEachEngine } from '../platform/testing/engines.js';
import { startTestPlatform } from '../platform/testing/app.js';
import { verifyAuditChain } from '../platform/audit/audit.js';
import { createStaff, signInStaff } from '../identity/index.js';
import { unitCodeExists, type UnitsTables } from '../units/index.js';
import { beginImport, IMPORT_STALE_MS, importCitizens, importErrors, importStatus, type ImportTables } from './importer.js';
import type { PopulationTables } from './store.js';

const cli = { kind: 'cli' as const, id: 'cli:test' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-import-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A real-shaped list as a commune sends it: BOM, CRLF, Vietnamese names, numbers with leading zeros, bad rows. */
const HEADER = 'Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Nơi thường trú (mã ĐVHC),Nơi thường trú (địa chỉ),Số điện thoại';
const ROWS = [
  '001090001111,Nguyễn Văn Hùng,12/05/1990,Nam,10897,Thôn Hoàng Xá,0912000111', // line 2: good
  '030185002222,Trần Thị Lan,1985,Nữ,10897,Thôn Ninh Phú,', // line 3: good, year-only date of birth
  '03019000333,Lê Văn Sai,1990-01-01,Nam,10897,Thôn A,', // line 4: 11 digits
  '030090004444,Phạm Thị Hà,1990-02-03,Nữ,10897,Thôn B,', // line 5: digit 4 says male
  '030095005555,Vũ Văn Nam,1995-02-30,Nam,10897,Thôn C,', // line 6: no such date
  '030200006666,Đỗ Minh Khôi,2000-07-07,Nam,99999,Thôn D,', // line 7: unknown unit
  '030199007777,"Hoàng Thị Mai",1999-09-09,Nữ,10897,"Số 5, ngõ 2",0987000777', // line 8: good, quoted comma
];
function writeList(name: string, rows: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `\uFEFF${[HEADER, ...rows].join('\r\n')}\r\n`);
  return file;
}

forEachEngine('citizen imports', startTestPlatform, (env) => {
  it('keeps the good rows and reports the bad ones by row, column and code', async () => {
    const { ctx } = env();
    const status = await importCitizens(ctx.db, writeList('danh-sach.csv', ROWS), { actor: cli, referenceDate: '2023-02-28' });
    expect(status).toMatchObject({ status: 'done', rowsRead: 7, rowsTotal: 7, created: 3, updated: 0, unchanged: 0, duplicates: 0, badRows: 4 });
    const errors = (await importErrors(ctx.db, status.id)).map((e) => `${e.row} ${e.column} ${e.code}`);
    expect(errors).toEqual([
      '4 so_dinh_danh PIN_FORMAT',
      '5 so_dinh_danh PIN_SEX_MISMATCH',
      '6 ngay_sinh IMPORT_DATE_INVALID',
      '7 thuong_tru_ma_dvhc CITIZEN_UNIT_UNKNOWN',
    ]);
    const rows = await ctx.db.as<PopulationTables>().selectFrom('citizens').select(['pin', 'full_name', 'date_of_birth', 'perm_address', 'phone']).orderBy('pin').execute();
    expect(rows).toEqual([
      { pin: '001090001111', full_name: 'Nguyễn Văn Hùng', date_of_birth: '1990-05-12', perm_address: 'Thôn Hoàng Xá', phone: '0912000111' },
      { pin: '030185002222', full_name: 'Trần Thị Lan', date_of_birth: '1985', perm_address: 'Thôn Ninh Phú', phone: null },
      { pin: '030199007777', full_name: 'Hoàng Thị Mai', date_of_birth: '1999-09-09', perm_address: 'Số 5, ngõ 2', phone: '0987000777' },
    ]);
  });

  it('changes nothing when the same file is imported again', async () => {
    const { ctx } = env();
    const again = await importCitizens(ctx.db, path.join(dir, 'danh-sach.csv'), { actor: cli, referenceDate: '2023-02-28' });
    expect(again).toMatchObject({ status: 'done', created: 0, updated: 0, unchanged: 3, badRows: 4 });
    const history = await ctx.db.as<PopulationTables>().selectFrom('citizen_history').select('pin').execute();
    expect(history).toHaveLength(3);
  });

  it('resumes an import stopped half-way with no duplicate and no half-written record', async () => {
    const { ctx } = env();
    const many = Array.from({ length: 25 }, (_, i) => `0302000${String(10000 + i).slice(1)}1,Bùi Văn Thứ ${['Nhất', 'Hai', 'Ba', 'Tư', 'Năm'][i % 5]} ${String.fromCharCode(65 + i)},2000-01-${String((i % 28) + 1).padStart(2, '0')},Nam,10897,Xóm ${i},`);
    const file = writeList('lon.csv', many);
    let batches = 0;
    const stopped = await importCitizens(ctx.db, file, {
      actor: cli,
      referenceDate: '2023-02-28',
      batchSize: 10,
      afterBatch: () => {
        if (++batches === 2) throw new Error('killed');
      },
    }).catch((e: Error) => e.message);
    expect(stopped).toBe('killed');
    const k = ctx.db.as<PopulationTables>();
    const count = async () => (await k.selectFrom('citizens').select('pin').where('pin', 'like', '0302000%').execute()).length;
    expect(await count()).toBe(20);
    const resumed = await importCitizens(ctx.db, file, { actor: cli, referenceDate: '2023-02-28', batchSize: 10 });
    expect(resumed).toMatchObject({ status: 'done', rowsRead: 25, created: 25, badRows: 0 });
    expect(await count()).toBe(25);
    expect((await verifyAuditChain(ctx.db)).ok).toBe(true);
  });

  it('reports an import whose process was killed (no batch for 3 minutes) as interrupted, and the same file resumes it', async () => {
    const { ctx } = env();
    const many = Array.from({ length: 12 }, (_, i) => `0303010${String(10000 + i).slice(1)}1,Ngô Thị Hạnh ${String.fromCharCode(65 + i)},2001-03-${String(i + 1).padStart(2, '0')},Nữ,10897,Xóm Đông ${i},`);
    const file = writeList('bi-tat.csv', many);
    // kill -9 after the first batch: nothing marks the import failed, it stays `running`.
    const { id } = await beginImport(ctx.db, file, { actor: cli, referenceDate: '2023-02-28' });
    const k = ctx.db.as<ImportTables>();
    const row = async () => k.selectFrom('citizen_imports').select(['status', 'heartbeat_at', 'started_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect((await row()).status).toBe('running');
    expect(await importStatus(ctx.db, id)).toMatchObject({ status: 'running', failure: null });
    const lastBeat = new Date(Date.now() - IMPORT_STALE_MS - 1000).toISOString();
    await k.updateTable('citizen_imports').set({ heartbeat_at: lastBeat }).where('id', '=', id).execute();
    expect(await importStatus(ctx.db, id)).toMatchObject({ status: 'failed', failure: 'IMPORT_INTERRUPTED', finishedAt: null });
    // Reading the status writes nothing.
    expect((await row()).status).toBe('running');
    const resumed = await importCitizens(ctx.db, file, { actor: cli, referenceDate: '2023-02-28', batchSize: 5 });
    expect(resumed).toMatchObject({ id, status: 'done', rowsRead: 12, created: 12, badRows: 0, failure: null });
    expect(Date.parse((await row()).heartbeat_at!)).toBeGreaterThan(Date.parse(lastBeat));
  });

  it('fills and corrects from a shorter list but never erases, and refuses to change who a person is', async () => {
    const { ctx } = env();
    const file = path.join(dir, 'ngan.csv');
    // Nguyễn Văn Hùng's phone is not in this list; Trần Thị Lan gets another name; Hoàng Thị Mai a new address.
    fs.writeFileSync(file, 'so_dinh_danh,ho_ten,ngay_sinh,gioi_tinh,thuong_tru_ma_dvhc,thuong_tru_dia_chi\n001090001111,Nguyễn Văn Hùng,1990-05-12,Nam,10897,Thôn Hoàng Xá\n030185002222,Trần Thị Lan Anh,1985,Nữ,10897,Thôn Ninh Phú\n030199007777,Hoàng Thị Mai,1999-09-09,Nữ,10897,Số 7 ngõ 3\n');
    const status = await importCitizens(ctx.db, file, { actor: cli, referenceDate: '2023-02-28' });
    expect(status).toMatchObject({ created: 0, updated: 1, unchanged: 1, badRows: 1 });
    expect((await importErrors(ctx.db, status.id)).map((e) => `${e.row} ${e.code} ${e.params?.fields ?? ''}`)).toEqual(['3 IMPORT_IDENTITY_CONFLICT full_name']);
    const rows = await ctx.db.as<PopulationTables>().selectFrom('citizens').select(['pin', 'full_name', 'phone', 'perm_address']).where('pin', 'in', ['001090001111', '030185002222', '030199007777']).orderBy('pin').execute();
    expect(rows).toEqual([
      { pin: '001090001111', full_name: 'Nguyễn Văn Hùng', phone: '0912000111', perm_address: 'Thôn Hoàng Xá' },
      { pin: '030185002222', full_name: 'Trần Thị Lan', phone: null, perm_address: 'Thôn Ninh Phú' },
      { pin: '030199007777', full_name: 'Hoàng Thị Mai', phone: '0987000777', perm_address: 'Số 7 ngõ 3' },
    ]);
  });

  it('refuses an import id beyond 2^53 − 1 as 400 (the fuzzer\'s `1e21` reached PostgreSQL\'s bigint: a 500)', async () => {
    const { ctx, app } = env();
    await createStaff(ctx.db, { username: 'pc06.ids', password: 'Mot-cua-2023!', role: 'PROVINCIAL_POLICE', unitCode: '30', unitDate: '2023-02-28' }, cli, (c) => unitCodeExists(ctx.db.as<UnitsTables>(), c));
    const { token } = await signInStaff(ctx.db, 'pc06.ids', 'Mot-cua-2023!', null);
    for (const url of ['/api/v1/citizen-imports/1e21', '/api/v1/citizen-imports/1e21/errors.csv']) {
      const r = await app.inject({ url, headers: { authorization: `Bearer ${token}` } });
      expect(r.statusCode, url).toBe(400);
      expect(r.json().errors, url).toMatchObject([{ field: 'params.id', code: 'FIELD_OUT_OF_RANGE' }]);
    }
  });

  it('imports over HTTP with a progress status and a downloadable error report', async () => {
    const { ctx, app } = env();
    await createStaff(ctx.db, { username: 'pc06.haiduong', password: 'Mot-cua-2023!', role: 'PROVINCIAL_POLICE', unitCode: '30', unitDate: '2023-02-28' }, cli, (c) => unitCodeExists(ctx.db.as<UnitsTables>(), c));
    const { token } = await signInStaff(ctx.db, 'pc06.haiduong', 'Mot-cua-2023!', null);
    const auth = { authorization: `Bearer ${token}` };
    const template = await app.inject({ url: '/api/v1/citizen-imports/template.csv', headers: auth });
    expect(template.statusCode).toBe(200);
    expect(template.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const body = fs.readFileSync(writeList('http.csv', ['030301008888,Ngô Thị Thu,2001-03-04,Nữ,10897,Thôn E,', '030301008,Sai Số,2001-03-04,Nữ,10897,Thôn E,']));
    const post = await app.inject({ method: 'POST', url: '/api/v1/citizen-imports?referenceDate=2023-02-28', payload: body, headers: { ...auth, 'content-type': 'text/csv', 'x-file-name': 'http.csv' } });
    expect(post.statusCode).toBe(202);
    const id = post.json().id as number;
    let status = post.json();
    for (let i = 0; i < 100 && status.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await app.inject({ url: `/api/v1/citizen-imports/${id}`, headers: auth })).json();
    }
    expect(status).toMatchObject({ status: 'done', fileName: 'http.csv', created: 1, badRows: 1, rowsRead: 2, rowsTotal: 2 });
    const report = await app.inject({ url: `/api/v1/citizen-imports/${id}/errors.csv`, headers: auth });
    expect(report.body).toContain('PIN_FORMAT');
    expect(report.body).not.toContain('030301008,');
    const denied = await app.inject({ method: 'POST', url: '/api/v1/citizen-imports?referenceDate=2023-02-28', payload: body, headers: { 'content-type': 'text/csv' } });
    expect(denied.statusCode).toBe(401);
    // The provincial police of Hải Dương cannot add or move people of Hà Nội.
    const hanoi = fs.readFileSync(writeList('hanoi.csv', ['001301009999,Phan Thị Nga,2001-03-04,Nữ,00001,Phố Phúc Xá,', '030301008888,Ngô Thị Thu,2001-03-04,Nữ,00004,Phố Khác,']));
    const up = await app.inject({ method: 'POST', url: '/api/v1/citizen-imports?referenceDate=2023-02-28', payload: hanoi, headers: { ...auth, 'content-type': 'text/csv', 'x-file-name': encodeURIComponent('hà nội.csv') } });
    let s2 = up.json();
    for (let i = 0; i < 100 && s2.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      s2 = (await app.inject({ url: `/api/v1/citizen-imports/${s2.id}`, headers: auth })).json();
    }
    expect(s2).toMatchObject({ status: 'done', fileName: 'hà nội.csv', created: 0, updated: 0, badRows: 2, failure: null });
    expect((await importErrors(ctx.db, s2.id)).map((e) => `${e.row} ${e.code}`)).toEqual(['2 IMPORT_OUT_OF_SCOPE', '3 IMPORT_OUT_OF_SCOPE']);
  });

  it('reports as total the rows it read, not the estimate from the line count a blank line inflated', async () => {
    const { ctx } = env();
    const file = path.join(dir, 'blank-lines.csv');
    // Two data rows with a blank line between them: 3 line breaks after the header, 2 rows.
    fs.writeFileSync(file, `\uFEFF${HEADER}\r\n030171008888,Ngô Thị Thu,1971-04-30,Nữ,10897,Thôn E,\r\n\r\n030068009999,Bùi Văn Tâm,1968-08-19,Nam,10897,Thôn F,\r\n`);
    const status = await importCitizens(ctx.db, file, { actor: cli, referenceDate: '2023-02-28' });
    expect(status).toMatchObject({ status: 'done', rowsRead: 2, rowsTotal: 2, created: 2, badRows: 0 });
  });
});

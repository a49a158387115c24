import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { modules } from '../app/modules.js';
import type { StaffRole } from '../platform/auth.js';
import { readIndicator } from '../platform/rollups.js';
import { startTestPlatform } from '../platform/testing/app.js';
import { forEachEngine } from '../platform/testing/engines.js';
import { createStaff, signInStaff } from '../identity/index.js';
import { rebuildRollups, verifyRollups } from '../reports/index.js';
import { unitCodeExists, type UnitsTables } from '../units/index.js';
import { DESK_INDICATORS } from './rollups.js';

const cli = { kind: 'cli' as const, id: 'cli:test' };
const D = '2023-02-28';
const PASSWORD = 'Mot-cua-2023!';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function setup(t: Parameters<typeof startTestPlatform>[0]) {
  const platform = await startTestPlatform(t);
  const tokens: Record<string, string> = {};
  const staff: [string, StaffRole, string][] = [
    ['canbo.camhoang', 'COMMUNE_OFFICER', '10897'],
    ['hotro.camhoang', 'SUPPORT_TEAM', '10897'],
  ];
  for (const [username, role, unit] of staff) {
    await createStaff(platform.ctx.db, { username, password: PASSWORD, role, unitCode: unit, unitDate: D }, cli, (c) => unitCodeExists(platform.ctx.db.as<UnitsTables>(), c));
    tokens[username] = (await signInStaff(platform.ctx.db, username, PASSWORD, '127.0.0.1')).token;
  }
  return { ...platform, tokens };
}

forEachEngine('desk roll-ups recounted from the help log', setup, (env) => {
  const call = (method: 'GET' | 'POST', url: string, who: string, payload?: unknown, headers: Record<string, string> = {}) =>
    env().app.inject({ method, url, payload: payload as never, headers: { authorization: `Bearer ${env().tokens[who]}`, ...headers } });

  it('recounts desk.help as the entries not voided, by desk unit, day, kind and outcome', async () => {
    const site = await call('POST', '/api/v1/desk/sites', 'canbo.camhoang', { name: 'Trụ sở UBND xã Cẩm Hoàng', kind: 'commune_office', internet: 'fixed_broadband', address: 'Trụ sở UBND xã Cẩm Hoàng' });
    expect(site.statusCode).toBe(201);
    const desk = await call('POST', '/api/v1/desk/desks', 'canbo.camhoang', { siteId: site.json().id, name: 'Quầy hỗ trợ số 1' });
    expect(desk.statusCode).toBe(201);
    const deskId = desk.json().id as number;
    const help = (kind: string, outcome: string, at: string) => call('POST', '/api/v1/desk/help', 'hotro.camhoang', { deskId, kind, outcome, at });
    expect((await help('guided_self_filing', 'completed', '2023-02-15T09:30:00+07:00')).statusCode).toBe(201);
    expect((await help('guided_self_filing', 'completed', '2023-02-15T14:00:00+07:00')).statusCode).toBe(201);
    // 06:30 on 16 February in Vietnam is still the 15th in UTC: the entry's Vietnam day counts.
    expect((await help('vneid_install', 'failed', '2023-02-15T23:30:00Z')).json()).toMatchObject({ day: '2023-02-16' });
    const mistake = await help('filed_on_behalf', 'pending', '2023-02-17T09:00:00+07:00');
    const voided = await call('POST', `/api/v1/desk/help/${mistake.json().id}/void`, 'hotro.camhoang', { reason: 'Ghi nhầm quầy' });
    expect(voided.json()).toMatchObject({ voidedAt: expect.any(String) });
    // A help log imported from a spreadsheet is counted like entries made by hand.
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Sổ hỗ trợ');
    for (const r of [['Thời gian', 'Quầy', 'Nội dung hỗ trợ', 'Kết quả'], ['20/02/2023 08:15', 'Quầy hỗ trợ số 1', 'Cài đặt ứng dụng VNeID', 'Hoàn thành']]) sheet.addRow(r);
    const imported = await call('POST', '/api/v1/desk/imports/help', 'canbo.camhoang', Buffer.from(await wb.xlsx.writeBuffer()), { 'content-type': XLSX, 'x-file-name': 'help.xlsx' });
    expect(imported.json()).toMatchObject({ imported: 1, badRows: 0 });

    const k = env().ctx.db.kysely;
    const counted = await readIndicator(k, { indicator: 'desk.help', from: '2023-02-01', to: '2023-02-28' });
    expect(counted.map((r) => `${r.day} ${r.unitCode} ${r.dims.kind}/${r.dims.outcome} ${r.count}`).sort()).toEqual([
      '2023-02-15 10897 guided_self_filing/completed 2',
      '2023-02-16 10897 vneid_install/failed 1',
      '2023-02-20 10897 vneid_install/completed 1',
    ]);
    // The voided entry's row is back at zero (stored, but not compared: zero rows are left out).
    expect(await readIndicator(k, { indicator: 'desk.help', from: '2023-02-17', to: '2023-02-17' })).toEqual([]);

    const ok = await verifyRollups(env().ctx.db, modules, DESK_INDICATORS);
    expect(ok).toMatchObject({ ok: true, indicators: ['desk.help'], rowsCompared: 3, differences: [] });

    // One counter row changed by hand: verify lists exactly that row.
    await sql`update indicator_counts set count = count - 1 where indicator = 'desk.help' and day = '2023-02-15'`.execute(k);
    expect(await verifyRollups(env().ctx.db, modules, DESK_INDICATORS)).toMatchObject({
      ok: false,
      differences: [{ indicator: 'desk.help', unitCode: '10897', day: '2023-02-15', dims: 'kind=guided_self_filing;outcome=completed', stored: 1, recounted: 2 }],
    });
    expect(await rebuildRollups(env().ctx.db, modules, cli, DESK_INDICATORS)).toMatchObject({ indicators: ['desk.help'], written: 3 });
    expect(await verifyRollups(env().ctx.db, modules, DESK_INDICATORS)).toMatchObject({ ok: true, rowsCompared: 3, differences: [] });
    expect(await readIndicator(k, { indicator: 'desk.help', from: '2023-02-15', to: '2023-02-15' })).toEqual([{ unitCode: '10897', day: '2023-02-15', dims: { kind: 'guided_self_filing', outcome: 'completed' }, count: 2 }]);
  });
});

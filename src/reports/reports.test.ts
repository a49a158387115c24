import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { pdfText } from '../platform/testing/pdf.js';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { auditEntriesFor } from '../platform/audit/audit.js';
import type { StaffRole } from '../platform/auth.js';
import { runDueJobs } from '../platform/jobs/index.js';
import { Temporal } from 'temporal-polyfill';
import { FOLD_JOB, foldJob, scheduleFold } from './rebuild.js';
import { sumMonthSegments } from './store.js';
import { reportsModule } from './index.js';
import type { PlatformModule } from '../platform/module.js';
import { countIndicator, foldedThrough, foldMonthRows, type IndicatorCount } from '../platform/rollups.js';
import { addDays, todayInVietnam, VIETNAM_TIME_ZONE } from '../platform/dates.js';
import { startTestPlatform } from '../platform/testing/app.js';
import { forEachEngine } from '../platform/testing/engines.js';
import { createStaff, signInStaff } from '../identity/index.js';
import { createCitizen } from '../population/index.js';
import { deployService } from '../services/index.js';
import { importSuccessions, importUnitList, unitCodeExists, type UnitsTables } from '../units/index.js';
import { barChartSvg, chartPng, PNG_SCALE } from './chart.js';
import { bucketsOf, previousPeriod } from './periods.js';
import { MONTHLY_JOB, monthlyJob, scheduleMonthlyReports } from './monthly.js';
import { rebuildRollups, verifyRollups } from './rebuild.js';

const cli = { kind: 'cli' as const, id: 'cli:test' };
const D = '2023-02-28';
const PASSWORD = 'Mot-cua-2023!';
const DATA = path.resolve(import.meta.dirname, '../../../shared/data/admin-units');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Counter rows as the modules write them, on real units: Xã Cẩm Hoàng (10897) and Thị trấn Cẩm
 * Giang (10888) in Huyện Cẩm Giàng (295), Phường Cẩm Thượng (10507) in Thành phố Hải Dương (288),
 * all in Tỉnh Hải Dương (30); Phường Quán Toan (11296) in Quận Hồng Bàng (303), Thành phố Hải
 * Phòng (31). February 2023, and January 2023 for the comparison.
 */
const COUNTS: IndicatorCount[] = [
  // e-ID applications: Hải Dương 100 in February (295: 70, 288: 30), 30 in January; Hải Phòng 100.
  { indicator: 'eid.applications', unitCode: '10897', day: '2023-02-06', dims: { channel: 'campaign', level: '2' }, delta: 40 },
  { indicator: 'eid.applications', unitCode: '10897', day: '2023-02-20', dims: { channel: 'online', level: '1' }, delta: 5 },
  { indicator: 'eid.applications', unitCode: '10888', day: '2023-02-13', dims: { channel: 'police_desk', level: '2' }, delta: 25 },
  { indicator: 'eid.applications', unitCode: '10507', day: '2023-02-27', dims: { channel: 'police_desk', level: '2' }, delta: 30 },
  { indicator: 'eid.applications', unitCode: '11296', day: '2023-02-15', dims: { channel: 'online', level: '2' }, delta: 100 },
  { indicator: 'eid.applications', unitCode: '10897', day: '2023-01-16', dims: { channel: 'campaign', level: '2' }, delta: 20 },
  { indicator: 'eid.applications', unitCode: '10507', day: '2023-01-31', dims: { channel: 'police_desk', level: '2' }, delta: 10 },
  { indicator: 'eid.decisions', unitCode: '10897', day: '2023-02-07', dims: { outcome: 'approved', level: '2' }, delta: 38 },
  { indicator: 'eid.decisions', unitCode: '10897', day: '2023-02-07', dims: { outcome: 'rejected', level: '2' }, delta: 2 },
  // Activations: 50 in Hải Dương (ratio 50 / 100).
  { indicator: 'eid.activations', unitCode: '10897', day: '2023-02-07', dims: { level: '2', channel: 'campaign' }, delta: 30 },
  { indicator: 'eid.activations', unitCode: '10507', day: '2023-02-28', dims: { level: '2', channel: 'police_desk' }, delta: 20 },
  // Dossiers: police 20 (14 through the online system), other sectors 20 (6 online); 16 of the 20 online ones filed alone.
  ...dossiers('10897', '1.004222', 'police', { online: 7, counter: 3 }),
  ...dossiers('10507', '1.004222', 'police', { online: 5, mobile: 2, counter: 3 }),
  ...dossiers('10897', '1.001193', 'justice', { on_behalf: 2, counter: 6 }),
  ...dossiers('10507', '1.001193', 'justice', { online: 4, counter: 8 }),
  { indicator: 'dossiers.completed', unitCode: '10897', day: '2023-02-24', dims: { onTime: 'yes' }, delta: 8 },
  { indicator: 'dossiers.completed', unitCode: '10897', day: '2023-02-24', dims: { onTime: 'no' }, delta: 2 },
  { indicator: 'dossiers.overdue', unitCode: '10507', day: '2023-02-21', delta: 2 },
  { indicator: 'dossiers.apologies', unitCode: '10897', day: '2023-02-17', delta: 1 },
  { indicator: 'desk.help', unitCode: '10897', day: '2023-02-08', dims: { kind: 'guided_self_filing', outcome: 'completed' }, delta: 12 },
  { indicator: 'desk.help', unitCode: '10897', day: '2023-02-08', dims: { kind: 'filed_on_behalf', outcome: 'completed' }, delta: 3 },
];

function dossiers(unitCode: string, service: string, sector: string, byChannel: Record<string, number>): IndicatorCount[] {
  return Object.entries(byChannel).map(([channel, delta]) => ({
    indicator: 'dossiers.received',
    unitCode,
    day: '2023-02-14',
    dims: { service, sector, channel, filedBy: channel === 'on_behalf' || channel === 'mobile' ? 'on_behalf' : 'self' },
    delta,
  }));
}

async function setup(t: Parameters<typeof startTestPlatform>[0]) {
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-reports-files-'));
  const platform = await startTestPlatform(t, { MOTCUA_FILES_DIR: filesDir });
  const db = platform.ctx.db;
  const tokens: Record<string, string> = {};
  const staff: [string, StaffRole, string | null, string][] = [
    ['admin', 'ADMIN', null, D],
    ['bcd.haiduong', 'WORKING_GROUP', '30', D],
    ['canbo.camhoang', 'COMMUNE_OFFICER', '10897', D],
  ];
  for (const [username, role, unit, unitDate] of staff) {
    await createStaff(db, { username, password: PASSWORD, role, unitCode: unit, unitDate }, cli, (c) => unitCodeExists(db.as<UnitsTables>(), c));
    tokens[username] = (await signInStaff(db, username, PASSWORD, '127.0.0.1')).token;
  }
  for (const c of COUNTS) await countIndicator(db.kysely, c);
  // The month rows hold the days through 14 February (a nightly fold then); the later days are read
  // from the counter rows past the watermark: every figure of February adds both.
  await foldMonthRows(db, '2023-02-14');
  // Two essential services deployed province-wide, one more in Xã Cẩm Hoàng from 10 February.
  await deployService(db, 'P.000001', '30', '2022-12-01', cli);
  await deployService(db, 'P.000002', '30', '2022-12-01', cli);
  await deployService(db, '1.004222', '10897', '2023-02-10', cli);
  // Three people in the registry: two in Xã Cẩm Hoàng, one in Phường Cẩm Thượng.
  for (const [pin, sex, born, unitCode] of [
    ['030190012345', 'female', '1990-05-01', '10897'],
    ['030090054321', 'male', '1990-07-12', '10897'],
    ['030085000111', 'male', '1985-03-03', '10507'],
  ] as const) {
    await createCitizen(db, { pin, fullName: 'Nguyễn Văn Thử', dateOfBirth: born, sex, permanentResidence: { unitCode, unitDate: D } }, cli);
  }
  return { ...platform, tokens, filesDir };
}

forEachEngine('reports', setup, (env, engine) => {
  const call = (method: 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST', url: string, who: string, payload?: unknown) =>
    env().app.inject({ method, url, payload: payload as never, headers: { authorization: `Bearer ${env().tokens[who]}` } });
  const get = async (url: string, who = 'bcd.haiduong') => {
    const r = await call('GET', url, who);
    return { status: r.statusCode, body: r.json() };
  };
  const FEB = 'from=2023-02-01&to=2023-02-28';

  it('refuses ids beyond 2^53 − 1 as 400 (the fuzzer\'s `1e21` reached PostgreSQL\'s bigint: a 500)', async () => {
    for (const [method, url] of [['GET', '/api/v1/reports/archive/1e21'], ['DELETE', '/api/v1/reports/targets/1e21']] as const) {
      const r = await call(method, url, 'bcd.haiduong');
      expect(r.statusCode, url).toBe(400);
      expect(r.json().errors, url).toMatchObject([{ field: 'params.id', code: 'FIELD_OUT_OF_RANGE' }]);
    }
  });

  describe('periods', () => {
    it('compares whole months with as many months before, other ranges with as many days before', () => {
      expect(previousPeriod('2023-02-01', '2023-02-28')).toEqual({ from: '2023-01-01', to: '2023-01-31' });
      expect(previousPeriod('2023-01-01', '2023-03-31')).toEqual({ from: '2022-10-01', to: '2022-12-31' });
      expect(previousPeriod('2023-02-13', '2023-02-19')).toEqual({ from: '2023-02-06', to: '2023-02-12' });
      expect(previousPeriod('2024-03-01', '2024-03-31')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    });

    it('cuts ISO-8601 weeks and quarters, clipped to the range', () => {
      expect(bucketsOf('week', '2023-02-01', '2023-02-28').map((b) => `${b.key} ${b.from}..${b.to}`)).toEqual([
        '2023-W05 2023-02-01..2023-02-05',
        '2023-W06 2023-02-06..2023-02-12',
        '2023-W07 2023-02-13..2023-02-19',
        '2023-W08 2023-02-20..2023-02-26',
        '2023-W09 2023-02-27..2023-02-28',
      ]);
      // 1 January 2023 is a Sunday: it belongs to week 52 of 2022.
      expect(bucketsOf('week', '2023-01-01', '2023-01-02').map((b) => b.key)).toEqual(['2022-W52', '2023-W01']);
      expect(bucketsOf('quarter', '2022-11-15', '2023-04-02').map((b) => `${b.label} ${b.from}..${b.to}`)).toEqual(['Quý IV/2022 2022-11-15..2022-12-31', 'Quý I/2023 2023-01-01..2023-03-31', 'Quý II/2023 2023-04-01..2023-04-02']);
    });
  });

  describe('indicators on historical boundaries', () => {
    it('sums e-ID applications of Tỉnh Hải Dương for February 2023 and compares with January', async () => {
      const r = await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}`);
      expect(r.status).toBe(200);
      expect(r.body.unit).toEqual({ code: '30', level: 'province', name: 'Hải Dương', fullName: 'Tỉnh Hải Dương' });
      expect(r.body.total).toEqual({ value: 100, numerator: 100, denominator: null });
      expect(r.body.previous).toMatchObject({ from: '2023-01-01', to: '2023-01-31', value: 30, change: 70 });
      expect(r.body.previous.relativeChange).toBeCloseTo(70 / 30, 10);
      expect(r.body.notes).toEqual({ unplacedRecords: 0, approximateRecords: 0, liftedRecords: 0 });
      expect(r.body.indicator.definition.periodDate.en).toBe('Date the application was received (Vietnam time)');
    });

    it('compares a week with the seven days before it', async () => {
      const r = await get('/api/v1/reports/indicators?indicator=eid.applications&from=2023-02-13&to=2023-02-19');
      expect(r.body.total.value).toBe(25);
      expect(r.body.previous).toMatchObject({ from: '2023-02-06', to: '2023-02-12', value: 40, change: -15 });
    });

    it('rolls communes up to districts: Huyện Cẩm Giàng 70, Thành phố Hải Dương 30, the other ten 0, in Vietnamese collation', async () => {
      const r = await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}&groupBy=unit`);
      expect(r.body.rows.map((x: { unit: { name: string } }) => x.unit.name)).toEqual([
        'Bình Giang',
        'Cẩm Giàng',
        'Chí Linh',
        'Gia Lộc',
        'Hải Dương',
        'Kim Thành',
        'Kinh Môn',
        'Nam Sách',
        'Ninh Giang',
        'Thanh Hà',
        'Thanh Miện',
        'Tứ Kỳ',
      ]);
      const byCode = Object.fromEntries(r.body.rows.map((x: { unit: { code: string }; value: number; rank: number; previous: { value: number } }) => [x.unit.code, [x.value, x.rank, x.previous.value]]));
      expect(byCode['295']).toEqual([70, 1, 20]);
      expect(byCode['288']).toEqual([30, 2, 10]);
      expect(byCode['300']).toEqual([0, 3, 0]);
      expect(r.body.unassigned).toBeNull();
      const district = await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}&unit=295&groupBy=unit`);
      expect(district.body.total.value).toBe(70);
      expect(district.body.rows.filter((x: { value: number }) => x.value > 0).map((x: { unit: { code: string }; value: number }) => `${x.unit.code} ${x.value}`)).toEqual(['10888 25', '10897 45']);
    });

    it('gives series by ISO week, by quarter and cumulatively by month', async () => {
      const weeks = await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}&groupBy=week`);
      expect(weeks.body.series.map((p: { label: string; value: number }) => `${p.label}: ${p.value}`)).toEqual(['Tuần 05/2023: 0', 'Tuần 06/2023: 40', 'Tuần 07/2023: 25', 'Tuần 08/2023: 5', 'Tuần 09/2023: 30']);
      const quarters = await get('/api/v1/reports/indicators?indicator=eid.applications&from=2022-10-01&to=2023-03-31&groupBy=quarter');
      expect(quarters.body.series.map((p: { key: string; value: number }) => [p.key, p.value])).toEqual([
        ['2022-Q4', 0],
        ['2023-Q1', 130],
      ]);
      const cumulative = await get('/api/v1/reports/indicators?indicator=eid.applications&from=2023-01-01&to=2023-02-28&groupBy=month&cumulative=true');
      expect(cumulative.body.series.map((p: { key: string; value: number }) => [p.key, p.value])).toEqual([
        ['2023-01', 30],
        ['2023-02', 130],
      ]);
      expect(cumulative.body.cumulative).toBe(true);
    });

    it('breaks e-ID applications down by channel and filters by channel', async () => {
      const r = await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}&breakdown=channel`);
      expect(r.body.total.breakdown.map((b: { key: string; value: number }) => `${b.key} ${b.value}`)).toEqual(['campaign 40', 'online 5', 'police_desk 55']);
      const online = await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}&channel=online`);
      expect(online.body.total.value).toBe(5);
      const bad = await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}&channel=counter`);
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('REPORTS_FILTER_VALUE');
      const notHere = await get(`/api/v1/reports/indicators?indicator=eid.approved&${FEB}&sector=police`);
      expect(notHere.body.code).toBe('REPORTS_FILTER_NOT_APPLICABLE');
    });

    it('computes e-ID decisions, activations and the activation ratio', async () => {
      expect((await get(`/api/v1/reports/indicators?indicator=eid.approved&${FEB}`)).body.total.value).toBe(38);
      expect((await get(`/api/v1/reports/indicators?indicator=eid.rejected&${FEB}`)).body.total.value).toBe(2);
      expect((await get(`/api/v1/reports/indicators?indicator=eid.activated&${FEB}`)).body.total.value).toBe(50);
      const ratio = await get(`/api/v1/reports/indicators?indicator=eid.activationRatio&${FEB}`);
      expect(ratio.body.total).toEqual({ value: 0.5, numerator: 50, denominator: 100 });
      // January had applications and no activations: 0 of 30.
      expect(ratio.body.previous).toMatchObject({ value: 0, numerator: 0, denominator: 30, change: 0.5, relativeChange: null });
    });

    it('gives the online share of police services (70 %) against other sectors (30 %) and the self-service share (80 %)', async () => {
      const police = await get(`/api/v1/reports/indicators?indicator=dossiers.onlineShare&${FEB}&sector=police`);
      expect(police.body.total).toEqual({ value: 0.7, numerator: 14, denominator: 20 });
      const other = await get(`/api/v1/reports/indicators?indicator=dossiers.onlineShare&${FEB}&sector=other`);
      expect(other.body.total).toEqual({ value: 0.3, numerator: 6, denominator: 20 });
      const groups = await get(`/api/v1/reports/indicators?indicator=dossiers.onlineShare&${FEB}&breakdown=sectorGroup`);
      expect(groups.body.total).toMatchObject({ numerator: 20, denominator: 40, value: 0.5 });
      expect(groups.body.total.breakdown).toEqual([
        { key: 'other', value: 0.3, numerator: 6, denominator: 20 },
        { key: 'police', value: 0.7, numerator: 14, denominator: 20 },
      ]);
      expect((await get(`/api/v1/reports/indicators?indicator=dossiers.selfServiceShare&${FEB}`)).body.total).toEqual({ value: 0.8, numerator: 16, denominator: 20 });
      expect((await get(`/api/v1/reports/indicators?indicator=dossiers.received&${FEB}`)).body.total.value).toBe(40);
      expect((await get(`/api/v1/reports/indicators?indicator=dossiers.onTimeShare&${FEB}`)).body.total).toEqual({ value: 0.8, numerator: 8, denominator: 10 });
      expect((await get(`/api/v1/reports/indicators?indicator=dossiers.overdue&${FEB}`)).body.total.value).toBe(2);
      expect((await get(`/api/v1/reports/indicators?indicator=dossiers.apologies&${FEB}`)).body.total.value).toBe(1);
      expect((await get(`/api/v1/reports/indicators?indicator=desk.help&${FEB}&breakdown=kind`)).body.total.breakdown.map((b: { key: string; value: number }) => `${b.key} ${b.value}`)).toEqual(['filed_on_behalf 3', 'guided_self_filing 12']);
    });

    it('reads essential services deployed (x of 25) per unit on the last day, and citizens in the registry', async () => {
      const s = await get(`/api/v1/reports/indicators?indicator=services.deployed&${FEB}&unit=295&groupBy=unit`);
      expect(s.body.total).toEqual({ value: 2, numerator: 2, denominator: 25 });
      const rows = Object.fromEntries(s.body.rows.map((x: { unit: { code: string }; value: number }) => [x.unit.code, x.value]));
      expect(rows['10897']).toBe(3);
      expect(rows['10888']).toBe(2);
      // Before 10 February Xã Cẩm Hoàng had the province's two.
      expect((await get('/api/v1/reports/indicators?indicator=services.deployed&from=2023-02-01&to=2023-02-09&unit=10897', 'canbo.camhoang')).body.total.value).toBe(2);
      const people = await get(`/api/v1/reports/indicators?indicator=population.citizens&${FEB}&groupBy=unit`);
      expect(people.body.total.value).toBe(3);
      expect(people.body.rows.filter((x: { value: number }) => x.value > 0).map((x: { unit: { code: string }; value: number }) => `${x.unit.code} ${x.value}`)).toEqual(['295 2', '288 1']);
    });

    it('reads equipment coverage from the desk inventory as of the period’s last day', async () => {
      // The inventory as it stood in February 2023: two village cultural houses, one connected computer.
      const site = (kind: string, name: string, internet: string) => call('POST', '/api/v1/desk/sites', 'admin', { unitCode: '10897', unitDate: D, kind, name, internet, effectiveOn: '2023-01-09' });
      const a = await site('cultural_house', 'Nhà văn hóa thôn Hoàng Xá', 'fixed_broadband');
      expect(a.statusCode).toBe(201);
      expect((await site('cultural_house', 'Nhà văn hóa thôn Ninh Bình', 'none')).statusCode).toBe(201);
      const computer = await call('POST', '/api/v1/desk/devices', 'admin', { siteId: a.json().id, kind: 'computer', status: 'working', funding: 'commune_budget', acquiredOn: '2023-01-09' });
      expect(computer.statusCode).toBe(201);
      // The computer broke on 10 March 2023 (recorded later): February keeps its figures, March does not.
      expect((await call('PATCH', `/api/v1/desk/devices/${computer.json().id}`, 'admin', { status: 'broken', effectiveOn: '2023-03-10' })).statusCode).toBe(200);
      expect((await get(`/api/v1/reports/indicators?indicator=desk.equipmentCoverage&${FEB}`)).body.total).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
      expect((await get(`/api/v1/reports/indicators?indicator=desk.equipmentCoverage&from=2023-03-01&to=2023-03-31`)).body.total).toEqual({ value: 0, numerator: 0, denominator: 2 });
      expect((await get(`/api/v1/reports/indicators?indicator=desk.equipmentCoverage&from=2022-12-01&to=2022-12-31`)).body.total).toEqual({ value: null, numerator: 0, denominator: 0 });
      expect((await get(`/api/v1/reports/indicators?indicator=desk.computers&${FEB}&unit=295&groupBy=unit`)).body.rows.find((x: { unit: { code: string } }) => x.unit.code === '10897').value).toBe(1);
      expect((await get(`/api/v1/reports/indicators?indicator=desk.dutyCoverage&${FEB}`)).body.total).toEqual({ value: null, numerator: 0, denominator: 0 });
    });
  });

  describe('scope', () => {
    it('limits a commune officer to their commune', async () => {
      const own = await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}`, 'canbo.camhoang');
      expect(own.body.unit.code).toBe('10897');
      expect(own.body.total.value).toBe(45);
      const province = await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}&unit=30`, 'canbo.camhoang');
      expect(province.status).toBe(403);
      expect(province.body.code).toBe('REPORTS_OUT_OF_SCOPE');
    });

    it('tells the Hải Dương working group its province is no longer in force on current boundaries, and keeps Hải Phòng from it', async () => {
      const r = await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}&boundaries=current&at=2025-07-01`);
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('UNIT_NOT_FOUND');
      expect(r.body.successors).toEqual([{ code: '31', kind: 'full', effectiveDate: '2025-07-01', fullName: 'Thành phố Hải Phòng' }]);
      const hp = await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}&boundaries=current&at=2025-07-01&unit=31`);
      expect(hp.status).toBe(403);
    });

    it('refuses an unknown indicator and a period that ends before it starts', async () => {
      expect((await get('/api/v1/reports/indicators?indicator=eid.nothing')).body.code).toBe('REPORTS_INDICATOR_UNKNOWN');
      expect((await get('/api/v1/reports/indicators?indicator=eid.applications&from=2023-03-01&to=2023-02-01')).body.code).toBe('REPORTS_PERIOD_INVALID');
      expect((await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}&breakdown=sector`)).body.code).toBe('REPORTS_BREAKDOWN_NOT_AVAILABLE');
      const unknown = await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}&unit=99999`, 'admin');
      expect([unknown.status, unknown.body.code]).toEqual([404, 'UNIT_NOT_FOUND']);
      const monthly = await call('GET', '/api/v1/reports/monthly.pdf?month=2023-02', 'admin');
      expect([monthly.statusCode, monthly.json().code]).toEqual([400, 'REPORTS_UNIT_REQUIRED']);
      expect((await call('GET', '/api/v1/reports/monthly.pdf?month=2023-13', 'admin')).statusCode).toBe(400);
    });

    it('documents every reports route in OpenAPI and serves the catalogue', async () => {
      const doc = (await env().app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      for (const route of ['/api/v1/reports/catalogue', '/api/v1/reports/indicators', '/api/v1/reports/dashboard', '/api/v1/reports/monthly.xlsx', '/api/v1/reports/monthly.pdf', '/api/v1/reports/targets', '/api/v1/reports/archive']) {
        expect(doc.paths[route]?.get?.summary, route).toBeTruthy();
      }
      const catalogue = await get('/api/v1/reports/catalogue');
      expect(catalogue.body.items.map((i: { id: string }) => i.id)).toEqual([
        'eid.applications',
        'eid.approved',
        'eid.rejected',
        'eid.activated',
        'eid.activationRatio',
        'services.deployed',
        'dossiers.received',
        'dossiers.onlineShare',
        'dossiers.completed',
        'dossiers.onTimeShare',
        'dossiers.overdue',
        'dossiers.apologies',
        'dossiers.selfServiceShare',
        'desk.help',
        'desk.dutyCoverage',
        'desk.equipmentCoverage',
        'desk.computers',
        'population.citizens',
      ]);
      expect(catalogue.body.items.find((i: { id: string }) => i.id === 'dossiers.onlineShare').measure).toEqual({
        kind: 'ratio',
        numerator: { indicator: 'dossiers.received', where: [{ dim: 'channel', values: ['online', 'on_behalf', 'mobile'] }] },
        denominator: { indicator: 'dossiers.received' },
      });
      expect(catalogue.body.breakdowns.sectorGroup.values.police.vi).toBe('Lĩnh vực Công an');
    });
  });

  describe('current boundaries', () => {
    it('re-aggregates Hải Dương and old Hải Phòng onto Thành phố Hải Phòng (31) of 2025', async () => {
      const r = await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}&boundaries=current&at=2025-07-01&groupBy=unit`, 'admin');
      expect(r.status).toBe(200);
      expect(r.body.unit).toBeNull();
      expect(r.body.unitsAt).toBe('2025-07-01');
      expect(r.body.rows).toHaveLength(34);
      const hp = r.body.rows.find((x: { unit: { code: string } }) => x.unit.code === '31');
      expect(hp).toMatchObject({ unit: { code: '31', fullName: 'Thành phố Hải Phòng' }, value: 200, rank: 1, previous: { value: 30 } });
      // Without the 2025 commune list the communes' rows move with their province.
      expect(r.body.notes).toEqual({ unplacedRecords: 0, approximateRecords: 0, liftedRecords: 200 });
      const city = await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}&boundaries=current&at=2025-07-01&unit=31&groupBy=unit`, 'admin');
      expect(city.body.total.value).toBe(200);
      expect(city.body.unassigned).toEqual({ value: 200, numerator: 200, denominator: null });
      // Historical boundaries keep them apart.
      const old = await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}&groupBy=unit`, 'admin');
      expect(old.body.rows).toHaveLength(63);
      expect(old.body.rows.filter((x: { value: number }) => x.value > 0).map((x: { unit: { code: string }; value: number }) => `${x.unit.code} ${x.value}`)).toEqual(['30 100', '31 100']);
    });

    it('moves commune rows onto the 2025 communes once the new list and the merges are imported', async () => {
      const db = env().ctx.db;
      await importUnitList(db, path.join(DATA, 'post2025/vn-units-2level-2025-07-01.json'), { validFrom: '2025-07-01', source: 'Quyết định 19/2025/QĐ-TTg', actor: cli });
      await importSuccessions(db, path.join(DATA, 'mapping/new-to-old-merges.json'), { actor: cli });
      const r = await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}&boundaries=current&at=2025-07-01&unit=31&groupBy=unit`, 'admin');
      expect(r.body.total.value).toBe(200);
      const camGiang = r.body.rows.find((x: { unit: { code: string } }) => x.unit.code === '10888');
      // Old Xã Cẩm Hoàng (45) and old Thị trấn Cẩm Giang (25) are in new Xã Cẩm Giang.
      expect(camGiang).toMatchObject({ unit: { code: '10888', fullName: 'Xã Cẩm Giang', level: 'commune' }, value: 70 });
      expect(r.body.unassigned).toBeNull();
      expect(r.body.notes.liftedRecords).toBe(0);
      expect(r.body.rows.reduce((a: number, x: { value: number }) => a + x.value, 0)).toBe(200);
      // The new commune's area through time covers its predecessors: a working group of 2025 sees them.
      const commune = await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}&boundaries=current&at=2025-07-01&unit=10888`, 'admin');
      expect(commune.body.total.value).toBe(70);
      expect(commune.body.unit.fullName).toBe('Xã Cẩm Giang');
    });

    it('places a unit day by day where its version changes within a period (10888: a town until 2025-06-30, a larger commune after)', async () => {
      const db = env().ctx.db;
      await countIndicator(db.kysely, { indicator: 'eid.decisions', unitCode: '10888', day: '2023-02-09', dims: { outcome: 'rejected', level: '2' }, delta: 4 });
      await countIndicator(db.kysely, { indicator: 'eid.decisions', unitCode: '10888', day: '2025-08-04', dims: { outcome: 'rejected', level: '2' }, delta: 6 });
      const range = 'from=2023-02-01&to=2025-12-31';
      const old = await get(`/api/v1/reports/indicators?indicator=eid.rejected&${range}&groupBy=unit`, 'admin');
      expect(old.body.total.value).toBe(12);
      expect(old.body.rows.filter((x: { value: number }) => x.value > 0).map((x: { unit: { code: string; fullName: string }; value: number }) => `${x.unit.code} ${x.unit.fullName} ${x.value}`)).toEqual([
        '30 Tỉnh Hải Dương 6',
        '31 Thành phố Hải Phòng 6',
      ]);
      const years = await get(`/api/v1/reports/indicators?indicator=eid.rejected&${range}&groupBy=year`, 'admin');
      expect(years.body.series.map((p: { key: string; value: number }) => `${p.key} ${p.value}`)).toEqual(['2023 6', '2024 0', '2025 6']);
      const now = await get(`/api/v1/reports/indicators?indicator=eid.rejected&${range}&boundaries=current&at=2025-12-31&unit=31&groupBy=unit`, 'admin');
      expect(now.body.total.value).toBe(12);
      expect(now.body.rows.filter((x: { value: number }) => x.value > 0).map((x: { unit: { code: string }; value: number }) => `${x.unit.code} ${x.value}`)).toEqual(['10888 12']);
      const quarters = await get(`/api/v1/reports/indicators?indicator=eid.rejected&from=2025-01-01&to=2025-12-31&boundaries=current&at=2025-12-31&unit=10888&groupBy=quarter&cumulative=true`, 'admin');
      expect(quarters.body.series.map((p: { key: string; value: number }) => `${p.key} ${p.value}`)).toEqual(['2025-Q1 6', '2025-Q2 6', '2025-Q3 12', '2025-Q4 12']);
    });
    it('places a row naming a commune that had already ended on its day with the commune that took it over', async () => {
      // An e-ID application of 2026 kept with the applicant's registry unit as of 2023: old Xã Cẩm Hoàng (10897).
      const db = env().ctx.db;
      await countIndicator(db.kysely, { indicator: 'eid.applications', unitCode: '10897', day: '2026-11-10', dims: { channel: 'online', level: '1' }, delta: 3 });
      for (const boundaries of ['historical', 'current']) {
        const r = await get(`/api/v1/reports/indicators?indicator=eid.applications&from=2026-11-01&to=2026-11-30&boundaries=${boundaries}&unit=31&groupBy=unit`, 'admin');
        expect(r.body.total.value).toBe(3);
        expect(r.body.rows.filter((x: { value: number }) => x.value > 0).map((x: { unit: { code: string }; value: number }) => `${x.unit.code} ${x.value}`)).toEqual(['10888 3']);
        expect(r.body.notes.unplacedRecords ?? 0).toBe(0);
      }
      // The counter has no record behind it: taken back, so that `verify` below still agrees.
      await db.kysely.deleteFrom('indicator_counts').where('unit_code', '=', '10897').where('day', '=', '2026-11-10').execute();
      await db.kysely.deleteFrom('indicator_month_counts').where('unit_code', '=', '10897').where('month', '=', '2026-11').execute();
    });
  });

  describe('targets', () => {
    it('lets the working group set a year target and shows progress to the period end', async () => {
      const put = await call('PUT', '/api/v1/reports/targets', 'bcd.haiduong', { indicator: 'eid.activated', unit: '30', from: '2023-01-01', to: '2023-12-31', value: 500, note: 'Kế hoạch năm 2023' });
      expect(put.statusCode).toBe(201);
      expect(put.json()).toMatchObject({ indicator: 'eid.activated', unitCode: '30', unitDate: '2023-12-31', from: '2023-01-01', to: '2023-12-31', value: 500 });
      const again = await call('PUT', '/api/v1/reports/targets', 'bcd.haiduong', { indicator: 'eid.activated', unit: '30', from: '2023-01-01', to: '2023-12-31', value: 400 });
      expect(again.statusCode).toBe(200);
      expect(again.json().id).toBe(put.json().id);
      const r = await get(`/api/v1/reports/indicators?indicator=eid.activated&${FEB}`);
      expect(r.body.targets).toHaveLength(1);
      expect(r.body.targets[0]).toMatchObject({ from: '2023-01-01', to: '2023-12-31', target: 400, actual: { value: 50 }, progress: 50 / 400 });
      expect(r.body.targets[0].elapsed).toBeCloseTo(59 / 365, 10);
      const audit = await auditEntriesFor(env().ctx.db, { type: 'report_target', id: String(put.json().id) }, { offset: 0, limit: 10 });
      expect(audit.items.map((a) => a.action)).toEqual(['reports.target.save', 'reports.target.save']);
    });

    it('refuses targets outside the unit, out of range, and from roles without the permission', async () => {
      expect((await call('PUT', '/api/v1/reports/targets', 'bcd.haiduong', { indicator: 'eid.activated', unit: '31', unitDate: '2025-07-01', from: '2025-07-01', to: '2025-12-31', value: 10 })).json().code).toBe('REPORTS_OUT_OF_SCOPE');
      expect((await call('PUT', '/api/v1/reports/targets', 'bcd.haiduong', { indicator: 'dossiers.onlineShare', unit: '30', from: '2023-01-01', to: '2023-12-31', value: 1.5 })).json().code).toBe('REPORTS_TARGET_VALUE');
      expect((await call('PUT', '/api/v1/reports/targets', 'canbo.camhoang', { indicator: 'eid.activated', unit: '10897', from: '2023-01-01', to: '2023-12-31', value: 10 })).statusCode).toBe(403);
      const list = await get('/api/v1/reports/targets?indicator=eid.activated');
      expect(list.body.items).toHaveLength(1);
      expect((await get('/api/v1/reports/targets', 'canbo.camhoang')).body.items).toEqual([]);
    });
  });

  describe('dashboard', () => {
    it('answers cards, series and the ranking of districts in one call', async () => {
      const r = await get(`/api/v1/reports/dashboard?${FEB}`);
      expect(r.status).toBe(200);
      const cards = Object.fromEntries(r.body.cards.map((c: { key: string; value: number | null }) => [c.key, c.value]));
      expect(cards).toMatchObject({
        'eid.applications': 100,
        'eid.activated': 50,
        'eid.activationRatio': 0.5,
        'services.deployed': 2,
        'dossiers.received': 40,
        'dossiers.onlineShare.police': 0.7,
        'dossiers.onlineShare.other': 0.3,
        'dossiers.selfServiceShare': 0.8,
        'dossiers.onTimeShare': 0.8,
        'dossiers.overdue': 2,
        'dossiers.apologies': 1,
        'desk.help': 15,
        'desk.equipmentCoverage': 0.5,
        'desk.computers': 1,
        'population.citizens': 3,
      });
      const activated = r.body.cards.find((c: { key: string }) => c.key === 'eid.activated');
      expect(activated.targets[0]).toMatchObject({ target: 400, progress: 0.125 });
      expect(activated.previous).toMatchObject({ from: '2023-01-01', to: '2023-01-31', value: 0, change: 50 });
      expect(r.body.series.granularity).toBe('day');
      expect(r.body.series.buckets).toHaveLength(28);
      const applications = r.body.series.lines.find((l: { key: string }) => l.key === 'eid.applications');
      expect(applications.values[5]).toBe(40); // 6 February
      expect(applications.values.reduce((a: number, b: number) => a + b, 0)).toBe(100);
      const camGiang = r.body.ranking.rows.find((x: { unit: { code: string } }) => x.unit.code === '295');
      expect(camGiang.values).toMatchObject({ 'eid.applications': 70, 'eid.activated': 30, 'dossiers.received': 18, 'services.deployed': 2 });
      expect(camGiang.ranks['eid.applications']).toBe(1);
      expect(r.body.ranking.rows.map((x: { unit: { code: string } }) => x.unit.code)).toHaveLength(12);
    });
  });

  describe('monthly report', () => {
    it('exports February 2023 of Tỉnh Hải Dương as XLSX with the indicator table, ranking and definitions', async () => {
      const r = await call('GET', '/api/v1/reports/monthly.xlsx?month=2023-02&date=2023-03-01', 'bcd.haiduong');
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe(XLSX);
      expect(r.headers['content-disposition']).toBe('attachment; filename="bao-cao-de-an-06-30-2023-02.xlsx"');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(r.rawPayload as never);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Báo cáo', 'Xếp hạng', 'Định nghĩa']);
      const sheet = wb.getWorksheet('Báo cáo')!;
      expect(sheet.getCell('A1').value).toBe('ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG');
      expect(sheet.getCell('E1').value).toBe('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
      expect(sheet.getCell('E3').value).toBe('Hải Dương, ngày 01 tháng 3 năm 2023');
      const line = (no: number) => sheet.getRow(9 + no).values as unknown[];
      expect(line(1).slice(1, 9)).toEqual([1, 'Hồ sơ đề nghị cấp tài khoản định danh điện tử', 'hồ sơ đề nghị', 100, 30, 70, 130, 130]);
      expect(line(2).slice(4, 11)).toEqual([50, 0, 50, 50, 50, 400, 0.125]);
      expect(line(6).slice(2, 5)).toEqual(['Tỷ lệ trực tuyến – lĩnh vực Công an', '%', 0.7]);
      const ranking = wb.getWorksheet('Xếp hạng')!;
      expect(ranking.getRow(3).values).toEqual(expect.arrayContaining(['295', 'Huyện Cẩm Giàng', 70]));
      expect(ranking.getRow(2).getCell(1).value).toBe('296');
      expect(wb.getWorksheet('Định nghĩa')!.rowCount).toBe(19);
    });

    it('exports it as an administrative PDF with the national heading, number, date, signature and ranking', async () => {
      const r = await call('GET', '/api/v1/reports/monthly.pdf?month=2023-02&date=2023-03-01&rankBy=eid.applications', 'bcd.haiduong');
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('application/pdf');
      const text = await pdfText(r.rawPayload);
      for (const s of ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG', 'TỔ CÔNG TÁC TRIỂN KHAI ĐỀ ÁN 06', '/BC-TCTĐA06', 'Hải Dương, ngày 01 tháng 3 năm 2023', 'BÁO CÁO', 'Kết quả thực hiện Đề án 06 tháng 02/2023', 'TM. TỔ CÔNG TÁC', 'TỔ TRƯỞNG', '70,0%', '30,0%', '80,0%', '2/25', 'Huyện Cẩm Giàng']) {
        expect(text).toContain(s);
      }
      // Districts in Vietnamese collation.
      expect(text.indexOf('Huyện Bình Giang')).toBeLessThan(text.indexOf('Huyện Cẩm Giàng'));
      expect(text.indexOf('Huyện Cẩm Giàng')).toBeLessThan(text.indexOf('Thành phố Chí Linh'));
    });

    // Read back with exceljs and unpdf above; opened in LibreOffice where it is installed.
    // Skipped only on a developer's machine without LibreOffice; CI (CI=true) installs it and runs it.
    it.skipIf(!fs.existsSync('/usr/bin/soffice') && !process.env.CI)('opens in LibreOffice (the workbook as CSV per sheet and as PDF)', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-lo-'));
      const xlsx = await call('GET', '/api/v1/reports/monthly.xlsx?month=2023-02&date=2023-03-01', 'bcd.haiduong');
      fs.writeFileSync(path.join(dir, 'report.xlsx'), xlsx.rawPayload);
      const lo = (...args: string[]) => execFileSync('/usr/bin/soffice', [`-env:UserInstallation=file://${dir}/profile`, '--headless', ...args, '--outdir', dir, path.join(dir, 'report.xlsx')], { timeout: 120_000, stdio: 'pipe' });
      lo('--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,1066,false,true,true,false,false,-1');
      const csv = fs.readFileSync(path.join(dir, 'report-Báo cáo.csv'), 'utf8');
      expect(csv).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
      expect(csv).toMatch(/1,Hồ sơ đề nghị cấp tài khoản định danh điện tử,hồ sơ đề nghị,100,30,\+70,130,130/);
      expect(csv).toMatch(/Tỷ lệ trực tuyến – lĩnh vực Công an,%,70\.0%,—,—,70\.0%/);
      expect(csv).toMatch(/Tài khoản định danh điện tử đã kích hoạt,tài khoản,50,0,\+50,50,50,400,12\.5%/);
      expect(fs.readFileSync(path.join(dir, 'report-Xếp hạng.csv'), 'utf8')).toMatch(/295,Huyện Cẩm Giàng,70,30,/);
      lo('--convert-to', 'pdf');
      expect(fs.readFileSync(path.join(dir, 'report.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
      fs.rmSync(dir, { recursive: true, force: true });
    }, 180_000);

    /** Width and height from a PNG's IHDR chunk (ISO/IEC 15948: signature, then IHDR at byte 8). */
    const pngSize = (png: Buffer) => {
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
      return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
    };

    it('puts the ranking chart of the districts under the indicator table of the workbook, as one PNG', async () => {
      const r = await call('GET', '/api/v1/reports/monthly.xlsx?month=2023-02&date=2023-03-01', 'bcd.haiduong');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(r.rawPayload as never);
      expect(wb.worksheets.map((w) => w.getImages().length)).toEqual([1, 0, 0]);
      const sheet = wb.getWorksheet('Báo cáo')!;
      const [image] = sheet.getImages();
      // The table's 16 lines end on row 25; the chart starts on row 27 (0-based 26), column B.
      expect([sheet.getRow(25).getCell(1).value, sheet.getRow(26).getCell(1).value]).toEqual([16, null]);
      expect([image!.range.tl.nativeRow, image!.range.tl.nativeCol]).toEqual([26, 1]);
      const png = Buffer.from(wb.getImage(Number(image!.imageId)).buffer as ArrayBuffer);
      // 640 × 404 px drawn at twice the size: a two-line title (62 px), 12 districts of 26 px, the axis (30 px).
      expect(pngSize(png)).toEqual({ width: 1280, height: 808 });
      expect(PNG_SCALE).toBe(2);
    });

    it('draws the chart in the PDF with the indicator and month in its title and the district names in Noto Serif', async () => {
      const r = await call('GET', '/api/v1/reports/monthly.pdf?month=2023-02&date=2023-03-01&rankBy=eid.applications', 'bcd.haiduong');
      const text = await pdfText(r.rawPayload);
      expect(text).toContain('Hồ sơ đề nghị cấp tài khoản định danh điện tử tháng 02/2023 – các đơn vị trực thuộc Tỉnh Hải Dương');
      // Each district once in the ranking table and once on the chart's axis.
      expect(text.split('Huyện Cẩm Giàng').length - 1).toBe(2);
      expect(text.split('Thành phố Hải Dương').length - 1).toBe(2);
    });

    it('has no chart for a commune, which has no units below', async () => {
      const xlsx = await call('GET', '/api/v1/reports/monthly.xlsx?month=2023-02&date=2023-03-01', 'canbo.camhoang');
      expect(xlsx.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as never);
      expect(wb.worksheets.map((w) => w.getImages().length)).toEqual([0, 0, 0]);
      expect(wb.getWorksheet('Xếp hạng')!.rowCount).toBe(1);
      const pdf = await call('GET', '/api/v1/reports/monthly.pdf?month=2023-02&date=2023-03-01', 'canbo.camhoang');
      expect(pdf.statusCode).toBe(200);
      const text = await pdfText(pdf.rawPayload);
      expect(text).toContain('Kết quả thực hiện Đề án 06 tháng 02/2023');
      expect(text).not.toContain('các đơn vị trực thuộc');
    });

    it('is generated at month end by the job and archived for the working group', async () => {
      const { ctx, filesDir } = env();
      await scheduleMonthlyReports(ctx.db.kysely, '2023-02');
      expect(await runDueJobs(ctx, { [MONTHLY_JOB]: monthlyJob }, { now: '2023-02-28T17:29:00.000Z' })).toEqual({ done: 0, failed: 0 });
      expect(await runDueJobs(ctx, { [MONTHLY_JOB]: monthlyJob }, { now: '2023-02-28T17:30:00.000Z' })).toEqual({ done: 1, failed: 0 });
      const mine = await get('/api/v1/reports/archive?month=2023-02');
      expect(mine.body.items.map((e: { unitCode: string; format: string }) => `${e.unitCode} ${e.format}`)).toEqual(['30 pdf', '30 xlsx']);
      const all = await get('/api/v1/reports/archive?month=2023-02', 'admin');
      expect(all.body.items.map((e: { unitCode: string; format: string }) => `${e.unitCode} ${e.format}`)).toEqual(['30 pdf', '30 xlsx', '31 pdf', '31 xlsx']);
      const entry = mine.body.items.find((e: { format: string }) => e.format === 'xlsx');
      const file = await call('GET', `/api/v1/reports/archive/${entry.id}`, 'bcd.haiduong');
      expect(file.statusCode).toBe(200);
      expect(file.rawPayload.length).toBe(entry.size);
      expect(fs.existsSync(path.join(filesDir, 'reports', '2023-02', 'bao-cao-de-an-06-30-2023-02.xlsx'))).toBe(true);
      const hp = all.body.items.find((e: { unitCode: string }) => e.unitCode === '31');
      expect((await call('GET', `/api/v1/reports/archive/${hp.id}`, 'bcd.haiduong')).json().code).toBe('REPORTS_ARCHIVE_NOT_FOUND');
    });
  });

  describe('rebuild and verify', () => {
    /** A module whose records are the seeded e-ID applications of February 2023 (its recount). */
    const eidLike = (recount: IndicatorCount[]): PlatformModule => ({ name: 'eid-test', rollups: { indicators: ['eid.applications'], recount: async () => recount } });
    const applications = COUNTS.filter((c) => c.indicator === 'eid.applications');

    it('verifies counters that agree with the records, and lists each row that does not', async () => {
      const db = env().ctx.db;
      const ok = await verifyRollups(db, [eidLike(applications)]);
      expect(ok).toMatchObject({ ok: true, indicators: ['eid.applications'], rowsCompared: 7, differences: [] });
      // A lost increment and a stray row.
      await countIndicator(db.kysely, { indicator: 'eid.applications', unitCode: '10897', day: '2023-02-06', dims: { channel: 'campaign', level: '2' }, delta: -1 });
      await countIndicator(db.kysely, { indicator: 'eid.applications', unitCode: '10918', day: '2023-02-09', dims: { channel: 'online', level: '2' } });
      const bad = await verifyRollups(db, [eidLike(applications)]);
      expect(bad.ok).toBe(false);
      expect(bad.differences).toEqual([
        { indicator: 'eid.applications', unitCode: '10897', day: '2023-02-06', dims: 'channel=campaign;level=2', stored: 39, recounted: 40 },
        { indicator: 'eid.applications', unitCode: '10918', day: '2023-02-09', dims: 'channel=online;level=2', stored: 1, recounted: 0 },
        // The same writes went into the coarse month rows: their total and the day's column.
        { indicator: 'eid.applications', unitCode: '10897', day: '2023-02', dims: 'channel=campaign;level=2', stored: 39, recounted: 40, table: 'indicator_month_counts' },
        { indicator: 'eid.applications', unitCode: '10918', day: '2023-02', dims: 'channel=online;level=2', stored: 1, recounted: 0, table: 'indicator_month_counts' },
        { indicator: 'eid.applications', unitCode: '10897', day: '2023-02-06', dims: 'channel=campaign;level=2', stored: 39, recounted: 40, table: 'indicator_month_counts' },
        { indicator: 'eid.applications', unitCode: '10918', day: '2023-02-09', dims: 'channel=online;level=2', stored: 1, recounted: 0, table: 'indicator_month_counts' },
      ]);
    });

    it('rebuilds the counters from the records in one audited transaction', async () => {
      const db = env().ctx.db;
      const r = await rebuildRollups(db, [eidLike(applications)], cli);
      expect(r).toEqual({ indicators: ['eid.applications'], deleted: 8, written: 7 });
      // Then folded through yesterday, as the nightly job does.
      expect(await foldedThrough(db.kysely)).toBe(addDays(todayInVietnam(), -1));
      expect((await verifyRollups(db, [eidLike(applications)])).ok).toBe(true);
      expect((await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}`)).body.total.value).toBe(100);
      // Other indicators are untouched.
      expect((await get(`/api/v1/reports/indicators?indicator=eid.activated&${FEB}`)).body.total.value).toBe(50);
      const audit = await auditEntriesFor(db, { type: 'indicator', id: 'eid.applications' }, { offset: 0, limit: 10 });
      expect(audit.items[0]).toMatchObject({ action: 'reports.rebuild', summary: 'replaced 8 counter rows by 7 recounted rows' });
    });

    it('finds a coarse month row changed behind the modules’ back, day column or total, and the rebuild writes it again', async () => {
      const db = env().ctx.db;
      const ok = await verifyRollups(db, [eidLike(applications)]);
      // One month row per unit, month and breakdown of the seven recounted rows (the rebuild above folded through yesterday).
      expect(ok).toMatchObject({ ok: true, rowsCompared: 7, monthRowsCompared: 7, differences: [] });
      await sql`update indicator_month_counts set d13 = d13 + 5 where indicator = 'eid.applications' and unit_code = '10888' and month = '2023-02'`.execute(db.kysely);
      await sql`update indicator_month_counts set count = count - 1 where indicator = 'eid.applications' and unit_code = '10507' and month = '2023-01'`.execute(db.kysely);
      const bad = await verifyRollups(db, [eidLike(applications)]);
      expect(bad).toMatchObject({ ok: false, rowsCompared: 7, monthRowsCompared: 7 });
      expect(bad.differences).toEqual([
        { indicator: 'eid.applications', unitCode: '10507', day: '2023-01', dims: 'channel=police_desk;level=2', stored: 9, recounted: 10, table: 'indicator_month_counts' },
        { indicator: 'eid.applications', unitCode: '10888', day: '2023-02-13', dims: 'channel=police_desk;level=2', stored: 30, recounted: 25, table: 'indicator_month_counts' },
      ]);
      // The figures read the month rows: the tampered day shows until the rebuild.
      expect((await get('/api/v1/reports/indicators?indicator=eid.applications&from=2023-02-13&to=2023-02-13')).body.total.value).toBe(30);
      expect(await rebuildRollups(db, [eidLike(applications)], cli)).toEqual({ indicators: ['eid.applications'], deleted: 7, written: 7 });
      expect(await verifyRollups(db, [eidLike(applications)])).toMatchObject({ ok: true, monthRowsCompared: 7, differences: [] });
      expect((await get('/api/v1/reports/indicators?indicator=eid.applications&from=2023-02-13&to=2023-02-13')).body.total.value).toBe(25);
      expect((await get(`/api/v1/reports/indicators?indicator=eid.applications&${FEB}`)).body.total.value).toBe(100);
    });

    it('answers from the month rows what the counter rows answer: whole months, edge days, and a sector the month rows do not keep', async () => {
      const fig = async (q: string) => (await get(`/api/v1/reports/indicators?${q}`)).body.total as { numerator: number; denominator: number | null };
      // 14 February: every dossier of the seed; 1–13 and 15–28 February: none (edge days of the month rows).
      expect((await fig('indicator=dossiers.received&from=2023-02-14&to=2023-02-14')).numerator).toBe(40);
      expect((await fig('indicator=dossiers.received&from=2023-02-01&to=2023-02-13')).numerator).toBe(0);
      expect((await fig('indicator=dossiers.received&from=2023-02-15&to=2023-03-10')).numerator).toBe(0);
      expect((await fig('indicator=dossiers.received&from=2023-01-20&to=2023-02-20')).numerator).toBe(40);
      // Police from the month rows' sector group; justice (not kept there) from the counter rows; together all.
      const police = await fig(`indicator=dossiers.received&sector=police&${FEB}`);
      const justice = await fig(`indicator=dossiers.received&sector=justice&${FEB}`);
      const other = await fig(`indicator=dossiers.received&sector=other&${FEB}`);
      expect([police.numerator, justice.numerator, other.numerator]).toEqual([20, 20, 20]);
      expect((await fig(`indicator=dossiers.received&breakdown=service&${FEB}`)).numerator).toBe(40);
    });

    it('keeps a count of a day not folded in its counter row, answers it all the same, and folds it at 00:15 the next night by the job', async () => {
      const { ctx } = env();
      const today = todayInVietnam();
      const monthRow = async () =>
        (await ctx.db.kysely.selectFrom('indicator_month_counts').select('count').where('indicator', '=', 'dossiers.apologies').where('unit_code', '=', '10897').where('month', '=', today.slice(0, 7)).executeTakeFirst())?.count;
      // An apology slip at Xã Cẩm Hoàng today: after the watermark (yesterday, since the rebuild above).
      expect(await foldedThrough(ctx.db.kysely)).toBe(addDays(today, -1));
      await countIndicator(ctx.db.kysely, { indicator: 'dossiers.apologies', unitCode: '10897', day: today, delta: 1 });
      expect(await monthRow()).toBeUndefined();
      // Read as the dashboard reads it: the month rows and the counter rows past the watermark.
      const sums = async () => (await sumMonthSegments(ctx.db.kysely, { indicator: 'dossiers.apologies', segments: [{ from: today, to: today }], variants: [[]], byUnit: true, unitCodes: ['10897'] })).map((r) => r.sums);
      expect(await sums()).toEqual([[[1]]]);
      // The fold of today waits for tomorrow, 00:15 in Vietnam.
      await scheduleFold(ctx.db.kysely, today);
      const midnight = (day: string, time: string) => Temporal.PlainDate.from(day).toZonedDateTime({ timeZone: VIETNAM_TIME_ZONE, plainTime: Temporal.PlainTime.from(time) }).toInstant().toString();
      const tomorrow = addDays(today, 1);
      expect(await runDueJobs(ctx, { [FOLD_JOB]: foldJob }, { now: midnight(tomorrow, '00:14') })).toEqual({ done: 0, failed: 0 });
      expect(await runDueJobs(ctx, { [FOLD_JOB]: foldJob }, { now: midnight(tomorrow, '00:15') })).toEqual({ done: 1, failed: 0 });
      expect(await foldedThrough(ctx.db.kysely)).toBe(today);
      expect(Number(await monthRow())).toBe(1);
      expect(await sums()).toEqual([[[1]]]);
      // The next night's fold is queued.
      const next = await ctx.db.kysely.selectFrom('jobs').select(['next_attempt_at', 'status']).where('dedupe_key', '=', `${FOLD_JOB}:${tomorrow}`).executeTakeFirst();
      expect(next).toEqual({ next_attempt_at: new Date(midnight(addDays(tomorrow, 1), '00:15')).toISOString(), status: 'pending' });
    });

    it('queues the fold through yesterday and this month’s reports when a copy starts its job loop, once however often it starts', async () => {
      const { ctx } = env();
      const today = todayInVietnam();
      const keys = [`${FOLD_JOB}:${addDays(today, -1)}`, `${MONTHLY_JOB}:${today.slice(0, 7)}`];
      const queued = async () => (await ctx.db.kysely.selectFrom('jobs').select('dedupe_key').where('dedupe_key', 'in', keys).orderBy('dedupe_key').execute()).map((r) => r.dedupe_key);
      await reportsModule.schedule!(ctx);
      await reportsModule.schedule!(ctx);
      expect(await queued()).toEqual([...keys].sort());
    });

    it('refuses a recount of an indicator the module does not declare', async () => {
      const rogue: PlatformModule = { name: 'rogue', rollups: { indicators: ['eid.applications'], recount: async () => [{ indicator: 'dossiers.received', unitCode: '10897', day: D }] } };
      await expect(verifyRollups(env().ctx.db, [rogue])).rejects.toMatchObject({ code: 'REPORTS_RECOUNT_INVALID' });
    });
  });

  if (engine === 'sqlite') {
    it('answers `motcua reports verify` with exit 1 and the rows that differ while counters disagree with the records, and 0 after `motcua reports rebuild`', async () => {
      const { runCli } = await import('../cli/main.js');
      const run = async (command: string) => {
        let out = '';
        const write = process.stdout.write.bind(process.stdout);
        const writeErr = process.stderr.write.bind(process.stderr);
        process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
        process.stderr.write = (() => true) as typeof process.stderr.write;
        try {
          const code = await runCli(['node', 'motcua', 'reports', command], { DATABASE_URL: env().t.url, LOG_LEVEL: 'silent', MOTCUA_DEMO: 'off', MOTCUA_SEED: 'none' });
          return { code, json: JSON.parse(out) };
        } finally {
          process.stdout.write = write;
          process.stderr.write = writeErr;
        }
      };
      // The suite wrote counter rows without the records behind them: the modules' recounts disagree.
      const before = await run('verify');
      expect(before.code).toBe(1);
      expect(before.json).toMatchObject({ ok: false, indicators: ['desk.help', 'dossiers.apologies', 'dossiers.completed', 'dossiers.overdue', 'dossiers.received', 'eid.activations', 'eid.applications', 'eid.decisions'] });
      expect(before.json.differences.length).toBeGreaterThan(0);
      expect((await run('rebuild')).code).toBe(0);
      const after = await run('verify');
      expect(after.code).toBe(0);
      expect(after.json).toMatchObject({ ok: true, differences: [] });
    });
  }
});

describe('ranking chart (ECharts server-side SVG)', () => {
  const districts = { labels: ['Huyện Bình Giang', 'Huyện Cẩm Giàng', 'Thành phố Chí Linh', 'Thành phố Hải Dương'], values: [0, 70, null, 30] };
  const format = (v: number) => new Intl.NumberFormat('vi-VN').format(v);

  it('draws one bar label per unit in the given order, the formatted values and the title', () => {
    const chart = barChartSvg({ title: 'Hồ sơ đề nghị cấp tài khoản định danh điện tử tháng 02/2023', ...districts, format })!;
    expect([chart.width, chart.height]).toEqual([640, 12 + 20 + 10 + 4 * 26 + 30]);
    const texts = [...chart.svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(texts.filter((t) => districts.labels.includes(t!))).toEqual(districts.labels);
    expect(texts).toContain('Hồ sơ đề nghị cấp tài khoản định danh điện tử tháng 02/2023');
    // Values at the bars' ends (none for Thành phố Chí Linh), then the axis from 0 to 70.
    const starts = [...chart.svg.matchAll(/<text[^>]*text-anchor="start"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(starts).toEqual(['0', '70', '30', 'Hồ sơ đề nghị cấp tài khoản định danh điện tử tháng 02/2023']);
    const axis = [...chart.svg.matchAll(/<text[^>]*text-anchor="middle"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(axis).toEqual(['0', '10', '20', '30', '40', '50', '60', '70']);
    expect(chart.svg).toContain('font-family:Noto Serif');
  });

  it('writes shares as Vietnamese percentages and rasterises to a PNG twice the size', () => {
    const chart = barChartSvg({ title: 'Tỷ lệ trực tuyến – lĩnh vực Công an', labels: ['Huyện Cẩm Giàng', 'Thành phố Hải Dương'], values: [0.7, 0.3125], format: (v) => `${new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v * 100)}%`, max: 1 })!;
    expect(chart.svg).toContain('>70,0%</text>');
    expect(chart.svg).toContain('>31,3%</text>');
    expect(chart.svg).toContain('>100,0%</text>');
    const png = chartPng(chart);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1280, (12 + 20 + 10 + 2 * 26 + 30) * 2]);
  });

  it('draws nothing without units or without any value', () => {
    expect(barChartSvg({ title: 'Tài khoản định danh điện tử đã kích hoạt', labels: [], values: [], format })).toBeNull();
    expect(barChartSvg({ title: 'Tài khoản định danh điện tử đã kích hoạt', labels: ['Huyện Cẩm Giàng'], values: [null], format })).toBeNull();
  });
});

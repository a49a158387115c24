/**
 * The demo story of `npm start` (src/app/demo-story.ts) on a demo population of 2,000 people of
 * Tỉnh Hải Dương ('30'): the dashboard computes the story's figures for February 2023 from the
 * records the modules wrote, the roll-ups agree with a recount, a second run changes nothing, and
 * the provincial working group (whose province ended on 2025-06-30) opens its dashboard on
 * February 2023 by default.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { startTestPlatform } from '../platform/testing/app.js';
import { forEachEngine } from '../platform/testing/engines.js';
import { createStaff, signInStaff } from '../identity/index.js';
import { openScope, reportsEnv } from '../reports/compute.js';
import { dashboard } from '../reports/dashboard.js';
import { verifyRollups } from '../reports/rebuild.js';
import { unitCodeExists, type UnitsTables } from '../units/index.js';
import { seedAll } from './app.js';
import { seedDemoStory, STORY_COMMUNE, storyTargets } from './demo-story.js';
import { modules } from './modules.js';

const POPULATION = 2000;
const PASSWORD = 'Mot-cua-2023!';

forEachEngine(
  'demo story',
  async (t) => {
    // startTestPlatform runs every module's seed (demo people and staff); the story is written after.
    const p = await startTestPlatform(t, { MOTCUA_DEMO: 'on', MOTCUA_DEMO_POPULATION: String(POPULATION) });
    await seedDemoStory(p.ctx);
    return p;
  },
  (env) => {
    const february = async (unit: string, cumulative: boolean) => {
      const scope = await openScope(reportsEnv(env().ctx), null, { unit, boundaries: 'historical', to: '2023-02-28' });
      const d = await dashboard(scope, { from: '2023-02-01', to: '2023-02-28', cumulative, filters: {} });
      return Object.fromEntries(d.cards.map((c) => [c.key, c]));
    };

    it('tells the province’s February 2023 in the scaled amounts, with unit names where people read them', async () => {
      const k = env().ctx.db.kysely;
      const site = await sql<{ name: string }>`select name from desk_sites where unit_code = ${STORY_COMMUNE}`.execute(k);
      expect(site.rows.map((r) => r.name)).toEqual(['Điểm hỗ trợ dịch vụ công Xã Cẩm Hoàng']);
      const mark = await sql<{ n: number }>`select count(*) as n from audit_log where action = 'demo.story'`.execute(k);
      expect(Number(mark.rows[0]!.n)).toBe(1);
      // Every applicant's phone and email are their own (the registry's), not the sample form's.
      const contacts = await sql<{ phone: string | null; email: string | null; own_phone: string | null; own_email: string | null }>`select d.applicant_phone as phone, d.applicant_email as email, c.phone as own_phone, c.email as own_email from dossiers d join citizens c on c.pin = d.applicant_pin`.execute(k);
      expect(contacts.rows.length).toBe(100);
      expect(contacts.rows.filter((r) => r.phone !== r.own_phone || r.email !== r.own_email)).toEqual([]);
      const target = storyTargets(POPULATION);
      expect(target).toEqual({ applications: 637, activated: 240, dossiers: 100 });
      const cum = await february('30', true);
      expect(cum['eid.applications']!.value).toBe(637);
      expect(cum['eid.activated']!.value).toBe(240);
      const ratio = cum['eid.activated']!.value! / cum['eid.applications']!.value!;
      expect(Math.abs(ratio / (232 / 617) - 1)).toBeLessThan(0.03);
      expect(cum['eid.activationRatio']!.value).toBeCloseTo(ratio, 6);
      const month = await february('30', false);
      expect(month['services.deployed']!.value).toBe(23);
      expect(month['services.deployed']!.denominator).toBe(25);
      // Dossiers over the whole story (cumulative) and February alone.
      expect(cum['dossiers.received']!.value).toBe(100);
      expect(Math.abs(cum['dossiers.onlineShare.police']!.value! - 0.71)).toBeLessThanOrEqual(0.02);
      expect(Math.abs(cum['dossiers.onlineShare.other']!.value! - 0.56)).toBeLessThanOrEqual(0.02);
      expect(month['eid.applications']!.value).toBeGreaterThan(0);
      expect(month['desk.computers']!.value).toBe(56);
    });

    it('has about half of Xã Cẩm Hoàng’s online dossiers filed by the citizens alone', async () => {
      const cum = await february(STORY_COMMUNE, true);
      const share = cum['dossiers.selfServiceShare']!;
      expect(share.denominator).toBeGreaterThan(4);
      // Half of them, to one dossier (2,000 people give Xã Cẩm Hoàng a dozen online dossiers).
      expect(Math.abs(share.numerator - share.denominator! / 2)).toBeLessThanOrEqual(1);
      // Its support team logged each of those online dossiers as guided or filed on the citizen's behalf.
      const log = await sql<{ kind: string; n: number }>`select kind, count(*) as n from desk_help where unit_code = ${STORY_COMMUNE} group by kind order by kind`.execute(env().ctx.db.kysely);
      const byKind = Object.fromEntries(log.rows.map((r) => [r.kind, Number(r.n)]));
      expect(byKind.guided_self_filing).toBe(share.numerator);
      expect(byKind.filed_on_behalf).toBe(share.denominator! - share.numerator!);
      expect(byKind.vneid_install).toBeGreaterThan(0);
      expect(cum['desk.help']!.value).toBe(byKind.guided_self_filing! + byKind.filed_on_behalf! + byKind.vneid_install!);
    });

    it('has 46 sites with 56 working computers, each with a scanner', async () => {
      const db = env().ctx.db.kysely;
      const sites = await sql<{ n: number }>`select count(*) as n from desk_sites`.execute(db);
      expect(Number(sites.rows[0]!.n)).toBe(46);
      const devices = await sql<{ kind: string; n: number }>`select kind, count(*) as n from desk_devices where status = 'working' group by kind order by kind`.execute(db);
      expect(devices.rows.map((d) => [d.kind, Number(d.n)])).toEqual([
        ['computer', 56],
        ['scanner', 56],
      ]);
    });

    it('keeps the roll-ups equal to a recount, and a second run changes nothing', async () => {
      const v = await verifyRollups(env().ctx.db, modules);
      expect(v.differences).toEqual([]);
      expect(v.ok).toBe(true);
      // Every indicator a module counts is declared with its recount, and every stored counter row
      // of the story (hundreds of units and days, from thousands of records) was compared.
      expect(v.indicators).toEqual(['desk.help', 'dossiers.apologies', 'dossiers.completed', 'dossiers.overdue', 'dossiers.received', 'eid.activations', 'eid.applications', 'eid.decisions']);
      const stored = await sql<{ indicator: string; n: number | string }>`select indicator, count(*) as n from indicator_counts where count <> 0 group by indicator order by indicator`.execute(env().ctx.db.kysely);
      const rows = Object.fromEntries(stored.rows.map((r) => [r.indicator, Number(r.n)]));
      for (const i of ['desk.help', 'dossiers.received', 'eid.activations', 'eid.applications', 'eid.decisions']) expect(rows[i], i).toBeGreaterThan(0);
      expect(v.rowsCompared).toBe(Object.values(rows).reduce((a, b) => a + b, 0));
      expect(v.rowsCompared).toBeGreaterThan(1000);
      const before = await verifyRollups(env().ctx.db, modules);
      await seedAll(env().ctx);
      expect(await seedDemoStory(env().ctx)).toBeNull();
      const after = await verifyRollups(env().ctx.db, modules);
      expect(after.rowsCompared).toBe(before.rowsCompared);
      expect((await february('30', true))['eid.applications']!.value).toBe(637);
    });

    it('opens the dashboard of a working group of an ended province on February 2023', async () => {
      const { ctx, app } = env();
      await createStaff(ctx.db, { username: 'bcd06.test', password: PASSWORD, role: 'WORKING_GROUP', unitCode: '30', unitDate: '2023-02-28' }, { kind: 'cli', id: 'cli:test' }, (c) => unitCodeExists(ctx.db.as<UnitsTables>(), c));
      const { token } = await signInStaff(ctx.db, 'bcd06.test', PASSWORD, '127.0.0.1');
      const res = await app.inject({ method: 'GET', url: '/api/v1/reports/dashboard', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.unit.code).toBe('30');
      expect([body.from, body.to]).toEqual(['2023-02-01', '2023-02-28']);
      expect(body.cards.find((c: { key: string }) => c.key === 'services.deployed').value).toBe(23);
      // Current boundaries today: the province has ended, its successor is named.
      const now = await app.inject({ method: 'GET', url: '/api/v1/reports/dashboard?boundaries=current', headers: { authorization: `Bearer ${token}` } });
      expect(now.statusCode).toBe(404);
      expect(now.json().code).toBe('UNIT_NOT_FOUND');
    });
  },
);

forEachEngine(
  'demo story off',
  (t) => startTestPlatform(t, { MOTCUA_DEMO: 'on', MOTCUA_DEMO_POPULATION: '0' }),
  (env) => {
    it('writes nothing with a demo population of 0', async () => {
      expect(storyTargets(0)).toEqual({ applications: 0, activated: 0, dossiers: 0 });
      expect(await seedDemoStory(env().ctx)).toBeNull();
      const apps = await sql<{ n: number }>`select count(*) as n from eid_applications`.execute(env().ctx.db.kysely);
      expect(Number(apps.rows[0]!.n)).toBe(0);
    });
  },
);

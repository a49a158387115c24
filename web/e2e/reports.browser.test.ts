/**
 * The Project 06 dashboard in a real browser (Debian's Chromium) against the whole platform:
 * indicator roll-ups counted with countIndicator on real units of Tỉnh Hải Dương (province '30';
 * Huyện Cẩm Giàng '295' with Xã Cẩm Hoàng '10897' and Thị trấn Cẩm Giang '10888'; Thành phố Hải
 * Dương '288' with Phường Cẩm Thượng '10507') in January and February 2023; the provincial working
 * group opens February 2023 and sees the cards equal to the seeded sums with the change on January,
 * the districts ranked, drills into Cẩm Giàng, downloads the monthly report; the whole-system view
 * on current boundaries draws the province map from ../shared/data/geo (MOTCUA_GEO_DIR). axe-core:
 * no serious or critical violation; screenshots on a phone and a laptop (`var/screenshots/`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { countIndicator, type IndicatorCount } from '../../src/platform/rollups.js';
import { addStaff, AxeFindings, ensureUiBuilt, launchBrowser, ROOT, screenshot, SCREENSHOTS, settled, startPlatform, textOf, withPage, type Platform, signInStaff, LAPTOP } from './harness.js';

const PHONE = { width: 390, height: 844 };
const GEO_DIR = path.resolve(ROOT, '../shared/data/geo');

let platform: Platform;
let browser: Browser;

/** `n` records of `indicator` at `unitCode` on `day`. */
const c = (indicator: string, unitCode: string, day: string, n: number, dims?: Record<string, string>): IndicatorCount => ({ indicator, unitCode, day, delta: n, ...(dims && { dims }) });

const COUNTS: IndicatorCount[] = [
  // e-ID applications: February 5 + 3 (Cẩm Hoàng) + 2 (Cẩm Thượng) = 10; January 4.
  c('eid.applications', '10897', '2023-02-03', 5, { channel: 'online', level: '1' }),
  c('eid.applications', '10897', '2023-02-10', 3, { channel: 'police_desk', level: '2' }),
  c('eid.applications', '10507', '2023-02-20', 2, { channel: 'police_desk', level: '2' }),
  c('eid.applications', '10897', '2023-01-15', 4, { channel: 'online', level: '1' }),
  // Activations: February 6 (Cẩm Hoàng) + 2 (Cẩm Thượng) = 8.
  c('eid.activations', '10897', '2023-02-14', 6, { channel: 'police_desk', level: '2' }),
  c('eid.activations', '10507', '2023-02-27', 2, { channel: 'police_desk', level: '2' }),
  // Dossiers at Thị trấn Cẩm Giang: police 4 online (self) + 1 counter; justice 2 on behalf + 3 counter.
  c('dossiers.received', '10888', '2023-02-06', 4, { channel: 'online', sector: 'police', filedBy: 'self', service: '1.004194' }),
  c('dossiers.received', '10888', '2023-02-07', 1, { channel: 'counter', sector: 'police', filedBy: 'self', service: '1.004194' }),
  c('dossiers.received', '10888', '2023-02-08', 2, { channel: 'on_behalf', sector: 'justice', filedBy: 'on_behalf', service: '1.001193' }),
  c('dossiers.received', '10888', '2023-02-09', 3, { channel: 'counter', sector: 'justice', filedBy: 'self', service: '1.001193' }),
];

beforeAll(async () => {
  await ensureUiBuilt();
  platform = await startPlatform({ MOTCUA_GEO_DIR: GEO_DIR });
  browser = await launchBrowser();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const { ctx } = platform;
  await addStaff(ctx, { username: 'bcd06.haiduong', role: 'WORKING_GROUP', unitCode: '30', displayName: 'Tổ công tác Đề án 06 tỉnh Hải Dương' });
  await addStaff(ctx, { username: 'admin', role: 'ADMIN', unitCode: null, displayName: 'Quản trị hệ thống' });
  await ctx.db.kysely.transaction().execute(async (trx) => {
    for (const count of COUNTS) await countIndicator(trx, count);
  });
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const signIn = (page: Page, username: string, next: string) => signInStaff(page, platform.baseUrl, username, next);

const card = (page: Page, key: string) => page.locator(`.reports-card[data-key="${key}"]`);
const cardValue = (page: Page, key: string) => textOf(card(page, key).locator('.reports-card-value'));
const rankingRow = (page: Page, name: string) => page.locator('.reports-ranking tbody tr.ant-table-row').filter({ has: page.getByRole('link', { name, exact: true }) });

/** Waits until the dashboard shows `unitName` (the period line names the unit). */
async function dashboardOf(page: Page, unitName: string): Promise<void> {
  await page.locator('.reports-period', { hasText: unitName }).waitFor();
  await page.locator('.reports-card').first().waitFor();
}

describe('Project 06 dashboard', () => {
  it('shows the seeded February 2023 figures of Tỉnh Hải Dương, ranks the districts, drills into Cẩm Giàng and downloads the monthly report', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      const next = '/reports?value=2023-02';
      await signIn(page, 'bcd06.haiduong', next);
      await page.getByRole('heading', { level: 1, name: 'Bảng điều hành Đề án 06' }).waitFor();
      expect(await page.title()).toBe('Bảng điều hành Đề án 06 — motcua');
      await dashboardOf(page, 'Tỉnh Hải Dương');
      const period = await textOf(page.locator('.reports-period'));
      expect(period).toContain('Tỉnh Hải Dương · từ 01/02/2023 đến 28/02/2023');
      expect(period).toContain('Kỳ trước: 01/01/2023 – 31/01/2023');

      // The cards are the seeded sums.
      expect(await cardValue(page, 'eid.applications')).toBe('10');
      expect(await cardValue(page, 'eid.activated')).toBe('8');
      expect(await cardValue(page, 'eid.activationRatio')).toBe('80,0 %');
      expect(await cardValue(page, 'dossiers.onlineShare.police')).toBe('80,0 %');
      expect(await cardValue(page, 'dossiers.onlineShare.other')).toBe('40,0 %');
      expect(await cardValue(page, 'dossiers.selfServiceShare')).toBe('66,7 %');
      expect(await cardValue(page, 'dossiers.received')).toBe('10');
      expect(await cardValue(page, 'services.deployed')).toBe('0/25');
      expect(await textOf(card(page, 'eid.applications'))).toContain('Tăng 6 so với kỳ trước (4)');
      expect(await textOf(card(page, 'dossiers.onlineShare.police'))).toContain('4/5');

      // The districts, Vietnamese collation; Cẩm Giàng and Thành phố Hải Dương carry the counts.
      const camGiang = rankingRow(page, 'Huyện Cẩm Giàng');
      const camGiangCells = await camGiang.locator('td').allTextContents();
      expect(camGiangCells[1]).toMatch(/^8hạng 1$/);
      expect(camGiangCells[2]).toMatch(/^6hạng 1$/);
      const city = await rankingRow(page, 'Thành phố Hải Dương').locator('td').allTextContents();
      expect(city[1]).toMatch(/^2hạng 2$/);
      const names = await page.locator('.reports-ranking tbody tr.ant-table-row td:first-child').allTextContents();
      expect(names.length).toBe(12);
      expect(names.indexOf('Huyện Bình Giang')).toBeLessThan(names.indexOf('Huyện Cẩm Giàng'));
      expect(names.indexOf('Huyện Cẩm Giàng')).toBeLessThan(names.indexOf('Thành phố Chí Linh'));
      // No boundary file of 2023 districts: no map for a province.
      expect(await page.locator('.reports-map').count()).toBe(0);
      await axe.scan(page, 'province dashboard');
      await screenshot(page, 'reports-laptop.png', true);

      // The monthly report: the button downloads a workbook; the same address answers 200 with the token.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải báo cáo Excel' }).click()]);
      expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
      const file = fs.readFileSync((await download.path())!);
      expect(file.subarray(0, 2).toString()).toBe('PK');
      const status = await page.evaluate(async () => {
        const r = await fetch('/api/v1/reports/monthly.xlsx?unit=30&month=2023-02&boundaries=historical', { headers: { authorization: `Bearer ${sessionStorage.getItem('motcua.session')}` } });
        return [r.status, r.headers.get('content-type')];
      });
      expect(status).toEqual([200, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);

      // Drill into Huyện Cẩm Giàng from its row.
      await camGiang.getByRole('link', { name: 'Huyện Cẩm Giàng' }).click();
      await page.waitForURL((u) => u.searchParams.get('unit') === '295' && u.searchParams.get('value') === '2023-02');
      await dashboardOf(page, 'Huyện Cẩm Giàng');
      await page.locator('.reports-card[data-key="eid.applications"] .reports-card-value', { hasText: /^8$/ }).waitFor();
      expect(await cardValue(page, 'eid.activated')).toBe('6');
      expect(await cardValue(page, 'dossiers.received')).toBe('10');
      const trail = page.getByRole('navigation', { name: 'Đơn vị đang xem' });
      await trail.getByRole('link', { name: 'Tỉnh Hải Dương' }).waitFor();
      expect(await textOf(trail)).toContain('Huyện Cẩm Giàng');
      expect(await textOf(rankingRow(page, 'Xã Cẩm Hoàng').locator('td').nth(1))).toBe('8hạng 1');
      expect(await textOf(rankingRow(page, 'Thị trấn Cẩm Giang').locator('td').nth(5))).toMatch(/^10hạng 1$/);
      await axe.scan(page, 'district dashboard');

      // A commune has nothing below it to rank: the table says so.
      await rankingRow(page, 'Xã Cẩm Hoàng').getByRole('link', { name: 'Xã Cẩm Hoàng', exact: true }).click();
      await page.waitForURL((u) => u.searchParams.get('unit') === '10897');
      await dashboardOf(page, 'Xã Cẩm Hoàng');
      await page.getByText('Xã, phường là cấp thấp nhất: không có đơn vị trực thuộc để xếp hạng.').waitFor();

      // Back up through the breadcrumb.
      await trail.getByRole('link', { name: 'Tỉnh Hải Dương' }).click();
      await page.waitForURL((u) => !u.searchParams.has('unit'));
      await page.locator('.reports-card[data-key="eid.applications"] .reports-card-value', { hasText: /^10$/ }).waitFor();
    });
    axe.expectNone();
  });

  it('stacks the cards and scrolls the ranking inside its box on a phone', async () => {
    const axe = new AxeFindings();
    await withPage(browser, PHONE, async (page) => {
      // A citizen's page does not download ECharts; the dashboard does, in its own chunk.
      const scripts: string[] = [];
      page.on('request', (r) => void (r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname)));
      await page.goto(`${platform.baseUrl}/eid/apply`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      expect(scripts.filter((s) => /echarts|DashboardPage/.test(s))).toEqual([]);
      await signIn(page, 'bcd06.haiduong', '/reports?value=2023-02');
      await dashboardOf(page, 'Tỉnh Hải Dương');
      expect(await cardValue(page, 'eid.applications')).toBe('10');
      await rankingRow(page, 'Huyện Cẩm Giàng').waitFor();
      expect(scripts.some((s) => /\/assets\/echarts-[\w-]+\.js$/.test(s))).toBe(true);
      // Nothing wider than the screen but the table's own scrolling box.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const table = await page.evaluate(() => {
        const box = document.querySelector('.reports-ranking .ant-table-content, .reports-ranking .ant-table-body') as HTMLElement | null;
        return box ? { scroll: box.scrollWidth, client: box.clientWidth } : null;
      });
      expect(table).not.toBeNull();
      expect(table!.scroll).toBeGreaterThan(table!.client);
      // Two cards per row.
      const [a, b, c3] = await page.locator('.reports-card').evaluateAll((els) => els.slice(0, 3).map((e) => e.getBoundingClientRect().top));
      expect(a).toBe(b);
      expect(c3!).toBeGreaterThan(a!);
      await axe.scan(page, 'phone dashboard');
      await screenshot(page, 'reports-phone.png', true);
    });
    axe.expectNone();
  });

  it('draws the province map for the whole system on current boundaries and drills into a province from the ranking', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      // The boundary file is served as configured.
      const geo = await page.request.get(`${platform.baseUrl}/geo/vn-provinces-34-2025.simplified.geojson`);
      expect(geo.status()).toBe(200);
      expect(geo.headers()['content-type']).toContain('application/geo+json');
      expect(((await geo.json()) as { features: unknown[] }).features.length).toBe(34);

      const next = '/reports?value=2023-02&boundaries=current';
      await signIn(page, 'admin', next);
      await dashboardOf(page, 'Toàn hệ thống');
      expect(await cardValue(page, 'eid.applications')).toBe('10');
      // Hải Dương's communes are in Thành phố Hải Phòng now (from 1 July 2025).
      const haiPhong = rankingRow(page, 'Thành phố Hải Phòng');
      expect(await textOf(haiPhong.locator('td').nth(1))).toBe('10hạng 1');
      const map = page.locator('.reports-map');
      await map.locator('canvas').waitFor();
      await settled(page);
      await axe.scan(page, 'whole-system map');
      await screenshot(page, 'reports-map-laptop.png', true);
      await page.locator('section', { has: map }).screenshot({ path: path.join(SCREENSHOTS, 'reports-map-detail.png') });

      const box = (await map.boundingBox())!;
      expect(box.width).toBeGreaterThan(300);
      await haiPhong.getByRole('link', { name: 'Thành phố Hải Phòng' }).click();
      await page.waitForURL((u) => u.searchParams.get('unit') === '31');
      await dashboardOf(page, 'Thành phố Hải Phòng');
      expect(await cardValue(page, 'eid.applications')).toBe('10');
    });
    axe.expectNone();
  });
});

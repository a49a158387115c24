/**
 * The units browser in a real browser (Debian's Chromium) against the whole platform: as-of date,
 * search with paths, drill-down, successors of a merged province, language switch, accessibility
 * (axe-core: no serious or critical violation) and screenshots on a phone and a laptop
 * (`var/screenshots/`). Also: the API docs page under the server's CSP.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { AxeFindings, screenshot, settled, textOf, withPage, type Platform, LAPTOP, startUiSuite } from './harness.js';

const PHONE = { width: 390, height: 844 };

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  ({ platform, browser } = await startUiSuite());
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

/** Waits for the locator and returns its text. */

async function setAsOf(page: Page, date: string): Promise<void> {
  const input = page.getByLabel('Ngày hiệu lực');
  await input.fill(date);
  await input.press('Enter');
  await page.waitForURL((u) => u.searchParams.get('at') === date);
}

async function search(page: Page, words: string): Promise<void> {
  const box = page.getByLabel('Tìm theo tên');
  await box.fill(words);
  await box.press('Enter');
}

/** Table rows whose unit-name link is exactly `name`. */
function rowOf(page: Page, name: string): Locator {
  return page.locator('.unit-table tbody tr').filter({ has: page.getByRole('link', { name, exact: true }) });
}



describe('units browser', () => {
  it('searches, drills down, shows successors, switches language, is accessible', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      await page.goto(`${platform.baseUrl}/`);
      await page.getByRole('heading', { level: 1, name: 'Đơn vị hành chính' }).waitFor();
      expect(await page.title()).toBe('Đơn vị hành chính — motcua');

      // As of 2023-02-28 there are 63 provinces.
      await setAsOf(page, '2023-02-28');
      expect(await textOf(page.locator('.unit-table caption'))).toContain('ngày 2023-02-28 · 63 đơn vị');
      await axe.scan(page, 'provinces');

      // Search with folded diacritics; the result row shows where the commune lies.
      await search(page, 'cam hoang');
      const resultText = await textOf(rowOf(page, 'Xã Cẩm Hoàng'));
      expect(resultText).toContain('Huyện Cẩm Giàng');
      expect(resultText).toContain('Tỉnh Hải Dương');
      expect(resultText).toContain('10897');
      await axe.scan(page, 'search results');

      // Drill down: provinces → Tỉnh Hải Dương → Huyện Cẩm Giàng → Xã Cẩm Hoàng.
      await search(page, '');
      await rowOf(page, 'Tỉnh Hải Dương').getByRole('link').click();
      const detail = page.locator('.unit-detail');
      expect(await textOf(detail.getByRole('heading', { level: 2 }))).toContain('Tỉnh Hải Dương');
      // Hải Dương was merged into Hải Phòng on 2025-07-01.
      const successors = await textOf(detail.locator('tr', { hasText: 'Đơn vị kế thừa' }));
      expect(successors).toContain('Thành phố Hải Phòng');
      expect(successors).toContain('2025-07-01');
      await axe.scan(page, 'province detail');

      await rowOf(page, 'Huyện Cẩm Giàng').getByRole('link').click();
      await rowOf(page, 'Xã Cẩm Hoàng').waitFor();
      const trail = await textOf(page.getByRole('navigation', { name: 'Vị trí trong danh mục' }));
      expect(trail).toContain('Tỉnh Hải Dương');
      expect(trail).toContain('Huyện Cẩm Giàng');
      await rowOf(page, 'Xã Cẩm Hoàng').getByRole('link').click();
      expect(await textOf(detail.getByRole('heading', { level: 2 }))).toContain('Xã Cẩm Hoàng');
      expect(page.url()).toContain('unit=10897');

      // Back goes up again (the page state is in the URL).
      await page.goBack();
      await rowOf(page, 'Xã Cẩm Hoàng').waitFor();

      // The merged province on the day of the merger: not found, with a link to its successor.
      await page.goto(`${platform.baseUrl}/units?at=2025-07-01&unit=30`);
      const alert = page.getByRole('alert');
      expect(await textOf(alert)).toContain('Đơn vị hành chính mã 30 không còn hiệu lực vào ngày 2025-07-01');
      expect(await textOf(alert.getByRole('link', { name: 'Thành phố Hải Phòng' }))).toBe('Thành phố Hải Phòng');
      await axe.scan(page, 'merged unit');

      // English: our labels, Ant Design's and the server's problem detail all switch.
      await page.getByText('English', { exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Administrative units' }).waitFor();
      await page.getByLabel('As of').waitFor();
      expect(await textOf(page.getByRole('alert'))).toContain('Administrative unit 30 is no longer in force on 2025-07-01');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      await screenshot(page, 'units-merged-english-laptop.png');
      await axe.scan(page, 'merged unit (English)');

      // Following the successor opens Hải Phòng as it is from 2025-07-01, with its predecessors.
      await page.getByRole('alert').getByRole('link', { name: 'Thành phố Hải Phòng' }).click();
      expect(await textOf(detail.getByRole('heading', { level: 2 }))).toContain('Thành phố Hải Phòng');
      expect(await textOf(detail.locator('tr', { hasText: 'Predecessors' }))).toContain('Tỉnh Hải Dương');

      // The choice is remembered.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Administrative units' }).waitFor();
    });
    axe.expectNone();
  });

  it('looks right on a phone and a laptop (screenshots in var/screenshots)', async () => {
    const axe = new AxeFindings();
    for (const [name, viewport] of [
      ['phone', PHONE],
      ['laptop', LAPTOP],
    ] as const) {
      await withPage(browser, viewport, async (page) => {
        // The start page: today's provinces.
        await page.goto(`${platform.baseUrl}/`);
        await page.locator('.unit-table tbody tr').first().waitFor();
        await screenshot(page, `units-start-${name}.png`, true);

        // A province with its detail and its districts.
        await page.goto(`${platform.baseUrl}/units?at=2023-02-28&unit=30`);
        await rowOf(page, 'Huyện Cẩm Giàng').waitFor();
        await screenshot(page, `units-${name}.png`);
        await axe.scan(page, `detail on ${name}`);

        await search(page, 'cam');
        await page.locator('.unit-table caption', { hasText: 'Kết quả tìm' }).waitFor();
        await rowOf(page, 'Xã Cẩm Hoàng').waitFor();
        await screenshot(page, `units-search-${name}.png`);

        if (name === 'phone') {
          // The menu collapses into a drawer.
          await page.getByRole('button', { name: 'Mở menu' }).click();
          await page.locator('.ant-drawer').getByRole('link', { name: 'Đơn vị hành chính' }).waitFor();
          await screenshot(page, 'units-menu-phone.png');
          await axe.scan(page, 'menu drawer on phone');
        }
      });
    }
    axe.expectNone();
  });
});

describe('API docs', () => {
  async function openDocs(page: Page): Promise<void> {
    await page.goto(`${platform.baseUrl}/api/docs`);
    // Swagger UI parses and renders the whole OpenAPI document (every module's routes): on a
    // loaded 2-core CI machine that alone has taken over 15 s, so it gets a minute.
    await page.locator('.swagger-ui .info .title', { hasText: 'motcua API' }).waitFor({ timeout: 60_000 });
    // The operations are rendered from the OpenAPI document: Swagger UI's scripts ran.
    await page.getByText('/api/v1/units/{code}').first().waitFor({ timeout: 60_000 });
    await settled(page);
  }

  it('/api/docs loads, shows the "motcua API" title, and the page breaks no Content Security Policy rule', async () => {
    await withPage(browser, LAPTOP, openDocs);
  });
});

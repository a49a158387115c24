/**
 * What a fresh-eyes user trial found on the filing, e-ID application and deployment pages, in a
 * real browser (Debian's Chromium) against the whole platform with the 2025 unit list and the
 * old → new mapping: Nguyễn Văn An's registry residence is Xã Cẩm Hoàng (10897) as of 2023, merged
 * into Xã Cẩm Giang (10888, Thành phố Hải Phòng) on 2025-07-01. In order:
 * - filing online for a procedure not deployed at Xã Cẩm Giang: the page says so before the form,
 *   names the commune, offers no form, and makes no failing request (it looked 10897 up as of
 *   today: `GET /api/v1/units/10897 404`);
 * - once deployed, the page names the commune, and the receipt names the commune and the agency
 *   (it said "H31.10888 (10888)");
 * - the police application page keeps the masked phone apart from the next label;
 * - the deployments page explains "x of 25" against the 24 essential services of the catalog;
 * - an officer of Xã Cẩm Giang saw "Đơn vị 10888" in the header: it names the commune, as on the
 *   date the account's code refers to ("Xã Cẩm Giang (10888)"; 10888 was Thị trấn Cẩm Giang before
 *   2025), in Vietnamese and English;
 * - the unit-code fields of the counter form and the deployments page name the unit a whole code
 *   (5 digits, or 2 for a province) stands for today, and say when no unit has it.
 * Screenshots on a 390×844 phone and a 1366×768 laptop (`var/screenshots/trial-*.png`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { dossierEnv, saveAgency } from '../../src/dossiers/index.js';
import { deployService } from '../../src/services/index.js';
import { todayInVietnam } from '../../src/platform/dates.js';
import { importSuccessions, importUnitList } from '../../src/units/index.js';
import {
  addCitizen,
  addEidAccount,
  addStaff,
  AxeFindings,
  expectNoSideScroll,
  LAPTOP,
  resizeTo,
  ROOT,
  screenshot,
  shot,
  signInCitizen,
  signInStaff,
  textOf,
  UNIT_LIST_2025,
  withPage,
  type Platform,
  startUiSuite,
} from './harness.js';

const PHONE = { width: 390, height: 844 };
const CLI = { kind: 'cli' as const, id: 'e2e' };
const MERGES = `${ROOT}/../shared/data/admin-units/mapping/new-to-old-merges.json`;
const AGENCY_NAME = 'Trung tâm Phục vụ hành chính công xã Cẩm Giang';
/** Today as the pages write it (dd/mm/yyyy): the day a typed unit code is looked up as of. */
const TODAY = todayInVietnam().split('-').reverse().join('/');
const AN = { pin: '030090001234', name: 'Nguyễn Văn An', phone: '0912345678', password: 'Hoàng Xá mùa lúa chín' };

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  ({ platform, browser } = await startUiSuite());
  const { ctx } = platform;
  await importUnitList(ctx.db, UNIT_LIST_2025, { validFrom: '2025-07-01', source: 'Quyết định 19/2025/QĐ-TTg', actor: CLI });
  await importSuccessions(ctx.db, MERGES, { actor: CLI });
  await saveAgency(dossierEnv(ctx), '10888', { agencyCode: 'H31.10888', nameVi: AGENCY_NAME, headTitle: 'Chủ tịch UBND xã Cẩm Giang' }, CLI);
  await addStaff(ctx, { username: 'admin', role: 'ADMIN', unitCode: null, displayName: 'Quản trị hệ thống' });
  await addStaff(ctx, { username: 'congan.camhoang', role: 'COMMUNE_POLICE', unitCode: '10897', displayName: 'Công an xã Cẩm Hoàng' });
  await addStaff(ctx, { username: 'canbo.camgiang', role: 'COMMUNE_OFFICER', unitCode: '10888', unitDate: '2025-07-01', displayName: 'Bộ phận một cửa xã Cẩm Giang' });
  await addCitizen(ctx, {
    pin: AN.pin,
    fullName: AN.name,
    dateOfBirth: '1990-05-12',
    sex: 'male',
    permanentResidence: { unitCode: '10897', unitDate: '2023-02-28', addressLine: 'Thôn Hoàng Xá' },
    phone: AN.phone,
    identityCard: { number: AN.pin, issuedOn: '2021-04-01', expiresOn: '2036-05-12', chip: true },
  });
  await addEidAccount(platform, { pin: AN.pin, fullName: AN.name, dateOfBirth: '1990-05-12', sex: 'male', phone: AN.phone }, AN.password, 'congan.camhoang');
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

/** The API requests of the page that answer an error status (a 404 shows in the console). */
function failedRequests(page: Page): string[] {
  const failed: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400 && new URL(r.url()).pathname.startsWith('/api/')) failed.push(`${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`);
  });
  return failed;
}

describe('user trial of the filing page and its neighbours', () => {
  it('tells a citizen of a merged commune, before the form, that the procedure is not deployed at Xã Cẩm Giang; no request fails', async () => {
    const axe = new AxeFindings();
    await withPage(browser, PHONE, async (page) => {
      const failed = failedRequests(page);
      await signInCitizen(page, platform.baseUrl, AN.pin, AN.password, '/services/P.000008/file');
      // Her registry commune of 2023 (10897) is offered as today's (10888), looked up as of 2023.
      await expect.poll(() => page.getByLabel('Nơi nộp hồ sơ (mã xã, phường)').inputValue()).toBe('10888');
      const alert = page.locator('.filing-not-deployed');
      expect(await textOf(alert)).toContain('Thủ tục này chưa được triển khai tại Xã Cẩm Giang, Thành phố Hải Phòng (10888) ngày');
      // No form that cannot be filed.
      expect(await page.getByLabel('Số quyết định xử phạt').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).count()).toBe(0);
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'not deployed on a phone');
      await shot(page, 'trial-filing-not-deployed-phone.png');
      await resizeTo(page, LAPTOP);
      await shot(page, 'trial-filing-not-deployed-laptop.png');
      expect(failed).toEqual([]);
    });
    axe.expectNone();
  });

  it('names the commune before filing and the commune and agency on the receipt; no request fails', async () => {
    const axe = new AxeFindings();
    await deployService(platform.ctx.db, 'P.000008', '10888', '2025-07-01', CLI);
    await withPage(browser, PHONE, async (page) => {
      const failed = failedRequests(page);
      await signInCitizen(page, platform.baseUrl, AN.pin, AN.password, '/services/P.000008/file');
      expect(await textOf(page.locator('.filing-unit-ok'))).toBe('✓ Xã Cẩm Giang, Thành phố Hải Phòng (10888) nhận hồ sơ thủ tục này.');
      await page.getByLabel('Số quyết định xử phạt').fill('1234/QĐ-XPVPHC');
      await page.getByLabel('Biển số xe').fill('34A-123.45');
      await expectNoSideScroll(page, PHONE);
      await shot(page, 'trial-filing-phone.png');
      await resizeTo(page, LAPTOP);
      await shot(page, 'trial-filing-laptop.png');
      await resizeTo(page, PHONE);
      await page.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();
      const receipt = page.locator('.receipt-card');
      await receipt.getByRole('heading', { level: 2, name: /^Đã nộp hồ sơ H31\.10888-/ }).waitFor();
      const facts = receipt.locator('.receipt-facts');
      const unit = facts.locator('.ant-descriptions-item', { hasText: 'Đơn vị tiếp nhận' });
      expect(await textOf(unit.locator('.ant-descriptions-item-content'))).toBe('Xã Cẩm Giang (10888)');
      const agency = facts.locator('.ant-descriptions-item', { hasText: 'Cơ quan tiếp nhận' });
      expect(await textOf(agency.locator('.ant-descriptions-item-content'))).toBe(`${AGENCY_NAME} (H31.10888)`);
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'receipt on a phone');
      await shot(page, 'trial-receipt-phone.png');
      await resizeTo(page, LAPTOP);
      await shot(page, 'trial-receipt-laptop.png');
      // Another dossier: today's commune again, not the registry's code of 2023.
      await receipt.getByRole('button', { name: 'Nộp hồ sơ khác' }).click();
      await page.locator('.filing-unit-ok').waitFor();
      expect(await page.getByLabel('Nơi nộp hồ sơ (mã xã, phường)').inputValue()).toBe('10888');
      expect(failed).toEqual([]);
    });
    axe.expectNone();
  });

  it('keeps the masked phone apart from the next label on the police application page', async () => {
    const axe = new AxeFindings();
    for (const [viewport, name] of [
      [LAPTOP, 'laptop'],
      [PHONE, 'phone'],
    ] as const) {
      await withPage(browser, viewport, async (page) => {
        await signInStaff(page, platform.baseUrl, 'congan.camhoang', '/eid/applications/1');
        const list = page.locator('.eid-descriptions');
        const phone = list.locator('.ant-descriptions-item', { hasText: 'Số điện thoại' }).locator('.ant-descriptions-item-content');
        expect(await textOf(phone)).toBe('091****678');
        const email = list.locator('.ant-descriptions-item-label', { hasText: 'Thư điện tử' });
        const a = (await phone.locator('.number').boundingBox())!;
        const b = (await email.boundingBox())!;
        // The value ends before the next label starts, or the label is on a line below it.
        const apart = b.y >= a.y + a.height || a.x + a.width + 8 <= b.x;
        expect(apart, `phone value ${JSON.stringify(a)}, email label ${JSON.stringify(b)}`).toBe(true);
        await expectNoSideScroll(page, viewport);
        await axe.scan(page, `application on a ${name}`);
        await shot(page, `trial-eid-application-${name}.png`);
      });
    }
    axe.expectNone();
  });

  it('explains "x of 25" on the deployments page against the 24 essential services of the catalog', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      await signInStaff(page, platform.baseUrl, 'admin', '/services/deployments?unit=10888');
      const card = page.locator('.deploy-count');
      await card.getByRole('heading', { level: 2, name: 'Đã triển khai 1 trong 25 dịch vụ công thiết yếu' }).waitFor();
      const text = await textOf(card);
      expect(text).toContain('Chỉ tiêu Đề án 06 tính trên 25 dịch vụ công thiết yếu của Chỉ thị 24/CT-TTg; danh mục hiện có 24 dịch vụ trong số đó.');
      expect(text).toContain('Còn 1 dịch vụ thiết yếu chưa được công bố nên chưa có trong danh mục và chưa triển khai được; vẫn được tính vào mẫu số 25.');
      expect(text).toContain('Bảng dưới đây còn 3 thủ tục khác (không thuộc danh sách thiết yếu), không tính vào chỉ tiêu; đang triển khai tại đơn vị: 0.');
      expect(await page.locator('.deploy-table tbody tr', { hasText: 'Không tính vào chỉ tiêu' }).count()).toBe(3);
      await axe.scan(page, 'deployments on a laptop');
      await shot(page, 'trial-deployments-laptop.png');
      await resizeTo(page, PHONE);
      await expectNoSideScroll(page, PHONE);
      await shot(page, 'trial-deployments-phone.png');
    });
    axe.expectNone();
  });

  it('names the officer’s commune in the header and the unit a typed code stands for on the counter form, in Vietnamese and English', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      await signInStaff(page, platform.baseUrl, 'canbo.camgiang', '/services/P.000008/file');
      const meta = page.locator('.account-meta');
      await expect.poll(() => meta.textContent()).toBe('Cán bộ một cửa cấp xã · Xã Cẩm Giang (10888)');
      // The receiving unit left empty: the officer's own, by name, and it takes the procedure.
      expect(await textOf(page.locator('.filing-unit-ok'))).toBe('✓ Xã Cẩm Giang, Thành phố Hải Phòng (10888) nhận hồ sơ thủ tục này.');
      const field = page.getByLabel('Đơn vị tiếp nhận (mã đơn vị hành chính)');
      const note = page.locator('.filing-placement');
      await field.fill('10903');
      await expect.poll(() => note.textContent()).toContain('Thủ tục này chưa được triển khai tại Xã Cẩm Giàng, Thành phố Hải Phòng (10903) ngày');
      await field.fill('31');
      await expect.poll(() => note.textContent()).toContain('Thủ tục này chưa được triển khai tại Thành phố Hải Phòng (31) ngày');
      await field.fill('99999');
      await expect.poll(() => note.textContent()).toContain(`Mã 99999 không phải đơn vị hành chính đang có hiệu lực ngày ${TODAY}.`);
      await axe.scan(page, 'counter form, unknown unit code (laptop)');
      await note.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await screenshot(page, 'trial-unit-names-filing-laptop.png');
      await field.fill('');
      await page.locator('.filing-unit-ok').waitFor();

      await resizeTo(page, PHONE);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.getByRole('button', { name: 'Tài khoản: Bộ phận một cửa xã Cẩm Giang' }).click();
      const popover = page.locator('.account-popover');
      await popover.getByRole('button', { name: 'Đăng xuất' }).waitFor();
      expect(await textOf(popover)).toContain('Cán bộ một cửa cấp xãXã Cẩm Giang (10888)');
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'account popover (phone)');
      await screenshot(page, 'trial-unit-names-account-phone.png');
      await page.keyboard.press('Escape');
      await popover.waitFor({ state: 'hidden' });
      await field.fill('10903');
      await expect.poll(() => note.textContent()).toContain('Xã Cẩm Giàng, Thành phố Hải Phòng (10903)');
      await expectNoSideScroll(page, PHONE);
      await note.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await screenshot(page, 'trial-unit-names-filing-phone.png');

      // English: the official name stays Vietnamese, as on the dossier page and the receipt.
      await page.locator('.lang-switch .ant-segmented-item', { hasText: 'EN' }).click();
      await page.getByLabel('Receiving unit (administrative unit code)').fill('99999');
      await expect.poll(() => note.textContent()).toContain(`Code 99999 is not an administrative unit in force on ${TODAY}.`);
      await resizeTo(page, LAPTOP);
      await expect.poll(() => meta.textContent()).toBe('Commune one-stop desk · Xã Cẩm Giang (10888)');
      await expectNoSideScroll(page, LAPTOP);
      await shot(page, 'trial-unit-names-filing-en-laptop.png', true);
    });
    axe.expectNone();
  });

  it('keeps the fields marked wrong, in the new language, when the officer switches language before correcting them', async () => {
    await withPage(browser, LAPTOP, async (page) => {
      await signInStaff(page, platform.baseUrl, 'canbo.camgiang', '/services/P.000008/file');
      await page.locator('.filing-unit-ok').waitFor();
      await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
      await page.getByText('Tờ khai còn chỗ chưa đúng; xem các ô được đánh dấu đỏ.').waitFor();
      const marked = page.locator('.ant-form-item-explain-error');
      await expect.poll(() => marked.count()).toBeGreaterThan(0);
      const count = await marked.count();
      expect(await textOf(marked.first())).toMatch(/^Vui lòng nhập “/);
      await page.locator('.lang-switch .ant-segmented-item', { hasText: 'EN' }).click();
      await page.getByText('Some answers need correcting; see the fields marked in red.').waitFor();
      // The same fields stay marked, now in English.
      await expect.poll(async () => (await marked.first().textContent()) ?? '').toMatch(/^Please fill in “/);
      expect(await marked.count()).toBe(count);
      expect(await page.locator('.ant-form-item-explain-error', { hasText: 'Vui lòng nhập' }).count()).toBe(0);
    });
  });

  it('names the unit a typed code stands for on the deployments page, and says when no unit has it today', async () => {
    const axe = new AxeFindings();
    await withPage(browser, PHONE, async (page) => {
      await signInStaff(page, platform.baseUrl, 'admin', '/services/deployments');
      const field = page.getByLabel('Mã đơn vị hành chính', { exact: true });
      const note = page.locator('.field-unit .unit-code-note');
      await field.fill('10888');
      await expect.poll(() => note.textContent()).toBe('Xã Cẩm Giang, Thành phố Hải Phòng');
      await field.fill('31');
      await expect.poll(() => note.textContent()).toBe('Thành phố Hải Phòng');
      // Not a whole code yet: nothing said.
      await field.fill('1089');
      await expect.poll(() => note.textContent()).toBe('');
      // Xã Cẩm Hoàng's code of 2023, merged into Xã Cẩm Giang on 2025-07-01.
      await field.fill('10897');
      await expect.poll(() => note.textContent()).toBe(`Mã 10897 không phải đơn vị hành chính đang có hiệu lực ngày ${TODAY}.`);
      await field.fill('99999');
      await expect.poll(() => note.textContent()).toBe(`Mã 99999 không phải đơn vị hành chính đang có hiệu lực ngày ${TODAY}.`);
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'deployments, unknown unit code (phone)');
      await shot(page, 'trial-unit-names-deployments-phone.png');

      await page.locator('.lang-switch .ant-segmented-item', { hasText: 'EN' }).click();
      await expect.poll(() => note.textContent()).toBe(`Code 99999 is not an administrative unit in force on ${TODAY}.`);
      await page.getByLabel('Administrative unit code', { exact: true }).fill('10888');
      await expect.poll(() => note.textContent()).toBe('Xã Cẩm Giang, Thành phố Hải Phòng');
      await page.getByRole('button', { name: 'Show', exact: true }).click();
      await page.waitForURL((u) => u.search === '?unit=10888');
      await page.locator('.deploy-count').waitFor();
      expect(await note.textContent()).toBe('Xã Cẩm Giang, Thành phố Hải Phòng');
      await resizeTo(page, LAPTOP);
      await axe.scan(page, 'deployments in English (laptop)');
      await shot(page, 'trial-unit-names-deployments-en-laptop.png');
    });
    axe.expectNone();
  });
});

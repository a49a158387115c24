/**
 * motcua's own citizen pages signing in through its single sign-on, in a real browser (Debian's
 * Chromium) against the whole platform, its issuer at the platform's own address: a citizen on a
 * phone opens "Hồ sơ của tôi", is sent to the sign-in page, takes "Đăng nhập qua hệ thống định
 * danh", signs in on the provider's page, agrees to share the identification number with the
 * citizen pages, and lands back on "Hồ sơ của tôi" signed in. Signing out from the account page
 * goes through the provider's sign-out question back to the sign-in page, and the next sign-in asks
 * for the password again. A refused consent comes back with the reason in plain Vietnamese.
 * Accessibility (axe-core: no serious or critical violation) and phone (390×844) and laptop
 * screenshots into var/screenshots/.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person, pinFor } from '../../src/identity/eid/testing/fixtures.js';
import { addCitizen, addEidAccount, addStaff, AxeFindings, expectNoSideScroll, LAPTOP, resizeTo, screenshot, textOf, startSignOnSuite, withPage, type Platform } from './harness.js';

const PHONE = { width: 390, height: 844 };
const CAM_HOANG = '10897';
const MAI = { pin: pinFor('female', 1995, 3321), fullName: 'Đỗ Thị Mai', dateOfBirth: '1995-03-14', sex: 'female' as const, phone: '0912 345 681' };
const MAI_PASSWORD = 'Mai-Cẩm-Hoàng-95';

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  ({ platform, browser } = await startSignOnSuite());
  await addStaff(platform.ctx, { username: 'congan.camhoang', role: 'COMMUNE_POLICE', unitCode: CAM_HOANG, displayName: 'Công an xã Cẩm Hoàng' });
  await addCitizen(platform.ctx, person(MAI));
  await addEidAccount(platform, MAI, MAI_PASSWORD, 'congan.camhoang');
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

describe('citizen pages through the single sign-on', () => {
  it('signs a citizen in on a phone through the provider and back to “Hồ sơ của tôi”, and out again through the provider', async () => {
    const axe = new AxeFindings();
    await withPage(browser, PHONE, async (page) => {
      await page.goto(`${platform.baseUrl}/ho-so-cua-toi`);
      await page.waitForURL((u) => u.pathname === '/eid/sign-in' && u.searchParams.get('next') === '/ho-so-cua-toi');
      const sso = page.getByRole('link', { name: 'Đăng nhập qua hệ thống định danh' });
      await sso.waitFor();
      expect(await sso.getAttribute('href')).toBe('/api/v1/portal/sign-in/start?next=%2Fho-so-cua-toi&lang=vi');
      // The direct form stays below, second.
      await page.getByText('hoặc nhập số định danh và mật khẩu ngay tại đây').waitFor();
      await axe.scan(page, 'sign-in page with single sign-on');
      await expectNoSideScroll(page, PHONE);
      await screenshot(page, 'portal-sign-in-phone.png', true);

      await sso.click();
      // The provider's own page (server-rendered, no script), naming the citizen pages.
      await page.waitForURL((u) => u.pathname.startsWith('/oidc/interaction/'));
      expect(await textOf(page.locator('main'))).toContain('Trang công dân của motcua');
      await page.getByLabel('Số định danh cá nhân').fill(MAI.pin);
      await page.getByLabel('Mật khẩu').fill(MAI_PASSWORD);
      await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
      await page.getByRole('button', { name: 'Đồng ý chia sẻ' }).waitFor();
      const consent = await textOf(page.locator('main'));
      expect(consent).toContain('Số định danh cá nhân');
      expect(consent).toContain('Mở phiên làm việc của bạn trên các trang công dân');
      await screenshot(page, 'portal-consent-phone.png', true);
      await page.getByRole('button', { name: 'Đồng ý chia sẻ' }).click();

      // Back where the citizen wanted to go, signed in; the handoff code is in no address.
      await page.waitForURL((u) => u.pathname === '/ho-so-cua-toi');
      await page.getByRole('heading', { level: 1, name: 'Hồ sơ của tôi' }).waitFor();
      expect(page.url()).not.toContain('handoff');
      expect(await page.evaluate(() => window.history.length)).toBeGreaterThan(1);
      await axe.scan(page, 'my dossiers after single sign-on');

      // The account page shows the sign-in through the single sign-on; signing out asks the provider.
      await page.goto(`${platform.baseUrl}/eid/account`);
      const card = page.locator('.eid-card').first();
      await card.waitFor();
      expect(await textOf(card)).toContain(MAI.fullName);
      await card.getByRole('button', { name: 'Đăng xuất' }).click();
      await page.waitForURL((u) => u.pathname === '/oidc/session/end' || u.pathname.startsWith('/oidc/session/end'));
      await page.getByRole('button', { name: 'Đăng xuất', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/eid/sign-in');
      await page.getByRole('link', { name: 'Đăng nhập qua hệ thống định danh' }).click();
      // Signed out of the provider too: it asks for the password again.
      await page.waitForURL((u) => u.pathname.startsWith('/oidc/interaction/'));
      await page.getByLabel('Mật khẩu').waitFor();
    });
    axe.expectNone();
  });

  it('says why in plain words when the citizen refuses to share, on a laptop', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      // Another browser context, so no session at the provider: the citizen goes back from its
      // sign-in page ("Quay lại cổng dịch vụ") instead of signing in.
      await page.goto(`${platform.baseUrl}/eid/sign-in?next=%2Feid%2Faccount`);
      await page.getByRole('link', { name: 'Đăng nhập qua hệ thống định danh' }).click();
      await page.waitForURL((u) => u.pathname.startsWith('/oidc/interaction/'));
      await page.getByRole('button', { name: 'Quay lại cổng dịch vụ' }).click();
      await page.waitForURL((u) => u.pathname === '/eid/sign-in' && u.searchParams.get('sso') === 'refused');
      const alert = page.getByRole('alert').filter({ hasText: 'chưa đăng nhập' });
      await alert.waitFor();
      expect(await textOf(alert)).toContain('không đồng ý cho trang công dân nhận số định danh cá nhân');
      await resizeTo(page, LAPTOP);
      await axe.scan(page, 'sign-in page after a refusal');
      await screenshot(page, 'portal-sign-in-refused-laptop.png');
    });
    axe.expectNone();
  });
});

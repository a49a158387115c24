/**
 * The single sign-on pages in a real browser (Debian's Chromium) against the whole platform, its
 * OpenID Connect issuer at the platform's own address: an administrator registers the portal of
 * Hải Dương's public-service site through the form on a laptop — a redirect URI over plain http is
 * refused first, with the server's message under the redirect URI field — and sees its client
 * secret once, in a dialog, then nowhere in the page; asks for a new secret (shown once too) with
 * which the portal (`openid-client`) signs a citizen in through the real sign-in and consent pages;
 * then disconnects the portal. The citizen, signed in with their e-ID account, finds the consent on
 * "Dữ liệu đã đồng ý chia sẻ" with the portal, its purpose, the registry fields it receives by
 * name (in Vietnamese, and in English after switching) and its expiry, withdraws it after a
 * confirmation, and it is gone from the API too. Accessibility (axe-core: no serious or critical
 * violation) and phone (390×844) and laptop screenshots into var/screenshots/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person, pinFor } from '../../src/identity/eid/testing/fixtures.js';
import { ssoRuntime } from '../../src/sso/runtime.js';
import { signIn } from '../../src/sso/testing.js';
import { addCitizen, addEidAccount, addStaff, AxeFindings, expectNoSideScroll, LAPTOP, resizeTo, screenshot, settled, signInCitizen, signInStaff, textOf, startSignOnSuite, withPage, type Platform } from './harness.js';

const PHONE = { width: 390, height: 844 };
const CAM_HOANG = '10897';
const HOA = { pin: pinFor('female', 1988, 8805), fullName: 'Lê Thị Hoa', dateOfBirth: '1988-07-07', sex: 'female' as const, phone: '0912 345 679' };
const HOA_PASSWORD = 'Hoa-Cẩm-Hoàng-88';
const PORTAL = {
  id: 'dvc-haiduong',
  name: 'Cổng dịch vụ công tỉnh Hải Dương',
  callback: 'https://dichvucong.haiduong.gov.vn/auth/callback',
  purpose: 'Điền sẵn tờ khai đăng ký thường trú (mẫu CT01)',
  purposeEn: 'Pre-fill the permanent residence form (CT01)',
};
/** The labels src/sso/scopes.ts gives the fields of `profile` and `address`, as the consent page shows them. */
const FIELDS_VI = ['Họ, chữ đệm và tên', 'Ngày, tháng, năm sinh', 'Giới tính', 'Nơi ở hiện tại (hoặc nơi thường trú)', 'Nơi thường trú', 'Nơi tạm trú', 'Nơi ở hiện tại'];
const FIELDS_EN = ['Full name', 'Date of birth', 'Sex', 'Current residence (or permanent residence)', 'Permanent residence', 'Temporary residence', 'Current residence'];

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  ({ platform, browser } = await startSignOnSuite());
  const { ctx } = platform;
  await addStaff(ctx, { username: 'quantri', role: 'ADMIN', unitCode: null, displayName: 'Quản trị hệ thống' });
  await addStaff(ctx, { username: 'congan.camhoang', role: 'COMMUNE_POLICE', unitCode: CAM_HOANG, displayName: 'Công an xã Cẩm Hoàng' });
  await addCitizen(ctx, person(HOA));
  await addEidAccount(platform, HOA, HOA_PASSWORD, 'congan.camhoang');
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

/** The confirmation bubble now open (Ant Design's Popconfirm), once it has stopped moving. */
async function popconfirm(page: Page) {
  const pop = page.locator('.ant-popconfirm:not(.ant-popover-hidden)');
  await pop.waitFor();
  await settled(page);
  return pop;
}

/** The client secret shown in the dialog `title`, after which the dialog is closed. */
async function secretOnce(page: Page, axe: AxeFindings, state: string, shot?: string): Promise<string> {
  const dialog = page.getByRole('dialog', { name: `Mật khẩu ứng dụng của “${PORTAL.name}”` });
  await dialog.waitFor();
  expect(await textOf(dialog.getByRole('alert'))).toContain('chỉ hiển thị một lần');
  const secret = (await textOf(dialog.locator('#sso-secret-value'))).trim();
  expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(await dialog.locator('code').first().textContent()).toBe(PORTAL.id);
  await dialog.getByRole('button', { name: 'Sao chép mật khẩu' }).click();
  await dialog.getByRole('status').filter({ hasText: /Đã sao chép|Không sao chép được/ }).waitFor();
  await axe.scan(page, state);
  if (shot) await screenshot(page, shot);
  await dialog.getByRole('button', { name: 'Tôi đã lưu mật khẩu, đóng' }).click();
  // Shown once: nowhere in the page once the dialog is closed (and has left).
  await page.locator('#sso-secret-value').waitFor({ state: 'detached' });
  expect((await page.content()).includes(secret), 'the secret is still in the page').toBe(false);
  return secret;
}

/** The citizen's consents as the API answers them, with the e-ID session of `page`. */
async function consentsOverApi(page: Page): Promise<{ total: number; items: { id: number; client: { id: string }; expiresAt: string; grantedAt: string }[] }> {
  const token = await page.evaluate(() => sessionStorage.getItem('motcua.citizenSession'));
  expect(token).toMatch(/^eid\./);
  const r = await fetch(`${platform.baseUrl}/api/v1/sso/consents`, { headers: { authorization: `Bearer ${token}` } });
  expect(r.status).toBe(200);
  return (await r.json()) as never;
}

/** `dd/mm/yyyy` of an instant in Vietnam. */
const vnDate = (iso: string) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(iso));

describe('single sign-on pages', () => {
  it('registers a portal through the form, shows its secrets once, and disconnects it', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      await signInStaff(page, platform.baseUrl, 'quantri', '/sso/portals');
      await page.getByRole('heading', { level: 1, name: 'Cổng dịch vụ công kết nối' }).waitFor();
      expect(await page.title()).toBe('Cổng dịch vụ công kết nối — motcua');
      // The administrator's menu has the page, under "Quản trị hệ thống".
      const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
      await nav.getByText('Quản trị hệ thống', { exact: true }).waitFor();
      expect(await nav.getByRole('link', { name: 'Cổng dịch vụ công kết nối' }).getAttribute('href')).toBe('/sso/portals');
      await page.getByText('Chưa có cổng dịch vụ nào được đăng ký.').waitFor();
      await axe.scan(page, 'empty registry');

      // The form, with a redirect URI over plain http.
      await page.getByRole('button', { name: 'Đăng ký cổng mới' }).click();
      const form = page.getByRole('dialog', { name: 'Đăng ký cổng dịch vụ công' });
      await form.waitFor();
      await form.getByLabel('Mã ứng dụng (client_id)').fill(PORTAL.id);
      await form.getByLabel('Tên cổng (hiển thị cho công dân)').fill(PORTAL.name);
      const redirect = form.getByLabel('Địa chỉ chuyển hướng (redirect URI)');
      await redirect.fill('http://dichvucong.haiduong.gov.vn/auth/callback');
      await form.getByLabel('Địa chỉ quay về sau khi đăng xuất').fill('https://dichvucong.haiduong.gov.vn/');
      expect(await form.getByRole('checkbox', { name: /^profile:/ }).isChecked()).toBe(true);
      await form.getByRole('checkbox', { name: /^address:/ }).check();
      await form.getByLabel('Mục đích sử dụng dữ liệu (tiếng Việt)').fill(PORTAL.purpose);
      await form.getByLabel('Mục đích (tiếng Anh)').fill(PORTAL.purposeEn);
      await form.getByLabel('Địa chỉ logo').fill('https://dichvucong.haiduong.gov.vn/logo.png');
      await form.getByRole('button', { name: 'Đăng ký', exact: true }).click();
      const help = form.locator('#sso-client_redirectUris_help');
      expect(await textOf(help)).toBe('Địa chỉ chuyển hướng "http://dichvucong.haiduong.gov.vn/auth/callback" không hợp lệ: phải dùng https (http chỉ cho địa chỉ nội bộ 127.0.0.1 hoặc localhost).');
      expect(await redirect.getAttribute('aria-invalid')).toBe('true');
      // Said on the field, not again above the form.
      expect(await form.locator('.ant-alert').count()).toBe(0);
      await redirect.scrollIntoViewIfNeeded();
      await axe.scan(page, 'form with the server’s error on the redirect URI');
      await screenshot(page, 'sso-portal-form-error-laptop.png');

      // Fixed: registered, its secret shown once.
      await redirect.fill(PORTAL.callback);
      await settled(page);
      await form.getByRole('button', { name: 'Đăng ký', exact: true }).click();
      const first = await secretOnce(page, axe, 'secret at registration', 'sso-portal-secret-laptop.png');
      await page.getByRole('status').filter({ hasText: `Đã đăng ký “${PORTAL.name}”.` }).waitFor();
      const row = page.locator('.sso-table tbody tr', { hasText: PORTAL.name });
      expect((await row.locator('td').allInnerTexts()).map((s) => s.trim()).slice(0, 5)).toEqual([PORTAL.name, PORTAL.id, 'dichvucong.haiduong.gov.vn', 'Mức độ 1', 'Đang kết nối']);
      const registered = await ssoRuntime(platform.ctx).clients.get(PORTAL.id);
      expect(registered).toMatchObject({ name: PORTAL.name, redirectUris: [PORTAL.callback], postLogoutRedirectUris: ['https://dichvucong.haiduong.gov.vn/'], sector: 'dichvucong.haiduong.gov.vn', requiredLevel: 1, scopes: ['profile', 'address'], purpose: PORTAL.purpose, purposeEn: PORTAL.purposeEn, logoUri: 'https://dichvucong.haiduong.gov.vn/logo.png', authMethod: 'client_secret_basic', status: 'active', createdBy: 'quantri' });
      await axe.scan(page, 'registry with one portal');
      await screenshot(page, 'sso-portals-laptop.png');

      // A new secret, after a confirmation: shown once, not the first one.
      await row.getByRole('button', { name: `Cấp mật khẩu mới cho ${PORTAL.name}` }).click();
      await (await popconfirm(page)).getByRole('button', { name: 'Cấp mật khẩu mới', exact: true }).click();
      const second = await secretOnce(page, axe, 'new secret');
      expect(second).not.toBe(first);

      // The portal signs a citizen in with the secret the page showed: sign-in and consent pages, tokens.
      const signedIn = await signIn({ issuer: `${platform.baseUrl}/oidc`, origin: platform.baseUrl }, PORTAL.id, second, HOA.pin, HOA_PASSWORD, 'openid profile address', PORTAL.callback);
      expect(signedIn.consentPage).toContain(PORTAL.purpose);
      expect(signedIn.tokens.claims()!.aud).toBe(PORTAL.id);

      // The phone: the columns that do not fit are said under the name, nothing overflows.
      await resizeTo(page, PHONE);
      await page.locator('.sso-table .sso-under code', { hasText: PORTAL.id }).waitFor();
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'registry on a phone');
      await screenshot(page, 'sso-portals-phone.png', true);
      await resizeTo(page, LAPTOP);

      // Disconnected, after a confirmation: its tokens revoked.
      await row.getByRole('button', { name: `Ngừng kết nối cổng ${PORTAL.name}` }).click();
      await (await popconfirm(page)).getByRole('button', { name: 'Ngừng kết nối', exact: true }).click();
      const done = await textOf(page.getByRole('status').filter({ hasText: `Đã ngừng kết nối “${PORTAL.name}”` }));
      expect(Number(/đã thu hồi (\d+) mã/.exec(done)?.[1])).toBeGreaterThan(0);
      await row.getByText('Ngừng kết nối', { exact: true }).waitFor();
      expect((await ssoRuntime(platform.ctx).clients.get(PORTAL.id)).status).toBe('disabled');
      await row.getByRole('button', { name: `Kết nối lại cổng ${PORTAL.name}` }).waitFor();
      await axe.scan(page, 'disconnected portal');
    });
    axe.expectNone();
  });

  it('lists the citizen’s consent with the fields the portal receives, and withdraws it', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      await signInCitizen(page, platform.baseUrl, HOA.pin, HOA_PASSWORD, '/eid/account');
      // No administration menu for a citizen.
      expect(await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByText('Quản trị hệ thống').count()).toBe(0);
      await page.getByRole('link', { name: 'Xem dữ liệu đã đồng ý chia sẻ' }).click();
      await page.waitForURL((u) => u.pathname === '/eid/account/sharing');
      await page.getByRole('heading', { level: 1, name: 'Dữ liệu đã đồng ý chia sẻ' }).waitFor();
      expect(await page.title()).toBe('Dữ liệu đã đồng ý chia sẻ — motcua');

      const api = await consentsOverApi(page);
      expect(api.total).toBe(1);
      const consent = api.items[0]!;
      expect(consent.client.id).toBe(PORTAL.id);
      expect(Math.round((Date.parse(consent.expiresAt) - Date.parse(consent.grantedAt)) / 86_400_000)).toBe(180);

      const card = page.locator('.sso-consent', { has: page.getByRole('heading', { level: 2, name: PORTAL.name }) });
      await card.waitFor();
      await card.getByText(PORTAL.purpose).waitFor();
      expect(await card.locator('.sso-fields li').allInnerTexts()).toEqual(FIELDS_VI);
      expect(await textOf(card.locator('.sso-expires'))).toContain(vnDate(consent.expiresAt));
      // Nothing in claim ids.
      expect(await card.textContent()).not.toMatch(/vn_residences|birthdate|\baddress\b/);
      await axe.scan(page, 'a consent');
      await screenshot(page, 'sso-consents-laptop.png', true);

      // In English: the fields by their English names, the English purpose.
      await page.locator('.lang-switch .ant-segmented-item', { hasText: 'English' }).click();
      await page.getByRole('heading', { level: 1, name: 'Data I agreed to share' }).waitFor();
      await card.getByText(PORTAL.purposeEn).waitFor();
      expect(await card.locator('.sso-fields li').allInnerTexts()).toEqual(FIELDS_EN);
      await card.getByRole('button', { name: `Withdraw consent to ${PORTAL.name}` }).waitFor();
      await screenshot(page, 'sso-consents-laptop-en.png', true);
      await page.locator('.lang-switch .ant-segmented-item', { hasText: 'Tiếng Việt' }).click();
      await page.getByRole('heading', { level: 1, name: 'Dữ liệu đã đồng ý chia sẻ' }).waitFor();

      await resizeTo(page, PHONE);
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'a consent on a phone');
      await screenshot(page, 'sso-consents-phone.png', true);

      // Withdrawn after a confirmation: the list is empty, and so is the API's answer.
      await card.getByRole('button', { name: `Rút lại sự đồng ý với ${PORTAL.name}` }).click();
      const pop = await popconfirm(page);
      expect(await pop.textContent()).toContain(`Rút lại sự đồng ý với “${PORTAL.name}”?`);
      await axe.scan(page, 'withdrawal confirmation');
      await pop.getByRole('button', { name: 'Rút lại sự đồng ý', exact: true }).click();
      await page.getByRole('status').filter({ hasText: `Đã rút lại sự đồng ý với “${PORTAL.name}”.` }).waitFor();
      await page.getByText('Bạn chưa đồng ý chia sẻ dữ liệu với cổng dịch vụ nào.').waitFor();
      expect(await page.locator('.sso-consent').count()).toBe(0);
      expect(await consentsOverApi(page)).toEqual({ total: 0, items: [] });
      await axe.scan(page, 'no consent');
      await screenshot(page, 'sso-consents-empty-phone.png', true);
    });
    axe.expectNone();
  });
});

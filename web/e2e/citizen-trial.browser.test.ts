/**
 * Defects a fresh-eyes trial of the citizen pages found, in a real browser (Debian's Chromium)
 * against the whole platform, its single sign-on's issuer at its own address:
 * - a reload during activation kept nothing: the page asked for a new code at once and the server
 *   refused it (429, the code had just been sent). Now step 2 comes back with the code field, the
 *   code sent before activates, and "send again" waits for the server's spacing;
 * - the sign-in page kept a wrong password's alert beside a new attempt's field error;
 * - the provider's own sign-in page answered 404 to a reload after a wrong password;
 * - two tabs: a sign-in or sign-out in one left the other showing the old state.
 * Phone (390×844) and laptop (1366×768) screenshots into var/screenshots/, axe-core on each page.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng, person, pinFor } from '../../src/identity/eid/testing/fixtures.js';
import { addCitizen, addEidAccount, addStaff, AxeFindings, expectNoSideScroll, LAPTOP, resizeTo, screenshot, signInCitizen, STAFF_PASSWORD, staffOtp, startSignOnSuite, textOf, withPage, type Platform } from './harness.js';

const PHONE = { width: 390, height: 844 };
const CAM_HOANG = '10897';
const HA = { pin: pinFor('female', 1993, 7781), fullName: 'Phạm Thu Hà', dateOfBirth: '1993-06-21', sex: 'female' as const, phone: '0912 345 690', masked: '091****690' };
const HA_PASSWORD = 'Hà-Cẩm-Hoàng-1993';
const KHOA = { pin: pinFor('male', 1987, 7782), fullName: 'Vũ Đăng Khoa', dateOfBirth: '1987-01-30', sex: 'male' as const, phone: '0912 345 691' };
const KHOA_PASSWORD = 'Khoa-Cẩm-Hoàng-87';

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  ({ platform, browser } = await startSignOnSuite());
  await addStaff(platform.ctx, { username: 'congan.camhoang', role: 'COMMUNE_POLICE', unitCode: CAM_HOANG, displayName: 'Công an xã Cẩm Hoàng' });
  await addCitizen(platform.ctx, person(HA));
  await addCitizen(platform.ctx, person(KHOA));
  await addEidAccount(platform, KHOA, KHOA_PASSWORD, 'congan.camhoang');
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function post(url: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const r = await fetch(`${platform.baseUrl}/api/v1${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const json = (await r.json().catch(() => ({}))) as Record<string, unknown>;
  if (!r.ok) throw new Error(`${url}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

/** The last activation code the outbox holds (not yet delivered). */
async function lastCode(): Promise<string> {
  const sms = (await platform.ctx.db.kysely.selectFrom('outbox_messages' as never).select(['body' as never]).where('kind' as never, '=', 'eid.otp' as never).orderBy('id' as never, 'desc').executeTakeFirstOrThrow()) as { body: string };
  return /là (\d{6}),/.exec(sms.body)![1]!;
}

/**
 * Phone and laptop screenshots of the page as it stands (whole page), back at the phone's size
 * after. `app`: a page of the web UI (its menu button tells when the layout has changed), not one
 * the provider renders.
 */
async function bothSizes(page: Page, name: string, app = true): Promise<void> {
  for (const [viewport, size] of [[PHONE, 'phone'], [LAPTOP, 'laptop'], [PHONE, '']] as const) {
    if (app) await resizeTo(page, viewport);
    else await page.setViewportSize(viewport);
    if (!size) break;
    await expectNoSideScroll(page, viewport);
    await screenshot(page, `${name}-${size}.png`, true);
  }
}

describe('citizen pages after a user trial', () => {
  it('keeps the activation in progress across a reload: the code sent before activates, "send again" waits', async () => {
    // Hà's application, approved by the police: her account awaits activation.
    const application = await post('/eid/applications', { pin: HA.pin, fullName: HA.fullName, dateOfBirth: HA.dateOfBirth, sex: HA.sex, phone: HA.phone, faceImage: makePng().toString('base64') });
    const police = await post('/staff/sessions', { username: 'congan.camhoang', password: STAFF_PASSWORD, otp: await staffOtp('congan.camhoang') });
    await post(`/eid/applications/${String(application.id)}/decision`, { decision: 'approve' }, String(police.token));

    const axe = new AxeFindings();
    await withPage(browser, PHONE, async (page) => {
      await page.goto(`${platform.baseUrl}/eid/activate`);
      await page.getByLabel('Số định danh cá nhân').fill(HA.pin);
      await page.getByLabel('Số điện thoại di động').fill(HA.phone);
      await page.getByRole('button', { name: 'Gửi mã kích hoạt' }).click();
      await page.getByText(`mã gồm 6 chữ số đã được gửi đến ${HA.masked}. Mã có hiệu lực 5 phút.`, { exact: false }).waitFor();
      const code = await lastCode();

      // The reload: step 2 again, not a new request (which the server would refuse: one code a minute).
      const requests: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST') requests.push(new URL(r.url()).pathname);
      });
      await page.reload();
      const codeBox = page.getByLabel('Mã kích hoạt (6 chữ số)');
      await codeBox.waitFor();
      const notice = await textOf(page.locator('.eid-sent'));
      expect(notice).toMatch(new RegExp(`^Mã gồm 6 chữ số đã được gửi đến ${HA.masked.replace(/\*/g, '\\*')} lúc \\d\\d:\\d\\d và dùng được đến \\d\\d:\\d\\d\\. Nhập mã đó bên dưới; không cần xin mã mới\\.$`));
      expect(await page.locator('li[aria-current="step"]').textContent()).toBe('Nhập mã, đặt mật khẩu');
      const resend = page.getByRole('button', { name: /^Gửi lại mã sau \d+ giây$/ });
      expect(await resend.isDisabled()).toBe(true);
      const left = Number(/sau (\d+) giây/.exec((await resend.textContent()) ?? '')![1]);
      expect(left).toBeGreaterThan(30);
      expect(left).toBeLessThanOrEqual(60);
      expect(requests).toEqual([]);
      await axe.scan(page, 'activation after a reload');
      await bothSizes(page, 'eid-activate-reloaded');

      await codeBox.fill(code);
      await page.getByLabel('Mật khẩu mới').fill(HA_PASSWORD);
      await page.getByLabel('Nhập lại mật khẩu').fill(HA_PASSWORD);
      await page.getByLabel('Mã bảo vệ (passcode, 6 chữ số)').fill('246813');
      await page.getByRole('button', { name: 'Kích hoạt', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Tài khoản đã được kích hoạt' }).waitFor();
      expect(requests).toEqual(['/api/v1/eid/activations/confirm']);
      // Done: nothing is kept for the tab any more, a new visit starts at step 1.
      expect(await page.evaluate(() => sessionStorage.getItem('motcua.eidActivation'))).toBeNull();
      await page.reload();
      await page.getByRole('button', { name: 'Gửi mã kích hoạt' }).waitFor();
    });
    axe.expectNone();
  });

  it('drops the old alert of the sign-in page when the citizen edits the form or tries again', async () => {
    const axe = new AxeFindings();
    await withPage(browser, PHONE, async (page) => {
      await page.goto(`${platform.baseUrl}/eid/sign-in`);
      const submit = page.locator('form#eid-sign-in button[type=submit]');
      const refusal = page.getByRole('alert').filter({ hasText: 'Số định danh cá nhân hoặc mật khẩu không đúng.' });
      await page.getByLabel('Số định danh cá nhân').fill(KHOA.pin);
      await page.getByLabel('Mật khẩu').fill('sai-mat-khau');
      await submit.click();
      await refusal.waitFor();

      // A new attempt refused by a field's own check: that field's message alone.
      await page.getByLabel('Mật khẩu').fill('');
      await submit.click();
      expect(await textOf(page.locator('#eid-sign-in_password_help'))).toBe('Nhập mật khẩu.');
      expect(await refusal.count()).toBe(0);
      expect(await page.locator('.form-problem').count()).toBe(0);
      await axe.scan(page, 'sign-in: a field error after a refusal');
      await bothSizes(page, 'eid-sign-in-retry');

      // Refused again, then the citizen types: the alert goes at the first key.
      await page.getByLabel('Mật khẩu').fill('sai-mat-khau-nua');
      await submit.click();
      await refusal.waitFor();
      await page.getByLabel('Số định danh cá nhân').press('End');
      await page.getByLabel('Số định danh cá nhân').press('Backspace');
      await refusal.waitFor({ state: 'detached' });
      expect(await textOf(page.locator('#eid-sign-in_pin_help'))).toBe('Số định danh cá nhân gồm đúng 12 chữ số.');
    });
    axe.expectNone();
  });

  it('shows the provider’s sign-in form again when the page is reloaded after a wrong password, never a 404', async () => {
    const axe = new AxeFindings();
    await withPage(browser, PHONE, async (page) => {
      await page.goto(`${platform.baseUrl}/api/v1/portal/sign-in/start?next=%2Feid%2Faccount`);
      await page.waitForURL((u) => /^\/oidc\/interaction\/[\w-]+$/.test(u.pathname));
      const interaction = new URL(page.url()).pathname;
      await page.getByLabel('Số định danh cá nhân').fill(KHOA.pin);
      await page.getByLabel('Mật khẩu').fill('sai-mat-khau');
      await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
      const refusal = page.getByRole('alert');
      expect(await textOf(refusal)).toBe('Số định danh cá nhân hoặc mật khẩu không đúng.');
      // The page stands at the interaction's own address: one a reload can open.
      expect(new URL(page.url()).pathname).toBe(interaction);
      expect(await page.getByLabel('Số định danh cá nhân').inputValue()).toBe(KHOA.pin);
      await axe.scan(page, 'provider sign-in after a wrong password');
      await bothSizes(page, 'sso-login-wrong-password', false);

      const reloaded = await page.reload();
      expect(reloaded?.status()).toBe(200);
      await page.getByLabel('Mật khẩu').waitFor();
      expect(await refusal.count()).toBe(0);
      expect(await page.title()).toBe('Đăng nhập bằng tài khoản định danh điện tử');
      await screenshot(page, 'sso-login-reloaded-phone.png', true);

      // The address a form was posted to, opened again (a restored tab): the same form.
      const posted = await page.goto(`${platform.baseUrl}${interaction}/login`);
      expect(posted?.status()).toBe(200);
      expect(new URL(page.url()).pathname).toBe(interaction);

      // And the form still signs in.
      await page.getByLabel('Số định danh cá nhân').fill(KHOA.pin);
      await page.getByLabel('Mật khẩu').fill(KHOA_PASSWORD);
      await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
      await page.getByRole('button', { name: 'Đồng ý chia sẻ' }).waitFor();

      // An interaction that is gone: said in words, with a way to start again.
      const gone = await page.goto(`${platform.baseUrl}/oidc/interaction/het-han/login`);
      expect(gone?.status()).toBe(400);
      expect(await textOf(page.getByRole('alert'))).toBe('Phiên đăng nhập đã hết hạn hoặc không còn; hãy quay lại cổng dịch vụ và bắt đầu lại.');
      expect(await page.getByRole('link', { name: 'Bắt đầu lại: đăng nhập trên trang công dân của hệ thống' }).getAttribute('href')).toBe('/eid/sign-in');
      await axe.scan(page, 'provider: interaction gone');
      await bothSizes(page, 'sso-interaction-gone', false);
      // The provider's pages answer a refusal with its status (401, 400): the browser logs them.
    }, (problem) => /^console: Failed to load resource: the server responded with a status of (400|401) /.test(problem));
    axe.expectNone();
  });

  it('makes two tabs follow each other: a sign-in in one signs the other in, a sign-out signs it out', async () => {
    const context: BrowserContext = await browser.newContext({ viewport: LAPTOP, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', reducedMotion: 'reduce' });
    const problems: string[] = [];
    try {
      const [a, b] = [await context.newPage(), await context.newPage()];
      for (const p of [a, b]) {
        p.setDefaultTimeout(15_000);
        p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      }
      // Tab A: the account page, which sends the anonymous citizen to sign in.
      await a.goto(`${platform.baseUrl}/eid/account`);
      await a.waitForURL((u) => u.pathname === '/eid/sign-in');
      // Tab B: the citizen signs in there.
      await signInCitizen(b, platform.baseUrl, KHOA.pin, KHOA_PASSWORD, '/eid/account');
      await b.getByRole('heading', { level: 1, name: 'Tài khoản định danh điện tử của tôi' }).waitFor();

      // Tab A follows without a reload.
      await a.getByText(`Bạn đang đăng nhập: ${KHOA.fullName}.`).waitFor();
      await bothSizes(a, 'tabs-follow-signed-in');
      await a.getByRole('link', { name: 'Tiếp tục' }).click();
      await a.getByRole('heading', { level: 1, name: 'Tài khoản định danh điện tử của tôi' }).waitFor();
      expect(await textOf(a.locator('.eid-card').first())).toContain(KHOA.fullName);
      // One session for the browser: both tabs hold the same token.
      const token = (p: Page) => p.evaluate(() => sessionStorage.getItem('motcua.citizenSession'));
      expect(await token(a)).toBe(await token(b));

      // Signing out in B signs A out: A's account page gives way to the sign-in page.
      await b.locator('.eid-card').first().getByRole('button', { name: 'Đăng xuất' }).click();
      await b.waitForURL((u) => u.pathname === '/eid/sign-in');
      await a.waitForURL((u) => u.pathname === '/eid/sign-in');
      await a.getByLabel('Số định danh cá nhân').waitFor();
      expect(await token(a)).toBeNull();
      await bothSizes(a, 'tabs-follow-signed-out');
      // The server ended the session too.
      const me = await fetch(`${platform.baseUrl}/api/v1/eid/me`, { headers: { authorization: `Bearer ${String(await token(b))}` } });
      expect(me.status).toBe(401);
    } finally {
      await context.close();
    }
    expect(problems).toEqual([]);
  });
});

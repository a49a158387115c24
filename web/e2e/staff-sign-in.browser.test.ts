/**
 * Staff sign-in with a TOTP second factor in a real browser (Debian's Chromium) against the whole
 * platform (`MOTCUA_STAFF_TOTP=required`, the default): the code field; a first sign-in that sets
 * up the authenticator app from the QR code drawn in the page or the secret shown as text, confirmed
 * with a code computed here from that secret; a missing and a wrong code said under the field;
 * accessibility (axe-core: no serious or critical violation) and screenshots on a 360×640 phone and
 * a laptop (`var/screenshots/staff-*.png`).
 */
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createStaff } from '../../src/identity/index.js';
import { unitCodeExists, type UnitsTables } from '../../src/units/index.js';
import { addStaff, AxeFindings, screenshot, settled, STAFF_PASSWORD, submitSignIn, textOf, withPage, type Platform, type Viewport, LAPTOP, expectNoSideScroll, startUiSuite } from './harness.js';

const PHONE = { width: 360, height: 640 };

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  ({ platform, browser } = await startUiSuite());
  const { ctx } = platform;
  // Two officers signing in for the first time (no authenticator yet), one who has set it up.
  for (const [username, role, unitCode, displayName] of [
    ['congan.camhoang', 'COMMUNE_POLICE', '10897', 'Công an xã Cẩm Hoàng'],
    ['pc06.haiduong', 'PROVINCIAL_POLICE', '30', 'Phòng PC06 Công an tỉnh Hải Dương'],
  ] as const) {
    await createStaff(ctx.db, { username, password: STAFF_PASSWORD, role, unitCode, unitDate: '2023-02-28', displayName }, { kind: 'cli', id: 'e2e' }, (c) => unitCodeExists(ctx.db.as<UnitsTables>(), c));
  }
  await addStaff(ctx, { username: 'canbo.camhoang', role: 'COMMUNE_OFFICER', unitCode: '10897', displayName: 'Bộ phận một cửa xã Cẩm Hoàng' });
  await addStaff(ctx, { username: 'bcd06.haiduong', role: 'WORKING_GROUP', unitCode: '30', displayName: 'Tổ công tác Đề án 06 tỉnh Hải Dương' });
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});


describe('staff sign-in with an authenticator app', () => {
  it('sets up the authenticator at a first sign-in, on a phone and on a laptop', async () => {
    const axe = new AxeFindings();
    for (const [name, viewport, username] of [
      ['phone', PHONE, 'congan.camhoang'],
      ['laptop', LAPTOP, 'pc06.haiduong'],
    ] as const) {
      await withPage(browser, viewport, async (page) => {
        await page.goto(`${platform.baseUrl}/sign-in?next=/citizens`);
        await page.getByRole('heading', { level: 1, name: 'Đăng nhập cán bộ' }).waitFor();
        const code = page.getByLabel('Mã xác thực (6 chữ số)');
        expect(await code.getAttribute('autocomplete')).toBe('one-time-code');
        expect(await code.getAttribute('inputmode')).toBe('numeric');
        await screenshot(page, `staff-sign-in-${name}.png`);
        await axe.scan(page, `sign-in form on ${name}`);
        await expectNoSideScroll(page, viewport);

        // First sign-in: the password alone (the code field left empty) leads to the setup.
        await submitSignIn(page, username);
        await page.getByRole('heading', { level: 1, name: 'Thiết lập xác thực hai lớp' }).waitFor();
        expect(await textOf(page.locator('.page-intro'))).toContain(`Tài khoản ${username} chưa gắn ứng dụng xác thực.`);
        const qr = page.getByRole('img', { name: 'Mã QR để thêm tài khoản cán bộ vào ứng dụng xác thực' });
        await qr.waitFor();
        expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
        const uri = await page.getByRole('link', { name: 'Mở bằng ứng dụng xác thực' }).getAttribute('href');
        expect(uri).toMatch(new RegExp(`^otpauth://totp/motcua:${username.replace('.', '\\.')}\\?`));
        const secret = (await textOf(page.locator('.totp-secret'))).replace(/\s+/g, '');
        expect(secret).toMatch(/^[A-Z2-7]{32}$/);
        expect(uri).toContain(`secret=${secret}`);
        expect(await textOf(page.locator('.totp-steps'))).toContain('trong vòng 10 phút');
        await screenshot(page, `staff-totp-enrol-${name}.png`, true);
        await axe.scan(page, `authenticator setup on ${name}`);
        await expectNoSideScroll(page, viewport);

        // A wrong code (an hour old) is said under the field; the app's current code signs in.
        const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
        const field = page.getByLabel('Mã xác thực (6 chữ số)');
        await field.fill(totp.generate({ timestamp: Date.now() - 3_600_000 }));
        await page.getByRole('button', { name: 'Xác nhận và vào hệ thống' }).click();
        await page.getByText('Mã xác thực không đúng hoặc đã được dùng; hãy nhập mã mới trong ứng dụng.').waitFor();
        await settled(page);
        // A full-page shot draws the sticky header where the page is scrolled to: from the top.
        await page.evaluate(() => window.scrollTo(0, 0));
        if (name === 'phone') await screenshot(page, 'staff-totp-enrol-wrong-code-phone.png', true);
        await axe.scan(page, `wrong code at setup on ${name}`);
        await field.fill(totp.generate());
        await page.getByRole('button', { name: 'Xác nhận và vào hệ thống' }).click();
        await page.waitForURL((u) => u.pathname === '/citizens');
      });
    }
    axe.expectNone();
  });

  it('asks an officer with an authenticator for the code: missing, then given', async () => {
    await withPage(browser, PHONE, async (page) => {
      await page.goto(`${platform.baseUrl}/sign-in?next=/citizens`);
      await page.getByLabel('Tên đăng nhập').fill('canbo.camhoang');
      await page.getByLabel('Mật khẩu').fill(STAFF_PASSWORD);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await page.getByText('Cần nhập mã xác thực 6 chữ số từ ứng dụng xác thực trên điện thoại.').waitFor();
      await settled(page);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'staff-sign-in-code-missing-phone.png', true);
      const axe = new AxeFindings();
      await axe.scan(page, 'missing code');
      axe.expectNone();
      await submitSignIn(page, 'canbo.camhoang');
      await page.waitForURL((u) => u.pathname === '/citizens');
    });
  });

  it('opens the dashboard for the working group when no page was asked for', async () => {
    await withPage(browser, LAPTOP, async (page) => {
      await page.goto(`${platform.baseUrl}/sign-in`);
      await submitSignIn(page, 'bcd06.haiduong');
      await page.waitForURL((u) => u.pathname === '/reports');
    });
  });
});

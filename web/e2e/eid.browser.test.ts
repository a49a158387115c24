/**
 * The e-ID pages in a real browser (Debian's Chromium) against the whole platform, SMS going to a
 * JSON-lines file the test reads (MOTCUA_SMS_SINK=file:…, delivered with deliverDueMessages):
 * a citizen applies for a level-1 account on a small phone (360×640) — a file that is not an image
 * and a name that does not match the registry are refused with clear errors — the commune police
 * of Xã Cẩm Hoàng see the face image sent with it and approve it from the queue on a laptop,
 * after a confirmation (cancelled once), the approval SMS arrives, the citizen asks
 * for the activation code, a wrong code is refused under the code field, the right one activates
 * the account with a password and passcode, the citizen signs in and the account page shows level
 * 1 and the sign-in in the usage history. Then the police take a level-2 application in person
 * (portrait and fingerprint files, consent) and lock the account, which the citizen's sign-in then
 * reports. Accessibility (axe-core: no serious or critical violation) and phone and laptop
 * screenshots into var/screenshots/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFmr, makePng } from '../../src/identity/eid/testing/fixtures.js';
import { deliverDueMessages, readSinkFile, type SinkLine } from '../../src/platform/jobs/index.js';
import { addCitizen, addStaff, AxeFindings, ensureUiBuilt, launchBrowser, resizeTo, screenshot, SCREENSHOTS, signInStaff, startPlatform, textOf, withPage, type Platform, LAPTOP } from './harness.js';

const PHONE = { width: 360, height: 640 };
const D = '2023-02-28';
const CAM_HOANG = '10897';

// Valid numbers of Hải Dương (030): century-and-sex digit, two digits of the birth year, serial.
const AN = { pin: '030090001234', name: 'Nguyễn Văn An', phone: '0912 345 678', e164: '+84912345678', masked: '091****678' };
const PASSWORD = 'Hoàng Xá mùa lúa chín';
const PASSCODE = '246813';

let platform: Platform;
let browser: Browser;
let tmp: string;
let smsFile: string;

beforeAll(async () => {
  await ensureUiBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-e2e-eid-'));
  smsFile = path.join(tmp, 'sms.jsonl');
  // Server errors (a 500) are logged, so that a failure here says why.
  platform = await startPlatform({ MOTCUA_SMS_SINK: `file:${smsFile}`, MOTCUA_PUBLIC_URL: 'https://dichvucong.haiduong.gov.vn', LOG_LEVEL: 'error' });
  browser = await launchBrowser();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const { ctx } = platform;
  await addStaff(ctx, { username: 'congan.camhoang', role: 'COMMUNE_POLICE', unitCode: CAM_HOANG, displayName: 'Công an xã Cẩm Hoàng' });
  await addCitizen(ctx, {
    pin: AN.pin,
    fullName: AN.name,
    dateOfBirth: '1990-05-12',
    sex: 'male',
    birthRegistration: { unitCode: '30', unitDate: D },
    permanentResidence: { unitCode: CAM_HOANG, unitDate: D, addressLine: 'Thôn Hoàng Xá' },
    identityCard: { number: AN.pin, issuedOn: '2021-04-01', expiresOn: '2036-05-12', chip: true },
  });
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Delivers the queued messages and answers the SMS sent to `phone` (E.164). */
async function smsTo(phone: string): Promise<SinkLine[]> {
  await deliverDueMessages(platform.ctx);
  return readSinkFile(smsFile).filter((l) => l.channel === 'sms' && l.to === phone);
}

/** The text of `locator` once shown; fails at once with the page's error message if one comes instead. */
async function shown(page: Page, locator: Locator): Promise<string> {
  const problem = page.locator('.ant-alert-error');
  await locator.or(problem).first().waitFor();
  if (await problem.count()) throw new Error(`the page shows an error: ${await problem.first().textContent()}`);
  return textOf(locator);
}

/**
 * The citizen sign-in form's button, found by its form: while a request runs its accessible name
 * gains the spinner's "loading", and a click must wait for it rather than miss it.
 */
const citizenSignInButton = (page: Page) => page.locator('form#eid-sign-in button[type=submit]');


/** Fills the application form on the phone (the face photo apart). */
async function fillApplication(page: Page, fullName: string): Promise<void> {
  await page.getByLabel('Số định danh cá nhân').fill(AN.pin);
  await page.getByLabel('Họ và tên').fill(fullName);
  await page.getByLabel('Ngày', { exact: true }).fill('12');
  await page.getByLabel('Tháng', { exact: true }).fill('5');
  await page.getByLabel('Năm', { exact: true }).fill('1990');
  await page.locator('.eid-choice').getByText('Nam', { exact: true }).click();
  await page.getByLabel('Số điện thoại di động').fill(AN.phone);
  await page.getByLabel('Thư điện tử').fill('an.nguyen@example.vn');
}

describe('e-ID pages', () => {
  let applicationId = 0;
  let totp: TOTP;

  it('takes a level-1 application on a phone, with the server’s errors on the right fields', async () => {
    const axe = new AxeFindings();
    await withPage(browser, PHONE, async (page) => {
      await page.goto(`${platform.baseUrl}/eid/apply`);
      await page.getByRole('heading', { level: 1, name: 'Đăng ký tài khoản định danh điện tử mức độ 1' }).waitFor();
      expect(await page.title()).toBe('Đăng ký tài khoản định danh điện tử mức độ 1 — motcua');
      // Numeric keyboards on the phone, the front camera for the face.
      expect(await page.getByLabel('Số định danh cá nhân').getAttribute('inputmode')).toBe('numeric');
      expect(await page.getByLabel('Năm', { exact: true }).getAttribute('inputmode')).toBe('numeric');
      expect(await page.getByLabel('Số điện thoại di động').getAttribute('inputmode')).toBe('tel');
      const face = page.locator('#eid-apply_faceImage');
      expect(await face.getAttribute('capture')).toBe('user');
      await axe.scan(page, 'empty application');

      // Nothing filled: the form says what is missing, nothing is sent.
      await page.getByRole('button', { name: 'Gửi đề nghị' }).click();
      await page.getByText('Nhập số định danh cá nhân.').waitFor();
      await page.getByText('Chụp ảnh khuôn mặt.', { exact: true }).waitFor();

      // A "photo" that is not an image: the server's EID_IMAGE_TYPE, under the photo.
      await fillApplication(page, 'NGUYEN VAN AN');
      await face.setInputFiles({ name: 'face.png', mimeType: 'image/png', buffer: Buffer.from('this is not a picture') });
      await page.getByText('Đã có ảnh', { exact: false }).waitFor();
      await page.getByRole('button', { name: 'Gửi đề nghị' }).click();
      const faceHelp = page.locator('#eid-apply_faceImage_help');
      expect(await textOf(faceHelp)).toContain('không phải ảnh JPEG hoặc PNG');
      expect(await face.getAttribute('aria-invalid')).toBe('true');
      await screenshot(page, 'eid-apply-phone-error.png', true);
      await axe.scan(page, 'application with a field error');

      // A real photo but a name that is not the registry's: said above the form, without saying which field.
      await face.setInputFiles({ name: 'face.png', mimeType: 'image/png', buffer: makePng(160, 160) });
      await page.getByLabel('Họ và tên').fill('Nguyễn Văn Anh');
      await page.getByRole('button', { name: 'Gửi đề nghị' }).click();
      await page.getByRole('alert').filter({ hasText: 'không khớp với Cơ sở dữ liệu quốc gia về dân cư' }).waitFor();
      // The photo's earlier error leaves (Ant Design fades it out: wait, never read it mid-animation).
      await page.locator('#eid-apply_faceImage_help').waitFor({ state: 'detached' });

      // Right: folded name (no diacritics, capitals) matches.
      await page.getByLabel('Họ và tên').fill('NGUYEN VAN AN');
      await screenshot(page, 'eid-apply-phone.png', true);
      await page.getByRole('button', { name: 'Gửi đề nghị' }).click();
      const done = page.getByRole('heading', { level: 1, name: /^Đã gửi đề nghị số \d+$/ });
      applicationId = Number(/(\d+)$/.exec(await textOf(done))![1]);
      expect(applicationId).toBeGreaterThan(0);
      const text = await textOf(page.locator('.ant-result'));
      expect(text).toContain(AN.masked);
      expect(await page.content()).not.toContain(AN.pin);
      await axe.scan(page, 'application sent');
      await screenshot(page, 'eid-apply-done-phone.png');
      // Big enough to hit with a thumb.
      const box = await page.getByRole('link', { name: 'Đến trang kích hoạt' }).boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(44);
    });
    axe.expectNone();
  });

  it('shows it in the commune police queue with counts, and the police approve it', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      await signInStaff(page, platform.baseUrl, 'congan.camhoang', '/eid/applications');
      const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
      await nav.getByRole('link', { name: 'Đề nghị cấp tài khoản' }).waitFor();
      await nav.getByRole('link', { name: 'Thu nhận mức độ 2' }).waitFor();
      await page.getByRole('heading', { level: 1, name: 'Đề nghị cấp tài khoản định danh điện tử' }).waitFor();
      const row = page.locator('.eid-queue tbody tr.ant-table-row').filter({ hasText: AN.name });
      const rowText = await textOf(row);
      expect(rowText).toContain('030******234');
      expect(rowText).toContain('Mức độ 1');
      expect(rowText).toContain('Đã xác minh');
      expect(await textOf(page.locator('.eid-status-filter'))).toContain('Đã xác minh (1)');
      expect(await textOf(page.locator('.eid-queue caption'))).toBe('1 đề nghị');
      // Filtered by another commune: nothing.
      await page.getByLabel('Mã xã/phường').fill('10900');
      await page.getByRole('button', { name: 'Lọc' }).click();
      await page.waitForURL((u) => u.searchParams.get('commune') === '10900');
      await page.getByText('Không có đề nghị nào.').waitFor();
      expect(await textOf(page.locator('.eid-status-filter'))).toContain('Tất cả (0)');
      await page.getByLabel('Mã xã/phường').fill(CAM_HOANG);
      await page.getByRole('button', { name: 'Lọc' }).click();
      await row.waitFor();
      await axe.scan(page, 'queue');
      await screenshot(page, 'eid-queue-laptop.png');

      await row.getByRole('link', { name: AN.name }).click();
      await page.waitForURL((u) => u.pathname === `/eid/applications/${applicationId}`);
      const facts = await textOf(page.locator('.eid-card').first());
      expect(facts).toContain(AN.pin);
      expect(facts).toContain('12/05/1990');
      expect(facts).toContain('Trực tuyến');
      expect(facts).toContain('Chưa xác thực sinh trắc học');
      await page.getByText('Xã Cẩm Hoàng, Huyện Cẩm Giàng, Tỉnh Hải Dương').waitFor();
      // The face image the citizen sent, beside the particulars, to compare before deciding.
      const photo = page.getByRole('img', { name: 'Ảnh khuôn mặt công dân gửi kèm đề nghị' });
      const naturalWidth = await photo.evaluate((el) => {
        const img = el as HTMLImageElement;
        if (img.complete && img.naturalWidth > 0) return img.naturalWidth;
        return new Promise<number>((resolve) => img.addEventListener('load', () => resolve(img.naturalWidth), { once: true }));
      });
      expect(naturalWidth).toBe(160);
      expect(await photo.getAttribute('src')).toMatch(/^blob:/);
      await axe.scan(page, 'application');

      // Approval asks for confirmation first: cancelled, nothing is decided.
      const confirm = page.locator('.ant-popconfirm').filter({ hasText: `Phê duyệt đề nghị của ${AN.name}?` });
      await page.getByRole('button', { name: 'Phê duyệt đề nghị' }).click();
      await confirm.waitFor();
      expect(await textOf(confirm)).toContain('Đã đối chiếu ảnh khuôn mặt với công dân.');
      await confirm.getByRole('button', { name: 'Hủy' }).click();
      await confirm.waitFor({ state: 'hidden' });
      expect(await textOf(page.locator('.eid-timeline'))).not.toContain('Đã phê duyệt');
      await page.getByRole('button', { name: 'Phê duyệt đề nghị' }).click();
      await confirm.getByRole('button', { name: 'Xác nhận phê duyệt' }).click();
      await page.getByRole('alert').filter({ hasText: `Đã phê duyệt. Tin nhắn mời kích hoạt đã được xếp gửi đến ${AN.masked}.` }).waitFor();
      const steps = await textOf(page.locator('.eid-timeline'));
      expect(steps).toContain('Đã tiếp nhận');
      expect(steps).toContain('Đã phê duyệt');
      expect(steps).toContain('Chờ kích hoạt');
      expect(steps).toContain('congan.camhoang');
      await screenshot(page, 'eid-application-laptop.png', true);
      await axe.scan(page, 'application approved');
    });
    axe.expectNone();
    // The approval SMS invites activation at the platform's address.
    const invite = (await smsTo(AN.e164)).filter((m) => m.kind === 'eid.activation-invite');
    expect(invite).toHaveLength(1);
    expect(invite[0]!.text).toContain('https://dichvucong.haiduong.gov.vn/eid/activate');
  });

  it('activates with the SMS code (a wrong code refused), signs in and shows level 1 and the sign-in', async () => {
    const axe = new AxeFindings();
    await withPage(browser, PHONE, async (page) => {
      await page.goto(`${platform.baseUrl}/eid/activate`);
      await page.getByRole('heading', { level: 1, name: 'Kích hoạt tài khoản định danh điện tử' }).waitFor();
      await page.getByLabel('Số định danh cá nhân').fill(AN.pin);
      await page.getByLabel('Số điện thoại di động').fill(AN.phone);
      await page.getByRole('button', { name: 'Gửi mã kích hoạt' }).click();
      await page.getByText(`mã gồm 6 chữ số đã được gửi đến ${AN.masked}. Mã có hiệu lực 5 phút.`, { exact: false }).waitFor();
      // Resending waits (the server's resendAfterSeconds).
      expect(await page.getByRole('button', { name: /^Gửi lại mã sau \d+ giây$/ }).isDisabled()).toBe(true);
      const codeSms = (await smsTo(AN.e164)).filter((m) => m.kind === 'eid.otp');
      expect(codeSms).toHaveLength(1);
      const code = /là (\d{6}),/.exec(codeSms[0]!.text)![1]!;
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');

      const codeBox = page.getByLabel('Mã kích hoạt (6 chữ số)');
      expect(await codeBox.getAttribute('inputmode')).toBe('numeric');
      expect(await codeBox.getAttribute('autocomplete')).toBe('one-time-code');
      expect(await page.getByLabel('Mã bảo vệ (passcode, 6 chữ số)').getAttribute('inputmode')).toBe('numeric');
      // NIST rules are shown.
      expect(await textOf(page.locator('.eid-rules'))).toContain('Không dùng mật khẩu phổ biến');
      await codeBox.fill(wrong);
      await page.getByLabel('Mật khẩu mới').fill(PASSWORD);
      await page.getByLabel('Nhập lại mật khẩu').fill(PASSWORD);
      // A run of digits is refused before it is sent.
      await page.getByLabel('Mã bảo vệ (passcode, 6 chữ số)').fill('123456');
      await page.getByRole('button', { name: 'Kích hoạt', exact: true }).click();
      await page.getByText('Mã bảo vệ gồm 6 chữ số, không lặp lại một chữ số và không phải dãy liên tiếp.').waitFor();
      await page.getByLabel('Mã bảo vệ (passcode, 6 chữ số)').fill(PASSCODE);
      await page.getByRole('button', { name: 'Kích hoạt', exact: true }).click();
      // The wrong code: the server's EID_CODE_INVALID under the code field.
      expect(await textOf(page.locator('#eid-activate-confirm_code_help'))).toBe('Mã xác thực không đúng.');
      await screenshot(page, 'eid-activate-wrong-code-phone.png', true);
      await axe.scan(page, 'activation with a wrong code');

      await codeBox.fill(code);
      await page.getByRole('button', { name: 'Kích hoạt', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Tài khoản đã được kích hoạt' }).waitFor();
      expect(await textOf(page.locator('.ant-result'))).toContain('mức độ 1');
      await axe.scan(page, 'activated');

      // Sign in: the number is already there.
      await page.getByRole('link', { name: 'Đăng nhập', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/eid/sign-in');
      await page.getByRole('heading', { level: 1, name: 'Đăng nhập tài khoản định danh điện tử' }).waitFor();
      expect(await page.getByLabel('Số định danh cá nhân').inputValue()).toBe(AN.pin);
      await page.getByLabel('Mật khẩu').fill('Hoàng Xá mùa lúa xanh');
      await citizenSignInButton(page).click();
      await page.getByRole('alert').filter({ hasText: 'Số định danh cá nhân hoặc mật khẩu không đúng.' }).waitFor();
      await axe.scan(page, 'citizen sign-in with an error');
      await screenshot(page, 'eid-sign-in-phone.png');
      await page.getByLabel('Mật khẩu').fill(PASSWORD);
      await citizenSignInButton(page).click();
      await page.waitForURL((u) => u.pathname === '/eid/account');

      await page.getByRole('heading', { level: 1, name: 'Tài khoản định danh điện tử của tôi' }).waitFor();
      const summary = await textOf(page.locator('.eid-card').first());
      expect(summary).toContain(AN.name);
      expect(summary).toContain('030******234');
      expect(summary).toContain('Mức độ 1');
      expect(summary).toContain('Đang hoạt động');
      expect(summary).toContain(AN.masked);
      const usage = page.locator('.eid-usage');
      const signIn = usage.locator('li').filter({ hasText: 'Đăng nhập' }).filter({ hasText: 'Phiên này' });
      await signIn.first().waitFor();
      expect(await textOf(usage)).toContain('Kích hoạt tài khoản');
      expect(await textOf(usage)).toContain('Đăng nhập không thành công');
      // This session is listed, on this device.
      expect(await textOf(page.locator('.eid-sessions'))).toContain('Phiên này');
      // The registry's log of the record: the police read it when deciding.
      await page.getByText('Truy cập hồ sơ', { exact: true }).click();
      await page.locator('.eid-registry li').first().waitFor();
      // Each entry in words, no audit code (eid.activate, eid.application-approve, …).
      const access = await textOf(page.locator('.eid-registry'));
      expect(access).toContain('Kích hoạt tài khoản định danh');
      expect(access).toContain('Duyệt đề nghị cấp tài khoản định danh');
      expect(access).not.toMatch(/\b(eid|citizen|dossier|sso)\.[a-z]/);
      await page.getByText('Sử dụng tài khoản', { exact: true }).click();
      await usage.waitFor();

      // Two-factor on: a QR code (drawn in the page) and the secret, confirmed with an authenticator code.
      await page.getByRole('button', { name: 'Bật xác thực hai lớp' }).click();
      const secret = (await textOf(page.locator('.eid-secret'))).replace(/\s+/g, '');
      const qr = page.getByRole('img', { name: 'Mã QR để thêm tài khoản vào ứng dụng tạo mã' });
      await qr.waitFor();
      expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
      await qr.scrollIntoViewIfNeeded();
      await screenshot(page, 'eid-totp-phone.png');
      expect(await page.getByRole('link', { name: 'Mở bằng ứng dụng tạo mã' }).getAttribute('href')).toMatch(/^otpauth:\/\/totp\//);
      totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
      await page.getByLabel('Mã xác thực từ ứng dụng (6 chữ số)').fill(totp.generate());
      await page.getByRole('button', { name: 'Xác nhận và bật' }).click();
      await page.getByRole('button', { name: 'Tắt xác thực hai lớp' }).waitFor();
      expect(await textOf(page.locator('.eid-card').first())).toContain('Đang bật');
      expect(await page.content()).not.toContain(AN.pin);
      await axe.scan(page, 'account');
      await screenshot(page, 'eid-account-phone.png', true);

      // The menu knows the citizen.
      await page.getByRole('button', { name: 'Mở menu' }).click();
      await page.getByRole('dialog').getByRole('link', { name: 'Tài khoản của tôi' }).waitFor();
      await screenshot(page, 'eid-menu-phone.png');
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'hidden' });

      // In English too.
      await page.locator('.lang-switch').getByText('EN', { exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'My e-ID account' }).waitFor();
      const en = await textOf(page.locator('.eid-card').first());
      expect(en).toContain('Level 1');
      expect(en).toContain('Active');
      await page.locator('.eid-usage li').filter({ hasText: 'Signed in' }).first().waitFor();
      await axe.scan(page, 'account in English');
      await screenshot(page, 'eid-account-phone-en.png');

      // On a laptop the header names the signed-in citizen and links to the account.
      await page.locator('.lang-switch').getByText('VI', { exact: true }).click();
      await resizeTo(page, LAPTOP);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.mouse.move(600, 400);
      await page.locator('.shell-header').getByRole('link', { name: `Tài khoản định danh điện tử của ${AN.name}` }).waitFor();
      await axe.scan(page, 'account on a laptop');
      await screenshot(page, 'eid-account-laptop.png');

      // Signing in again now asks for the authenticator's code (the next one: a code is used once).
      await page.locator('.eid-card').first().getByRole('button', { name: 'Đăng xuất' }).click();
      await page.waitForURL((u) => u.pathname === '/eid/sign-in');
      await page.getByLabel('Số định danh cá nhân').fill(AN.pin);
      await page.getByLabel('Mật khẩu').fill(PASSWORD);
      await citizenSignInButton(page).click();
      await page.getByRole('alert').filter({ hasText: 'Tài khoản bật xác thực hai lớp' }).waitFor();
      const otp = page.getByLabel('Mã xác thực từ ứng dụng (6 chữ số)');
      expect(await otp.getAttribute('autocomplete')).toBe('one-time-code');
      await otp.fill(totp.generate({ timestamp: Date.now() + 30_000 }));
      await citizenSignInButton(page).click();
      await page.waitForURL((u) => u.pathname === '/eid/account');
      await page.locator('.eid-usage li').filter({ hasText: 'Bật xác thực hai lớp' }).first().waitFor();
    });
    axe.expectNone();
  });

  it('takes a level-2 application in person and locks the account, which the citizen’s sign-in then reports', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      await signInStaff(page, platform.baseUrl, 'congan.camhoang', '/eid/collect');
      await page.getByRole('heading', { level: 1, name: 'Thu nhận đề nghị mức độ 2' }).waitFor();
      expect(await page.getByLabel('Mã xã/phường của điểm thu nhận').inputValue()).toBe(CAM_HOANG);
      await page.getByLabel('Số định danh cá nhân').fill(AN.pin);
      await page.getByLabel('Số điện thoại di động').fill(AN.phone);
      await page.locator('#eid-collect_portrait').setInputFiles({ name: 'portrait.png', mimeType: 'image/png', buffer: makePng(240, 320) });
      await page.locator('.eid-finger').first().locator('input[type=file]').setInputFiles({ name: 'right-index.fmr', mimeType: 'application/octet-stream', buffer: makeFmr(2) });
      await page.locator('.eid-finger').nth(1).locator('input[type=file]').setInputFiles({ name: 'left-index.fmr', mimeType: 'application/octet-stream', buffer: makeFmr(7) });
      // Without the citizen's consent nothing is sent.
      await page.getByRole('button', { name: 'Ghi nhận đề nghị' }).click();
      await page.getByText('Cần có sự đồng ý của công dân.').waitFor();
      await axe.scan(page, 'collection form');
      await page.getByLabel('Công dân đồng ý cho thu nhận ảnh chân dung và vân tay', { exact: false }).check();
      await screenshot(page, 'eid-collect-laptop.png', true);
      await page.getByRole('button', { name: 'Ghi nhận đề nghị' }).click();
      const done = await shown(page, page.getByRole('heading', { level: 1, name: /^Đã ghi nhận đề nghị số \d+$/ }));
      const level2Id = Number(/(\d+)$/.exec(done)![1]);
      expect(level2Id).toBeGreaterThan(applicationId);
      expect(await textOf(page.locator('.ant-result'))).toContain('Đã lưu ảnh chân dung và 2 vân tay (mã hóa).');
      await page.getByRole('link', { name: 'Mở đề nghị' }).click();
      const facts = await textOf(page.locator('.eid-card').first());
      expect(facts).toContain('Tại Công an xã');
      expect(facts).toContain('Mức độ 2');
      expect(facts).toContain('ảnh chân dung, 2 vân tay');

      // Account management: find by number, lock.
      await page.goto(`${platform.baseUrl}/eid/accounts`);
      await page.getByLabel('Số định danh cá nhân').fill(AN.pin);
      await page.getByRole('button', { name: 'Tìm', exact: true }).click();
      const card = page.locator('.eid-card').first();
      expect(await textOf(card)).toContain('Đang hoạt động');
      await page.getByLabel('Ghi chú').fill('Công dân báo mất điện thoại tại trụ sở');
      await page.getByRole('button', { name: 'Khóa tài khoản' }).click();
      await page.getByRole('alert').filter({ hasText: 'Đã khóa tài khoản; mọi phiên đăng nhập đã kết thúc.' }).waitFor();
      expect(await textOf(card)).toContain('Đang bị khóa');
      expect(await textOf(card)).toContain('Công an khóa');
      expect(await textOf(page.locator('.eid-timeline'))).toContain('Khóa tài khoản');
      await axe.scan(page, 'account management');
      await screenshot(page, 'eid-accounts-laptop.png', true);
    });
    await withPage(browser, PHONE, async (page) => {
      await page.goto(`${platform.baseUrl}/eid/sign-in`);
      await page.getByLabel('Số định danh cá nhân').fill(AN.pin);
      await page.getByLabel('Mật khẩu').fill(PASSWORD);
      await citizenSignInButton(page).click();
      await page.getByRole('alert').filter({ hasText: 'Công an khóa' }).waitFor();
      await axe.scan(page, 'locked sign-in');
    });
    axe.expectNone();
  });
});

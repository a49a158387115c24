/**
 * The population registry pages in a real browser (Debian's Chromium) against the whole platform,
 * with staff and citizens created in-process: staff sign-in, the purpose dialog before a search,
 * masked search results, the full record with unit names, its history and (for ADMIN only) its
 * access log, a year-only date of birth, the import of a CSV with progress, counts and error report,
 * accessibility (axe-core: no serious or critical violation) and screenshots on a phone and a
 * laptop (`var/screenshots/`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Download, Locator, Page } from 'playwright-core';
import { addCitizen, addStaff, AxeFindings, ensureUiBuilt, launchBrowser, screenshot, SCREENSHOTS, settled, startPlatform, textOf, withPage, type Platform, signInStaff, submitSignIn, LAPTOP, resizeTo } from './harness.js';

const PHONE = { width: 390, height: 844 };
const D = '2023-02-28';

const AN = { pin: '030090001234', name: 'Nguyễn Văn An' };
const BINH = { pin: '030150000077', name: 'Trần Thị Bình' };
// Lives in Huyện Cẩm Giàng but not in Xã Cẩm Hoàng: outside the commune officers' unit.
const CUONG = { pin: '030088000555', name: 'Nguyễn Văn Cường' };

const SUPPORT_DESK = 'Hỗ trợ người dân tại bộ phận một cửa';
const DATA_CORRECTION = 'Điều chỉnh, làm sạch dữ liệu dân cư';
const NOTE = 'Công dân đến hỏi về thường trú'; // "ư", "ờ"…: not ISO-8859-1, so it cannot travel as typed in a header
const DOSSIER = '000.00.31.H23-230228-0001';

let platform: Platform;
let browser: Browser;
let tmp: string;

beforeAll(async () => {
  await ensureUiBuilt();
  platform = await startPlatform();
  browser = await launchBrowser();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-e2e-files-'));
  const { ctx } = platform;
  await addStaff(ctx, { username: 'admin', role: 'ADMIN', unitCode: null, displayName: 'Quản trị hệ thống' });
  await addStaff(ctx, { username: 'pc06.haiduong', role: 'PROVINCIAL_POLICE', unitCode: '30', displayName: 'Phòng PC06 Công an tỉnh Hải Dương' });
  await addStaff(ctx, { username: 'congan.camhoang', role: 'COMMUNE_POLICE', unitCode: '10897', displayName: 'Công an xã Cẩm Hoàng' });
  await addStaff(ctx, { username: 'canbo.camhoang', role: 'COMMUNE_OFFICER', unitCode: '10897', displayName: 'Bộ phận một cửa xã Cẩm Hoàng' });
  await addStaff(ctx, { username: 'bcd06.haiduong', role: 'WORKING_GROUP', unitCode: '30', displayName: 'Tổ công tác Đề án 06 tỉnh Hải Dương' });
  await addCitizen(ctx, {
    pin: AN.pin,
    fullName: AN.name,
    dateOfBirth: '1990-05-12',
    sex: 'male',
    ethnicity: 'Kinh',
    birthRegistration: { unitCode: '30', unitDate: D },
    permanentResidence: { unitCode: '10897', unitDate: D, addressLine: 'Thôn Hoàng Xá', since: '2010-01-01' },
    household: { number: 'HD-10897-0001', headPin: AN.pin, relation: 'head' },
    phone: '0912345678',
    identityCard: { number: AN.pin, issuedOn: '2021-04-01', expiresOn: '2030-05-12', chip: true },
  });
  // Female, 1900s (digit 1), born 1950 (digits 50); only the year is known.
  await addCitizen(ctx, { pin: BINH.pin, fullName: BINH.name, dateOfBirth: '1950', sex: 'female', permanentResidence: { unitCode: '10897', unitDate: D, addressLine: 'Thôn Hoàng Đường' } });
  await addCitizen(ctx, { pin: CUONG.pin, fullName: CUONG.name, dateOfBirth: '1988-03-01', sex: 'male', permanentResidence: { unitCode: '295', unitDate: D, addressLine: 'Thị trấn Lai Cách' } });
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});




/** Fills the sign-in form and submits it (the page must show it). */
/** Signs in from the sign-in page and waits until the app has moved on to `landing`. */
function signIn(page: Page, username: string, next = '/citizens'): Promise<void> {
  return signInStaff(page, platform.baseUrl, username, next);
}

/** Answers the purpose dialog (which must be opening). */
async function statePurpose(page: Page, purpose: string, extra: { note?: string; dossier?: string } = {}): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Mục đích khai thác thông tin' });
  await dialog.waitFor();
  await settled(page);
  await dialog.getByLabel('Mục đích', { exact: true }).click();
  const option = page.locator('.ant-select-item-option', { hasText: purpose });
  await option.waitFor();
  await settled(page); // the list slides in: click it once it stands still
  await option.click();
  // What matters is the choice shown in the select (the list may take a moment to close under load).
  await dialog.locator('.ant-select', { hasText: purpose }).waitFor();
  await page.locator('.ant-select-dropdown').waitFor({ state: 'hidden', timeout: 30_000 });
  if (extra.note) await dialog.getByLabel('Ghi chú').fill(extra.note);
  if (extra.dossier) await dialog.getByLabel('Mã hồ sơ (nếu có)').fill(extra.dossier);
  await dialog.getByRole('button', { name: 'Xác nhận' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

async function searchByName(page: Page, words: string): Promise<void> {
  const box = page.getByLabel('Họ và tên');
  await box.fill(words);
  await box.press('Enter');
}

function resultRow(page: Page, name: string): Locator {
  return page.locator('.citizen-table tbody tr').filter({ has: page.getByRole('link', { name, exact: true }) });
}

/** Clicks `trigger` and returns the download it starts, with its content. */
async function download(page: Page, trigger: Locator): Promise<{ download: Download; text: string }> {
  const [d] = await Promise.all([page.waitForEvent('download'), trigger.click()]);
  const file = await d.path();
  return { download: d, text: fs.readFileSync(file, 'utf8') };
}

describe('population registry pages', () => {
  it('signs a commune police officer in, asks the purpose, shows masked results, the record and its history', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      // A page that needs signing in sends to the sign-in page, and back afterwards.
      await page.goto(`${platform.baseUrl}/citizens`);
      await page.waitForURL((u) => u.pathname === '/sign-in' && u.searchParams.get('next') === '/citizens');
      await page.getByRole('heading', { level: 1, name: 'Đăng nhập cán bộ' }).waitFor();
      expect(await page.title()).toBe('Đăng nhập cán bộ — motcua');

      await submitSignIn(page, 'congan.camhoang', 'wrong-password');
      await page.getByRole('alert').filter({ hasText: 'Tên đăng nhập hoặc mật khẩu không đúng.' }).waitFor();
      await axe.scan(page, 'sign-in with an error');

      await submitSignIn(page, 'congan.camhoang');
      await page.waitForURL((u) => u.pathname === '/citizens');
      const header = page.locator('.shell-header');
      const account = await textOf(header.locator('.account'));
      expect(account).toContain('Công an xã Cẩm Hoàng');
      expect(account).toContain('Công an xã');
      expect(account).toContain('10897');
      // Menu by permission: lookup yes, import no.
      const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
      await nav.getByRole('link', { name: 'Tra cứu công dân' }).waitFor();
      expect(await nav.getByRole('link', { name: 'Nhập danh sách' }).count()).toBe(0);

      // The first search asks for the purpose.
      await searchByName(page, 'nguyen van');
      await statePurpose(page, SUPPORT_DESK, { note: NOTE, dossier: DOSSIER });
      const row = resultRow(page, AN.name);
      const rowText = await textOf(row);
      expect(rowText).toContain('030******234');
      expect(rowText).toContain('12/05/1990');
      expect(rowText).toContain('Thôn Hoàng Xá');
      expect(await textOf(page.locator('.purpose-bar'))).toContain(SUPPORT_DESK);
      expect(await textOf(page.locator('.citizen-table caption'))).toContain('1 người');
      // Outside the commune: not listed. The full number is never on the page.
      expect(await page.getByRole('link', { name: CUONG.name }).count()).toBe(0);
      expect(await page.content()).not.toContain(AN.pin);
      await axe.scan(page, 'search results');

      // A name with nothing to look for in it is refused with the reason, not answered with everyone.
      await searchByName(page, '%%%');
      const refused = page.locator('.ant-alert', { hasText: 'không có chữ cái hay chữ số nào để tìm' });
      await refused.waitFor();
      expect(await page.locator('.citizen-table').count()).toBe(0);
      await screenshot(page, 'citizen-search-nothing-to-find-laptop.png');
      await resizeTo(page, { width: 390, height: 844 });
      await screenshot(page, 'citizen-search-nothing-to-find-phone.png');
      await resizeTo(page, LAPTOP);
      await searchByName(page, 'nguyen van');
      await resultRow(page, AN.name).waitFor();

      // The record: full number, the commune's name as of the code's date, the address.
      await row.getByRole('link', { name: AN.name }).click();
      await page.waitForURL((u) => /^\/citizens\/[0-9a-f-]{36}$/.test(u.pathname));
      await page.getByRole('heading', { level: 1, name: AN.name }).waitFor();
      const person = await textOf(page.locator('.record-card', { hasText: 'Thông tin cá nhân' }));
      expect(person).toContain(AN.pin);
      expect(person).toContain('12/05/1990');
      expect(person).toContain('Việt Nam');
      const residence = page.locator('.record-card', { hasText: 'Nơi thường trú' });
      await residence.getByText('Xã Cẩm Hoàng', { exact: false }).first().waitFor();
      const residenceText = await textOf(residence);
      expect(residenceText).toContain('Thôn Hoàng Xá');
      expect(residenceText).toContain('Xã Cẩm Hoàng, Huyện Cẩm Giàng, Tỉnh Hải Dương');
      // The commune police may not see who read the record.
      expect(await page.getByRole('tab', { name: 'Nhật ký truy cập' }).count()).toBe(0);
      await axe.scan(page, 'record');

      await page.getByRole('tab', { name: 'Lịch sử thay đổi' }).click();
      // The first data row (Ant Design may put an empty measuring row first): wait until it is drawn.
      const history = page.locator('.history-table tbody tr.ant-table-row').first();
      await history.waitFor();
      const historyText = await textOf(history);
      expect(historyText).toMatch(/^1/);
      expect(historyText).toContain('Tạo hồ sơ');
      expect(page.url()).toContain('tab=history');
      await axe.scan(page, 'record history');

      // A person outside the officer's unit looks missing.
      await page.goto(`${platform.baseUrl}/citizens/${CUONG.pin}`);
      const missing = await textOf(page.getByRole('alert').filter({ hasText: 'Không tìm thấy' }));
      expect(missing).toContain('Không tìm thấy công dân trong phạm vi quản lý của bạn.');

      // A year-only date of birth stays a year.
      await page.goto(`${platform.baseUrl}/citizens?q=tran%20thi%20binh`);
      const binh = resultRow(page, BINH.name);
      const dob = await textOf(binh.locator('td').nth(2));
      expect(dob).toBe('1950');
      await binh.getByRole('link', { name: BINH.name }).click();
      const binhDob = await textOf(page.locator('th:has-text("Ngày sinh") + td'));
      expect(binhDob).toBe('1950 (chỉ ghi năm sinh)');
      expect(await page.content()).not.toMatch(/\d\d\/\d\d\/1950|1950-\d\d/);

      // Sign out: the header offers signing in again; pages need it again.
      await header.getByRole('button', { name: 'Đăng xuất' }).click();
      await page.waitForURL((u) => u.pathname === '/sign-in');
      await page.goto(`${platform.baseUrl}/citizens`);
      await page.waitForURL((u) => u.pathname === '/sign-in');

      // A token the server no longer accepts: to the sign-in page, told why, then back to the
      // same search; the new session states its purpose again.
      await page.evaluate(() => sessionStorage.setItem('motcua.session', 'no-longer-valid-0123456789abcdef'));
      await page.goto(`${platform.baseUrl}/citizens?q=nguyen`);
      await page.waitForURL((u) => u.pathname === '/sign-in' && u.searchParams.get('next') === '/citizens?q=nguyen');
      await page.getByRole('alert').filter({ hasText: 'Phiên đăng nhập đã hết hạn.' }).waitFor();
      await submitSignIn(page, 'congan.camhoang');
      await page.waitForURL((u) => u.pathname === '/citizens' && u.searchParams.get('q') === 'nguyen');
      await page.getByRole('dialog', { name: 'Mục đích khai thác thông tin' }).waitFor();
    });
    axe.expectNone();
  });

  it('shows the access log to an ADMIN only, with the officer’s reads and purpose', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      await signIn(page, 'admin', `/citizens/${AN.pin}`);
      await statePurpose(page, DATA_CORRECTION);
      await page.getByRole('heading', { level: 1, name: AN.name }).waitFor();
      await page.getByRole('tab', { name: 'Nhật ký truy cập' }).click();
      const reads = page.locator('.access-log-table tbody tr', { hasText: 'congan.camhoang' });
      await reads.first().waitFor();
      const text = await textOf(page.locator('.access-log-table'));
      expect(text).toContain('Xem hồ sơ đầy đủ');
      expect(text).toContain('Tìm kiếm (danh sách che số)');
      expect(text).toContain(SUPPORT_DESK);
      // The note went percent-encoded and comes back as typed.
      expect(text).toContain(NOTE);
      expect(text).toContain(`hồ sơ ${DOSSIER} · ${NOTE}`);
      await axe.scan(page, 'access log');
      await screenshot(page, 'citizen-access-log-laptop.png');
    });

    await withPage(browser, PHONE, async (page) => {
      await signIn(page, 'admin', `/citizens/${AN.pin}?tab=access-log`);
      await statePurpose(page, DATA_CORRECTION);
      await page.locator('.access-log-table tbody tr', { hasText: 'congan.camhoang' }).first().waitFor();
      await screenshot(page, 'citizen-access-log-phone.png', true);
      await axe.scan(page, 'access log on phone');
    });

    // A second page is read in the first page's snapshot: reads meanwhile (and the reading of the
    // log itself, audited) push no row of page 1 onto page 2.
    await withPage(browser, LAPTOP, async (page) => {
      await signIn(page, 'admin', '/units');
      await page.evaluate(async (pin) => {
        const headers = { authorization: `Bearer ${sessionStorage.getItem('motcua.session')}`, 'x-purpose': 'DATA_CORRECTION' };
        for (let i = 0; i < 21; i++) if (!(await fetch(`/api/v1/citizens/${pin}`, { headers })).ok) throw new Error('read refused');
      }, AN.pin);
      type LogPage = { items: { seq: number }[]; total: number; upTo: number };
      const firstPage = page.waitForResponse((r) => r.url().includes('/access-log?') && r.url().includes('page=1'));
      await page.goto(`${platform.baseUrl}/citizens/${AN.pin}?tab=access-log`);
      await statePurpose(page, DATA_CORRECTION);
      const one = (await (await firstPage).json()) as LogPage;
      expect(one.total).toBeGreaterThan(20);
      await page.locator('.access-log-table tbody tr').first().waitFor();
      await page.evaluate(async (pin) => {
        await fetch(`/api/v1/citizens/${pin}`, { headers: { authorization: `Bearer ${sessionStorage.getItem('motcua.session')}`, 'x-purpose': 'DATA_CORRECTION' } });
      }, AN.pin);
      const secondPage = page.waitForResponse((r) => r.url().includes('/access-log?') && r.url().includes('page=2'));
      await page.locator('.access-log-table .ant-pagination-item-2').click();
      const second = await secondPage;
      expect(new URL(second.url()).searchParams.get('upTo')).toBe(String(one.upTo));
      const two = (await second.json()) as LogPage;
      expect(two.total).toBe(one.total);
      expect(Math.max(...two.items.map((e) => e.seq))).toBeLessThan(Math.min(...one.items.map((e) => e.seq)));
      await page.locator('.ant-pagination-item-active', { hasText: '2' }).waitFor();
    });

    await withPage(browser, LAPTOP, async (page) => {
      await signIn(page, 'canbo.camhoang', `/citizens/${AN.pin}?tab=access-log`);
      await statePurpose(page, SUPPORT_DESK);
      await page.getByRole('heading', { level: 1, name: AN.name }).waitFor();
      await page.getByRole('tab', { name: 'Hồ sơ', exact: true }).waitFor();
      expect(await page.getByRole('tab', { name: 'Nhật ký truy cập' }).count()).toBe(0);
      // The record tab shows instead.
      await page.locator('.record-card', { hasText: 'Thông tin cá nhân' }).waitFor();
    });

    // The working group reads aggregates only: no lookup in the menu, and the page says why.
    await withPage(browser, LAPTOP, async (page) => {
      await signIn(page, 'bcd06.haiduong', '/units');
      expect(await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Tra cứu công dân' }).count()).toBe(0);
      await page.goto(`${platform.baseUrl}/citizens`);
      await page.getByRole('heading', { level: 1, name: 'Bạn không có quyền mở trang này' }).waitFor();
    });
    axe.expectNone();
  });

  it('imports a CSV list: template, upload, progress to the end, counts and error report', async () => {
    const axe = new AxeFindings();
    const csv = path.join(tmp, 'danh-sách-thôn-Hoàng-Xá.csv');
    fs.writeFileSync(
      csv,
      [
        'so_dinh_danh,ho_ten,ngay_sinh,gioi_tinh,thuong_tru_ma_dvhc,thuong_tru_dia_chi',
        '030190012345,Nguyễn Thị Hoa,1990-05-12,Nữ,10897,"Số 12, thôn Hoàng Đường"',
        '030085000111,Lê Văn Bảo,1985,Nam,10897,Thôn Hoàng Xá',
        '1234,X,31/02/1990,?,10897,Thôn Hoàng Xá',
        '',
      ].join('\r\n'),
    );
    await withPage(browser, LAPTOP, async (page) => {
      await signIn(page, 'pc06.haiduong', '/units');
      await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Nhập danh sách' }).click();
      await page.getByRole('heading', { level: 1, name: 'Nhập danh sách công dân' }).waitFor();
      expect(await page.title()).toBe('Nhập danh sách công dân — motcua');

      // The template comes with the session's token.
      const template = await download(page, page.getByRole('button', { name: 'Tải mẫu CSV' }));
      expect(template.download.suggestedFilename()).toBe('mau-danh-sach-cong-dan.csv');
      expect(template.text).toContain('Số định danh cá nhân');
      const xlsx = await download(page, page.getByRole('button', { name: 'Tải mẫu Excel (.xlsx)' }));
      expect(xlsx.download.suggestedFilename()).toBe('mau-danh-sach-cong-dan.xlsx');
      await axe.scan(page, 'import form');

      // Without a file the form says so.
      await page.getByRole('button', { name: 'Nhập danh sách', exact: true }).click();
      expect(await textOf(page.locator('#import-file-help'))).toContain('Chọn tệp cần nhập.');

      await page.locator('#import-file').setInputFiles(csv);
      const date = page.getByLabel('Ngày tham chiếu của mã đơn vị');
      await date.fill('28/02/2023');
      // Enter commits the date and submits the form at once: the import must use the new date.
      await date.press('Enter');
      await page.waitForURL((u) => /^\d+$/.test(u.searchParams.get('id') ?? ''));

      // The name went without diacritics (a header carries ASCII); the bar reaches the end.
      await page.getByText('Đã nhập xong tệp danh-sach-thon-Hoang-Xa.csv').waitFor({ timeout: 30_000 });
      const bar = page.getByRole('progressbar', { name: 'Tiến độ nhập' });
      expect(await bar.getAttribute('aria-valuenow')).toBe('100');
      expect(await textOf(page.locator('.import-progress'))).toContain('Ngày tham chiếu 28/02/2023');
      const count = async (label: string) => (await textOf(page.locator('.import-count', { hasText: label }).locator('dd'))).trim();
      expect(await count('Tạo mới')).toBe('2');
      expect(await count('Dòng lỗi')).toBe('1');
      expect(await count('Cập nhật')).toBe('0');
      await axe.scan(page, 'import finished');
      await screenshot(page, 'import-done-laptop.png', true);

      const report = await download(page, page.getByRole('button', { name: 'Tải báo cáo lỗi (CSV)' }));
      expect(report.download.suggestedFilename()).toMatch(/^loi-nhap-\d+\.csv$/);
      expect(report.text).toContain('IMPORT_SEX_INVALID');
      expect(report.text).toContain('PIN_FORMAT');
      const reportXlsx = await download(page, page.getByRole('button', { name: 'Tải báo cáo lỗi (Excel)' }));
      expect(reportXlsx.download.suggestedFilename()).toMatch(/^loi-nhap-\d+\.xlsx$/);

      // The imported people can be found (the purpose dialog comes first).
      await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Tra cứu công dân' }).click();
      await searchByName(page, 'nguyen thi hoa');
      await statePurpose(page, DATA_CORRECTION);
      expect(await textOf(resultRow(page, 'Nguyễn Thị Hoa'))).toContain('030******345');
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
        await page.goto(`${platform.baseUrl}/sign-in`);
        await page.getByRole('heading', { level: 1, name: 'Đăng nhập cán bộ' }).waitFor();
        await screenshot(page, `sign-in-${name}.png`);
        await axe.scan(page, `sign-in on ${name}`);

        await submitSignIn(page, 'pc06.haiduong');
        await page.waitForURL((u) => u.pathname === '/citizens');
        await searchByName(page, 'nguyen');
        await page.getByRole('dialog', { name: 'Mục đích khai thác thông tin' }).waitFor();
        await screenshot(page, `purpose-dialog-${name}.png`);
        await axe.scan(page, `purpose dialog on ${name}`);
        await statePurpose(page, SUPPORT_DESK, { note: NOTE, dossier: DOSSIER });
        await resultRow(page, AN.name).waitFor();
        await screenshot(page, `citizens-search-${name}.png`);
        await axe.scan(page, `search results on ${name}`);

        if (name === 'phone') {
          await page.getByRole('button', { name: 'Tài khoản: Phòng PC06 Công an tỉnh Hải Dương' }).click();
          await page.locator('.account-popover').getByRole('button', { name: 'Đăng xuất' }).waitFor();
          await screenshot(page, 'account-phone.png');
          await axe.scan(page, 'account popover on phone');
          await page.keyboard.press('Escape');
          await page.getByRole('button', { name: 'Mở menu' }).click();
          await page.locator('.ant-drawer').getByRole('link', { name: 'Nhập danh sách' }).waitFor();
          await screenshot(page, 'staff-menu-phone.png');
          await page.keyboard.press('Escape');
        }

        await resultRow(page, AN.name).getByRole('link', { name: AN.name }).click();
        await page.locator('.record-card', { hasText: 'Nơi thường trú' }).getByText('Xã Cẩm Hoàng', { exact: false }).first().waitFor();
        await screenshot(page, `citizen-record-${name}.png`, true);
        await axe.scan(page, `record on ${name}`);
        await page.getByRole('tab', { name: 'Lịch sử thay đổi' }).click();
        await page.locator('.history-table tbody tr').first().waitFor();
        await screenshot(page, `citizen-history-${name}.png`);

        await page.goto(`${platform.baseUrl}/imports`);
        await page.getByRole('heading', { level: 1, name: 'Nhập danh sách công dân' }).waitFor();
        await screenshot(page, `import-${name}.png`, true);
        await axe.scan(page, `import on ${name}`);

        // English: our strings, Ant Design's and the purposes from the server.
        await page.goto(`${platform.baseUrl}/citizens?q=nguyen`);
        // On a phone the switch shows "EN" (with "English" for screen readers).
        await page.locator('.lang-switch .ant-segmented-item', { hasText: 'English' }).click();
        await page.getByRole('heading', { level: 1, name: 'Citizen lookup' }).waitFor();
        expect(await textOf(page.locator('.purpose-bar'))).toContain('Helping a citizen at the one-stop desk');
        await resultRow(page, AN.name).waitFor();
        await screenshot(page, `citizens-search-english-${name}.png`);
        await resultRow(page, AN.name).getByRole('link', { name: AN.name }).click();
        await page.locator('.record-card', { hasText: 'Permanent residence' }).getByText('Xã Cẩm Hoàng', { exact: false }).first().waitFor();
        await screenshot(page, `citizen-record-english-${name}.png`, true);
        await axe.scan(page, `record in English on ${name}`);
      });
    }
    axe.expectNone();
  });

  it('says when a search matches more people than it lists, and lists the first 1,000 (phone and laptop)', async () => {
    // 1,001 residents of Xã Cẩm Hoàng of the Đinh family (numbers consistent with sex and year).
    const given = ['Khoa', 'Khánh', 'Khải', 'Kiên', 'Kiều'];
    for (let i = 0; i < 1001; i++) {
      const male = i % 2 === 0;
      const year = 1950 + (i % 50);
      await addCitizen(platform.ctx, {
        pin: `030${male ? 0 : 1}${String(year).slice(2)}${String(500000 + i).padStart(6, '0')}`,
        fullName: `Đinh ${male ? 'Văn' : 'Thị'} ${given[i % 5]}`,
        dateOfBirth: `${year}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
        sex: male ? 'male' : 'female',
        permanentResidence: { unitCode: '10897', unitDate: D, addressLine: 'Thôn Hoàng Xá' },
      });
    }
    for (const [name, viewport] of [
      ['phone', PHONE],
      ['laptop', LAPTOP],
    ] as const) {
      await withPage(browser, viewport, async (page) => {
        await signIn(page, 'pc06.haiduong');
        await searchByName(page, 'dinh');
        await statePurpose(page, DATA_CORRECTION);
        const caption = page.locator('.citizen-table caption');
        await caption.filter({ hasText: 'hơn 1.000 người' }).waitFor();
        expect(await textOf(caption)).toBe('Kết quả tìm kiếm · hơn 1.000 người. Danh sách chỉ gồm 1.000 người đầu tiên theo tên; thêm năm sinh, mã đơn vị hoặc tên đệm để thu hẹp.');
        // First in name order: Đinh Thị Khải (Thị before Văn; khai before khanh, khoa, kien, kieu).
        expect(await textOf(page.locator('.citizen-table tbody tr').first().locator('.person-name'))).toBe('Đinh Thị Khải');
        await screenshot(page, `citizens-search-capped-${name}.png`);
        if (name === 'laptop') {
          // 1,000 people at 20 a page: 50 pages, no 51st.
          await page.locator('.ant-pagination-item-50').waitFor();
          expect(await page.locator('.ant-pagination-item-51').count()).toBe(0);
        }
        // Narrowed by year of birth, the count is exact again.
        await page.goto(`${platform.baseUrl}/citizens?q=dinh&birthYear=1960`);
        await caption.filter({ hasText: 'Kết quả tìm kiếm · 20 người' }).waitFor();
      });
    }
  });
});

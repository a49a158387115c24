/**
 * The one-stop desk pages in a real browser (Debian's Chromium) against the whole platform, as the
 * one-stop desk officer of Xã Cẩm Hoàng (10897, unit codes as of 2023-02-28): a support team with a
 * volunteer and two staff members, sites, desks and devices with the village coverage, a roster
 * week around National Day 2026 (31 August – 2 September off) generated and assigned with its conflicts, the
 * PDF and a member's calendar, quick help entries on a 360×740 phone, a collection campaign with
 * its results, a roster import with its error report; accessibility (axe-core: no serious or
 * critical violation) and screenshots on a phone and a laptop (`var/screenshots/desk-*.png`).
 * The tests run in order and build on each other.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Download, Locator, Page } from 'playwright-core';
import { addStaff, AxeFindings, ensureUiBuilt, launchBrowser, screenshot, SCREENSHOTS, settled, startPlatform, textOf, withPage, type Platform, type Viewport, signInStaff, chooseOption as choose, LAPTOP , expectNoSideScroll} from './harness.js';

const PHONE = { width: 360, height: 740 };
/**
 * The week of Monday 31 August 2026: Monday is a swapped day off (worked on Saturday 22 August),
 * Tuesday 1 and Wednesday 2 September are the National Day holiday; Thursday and Friday work.
 */
const WEEK = '2026-08-31';

const TEAM = 'Tổ hỗ trợ dịch vụ công trực tuyến xã Cẩm Hoàng';
const LAN = 'Nguyễn Thị Lan';
const HUNG = 'Phạm Văn Hùng';
const MAI = 'Đỗ Thị Mai';
const OFFICE = 'Trụ sở UBND xã Cẩm Hoàng';
const HOANG_XA = 'Nhà văn hóa thôn Hoàng Xá';
const HOANG_DUONG = 'Nhà văn hóa thôn Hoàng Đường';
const DESK1 = 'Quầy hỗ trợ số 1';
const DESK2 = 'Quầy thôn Hoàng Xá';
// A made-up woman born 1990 registered in Hải Dương (030): the number agrees with sex and year.
const PIN = '030190012345';

/** How long a poll waits for the page to catch up (two cores shared with other builds and tests). */
const WAIT = { timeout: 15_000 };

let platform: Platform;
let browser: Browser;
let tmp: string;

beforeAll(async () => {
  await ensureUiBuilt();
  platform = await startPlatform();
  browser = await launchBrowser();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-e2e-desk-'));
  const { ctx } = platform;
  await addStaff(ctx, { username: 'canbo.camhoang', role: 'COMMUNE_OFFICER', unitCode: '10897', displayName: 'Bộ phận một cửa xã Cẩm Hoàng' });
  await addStaff(ctx, { username: 'hotro.camhoang', role: 'SUPPORT_TEAM', unitCode: '10897', displayName: HUNG });
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const signIn = (page: Page, username: string, next: string) => signInStaff(page, platform.baseUrl, username, next);


/** Taps the radio button (a styled label over a hidden input) whose text is `text`. */
/** Chooses a radio button by its text and waits until it shows as chosen (a click lost while a dialog still opens on a loaded machine is made again). */
async function tap(scope: Locator, text: string): Promise<void> {
  const option = scope.locator('label.ant-radio-button-wrapper').filter({ hasText: new RegExp(`^${text}$`) });
  for (let attempt = 1; ; attempt++) {
    await option.click();
    const checked = await option
      .and(scope.locator('label.ant-radio-button-wrapper-checked'))
      .waitFor({ timeout: 3000 })
      .then(() => true, () => false);
    if (checked) return;
    if (attempt === 3) throw new Error(`radio button "${text}" not chosen after ${attempt} clicks`);
  }
}

function dialog(page: Page, name: string): Locator {
  return page.getByRole('dialog', { name });
}

/** Submits a form dialog with its OK button and waits until it has closed. */
async function submitDialog(page: Page, d: Locator, ok = 'Lưu'): Promise<void> {
  await d.getByRole('button', { name: ok, exact: true }).click();
  await d.waitFor({ state: 'hidden' });
}

/** Clicks `trigger` and returns the download it starts, with its content. */
async function download(page: Page, trigger: Locator): Promise<{ download: Download; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), trigger.click()]);
  return { download: d, bytes: fs.readFileSync(await d.path()) };
}

/** A screenshot of the whole page from its top (a sticky header or bar then sits where it belongs). */
async function shot(page: Page, file: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, file, true);
}


function navLink(page: Page, name: string): Locator {
  return page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name, exact: true });
}

describe('one-stop desk pages', () => {
  it('sets up the desk on a laptop: a team and its members, sites, desks, devices and the village coverage', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      await signIn(page, 'canbo.camhoang', '/desk/teams');
      await page.getByRole('heading', { level: 1, name: 'Tổ hỗ trợ dịch vụ công trực tuyến' }).waitFor();
      expect(await page.title()).toBe('Tổ hỗ trợ dịch vụ công trực tuyến — motcua');
      // The desk's entries, by the officer's permissions.
      for (const entry of ['Ghi nhận hỗ trợ', 'Lịch trực', 'Tổ hỗ trợ', 'Điểm hỗ trợ, thiết bị', 'Đợt thu nhận lưu động', 'Nhập sổ sách một cửa']) await navLink(page, entry).waitFor();
      await page.getByText('Đơn vị chưa có tổ hỗ trợ nào.').waitFor();

      // A team, founded 5 September 2022 (Enter in the date commits it and submits).
      await page.getByRole('button', { name: 'Thêm tổ hỗ trợ' }).click();
      const teamForm = dialog(page, 'Thêm tổ hỗ trợ');
      await teamForm.getByLabel('Tên tổ').fill(TEAM);
      await choose(page, teamForm.getByLabel('Đơn vị chủ trì'), 'Đoàn Thanh niên');
      await teamForm.getByLabel('Ngày thành lập').fill('05/09/2022');
      await teamForm.getByLabel('Ngày thành lập').press('Enter');
      await teamForm.waitFor({ state: 'hidden' });
      await page.waitForURL((u) => /^\d+$/.test(u.searchParams.get('team') ?? ''));
      const card = page.locator('.desk-card', { has: page.getByRole('heading', { level: 2, name: TEAM }) });
      await card.getByText('Xã Cẩm Hoàng, Huyện Cẩm Giàng, Tỉnh Hải Dương').waitFor();
      const cardText = await textOf(card);
      expect(cardText).toContain('05/09/2022');
      expect(cardText).toContain('Đoàn Thanh niên');

      // A volunteer: a bad phone number is refused in the form, then corrected.
      await card.getByRole('button', { name: 'Thêm thành viên' }).click();
      const memberForm = dialog(page, 'Thêm thành viên');
      await memberForm.getByLabel('Họ và tên').fill(LAN);
      await choose(page, memberForm.getByLabel('Tổ chức'), 'Hội Phụ nữ');
      await memberForm.getByLabel('Số điện thoại').fill('12345');
      await memberForm.getByRole('button', { name: 'Lưu', exact: true }).click();
      await memberForm.getByText('Số di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09.').waitFor();
      await memberForm.getByLabel('Số điện thoại').fill('0912345678');
      await submitDialog(page, memberForm);
      // Two staff members: the support-team account and the officer herself.
      for (const [username, name] of [['hotro.camhoang', HUNG], ['canbo.camhoang', MAI]] as const) {
        await card.getByRole('button', { name: 'Thêm thành viên' }).click();
        const form = dialog(page, 'Thêm thành viên');
        await tap(form, 'Cán bộ có tài khoản');
        await form.getByLabel('Tên đăng nhập của cán bộ').fill(username);
        await form.getByLabel('Họ và tên').fill(name);
        await choose(page, form.getByLabel('Tổ chức'), 'Cán bộ, công chức');
        await submitDialog(page, form);
      }
      const members = card.locator('.desk-members tbody tr.ant-table-row');
      await expect.poll(() => members.count(), WAIT).toBe(3);
      const lanRow = members.filter({ hasText: LAN });
      expect(await textOf(lanRow)).toContain('Hội Phụ nữ');
      expect(await textOf(lanRow)).toContain('0912345678');
      expect(await textOf(members.filter({ hasText: HUNG }))).toContain('tài khoản hotro.camhoang');
      expect(await textOf(page.locator('.desk-table').first())).toMatch(/Đoàn Thanh niên.*3/);

      // The same account twice: the server says so in the dialog.
      await card.getByRole('button', { name: 'Thêm thành viên' }).click();
      const again = dialog(page, 'Thêm thành viên');
      await tap(again, 'Cán bộ có tài khoản');
      await again.getByLabel('Tên đăng nhập của cán bộ').fill('hotro.camhoang');
      await again.getByRole('button', { name: 'Lưu', exact: true }).click();
      await again.getByRole('alert').filter({ hasText: 'hotro.camhoang' }).waitFor();
      await again.getByRole('button', { name: 'Hủy' }).click();
      await again.waitFor({ state: 'hidden' });

      // A volunteer's calendar address: a phone calendar can read it without signing in.
      await card.getByRole('button', { name: `Cấp địa chỉ đăng ký lịch trực cho ${LAN}` }).click();
      const feed = dialog(page, `Địa chỉ lịch trực của ${LAN}`);
      const url = (await textOf(feed.locator('code'))).trim();
      expect(url).toMatch(new RegExp(`^${platform.baseUrl}/api/v1/desk/feeds/[A-Za-z0-9_-]{43}$`));
      const ics = await fetch(url);
      expect(ics.headers.get('content-type')).toContain('text/calendar');
      expect(await ics.text()).toContain('BEGIN:VCALENDAR');
      await axe.scan(page, 'calendar address');
      await feed.getByRole('button', { name: 'Đóng' }).first().click();
      await feed.waitFor({ state: 'hidden' });
      await axe.scan(page, 'teams');
      await shot(page, 'desk-teams-laptop.png');

      // Sites: the commune office and two village cultural houses, one without internet.
      await navLink(page, 'Điểm hỗ trợ, thiết bị').click();
      await page.getByRole('heading', { level: 1, name: 'Điểm hỗ trợ và thiết bị' }).waitFor();
      for (const [name, kind, internet] of [
        [OFFICE, 'Trụ sở UBND xã', undefined],
        [HOANG_XA, undefined, undefined],
        [HOANG_DUONG, undefined, 'Chưa có'],
      ] as const) {
        await page.getByRole('button', { name: 'Thêm điểm hỗ trợ' }).click();
        const form = dialog(page, 'Thêm điểm hỗ trợ');
        await form.getByLabel('Tên điểm').fill(name);
        if (kind) await choose(page, form.getByLabel('Loại điểm'), kind);
        if (internet) await choose(page, form.getByLabel('Kết nối Internet'), internet);
        await form.getByLabel('Địa chỉ').fill(`${name}, xã Cẩm Hoàng`);
        await submitDialog(page, form);
        await page.locator('.desk-table tbody tr', { hasText: name }).waitFor();
      }
      // Desks at the office and at Hoàng Xá, staffed by the team, at the default hours.
      for (const [site, desk] of [
        [OFFICE, DESK1],
        [HOANG_XA, DESK2],
      ] as const) {
        await page.getByRole('button', { name: `Thêm quầy tại ${site}` }).click();
        const form = dialog(page, `Thêm quầy tại ${site}`);
        await form.getByLabel('Tên quầy').fill(desk);
        expect(await form.getByLabel('Sáng từ').inputValue()).toBe('07:30');
        await submitDialog(page, form);
        await page.locator('.desk-table tbody tr', { hasText: site }).getByText(desk).waitFor();
      }
      expect(await textOf(page.locator('.desk-table tbody tr', { hasText: OFFICE }))).toContain('07:30–11:30, 13:30–17:00');
      // No computer anywhere yet: no village is covered.
      const coverage = page.locator('.desk-coverage');
      await coverage.getByText('Xã Cẩm Hoàng, Huyện Cẩm Giàng, Tỉnh Hải Dương').waitFor();
      expect(await textOf(coverage.locator('.desk-coverage-figure'))).toContain('0/2');

      // Devices: a working computer at Hoàng Xá, a computer and a capture device at the office.
      await page.getByRole('tab', { name: 'Thiết bị' }).click();
      await page.waitForURL((u) => u.searchParams.get('tab') === 'devices');
      for (const [site, kind, model, status] of [
        [HOANG_XA, 'Máy tính', 'Dell OptiPlex 3000', undefined],
        [OFFICE, 'Máy tính', 'HP ProDesk 400', undefined],
        [OFFICE, 'Thiết bị thu nhận vân tay, ảnh chân dung', 'Suprema RealScan G10', undefined],
        [HOANG_DUONG, 'Máy tính', 'Lenovo ThinkCentre', 'Hỏng'],
      ] as const) {
        await page.getByRole('button', { name: 'Thêm thiết bị' }).click();
        const form = dialog(page, 'Thêm thiết bị');
        await choose(page, form.getByLabel('Điểm hỗ trợ'), site);
        await choose(page, form.getByLabel('Thiết bị', { exact: true }), kind);
        await form.getByLabel('Nhãn hiệu, model').fill(model);
        if (status) await choose(page, form.getByLabel('Tình trạng'), status);
        await submitDialog(page, form);
        await page.locator('.desk-table tbody tr', { hasText: model }).waitFor();
      }
      // Hoàng Xá is connected with a working computer; Hoàng Đường has no internet and a broken one.
      await expect.poll(async () => textOf(coverage.locator('.desk-coverage-figure')), WAIT).toContain('1/2');
      expect(await textOf(coverage)).toContain('50');
      // The Hoàng Xá computer breaks: the village is no longer covered; repaired, it is again.
      const hoangXaPc = page.getByLabel(`Tình trạng Máy tính Dell OptiPlex 3000 tại ${HOANG_XA}`);
      await choose(page, hoangXaPc, 'Hỏng');
      await expect.poll(async () => textOf(coverage.locator('.desk-coverage-figure')), WAIT).toContain('0/2');
      await choose(page, page.getByLabel(`Tình trạng Máy tính Dell OptiPlex 3000 tại ${HOANG_XA}`), 'Đang hoạt động');
      await expect.poll(async () => textOf(coverage.locator('.desk-coverage-figure')), WAIT).toContain('1/2');
      await axe.scan(page, 'devices');
      await shot(page, 'desk-devices-laptop.png');
      await page.getByRole('tab', { name: 'Điểm hỗ trợ và quầy' }).click();
      await page.locator('.desk-table tbody tr', { hasText: OFFICE }).getByText('2/2 đang hoạt động').waitFor();
      await axe.scan(page, 'sites');
      await shot(page, 'desk-sites-laptop.png');
    });
    axe.expectNone();
  });

  it('generates a roster week around National Day, assigns members and shows the conflicts, the PDF and a calendar', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      await signIn(page, 'canbo.camhoang', `/desk/roster?week=${WEEK}`);
      await page.getByRole('heading', { level: 1, name: 'Lịch trực bộ phận một cửa' }).waitFor();
      expect(await textOf(page.locator('.desk-week-label'))).toBe('Tuần 31/08 – 06/09/2026');
      const desk1 = page.locator('.roster-card', { has: page.getByRole('heading', { level: 2, name: DESK1 }) });
      const desk2 = page.locator('.roster-card', { has: page.getByRole('heading', { level: 2, name: DESK2 }) });
      // The holidays show as such, before and after generating; the other days have no shift yet.
      const holidays = desk1.locator('.roster-holiday');
      await expect.poll(() => holidays.count(), WAIT).toBe(3);
      expect(await textOf(holidays.nth(0))).toContain('Nghỉ hoán đổi dịp Quốc khánh (làm bù thứ Bảy 22/08/2026)');
      expect(await textOf(holidays.nth(1))).toContain('Quốc khánh (ngày liền kề, trước 2/9)');
      expect(await textOf(holidays.nth(2))).toContain('Quốc khánh');
      expect(await desk1.getByText('Chưa có ca').count()).toBe(4);
      expect(await textOf(desk1.locator('thead'))).toMatch(/Thứ Hai\s*31\/08.*Thứ Sáu\s*04\/09/);
      // Nobody is on duty now (no shift has been made for today).
      expect(await textOf(page.locator('.on-duty'))).toContain('Không có ca trực lúc này');

      await page.getByRole('button', { name: 'Tạo lịch tuần' }).click();
      await page.getByRole('status').filter({ hasText: 'Đã tạo 8 ca mới cho tuần 31/08/2026 – 06/09/2026' }).waitFor();
      await expect.poll(() => desk1.locator('.roster-unstaffed').count(), WAIT).toBe(4);
      expect(await holidays.count()).toBe(3);
      expect(await textOf(page.locator('.import-count', { hasText: 'Ca có người trực' }).locator('dd'))).toMatch(/^0\/8/);
      expect(await textOf(page.locator('.import-count', { hasText: 'Xung đột' }).locator('dd'))).toBe('8');
      expect(await textOf(page.locator('.desk-conflicts'))).toContain('Thứ Năm 03/09, buổi sáng, Quầy hỗ trợ số 1: chưa có người trực.');

      // Lan on Thursday morning at both desks: she cannot be in two places at once.
      const assign = async (desk: string, period: 'Sáng' | 'Chiều', day: string, name: string) => {
        await page.getByRole('button', { name: `Phân công: ${period} ${day}, ${desk}` }).click();
        const d = dialog(page, `Phân công · ${period} ${day}, ${desk}`);
        await d.getByRole('checkbox', { name: new RegExp(name) }).check();
        await page.locator('.roster-card', { has: page.getByRole('heading', { level: 2, name: desk }) }).locator('.roster-member', { hasText: name }).first().waitFor();
        return d;
      };
      let d = await assign(DESK1, 'Sáng', 'Thứ Năm 03/09', LAN);
      await d.getByRole('button', { name: 'Xong' }).click();
      await d.waitFor({ state: 'hidden' });
      d = await assign(DESK2, 'Sáng', 'Thứ Năm 03/09', LAN);
      await d.getByRole('alert').filter({ hasText: `${LAN} đã có ca khác cùng lúc ngày Thứ Năm 03/09.` }).waitFor();
      await axe.scan(page, 'assignment dialog');
      await d.getByRole('button', { name: 'Xong' }).click();
      await d.waitFor({ state: 'hidden' });
      d = await assign(DESK1, 'Chiều', 'Thứ Năm 03/09', HUNG);
      await d.getByRole('button', { name: 'Xong' }).click();
      await d.waitFor({ state: 'hidden' });

      await expect.poll(() => page.locator('.roster-member-conflict', { hasText: LAN }).count(), WAIT).toBe(2);
      expect(await textOf(page.locator('.desk-conflicts'))).toContain(`${LAN} trực hai nơi cùng lúc ngày Thứ Năm 03/09: ${DESK1}, ${DESK2}.`);
      expect(await textOf(page.locator('.import-count', { hasText: 'Ca có người trực' }).locator('dd'))).toMatch(/^3\/8/);
      // 5 shifts with nobody and one double booking.
      expect(await textOf(page.locator('.import-count', { hasText: 'Xung đột' }).locator('dd'))).toBe('6');
      expect(await desk1.locator('.roster-member', { hasText: HUNG }).getAttribute('class')).not.toContain('conflict');
      await axe.scan(page, 'roster');
      await shot(page, 'desk-roster-laptop.png');

      // The printable week and Lan's calendar come with the session's token.
      const pdf = await download(page, page.getByRole('button', { name: 'Tải lịch tuần (PDF)' }));
      expect(pdf.download.suggestedFilename()).toBe(`lich-truc-${WEEK}.pdf`);
      expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      await choose(page, page.getByLabel('Chọn thành viên'), LAN);
      const calendar = await download(page, page.getByRole('button', { name: `Tải lịch của ${LAN} (.ics)` }));
      // Long lines of an iCalendar file are folded (RFC 5545 §3.1): unfold before reading.
      const ics = calendar.bytes.toString('utf8').replace(/\r\n[ \t]/g, '');
      expect(calendar.download.suggestedFilename()).toMatch(/^lich-truc-\d+\.ics$/);
      // Thursday 3 September 07:30 Vietnam time is 00:30 UTC, at both desks.
      expect(ics.match(/DTSTART:20260903T003000Z/g)?.length).toBe(2);
      expect(ics).toContain(DESK1);

      // One desk only, then the next week (nothing generated there).
      await choose(page, page.getByLabel('Quầy', { exact: true }), `${DESK2} · ${HOANG_XA}`);
      await page.waitForURL((u) => u.searchParams.get('desk') !== null);
      await expect.poll(() => page.locator('.roster-card').count(), WAIT).toBe(1);
      await page.getByRole('button', { name: 'Tuần sau' }).click();
      await page.waitForURL((u) => u.searchParams.get('week') === '2026-09-07');
      await page.locator('.roster-card').getByText('Chưa có ca').first().waitFor();
      expect(await page.locator('.roster-holiday').count()).toBe(0);
    });

    // The support-team member reads the roster but may not change it.
    await withPage(browser, LAPTOP, async (page) => {
      await signIn(page, 'hotro.camhoang', `/desk/roster?week=${WEEK}`);
      await page.locator('.roster-member', { hasText: HUNG }).waitFor();
      expect(await page.getByRole('button', { name: 'Tạo lịch tuần' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Phân công/ }).count()).toBe(0);
      expect(await navLink(page, 'Tổ hỗ trợ').count()).toBe(0);
      await navLink(page, 'Ghi nhận hỗ trợ').waitFor();
    });
    axe.expectNone();
  });

  it('records help on a phone in a few taps: the desk remembered, the time now, the number only with consent', async () => {
    const axe = new AxeFindings();
    await withPage(browser, PHONE, async (page) => {
      await signIn(page, 'canbo.camhoang', '/desk/help');
      await page.getByRole('heading', { level: 1, name: 'Ghi nhận hỗ trợ người dân' }).waitFor();
      await page.getByText('Chưa có lượt hỗ trợ nào hôm nay.').waitFor();
      await screenshot(page, 'desk-help-empty-phone.png');
      await axe.scan(page, 'help entry on phone');
      await expectNoSideScroll(page, PHONE);

      const record = page.locator('button.help-submit');
      expect(await textOf(record)).toBe('Ghi nhận');
      // Two desks: the first time the officer says which.
      await choose(page, page.getByLabel('Quầy', { exact: true }), `${DESK1} · ${OFFICE}`);
      await tap(page.locator('.help-form'), 'Hướng dẫn tự nộp');
      await record.click();
      const saved = page.getByRole('status').filter({ hasText: 'Đã ghi nhận: Hướng dẫn công dân tự nộp hồ sơ trực tuyến · Hoàn thành' });
      await saved.waitFor();
      const entries = page.locator('.help-entry');
      await expect.poll(() => entries.count(), WAIT).toBe(1);
      // The helper is the officer's own membership.
      expect(await textOf(entries.first())).toContain(MAI);

      // The next one: two taps, well under ten seconds.
      const started = Date.now();
      await tap(page.locator('.help-form'), 'Cài VNeID');
      await record.click();
      await expect.poll(() => entries.count(), WAIT).toBe(2);
      const seconds = (Date.now() - started) / 1000;
      expect(seconds).toBeLessThan(10);

      // A citizen's number needs their consent.
      await tap(page.locator('.help-form'), 'Nộp hồ sơ thay');
      await tap(page.locator('.help-form'), 'Hẹn lại');
      await page.getByLabel('Số định danh công dân (không bắt buộc)').fill(PIN);
      await record.click();
      await page.getByText('Chỉ ghi số định danh khi công dân đồng ý.').waitFor();
      await page.getByRole('checkbox', { name: 'Công dân đồng ý ghi số định danh' }).check();
      await record.click();
      await expect.poll(() => entries.count(), WAIT).toBe(3);
      const withPin = entries.filter({ hasText: 'Nộp hồ sơ trực tuyến thay công dân' });
      expect(await textOf(withPin)).toContain('công dân 030******345');
      expect(await textOf(withPin)).toContain('Chưa xong, hẹn lại');
      // The form starts afresh; the full number is nowhere on the page.
      expect(await page.getByLabel('Số định danh công dân (không bắt buộc)').inputValue()).toBe('');
      expect(await page.content()).not.toContain(PIN);
      expect(await textOf(page.locator('.help-self'))).toBe('Tự nộp trực tuyến sau hướng dẫn: 1 · Nộp thay: 1');
      // What the phone shows: the form with the button at the bottom of the screen.
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'desk-help-form-phone.png');
      await shot(page, 'desk-help-log-phone.png');
      await axe.scan(page, 'help log on phone');
      await expectNoSideScroll(page, PHONE);

      // Next time on this phone the desk is already chosen.
      await page.reload();
      await page.locator('.help-desk .ant-select', { hasText: DESK1 }).waitFor();
      await expect.poll(() => entries.count(), WAIT).toBe(3);

      // An entry recorded by mistake is voided: kept, struck through, out of the counts.
      await entries.filter({ hasText: 'Cài đặt ứng dụng VNeID' }).getByRole('button', { name: /^Hủy mục/ }).click();
      const voiding = dialog(page, 'Hủy mục ghi nhầm');
      await voiding.getByLabel('Lý do hủy').fill('Ghi nhầm quầy');
      await submitDialog(page, voiding, 'Hủy mục');
      await entries.filter({ hasText: 'Đã hủy: Ghi nhầm quầy' }).waitFor();
      expect(await textOf(page.locator('#help-log-title'))).toBe('Hôm nay · 2 lượt hỗ trợ');

      // More details: another desk's device list, an earlier time.
      await page.getByRole('button', { name: /^Thêm chi tiết/ }).click();
      await page.getByLabel('Thời gian').waitFor();
      await shot(page, 'desk-help-details-phone.png');
      await axe.scan(page, 'help details on phone');
      await expectNoSideScroll(page, PHONE);
    });
    axe.expectNone();
  });

  it('plans a collection campaign and shows its results', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      await signIn(page, 'canbo.camhoang', '/desk/campaigns');
      await page.getByRole('heading', { level: 1, name: 'Đợt thu nhận lưu động' }).waitFor();
      await page.getByText('Chưa có đợt thu nhận nào.').waitFor();
      await page.getByRole('button', { name: 'Tạo đợt thu nhận' }).click();
      const form = dialog(page, 'Tạo đợt thu nhận');
      await form.getByLabel('Tên đợt').fill('Thu nhận căn cước lưu động tại trụ sở xã');
      // The commune office and today are the defaults.
      await form.locator('.ant-select', { hasText: OFFICE }).waitFor();
      await form.getByLabel('Cán bộ 1: họ và tên').fill('Nguyễn Văn Tuấn');
      await form.getByLabel('Cán bộ 1: cấp bậc, chức vụ').fill('Thượng úy');
      await form.getByRole('button', { name: '+ Thêm cán bộ' }).click();
      await form.getByLabel('Cán bộ 2: họ và tên').fill('Lê Thị Hà');
      await choose(page, form.getByLabel(/^Thiết bị\s*\(Tùy chọn\)$/), 'Thiết bị thu nhận vân tay, ảnh chân dung · Suprema RealScan G10', form.locator('.ant-modal-title'));
      await submitDialog(page, form, 'Tạo');
      await page.waitForURL((u) => /^\d+$/.test(u.searchParams.get('id') ?? ''));
      const card = page.locator('.campaign-card');
      await card.getByRole('heading', { level: 2, name: 'Thu nhận căn cước lưu động tại trụ sở xã' }).waitFor();
      const text = await textOf(card);
      expect(text).toContain('Nguyễn Văn Tuấn · Thượng úy');
      expect(text).toContain('Lê Thị Hà');
      expect(text).toContain('Thiết bị thu nhận vân tay, ảnh chân dung · Suprema RealScan G10');
      expect(text).toContain('07:30–11:30');
      // Results: the e-ID module's counts (none taken yet) and the two help entries at the office today (one was voided).
      const count = async (label: string) => (await textOf(card.locator('.import-count', { hasText: label }).locator('dd'))).trim();
      await expect.poll(() => count('Lượt hỗ trợ tại điểm trong ngày'), WAIT).toBe('2');
      expect(await count('Hồ sơ định danh đã thu nhận')).toBe('0');
      expect(await count('Tài khoản đã kích hoạt')).toBe('0');

      // Held: the list says so.
      await choose(page, card.getByLabel('Trạng thái đợt Thu nhận căn cước lưu động tại trụ sở xã'), 'Đã tổ chức');
      await page.locator('.desk-table tbody tr', { hasText: 'Thu nhận căn cước lưu động tại trụ sở xã' }).getByText('Đã tổ chức').waitFor();
      await axe.scan(page, 'campaign');
      await shot(page, 'desk-campaign-laptop.png');
    });
    axe.expectNone();
  });

  it('imports a roster file: template, upload, report of bad rows by row and column', async () => {
    const axe = new AxeFindings();
    const csv = path.join(tmp, 'lịch-trực-tháng-9.csv');
    fs.writeFileSync(
      csv,
      [
        'Ngày trực,Buổi,Quầy,Điểm hỗ trợ,Người trực,Số điện thoại',
        `2026-09-03,Sáng,${DESK1},,${HUNG},`,
        `2026-09-03,Tối,${DESK1},,${LAN},`,
        `04/09/2026,Chiều,Quầy số 9,,${LAN},`,
        '',
      ].join('\r\n'),
    );
    await withPage(browser, LAPTOP, async (page) => {
      await signIn(page, 'canbo.camhoang', '/desk/imports');
      await page.getByRole('heading', { level: 1, name: 'Nhập sổ sách một cửa' }).waitFor();
      const template = await download(page, page.getByRole('button', { name: 'Tải mẫu CSV' }));
      expect(template.download.suggestedFilename()).toBe('mau-roster.csv');
      expect(template.bytes.toString('utf8')).toContain('Ngày trực');
      const kinds = page.locator('.desk-kind-switch');
      await kinds.getByText('Thiết bị', { exact: true }).click();
      await page.waitForURL((u) => u.searchParams.get('kind') === 'equipment');
      const equipment = await download(page, page.getByRole('button', { name: 'Tải mẫu Excel (.xlsx)' }));
      expect(equipment.download.suggestedFilename()).toBe('mau-equipment.xlsx');
      await kinds.getByText('Lịch trực', { exact: true }).click();
      await page.waitForURL((u) => !u.searchParams.has('kind'));

      await page.getByRole('button', { name: 'Nhập lịch trực' }).click();
      expect(await textOf(page.locator('#desk-import-file-help'))).toContain('Chọn tệp cần nhập.');
      await page.locator('#desk-import-file').setInputFiles(csv);
      await page.getByRole('button', { name: 'Nhập lịch trực' }).click();
      const report = page.locator('.desk-import-report');
      await report.getByText('Đã nhập xong tệp lich-truc-thang-9.csv').waitFor();
      const count = async (label: string) => (await textOf(report.locator('.import-count', { hasText: label }).locator('dd'))).trim();
      expect(await count('Dòng đã đọc')).toBe('3');
      expect(await count('Đã nhập')).toBe('1');
      expect(await count('Dòng lỗi')).toBe('2');
      const rows = report.locator('.desk-errors tbody tr.ant-table-row');
      expect(await rows.count()).toBe(2);
      expect(await textOf(rows.nth(0))).toMatch(/^3Buổi/);
      expect(await textOf(rows.nth(0))).toContain('Tối');
      expect(await textOf(rows.nth(1))).toMatch(/^4Quầy/);
      expect(await textOf(rows.nth(1))).toContain('Quầy số 9');
      await axe.scan(page, 'roster import report');
      await shot(page, 'desk-import-laptop.png');

      // The imported assignment is on the roster.
      await page.goto(`${platform.baseUrl}/desk/roster?week=${WEEK}`);
      const desk1 = page.locator('.roster-card', { has: page.getByRole('heading', { level: 2, name: DESK1 }) });
      await desk1.locator('.roster-member', { hasText: HUNG }).nth(1).waitFor();
      expect(await desk1.locator('.roster-member', { hasText: HUNG }).count()).toBe(2);
    });
    axe.expectNone();
  });

  it('looks right on a phone and a laptop, in Vietnamese and English (screenshots in var/screenshots)', async () => {
    const axe = new AxeFindings();
    for (const [name, viewport] of [
      ['phone', PHONE],
      ['laptop', LAPTOP],
    ] as const) {
      await withPage(browser, viewport, async (page) => {
        await signIn(page, 'canbo.camhoang', `/desk/roster?week=${WEEK}`);
        await page.locator('.roster-member', { hasText: LAN }).first().waitFor();
        if (name === 'phone') {
          // On a phone the grid is a list of days, with the holidays named.
          await page.locator('.roster-days .roster-holiday', { hasText: 'Quốc khánh' }).first().waitFor();
          expect(await page.locator('.roster-grid').count()).toBe(0);
        }
        await shot(page, `desk-roster-${name}.png`);
        await axe.scan(page, `roster on ${name}`);
        await expectNoSideScroll(page, viewport);

        await page.getByRole('button', { name: `Phân công: Sáng Thứ Năm 03/09, ${DESK1}` }).click();
        await dialog(page, `Phân công · Sáng Thứ Năm 03/09, ${DESK1}`).getByRole('checkbox', { name: new RegExp(LAN) }).waitFor();
        await screenshot(page, `desk-assign-${name}.png`);
        await page.keyboard.press('Escape');

        for (const [pathName, heading, file] of [
          ['/desk/teams', 'Tổ hỗ trợ dịch vụ công trực tuyến', 'teams'],
          ['/desk/sites', 'Điểm hỗ trợ và thiết bị', 'sites'],
          ['/desk/sites?tab=devices', 'Điểm hỗ trợ và thiết bị', 'devices'],
          ['/desk/campaigns', 'Đợt thu nhận lưu động', 'campaigns'],
          ['/desk/imports', 'Nhập sổ sách một cửa', 'imports'],
          ['/desk/help', 'Ghi nhận hỗ trợ người dân', 'help'],
        ] as const) {
          await page.goto(`${platform.baseUrl}${pathName}`);
          await page.getByRole('heading', { level: 1, name: heading }).waitFor();
          await page.locator('.ant-spin-spinning, .ant-card-loading, .ant-skeleton').first().waitFor({ state: 'detached' }).catch(() => undefined);
          if (file === 'teams') await page.locator('.desk-members').waitFor();
          if (file === 'devices') await page.getByText('Dell OptiPlex 3000').waitFor();
          if (file === 'sites') await page.locator('.desk-coverage-figure').waitFor();
          if (file === 'help') await page.locator('.help-entry').first().waitFor();
          await settled(page);
          await shot(page, `desk-${file}-${name}.png`);
          await axe.scan(page, `${file} on ${name}`);
          await expectNoSideScroll(page, viewport);
        }
        const campaign = page.locator('.desk-table tbody tr a');
        await page.goto(`${platform.baseUrl}/desk/campaigns`);
        await campaign.first().click();
        await page.locator('.campaign-card .import-count').first().waitFor();
        await shot(page, `desk-campaign-${name}.png`);
        await expectNoSideScroll(page, viewport);

        if (name === 'phone') {
          await page.getByRole('button', { name: 'Mở menu' }).click();
          await page.locator('.ant-drawer').getByRole('link', { name: 'Ghi nhận hỗ trợ' }).waitFor();
          await settled(page);
          await screenshot(page, 'desk-menu-phone.png');
          await axe.scan(page, 'menu on phone');
          await page.keyboard.press('Escape');
        }

        // English: our strings, Ant Design's and the desk's vocabularies.
        await page.goto(`${platform.baseUrl}/desk/roster?week=${WEEK}`);
        await page.locator('.lang-switch .ant-segmented-item', { hasText: 'English' }).click();
        await page.getByRole('heading', { level: 1, name: 'One-stop desk duty roster' }).waitFor();
        await page.locator('.roster-member', { hasText: LAN }).first().waitFor();
        const roster = await textOf(page.locator('#main'));
        expect(roster).toContain('National Day');
        expect(roster).toContain('Nobody on duty');
        expect(roster).toContain(`${LAN} is in two places at once on Thursday 03/09: ${DESK1}, ${DESK2}.`);
        await shot(page, `desk-roster-english-${name}.png`);
        await axe.scan(page, `roster in English on ${name}`);
        await page.goto(`${platform.baseUrl}/desk/help`);
        await page.getByRole('heading', { level: 1, name: 'Record help given' }).waitFor();
        await page.locator('.help-entry').first().waitFor();
        const help = await textOf(page.locator('#main'));
        expect(help).toContain('Guided the citizen to file online alone');
        expect(help).toContain('Guided to file alone');
        await shot(page, `desk-help-english-${name}.png`);
        await page.goto(`${platform.baseUrl}/desk/sites`);
        await page.locator('.desk-coverage-figure').waitFor();
        expect(await textOf(page.locator('#main'))).toContain('Village or residential-area cultural house');
        await shot(page, `desk-sites-english-${name}.png`);
        await expectNoSideScroll(page, viewport);
      });
    }
    axe.expectNone();
  });
});

/**
 * The public-services and dossier pages in a real browser (Debian's Chromium) against the whole
 * platform with the 2025 unit list: Xã Cẩm Hoàng (10897) was merged into Xã Cẩm Giang (GSO 10888,
 * Thành phố Hải Phòng) on 2025-07-01, so its one-stop desk today is Xã Cẩm Giang's and dossiers
 * are filed there. In order:
 * - the public catalog: search, sector and essential filters, a procedure's page;
 * - an administrator configures the commune's receiving agency and deploys a procedure there,
 *   and sees "x of 25 deployed";
 * - the commune's officer takes in a counter dossier (temporary residence, 3 working days) from the
 *   form rendered from the catalog's JSON Schema, with a scan attached and a disguised file refused
 *   by the server, receives it (form 01 with the due date from the working-day calendar), returns it
 *   for completion, takes the completion, assigns, approves and returns the result; the dossier
 *   names its receiving unit and the commune in its form ("Xã Cẩm Giang (10888)"); the work queue
 *   with counts per state and an overdue dossier marked;
 * - the public tracking page: timeline, due date, initials and the name behind the phone digits;
 * - a citizen with a level-1 e-ID account (applied online, approved by the commune police,
 *   activated) signs in and files online on a phone, the registry fields locked and filled by the
 *   server; a level-2 procedure tells her so before she starts;
 * - on a phone, the officer files on behalf of a present citizen (desk, equipment, consent required);
 * - accessibility (axe-core: no serious or critical violation) and screenshots on a 360×740 phone
 *   and a 1366×768 laptop (`var/screenshots/dossiers-*.png`).
 * The tests run in order and build on each other.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pdfText } from '../../src/platform/testing/pdf.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Download, Locator, Page } from 'playwright-core';
import { workingCalendar } from '../../src/calendar/index.js';
import { dossierEnv, submitDossier, takeAction } from '../../src/dossiers/index.js';
import { dossierByCode, type DossiersTables } from '../../src/dossiers/store.js';
import { ROLE_PERMISSIONS } from '../../src/identity/index.js';
import type { StaffPrincipal } from '../../src/platform/auth.js';
import { deployService } from '../../src/services/index.js';
import { importUnitList } from '../../src/units/index.js';
import { addCitizen, addEidAccount, addStaff, AxeFindings, takeDossierAction, ensureUiBuilt, launchBrowser, screenshot, SCREENSHOTS, settled, startPlatform, textOf, withPage, type Platform, type Viewport, signInStaff, chooseOption as choose, LAPTOP, TINY_PNG, UNIT_LIST_2025 , shot, expectNoSideScroll} from './harness.js';

const PHONE = { width: 360, height: 740 };
const CLI = { kind: 'cli' as const, id: 'e2e' };

const AGENCY = 'H31.10888';
const AGENCY_NAME = 'Trung tâm Phục vụ hành chính công xã Cẩm Giang';
const TEMPORARY_RESIDENCE = 'Đăng ký tạm trú';
const APPLICANT = { name: 'Trần Thị Lan', pin: '031190004567', phone: '0987654321', initials: 'T.T.L.' };
// A citizen of Xã Cẩm Giang with an e-ID account (female, born 1990, registered in Hải Phòng 031).
const HOA = { name: 'Nguyễn Thị Hoa', pin: '031190001234', phone: '0912345678', password: 'Hoa-Cam-Giang-2026' };
const PNG = TINY_PNG;

let platform: Platform;
let browser: Browser;
let tmp: string;
/** The code of the counter dossier filed in the browser. */
let code = '';
/** A dossier received on 1 October 2026 with one working day: overdue since. */
let overdueCode = '';

beforeAll(async () => {
  await ensureUiBuilt();
  platform = await startPlatform();
  browser = await launchBrowser();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-e2e-dossiers-'));
  fs.writeFileSync(path.join(tmp, 'giay-to-cho-o.png'), PNG);
  // Text under a PDF name: the browser cannot tell, the server judges the content.
  fs.writeFileSync(path.join(tmp, 'hop-dong-thue.pdf'), 'Hợp đồng thuê nhà (bản đánh máy, không phải PDF)\n');
  fs.writeFileSync(path.join(tmp, 'ghi-chu.txt'), 'ghi chú\n');
  const { ctx } = platform;
  await importUnitList(ctx.db, UNIT_LIST_2025, { validFrom: '2025-07-01', source: 'Quyết định 19/2025/QĐ-TTg', actor: CLI });
  await addStaff(ctx, { username: 'admin', role: 'ADMIN', unitCode: null, displayName: 'Quản trị hệ thống' });
  await addStaff(ctx, { username: 'canbo.camgiang', role: 'COMMUNE_OFFICER', unitCode: '10888', unitDate: '2025-07-01', displayName: 'Bộ phận một cửa xã Cẩm Giang' });
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const signIn = (page: Page, username: string, next: string) => signInStaff(page, platform.baseUrl, username, next);


/** Types a date (dd/mm/yyyy) into an Ant Design date picker and commits it. */
async function pickDate(field: Locator, ddmmyyyy: string): Promise<void> {
  await field.click();
  await field.fill(ddmmyyyy);
  await field.press('Enter');
}

/** Clicks `trigger` and returns the download it starts, with its content. */
async function download(page: Page, trigger: Locator): Promise<{ download: Download; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), trigger.click()]);
  return { download: d, bytes: fs.readFileSync(await d.path()) };
}

/** `2026-12-03` → `03/12/2026`. */
const ddmmyyyy = (iso: string) => iso.split('-').reverse().join('/');



function navLink(page: Page, name: string): Locator {
  return page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name, exact: true });
}

/** Takes the workflow action `name` on the dossier page, with a reason when given, and waits for the new state. */
const act = takeDossierAction;

describe('public services and dossiers', () => {
  it('lists the catalog with its filters and shows a procedure to anyone', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      await page.goto(`${platform.baseUrl}/services`);
      await page.getByRole('heading', { level: 1, name: 'Dịch vụ công trực tuyến' }).waitFor();
      expect(await page.title()).toBe('Dịch vụ công trực tuyến — motcua');
      // 24 essential services of the 25 (the 25th unconfirmed) and the 3 bundle members.
      await page.getByRole('heading', { level: 2, name: '27 thủ tục' }).waitFor();
      await navLink(page, 'Tra cứu hồ sơ').waitFor();
      expect(await navLink(page, 'Hồ sơ cần xử lý').count()).toBe(0);

      const card = page.locator('.service-card', { has: page.getByRole('link', { name: TEMPORARY_RESIDENCE, exact: true }) });
      const text = await textOf(card);
      expect(text).toContain('1.004194');
      expect(text).toContain('Thiết yếu số 4');
      expect(text).toContain('Toàn trình');
      expect(text).toContain('3 ngày làm việc');
      expect(text).toContain('Lệ phí đăng ký tạm trú: 15.000 đồng');
      expect(text).toContain('Mức độ 2');
      await card.getByText('Giấy tờ cần nộp (2)').click();
      await card.getByText('Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp (khi chưa có trong cơ sở dữ liệu) (nếu có)').waitFor();
      await axe.scan(page, 'catalog');

      // Search with diacritics folded, then a sector, then the essential services only.
      await page.getByLabel('Tìm thủ tục').fill('khai sinh');
      await page.getByLabel('Tìm thủ tục').press('Enter');
      await page.waitForURL((u) => u.searchParams.get('q') === 'khai sinh');
      // The URL changes before the filtered list replaces the full one: wait for the list itself.
      await expect
        .poll(async () => {
          const names = await page.locator('.service-name').allTextContents();
          return names.length > 0 && names.every((n) => n.toLowerCase().includes('khai sinh'));
        })
        .toBe(true);
      const birth = page.locator('.service-card', { has: page.getByRole('link', { name: 'Đăng ký khai sinh', exact: true }) });
      expect(await textOf(birth)).toContain('Trong ngày làm việc');
      expect(await textOf(birth)).toContain('Miễn phí');

      await page.goto(`${platform.baseUrl}/services`);
      await choose(page, page.getByLabel('Lĩnh vực'), 'Tư pháp, hộ tịch');
      await page.getByRole('heading', { level: 2, name: '3 thủ tục' }).waitFor();
      expect(await page.locator('.service-name').allTextContents()).toEqual(['Đăng ký khai sinh', 'Đăng ký khai tử', 'Đăng ký kết hôn']);
      await choose(page, page.getByLabel('Lĩnh vực'), 'Tất cả lĩnh vực');
      await page.getByLabel('Chỉ dịch vụ công thiết yếu').check();
      await page.getByRole('heading', { level: 2, name: '24 thủ tục' }).waitFor();

      // A procedure's page: the facts, and how to file for someone not signed in.
      await page.getByRole('link', { name: TEMPORARY_RESIDENCE, exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/services/1.004194');
      await page.getByRole('heading', { level: 1, name: TEMPORARY_RESIDENCE }).waitFor();
      const facts = await textOf(page.locator('.detail-card').first());
      expect(facts).toContain('Công an cấp xã');
      expect(facts).toContain('Hồ sơ nhận sau 15:00 được tính từ ngày làm việc tiếp theo.');
      expect(facts).toContain('Lệ phí đăng ký tạm trú (nộp trực tuyến): 7.000 đồng');
      await page.getByText('Cần tài khoản định danh điện tử mức độ 2 (VNeID) để nộp trực tuyến').waitFor();
      await axe.scan(page, 'procedure');
      await shot(page, 'dossiers-service-laptop.png', true);

      // English.
      await page.locator('.lang-switch .ant-segmented-item', { hasText: 'English' }).click();
      await page.getByRole('heading', { level: 1, name: 'Temporary residence registration' }).waitFor();
      expect(await textOf(page.locator('.detail-card').first())).toContain('3 working days');
    });
    axe.expectNone();
  });

  it('lets an administrator set the receiving agency of Xã Cẩm Giang and deploy a procedure there (x of 25)', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      await signIn(page, 'admin', '/services/deployments?unit=10888');
      await page.getByRole('heading', { level: 1, name: 'Triển khai dịch vụ công tại đơn vị' }).waitFor();
      await page.getByRole('heading', { level: 2, name: 'Đã triển khai 0 trong 25 dịch vụ công thiết yếu' }).waitFor();
      await page.getByText('Đơn vị chưa khai báo cơ quan tiếp nhận').waitFor();

      // The agency: a malformed code is refused on the page, then saved.
      const agency = page.locator('.detail-card', { has: page.getByRole('heading', { name: 'Cơ quan tiếp nhận hồ sơ của đơn vị 10888' }) });
      await agency.getByLabel('Mã định danh cơ quan').fill('h31 10888');
      await agency.getByLabel('Tên cơ quan (in trên phiếu)').fill(AGENCY_NAME);
      await agency.getByLabel('Người đứng đầu (nhận cảnh báo hồ sơ quá hạn)').fill('Chủ tịch UBND xã Cẩm Giang');
      await agency.getByLabel('Thư điện tử người đứng đầu').fill('chutich.camgiang@haiphong.gov.vn');
      await agency.getByRole('button', { name: 'Lưu cơ quan tiếp nhận' }).click();
      await agency.getByText('Chữ in hoa và chữ số, các nhóm cách nhau dấu chấm, ví dụ H31.10888.').waitFor();
      await agency.getByLabel('Mã định danh cơ quan').fill(AGENCY);
      await agency.getByRole('button', { name: 'Lưu cơ quan tiếp nhận' }).click();
      await agency.getByRole('status').filter({ hasText: `Đã lưu cơ quan tiếp nhận ${AGENCY}.` }).waitFor();
      await expect.poll(() => page.getByText('Đơn vị chưa khai báo cơ quan tiếp nhận').count()).toBe(0);

      // Deploy temporary residence from today.
      const row = page.locator('.deploy-table tbody tr', { hasText: TEMPORARY_RESIDENCE });
      expect(await textOf(row)).toContain('Chưa triển khai');
      await row.getByRole('button', { name: /^Triển khai Đăng ký tạm trú từ ngày/ }).click();
      await page.getByRole('status').filter({ hasText: `Đã cập nhật: ${TEMPORARY_RESIDENCE}.` }).waitFor();
      await page.getByRole('heading', { level: 2, name: 'Đã triển khai 1 trong 25 dịch vụ công thiết yếu' }).waitFor();
      await row.getByText('Đang triển khai').waitFor();
      await axe.scan(page, 'deployments');
      await shot(page, 'dossiers-deployments-laptop.png', true);
    });
    axe.expectNone();
  });

  it('takes in a counter dossier with attachments and receives it: the due date from the working-day calendar, the appointment slip', async () => {
    const axe = new AxeFindings();
    // An older dossier of the commune, received on Thursday 1 October 2026 with one working day: overdue now.
    const { ctx } = platform;
    const env = dossierEnv(ctx);
    await deployService(ctx.db, '1.003677', '10888', '2025-07-01', CLI);
    const officer: StaffPrincipal = { kind: 'staff', id: 2, username: 'canbo.camgiang', displayName: 'Bộ phận một cửa xã Cẩm Giang', role: 'COMMUNE_OFFICER', unitCode: '10888', unitDate: '2025-07-01', permissions: new Set(ROLE_PERMISSIONS.COMMUNE_OFFICER) };
    const actor = { kind: 'staff' as const, id: 'canbo.camgiang', unitCode: '10888' };
    const old = await submitDossier(
      env,
      officer,
      actor,
      {
        serviceCode: '1.003677',
        channel: 'counter',
        data: {
          applicant: { fullName: 'Phạm Văn Đức', pin: '031088007777', dateOfBirth: '1988', sex: 'male', phone: '0912000111' },
          destination: 'Phường Hai Bà Trưng, thành phố Hà Nội',
          from: '2026-10-05',
          until: '2027-04-05',
          reason: 'Đi làm việc tại Hà Nội',
        },
      },
      { now: '2026-10-01T02:00:00Z' },
    );
    await takeAction(env, officer, actor, old.receipt.code, { action: 'receive' }, { now: '2026-10-01T02:30:00Z' });
    overdueCode = old.receipt.code;
    expect(overdueCode).toBe(`${AGENCY}-261001-0001`);

    await withPage(browser, LAPTOP, async (page) => {
      await signIn(page, 'canbo.camgiang', '/services/1.004194');
      await page.getByRole('link', { name: 'Tiếp nhận hồ sơ cho công dân' }).click();
      await page.waitForURL((u) => u.pathname === '/services/1.004194/file');
      await page.getByRole('heading', { level: 1, name: `Nộp hồ sơ: ${TEMPORARY_RESIDENCE}` }).waitFor();

      // Nothing filled in: the page lists what is missing before anything is sent.
      await page.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Tờ khai còn chỗ chưa đúng; xem các ô được đánh dấu đỏ.' }).waitFor();
      await page.getByText('Vui lòng nhập “Họ, chữ đệm và tên”.').waitFor();
      await page.getByText('Vui lòng nhập “Tạm trú từ ngày”.').waitFor();

      // The form, from the catalog's JSON Schema.
      const applicant = page.getByRole('group', { name: 'Người nộp hồ sơ' });
      await applicant.getByLabel('Họ, chữ đệm và tên').fill(APPLICANT.name);
      await applicant.getByLabel('Số định danh cá nhân').fill('03119000456'); // 11 digits
      await applicant.getByLabel('Ngày sinh').fill('1990-03-15');
      await applicant.getByLabel('Nữ', { exact: true }).check();
      await applicant.getByLabel('Số điện thoại').fill(APPLICANT.phone);
      await applicant.getByLabel('Số định danh cá nhân').blur();
      await applicant.getByText('Nhập theo dạng: 12 chữ số.').waitFor();
      await applicant.getByLabel('Số định danh cá nhân').fill(APPLICANT.pin);
      const place = page.getByRole('group', { name: 'Nơi đề nghị đăng ký tạm trú' });
      await place.getByLabel('Xã, phường, đặc khu').fill('10888');
      await place.getByLabel('Số nhà, đường, thôn, tổ dân phố').fill('Phòng 3, số 8, thôn Phú Lộc');
      await pickDate(page.getByLabel('Tạm trú từ ngày'), '01/12/2026');
      // The end of the stay: not before its start, at most two years after it (Law on Residence 2020 Art. 27).
      await pickDate(page.getByLabel('Đến ngày (tối đa 02 năm)'), '30/11/2026');
      await page.getByText('Không được trước ngày 01/12/2026.').waitFor();
      await pickDate(page.getByLabel('Đến ngày (tối đa 02 năm)'), '02/12/2028');
      await page.getByText('Không được sau ngày 01/12/2028 (tối đa 24 tháng).').waitFor();
      for (const [viewport, name] of [[PHONE, 'phone'], [LAPTOP, 'laptop']] as const) {
        await page.setViewportSize(viewport);
        await page.getByLabel('Tạm trú từ ngày').scrollIntoViewIfNeeded();
        await screenshot(page, `dossiers-filing-period-${name}.png`);
      }
      await pickDate(page.getByLabel('Đến ngày (tối đa 02 năm)'), '30/11/2027');
      await expect.poll(() => page.getByText('Không được sau ngày 01/12/2028').count()).toBe(0);
      await choose(page, page.getByLabel('Căn cứ đăng ký'), 'Thuê, mượn, ở nhờ');
      await page.getByLabel('Làm việc', { exact: true }).check();
      await page.getByLabel('Chủ hộ / chủ sở hữu đã đồng ý').check();

      // Documents: a text file is refused on the page; a disguised one only by the server.
      await page.locator('#file-other').setInputFiles(path.join(tmp, 'ghi-chu.txt'));
      await page.getByRole('alert').filter({ hasText: 'Tệp “ghi-chu.txt” không phải PDF, JPEG hoặc PNG.' }).waitFor();
      await page.locator('#file-other').setInputFiles(path.join(tmp, 'hop-dong-thue.pdf'));
      await page.locator('#file-residenceProof').setInputFiles(path.join(tmp, 'giay-to-cho-o.png'));
      await expect.poll(() => page.getByRole('alert').filter({ hasText: 'ghi-chu.txt' }).count()).toBe(0);
      await axe.scan(page, 'filing form');
      await shot(page, 'dossiers-filing-laptop.png', true);

      await page.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();
      const receipt = page.locator('.receipt-card');
      const title = await textOf(receipt.getByRole('heading', { level: 2 }));
      const m = /^Đã nộp hồ sơ (H31\.10888-\d{6}-\d{4})$/.exec(title);
      expect(m, title).not.toBeNull();
      code = m![1]!;
      expect(code).not.toBe(overdueCode);
      await receipt.locator('.upload-done', { hasText: 'giay-to-cho-o.png' }).waitFor();
      const refused = receipt.locator('.upload-error', { hasText: 'hop-dong-thue.pdf' });
      await refused.getByText(/Tệp "hop-dong-thue\.pdf" không phải PDF, JPEG hoặc PNG/).waitFor();
      expect(await textOf(receipt)).toContain('Mới nộp, chờ tiếp nhận');
      expect(await textOf(receipt)).toContain('Có ngày hẹn khi bộ phận một cửa tiếp nhận hồ sơ (thời hạn: 3 ngày làm việc).');

      // Receive: the due date from the working-day calendar, and the appointment slip.
      await receipt.getByRole('button', { name: 'Tiếp nhận và lập giấy hẹn (mẫu 01)' }).click();
      await page.getByRole('status').filter({ hasText: 'Đã tiếp nhận. Giấy tiếp nhận hồ sơ và hẹn trả kết quả đã sẵn sàng.' }).waitFor();
      const api = await (await fetch(`${platform.baseUrl}/api/v1/track/${code}`)).json() as { receivedOn: string; dueDate: string };
      const row = await dossierByCode(ctx.db.as<DossiersTables>(), code);
      const expected = (await workingCalendar(ctx.db)).deadline(row!.received_at!, 3, '15:00').dueDate;
      expect(api.dueDate).toBe(expected);
      expect(await textOf(receipt)).toContain(ddmmyyyy(expected));
      const slip = await download(page, receipt.getByRole('button', { name: 'Tải giấy tiếp nhận, hẹn trả kết quả (mẫu 01, PDF)' }));
      expect(slip.download.suggestedFilename()).toBe(`${code}-mau-01.pdf`);
      expect(slip.bytes.subarray(0, 5).toString()).toBe('%PDF-');
      const slipText = await pdfText(slip.bytes);
      expect(slipText).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
      expect(slipText).toContain(code);
      expect(slipText).toContain(APPLICANT.name);
      await axe.scan(page, 'receipt');
      await shot(page, 'dossiers-receipt-laptop.png');
      fs.writeFileSync(path.join(tmp, 'hop-dong-thue-ky.pdf'), slip.bytes);
      await receipt.getByRole('link', { name: 'Mở hồ sơ' }).click();
      await page.waitForURL((u) => u.pathname === `/dossiers/${code}`);
      await page.locator('h1 .dossier-state', { hasText: 'Đã tiếp nhận' }).waitFor();
    });
    axe.expectNone();
  });

  it('takes the dossier through completion and processing to the result returned; the work queue counts states and marks the overdue', async () => {
    const axe = new AxeFindings();
    const { ctx } = platform;
    const row = await dossierByCode(ctx.db.as<DossiersTables>(), code);
    const expected = row!.due_date!;
    await withPage(browser, LAPTOP, async (page) => {
      await signIn(page, 'canbo.camgiang', `/dossiers/${code}`);
      // The dossier page: return for completion (a reason is required), take the completion.
      await page.locator('h1 .dossier-state', { hasText: 'Đã tiếp nhận' }).waitFor();
      await page.locator('.dossier-facts').getByText(ddmmyyyy(expected)).waitFor();
      await page.getByRole('button', { name: 'Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả' }).waitFor();
      await page.getByRole('button', { name: 'giay-to-cho-o.png (68 B)' }).waitFor();

      await page.locator('.action-buttons').getByRole('button', { name: 'Yêu cầu bổ sung', exact: true }).click();
      const ask = page.getByRole('dialog', { name: 'Yêu cầu bổ sung' });
      await ask.getByRole('button', { name: 'Xác nhận' }).click();
      await ask.getByText('Cần ghi lý do.').waitFor();
      await ask.getByRole('button', { name: 'Hủy' }).click();
      await ask.waitFor({ state: 'hidden' });
      await act(page, 'Yêu cầu bổ sung', 'Yêu cầu bổ sung, hoàn thiện', (d) => d.getByLabel('Giấy tờ, nội dung cần bổ sung').fill('Bổ sung hợp đồng thuê nhà có chữ ký của chủ nhà (bản PDF).'));
      await page.locator('.dossier-facts').getByText(/Đang tạm dừng tính thời hạn, còn \d ngày làm việc/).waitFor();
      await page.getByRole('button', { name: 'Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ' }).waitFor();
      // The completion arrives as a real PDF (written in the test before).
      await page.locator('#attach-file').setInputFiles(path.join(tmp, 'hop-dong-thue-ky.pdf'));
      await page.getByRole('button', { name: 'Thêm tệp', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Đã thêm tệp hop-dong-thue-ky.pdf.' }).waitFor();
      await act(page, 'Đã nhận bổ sung', 'Đã tiếp nhận');

      // Processing to the result returned.
      await act(page, 'Chuyển xử lý', 'Đang giải quyết', async (d) => {
        expect(await d.getByLabel('Cán bộ xử lý (tên đăng nhập)').inputValue()).toBe('canbo.camgiang');
        await d.getByLabel('Bộ phận nhận (ghi trên phiếu kiểm soát)').fill('Công an xã Cẩm Giang');
      });
      await act(page, 'Đủ điều kiện', 'Đã giải quyết: đủ điều kiện');
      await act(page, 'Có kết quả, chờ trả', 'Chờ trả kết quả');
      await act(page, 'Trả kết quả', 'Đã trả kết quả');
      await page.getByText('Hồ sơ đã kết thúc; không còn thao tác nào.').waitFor();
      const facts = await textOf(page.locator('.dossier-facts'));
      expect(facts).toContain('Đúng hạn');
      expect(facts).toContain('canbo.camgiang');
      // The receiving unit by its name on the filing day, the code after it (it said "H31.10888 (10888)").
      const unit = page.locator('.dossier-facts .ant-descriptions-item', { hasText: 'Đơn vị tiếp nhận' }).locator('.ant-descriptions-item-content');
      await expect.poll(() => textOf(unit)).toBe('Xã Cẩm Giang (10888)');
      expect(await textOf(unit.locator('.muted'))).toBe('(10888)');
      const timeline = await page.locator('.dossier-timeline .event-title strong').allTextContents();
      expect(timeline).toEqual(['Trả kết quả', 'Có kết quả, chờ trả', 'Đủ điều kiện', 'Chuyển xử lý', 'Đã nhận bổ sung', 'Yêu cầu bổ sung', 'Tiếp nhận', 'Nộp hồ sơ']);
      await page.locator('.dossier-timeline').getByText('Lý do: Bổ sung hợp đồng thuê nhà có chữ ký của chủ nhà (bản PDF).').waitFor();
      const form = await textOf(page.locator('.data-view').first());
      expect(form).toContain('Thuê, mượn, ở nhờ');
      expect(form).toContain('01/12/2026');
      // A unit code in the form is named too.
      const commune = page.locator('.data-view .data-item', { hasText: 'Xã, phường, đặc khu' }).locator('dd');
      await expect.poll(() => textOf(commune)).toBe('Xã Cẩm Giang (10888)');
      await page.getByRole('button', { name: 'Mẫu 06: Phiếu kiểm soát quá trình giải quyết hồ sơ' }).waitFor();
      await axe.scan(page, 'dossier');
      await shot(page, 'dossiers-dossier-laptop.png', true);

      // The work queue: counts per state, the overdue dossier marked.
      await navLink(page, 'Hồ sơ cần xử lý').click();
      await page.getByRole('heading', { level: 1, name: 'Hồ sơ cần xử lý' }).waitFor();
      await page.locator('.queue-table caption', { hasText: '2 hồ sơ' }).waitFor();
      // The states with their counts: all of them listed, the current one marked.
      const states = page.getByRole('navigation', { name: 'Trạng thái hồ sơ' });
      const stateLink = (name: string) => states.getByRole('link', { name: new RegExp(`^${name} `) });
      expect(await textOf(stateLink('Tất cả'))).toBe('Tất cả 2');
      expect(await stateLink('Tất cả').getAttribute('aria-current')).toBe('page');
      expect(await textOf(stateLink('Đã tiếp nhận'))).toBe('Đã tiếp nhận 1');
      expect(await textOf(stateLink('Đã trả kết quả'))).toBe('Đã trả kết quả 1');
      expect(await textOf(stateLink('Mới nộp, chờ tiếp nhận'))).toBe('Mới nộp, chờ tiếp nhận 0');
      await page.getByLabel('Chỉ hồ sơ quá hạn').check();
      await page.getByRole('button', { name: 'Lọc', exact: true }).click();
      await page.waitForURL((u) => u.searchParams.get('overdue') === '1');
      await expect.poll(() => page.locator('.queue-table tbody tr.ant-table-row').count()).toBe(1);
      // Overdue and returned: none; the counts stay those of the other filters.
      await stateLink('Đã trả kết quả').click();
      await page.waitForURL((u) => u.searchParams.get('state') === 'result_returned' && u.searchParams.get('overdue') === '1');
      await page.getByText('Không có hồ sơ nào.').waitFor();
      expect(await stateLink('Đã trả kết quả').getAttribute('aria-current')).toBe('page');
      expect(await textOf(stateLink('Đã tiếp nhận'))).toBe('Đã tiếp nhận 1');
      await page.getByRole('button', { name: 'Bỏ lọc' }).click();
      await page.locator('.queue-table tbody tr', { hasText: code }).waitFor();
      await axe.scan(page, 'queue');
      await page.goto(`${platform.baseUrl}/dossiers`);
      await page.locator('.queue-table tbody tr', { hasText: code }).waitFor();
      await shot(page, 'dossiers-queue-laptop.png');
    });
    axe.expectNone();
  });

  it('shows the public tracking page: timeline, due date, initials, and the name behind the phone digits', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      await page.goto(`${platform.baseUrl}/tra-cuu`);
      await page.getByRole('heading', { level: 1, name: 'Tra cứu hồ sơ' }).waitFor();
      await page.getByLabel('Mã hồ sơ').fill('khong-phai-ma');
      await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
      await page.getByText('Mã hồ sơ có dạng mã cơ quan-năm tháng ngày-số thứ tự').waitFor();
      await page.getByLabel('Mã hồ sơ').fill(code.toLowerCase());
      await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
      await page.waitForURL((u) => u.pathname === `/tra-cuu/${code}`);
      const card = page.locator('.detail-card').first();
      await card.getByRole('heading', { level: 2, name: code }).waitFor();
      const text = await textOf(card);
      expect(text).toContain(TEMPORARY_RESIDENCE);
      expect(text).toContain('Đã trả kết quả');
      expect(text).toContain(APPLICANT.initials);
      expect(text).not.toContain(APPLICANT.name);
      const states = await page.locator('.dossier-timeline .event-title strong').allTextContents();
      expect(states[0]).toBe('Đã trả kết quả');
      expect(states.at(-1)).toBe('Mới nộp, chờ tiếp nhận');
      expect(states).toContain('Yêu cầu bổ sung, hoàn thiện');
      // Form 01 at receipt, and again with the new date when the completion came in.
      await expect.poll(() => page.locator('.dossier-timeline .tag-form', { hasText: 'Mẫu 01' }).count()).toBe(2);
      await page.locator('.dossier-timeline .tag-form', { hasText: 'Mẫu 02' }).waitFor();

      const digits = page.locator('.phone-digits');
      await digits.getByLabel('Bốn số cuối số điện thoại của người nộp').fill('0000');
      await digits.getByRole('button', { name: 'Xem', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Bốn số này không khớp với số điện thoại của người nộp.' }).waitFor();
      await digits.getByLabel('Bốn số cuối số điện thoại của người nộp').fill(APPLICANT.phone.slice(-4));
      // The button may still carry its leaving "loading" icon: its name ends with "Xem".
      await digits.getByRole('button', { name: /Xem$/ }).click();
      await card.locator('.applicant-name', { hasText: APPLICANT.name }).waitFor();
      await axe.scan(page, 'tracking');
      await shot(page, 'dossiers-tracking-laptop.png', true);

      // The overdue dossier: its due date passed and marked.
      await page.goto(`${platform.baseUrl}/tra-cuu/${overdueCode}`);
      const overdue = await textOf(page.locator('.detail-card').first());
      expect(overdue).toContain('02/10/2026');
      expect(overdue).toContain('Quá hạn');
      expect(overdue).toContain('P.V.Đ.');
      // An unknown code.
      await page.goto(`${platform.baseUrl}/tra-cuu/${AGENCY}-261001-0099`);
      await page.getByRole('alert').filter({ hasText: `Không có hồ sơ mã ${AGENCY}-261001-0099` }).waitFor();
    });
    axe.expectNone();
  });

  it('lets a citizen signed in with a level-1 e-ID account file online on a phone, the registry fields locked', async () => {
    const axe = new AxeFindings();
    const { ctx } = platform;
    // Hoa lives in Xã Cẩm Giang; she applies for a level-1 account online, the commune police approve
    // it and she activates it with the code sent by SMS (read from the outbox, not yet delivered).
    await addCitizen(ctx, {
      pin: HOA.pin,
      fullName: HOA.name,
      dateOfBirth: '1990-05-12',
      sex: 'female',
      ethnicity: 'Kinh',
      permanentResidence: { unitCode: '10888', unitDate: '2025-07-01', addressLine: 'Số 12, thôn Hoàng Đào', since: '2015-03-01' },
      phone: HOA.phone,
      identityCard: { number: HOA.pin, issuedOn: '2021-04-01', expiresOn: '2030-05-12', chip: true },
    });
    await addStaff(ctx, { username: 'congan.camgiang', role: 'COMMUNE_POLICE', unitCode: '10888', unitDate: '2025-07-01', displayName: 'Công an xã Cẩm Giang' });
    // Paying a traffic fine needs only level 1 (Decree 69/2024/NĐ-CP).
    await deployService(ctx.db, 'P.000008', '10888', '2025-07-01', CLI);
    await addEidAccount(platform, { pin: HOA.pin, fullName: HOA.name, dateOfBirth: '1990-05-12', sex: 'female', phone: HOA.phone }, HOA.password, 'congan.camgiang');

    await withPage(browser, PHONE, async (page) => {
      await page.goto(`${platform.baseUrl}/services/P.000008`);
      await page.getByRole('link', { name: 'Đăng nhập bằng tài khoản định danh điện tử' }).click();
      await page.waitForURL((u) => u.pathname === '/eid/sign-in' && u.searchParams.get('next') === '/services/P.000008/file');
      await page.getByLabel('Số định danh cá nhân').fill(HOA.pin);
      await page.getByLabel('Mật khẩu').fill(HOA.password);
      await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/services/P.000008/file');
      await page.getByText(`Bạn nộp hồ sơ trực tuyến với tài khoản định danh điện tử của ${HOA.name} (mức độ 1).`).waitFor();
      expect(await page.getByLabel('Nơi nộp hồ sơ (mã xã, phường)').inputValue()).toBe('10888');

      // What the registry holds is shown locked: the name from the account, the rest filled in on filing.
      const applicant = page.getByRole('group', { name: 'Người nộp hồ sơ' });
      const name = applicant.getByLabel('Họ, chữ đệm và tên');
      expect(await name.isDisabled()).toBe(true);
      expect(await name.inputValue()).toBe(HOA.name);
      const pin = applicant.getByLabel('Số định danh cá nhân');
      expect(await pin.isDisabled()).toBe(true);
      expect(await pin.getAttribute('placeholder')).toBe('Điền tự động khi nộp');
      expect(await applicant.getByText('Lấy từ Cơ sở dữ liệu quốc gia về dân cư, không sửa được.').count()).toBeGreaterThanOrEqual(6);
      await page.getByLabel('Số quyết định xử phạt').fill('1234/QĐ-XPVPHC');
      await page.getByLabel('Biển số xe').fill('34a-123.45');
      await page.getByLabel('Biển số xe').blur();
      await page.getByText('Nhập theo dạng: 30A-123.45.').waitFor();
      await page.getByLabel('Biển số xe').fill('34A-123.45');
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'online form on a phone');
      await shot(page, 'dossiers-online-phone.png');

      await page.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();
      const receipt = page.locator('.receipt-card');
      const title = await textOf(receipt.getByRole('heading', { level: 2 }));
      const online = /^Đã nộp hồ sơ (H31\.10888-\d{6}-\d{4})$/.exec(title)![1]!;
      const text = await textOf(receipt);
      expect(text).toContain('Mới nộp, chờ tiếp nhận');
      expect(text).toMatch(/Lấy từ CSDL dân cư: [67] trường/);
      expect(await receipt.getByRole('link', { name: 'Mở hồ sơ' }).count()).toBe(0);
      expect(await receipt.getByRole('button', { name: 'Tiếp nhận và lập giấy hẹn (mẫu 01)' }).count()).toBe(0);
      await axe.scan(page, 'online receipt on a phone');
      await shot(page, 'dossiers-online-receipt-phone.png');
      // Filed online in Hoa's name, with the registry's values.
      const row = await dossierByCode(ctx.db.as<DossiersTables>(), online);
      expect(row!.channel).toBe('online');
      expect(row!.applicant_pin).toBe(HOA.pin);
      expect(JSON.parse(row!.form_data)).toMatchObject({ applicant: { fullName: HOA.name, pin: HOA.pin, sex: 'female', phone: HOA.phone }, decisionNumber: '1234/QĐ-XPVPHC', plateNumber: '34A-123.45' });

      // A level-2 procedure: she is told before filling anything in.
      await page.goto(`${platform.baseUrl}/services/1.004194/file`);
      await page.getByText('Thủ tục này cần tài khoản định danh điện tử mức độ 2; tài khoản của bạn đang ở mức độ 1.').waitFor();
      expect(await page.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).count()).toBe(0);
      expect(await page.getByRole('group', { name: 'Người nộp hồ sơ' }).count()).toBe(0);
      await axe.scan(page, 'level too low on a phone');
    });
    axe.expectNone();
  });

  it('looks right on a 360×740 phone (screenshots in var/screenshots)', async () => {
    const axe = new AxeFindings();
    await withPage(browser, PHONE, async (page) => {
      await page.goto(`${platform.baseUrl}/services`);
      await page.getByRole('heading', { level: 2, name: '27 thủ tục' }).waitFor();
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'catalog on a phone');
      await shot(page, 'dossiers-catalog-phone.png');

      await page.goto(`${platform.baseUrl}/tra-cuu/${code}`);
      await page.locator('.dossier-timeline').waitFor();
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'tracking on a phone');
      await shot(page, 'dossiers-tracking-phone.png', true);

      await signIn(page, 'canbo.camgiang', '/services/1.004194/file');
      await page.getByRole('group', { name: 'Người nộp hồ sơ' }).waitFor();
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'filing form on a phone');
      await shot(page, 'dossiers-filing-phone.png');
      await shot(page, 'dossiers-filing-phone-full.png', true);

      // Filing on behalf of a citizen who is present: desk, equipment and consent recorded.
      await page.goto(`${platform.baseUrl}/services/P.000008/file`);
      await page.getByLabel('Nộp thay (có hỗ trợ)').check();
      await page.getByText('Người hỗ trợ: Bộ phận một cửa xã Cẩm Giang (canbo.camgiang)').waitFor();
      await page.getByLabel('Quầy hoặc điểm hỗ trợ').fill('Quầy số 2, bộ phận một cửa');
      await page.getByLabel('Thiết bị sử dụng (nhãn thiết bị)').fill('MT-02');
      const applicant = page.getByRole('group', { name: 'Người nộp hồ sơ' });
      await applicant.getByLabel('Họ, chữ đệm và tên').fill('Phạm Thị Nga');
      await applicant.getByLabel('Số định danh cá nhân').fill('031165000321');
      await applicant.getByLabel('Ngày sinh').fill('1965');
      await applicant.getByLabel('Nữ', { exact: true }).check();
      await applicant.getByLabel('Số điện thoại').fill('0903111222');
      await page.getByLabel('Số quyết định xử phạt').fill('88/QĐ-XPVPHC');
      await page.getByLabel('Biển số xe').fill('34B1-567.89');
      await page.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();
      // Without the citizen's consent nothing is sent.
      await page.getByText('Cần đánh dấu xác nhận.').waitFor();
      await page.getByLabel(/^Công dân có mặt và đồng ý/).check();
      await page.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();
      const behalf = /^Đã nộp hồ sơ (H31\.10888-\d{6}-\d{4})$/.exec(await textOf(page.locator('.receipt-card').getByRole('heading', { level: 2 })))![1]!;
      await expectNoSideScroll(page, PHONE);
      await page.goto(`${platform.baseUrl}/dossiers/${behalf}`);
      const facts = await textOf(page.locator('.dossier-facts'));
      expect(facts).toContain('Nộp thay (có hỗ trợ) · Được nộp thay');
      expect(facts).toContain('canbo.camgiang tại Quầy số 2, bộ phận một cửa, thiết bị MT-02; đồng ý: Ký giấy xác nhận');

      await page.goto(`${platform.baseUrl}/dossiers`);
      await page.locator('.queue-table tbody tr', { hasText: code }).waitFor();
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'queue on a phone');
      await shot(page, 'dossiers-queue-phone.png', true);

      await page.goto(`${platform.baseUrl}/dossiers/${code}`);
      await page.locator('.dossier-timeline').waitFor();
      await page.locator('.dossier-facts .unit-place', { hasText: 'Xã Cẩm Giang' }).waitFor();
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'dossier on a phone');
      await shot(page, 'dossiers-dossier-phone.png');
      await shot(page, 'dossiers-dossier-phone-full.png', true);

      // English on the phone.
      await page.locator('.lang-switch .ant-segmented-item', { hasText: 'EN' }).click();
      await page.getByRole('heading', { level: 1, name: `Dossier ${code}` }).waitFor();
      expect(await textOf(page.locator('.dossier-timeline'))).toContain('Return the result');
      await axe.scan(page, 'dossier in English on a phone');
      await shot(page, 'dossiers-dossier-phone-en.png');
      // The procedure by its English name from the catalog, on the dossier and in the queue.
      const factsEn = await textOf(page.locator('.dossier-facts'));
      expect(factsEn).toContain('Temporary residence registration');
      expect(factsEn).not.toContain(TEMPORARY_RESIDENCE);
      const unitEn = page.locator('.dossier-facts .ant-descriptions-item', { hasText: 'Receiving unit' }).locator('.ant-descriptions-item-content');
      expect(await textOf(unitEn)).toBe('Xã Cẩm Giang (10888)');
      await page.goto(`${platform.baseUrl}/dossiers`);
      const rowEn = await textOf(page.locator('.queue-table tbody tr', { hasText: code }));
      expect(rowEn).toContain('Temporary residence registration');
      expect(rowEn).not.toContain(TEMPORARY_RESIDENCE);
    });
    axe.expectNone();
  });
});

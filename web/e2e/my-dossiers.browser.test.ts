/**
 * "My dossiers" of a citizen in a real browser (Debian's Chromium) against the whole platform with
 * the 2025 unit list: Trần Thị Lan of Xã Cẩm Giang (GSO 10888, Thành phố Hải Phòng) holds a
 * level-1 e-ID account (applied online, approved by the commune police, activated). In order:
 * - on a 360×640 phone she pays a camera-detected traffic fine online (P.000008, level 1) and
 *   finds the dossier under "Hồ sơ của tôi" in the menu;
 * - the commune's one-stop officer receives it and returns it for completion (form 02);
 * - on a laptop she sees it flagged in her list, opens it: what was asked, the clock, form 02;
 * - on the phone she resubmits with a scan, a corrected number plate and a note: the dossier is
 *   received again, the timeline shows her resubmission, the flag is gone; in English too;
 * - the officer sees her resubmission on the dossier's timeline.
 * Accessibility (axe-core: no serious or critical violation) on each page state, no sideways
 * scrolling on the phone, screenshots in `var/screenshots/my-dossiers-*.png`. The tests run in
 * order and build on each other.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { dossierEnv, saveAgency } from '../../src/dossiers/index.js';
import { dossierByCode, eventsOf, type DossiersTables } from '../../src/dossiers/store.js';
import { deployService } from '../../src/services/index.js';
import { importUnitList } from '../../src/units/index.js';
import {
  addCitizen,
  addEidAccount,
  addStaff,
  AxeFindings,
  signInCitizen,
  signInStaff,
  takeDossierAction,
  textOf,
  withPage,
  type Platform,
  type Viewport,
  LAPTOP,
  TINY_PNG,
  UNIT_LIST_2025,
  shot,
  expectNoSideScroll,
  startUiSuite,
} from './harness.js';

const PHONE = { width: 360, height: 640 };
const CLI = { kind: 'cli' as const, id: 'e2e' };
const FINE = 'Thu tiền nộp phạt vi phạm hành chính trong lĩnh vực giao thông đường bộ qua thiết bị ghi hình (phạt nguội)';
const FINE_EN = 'Payment of road-traffic fines detected by camera';
const ASKED = 'Bổ sung ảnh chụp quyết định xử phạt số 5678/QĐ-XPVPHC; biển số xe ghi trong tờ khai không khớp với quyết định.';
// A citizen of Xã Cẩm Giang with a chip card (female, born 1990, registered in Hải Phòng 031).
const LAN = { name: 'Trần Thị Lan', pin: '031190004567', phone: '0987654321', password: 'Lan-Cam-Giang-2026' };
const PNG = TINY_PNG;

let platform: Platform;
let browser: Browser;
/** Lan's dossier, filed online in the first test. */
let code = '';
let accountId = 0;

beforeAll(async () => {
  ({ platform, browser } = await startUiSuite());
  const { ctx } = platform;
  await importUnitList(ctx.db, UNIT_LIST_2025, { validFrom: '2025-07-01', source: 'Quyết định 19/2025/QĐ-TTg', actor: CLI });
  await addStaff(ctx, { username: 'canbo.camgiang', role: 'COMMUNE_OFFICER', unitCode: '10888', unitDate: '2025-07-01', displayName: 'Bộ phận một cửa xã Cẩm Giang' });
  await addStaff(ctx, { username: 'congan.camgiang', role: 'COMMUNE_POLICE', unitCode: '10888', unitDate: '2025-07-01', displayName: 'Công an xã Cẩm Giang' });
  await saveAgency(dossierEnv(ctx), '10888', { agencyCode: 'H31.10888', nameVi: 'Trung tâm Phục vụ hành chính công xã Cẩm Giang', headTitle: 'Chủ tịch UBND xã Cẩm Giang' }, CLI);
  // Paying a traffic fine needs only a level-1 account (Decree 69/2024/NĐ-CP).
  await deployService(ctx.db, 'P.000008', '10888', '2025-07-01', CLI);
  await addCitizen(ctx, {
    pin: LAN.pin,
    fullName: LAN.name,
    dateOfBirth: '1990-08-20',
    sex: 'female',
    ethnicity: 'Kinh',
    permanentResidence: { unitCode: '10888', unitDate: '2025-07-01', addressLine: 'Số 4, thôn Phú Lộc', since: '2016-05-10' },
    phone: LAN.phone,
    identityCard: { number: LAN.pin, issuedOn: '2021-06-15', expiresOn: '2030-08-20', chip: true },
  });
  accountId = await addEidAccount(platform, { pin: LAN.pin, fullName: LAN.name, dateOfBirth: '1990-08-20', sex: 'female', phone: LAN.phone }, LAN.password, 'congan.camgiang');
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});



const card = (page: Page) => page.locator('.mine-card', { has: page.getByRole('link', { name: code, exact: true }) });

describe('my dossiers', () => {
  it('sends someone not signed in to the citizen sign-in page', async () => {
    await withPage(browser, PHONE, async (page) => {
      await page.goto(`${platform.baseUrl}/ho-so-cua-toi`);
      await page.waitForURL((u) => u.pathname === '/eid/sign-in' && u.searchParams.get('next') === '/ho-so-cua-toi');
    });
  });

  it('lets the citizen file online on a phone and find the dossier under "Hồ sơ của tôi"', async () => {
    const axe = new AxeFindings();
    await withPage(browser, PHONE, async (page) => {
      await signInCitizen(page, platform.baseUrl, LAN.pin, LAN.password, '/services/P.000008/file');
      await page.getByLabel('Số quyết định xử phạt').fill('5678/QĐ-XPVPHC');
      await page.getByLabel('Biển số xe').fill('34A-123.45');
      await page.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();
      const title = await textOf(page.locator('.receipt-card').getByRole('heading', { level: 2 }));
      code = /^Đã nộp hồ sơ (H31\.10888-\d{6}-\d{4})$/.exec(title)![1]!;

      // The menu (a drawer on a phone) has her dossiers.
      await page.getByRole('button', { name: 'Mở menu' }).click();
      await page.getByRole('dialog').getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Hồ sơ của tôi', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/ho-so-cua-toi');
      await page.getByRole('heading', { level: 1, name: 'Hồ sơ của tôi' }).waitFor();
      await page.getByRole('heading', { level: 2, name: '1 hồ sơ' }).waitFor();
      const text = await textOf(card(page));
      expect(text).toContain(FINE);
      expect(text).toContain('(P.000008)');
      expect(text).toContain('Mới nộp, chờ tiếp nhận');
      expect(text).toContain('Trực tuyến');
      expect(text).toContain('Có khi hồ sơ được tiếp nhận');
      expect(await card(page).locator('.mine-awaited').count()).toBe(0);
      expect(await page.locator('.mine-awaiting').count()).toBe(0);
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'my dossiers, just filed, on a phone');
      await shot(page, 'my-dossiers-filed-phone.png');
    });
    axe.expectNone();
  });

  it('lets the officer receive it and return it for completion', async () => {
    await withPage(browser, LAPTOP, async (page) => {
      await signInStaff(page, platform.baseUrl, 'canbo.camgiang', `/dossiers/${code}`);
      await takeDossierAction(page, 'Tiếp nhận', 'Đã tiếp nhận');
      await takeDossierAction(page, 'Yêu cầu bổ sung', 'Yêu cầu bổ sung, hoàn thiện', (d) => d.getByLabel('Giấy tờ, nội dung cần bổ sung').fill(ASKED));
    });
  });

  it('shows her the dossier flagged on a laptop, and on its page what was asked, the clock and form 02', async () => {
    const axe = new AxeFindings();
    const row = (await dossierByCode(platform.ctx.db.as<DossiersTables>(), code))!;
    expect(row).toMatchObject({ state: 'returned_for_completion', applicant_account: accountId });
    await withPage(browser, LAPTOP, async (page) => {
      await signInCitizen(page, platform.baseUrl, LAN.pin, LAN.password, '/ho-so-cua-toi');
      await page.getByRole('alert').filter({ hasText: 'Có 1 hồ sơ đang chờ bạn bổ sung, hoàn thiện.' }).waitFor();
      const text = await textOf(card(page));
      expect(text).toContain('Yêu cầu bổ sung, hoàn thiện');
      expect(text).toContain('Chờ bạn bổ sung hồ sơ');
      expect(text).toContain('Tạm dừng tính thời hạn');
      // The due date of the receipt, as dd/mm/yyyy.
      expect(text).toContain(row.due_date!.split('-').reverse().join('/'));
      await axe.scan(page, 'my dossiers, one awaited, on a laptop');
      await shot(page, 'my-dossiers-awaited-laptop.png');

      await page.getByRole('link', { name: `Bổ sung hồ sơ ${code}` }).click();
      await page.waitForURL((u) => u.pathname === `/dossiers/${code}`);
      await page.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
      const supplement = page.locator('.supplement-card');
      await supplement.getByRole('heading', { level: 2, name: 'Yêu cầu bổ sung, hoàn thiện hồ sơ' }).waitFor();
      const asked = await textOf(supplement.locator('.supplement-request'));
      expect(asked).toContain('cơ quan tiếp nhận đề nghị bạn bổ sung, hoàn thiện hồ sơ:');
      expect(asked).toContain(ASKED);
      // The clock stopped with the working days left of a same-day procedure: none on a working day, one when returned on a day off before it.
      const left = row.paused_remaining!;
      expect(await textOf(supplement.locator('.supplement-clock'))).toBe(
        left > 0 ? `Thời hạn giải quyết đang tạm dừng: còn ${left} ngày làm việc, tính tiếp từ khi bạn nộp bổ sung.` : 'Thời hạn giải quyết đang tạm dừng: khi bạn nộp bổ sung, hồ sơ được giải quyết trong ngày làm việc.',
      );
      // The officer's actions are not hers; the way back is to her list.
      expect(await page.locator('.action-buttons').count()).toBe(0);
      await page.locator('.trail').getByRole('link', { name: 'Hồ sơ của tôi' }).waitFor();
      const [form02] = await Promise.all([page.waitForEvent('download'), supplement.getByRole('button', { name: 'Phiếu yêu cầu bổ sung, hoàn thiện (mẫu 02)' }).click()]);
      expect(form02.suggestedFilename()).toBe(`${code}-mau-02.pdf`);
      expect(fs.readFileSync(await form02.path()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      await axe.scan(page, 'supplement request on a laptop');
      await shot(page, 'my-dossiers-supplement-laptop.png', true);
    });
    axe.expectNone();
  });

  it('lets her resubmit on a phone with a scan, a corrected plate and a note; the timeline shows it and the flag goes', async () => {
    const axe = new AxeFindings();
    await withPage(browser, PHONE, async (page) => {
      await signInCitizen(page, platform.baseUrl, LAN.pin, LAN.password, '/ho-so-cua-toi');
      await card(page).locator('.mine-awaited').waitFor();
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'my dossiers, one awaited, on a phone');
      await shot(page, 'my-dossiers-awaited-phone.png');

      await card(page).getByRole('link', { name: `Bổ sung hồ sơ ${code}` }).click();
      const supplement = page.locator('.supplement-card');
      await supplement.locator('.supplement-reason', { hasText: ASKED }).waitFor();
      // Nothing handed in: nothing is sent.
      await supplement.getByRole('button', { name: 'Nộp bổ sung', exact: true }).click();
      await supplement.getByRole('status').filter({ hasText: 'Hãy đính kèm giấy tờ, sửa tờ khai hoặc ghi chú nội dung bạn đã bổ sung.' }).waitFor();
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'supplement request on a phone');
      await shot(page, 'my-dossiers-supplement-phone.png');

      await supplement.locator('#resubmit-file-0').setInputFiles({ name: 'quyet-dinh-5678.png', mimeType: 'image/png', buffer: PNG });
      await supplement.getByText('Sửa nội dung tờ khai').click();
      const plate = supplement.getByLabel('Biển số xe');
      expect(await plate.inputValue()).toBe('34A-123.45');
      // What the registry holds stays locked, with its value.
      const applicant = supplement.getByRole('group', { name: 'Người nộp hồ sơ' });
      const name = applicant.getByLabel('Họ, chữ đệm và tên');
      expect(await name.isDisabled()).toBe(true);
      expect(await name.inputValue()).toBe(LAN.name);
      expect(await applicant.getByLabel('Giới tính').inputValue()).toBe('Nữ');
      expect(await applicant.getByLabel('Ngày sinh').inputValue()).toBe('20/08/1990');
      // Her files go with the resubmission: the attachments card offers no upload of its own meanwhile.
      expect(await page.locator('.attach-new').count()).toBe(0);
      await plate.fill('34A-678.90');
      await supplement.getByLabel('Ghi chú cho cán bộ tiếp nhận (không bắt buộc)').fill('Đã tải ảnh quyết định xử phạt và sửa biển số xe.');
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'resubmission filled in on a phone');
      await shot(page, 'my-dossiers-resubmit-phone-full.png', true);
      await supplement.getByRole('button', { name: 'Nộp bổ sung', exact: true }).click();

      await page.getByRole('status').filter({ hasText: 'Đã nộp bổ sung. Hồ sơ chuyển sang trạng thái: Đã tiếp nhận.' }).waitFor();
      await page.locator('h1 .dossier-state', { hasText: 'Đã tiếp nhận' }).waitFor();
      expect(await page.locator('.supplement-card').count()).toBe(0);
      await page.getByText('Hồ sơ đang do cơ quan có thẩm quyền giải quyết; bạn sẽ nhận được tin nhắn khi hồ sơ có thay đổi.').waitFor();
      const events = await page.locator('.dossier-timeline .event-title strong').allTextContents();
      expect(events).toEqual(['Đã nhận bổ sung', 'Yêu cầu bổ sung', 'Tiếp nhận', 'Nộp hồ sơ']);
      const latest = await textOf(page.locator('.dossier-timeline .event').first());
      expect(latest).toContain('→ Đã tiếp nhận');
      expect(latest).toContain('bởi công dân (tài khoản định danh)');
      expect(latest).not.toContain(`eid:${accountId}`);
      expect(latest).toContain('Ghi chú: Đã tải ảnh quyết định xử phạt và sửa biển số xe.');
      await page.getByRole('button', { name: /^quyet-dinh-5678\.png/ }).waitFor();
      expect(await textOf(page.locator('.data-view').first())).toContain('34A-678.90');
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'resubmitted dossier on a phone');
      await shot(page, 'my-dossiers-resubmitted-phone.png');

      // Stored: the new plate, the registry's name kept, the clock running again.
      const row = (await dossierByCode(platform.ctx.db.as<DossiersTables>(), code))!;
      expect(row).toMatchObject({ state: 'received', paused_at: null, resume_state: null });
      expect(JSON.parse(row.form_data)).toMatchObject({ plateNumber: '34A-678.90', decisionNumber: '5678/QĐ-XPVPHC', applicant: { fullName: LAN.name, pin: LAN.pin } });
      const last = (await eventsOf(platform.ctx.db.as<DossiersTables>(), row.id)).at(-1)!;
      expect(last).toMatchObject({ action: 'resubmit', actor_kind: 'citizen', actor_id: `eid:${accountId}`, from_state: 'returned_for_completion', to_state: 'received' });
      expect(JSON.parse(last.data)).toMatchObject({ formDataReplaced: true });

      // Back in her list: nothing awaits her.
      await page.locator('.trail').getByRole('link', { name: 'Hồ sơ của tôi' }).click();
      await page.waitForURL((u) => u.pathname === '/ho-so-cua-toi');
      await card(page).getByText('Đã tiếp nhận').waitFor();
      expect(await page.locator('.mine-awaiting').count()).toBe(0);
      expect(await card(page).locator('.mine-awaited').count()).toBe(0);

      // In English.
      await page.locator('.lang-switch .ant-segmented-item', { hasText: 'EN' }).click();
      await page.getByRole('heading', { level: 1, name: 'My dossiers' }).waitFor();
      const english = await textOf(card(page));
      expect(english).toContain(FINE_EN);
      expect(english).toContain('Received');
      expect(english).toContain('Online');
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'my dossiers in English on a phone');
      await shot(page, 'my-dossiers-en-phone.png');
    });
    axe.expectNone();
  });

  it('shows the officer her resubmission on the timeline', async () => {
    const axe = new AxeFindings();
    await withPage(browser, LAPTOP, async (page) => {
      await signInStaff(page, platform.baseUrl, 'canbo.camgiang', `/dossiers/${code}`);
      await page.locator('h1 .dossier-state', { hasText: 'Đã tiếp nhận' }).waitFor();
      const latest = await textOf(page.locator('.dossier-timeline .event').first());
      expect(latest).toContain('Đã nhận bổ sung');
      expect(latest).toContain('bởi công dân (tài khoản định danh)');
      expect(latest).not.toContain(`eid:${accountId}`);
      expect(await page.locator('.action-buttons').getByRole('button', { name: 'Chuyển xử lý', exact: true }).count()).toBe(1);
      await axe.scan(page, 'resubmitted dossier, the officer');
      await shot(page, 'my-dossiers-officer-laptop.png', true);
    });
    axe.expectNone();
  });
});

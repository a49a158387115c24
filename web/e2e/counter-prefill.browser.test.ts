/**
 * The counter's pre-fill from the national population database, in a real browser (Debian's
 * Chromium) against the whole platform with the 2025 unit list. People generated the way the demo
 * population is live in Xã Cẩm Giang (GSO 10888); the commune's one-stop officer files a dossier
 * (payment of a traffic fine, P.000008) for one of them standing at the counter:
 * - a malformed number is said on the page; a person of another commune is "not found" in words,
 *   after the purpose was confirmed in the population pages' dialog;
 * - the real person's number fills the applicant fields from the registry, marked as such and
 *   still editable; a field the officer corrects loses the mark, the others keep it; the dossier is filed and its receipt names the person; the lookup is in the
 *   audit log with the officer, the purpose and the service;
 * - the same on a phone (390×844); screenshots on both (`var/screenshots/counter-prefill-*.png`),
 *   nothing scrolls sideways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { dossierEnv, saveAgency } from '../../src/dossiers/index.js';
import { dossierByCode, type DossiersTables } from '../../src/dossiers/store.js';
import { auditEntriesFor } from '../../src/platform/audit/audit.js';
import type { CitizenInput } from '../../src/population/index.js';
import { generatePopulation } from '../../src/population/generator.js';
import { deployService } from '../../src/services/index.js';
import { importUnitList } from '../../src/units/index.js';
import { addCitizen, addStaff, AxeFindings, expectNoSideScroll, LAPTOP, SCREENSHOTS, shot, signInStaff, textOf, UNIT_LIST_2025, withPage, type Platform, type Viewport, startUiSuite } from './harness.js';

const PHONE: Viewport = { width: 390, height: 844 };
const CLI = { kind: 'cli' as const, id: 'e2e' };
const SERVICE = 'P.000008';

let platform: Platform;
let browser: Browser;
/** Adults of Xã Cẩm Giang with a phone number, generated (seed 2026) and registered. */
let people: CitizenInput[] = [];
/** A person of Xã Cẩm Giàng (10903), outside the officer's unit. */
let outsider: CitizenInput;
const axe = new AxeFindings();

beforeAll(async () => {
  ({ platform, browser } = await startUiSuite());
  const { ctx } = platform;
  await importUnitList(ctx.db, UNIT_LIST_2025, { validFrom: '2025-07-01', source: 'Quyết định 19/2025/QĐ-TTg', actor: CLI });
  await addStaff(ctx, { username: 'canbo.camgiang', role: 'COMMUNE_OFFICER', unitCode: '10888', unitDate: '2025-07-01', displayName: 'Bộ phận một cửa xã Cẩm Giang' });
  await saveAgency(dossierEnv(ctx), '10888', { agencyCode: 'H31.10888', nameVi: 'Trung tâm Phục vụ hành chính công xã Cẩm Giang', headTitle: 'Chủ tịch UBND xã Cẩm Giang' }, CLI);
  await deployService(ctx.db, SERVICE, '10888', '2025-07-01', CLI);
  const generated = [...generatePopulation({ communes: [{ code: '10888', districtCode: null, provinceCode: '31' }], count: 40, seed: 2026, referenceDate: '2025-07-01' })];
  people = generated.filter((c) => c.phone && c.dateOfBirth < '2000').slice(0, 2);
  expect(people).toHaveLength(2);
  for (const c of people) await addCitizen(ctx, c);
  outsider = [...generatePopulation({ communes: [{ code: '10903', districtCode: null, provinceCode: '31' }], count: 1, seed: 7, referenceDate: '2025-07-01' })][0]!;
  await addCitizen(ctx, outsider);
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

/** Types the number and fetches; the first time, confirms the purpose (Giải quyết hồ sơ, proposed) in the dialog. */
async function fetchFromRegistry(page: Page, pin: string, confirmPurpose: boolean): Promise<void> {
  const box = page.locator('.registry-lookup');
  await box.getByLabel('Số định danh cá nhân của công dân').fill(pin);
  await box.getByRole('button', { name: 'Lấy thông tin' }).click();
  if (confirmPurpose) {
    const dialog = page.getByRole('dialog', { name: 'Mục đích khai thác thông tin' });
    await dialog.getByTitle('Giải quyết hồ sơ thủ tục hành chính').waitFor();
    await dialog.getByRole('button', { name: 'Xác nhận' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }
}

/** Files the dossier with the rest of the form and returns the receipt's code and text. */
async function fileIt(page: Page, plate: string): Promise<{ code: string; text: string }> {
  await page.getByLabel('Số quyết định xử phạt').fill('1234/QĐ-XPVPHC');
  await page.getByLabel('Biển số xe').fill(plate);
  await page.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();
  const receipt = page.locator('.receipt-card');
  const m = /^Đã nộp hồ sơ (H31\.10888-\d{6}-\d{4})$/.exec(await textOf(receipt.getByRole('heading', { level: 2 })));
  expect(m).not.toBeNull();
  return { code: m![1]!, text: await textOf(receipt) };
}

describe('counter pre-fill from the national population database', () => {
  it('fills the applicant from the registry for an officer at the counter, editable, and files the dossier in that name (laptop)', async () => {
    const person = people[0]!;
    await withPage(browser, LAPTOP, async (page) => {
      await signInStaff(page, platform.baseUrl, 'canbo.camgiang', `/services/${SERVICE}/file`);
      const box = page.locator('.registry-lookup');
      await box.getByRole('heading', { name: 'Lấy thông tin từ CSDL quốc gia về dân cư' }).waitFor();
      const applicant = page.getByRole('group', { name: 'Người nộp hồ sơ' });
      await applicant.waitFor();

      // A malformed number is said on the page, nothing is sent.
      await box.getByLabel('Số định danh cá nhân của công dân').fill('03119000123');
      await box.getByRole('button', { name: 'Lấy thông tin' }).click();
      await box.getByText('Số định danh cá nhân gồm đúng 12 chữ số.').waitFor();

      // A person of another commune: the purpose is asked for first, then "not found", in words.
      await fetchFromRegistry(page, outsider.pin, true);
      await box.getByText('Không tìm thấy công dân trong phạm vi quản lý của bạn.').waitFor();
      expect(await applicant.getByLabel('Họ, chữ đệm và tên').inputValue()).toBe('');

      // The citizen at the counter: the purpose holds, the fields are filled from the registry.
      await fetchFromRegistry(page, person.pin, false);
      const done = box.getByRole('status').filter({ hasText: `cho công dân ${person.fullName}.` });
      await done.waitFor();
      expect(await textOf(done)).toContain('Đã điền: Họ, chữ đệm và tên; Số định danh cá nhân; Ngày sinh; Giới tính; Số điện thoại');
      await expect.poll(() => applicant.getByLabel('Họ, chữ đệm và tên').inputValue()).toBe(person.fullName);
      expect(await applicant.getByLabel('Số định danh cá nhân').inputValue()).toBe(person.pin);
      expect(await applicant.getByLabel('Số điện thoại').inputValue()).toBe(person.phone);
      expect(await applicant.getByLabel(person.sex === 'female' ? 'Nữ' : 'Nam', { exact: true }).isChecked()).toBe(true);
      expect(await applicant.getByLabel('Nơi thường trú').inputValue()).toMatch(/Xã Cẩm Giang, Thành phố Hải Phòng$/);
      // Marked as from the registry, and not locked: the officer may correct it at the counter.
      expect(await applicant.locator('.schema-from-registry').count()).toBeGreaterThanOrEqual(5);
      await applicant.getByText('Lấy từ CSDL quốc gia về dân cư, sửa được nếu giấy tờ khác').first().waitFor();
      expect(await applicant.getByLabel('Họ, chữ đệm và tên').isEditable()).toBe(true);
      // A field the officer corrects no longer holds the registry's value: its mark goes, the others keep theirs.
      const HINT = 'Lấy từ CSDL quốc gia về dân cư, sửa được nếu giấy tờ khác';
      const itemOf = (label: string) => applicant.locator('.ant-form-item', { has: page.getByLabel(label) });
      const marked = await applicant.locator('.schema-from-registry').count();
      expect(await textOf(itemOf('Số điện thoại'))).toContain(HINT);
      await applicant.getByLabel('Số điện thoại').fill('0912000111');
      await expect.poll(() => applicant.locator('.schema-from-registry').count()).toBe(marked - 1);
      expect(await textOf(itemOf('Số điện thoại'))).not.toContain(HINT);
      expect(await itemOf('Số điện thoại').getAttribute('class')).not.toContain('schema-from-registry');
      expect(await textOf(itemOf('Họ, chữ đệm và tên'))).toContain(HINT);
      expect(await textOf(itemOf('Số định danh cá nhân'))).toContain(HINT);
      await expectNoSideScroll(page, LAPTOP);
      await axe.scan(page, 'counter form filled from the registry (laptop)');
      await shot(page, 'counter-prefill-laptop.png');
      await shot(page, 'counter-prefill-laptop-full.png', true);

      const { code, text } = await fileIt(page, '34A-123.45');
      expect(text).toContain(`Người nộp hồ sơ${person.fullName}`);
      await shot(page, 'counter-prefill-receipt-laptop.png');
      const row = await dossierByCode(platform.ctx.db.as<DossiersTables>(), code);
      expect(row).toMatchObject({ channel: 'counter', applicant_name: person.fullName, applicant_pin: person.pin, applicant_phone: '0912000111', locked_fields: '[]' });
    });

    // The lookup in the audit log: the officer, the purpose, the service's form.
    const log = await auditEntriesFor(platform.ctx.db, { type: 'citizen', id: person.pin }, { offset: 0, limit: 10 });
    const read = log.items.find((e) => e.action === 'citizen.read');
    expect(read).toMatchObject({ actorId: 'canbo.camgiang', purposeCode: 'DOSSIER_PROCESSING' });
    expect(read!.summary).toContain(`form of ${SERVICE} v1`);
    const refused = await auditEntriesFor(platform.ctx.db, { type: 'citizen', id: outsider.pin }, { offset: 0, limit: 1 });
    expect(refused.items[0]).toMatchObject({ action: 'citizen.read-refused', actorId: 'canbo.camgiang' });
  });

  it('does the same on a phone, nothing scrolling sideways', async () => {
    const person = people[1]!;
    await withPage(browser, PHONE, async (page) => {
      await signInStaff(page, platform.baseUrl, 'canbo.camgiang', `/services/${SERVICE}/file`);
      const applicant = page.getByRole('group', { name: 'Người nộp hồ sơ' });
      await applicant.waitFor();
      await fetchFromRegistry(page, person.pin, true);
      await page.locator('.registry-lookup').getByRole('status').filter({ hasText: person.fullName }).waitFor();
      await expect.poll(() => applicant.getByLabel('Họ, chữ đệm và tên').inputValue()).toBe(person.fullName);
      await expectNoSideScroll(page, PHONE);
      await axe.scan(page, 'counter form filled from the registry (phone)');
      await shot(page, 'counter-prefill-phone.png');
      await applicant.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SCREENSHOTS}/counter-prefill-phone-form.png` });
      await shot(page, 'counter-prefill-phone-full.png', true);
      const { text } = await fileIt(page, '34B1-567.89');
      expect(text).toContain(person.fullName);
      await expectNoSideScroll(page, PHONE);
      await shot(page, 'counter-prefill-receipt-phone.png');
    });
    axe.expectNone();
  });
});

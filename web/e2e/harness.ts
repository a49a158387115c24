/**
 * Browser test harness: the built UI (rebuilt when missing or older than its sources), the whole
 * platform in-process on a random port over a fresh SQLite file, Debian's Chromium through
 * playwright-core, and an axe-core scan.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import axe from 'axe-core';
import { Secret, TOTP } from 'otpauth';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { build } from 'vite';
import { expect } from 'vitest';
import { buildHttp, openContext } from '../../src/app/app.js';
import { confirmStaffTotpEnrolment, createStaff, signInOrEnrolStaff, signOutStaff } from '../../src/identity/index.js';
import { makePng } from '../../src/identity/eid/testing/fixtures.js';
import { loadConfig } from '../../src/platform/config.js';
import type { StaffRole } from '../../src/platform/auth.js';
import type { Api, AppContext } from '../../src/platform/module.js';
import { createCitizen, type CitizenInput } from '../../src/population/index.js';
import { unitCodeExists, type UnitsTables } from '../../src/units/index.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const WEB = path.join(ROOT, 'web');
const DIST_INDEX = path.join(WEB, 'dist', 'index.html');
export const SCREENSHOTS = path.join(ROOT, 'var', 'screenshots');

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((name) => newestMtime(path.join(p, name))));
}

/** Builds the UI when `web/dist` is missing or older than any of its sources. */
export async function ensureUiBuilt(): Promise<void> {
  const sources = ['index.html', 'vite.config.ts', 'src', 'public'].map((p) => path.join(WEB, p)).filter((p) => fs.existsSync(p));
  const sourceTime = Math.max(...sources.map(newestMtime));
  if (fs.existsSync(DIST_INDEX) && fs.statSync(DIST_INDEX).mtimeMs >= sourceTime) return;
  console.info('web/dist is missing or stale: building the UI');
  // Vitest sets NODE_ENV=test, which Vite would follow and bundle React's development code.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(WEB, 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

export interface Platform {
  baseUrl: string;
  /** The running platform's context: tests call server functions with it (staff, citizens). */
  ctx: AppContext;
  stop(): Promise<void>;
}

/**
 * The platform listening on 127.0.0.1 at a random port, over a fresh temporary SQLite file, with
 * its data directory (uploads) in the same temporary directory. `env` adds or overrides settings,
 * e.g. `MOTCUA_SMS_SINK: 'file:…'` so that a test reads the SMS the outbox sends.
 */
export async function startPlatform(env: Record<string, string> = {}): Promise<Platform> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-e2e-'));
  const config = loadConfig({
    DATABASE_URL: `sqlite:${path.join(dir, 'e2e.sqlite')}`,
    PORT: '0',
    LOG_LEVEL: 'silent',
    MOTCUA_WEB_DIR: path.join(WEB, 'dist'),
    MOTCUA_DATA_DIR: path.join(dir, 'data'),
    MOTCUA_DEMO: 'off',
    ...env,
  });
  const ctx: AppContext = await openContext(config);
  const app: Api = await buildHttp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    ctx,
    async stop() {
      await app.close();
      await ctx.db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The password of the staff accounts tests create. */
/**
 * A suite of the single sign-on's pages: the built UI, a platform whose OpenID Connect issuer is
 * its own address (set once it listens, before the first request), a browser, and the screenshot
 * folder.
 */
export async function startSignOnSuite(): Promise<{ platform: Platform; browser: Browser }> {
  const suite = await startUiSuite({ LOG_LEVEL: 'error' });
  suite.platform.ctx.config.publicUrl = suite.platform.baseUrl;
  return suite;
}

/** A suite of the web UI's pages: the built UI, a platform (with `env` on top of the test defaults), a browser, and the screenshot folder. */
export async function startUiSuite(env: Record<string, string> = {}): Promise<{ platform: Platform; browser: Browser }> {
  await ensureUiBuilt();
  const platform = await startPlatform(env);
  const browser = await launchBrowser();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return { platform, browser };
}

export const STAFF_PASSWORD = 'Mot-cua-2023!';
const TEST_ACTOR = { kind: 'cli' as const, id: 'e2e' };

/** The authenticator apps of the staff accounts tests create: username → its TOTP (RFC 6238). */
const authenticators = new Map<string, TOTP>();
/** The last time step a code was given out for, by username: the platform accepts each code once. */
const lastSteps = new Map<string, number>();
const PERIOD_MS = 30_000;

/**
 * A code of the authenticator app of `username` (an account {@link addStaff} made) that the
 * platform has not seen yet: this 30-second step's, else the next one's (the platform accepts one
 * step of drift), else it waits for the clock to reach a step whose code is new.
 */
export async function staffOtp(username: string): Promise<string> {
  const totp = authenticators.get(username);
  if (!totp) throw new Error(`${username}: no authenticator (not made by addStaff)`);
  const now = Math.floor(Date.now() / PERIOD_MS);
  const step = Math.max(now, (lastSteps.get(username) ?? -1) + 1);
  lastSteps.set(username, step);
  // Codes of step S are accepted from step S − 1 on: wait until then.
  const wait = (step - 1) * PERIOD_MS - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait + 100));
  return totp.generate({ timestamp: step * PERIOD_MS });
}

/**
 * Creates a staff account directly in the platform (password {@link STAFF_PASSWORD}) with its
 * second factor set up as at a first sign-in (the secret shown, confirmed with a code; the session
 * that opens is ended), so that tests sign in with a code ({@link staffOtp}).
 */
export async function addStaff(ctx: AppContext, account: { username: string; role: StaffRole; unitCode: string | null; unitDate?: string; displayName?: string }): Promise<void> {
  // The test records are dated 2023-02-28: the accounts' units refer to that date.
  await createStaff(ctx.db, { unitDate: '2023-02-28', ...account, password: STAFF_PASSWORD }, TEST_ACTOR, (c) => unitCodeExists(ctx.db.as<UnitsTables>(), c));
  const started = await signInOrEnrolStaff(ctx.db, account.username, STAFF_PASSWORD, null, { totp: 'required' });
  if (!('enrolment' in started)) throw new Error(`${account.username}: no enrolment`);
  authenticators.set(account.username, new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(started.enrolment.secret) }));
  lastSteps.delete(account.username);
  const session = await confirmStaffTotpEnrolment(ctx.db, started.enrolment.token, await staffOtp(account.username), null);
  await signOutStaff(ctx.db, session.token);
}

/** Creates a citizen record directly in the registry (version 1, audited as the test). */
export async function addCitizen(ctx: AppContext, citizen: CitizenInput): Promise<void> {
  const result = await createCitizen(ctx.db, citizen, TEST_ACTOR);
  if (result.outcome !== 'created') throw new Error(`citizen ${citizen.pin} not created: ${result.outcome}`);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export type Viewport = { width: number; height: number };

/** The laptop every browser test looks at the pages on. */
export const LAPTOP: Viewport = { width: 1366, height: 768 };
/** The 2025 commune list in ../shared (read there, never copied). */
export const UNIT_LIST_2025 = path.join(ROOT, '..', 'shared', 'data', 'admin-units', 'post2025', 'vn-units-2level-2025-07-01.json');
/** A 1×1 PNG: a real image, accepted by its content. */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/**
 * Runs `use` on a page in a fresh context (no stored language), then closes it. Console errors
 * and uncaught exceptions of the page (CSP violations are console errors) fail the run, unless
 * `allowProblem` accepts them; API answers with an error status are not problems (the UI shows
 * them on purpose). When `use` fails, the page's problems are added to the error message.
 */
export async function withPage(
  browser: Browser,
  viewport: Viewport,
  use: (page: Page) => Promise<void>,
  allowProblem: (problem: string) => boolean = () => false,
): Promise<void> {
  const context: BrowserContext = await browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (m.text().startsWith('Failed to load resource') && new URL(m.location().url).pathname.startsWith('/api/v1/')) return;
    problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  try {
    await use(page);
  } catch (err) {
    if (err instanceof Error && problems.length > 0) err.message += `\nproblems in the page:\n${problems.join('\n')}`;
    throw err;
  } finally {
    await context.close();
  }
  const unexpected = problems.filter((p) => !allowProblem(p));
  if (unexpected.length > 0) throw new Error(`problems in the page:\n${unexpected.join('\n')}`);
}

/** Waits until no CSS transition or animation runs (drawers, spinners settle before a screenshot). */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.getAnimations().filter((a) => a.playState === 'running' && a.effect?.getTiming().iterations !== Infinity).length === 0);
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, so the page's CSP, which
 * forbids inline scripts, does not apply) and returns the violations.
 */
export async function axeScan(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axe.source);
  return page.evaluate(async () => {
    const w = window as unknown as { axe: typeof axe };
    const result = await w.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`),
    }));
  });
}

/** The text of a locator once it is there. */
export async function textOf(locator: Locator): Promise<string> {
  await locator.waitFor();
  return (await locator.textContent()) ?? '';
}

/** A screenshot into var/screenshots once the page stands still. */
export async function screenshot(page: Page, file: string, fullPage = false): Promise<void> {
  await settled(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, file), fullPage });
}

/** A screenshot from the top of the page (the whole page when `full`). */
export async function shot(page: Page, file: string, full = false): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, file, full);
}

/**
 * The page is no wider than the screen (nothing overflows sideways). Polled for up to 5 s: after a
 * resize React lays the page out again on the media-query change, a moment after the resize.
 */
export async function expectNoSideScroll(page: Page, viewport: Viewport): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth), { message: 'the page scrolls sideways', timeout: 5_000 })
    .toBeLessThanOrEqual(viewport.width);
}

/**
 * Resizes the page and waits until the shell has switched layout (the phone menu button below
 * Ant Design's `md` breakpoint, the side menu from it up) and nothing moves any more.
 */
export async function resizeTo(page: Page, viewport: Viewport): Promise<void> {
  await page.setViewportSize(viewport);
  await page.locator('.menu-button').waitFor({ state: viewport.width >= 768 ? 'detached' : 'visible' });
  await settled(page);
}

/** Serious and critical axe violations, by the page state they were found in. */
export class AxeFindings {
  private readonly found = new Map<string, AxeViolation[]>();

  async scan(page: Page, state: string): Promise<void> {
    await settled(page);
    const bad = (await axeScan(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    if (bad.length > 0) this.found.set(state, bad);
  }

  expectNone(): void {
    const report = [...this.found]
      .map(([state, vs]) => `${state}:\n${vs.map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.nodes.join('\n    ')}`).join('\n')}`)
      .join('\n');
    if (report) console.error(`axe violations:\n${report}`);
    expect(this.found.size, report).toBe(0);
  }
}

/**
 * Fills the staff sign-in form already on screen and submits it (password {@link STAFF_PASSWORD}
 * unless given; with it, the code of the account's authenticator app when {@link addStaff} made it).
 */
export async function submitSignIn(page: Page, username: string, password = STAFF_PASSWORD): Promise<void> {
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  const code = page.getByLabel('Mã xác thực');
  await code.fill(password === STAFF_PASSWORD && authenticators.has(username) ? await staffOtp(username) : '');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

/** Signs a staff account in from the sign-in page and waits until the app has moved on to `next`. */
export async function signInStaff(page: Page, baseUrl: string, username: string, next: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in?next=${encodeURIComponent(next)}`);
  await submitSignIn(page, username);
  await page.waitForURL((u) => u.pathname + u.search === next);
}

/**
 * Picks the option whose whole text is `option` in the Ant Design select `field`, once the list
 * has stopped sliding in; `close` (a multiple select) is clicked to close the list afterwards.
 */
export async function chooseOption(page: Page, field: Locator, option: string, close?: Locator): Promise<void> {
  await field.click();
  const open = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  const item = open.locator('.ant-select-item-option').filter({ hasText: new RegExp(`^${option.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });
  await item.waitFor();
  await settled(page);
  await item.click();
  if (close) await close.click();
  await open.waitFor({ state: 'hidden' });
}

/**
 * A level-1 e-ID account for a citizen already in the registry, made over the API as the citizen
 * and the police would: the online application (a face photo), approval by `police` (a staff
 * account of the citizen's commune with `eid.decide` made by {@link addStaff}: password
 * {@link STAFF_PASSWORD} and its authenticator's code), activation
 * with the code of the SMS (read from the outbox, not yet delivered), `password` and passcode
 * 246813. Answers the account's id.
 */
export async function addEidAccount(platform: Platform, citizen: { pin: string; fullName: string; dateOfBirth: string; sex: 'male' | 'female'; phone: string }, password: string, police: string): Promise<number> {
  const post = async (url: string, body: unknown, token?: string) => {
    const r = await fetch(`${platform.baseUrl}/api/v1${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    const json = (await r.json().catch(() => ({}))) as Record<string, unknown>;
    if (!r.ok) throw new Error(`${url}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  const { pin, fullName, dateOfBirth, sex, phone } = citizen;
  const application = await post('/eid/applications', { pin, fullName, dateOfBirth, sex, phone, faceImage: makePng().toString('base64') });
  const session = await post('/staff/sessions', { username: police, password: STAFF_PASSWORD, otp: await staffOtp(police) });
  const decision = await post(`/eid/applications/${String(application.id)}/decision`, { decision: 'approve' }, String(session.token));
  await post('/eid/activations', { pin, phone });
  const sms = (await platform.ctx.db.kysely.selectFrom('outbox_messages' as never).select(['body' as never]).where('kind' as never, '=', 'eid.otp' as never).orderBy('id' as never, 'desc').executeTakeFirstOrThrow()) as { body: string };
  const otp = /là (\d{6}),/.exec(sms.body)![1]!;
  await post('/eid/activations/confirm', { pin, phone, code: otp, password, passcode: '246813' });
  return Number(decision.accountId);
}

/** Signs a citizen in with their e-ID account from the citizen sign-in page and waits until the app has moved on to `next`. */
export async function signInCitizen(page: Page, baseUrl: string, pin: string, password: string, next: string): Promise<void> {
  await page.goto(`${baseUrl}/eid/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Số định danh cá nhân').fill(pin);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.waitForURL((u) => u.pathname + u.search === next);
}

/**
 * Takes the workflow action `name` on the dossier page (web/src/pages/dossiers/DossierPage.tsx)
 * as an officer: its button, its dialog (filled by `fill` when it asks for more), "Xác nhận", then
 * waits for the notice and for `state` in the title.
 */
export async function takeDossierAction(page: Page, name: string, state: string, fill?: (dialog: Locator) => Promise<void>): Promise<void> {
  await page.locator('.action-buttons').getByRole('button', { name, exact: true }).click();
  const dialog = page.getByRole('dialog', { name });
  await dialog.waitFor();
  if (fill) await fill(dialog);
  await dialog.getByRole('button', { name: 'Xác nhận' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('status').filter({ hasText: `Đã thực hiện: ${name}.` }).waitFor();
  await page.locator('h1 .dossier-state', { hasText: state }).waitFor();
}

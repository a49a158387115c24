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
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { build } from 'vite';
import { expect } from 'vitest';
import { buildHttp, openContext } from '../../src/app/app.js';
import { createStaff } from '../../src/identity/index.js';
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
 * its data directory (uploads) in the same temporary directory.
 */
export async function startPlatform(): Promise<Platform> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-e2e-'));
  const config = loadConfig({
    DATABASE_URL: `sqlite:${path.join(dir, 'e2e.sqlite')}`,
    PORT: '0',
    LOG_LEVEL: 'silent',
    MOTCUA_WEB_DIR: path.join(WEB, 'dist'),
    MOTCUA_DATA_DIR: path.join(dir, 'data'),
    MOTCUA_DEMO: 'off',
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
export const STAFF_PASSWORD = 'Mot-cua-2023!';
const TEST_ACTOR = { kind: 'cli' as const, id: 'e2e' };

/** Creates a staff account directly in the platform (password {@link STAFF_PASSWORD}). */
export async function addStaff(ctx: AppContext, account: { username: string; role: StaffRole; unitCode: string | null; unitDate?: string; displayName?: string }): Promise<void> {
  // The test records are dated 2023-02-28: the accounts' units refer to that date.
  await createStaff(ctx.db, { unitDate: '2023-02-28', ...account, password: STAFF_PASSWORD }, TEST_ACTOR, (c) => unitCodeExists(ctx.db.as<UnitsTables>(), c));
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
  const context: BrowserContext = await browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
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

/**
 * The CI-sized run of the HTTP fuzzer (src/platform/testing/fuzz.ts; the full trial is
 * `npm run trials:fuzz`, 100,000 requests): 2,000 requests generated from the OpenAPI document
 * with a fixed seed, against every operation, anonymous, as each staff role and as a citizen, on
 * SQLite. No answer may be a 5xx, every 4xx must be a catalogue problem, and no promise may be
 * left rejected. A failure prints its reproducer (`npm run trials:fuzz -- --seed 9042026 --replay I`).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/engines.js';
import { formatReport, fuzz } from '../testing/fuzz.js';
import { startFuzzPlatform, type FuzzPlatform } from '../testing/fuzz-platform.js';

const SEED = 9_042_026;
let t: TestDatabase;
let f: FuzzPlatform;

beforeAll(async () => {
  t = await createTestDatabase('sqlite');
  f = await startFuzzPlatform(t);
});

afterAll(async () => {
  await f?.close();
  await t?.drop();
});

it('answers 2,000 generated requests on every route with no 5xx, only catalogue problems, no unhandled rejection', async () => {
  const report = await fuzz({ app: f.platform.app, seed: SEED, requests: 2000, tokens: () => f.tokens, refresh: f.refresh, real: f.real });
  const summary = formatReport(report);
  expect(report.requests).toBe(2000);
  // Every operation of the document was called (132 when this was written; more may come).
  expect(report.byRoute.size).toBeGreaterThanOrEqual(130);
  expect(report.byRoute.get('POST /api/v1/dossiers')).toBeGreaterThan(0);
  expect([...report.failures.values()].map((x) => `${x.kind} ${x.route} → ${x.status} ${x.code}`), summary).toEqual([]);
  expect({ fiveXx: report.fiveXx, nonCatalogue: report.nonCatalogue, injectErrors: report.injectErrors, unhandled: report.unhandled }, summary).toEqual({ fiveXx: 0, nonCatalogue: 0, injectErrors: 0, unhandled: 0 });
  // Some requests got through to the handlers, not only 4xx.
  expect([...report.byStatus].filter(([s]) => s >= 200 && s < 300).reduce((n, [, c]) => n + c, 0)).toBeGreaterThan(100);
}, 120_000);

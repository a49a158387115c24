/**
 * `npm run trials:fuzz [-- --requests N] [--seed S] [--engine sqlite|postgres] [--only 'POST /api/v1/dossiers'] [--replay I]`
 *
 * Fuzzes every operation of the platform's OpenAPI document in process (src/platform/testing/fuzz.ts)
 * against a seeded platform on a fresh database: SQLite in a temporary file, or with
 * `--engine postgres` a fresh schema of the local test database (src/platform/testing/engines.ts).
 * Default 100,000 requests with a random seed, printed so a run can be replayed. `--replay I`
 * sends request I of seed S alone and prints the answer.
 *
 * Prints requests per route, statuses, the counts of 5xx answers, non-catalogue problems and
 * unhandled rejections, and a reproducer for every distinct failure (route, status, code). Exits 1
 * when any of those counts is not 0.
 */
import { parseArgs } from 'node:util';
import { createTestDatabase } from '../src/platform/testing/engines.js';
import { formatReport, fuzz, operationsOf, requestAt, requestOf } from '../src/platform/testing/fuzz.js';
import { startFuzzPlatform } from '../src/platform/testing/fuzz-platform.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    engine: { type: 'string', default: 'sqlite' },
    only: { type: 'string' },
    replay: { type: 'string' },
  },
});
const engine = values.engine === 'postgres' ? 'postgres' : 'sqlite';
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const requests = Number(values.requests);
console.log(`fuzz: engine ${engine}, seed ${seed}, ${values.replay !== undefined ? `replay of request ${values.replay}` : `${requests} requests`}`);

const t = await createTestDatabase(engine);
let exit = 1;
try {
  // 5xx answers are logged (with the error and its stack) at level error, on standard output.
  const f = await startFuzzPlatform(t, { LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' });
  const app = f.platform.app;
  if (values.replay !== undefined) {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const ops = operationsOf(doc).filter((o) => !values.only || `${o.method} ${o.path}`.includes(values.only));
    const principals = ['anonymous', 'bogus', ...Object.keys(f.tokens)];
    const { request } = requestAt(ops, ops.map((op) => requestOf(op, principals, f.real)), seed, Number(values.replay));
    const token = request.as === 'bogus' ? 'eid.bogus' : f.tokens[request.as];
    console.log(JSON.stringify({ ...request, payload: request.payload?.slice(0, 2000) }, null, 2));
    const res = await app.inject({ method: request.method as 'GET', url: request.url, headers: { ...request.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) }, payload: request.payload, remoteAddress: request.remoteAddress });
    console.log(res.statusCode, res.headers['content-type'], res.body.slice(0, 4000));
    exit = res.statusCode >= 500 ? 1 : 0;
  } else {
    const started = Date.now();
    const report = await fuzz({
      app,
      seed,
      requests,
      tokens: () => f.tokens,
      refresh: f.refresh,
      real: f.real,
      only: values.only,
      progress: (done, r) => {
        if (done % 5000 === 0) console.log(`  ${done} requests, ${((Date.now() - started) / 1000).toFixed(0)} s, 5xx ${r.fiveXx}, non-catalogue ${r.nonCatalogue}, unhandled ${r.unhandled}`);
      },
    });
    console.log(formatReport(report));
    exit = report.fiveXx + report.nonCatalogue + report.unhandled + report.injectErrors === 0 ? 0 : 1;
  }
  await f.close();
} finally {
  await t.drop();
}
process.exit(exit);

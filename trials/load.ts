/**
 * Load and soak trials (issue 9 item 5): `npm run trials:load -- [--engine sqlite|postgres|both]
 * [--quick] [--soak-minutes N] [--load-seconds N] [--connections N] [--soak-rate N] [--people N]
 * [--accounts N] [--keep] [--no-build]`.
 *
 * The compiled server (`node bin/motcua.js serve`, dist/ rebuilt first when src/ is newer; the
 * child-process handling of trials/crash.ts) runs over a fresh database of each engine: a
 * temporary SQLite file, or a PostgreSQL database created in the server of MOTCUA_TEST_PG_URL
 * (default postgres://postgres@127.0.0.1:5432/test) and dropped at the end. The data is made with
 * the benchmarks' own setup (bench/*\/data.ts) at a modest size (a few minutes per engine):
 * - `--people` (default 20,000) generated people of Tỉnh Hải Dương (bench/population/data.ts
 *   `populationCsv`) imported with `importCitizens`, and a provincial police officer of unit 30;
 * - the counter of Xã Cẩm Giang (bench/dossiers/data.ts `prepareCounter`): the 2025 communes,
 *   service 1.004194 deployed, the agency and its one-stop officer;
 * - `--accounts` (default 40) active e-ID accounts made through application → approval → SMS
 *   code → activation (bench/eid/data.ts `makeEidAccounts`);
 * - a Project 06 working-group account of Thành phố Hải Phòng (31) reading the dashboard, whose
 *   counters the setup and the run's own submissions feed.
 *
 * The mix, weighted 40/15/15/15/15 (a fixed shuffled pattern of 20 slots each connection cycles):
 * - `lookup`: `GET /api/v1/citizens/{pin}` (X-Purpose DOSSIER_PROCESSING, audited), a different
 *   imported person each time;
 * - `search`: `GET /api/v1/citizens?q=…[&birthYear=]&pageSize=20`, queries drawn from the imported
 *   names as the population-search benchmark draws them (full name; family + given name; given name
 *   with the year of birth);
 * - `submit`: `POST /api/v1/dossiers` on the counter channel, a new `Idempotency-Key` each time;
 * - `signin`: `POST /api/v1/eid/sessions {pin, password}` (Argon2id), cycling the accounts;
 * - `dashboard`: `GET /api/v1/reports/dashboard` of Hải Phòng this month, since 2025-07-01, and of
 *   Xã Cẩm Giang this month, in turn.
 *
 * Phases: a 5-second warm-up; the load (`--load-seconds`, default 30, `--connections` default 10,
 * as fast as the server answers); the soak (`--soak-minutes`, default 10, `--quick` 1) at
 * `--soak-rate` requests a second in all (default 20), sampling the server's RSS and V8 heap in use
 * from `GET /metrics` (prom-client `motcua_process_resident_memory_bytes`,
 * `motcua_nodejs_heap_size_used_bytes`) every 10 s. Per route and phase: requests, throughput,
 * p50/p95/p99 latency (ms, every response), non-2xx answers and socket errors or timeouts. None of
 * the mix is meant to fail: every non-2xx counts (its first answers are kept in the JSON).
 *
 * Memory trend: the least-squares slope of RSS over the second half of the soak (the first half
 * is warm-up of caches, JIT and SQLite's page cache), in MB a minute. Verdict "no growth trend"
 * when the slope is under {@link SLOPE_LIMIT_MB_MIN} MB/min and the last minute's mean RSS is
 * at most {@link LAST_MINUTE_TOLERANCE} (10 %) above the second half's mean; otherwise "growth trend". Why
 * 1 MB/min: at the default 20 requests a second that is ~870 bytes kept per request; a leak of one
 * request's objects (a few KB: a parsed body, a response, an audit entry) grows faster than that,
 * while RSS noise from garbage-collector timing and allocator fragmentation over a few minutes
 * stays below it (the slope divided by the rate is printed too, in bytes per request). The same
 * verdict is given on the anonymous resident memory (RSS without file-backed pages, from
 * /proc/PID/status on Linux): with SQLite the server reads the database through a memory map
 * (MOTCUA_SQLITE_MMAP_MB, default 2000 MB), so RSS also follows the database file the soak itself
 * makes larger (its size is sampled too) — page-cache pages the kernel reclaims under pressure,
 * not memory the process holds.
 *
 * Figures are written to var/trials/load-<engine>.json and printed as a table. Exit code 1 when a
 * request failed (non-2xx or socket error) or the anonymous RSS (RSS where /proc is missing)
 * shows a growth trend.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { openContext } from '../src/app/app.js';
import { createStaff, signInStaff } from '../src/identity/index.js';
import { loadConfig } from '../src/platform/config.js';
import type { Engine } from '../src/platform/db/database.js';
import { todayInVietnam } from '../src/platform/dates.js';
import { importCitizens } from '../src/population/importer.js';
import { SAMPLE_FORMS } from '../src/services/index.js';
import { unitCodeExists, type UnitsTables } from '../src/units/index.js';
import { mean, percentile, processCpuMs } from '../bench/lib.js';
import { prepareCounter, OFFICER, OFFICER_PASSWORD, SERVICE, UNIT as COUNTER_UNIT } from '../bench/dossiers/data.js';
import { benchAccounts, makeEidAccounts, type BenchAccount } from '../bench/eid/data.js';
import { populationCsv, REFERENCE_DATE, seededRandom } from '../bench/population/data.js';
import { ensureBuilt, freshDatabase, newKeyFile, ROOT, sleep, startServer, stopServer, trialEnv, type Server } from './lib.js';

const CLI = { kind: 'cli' as const, id: 'cli:load-trials' };
/** Verdict bounds of the soak's memory trend (see the module comment). */
export const SLOPE_LIMIT_MB_MIN = 1;
export const LAST_MINUTE_TOLERANCE = 0.1;
const SAMPLE_SECONDS = 10;
const WARM_UP_SECONDS = 5;

type Kind = 'lookup' | 'search' | 'submit' | 'signin' | 'dashboard';
const KINDS: Kind[] = ['lookup', 'search', 'submit', 'signin', 'dashboard'];
/** Slots of each kind in a pattern of 20: 40/15/15/15/15 (submit, sign-in and dashboard 3 each, search 3). */
const SLOTS: Record<Kind, number> = { lookup: 8, search: 3, submit: 3, signin: 3, dashboard: 3 };
const LABEL: Record<Kind, string> = {
  lookup: 'GET /api/v1/citizens/{pin}',
  search: 'GET /api/v1/citizens?q=',
  submit: 'POST /api/v1/dossiers',
  signin: 'POST /api/v1/eid/sessions',
  dashboard: 'GET /api/v1/reports/dashboard',
};

// --- the database of one engine ---------------------------------------------------------------------

interface Site {
  engine: Engine;
  dir: string;
  env: Record<string, string>;
  pins: string[];
  queries: string[];
  accounts: BenchAccount[];
  tokens: { police: string; officer: string; reader: string };
  setupSeconds: Record<string, number>;
  drop(): Promise<void>;
}

async function createSite(engine: Engine, people: number, accountCount: number, keep: boolean, log: (l: string) => void): Promise<Site> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `motcua-load-${engine}-`));
  const fresh = await freshDatabase(engine, dir, 'motcua_load', keep);
  const { url, drop } = fresh;
  const env = trialEnv(dir, url, newKeyFile(dir));
  const seconds: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    seconds[name] = Math.round((performance.now() - t) / 100) / 10;
    log(`  ${engine}: ${name} in ${seconds[name]} s`);
    t = performance.now();
  };
  try {
    const ctx = await openContext(loadConfig({ ...env, PORT: '0', LOG_LEVEL: 'silent' }), { seed: true });
    const db = ctx.db;
    try {
      lap('schema and built-in units');
      const csv = await populationCsv(people);
      const status = await importCitizens(db, csv, { actor: CLI, referenceDate: REFERENCE_DATE });
      if (status.created !== people) throw new Error(`import created ${status.created} of ${people} people`);
      lap(`${people.toLocaleString('en')} people imported`);
      await prepareCounter(ctx);
      await makeEidAccounts(ctx, accountCount);
      lap(`counter set up and ${accountCount} e-ID accounts activated`);
      const unitExists = (c: string) => unitCodeExists(db.as<UnitsTables>(), c);
      const password = 'Tải-thử-Mật-khẩu-dài-2026';
      await createStaff(db, { username: 'load.congan.haiduong', password, role: 'PROVINCIAL_POLICE', unitCode: '30', unitDate: REFERENCE_DATE }, CLI, unitExists);
      await createStaff(db, { username: 'load.bcd06.haiphong', password, role: 'WORKING_GROUP', unitCode: '31', unitDate: '2025-07-01' }, CLI, unitExists);
      const tokens = {
        police: (await signInStaff(db, 'load.congan.haiduong', password, '127.0.0.1')).token,
        officer: (await signInStaff(db, OFFICER, OFFICER_PASSWORD, '127.0.0.1')).token,
        reader: (await signInStaff(db, 'load.bcd06.haiphong', password, '127.0.0.1')).token,
      };
      // Lookups: every imported person once per round, shuffled; searches as population-search draws them.
      const rows = await db.kysely.selectFrom('citizens').select(['pin', 'full_name', 'birth_year']).orderBy('pin').execute();
      const random = seededRandom(2026);
      const pins = rows.map((r) => r.pin);
      for (let i = pins.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [pins[i], pins[j]] = [pins[j]!, pins[i]!];
      }
      const pick = () => rows[Math.floor(random() * rows.length)]!;
      const queries: string[] = [];
      for (let i = 0; i < 300; i++) {
        queries.push(`q=${encodeURIComponent(pick().full_name)}`);
        const words = pick().full_name.split(' ');
        queries.push(`q=${encodeURIComponent(`${words[0]} ${words[words.length - 1]}`)}`);
        const p = pick();
        queries.push(`q=${encodeURIComponent(p.full_name.split(' ').pop()!)}&birthYear=${p.birth_year}`);
      }
      return { engine, dir, env, pins, queries, accounts: benchAccounts(accountCount), tokens, setupSeconds: seconds, drop };
    } finally {
      await db.close();
    }
  } catch (e) {
    await drop();
    throw e;
  }
}

// --- the mix -----------------------------------------------------------------------------------------------

interface RouteStats {
  times: number[];
  statuses: Map<number, number>;
  /** The first answers of each non-2xx status (up to 3), for the report. */
  failures: { status: number; body: string }[];
}

export interface RouteFigures {
  route: string;
  requests: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  statuses: Record<string, number>;
  failures: { status: number; body: string }[];
}

export interface PhaseFigures {
  seconds: number;
  connections: number;
  /** Requests a second asked for (soak) or undefined (as fast as the server answers). */
  rate?: number;
  /** The server process's CPU time (user + system, all threads) per answered request, µs: unlike throughput and latency, hardly moved by the machine's other load. */
  serverCpuUsPerRequest?: number;
  /** The machine's 1-minute load average when the phase began and ended (2 cores: above 2, requests wait for a core). */
  loadAverage: { before: number; after: number };
  total: { requests: number; throughput: number; p50: number; p95: number; p99: number; non2xx: number; errors: number; timeouts: number };
  routes: Record<Kind, RouteFigures>;
}

/** The pattern of 20 slots, shuffled once (seeded) so that the kinds interleave. */
function pattern(): Kind[] {
  const slots = KINDS.flatMap((k) => Array.from({ length: SLOTS[k] }, () => k));
  const random = seededRandom(9);
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  return slots;
}

/** The mix's requests; `offset` rotates the pattern (so that paced connections started together do not send the same kind together). */
function requestsOf(site: Site, stats: Map<Kind, RouteStats>, onKind: (k: Kind) => void): (offset: number) => autocannon.Request[] {
  let lookup = 0;
  let search = 0;
  let signin = 0;
  let dashboard = 0;
  const run = randomUUID().slice(0, 8);
  let submit = 0;
  const today = todayInVietnam();
  const dashboards = ['unit=31', `unit=31&from=2025-07-01&to=${today}`, `unit=${COUNTER_UNIT}`];
  const staff = { authorization: `Bearer ${site.tokens.police}`, 'x-purpose': 'DOSSIER_PROCESSING' };
  const body = JSON.stringify({ serviceCode: SERVICE, channel: 'counter', data: SAMPLE_FORMS[SERVICE] });
  const build: Record<Kind, (req: autocannon.Request) => autocannon.Request> = {
    lookup: (req) => ({ ...req, method: 'GET', path: `/api/v1/citizens/${site.pins[lookup++ % site.pins.length]}`, headers: staff }),
    search: (req) => ({ ...req, method: 'GET', path: `/api/v1/citizens?${site.queries[search++ % site.queries.length]}&pageSize=20`, headers: staff }),
    submit: (req) => ({ ...req, method: 'POST', path: '/api/v1/dossiers', body, headers: { authorization: `Bearer ${site.tokens.officer}`, 'content-type': 'application/json', 'idempotency-key': `load-${run}-${++submit}` } }),
    signin: (req) => {
      const a = site.accounts[signin++ % site.accounts.length]!;
      return { ...req, method: 'POST', path: '/api/v1/eid/sessions', body: JSON.stringify({ pin: a.pin, password: a.password }), headers: { 'content-type': 'application/json' } };
    },
    dashboard: (req) => ({ ...req, method: 'GET', path: `/api/v1/reports/dashboard?${dashboards[dashboard++ % dashboards.length]}`, headers: { authorization: `Bearer ${site.tokens.reader}` } }),
  };
  const slots = pattern();
  return (offset) => [...slots.slice(offset % slots.length), ...slots.slice(0, offset % slots.length)].map((kind) => ({
    method: kind === 'submit' || kind === 'signin' ? 'POST' : 'GET',
    setupRequest: (req: autocannon.Request) => build[kind](req),
    // Called just before autocannon's 'response' event of the same answer (same call stack).
    onResponse: (status: number, resBody: string) => {
      onKind(kind);
      if (status < 200 || status >= 300) {
        const s = stats.get(kind)!;
        if (s.failures.filter((f) => f.status === status).length < 3) s.failures.push({ status, body: String(resBody).slice(0, 400) });
      }
    },
  }));
}

/**
 * autocannon with the mix for `seconds`. Without `rate`: one autocannon of `connections`
 * connections, each sending its next request when the last is answered. With `rate` (requests a
 * second in all, an integer): `min(rate, 50)` paced autocannons of one connection each, started
 * evenly over the first second (autocannon paces a connection by sending its share of a second at
 * once when the second begins, so connections of one instance would all send at the same instant).
 */
async function runMix(site: Site, server: Server, seconds: number, connections: number, rate?: number, onTick?: () => void): Promise<PhaseFigures> {
  const base = server.base;
  const cpuBefore = processCpuMs(server.child.pid);
  const loadBefore = os.loadavg()[0]!;
  const stats = new Map<Kind, RouteStats>(KINDS.map((k) => [k, { times: [], statuses: new Map(), failures: [] }]));
  let current: Kind | undefined;
  const requests = requestsOf(site, stats, (k) => (current = k));
  const all: number[] = [];
  const one = (options: Omit<autocannon.Options, 'url'>, delayMs: number, tick: boolean) =>
    sleep(delayMs).then(
      () =>
        new Promise<autocannon.Result>((resolve, reject) => {
          const instance = autocannon({ url: base, duration: seconds, pipelining: 1, timeout: 30, ...options }, (err: unknown, r: autocannon.Result) => (err ? reject(err) : resolve(r)));
          instance.on('response', (_client, status, _bytes, responseTime) => {
            all.push(responseTime);
            if (!current) return;
            const s = stats.get(current)!;
            s.times.push(responseTime);
            s.statuses.set(status, (s.statuses.get(status) ?? 0) + 1);
            current = undefined;
          });
          if (tick && onTick) instance.on('tick', onTick);
        }),
    );
  let results: autocannon.Result[];
  if (rate === undefined) results = [await one({ connections, requests: requests(0) }, 0, true)];
  else {
    const n = Math.max(1, Math.min(50, Math.floor(rate)));
    results = await Promise.all(Array.from({ length: n }, (_, i) => one({ connections: 1, overallRate: Math.floor(rate / n) + (i < rate % n ? 1 : 0), requests: requests(i) }, (i * 1000) / n, i === 0)));
  }
  const sum = (f: (r: autocannon.Result) => number) => results.reduce((a, r) => a + f(r), 0);
  const result = { duration: seconds, non2xx: sum((r) => r.non2xx), errors: sum((r) => r.errors), timeouts: sum((r) => r.timeouts) };
  const elapsed = result.duration || seconds;
  const cpuAfter = processCpuMs(server.child.pid);
  const routes = Object.fromEntries(
    KINDS.map((k) => {
      const s = stats.get(k)!;
      const non2xx = [...s.statuses].filter(([code]) => code < 200 || code >= 300).reduce((a, [, n]) => a + n, 0);
      return [k, { route: LABEL[k], requests: s.times.length, throughput: s.times.length / elapsed, p50: percentile(s.times, 50), p95: percentile(s.times, 95), p99: percentile(s.times, 99), non2xx, statuses: Object.fromEntries(s.statuses), failures: s.failures } satisfies RouteFigures];
    }),
  ) as Record<Kind, RouteFigures>;
  return {
    seconds: elapsed,
    connections,
    ...(rate !== undefined && { rate, connections: Math.max(1, Math.min(50, Math.floor(rate))) }),
    serverCpuUsPerRequest: cpuBefore !== undefined && cpuAfter !== undefined && all.length > 0 ? ((cpuAfter - cpuBefore) * 1000) / all.length : undefined,
    loadAverage: { before: loadBefore, after: os.loadavg()[0]! },
    total: { requests: all.length, throughput: all.length / elapsed, p50: percentile(all, 50), p95: percentile(all, 95), p99: percentile(all, 99), non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts },
    routes,
  };
}

// --- memory -----------------------------------------------------------------------------------------------

export interface MemorySample {
  /** Seconds since the soak began. */
  t: number;
  /** Resident set size (prom-client `process_resident_memory_bytes`), MB. */
  rssMb: number;
  /** V8 heap in use (prom-client `nodejs_heap_size_used_bytes`), MB. */
  heapUsedMb: number;
  /** V8 heap reserved (`nodejs_heap_size_total_bytes`) and memory held by JavaScript objects outside it (`nodejs_external_memory_bytes`: buffers…), MB. */
  heapTotalMb?: number;
  externalMb?: number;
  /** Anonymous resident memory (`RssAnon` of /proc/PID/status: heaps, native allocations), MB; Linux only. */
  rssAnonMb?: number;
  /** File-backed resident memory (`RssFile`: code, and with SQLite the memory-mapped database pages), MB; Linux only. */
  rssFileMb?: number;
  /** SQLite: the database file and its WAL, MB. */
  databaseMb?: number;
}

/** Resident memory by kind from /proc/PID/status (kB → MB), or {} where there is no /proc. */
function procMemory(pid: number | undefined): { rssAnonMb?: number; rssFileMb?: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    const anon = kb('RssAnon');
    const file = kb('RssFile');
    return Number.isFinite(anon) && Number.isFinite(file) ? { rssAnonMb: anon / 1024, rssFileMb: file / 1024 } : {};
  } catch {
    return {};
  }
}

/** RSS and V8 heap in use from the server's Prometheus metrics (prom-client default metrics, prefix motcua_), with {@link procMemory} and the SQLite file's size. */
async function sampleMemory(server: Server, t0: number, sqliteFile: string | undefined): Promise<MemorySample | undefined> {
  try {
    const text = await (await fetch(`${server.base}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    const value = (name: string) => Number(new RegExp(`^${name} ([0-9.e+]+)`, 'm').exec(text)?.[1]);
    const rss = value('motcua_process_resident_memory_bytes');
    const heap = value('motcua_nodejs_heap_size_used_bytes');
    if (!Number.isFinite(rss) || !Number.isFinite(heap)) return undefined;
    const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
    return {
      t: Math.round((performance.now() - t0) / 100) / 10,
      rssMb: rss / 2 ** 20,
      heapUsedMb: heap / 2 ** 20,
      ...(Number.isFinite(value('motcua_nodejs_heap_size_total_bytes')) && { heapTotalMb: value('motcua_nodejs_heap_size_total_bytes') / 2 ** 20 }),
      ...(Number.isFinite(value('motcua_nodejs_external_memory_bytes')) && { externalMb: value('motcua_nodejs_external_memory_bytes') / 2 ** 20 }),
      ...procMemory(server.child.pid),
      ...(sqliteFile && { databaseMb: (size(sqliteFile) + size(`${sqliteFile}-wal`)) / 2 ** 20 }),
    };
  } catch {
    return undefined;
  }
}

/** Least-squares slope of y over x. */
export function slope(points: { x: number; y: number }[]): number {
  const mx = mean(points.map((p) => p.x));
  const my = mean(points.map((p) => p.y));
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return sxx === 0 ? Number.NaN : points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / sxx;
}

type Verdict = 'no growth trend' | 'growth trend' | 'too few samples';

export interface MemoryTrend {
  /** RSS slope over the second half, MB a minute. */
  rssSlopeMbPerMin: number;
  /** The same for the V8 heap in use. */
  heapSlopeMbPerMin: number;
  /** The same for the anonymous and the file-backed resident memory (Linux). */
  rssAnonSlopeMbPerMin?: number;
  rssFileSlopeMbPerMin?: number;
  /** SQLite: the growth of the database file and WAL, MB a minute. */
  databaseSlopeMbPerMin?: number;
  /** The RSS slope divided by the requests answered a second: bytes kept per request if it were a leak. */
  rssBytesPerRequest: number;
  secondHalfMeanRssMb: number;
  lastMinuteMeanRssMb: number;
  /** On RSS: slope under the bound and the last minute's mean within the tolerance of the second half's. */
  verdict: Verdict;
  /**
   * The same on the anonymous resident memory (RSS without file-backed pages): what the process
   * itself holds. With SQLite the server maps the database file (MOTCUA_SQLITE_MMAP_MB, default
   * 2000), so the pages of a database the soak makes larger are resident too; they belong to the
   * page cache (the kernel reclaims them under pressure) and are bounded by the file and the map.
   */
  anonymousVerdict?: Verdict;
}

function verdictOf(second: MemorySample[], last: MemorySample[], of: (s: MemorySample) => number): { slope: number; halfMean: number; lastMean: number; verdict: Verdict } {
  const sl = slope(second.map((s) => ({ x: s.t / 60, y: of(s) })));
  const halfMean = mean(second.map(of));
  const lastMean = mean(last.map(of));
  // One-sided: a last minute below the second half's mean (memory given back) is no growth.
  const verdict = second.length < 3 || last.length < 1 ? 'too few samples' : sl < SLOPE_LIMIT_MB_MIN && lastMean <= (1 + LAST_MINUTE_TOLERANCE) * halfMean ? 'no growth trend' : 'growth trend';
  return { slope: sl, halfMean, lastMean, verdict };
}

/** The soak's memory trend (see the module comment for the bounds). */
export function memoryTrend(samples: MemorySample[], soakSeconds: number, throughput: number): MemoryTrend {
  const second = samples.filter((s) => s.t >= soakSeconds / 2);
  const last = samples.filter((s) => s.t >= soakSeconds - 60);
  const rss = verdictOf(second, last, (s) => s.rssMb);
  const heap = slope(second.map((s) => ({ x: s.t / 60, y: s.heapUsedMb })));
  const known = (k: 'rssAnonMb' | 'rssFileMb' | 'databaseMb') => second.length > 0 && second.every((s) => s[k] !== undefined);
  const anon = known('rssAnonMb') ? verdictOf(second, last, (s) => s.rssAnonMb!) : undefined;
  return {
    rssSlopeMbPerMin: rss.slope,
    heapSlopeMbPerMin: heap,
    ...(anon && { rssAnonSlopeMbPerMin: anon.slope }),
    ...(known('rssFileMb') && { rssFileSlopeMbPerMin: slope(second.map((s) => ({ x: s.t / 60, y: s.rssFileMb! }))) }),
    ...(known('databaseMb') && { databaseSlopeMbPerMin: slope(second.map((s) => ({ x: s.t / 60, y: s.databaseMb! }))) }),
    rssBytesPerRequest: (rss.slope * 2 ** 20) / 60 / Math.max(throughput, 1e-9),
    secondHalfMeanRssMb: rss.halfMean,
    lastMinuteMeanRssMb: rss.lastMean,
    verdict: rss.verdict,
    ...(anon && { anonymousVerdict: anon.verdict }),
  };
}

// --- the run -----------------------------------------------------------------------------------------------

export interface LoadOptions {
  engines: Engine[];
  loadSeconds: number;
  soakMinutes: number;
  connections: number;
  soakRate: number;
  people: number;
  accounts: number;
  keep?: boolean;
  noBuild?: boolean;
  log?: (line: string) => void;
}

export interface EngineFigures {
  engine: Engine;
  at: string;
  setupSeconds: Record<string, number>;
  data: { people: number; accounts: number };
  load: PhaseFigures;
  soak: PhaseFigures & { memory: MemorySample[]; trend: MemoryTrend };
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');

function table(title: string, p: PhaseFigures): string[] {
  const head = `${'route'.padEnd(32)} ${'requests'.padStart(8)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'non-2xx'.padStart(7)}`;
  const row = (name: string, r: { requests: number; throughput: number; p50: number; p95: number; p99: number; non2xx: number }) =>
    `${name.padEnd(32)} ${String(r.requests).padStart(8)} ${f1(r.throughput).padStart(7)} ${f1(r.p50).padStart(7)} ${f1(r.p95).padStart(7)} ${f1(r.p99).padStart(7)} ${String(r.non2xx).padStart(7)}`;
  return [title, head, ...KINDS.map((k) => row(p.routes[k].route, p.routes[k])), row('all', p.total), `socket errors ${p.total.errors}, timeouts ${p.total.timeouts}; server CPU ${p.serverCpuUsPerRequest === undefined ? '–' : p.serverCpuUsPerRequest.toFixed(0)} µs a request; machine load average ${p.loadAverage.before.toFixed(1)} → ${p.loadAverage.after.toFixed(1)} (${os.cpus().length} cores)`];
}

/** Runs the trials of each engine; answers their figures (also written to var/trials/load-<engine>.json). */
export async function runLoadTrials(o: LoadOptions): Promise<EngineFigures[]> {
  const log = o.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  if (!o.noBuild) await ensureBuilt();
  const out: EngineFigures[] = [];
  for (const engine of o.engines) {
    const started = Date.now();
    const site = await createSite(engine, o.people, o.accounts, o.keep ?? false, log);
    log(`${engine}: data made in ${((Date.now() - started) / 1000).toFixed(0)} s (${site.dir})`);
    let server: Server | undefined;
    try {
      server = await startServer(site);
      await runMix(site, server, WARM_UP_SECONDS, o.connections);
      log(`${engine}: load, ${o.loadSeconds} s at ${o.connections} connections…`);
      const load = await runMix(site, server, o.loadSeconds, o.connections);
      for (const l of table(`${engine}: load (${o.connections} connections, ${o.loadSeconds} s)`, load)) log(l);
      const soakSeconds = Math.round(o.soakMinutes * 60);
      log(`${engine}: soak, ${o.soakMinutes} min at ${o.soakRate} requests/s…`);
      const memory: MemorySample[] = [];
      const t0 = performance.now();
      const sqliteFile = engine === 'sqlite' ? site.env.DATABASE_URL!.slice('sqlite:'.length) : undefined;
      const first = await sampleMemory(server, t0, sqliteFile);
      if (first) memory.push({ ...first, t: 0 });
      let nextSample = SAMPLE_SECONDS;
      const pending: Promise<void>[] = [];
      const soak = await runMix(site, server, soakSeconds, o.connections, o.soakRate, () => {
        if ((performance.now() - t0) / 1000 + 0.5 < nextSample) return;
        nextSample += SAMPLE_SECONDS;
        pending.push(sampleMemory(server!, t0, sqliteFile).then((s) => void (s && memory.push(s))));
      });
      await Promise.all(pending);
      const end = await sampleMemory(server, t0, sqliteFile);
      if (end) memory.push(end);
      memory.sort((a, b) => a.t - b.t);
      const trend = memoryTrend(memory, soakSeconds, soak.total.throughput);
      for (const l of table(`${engine}: soak (${o.soakRate} requests/s, ${o.soakMinutes} min)`, soak)) log(l);
      const mb = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(0));
      log(`${engine}: memory every ${SAMPLE_SECONDS} s (t s: RSS / heap used / heap total / external / anonymous RSS / file-backed RSS${sqliteFile ? ' / database file' : ''}, MB): ${memory.map((m) => `${m.t.toFixed(0)}: ${mb(m.rssMb)}/${mb(m.heapUsedMb)}/${mb(m.heapTotalMb)}/${mb(m.externalMb)}/${mb(m.rssAnonMb)}/${mb(m.rssFileMb)}${sqliteFile ? `/${mb(m.databaseMb)}` : ''}`).join(', ')}`);
      const sl = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(2));
      log(`${engine}: slopes over the second half, MB/min: RSS ${sl(trend.rssSlopeMbPerMin)} (${trend.rssBytesPerRequest.toFixed(0)} bytes a request), heap in use ${sl(trend.heapSlopeMbPerMin)}, anonymous RSS ${sl(trend.rssAnonSlopeMbPerMin)}, file-backed RSS ${sl(trend.rssFileSlopeMbPerMin)}${sqliteFile ? `, database file ${sl(trend.databaseSlopeMbPerMin)}` : ''}; last minute mean RSS ${trend.lastMinuteMeanRssMb.toFixed(1)} MB vs second half ${trend.secondHalfMeanRssMb.toFixed(1)} MB`);
      log(`${engine}: RSS → ${trend.verdict.toUpperCase()}; anonymous RSS → ${(trend.anonymousVerdict ?? 'unknown').toUpperCase()} (bounds: < ${SLOPE_LIMIT_MB_MIN} MB/min and the last minute at most ${LAST_MINUTE_TOLERANCE * 100} % above the second half)`);
      const figures: EngineFigures = { engine, at: new Date().toISOString(), setupSeconds: site.setupSeconds, data: { people: o.people, accounts: o.accounts }, load, soak: { ...soak, memory, trend } };
      fs.mkdirSync(path.join(ROOT, 'var/trials'), { recursive: true });
      const file = path.join(ROOT, `var/trials/load-${engine}.json`);
      fs.writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
      log(`${engine}: figures written to ${path.relative(ROOT, file)}`);
      for (const [phase, p] of [['load', load], ['soak', soak]] as const) {
        for (const k of KINDS) for (const f of p.routes[k].failures) log(`  ${engine} ${phase} ${k}: ${f.status} ${f.body}`);
      }
      out.push(figures);
    } finally {
      if (server) await stopServer(server);
      await site.drop();
    }
  }
  return out;
}

/** Whether every request was answered 2xx and no soak showed a growth trend (of the anonymous RSS where known, else of the RSS). */
export function passed(results: EngineFigures[]): boolean {
  return results.every((r) => [r.load, r.soak].every((p) => p.total.non2xx === 0 && p.total.errors === 0) && (r.soak.trend.anonymousVerdict ?? r.soak.trend.verdict) !== 'growth trend');
}

async function main(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const { values } = parseArgs({
    options: {
      engine: { type: 'string', default: 'both' },
      quick: { type: 'boolean', default: false },
      'soak-minutes': { type: 'string' },
      'load-seconds': { type: 'string' },
      connections: { type: 'string', default: '10' },
      'soak-rate': { type: 'string', default: '20' },
      people: { type: 'string', default: '20000' },
      accounts: { type: 'string', default: '40' },
      keep: { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
    },
  });
  const positive = (name: string, v: string | undefined, fallback: number) => {
    const n = v === undefined ? fallback : Number(v);
    if (!(n > 0)) throw new Error(`--${name}: a positive number`);
    return n;
  };
  const engines: Engine[] = values.engine === 'both' ? ['sqlite', 'postgres'] : values.engine === 'sqlite' || values.engine === 'postgres' ? [values.engine] : (() => { throw new Error('--engine: sqlite, postgres or both'); })();
  const o: LoadOptions = {
    engines,
    soakMinutes: positive('soak-minutes', values['soak-minutes'], values.quick ? 1 : 10),
    loadSeconds: positive('load-seconds', values['load-seconds'], values.quick ? 10 : 30),
    connections: positive('connections', values.connections, 10),
    soakRate: Number.isInteger(Number(values['soak-rate'])) ? positive('soak-rate', values['soak-rate'], 20) : (() => { throw new Error('--soak-rate: a positive integer'); })(),
    people: positive('people', values.people, 20_000),
    accounts: positive('accounts', values.accounts, 40),
    keep: values.keep,
    noBuild: values['no-build'],
  };
  console.log(`load trials: engines ${engines.join(', ')}; ${o.people.toLocaleString('en')} people, ${o.accounts} e-ID accounts; load ${o.loadSeconds} s at ${o.connections} connections; soak ${o.soakMinutes} min at ${o.soakRate} requests/s`);
  const results = await runLoadTrials(o);
  for (const r of results) {
    const bad = r.load.total.non2xx + r.load.total.errors + r.soak.total.non2xx + r.soak.total.errors;
    console.log(`${r.engine.padEnd(8)} load ${r.load.total.throughput.toFixed(1)} req/s (p95 ${r.load.total.p95.toFixed(0)} ms); soak ${r.soak.total.requests} requests (p95 ${r.soak.total.p95.toFixed(0)} ms); failed ${bad}; RSS slope ${r.soak.trend.rssSlopeMbPerMin.toFixed(2)} MB/min → ${r.soak.trend.verdict}; anonymous RSS slope ${r.soak.trend.rssAnonSlopeMbPerMin?.toFixed(2) ?? '–'} MB/min → ${r.soak.trend.anonymousVerdict ?? 'unknown'}`);
  }
  process.exit(passed(results) ? 0 : 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

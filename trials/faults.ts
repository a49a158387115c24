/**
 * Fault trials (issue 9 item 3): `npm run trials:faults -- [--down-seconds N] [--no-build] [--keep]`.
 *
 * The compiled server (`node bin/motcua.js serve`, dist/ rebuilt first when src/ is newer) runs as
 * a child process against a PostgreSQL and a Redis that this script starts for itself (`initdb` +
 * `pg_ctl` into a temporary directory on a free port, as src/platform/testing/replica.ts does;
 * `redis-server --port N --save '' --daemonize no`), with its attachments directory on a small
 * tmpfs (`mount -t tmpfs -o size=2m`; needs root). Nothing shared is touched: the shared
 * PostgreSQL (5432) and Redis (6379) are never stopped. Three trials:
 *
 * 1. `postgres-stop` (twice: `pg_ctl stop -m fast`, then `-m immediate`): four clients keep a mix
 *    of database reads and writes going (unit lookup, registry lookup by staff, dossier list,
 *    dashboard, counter intake, staff sign-in) while PostgreSQL is stopped for `--down-seconds`
 *    (10) and started again. Every request sent while it is down must answer 503 problem+json
 *    SERVICE_UNAVAILABLE with `Retry-After`; no request may take longer than
 *    `MOTCUA_DB_TIMEOUT_MS` (the pool's connection and statement timeout, src/platform/config.ts);
 *    nothing may answer 500 or go unanswered; every kind of request answers 2xx again after the
 *    start, the same server process (seconds to recover printed), and `/readyz` answers 503 while
 *    the database is down and 200 after.
 * 2. `redis-down`: the private Redis is killed (SIGKILL). Wrong staff passwords and wrong e-ID
 *    one-time codes must all be refused with 503 RATE_LIMIT_UNAVAILABLE (fail closed): the number
 *    of guesses evaluated against the real password or code while Redis is down must be 0 (answers
 *    401/400 counted, and the codes' `attempts` column in the database). Features that do not need
 *    Redis (unit and registry lookups, dossier list, dashboard, intake) keep answering 2xx. Redis
 *    is started again: limits count again (a 429 RATE_LIMITED within the allowance + 1 guesses).
 * 3. `disk-full`: distinct 300 KB PDFs are uploaded to one dossier until the tmpfs is full. The
 *    upload that does not fit must answer 507 problem+json ATTACHMENT_STORAGE_FULL (Vietnamese and
 *    English messages), leave no file behind (every file in the directory is named by its SHA-256,
 *    has it, and has a database row of its size; every row has its file; `tmp/` empty), no
 *    half-written dossier (an audit entry per attachment, the audit chain intact); after space is
 *    freed (a ballast file deleted) the same upload is stored.
 *
 * Prints a table (trial, engine, figure, target, MET / NOT MET); exits 1 when a target is not met.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import { Redis } from 'ioredis';
import pg from 'pg';
import { buildHttp, openContext } from '../src/app/app.js';
import { verifyAuditChain } from '../src/platform/audit/audit.js';
import { dataCipherFromEnv } from '../src/platform/crypto.js';
import { loadConfig } from '../src/platform/config.js';
import { binDir, postgresIds } from '../src/platform/testing/replica.js';
import { createCitizen } from '../src/population/index.js';
import { signInStaff } from '../src/identity/index.js';
import { SAMPLE_FORMS } from '../src/services/index.js';
import { ssoRuntime } from '../src/sso/runtime.js';
import { HOA } from '../src/dossiers/fixtures.js';
import { makePng, person, pinFor } from '../src/identity/eid/testing/fixtures.js';
import { CHECKING_ENV, ensureBuilt, freePort, INTAKE_SERVICE, newKeyFile, seedCounter, sleep, startServer, stopServer, trialEnv, type Server } from './lib.js';

const run = promisify(execFile);
const CLI = { kind: 'cli' as const, id: 'cli:fault-trials' };
const STAFF_PASSWORD = 'Mot-cua-2026!';
const CLIENTS = 4;
/** A request not answered within this is counted as hung (far above any timeout under test). */
const CLIENT_TIMEOUT_MS = 30_000;
const PURPOSE = { 'x-purpose': 'SUPPORT_DESK' };
/** The relying party registered for the single sign-on probe. */
const SSO_CLIENT = 'dvc-thu-nghiem';
const SSO_CALLBACK = 'https://dichvucong.haiphong.gov.vn/auth/callback';

// --- results ------------------------------------------------------------------------------------

interface Row {
  trial: string;
  engine: string;
  figure: string;
  target: string;
  /** `info`: a behaviour reported, not a target. */
  met: boolean | 'info';
}
const rows: Row[] = [];
const verdict = (met: Row['met']) => (met === 'info' ? 'INFO' : met ? 'MET' : 'NOT MET');
function record(trial: string, engine: string, figure: string, target: string, met: Row['met']): void {
  rows.push({ trial, engine, figure, target, met });
  console.log(`  ${verdict(met).padEnd(7)} ${trial}: ${figure} (target ${target})`);
}

// --- private services -----------------------------------------------------------------------------

/** Processes and mounts to end whatever happens (an exception, Ctrl-C). */
const cleanups: (() => Promise<void> | void)[] = [];
/** Runs the cleanups registered so far, last first, each once. */
async function cleanUp(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

interface PrivatePostgres {
  url: string;
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
}

/** A PostgreSQL of our own: initdb into `dir`, started on a free port (run as `postgres` when root). */
async function startPrivatePostgres(dir: string): Promise<PrivatePostgres> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  const pgRun = (tool: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { timeout: 120_000 }) : run(path.join(bin, tool), args, { timeout: 120_000 }));
  const pgDir = path.join(dir, 'pg');
  fs.mkdirSync(pgDir);
  if (asRoot) {
    const { uid, gid } = postgresIds();
    fs.chownSync(pgDir, uid, gid);
  }
  const data = path.join(pgDir, 'data');
  const port = await freePort();
  const start = () => pgRun('pg_ctl', ['-D', data, '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${pgDir} -c fsync=off -c full_page_writes=off`, '-l', path.join(pgDir, 'server.log'), '-w', '-t', '60', 'start']).then(() => undefined);
  await pgRun('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '--no-instructions', '-E', 'UTF8', '--locale=C.UTF-8']);
  await start();
  cleanups.push(async () => {
    if (fs.existsSync(path.join(data, 'postmaster.pid'))) await pgRun('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
  });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: (mode) => pgRun('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']).then(() => undefined),
    start,
  };
}

interface PrivateRedis {
  url: string;
  kill(): Promise<void>;
  start(): Promise<void>;
}

async function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.setTimeout(500);
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

/** A Redis of our own on a free port, as a child process (no persistence). */
async function startPrivateRedis(dir: string): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const start = async () => {
    const log = fs.openSync(path.join(dir, 'redis.log'), 'a');
    const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    child = c;
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    const until = Date.now() + 10_000;
    while (!(await redisPing(port))) {
      if (Date.now() > until) throw new Error(`redis-server on port ${port} did not answer PING; log ${path.join(dir, 'redis.log')}`);
      await sleep(50);
    }
  };
  const kill = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  await start();
  cleanups.push(kill);
  return { url: `redis://127.0.0.1:${port}`, kill, start };
}

/** A tmpfs of `size` mounted on `dir` (made), unmounted by the cleanups. */
async function mountTmpfs(dir: string, size: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  await run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir]);
  cleanups.push(async () => {
    await run('umount', [dir]).catch(async () => {
      await sleep(500);
      await run('umount', ['-l', dir]).catch((e: Error) => console.error(`could not unmount ${dir}: ${e.message}`));
    });
  });
}

// --- HTTP ------------------------------------------------------------------------------------------

interface Shot {
  kind: string;
  /** ms since the trial's start when the request was sent / answered. */
  sent: number;
  done: number;
  ms: number;
  /** 0: no answer within CLIENT_TIMEOUT_MS or the connection failed. */
  status: number;
  problem: boolean;
  code?: string;
  retryAfter?: string;
  body: any;
}

let epoch = Date.now();
const now = () => Date.now() - epoch;

async function shot(base: string, kind: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Shot> {
  const sent = now();
  const t0 = performance.now();
  try {
    const isBuffer = Buffer.isBuffer(body);
    const r = await fetch(`${base}${url}`, {
      method,
      headers: { ...(body !== undefined && !isBuffer ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : isBuffer ? (body as Buffer) : JSON.stringify(body),
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
    const text = await r.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    const problem = (r.headers.get('content-type') ?? '').startsWith('application/problem+json');
    return { kind, sent, done: now(), ms: performance.now() - t0, status: r.status, problem, code: problem ? parsed?.code : undefined, retryAfter: r.headers.get('retry-after') ?? undefined, body: parsed };
  } catch (e) {
    return { kind, sent, done: now(), ms: performance.now() - t0, status: 0, problem: false, body: String(e) };
  }
}

const is2xx = (s: Shot) => s.status >= 200 && s.status < 300;
const tally = (shots: Shot[]) => {
  const m = new Map<string, number>();
  for (const s of shots) {
    const k = `${s.status}${s.code ? ` ${s.code}` : ''}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m.entries()].map(([k, n]) => `${n}× ${k}`).join(', ');
};

// --- the site ----------------------------------------------------------------------------------------

interface Site {
  /** The database the server runs on (PostgreSQL stopped and restarted is a PostgreSQL trial only). */
  engine: 'postgres' | 'sqlite';
  dir: string;
  env: Record<string, string>;
  /** A PostgreSQL URL, or the SQLite file's path. */
  pgUrl: string;
  smsFile: string;
  filesDir: string;
  timeoutMs: number;
  tokens: { officer: string; admin: string };
  eid: { pin: string; national: string; e164: string };
}

/** The database as `motcua serve` makes it at first start, then what the trials need. */
async function seed(site: Site): Promise<void> {
  const ctx = await openContext(loadConfig({ ...site.env, PORT: '0', LOG_LEVEL: 'silent' }), { seed: true });
  const app = await buildHttp(ctx);
  await app.ready();
  try {
    const db = ctx.db;
    await seedCounter(ctx, STAFF_PASSWORD, CLI, ['thu.matkhau1', 'thu.matkhau2']);
    // One approved level-1 e-ID application awaiting activation (its one-time code is guessed at).
    const police = (await signInStaff(db, 'congan.camhoang', STAFF_PASSWORD, '127.0.0.1')).token;
    const p = person({ pin: pinFor('female', 1985, 700_001), fullName: 'Trần Thị Bình An', dateOfBirth: '1985-03-02', sex: 'female' });
    if ((await createCitizen(db, p, CLI)).outcome !== 'created') throw new Error(`registry person ${p.pin} not created`);
    const national = '0910000001';
    const a = await app.inject({ method: 'POST', url: '/api/v1/eid/applications', remoteAddress: '198.51.100.7', payload: { pin: p.pin, fullName: p.fullName, dateOfBirth: p.dateOfBirth, sex: p.sex, phone: national, faceImage: makePng(80, 80).toString('base64') } });
    if (a.statusCode !== 201) throw new Error(`e-ID application: ${a.body}`);
    const d = await app.inject({ method: 'POST', url: `/api/v1/eid/applications/${a.json().id}/decision`, remoteAddress: '198.51.100.7', payload: { decision: 'approve' }, headers: { authorization: `Bearer ${police}` } });
    if (d.statusCode !== 200) throw new Error(`e-ID decision: ${d.body}`);
    site.eid = { pin: p.pin, national, e164: `+84${national.slice(1)}` };
    // A relying party of the single sign-on (its sessions and interactions live in Redis).
    await ssoRuntime(ctx, dataCipherFromEnv(site.env)).clients.create({ id: SSO_CLIENT, name: 'Cổng dịch vụ công thử nghiệm', redirectUris: [SSO_CALLBACK], scopes: ['profile'], purpose: 'Thử nghiệm sự cố' }, CLI);
    site.tokens.officer = (await signInStaff(db, 'canbo.camgiang', STAFF_PASSWORD, '127.0.0.1')).token;
    site.tokens.admin = (await signInStaff(db, 'admin', STAFF_PASSWORD, '127.0.0.1')).token;
  } finally {
    await app.close();
    await ctx.db.close();
  }
}

/** A read of the trial's database (PostgreSQL text; on SQLite without `::int` casts and with `?` placeholders). */
async function sql<R = any>(site: Site, text: string, params: unknown[] = []): Promise<R[]> {
  if (site.engine === 'sqlite') {
    const db = new SQLite(site.pgUrl, { readonly: true });
    try {
      return db.prepare(text.replace(/::int/g, '').replace(/\$\d+/g, '?')).all(...params) as R[];
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: site.pgUrl, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as R[];
  } finally {
    await c.end();
  }
}

/** The requests of the steady mix, by kind. */
function requests(site: Site, base: string): Record<string, () => Promise<Shot>> {
  const officer = { authorization: `Bearer ${site.tokens.officer}` };
  let n = 0;
  return {
    unit: () => shot(base, 'unit', 'GET', '/api/v1/units/10888'),
    registry: () => shot(base, 'registry', 'GET', `/api/v1/citizens/${HOA.pin}`, undefined, { ...officer, ...PURPOSE }),
    dossiers: () => shot(base, 'dossiers', 'GET', '/api/v1/dossiers', undefined, officer),
    dashboard: () => shot(base, 'dashboard', 'GET', '/api/v1/reports/dashboard', undefined, { authorization: `Bearer ${site.tokens.admin}` }),
    intake: () => shot(base, 'intake', 'POST', '/api/v1/dossiers', { serviceCode: INTAKE_SERVICE, channel: 'counter', data: SAMPLE_FORMS[INTAKE_SERVICE] }, { ...officer, 'idempotency-key': `faults-${process.pid}-${n++}` }),
  };
}

// --- 1. PostgreSQL stopped under load ----------------------------------------------------------------

async function postgresTrial(site: Site, server: Server, db: PrivatePostgres, mode: 'fast' | 'immediate', downSeconds: number): Promise<void> {
  const name = `postgres-stop -m ${mode}`;
  console.log(`\n${name}: ${CLIENTS} clients, PostgreSQL down ${downSeconds} s`);
  epoch = Date.now();
  const mix = requests(site, server.base);
  const kinds = [...Object.keys(mix), 'signin'];
  const signin = () => shot(server.base, 'signin', 'POST', '/api/v1/staff/sessions', { username: 'canbo.camgiang', password: STAFF_PASSWORD });
  const shots: Shot[] = [];
  const ready: Shot[] = [];
  let stop = false;
  const client = async (i: number) => {
    for (let k = i; !stop; k++) {
      const kind = kinds[k % kinds.length]!;
      shots.push(await (kind === 'signin' ? signin() : mix[kind]!()));
      await sleep(40);
    }
  };
  const probe = async () => {
    while (!stop) {
      ready.push(await shot(server.base, 'readyz', 'GET', '/readyz'));
      await sleep(200);
    }
  };
  const loops = [...Array.from({ length: CLIENTS }, (_, i) => client(i)), probe()];
  await sleep(3000);
  const tStop = now();
  await db.stop(mode);
  const tDown = now();
  await sleep(downSeconds * 1000);
  const tStart = now();
  await db.start();
  const tUp = now();
  // Until every kind answered 2xx again (at most 60 s), then 2 s more.
  const until = Date.now() + 60_000;
  const back = () => kinds.every((k) => shots.some((s) => s.kind === k && s.sent >= tUp && is2xx(s))) && ready.some((s) => s.sent >= tUp && s.status === 200);
  while (!back() && Date.now() < until) await sleep(100);
  await sleep(2000);
  stop = true;
  await Promise.all(loops);
  const alive = server.child.exitCode === null && server.child.signalCode === null;

  const down = shots.filter((s) => s.sent >= tDown && s.sent < tStart);
  const good503 = down.filter((s) => s.status === 503 && s.problem && s.code === 'SERVICE_UNAVAILABLE' && s.retryAfter !== undefined);
  const slowest = shots.reduce((m, s) => (s.ms > m.ms ? s : m), shots[0]!);
  const maxMs = slowest.ms;
  const phase = (s: Shot) => (s.sent < tStop ? 'before the stop' : s.sent < tDown ? 'sent during the stop' : s.sent < tStart ? 'while down' : s.sent < tUp ? 'during the start' : 'after the start');
  const maxDownMs = Math.max(0, ...down.map((s) => s.ms));
  const bad = shots.filter((s) => !is2xx(s) && !(s.status === 503 && s.problem && s.code === 'SERVICE_UNAVAILABLE'));
  const hung = shots.filter((s) => s.ms > site.timeoutMs);
  const recovered = kinds.map((k) => {
    const first = shots.find((s) => s.kind === k && s.sent >= tUp && is2xx(s));
    return { k, at: first ? (first.done - tUp) / 1000 : Infinity };
  });
  const recoverS = Math.max(...recovered.map((r) => r.at));
  const readyDown = ready.filter((s) => s.sent >= tDown && s.sent < tStart);
  const readyBack = ready.find((s) => s.sent >= tUp && s.status === 200);
  console.log(`  ${shots.length} requests (${tally(shots)}); stop took ${((tDown - tStop) / 1000).toFixed(2)} s, start ${((tUp - tStart) / 1000).toFixed(2)} s`);
  console.log(`  while down: ${down.length} requests: ${tally(down)}; max latency ${maxDownMs.toFixed(0)} ms`);
  console.log(`  2xx again after the start, s: ${recovered.map((r) => `${r.k} ${r.at.toFixed(2)}`).join(', ')}`);
  if (bad.length > 0) console.log(`  other answers: ${bad.slice(0, 5).map((s) => `${s.kind} ${s.status} ${JSON.stringify(s.body).slice(0, 200)}`).join(' | ')}`);
  record(name, 'postgres', `${good503.length}/${down.length} requests sent while down answered 503 problem+json SERVICE_UNAVAILABLE with Retry-After`, `all (and > 0)`, down.length > 0 && good503.length === down.length);
  record(name, 'postgres', `max latency ${maxMs.toFixed(0)} ms of ${shots.length} requests (${slowest.kind} ${phase(slowest)}, answered ${slowest.status}); ${hung.length} over the timeout`, `≤ MOTCUA_DB_TIMEOUT_MS ${site.timeoutMs} ms`, hung.length === 0 && maxMs <= site.timeoutMs);
  record(name, 'postgres', `${bad.length} answers neither 2xx nor 503 SERVICE_UNAVAILABLE (500s, no answer)`, '0', bad.length === 0);
  record(name, 'postgres', `every kind 2xx again ${recoverS.toFixed(2)} s after PostgreSQL accepted connections, server process not restarted (${alive ? 'alive' : 'gone'})`, '≤ 10 s, same process', recoverS <= 10 && alive);
  record(name, 'postgres', `/readyz while down: ${tally(readyDown)}; 200 again after ${readyBack ? ((readyBack.done - tUp) / 1000).toFixed(2) : '∞'} s`, 'all 503 while down, 200 after', readyDown.length > 0 && readyDown.every((s) => s.status === 503) && readyBack !== undefined);
}

// --- 2. Redis down ------------------------------------------------------------------------------------

function codeInSink(site: Site, after: number): string | undefined {
  if (!fs.existsSync(site.smsFile)) return undefined;
  let code: string | undefined;
  for (const line of fs.readFileSync(site.smsFile, 'utf8').split('\n')) {
    if (!line.includes(site.eid.e164)) continue;
    const m = JSON.parse(line) as { id: number; to: string; kind: string; text: string };
    const c = /là (\d{6}),/.exec(m.text);
    if (m.to === site.eid.e164 && m.kind === 'eid.otp' && m.id > after && c) code = c[1];
  }
  return code;
}

async function redisTrial(site: Site, server: Server, redis: PrivateRedis): Promise<void> {
  const name = 'redis-down';
  console.log(`\n${name}`);
  const base = server.base;
  const staffTry = (username: string, password: string) => shot(base, 'signin', 'POST', '/api/v1/staff/sessions', { username, password });
  const wrong = 'Sai-mat-khau-9999';
  const codeTry = (code: string) => shot(base, 'eid-code', 'POST', '/api/v1/eid/activations/confirm', { pin: site.eid.pin, phone: site.eid.national, code, password: 'Thu-nghiem-loi-2026', passcode: '482913' });
  const codeAttempts = async () => Number((await sql<{ n: number }>(site, 'select coalesce(sum(attempts), 0)::int as n from eid_codes'))[0]!.n);

  // Limits with Redis up: the 11th wrong password of an account answers 429.
  const before: Shot[] = [];
  for (let i = 0; i < 11; i++) before.push(await staffTry('thu.matkhau1', wrong));
  console.log(`  Redis up, 11 wrong passwords: ${tally(before)}`);
  record(name, `${site.engine}+redis`, `Redis up: 11th wrong staff password answered ${before[10]!.status} ${before[10]!.code ?? ''}`, '429 RATE_LIMITED', before[10]!.status === 429 && before[10]!.code === 'RATE_LIMITED');

  // A one-time code sent while Redis is up (its sending is rate limited too).
  const after = Number((await sql<{ m: number | null }>(site, 'select max(id)::int as m from outbox_messages'))[0]?.m ?? 0);
  const asked = await shot(base, 'eid-send', 'POST', '/api/v1/eid/activations', { pin: site.eid.pin, phone: site.eid.national });
  if (!is2xx(asked)) throw new Error(`asking for a one-time code answered ${asked.status}: ${JSON.stringify(asked.body)}`);
  let code: string | undefined;
  for (const until = Date.now() + 15_000; !code && Date.now() < until; ) {
    code = codeInSink(site, after);
    if (!code) await sleep(50);
  }
  if (!code) throw new Error('no one-time code reached the SMS sink');
  const wrongCode = code === '000000' ? '111111' : '000000';

  const ssoUp = await ssoProbe(base);
  console.log(`  Redis up, single sign-on authorization request: ${ssoUp.status} ${ssoUp.location ?? ''}`);
  await redis.kill();
  await sleep(300);
  const attempts0 = await codeAttempts();
  const guesses: Shot[] = [];
  for (let i = 0; i < 30; i++) guesses.push(await staffTry('thu.matkhau2', `${wrong}${i}`));
  const codes: Shot[] = [];
  for (let i = 0; i < 30; i++) codes.push(await codeTry(String((Number(wrongCode) + i * 7919) % 1_000_000).padStart(6, '0').replace(code, wrongCode)));
  const rightPassword = await staffTry('thu.matkhau2', STAFF_PASSWORD);
  const rightCode = await codeTry(code);
  const attempts1 = await codeAttempts();
  const refused = (s: Shot) => s.status === 503 && s.problem && s.code === 'RATE_LIMIT_UNAVAILABLE' && s.retryAfter !== undefined;
  const evaluatedStaff = guesses.filter((s) => s.status === 401).length;
  const evaluatedCodes = codes.filter((s) => s.status === 400 || s.status === 409).length + (attempts1 - attempts0);
  console.log(`  Redis down, 30 wrong staff passwords: ${tally(guesses)}; right password: ${rightPassword.status} ${rightPassword.code ?? ''}`);
  console.log(`  Redis down, 30 wrong e-ID codes: ${tally(codes)}; right code: ${rightCode.status} ${rightCode.code ?? ''}; eid_codes.attempts ${attempts0} → ${attempts1}`);
  record(name, `${site.engine}+redis`, `Redis down: ${guesses.filter(refused).length}/30 wrong staff passwords and ${codes.filter(refused).length}/30 wrong e-ID codes refused 503 RATE_LIMIT_UNAVAILABLE with Retry-After`, '30/30 and 30/30', guesses.every(refused) && codes.every(refused));
  record(name, `${site.engine}+redis`, `guesses evaluated against the real password / code while Redis was down: ${evaluatedStaff} / ${evaluatedCodes}`, '0 / 0', evaluatedStaff === 0 && evaluatedCodes === 0);
  const fivehundreds = [...guesses, ...codes, rightPassword, rightCode].filter((s) => s.status >= 500 && s.status !== 503).length;
  record(name, `${site.engine}+redis`, `500s among the guarded requests: ${fivehundreds}; right password / right code while down: ${rightPassword.status} / ${rightCode.status} (fail closed)`, '0; 503 / 503', fivehundreds === 0 && rightPassword.status === 503 && rightCode.status === 503);

  // Single sign-on: an authorization request stores an interaction in Redis (reported, not a target).
  const ssoDown = await ssoProbe(base);
  console.log(`  Redis down, single sign-on authorization request: ${ssoDown.status}${ssoDown.code ? ` ${ssoDown.code}` : ''} ${ssoDown.location ?? String(typeof ssoDown.body === 'string' ? ssoDown.body : JSON.stringify(ssoDown.body)).replace(/\s+/g, ' ').slice(0, 160)}`);
  // RFC 6749 §4.1.2.1: the portal gets `error=temporarily_unavailable` back (or a 503 page), never a 500.
  const ssoSentBack = ssoDown.status === 303 && ssoDown.location !== undefined && new URL(ssoDown.location).searchParams.get('error') === 'temporarily_unavailable';
  record(name, `${site.engine}+redis`, `Redis down: single sign-on authorization request (interaction kept in Redis) answered ${ssoDown.status}${ssoDown.code ? ` ${ssoDown.code}` : ''} ${ssoDown.location ? `→ ${new URL(ssoDown.location).search}` : ''} (Redis up: ${ssoUp.status})`, '303 error=temporarily_unavailable or 503', ssoSentBack || ssoDown.status === 503);

  // Features that do not need Redis keep working.
  const mix = requests(site, base);
  const others: Shot[] = [];
  for (let i = 0; i < 3; i++) for (const f of Object.values(mix)) others.push(await f());
  others.push(await shot(base, 'readyz', 'GET', '/readyz'));
  console.log(`  Redis down, other features: ${[...new Set(others.map((s) => s.kind))].map((k) => `${k} ${tally(others.filter((s) => s.kind === k))}`).join('; ')}`);
  record(name, `${site.engine}+redis`, `Redis down: ${others.filter(is2xx).length}/${others.length} unit, registry, dossier list, dashboard, intake and /readyz requests 2xx`, 'all', others.every(is2xx));

  // Redis back: limits count again.
  await redis.start();
  const tBack = Date.now();
  const afterShots: Shot[] = [];
  let s: Shot;
  do {
    s = await staffTry('thu.matkhau2', wrong);
    if (s.status !== 503) afterShots.push(s);
    else await sleep(100);
  } while (s.status === 503 && Date.now() - tBack < 20_000);
  const recoverS = (Date.now() - tBack) / 1000;
  for (let i = 0; i < 12 && afterShots.at(-1)?.status !== 429; i++) afterShots.push(await staffTry('thu.matkhau2', wrong));
  const codesBack: Shot[] = [];
  for (let i = 0; i < 12 && codesBack.at(-1)?.status !== 429; i++) codesBack.push(await codeTry(wrongCode));
  console.log(`  Redis restarted: staff sign-in counted again after ${recoverS.toFixed(2)} s; wrong passwords: ${tally(afterShots)}; wrong codes: ${tally(codesBack)}`);
  const staff429 = afterShots.findIndex((x) => x.status === 429);
  const code429 = codesBack.findIndex((x) => x.status === 429);
  const ssoBack = await ssoProbe(base);
  console.log(`  Redis restarted, single sign-on authorization request: ${ssoBack.status} ${ssoBack.location ?? ''}`);
  record(name, `${site.engine}+redis`, `Redis restarted: single sign-on authorization request answered ${ssoBack.status}`, `${ssoUp.status} as with Redis up`, ssoBack.status === ssoUp.status);
  record(name, `${site.engine}+redis`, `Redis restarted: limits count again after ${recoverS.toFixed(2)} s; 429 at wrong password #${staff429 + 1}, at wrong e-ID code #${code429 + 1}`, '429 by #11 (10 allowed) and #11 (10/h per phone)', staff429 >= 0 && staff429 <= 10 && code429 >= 0 && code429 <= 10);
}

/** `GET /oidc/auth` of the registered relying party (code flow with PKCE), redirects not followed. */
async function ssoProbe(base: string): Promise<Shot & { location?: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const q = new URLSearchParams({ client_id: SSO_CLIENT, response_type: 'code', scope: 'openid profile', redirect_uri: SSO_CALLBACK, state: randomBytes(8).toString('hex'), nonce: randomBytes(8).toString('hex'), code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' });
  const sent = now();
  const t0 = performance.now();
  try {
    const r = await fetch(`${base}/oidc/auth?${q}`, { redirect: 'manual', signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS) });
    const text = await r.text();
    const problem = (r.headers.get('content-type') ?? '').startsWith('application/problem+json');
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // an HTML page
    }
    return { kind: 'sso', sent, done: now(), ms: performance.now() - t0, status: r.status, problem, code: problem ? body?.code : undefined, body, location: r.headers.get('location') ?? undefined };
  } catch (e) {
    return { kind: 'sso', sent, done: now(), ms: performance.now() - t0, status: 0, problem: false, body: String(e) };
  }
}

// --- 3. A full disk ------------------------------------------------------------------------------------

const pdfOf = (i: number, bytes: number) => {
  const filler = createHash('sha256').update(`pdf ${i}`).digest('hex');
  return Buffer.concat([Buffer.from(`%PDF-1.7\n% thu nghiem ${i}\n1 0 obj << /Type /Catalog >> endobj\n`), Buffer.from(filler.repeat(Math.ceil(bytes / 64)).slice(0, bytes)), Buffer.from('\n%%EOF\n')]);
};

function multipart(name: string, content: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----motcua-faults-${randomBytes(6).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`, 'utf8');
  return { payload: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Uploads until the disk is full, checks what is left, frees space (deletes `ballast`) and uploads again. */
async function diskTrial(site: Site, server: Server, ballast: string): Promise<void> {
  const name = 'disk-full';
  console.log(`\n${name}: attachments on a 2 MiB tmpfs (${site.filesDir})`);
  const officer = { authorization: `Bearer ${site.tokens.officer}` };
  const filed = await shot(server.base, 'intake', 'POST', '/api/v1/dossiers', { serviceCode: INTAKE_SERVICE, channel: 'counter', data: SAMPLE_FORMS[INTAKE_SERVICE] }, { ...officer, 'idempotency-key': `faults-disk-${process.pid}` });
  if (!is2xx(filed)) throw new Error(`filing a dossier answered ${filed.status}: ${JSON.stringify(filed.body)}`);
  const code = filed.body.code as string;
  const upload = (i: number, lang: string) => {
    const m = multipart(`Giấy tờ ${i}.pdf`, pdfOf(i, 300_000));
    return shot(server.base, 'upload', 'POST', `/api/v1/dossiers/${code}/attachments`, m.payload, { ...m.headers, ...officer, 'accept-language': lang });
  };
  const stored: Shot[] = [];
  let failed: Shot | undefined;
  let i = 0;
  for (; i < 20; i++) {
    const s = await upload(i, 'vi');
    if (is2xx(s)) stored.push(s);
    else {
      failed = s;
      break;
    }
  }
  const failedEn = failed ? await upload(i, 'en') : undefined;
  const df = fs.statfsSync(site.filesDir);
  console.log(`  ${stored.length} uploads of 300 KB stored, then: ${failed ? `${failed.status} ${failed.code}: ${failed.body?.detail} | ${failedEn?.body?.detail}` : 'none failed'}; free ${(df.bavail * df.bsize / 1024).toFixed(0)} KiB`);
  const ok507 = (s: Shot | undefined) => s !== undefined && s.status === 507 && s.problem && s.code === 'ATTACHMENT_STORAGE_FULL';
  const vi = failed?.body?.detail as string | undefined;
  const en = failedEn?.body?.detail as string | undefined;
  record(name, site.engine, `upload #${i + 1} that did not fit: ${failed?.status ?? '-'} ${failed?.code ?? ''}, problem+json ${failed?.problem ?? false}; vi "${vi ?? ''}" / en "${en ?? ''}"`, '507 ATTACHMENT_STORAGE_FULL, vi and en', ok507(failed) && ok507(failedEn) && !!vi && !!en && vi !== en);

  const consistency = async () => {
    const dbRows = await sql<{ sha256: string; size: string }>(site, 'select a.sha256, a.size from dossier_attachments a join dossiers d on d.id = a.dossier_id where d.code = $1', [code]);
    const files = walk(site.filesDir);
    const tmp = files.filter((f) => f.startsWith(path.join(site.filesDir, 'tmp') + path.sep));
    let badFiles = 0;
    for (const f of files.filter((x) => !tmp.includes(x))) {
      const bytes = fs.readFileSync(f);
      const sha = createHash('sha256').update(bytes).digest('hex');
      const row = dbRows.find((r) => r.sha256 === path.basename(f));
      if (sha !== path.basename(f) || !row || Number(row.size) !== bytes.length) badFiles++;
    }
    const missing = dbRows.filter((r) => !fs.existsSync(path.join(site.filesDir, r.sha256.slice(0, 2), r.sha256))).length;
    const audits = Number((await sql<{ n: number }>(site, `select count(*)::int as n from audit_log l join audit_subjects s on s.seq = l.seq where l.action = 'dossier.attach' and s.subject = $1`, [`dossier:${code}`]))[0]!.n);
    return { rows: dbRows.length, files: files.length - tmp.length, tmp: tmp.length, badFiles, missing, audits };
  };
  const c1 = await consistency();
  console.log(`  after the failure: ${c1.rows} rows, ${c1.files} files, ${c1.tmp} in tmp/, ${c1.badFiles} files without a matching row or hash, ${c1.missing} rows without a file, ${c1.audits} audit entries`);
  record(name, site.engine, `after the failure: ${c1.files} files for ${c1.rows} rows (${stored.length} stored), ${c1.tmp} temporary, ${c1.badFiles} mismatched, ${c1.missing} missing`, 'files = rows = stored, 0 temporary, 0 mismatched, 0 missing', c1.files === c1.rows && c1.rows === stored.length && c1.tmp === 0 && c1.badFiles === 0 && c1.missing === 0);

  // Room again: the ballast goes, the same upload is stored whole.
  fs.rmSync(ballast);
  const again = await upload(i, 'vi');
  const c2 = await consistency();
  const view = await shot(server.base, 'dossier', 'GET', `/api/v1/dossiers/${code}`, undefined, officer);
  const listed = Array.isArray(view.body?.attachments) ? view.body.attachments.length : -1;
  console.log(`  space freed: upload #${i + 1} again ${again.status}; ${c2.rows} rows, ${c2.files} files, ${c2.tmp} in tmp/, ${c2.audits} audit entries; the dossier lists ${listed} attachments`);
  record(name, site.engine, `after freeing space: upload ${again.status}, ${c2.files} files = ${c2.rows} rows, ${c2.badFiles} mismatched, ${c2.missing} missing, ${c2.tmp} temporary`, '201, all consistent', again.status === 201 && c2.files === c2.rows && c2.rows === stored.length + 1 && c2.badFiles === 0 && c2.missing === 0 && c2.tmp === 0);

  // Not half-written: one audit entry per attachment, the dossier lists them all, the chain holds.
  const ctx = await openContext(loadConfig({ ...site.env, PORT: '0', LOG_LEVEL: 'silent' }), { seed: false });
  let chainOk = false;
  try {
    chainOk = (await verifyAuditChain(ctx.db)).ok;
  } finally {
    await ctx.db.close();
  }
  record(name, site.engine, `dossier: ${listed} attachments listed, ${c2.audits} attach audit entries, audit chain ${chainOk ? 'intact' : 'BROKEN'}`, `${c2.rows} = ${c2.rows}, intact`, listed === c2.rows && c2.audits === c2.rows && chainOk);
}

// --- the run --------------------------------------------------------------------------------------------

/** Empties a Redis (the counters of the previous pass). */
async function flushRedis(url: string): Promise<void> {
  const c = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    await c.flushall();
  } finally {
    c.disconnect();
  }
}

/** A site on `engine` in `dir`: its environment, a 2 MiB tmpfs for attachments with a 400 KiB ballast file. */
async function siteOn(engine: Site['engine'], dir: string, database: string, redisUrl: string, keyFile: string): Promise<Site & { ballast: string }> {
  const disk = path.join(dir, 'disk');
  await mountTmpfs(disk, '2m');
  const ballast = path.join(disk, 'ballast.bin');
  fs.writeFileSync(ballast, Buffer.alloc(400 * 1024));
  const smsFile = path.join(dir, 'sms.jsonl');
  const env = trialEnv(dir, engine === 'sqlite' ? `sqlite:${database}` : database, keyFile, {
    ...CHECKING_ENV,
    REDIS_URL: redisUrl,
    MOTCUA_DATA_DIR: disk,
    MOTCUA_FILES_DIR: path.join(disk, 'files'),
    MOTCUA_ATTACHMENT_MAX_BYTES: '1000000',
    MOTCUA_DOSSIER_MAX_BYTES: '20000000',
  });
  const timeoutMs = loadConfig(env).dbTimeoutMs;
  return { engine, dir, env, pgUrl: database, smsFile, filesDir: path.join(disk, 'files'), timeoutMs, tokens: { officer: '', admin: '' }, eid: { pin: '', national: '', e164: '' }, ballast };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'down-seconds': { type: 'string', default: '10' },
      'no-build': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const downSeconds = Number(values['down-seconds']);
  if (!(downSeconds > 0 && downSeconds <= 120)) throw new Error('--down-seconds: 1 to 120');
  if (process.getuid?.() !== 0) throw new Error('fault trials need root (mount -t tmpfs; PostgreSQL run as the postgres account)');
  const started = Date.now();
  if (!values['no-build']) await ensureBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-faults-'));
  fs.chmodSync(dir, 0o755);
  let server: Server | undefined;
  try {
    const db = await startPrivatePostgres(dir);
    const redis = await startPrivateRedis(dir);
    const keyFile = newKeyFile(dir);

    // PostgreSQL: stopped and restarted under load, then Redis down, then the disk full.
    const pgSite = await siteOn('postgres', dir, db.url, redis.url, keyFile);
    console.log(`fault trials: PostgreSQL ${db.url}, Redis ${redis.url}, attachments on tmpfs ${pgSite.filesDir} (2 MiB), MOTCUA_DB_TIMEOUT_MS ${pgSite.timeoutMs}, directory ${dir}`);
    await seed(pgSite);
    server = await startServer(pgSite);
    let pid = server.child.pid;
    await postgresTrial(pgSite, server, db, 'fast', downSeconds);
    await postgresTrial(pgSite, server, db, 'immediate', downSeconds);
    await redisTrial(pgSite, server, redis);
    await diskTrial(pgSite, server, pgSite.ballast);
    if (server.child.pid !== pid || server.child.exitCode !== null) throw new Error('the server process changed during the trials');
    await stopServer(server);
    server = undefined;

    // SQLite (the embedded default): Redis down and the disk full again, on a Redis emptied of the
    // first pass's counters.
    await flushRedis(redis.url);
    const sqliteDir = path.join(dir, 'sqlite');
    fs.mkdirSync(sqliteDir, { recursive: true });
    const sqliteSite = await siteOn('sqlite', sqliteDir, path.join(sqliteDir, 'motcua.sqlite'), redis.url, keyFile);
    console.log(`\nfault trials on SQLite ${sqliteSite.pgUrl}, attachments on tmpfs ${sqliteSite.filesDir} (2 MiB)`);
    await seed(sqliteSite);
    server = await startServer(sqliteSite);
    pid = server.child.pid;
    await redisTrial(sqliteSite, server, redis);
    await diskTrial(sqliteSite, server, sqliteSite.ballast);
    if (server.child.pid !== pid || server.child.exitCode !== null) throw new Error('the server process changed during the trials');
  } finally {
    if (server) await stopServer(server);
    await cleanUp();
    if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
  console.log(`\n${'trial'.padEnd(26)} ${'engine'.padEnd(15)} ${'figure'.padEnd(110)} ${'target'.padEnd(40)} result`);
  for (const r of rows) console.log(`${r.trial.padEnd(26)} ${r.engine.padEnd(15)} ${r.figure.padEnd(110)} ${r.target.padEnd(40)} ${verdict(r.met)}`);
  const targets = rows.filter((r) => r.met !== 'info');
  const unmet = targets.filter((r) => !r.met).length;
  console.log(`\n${targets.length - unmet}/${targets.length} targets met in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exit(unmet === 0 ? 0 : 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void cleanUp().finally(() => process.exit(130));
    });
  }
  main().catch(async (e) => {
    console.error(e);
    await cleanUp();
    process.exit(1);
  });
}

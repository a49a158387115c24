/**
 * What the trials (crash, faults, load) share: the build of dist/, free ports, `motcua` as a child
 * process in its own process group (started, killed with SIGKILL, stopped with SIGTERM), a fresh
 * database of either engine, the server's environment, and the Cẩm Giang counter they file at.
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { AppContext } from '../src/platform/module.js';
import type { Engine } from '../src/platform/db/database.js';
import { createCitizen } from '../src/population/index.js';
import { createStaff } from '../src/identity/index.js';
import { deployService } from '../src/services/index.js';
import { importUnitList, unitCodeExists, type UnitsTables } from '../src/units/index.js';
import { dossierEnv } from '../src/dossiers/access.js';
import { saveAgency } from '../src/dossiers/agencies.js';
import { AGENCY, HOA, UNIT_LIST_2025 } from '../src/dossiers/fixtures.js';
import { CAM_HOANG, UNIT_DATE } from '../src/identity/eid/testing/fixtures.js';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const PG_URL = process.env.MOTCUA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The counter service the trials file (temporary residence registration). */
export const INTAKE_SERVICE = '1.004194';

// --- the build -----------------------------------------------------------------------------------


function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Runs `npm run build` when dist/ is missing or older than src/. */
export async function ensureBuilt(): Promise<void> {
  const entry = path.join(ROOT, 'dist/src/cli/entry.js');
  if (fs.existsSync(entry) && fs.statSync(entry).mtimeMs >= newestMtime(path.join(ROOT, 'src'))) return;
  process.stderr.write('trials: dist/ is older than src/: npm run build …\n');
  await new Promise<void>((resolve, reject) => {
    const b = spawn('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    b.on('exit', (code) => {
      if (code === 0) resolve();
      // Type errors still emit (others may be editing src/): go on with what was built, said so.
      else if (fs.existsSync(entry)) {
        process.stderr.write(`trials: npm run build exited ${code}; running the dist/ it left\n`);
        resolve();
      } else reject(new Error(`npm run build exited ${code}`));
    });
  });
}

// --- ports and processes -------------------------------------------------------------------------------

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}


export interface Server {
  child: ChildProcess;
  base: string;
  exited: Promise<void>;
}

/** Child processes alive: killed (their groups) when this process ends, whatever the way. */
export const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) killGroup(c);
});

/** How `motcua` is started: the compiled dist/, or src/ through tsx (`--from-source`: no build needed, slower starts). */
let motcuaEntry: string[] = [path.join(ROOT, 'bin/motcua.js')];

/** Starts `motcua` from src/ through tsx (true: no build needed, slower starts) or the compiled dist/. */
export function runFromSource(on: boolean): void {
  motcuaEntry = on ? ['--import', 'tsx', path.join(ROOT, 'src/cli/entry.ts')] : [path.join(ROOT, 'bin/motcua.js')];
}

export function spawnGroup(args: string[], env: Record<string, string>, log: string): { child: ChildProcess; exited: Promise<number | null> } {
  const fd = fs.openSync(log, 'a');
  const child = spawn(process.execPath, [...motcuaEntry, ...args], { cwd: ROOT, env, detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  live.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  return { child, exited };
}

/** SIGKILL to the whole process group of `child`. */
export function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `motcua serve` on a free port with `site.env`, logging to `site.dir`/server.log; resolves once /readyz answers 200. */
export async function startServer(site: { dir: string; env: Record<string, string> }): Promise<Server> {
  const port = await freePort();
  const log = path.join(site.dir, 'server.log');
  const { child, exited } = spawnGroup(['serve'], { ...site.env, PORT: String(port) }, log);
  let gone = false;
  const done = exited.then(() => void (gone = true));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (gone) throw new Error(`server exited at start; log ${log}:\n${fs.readFileSync(log, 'utf8').slice(-2000)}`);
    if (Date.now() > deadline) {
      killGroup(child);
      throw new Error(`server not ready after 120 s; log ${log}`);
    }
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(40);
  }
  return { child, base, exited: done };
}

export async function kill9(s: Server): Promise<void> {
  killGroup(s.child);
  await s.exited;
}

export async function stopServer(s: Server): Promise<void> {
  try {
    process.kill(-s.child.pid!, 'SIGTERM');
  } catch {
    return;
  }
  const t = setTimeout(() => killGroup(s.child), 15_000);
  await s.exited;
  clearTimeout(t);
}

// --- a database and a server environment ---------------------------------------------------------------

/**
 * A fresh database for `engine`: a SQLite file in `dir`, or a new PostgreSQL database of the test
 * server named `<prefix>_<pid>_<hex>`; `drop` removes it (with `dir`) unless `keep`.
 */
export async function freshDatabase(engine: Engine, dir: string, prefix: string, keep = false): Promise<{ url: string; drop(): Promise<void> }> {
  let url = `sqlite:${path.join(dir, `${prefix}.sqlite`)}`;
  let database: string | undefined;
  if (engine === 'postgres') {
    database = `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
    await admin.connect();
    await admin.query(`create database ${database}`);
    await admin.end();
    const u = new URL(PG_URL);
    u.pathname = `/${database}`;
    url = u.toString();
  }
  return {
    url,
    async drop() {
      if (keep) {
        process.stderr.write(`kept ${engine} database at ${url} (directory ${dir})\n`);
        return;
      }
      if (database) {
        const admin = new pg.Client({ connectionString: PG_URL });
        await admin.connect();
        await admin.query(`drop database if exists ${database} with (force)`);
        await admin.end();
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The environment of a trial's `motcua serve`: the database URL, a data key file, SMS and mail to
 * files in `dir` (SMS at `dir`/sms.jsonl), no demo, staff without TOTP; `extra` last (see {@link CHECKING_ENV}).
 */
export function trialEnv(dir: string, databaseUrl: string, keyFile: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.tmpdir(),
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    MOTCUA_DEMO: 'off',
    MOTCUA_STAFF_TOTP: 'optional',
    MOTCUA_DATA_KEY_FILE: keyFile,
    LOG_LEVEL: 'warn',
    MOTCUA_DATA_DIR: dir,
    MOTCUA_FILES_DIR: path.join(dir, 'files'),
    MOTCUA_WEB_DIR: path.join(ROOT, 'web/dist'),
    MOTCUA_SMS_SINK: `file:${path.join(dir, 'sms.jsonl')}`,
    MOTCUA_MAIL_SINK: `file:${path.join(dir, 'mail.jsonl')}`,
    MOTCUA_PUBLIC_URL: 'https://dichvucong.haiphong.gov.vn',
    ...extra,
  };
}

/**
 * For trials that look at the database right after each answer (crash, faults): the outbox sends
 * within 50 ms, units are read uncached, a small PostgreSQL pool. Not for measuring (load).
 */
export const CHECKING_ENV: Readonly<Record<string, string>> = { MOTCUA_OUTBOX_POLL_MS: '50', MOTCUA_UNITS_CACHE_MS: '0', MOTCUA_PG_POOL_MAX: '5' };

/** A new data key file (0600) in `dir`. */
export function newKeyFile(dir: string): string {
  const keyFile = path.join(dir, 'data-key');
  fs.writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  return keyFile;
}

/**
 * The Cẩm Giang counter on a database seeded as at first start: the 2025 units, an ADMIN, the
 * commune officer `canbo.camgiang` and the police `congan.camhoang` (plus `moreOfficers` of the
 * commune), {@link INTAKE_SERVICE} deployed, the receiving agency, and the sample citizen Hòa.
 */
export async function seedCounter(ctx: AppContext, password: string, actor: { kind: 'cli'; id: string }, moreOfficers: string[] = []): Promise<void> {
  const db = ctx.db;
  await importUnitList(db, UNIT_LIST_2025, { validFrom: '2025-07-01', source: 'Quyết định 19/2025/QĐ-TTg', actor });
  const staff: [string, 'ADMIN' | 'COMMUNE_OFFICER' | 'COMMUNE_POLICE', string | null, string][] = [
    ['admin', 'ADMIN', null, '2025-07-01'],
    ['canbo.camgiang', 'COMMUNE_OFFICER', '10888', '2025-07-01'],
    ...moreOfficers.map((u) => [u, 'COMMUNE_OFFICER', '10888', '2025-07-01'] as [string, 'COMMUNE_OFFICER', string, string]),
    ['congan.camhoang', 'COMMUNE_POLICE', CAM_HOANG, UNIT_DATE],
  ];
  for (const [username, role, unit, unitDate] of staff) {
    await createStaff(db, { username, password, role, unitCode: unit, unitDate }, actor, (c) => unitCodeExists(db.as<UnitsTables>(), c));
  }
  await deployService(db, INTAKE_SERVICE, '10888', '2025-07-01', actor);
  await saveAgency(dossierEnv(ctx), '10888', { agencyCode: AGENCY, nameVi: 'Trung tâm Phục vụ hành chính công xã Cẩm Giang', headTitle: 'Chủ tịch UBND xã Cẩm Giang', headEmail: 'chutich.camgiang@haiphong.gov.vn' }, actor);
  await createCitizen(db, HOA, actor);
}

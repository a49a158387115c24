/**
 * Crash trials (issue 9 item 2): `npm run trials:crash -- [--seed N] [--trials N]
 * [--engine sqlite|postgres|both] [--scenario import|intake|activation|all] [--keep] [--no-build] [--from-source]`.
 *
 * The compiled server (`node bin/motcua.js serve`, dist/ rebuilt first when src/ is newer) runs as
 * a child process in its own process group on a free port, and is killed with SIGKILL at a random
 * moment (xoroshiro128+ from `pure-rand`, seed printed and settable) while a client works:
 * - `intake`: four clients file counter dossiers (`POST /api/v1/dossiers`, each with its own
 *   `Idempotency-Key`); after the restart every request left without an answer is sent again with
 *   the SAME key and body, and two answered ones too (they must replay the first answer);
 * - `activation`: four citizens with approved e-ID applications ask for the SMS code
 *   (`POST /api/v1/eid/activations`), read it from the SMS file sink and confirm
 *   (`POST /api/v1/eid/activations/confirm`); after the restart a citizen without an answer confirms
 *   again with the code held, or asks for a new one and confirms;
 * - `import`: a generated citizen list (2,000 rows, batches of 50) imported by the CLI importer
 *   (`motcua citizens import`, killed: even trials) or uploaded to the server
 *   (`POST /api/v1/citizen-imports`, server killed: odd trials); the import is then resumed
 *   (the CLI's function `importCitizens` on the same file; the upload sent again).
 *
 * After each trial the database is checked: lost (a 2xx-answered dossier or activation, or an
 * imported row under the committed checkpoint, missing), duplicated (more than one dossier per
 * key, a replay answering another code, more than one activation event or outbox SMS per code,
 * a second import row or a row counted twice), half-written (a dossier without its first event,
 * idempotency row or audit entry; an active account without its event, usage row or audit entry;
 * a code without its SMS; imported rows past the checkpoint or missing under it, or without
 * their batch's audit entry), the audit chain (verifyAuditChain) and the roll-up counters against
 * a full recount (verifyRollups), per trial for the scenario's indicator and in full at the end.
 * Prints one line per engine × scenario; exits 1 when any count that must be 0 is not (lost,
 * duplicated, half-written, chain breaks, roll-up differences, and requests still unanswered
 * after the retries). The kill moments of activation and import aim within how long the work
 * took in an earlier trial that the kill came too late for ("kill after the end").
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { buildHttp, openContext } from '../src/app/app.js';
import { modules } from '../src/app/modules.js';
import { verifyAuditChain } from '../src/platform/audit/audit.js';
import { loadConfig } from '../src/platform/config.js';
import type { Engine } from '../src/platform/db/database.js';
import type { Api, AppContext } from '../src/platform/module.js';
import { verifyRollups } from '../src/reports/rebuild.js';
import { importCitizens } from '../src/population/importer.js';
import { createCitizen } from '../src/population/index.js';
import { signInStaff } from '../src/identity/index.js';
import { SAMPLE_FORMS } from '../src/services/index.js';
import { CAM_HOANG, makePng, person, pinFor, UNIT_DATE } from '../src/identity/eid/testing/fixtures.js';
import { CHECKING_ENV, ensureBuilt, freshDatabase, INTAKE_SERVICE, kill9, killGroup, live, newKeyFile, runFromSource, seedCounter, sleep, spawnGroup, startServer, stopServer, trialEnv, type Server } from './lib.js';

const CLI = { kind: 'cli' as const, id: 'cli:crash-trials' };
const STAFF_PASSWORD = 'Mot-cua-2026!';
const CITIZEN_PASSWORD = 'Thu-nghiem-sap-2026';
const ACCOUNTS_PER_TRIAL = 4;
const INTAKE_CLIENTS = 4;
const IMPORT_ROWS = 2000;
const IMPORT_BATCH = 50;

type Scenario = 'import' | 'intake' | 'activation';

export interface Tally {
  trials: number;
  requests: number;
  answered: number;
  /** Requests the kill left without an answer (sent again after the restart). */
  cutOff: number;
  lost: number;
  duplicated: number;
  halfWritten: number;
  chainBreaks: number;
  rollupDiffs: number;
  /** Requests still without a 2xx answer after the retries (or imports not done). */
  unfinished: number;
  /** Trials where the kill came after the work was over (nothing was interrupted). */
  notInterrupted: number;
  /**
   * Activation SMS written twice to the file sink (one outbox row delivered again after a kill
   * between the send and its `sent` mark: at-least-once delivery by design, the gateway dedupes on
   * the message's `Idempotency-Key`). Reported, not a failure.
   */
  smsRedelivered: number;
  /** Import runs stopped by SQLITE_BUSY and run again (see importTrial). */
  busyRetries: number;
  seconds: number;
}

const emptyTally = (): Tally => ({ trials: 0, requests: 0, answered: 0, cutOff: 0, lost: 0, duplicated: 0, halfWritten: 0, chainBreaks: 0, rollupDiffs: 0, unfinished: 0, notInterrupted: 0, smsRedelivered: 0, busyRetries: 0, seconds: 0 });

// --- random ------------------------------------------------------------------------------------

class Rand {
  private readonly rng: RandomGenerator;
  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed | 0);
  }
  int(min: number, max: number): number {
    return uniformInt(this.rng, min, max);
  }
}

// --- one engine's database, seeded ---------------------------------------------------------------

interface Account {
  pin: string;
  national: string;
  e164: string;
}

interface Site {
  engine: Engine;
  dir: string;
  env: Record<string, string>;
  smsFile: string;
  ctx: AppContext;
  app: Api;
  tokens: { officer: string; admin: string };
  accounts: Account[];
  /** Upper bound of the random kill moment of an activation trial, ms (lowered to what the work takes). */
  activationMs: number;
  /** The same for an import trial, from the import's start. */
  importMs: number;
  drop(): Promise<void>;
}

async function createSite(engine: Engine, activationTrials: number, keep: boolean): Promise<Site> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `motcua-crash-${engine}-`));
  const fresh = await freshDatabase(engine, dir, 'motcua_crash', keep);
  const url = fresh.url;
  const keyFile = newKeyFile(dir);
  const smsFile = path.join(dir, 'sms.jsonl');
  const env = trialEnv(dir, url, keyFile, { ...CHECKING_ENV, MOTCUA_OUTBOX_LEASE_MS: '3000' });
  // The database made as `motcua serve` makes it at first start (migrations, built-in units and
  // catalogues), then what the scenarios need, with the project's own functions.
  const ctx = await openContext(loadConfig({ ...env, PORT: '0', LOG_LEVEL: 'silent' }), { seed: true });
  const app = await buildHttp(ctx);
  await app.ready();
  const db = ctx.db;
  await seedCounter(ctx, STAFF_PASSWORD, CLI);
  const police = (await signInStaff(db, 'congan.camhoang', STAFF_PASSWORD, '127.0.0.1')).token;
  // Approved level-1 e-ID applications awaiting activation, four per activation trial.
  const accounts: Account[] = [];
  const given = ['An', 'Bình', 'Cường', 'Dũng', 'Giang', 'Hải', 'Khánh', 'Long', 'Minh', 'Nam'];
  for (let i = 0; i < activationTrials * ACCOUNTS_PER_TRIAL; i++) {
    const sex = i % 2 === 0 ? 'male' : 'female';
    const p = person({ pin: pinFor(sex, 1985, 700_000 + i), fullName: `${sex === 'male' ? 'Trần Văn' : 'Trần Thị'} ${given[i % 10]} ${given[Math.floor(i / 10) % 10]}`, dateOfBirth: `1985-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`, sex });
    const created = await createCitizen(db, p, CLI);
    if (created.outcome !== 'created') throw new Error(`registry person ${p.pin}: ${created.outcome}`);
    const national = `09${String(10_000_000 + i).padStart(8, '0')}`;
    const ip = `198.51.${Math.floor(i / 15) % 250}.${(i % 15) + 1}`;
    const a = await app.inject({ method: 'POST', url: '/api/v1/eid/applications', remoteAddress: ip, payload: { pin: p.pin, fullName: p.fullName, dateOfBirth: p.dateOfBirth, sex: p.sex, phone: national, faceImage: makePng(80, 80).toString('base64') } });
    if (a.statusCode !== 201) throw new Error(`application of ${p.pin}: ${a.body}`);
    const d = await app.inject({ method: 'POST', url: `/api/v1/eid/applications/${a.json().id}/decision`, remoteAddress: ip, payload: { decision: 'approve' }, headers: { authorization: `Bearer ${police}` } });
    if (d.statusCode !== 200) throw new Error(`decision on ${p.pin}: ${d.body}`);
    accounts.push({ pin: p.pin, national, e164: `+84${national.slice(1)}` });
  }
  const site: Site = {
    engine,
    dir,
    env,
    smsFile,
    ctx,
    app,
    tokens: { officer: '', admin: '' },
    accounts,
    activationMs: 2500,
    importMs: 3000,
    async drop() {
      await app.close();
      await ctx.db.close();
      await fresh.drop();
    },
  };
  await signInAll(site);
  return site;
}

/** Fresh staff sessions (a long run outlives the first ones). */
async function signInAll(site: Site): Promise<void> {
  site.tokens.officer = (await signInStaff(site.ctx.db, 'canbo.camgiang', STAFF_PASSWORD, '127.0.0.1')).token;
  site.tokens.admin = (await signInStaff(site.ctx.db, 'admin', STAFF_PASSWORD, '127.0.0.1')).token;
}

// --- HTTP client -------------------------------------------------------------------------------------

interface Answer {
  status: number;
  body: any;
  ok?: boolean;
}

/** One request; undefined when no answer came (connection refused or reset: the server died). */
async function call(base: string, method: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer | undefined> {
  try {
    const isBuffer = Buffer.isBuffer(body);
    const r = await fetch(`${base}${url}`, {
      method,
      headers: { ...(body !== undefined && !isBuffer ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : isBuffer ? (body as Buffer) : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: r.status, body: parsed };
  } catch {
    return undefined;
  }
}

/** A 2xx answer (narrowed to a type with a 2xx status, so the other branch keeps `Answer | undefined`). */
const ok = (a: Answer | undefined): a is Answer & { ok: true } => a !== undefined && a.status >= 200 && a.status < 300;

// --- checks shared by the scenarios -------------------------------------------------------------------

/** The audit chain and the roll-ups (the indicators named with `prefix`, all without). */
async function chainAndRollups(site: Site, tally: Tally, prefix?: string): Promise<string[]> {
  const declared = modules.flatMap((m) => [...(m.rollups?.indicators ?? [])]);
  const only = prefix === undefined ? undefined : declared.filter((i) => i.startsWith(prefix));
  const notes: string[] = [];
  const chain = await verifyAuditChain(site.ctx.db);
  if (!chain.ok) {
    tally.chainBreaks++;
    notes.push(`audit chain broken at ${JSON.stringify(chain.firstBad)}`);
  }
  const rollups = await verifyRollups(site.ctx.db, modules, only);
  if (!rollups.ok) {
    tally.rollupDiffs += rollups.differences.length;
    notes.push(`roll-up differences ${JSON.stringify(rollups.differences.slice(0, 3))}`);
  }
  return notes;
}

// --- intake -----------------------------------------------------------------------------------------

async function intakeTrial(site: Site, server: Server, trial: number, rand: Rand, tally: Tally): Promise<{ server: Server; notes: string[] }> {
  const k = site.ctx.db.kysely;
  const before = Number((await k.selectFrom('dossiers').select((eb) => eb.fn.max<number>('id').as('m')).executeTakeFirst())?.m ?? 0);
  const prefix = `crash-${site.engine}-${trial}-`;
  const body = { serviceCode: INTAKE_SERVICE, channel: 'counter', data: SAMPLE_FORMS[INTAKE_SERVICE] };
  const auth = () => ({ authorization: `Bearer ${site.tokens.officer}` });
  const sent: string[] = [];
  const first = new Map<string, string>(); // key → dossier code of the first 2xx answer
  let stop = false;
  let n = 0;
  const base = server.base;
  const client = async () => {
    while (!stop) {
      const key = `${prefix}${n++}`;
      sent.push(key);
      const a = await call(base, 'POST', '/api/v1/dossiers', body, { ...auth(), 'idempotency-key': key });
      if (ok(a)) first.set(key, a.body.code as string);
      else if (a !== undefined && !stop) throw new Error(`intake answered ${a.status}: ${JSON.stringify(a.body)}`);
    }
  };
  const clients = Array.from({ length: INTAKE_CLIENTS }, client);
  await sleep(rand.int(50, 1500));
  await kill9(server);
  stop = true;
  await Promise.all(clients);
  tally.requests += sent.length;
  tally.answered += first.size;
  tally.cutOff += sent.length - first.size;

  const next = await startServer(site);
  // Retries with the same key and body: every request without an answer, and two answered ones.
  const notes: string[] = [];
  const final = new Map(first);
  const answeredKeys = [...first.keys()].slice(0, 2);
  let duplicated = 0;
  for (const key of [...sent.filter((s) => !first.has(s)), ...answeredKeys]) {
    tally.requests++;
    const a = await call(next.base, 'POST', '/api/v1/dossiers', body, { ...auth(), 'idempotency-key': key });
    if (!ok(a)) {
      tally.unfinished++;
      notes.push(`retry of ${key}: ${a?.status} ${JSON.stringify(a?.body).slice(0, 200)}`);
      continue;
    }
    tally.answered++;
    const code = a.body.code as string;
    if (first.has(key) && first.get(key) !== code) {
      duplicated++;
      notes.push(`replay of ${key} answered ${code}, first ${first.get(key)}`);
    }
    if (!final.has(key)) final.set(key, code);
  }

  const dossiers = await k.selectFrom('dossiers').select(['id', 'code']).where('id', '>', before).execute();
  const codes = new Set(dossiers.map((d) => d.code));
  const lost = [...first.values()].filter((c) => !codes.has(c));
  const idem = await k.selectFrom('dossier_idempotency').select(['key', 'dossier_id']).where('key', 'like', `${prefix}%`).execute();
  const idemDossiers = new Set(idem.map((r) => Number(r.dossier_id)));
  const events = new Set((await k.selectFrom('dossier_events').select('dossier_id').where('dossier_id', '>', before).where('seq', '=', 1).where('action', '=', 'submit').execute()).map((r) => Number(r.dossier_id)));
  const subjects = dossiers.length === 0 ? new Set<string>() : new Set((await k.selectFrom('audit_subjects').select('subject').where('subject', 'in', dossiers.map((d) => `dossier:${d.code}`)).execute()).map((r) => r.subject));
  let half = 0;
  for (const d of dossiers) {
    const missing = [!events.has(Number(d.id)) && 'first event', !idemDossiers.has(Number(d.id)) && 'idempotency row', !subjects.has(`dossier:${d.code}`) && 'audit entry'].filter(Boolean);
    if (missing.length > 0) {
      half++;
      notes.push(`dossier ${d.code} without ${missing.join(', ')}`);
    }
  }
  // One dossier per key: as many dossiers as keys that reached the database.
  if (dossiers.length > idem.length) {
    duplicated += dossiers.length - idem.length;
    notes.push(`${dossiers.length} dossiers for ${idem.length} keys`);
  }
  const finalCodes = new Set(final.values());
  if (finalCodes.size !== final.size) {
    duplicated += final.size - finalCodes.size;
    notes.push('two keys answered with one code');
  }
  tally.lost += lost.length;
  if (lost.length > 0) notes.push(`lost ${lost.join(', ')}`);
  tally.duplicated += duplicated;
  tally.halfWritten += half;
  notes.push(...(await chainAndRollups(site, tally, 'dossiers.')));
  return { server: next, notes };
}

// --- e-ID activation ------------------------------------------------------------------------------------

/** The latest activation code sent to `e164` in the SMS file with a message id above `after`. */
function codeInSink(site: Site, e164: string, after: number): { id: number; code: string } | undefined {
  if (!fs.existsSync(site.smsFile)) return undefined;
  let best: { id: number; code: string } | undefined;
  for (const line of fs.readFileSync(site.smsFile, 'utf8').split('\n')) {
    if (!line.includes(e164)) continue;
    let m: { id: number; to: string; kind: string; text: string };
    try {
      m = JSON.parse(line);
    } catch {
      continue; // a line cut by the kill
    }
    if (m.to !== e164 || m.kind !== 'eid.otp' || m.id <= after) continue;
    const c = /là (\d{6}),/.exec(m.text);
    if (c && (!best || m.id > best.id)) best = { id: m.id, code: c[1]! };
  }
  return best;
}

/**
 * The outbox's last message id: a code asked for after this comes in a message with a higher id.
 * (The phone's last SMS would not do: a code sent before a kill may reach the phone after a new
 * one was asked for, and the newer request voided it.)
 */
async function lastSmsId(site: Site): Promise<number> {
  const r = await site.ctx.db.kysely.selectFrom('outbox_messages').select((eb) => eb.fn.max<number>('id').as('m')).executeTakeFirst();
  return Number(r?.m ?? 0);
}

async function waitCode(site: Site, e164: string, after: number, ms: number, stopped: () => boolean): Promise<string | undefined> {
  const until = Date.now() + ms;
  while (Date.now() < until && !stopped()) {
    const c = codeInSink(site, e164, after);
    if (c) return c.code;
    await sleep(30);
  }
  return undefined;
}

async function activationTrial(site: Site, server: Server, trial: number, rand: Rand, tally: Tally): Promise<{ server: Server; notes: string[] }> {
  const k = site.ctx.db.kysely;
  const accounts = site.accounts.slice(trial * ACCOUNTS_PER_TRIAL, (trial + 1) * ACCOUNTS_PER_TRIAL);
  const state = accounts.map((a) => ({ a, code: undefined as string | undefined, answered: false, retried: false }));
  let stop = false;
  const confirm = (base: string, s: (typeof state)[number], code: string) => call(base, 'POST', '/api/v1/eid/activations/confirm', { pin: s.a.pin, phone: s.a.national, code, password: CITIZEN_PASSWORD, passcode: '482913' });
  const flow = async (base: string, s: (typeof state)[number]) => {
    const after = await lastSmsId(site);
    tally.requests++;
    const r = await call(base, 'POST', '/api/v1/eid/activations', { pin: s.a.pin, phone: s.a.national });
    if (!ok(r)) return;
    tally.answered++;
    const code = await waitCode(site, s.a.e164, after, 8000, () => stop);
    if (!code) return;
    s.code = code;
    tally.requests++;
    const c = await confirm(base, s, code);
    if (ok(c)) {
      tally.answered++;
      s.answered = true;
    } else if (c !== undefined && !stop) throw new Error(`confirm answered ${c.status}: ${JSON.stringify(c.body)}`);
  };
  const t0 = Date.now();
  let finished = 0;
  // Staggered starts, so that the kill finds the citizens at different steps.
  const flows = state.map((s) => sleep(rand.int(0, 300)).then(() => flow(server.base, s)).finally(() => void (finished = Date.now())));
  const delay = rand.int(50, site.activationMs);
  await sleep(delay);
  await kill9(server);
  if (state.every((s) => s.answered)) {
    tally.notInterrupted++;
    // The kill came after the work: aim the next ones within what it took.
    site.activationMs = Math.max(200, Math.min(site.activationMs, finished - t0));
  }
  stop = true;
  await Promise.all(flows);
  const firstAnswered = new Set(state.filter((s) => s.answered).map((s) => s.a.pin));
  tally.cutOff += state.length - firstAnswered.size;

  const next = await startServer(site);
  const notes: string[] = [];
  const retry = async (s: (typeof state)[number]) => {
    if (s.answered) return;
    if (s.code) {
      tally.requests++;
      const c = await confirm(next.base, s, s.code);
      if (ok(c)) {
        tally.answered++;
        s.answered = true;
        return;
      }
      if (c?.status === 409 && c.body?.code === 'EID_CODE_USED') {
        s.retried = true; // activated by the request the kill cut off
        return;
      }
    }
    const after = await lastSmsId(site);
    tally.requests++;
    const r = await call(next.base, 'POST', '/api/v1/eid/activations', { pin: s.a.pin, phone: s.a.national });
    if (!ok(r)) return;
    tally.answered++;
    const code = await waitCode(site, s.a.e164, after, 4000, () => false);
    if (!code) return; // no code: the account no longer awaits activation
    tally.requests++;
    const c = await confirm(next.base, s, code);
    if (ok(c)) {
      tally.answered++;
      s.answered = true;
    } else notes.push(`confirm after restart for ${s.a.pin}: ${c?.status} ${JSON.stringify(c?.body).slice(0, 200)}`);
  };
  await Promise.all(state.map(retry));

  for (const s of state) {
    const acc = await k.selectFrom('eid_accounts').selectAll().where('pin', '=', s.a.pin).executeTakeFirst();
    if (!acc) {
      tally.lost += firstAnswered.has(s.a.pin) ? 1 : 0;
      notes.push(`no account for ${s.a.pin}`);
      continue;
    }
    const id = Number(acc.id);
    const events = (await k.selectFrom('eid_account_events').select('action').where('account_id', '=', id).where('action', '=', 'activated').execute()).length;
    const usage = (await k.selectFrom('eid_usage').select('action').where('account_id', '=', id).where('action', '=', 'activated').execute()).length;
    const audits = (await k.selectFrom('audit_subjects').innerJoin('audit_log', 'audit_log.seq', 'audit_subjects.seq').select('audit_log.seq').where('audit_subjects.subject', '=', `eid-account:${id}`).where('audit_log.action', '=', 'eid.activate').execute()).length;
    const codes = await k.selectFrom('eid_codes').select(['id', 'used_at']).where('account_id', '=', id).execute();
    const sms = codes.length === 0 ? [] : await k.selectFrom('outbox_messages').select('dedupe_key').where('dedupe_key', 'in', codes.map((c) => `eid.otp:${c.id}`)).execute();
    const smsPerCode = new Map<string, number>();
    for (const m of sms) smsPerCode.set(m.dedupe_key, (smsPerCode.get(m.dedupe_key) ?? 0) + 1);
    const active = acc.status === 'active';
    if (firstAnswered.has(s.a.pin) && (!active || events === 0)) {
      tally.lost++;
      notes.push(`activation of ${s.a.pin} answered 200 but account ${acc.status}, ${events} events`);
    }
    const dups = Math.max(0, events - 1) + Math.max(0, usage - 1) + Math.max(0, audits - 1) + [...smsPerCode.values()].reduce((x, v) => x + Math.max(0, v - 1), 0);
    if (dups > 0) notes.push(`account ${id}: ${events} activation events, ${usage} usage rows, ${audits} audit entries, ${sms.length} SMS for ${codes.length} codes`);
    tally.duplicated += dups;
    const halves = [
      active && events === 0 && 'active without event',
      active && usage === 0 && 'active without usage row',
      active && audits === 0 && 'active without audit entry',
      !active && (events > 0 || usage > 0 || audits > 0) && 'event without active account',
      !active && codes.some((c) => c.used_at !== null) && 'code used, account not active',
      codes.length !== smsPerCode.size && `${codes.length} codes, ${smsPerCode.size} SMS`,
    ].filter(Boolean);
    if (halves.length > 0) notes.push(`account ${id}: ${halves.join('; ')}`);
    tally.halfWritten += halves.length;
    if (!active) {
      tally.unfinished++;
      notes.push(`account of ${s.a.pin} still ${acc.status} after the retries`);
    }
  }
  const phones = new Set(accounts.map((a) => a.e164));
  const lines = fs.existsSync(site.smsFile) ? fs.readFileSync(site.smsFile, 'utf8').split('\n') : [];
  const perId = new Map<number, number>();
  for (const l of lines) {
    try {
      const m = JSON.parse(l) as { id: number; to: string; kind: string };
      if (m.kind === 'eid.otp' && phones.has(m.to)) perId.set(m.id, (perId.get(m.id) ?? 0) + 1);
    } catch {
      // blank or cut line
    }
  }
  tally.smsRedelivered += [...perId.values()].reduce((x, v) => x + v - 1, 0);
  notes.push(...(await chainAndRollups(site, tally, 'eid.')));
  return { server: next, notes };
}

// --- citizen import -------------------------------------------------------------------------------------

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];
const MIDDLE = { male: ['Văn', 'Đức', 'Minh', 'Quang', 'Hữu', 'Xuân'], female: ['Thị', 'Thu', 'Ngọc', 'Thanh', 'Minh', 'Hồng'] };
const GIVEN = ['An', 'Bình', 'Chi', 'Dung', 'Giang', 'Hà', 'Hạnh', 'Hòa', 'Huệ', 'Hương', 'Khánh', 'Lan', 'Liên', 'Linh', 'Loan', 'Mai', 'Nga', 'Nhung', 'Oanh', 'Phương', 'Quyên', 'Tâm', 'Thảo', 'Trang', 'Uyên', 'Vân', 'Xuân', 'Yến', 'Sơn', 'Tùng', 'Việt', 'Tuấn', 'Thắng', 'Dương', 'Hiếu', 'Kiên', 'Lực', 'Nghĩa', 'Phúc', 'Quân'];

/** A citizen list of IMPORT_ROWS people, unique over all trials (pin serials and name × birth date). */
function importList(site: Site, trial: number): { file: string; pins: string[]; sha: string } {
  const header = 'Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Nơi thường trú (mã ĐVHC),Nơi thường trú (địa chỉ),Số điện thoại';
  const lines: string[] = [header];
  const pins: string[] = [];
  const day0 = Date.UTC(1960, 0, 1);
  for (let i = 0; i < IMPORT_ROWS; i++) {
    const u = trial * IMPORT_ROWS + i;
    const sex = u % 2 === 0 ? 'male' : 'female';
    const dob = new Date(day0 + (u % 7001) * 86_400_000).toISOString().slice(0, 10);
    const pin = pinFor(sex, Number(dob.slice(0, 4)), 100_000 + u);
    const name = `${FAMILY[u % 10]} ${MIDDLE[sex][Math.floor(u / 10) % 6]} ${GIVEN[Math.floor(u / 60) % 40]}`;
    lines.push(`${pin},${name},${dob},${sex === 'male' ? 'Nam' : 'Nữ'},${CAM_HOANG},Thôn ${i % 9 + 1},`);
    pins.push(pin);
  }
  const file = path.join(site.dir, `danh-sach-${trial}.csv`);
  const text = `\uFEFF${lines.join('\r\n')}\r\n`;
  fs.writeFileSync(file, text);
  return { file, pins, sha: createHash('sha256').update(text).digest('hex') };
}

/** How long the finished import of the file took, ms (at least 200): where the next kills aim. */
async function importDuration(site: Site, sha: string): Promise<number> {
  const r = (await importRow(site, sha))[0];
  const ms = r?.finished_at ? Date.parse(r.finished_at) - Date.parse(r.started_at) : site.importMs;
  return Math.max(200, Math.min(site.importMs, ms));
}

async function importRow(site: Site, sha: string) {
  return site.ctx.db.kysely.selectFrom('citizen_imports').selectAll().where('file_sha256', '=', sha).execute();
}

/** Rows of the file in the registry against the import's checkpoint (data row n is file line n + 2). */
async function checkAgainstCheckpoint(site: Site, pins: string[], sha: string, tally: Tally, notes: string[], final: boolean): Promise<number> {
  const k = site.ctx.db.kysely;
  const imports = await importRow(site, sha);
  // Importing a finished file again is a new import that changes nothing; an unfinished one resumes.
  const changing = imports.filter((i) => i.created + i.updated > 0);
  if (changing.length > 1) {
    tally.duplicated += changing.length - 1;
    notes.push(`${changing.length} imports of one file created people`);
  }
  const imp = changing[0] ?? imports[0];
  const checkpoint = imp?.checkpoint_row ?? 0;
  const present = new Set<string>();
  const audited = new Set<string>();
  for (let i = 0; i < pins.length; i += 500) {
    const chunk = pins.slice(i, i + 500);
    for (const r of await k.selectFrom('citizens').select('pin').where('pin', 'in', chunk).execute()) present.add(r.pin);
    for (const r of await k.selectFrom('audit_subjects').innerJoin('audit_log', 'audit_log.seq', 'audit_subjects.seq').select('audit_subjects.subject').where('audit_subjects.subject', 'in', chunk.map((p) => `citizen:${p}`)).where('audit_log.action', '=', 'citizen.import').execute()) audited.add(r.subject.slice('citizen:'.length));
  }
  let lost = 0;
  let half = 0;
  pins.forEach((pin, i) => {
    const line = i + 2;
    if (line <= checkpoint && !present.has(pin)) lost++;
    if (line > checkpoint && present.has(pin)) half++;
    if (present.has(pin) && !audited.has(pin)) half++;
  });
  const committed = pins.filter((_, i) => i + 2 <= checkpoint).length;
  if (imp && (imp.created !== present.size || imp.rows_read !== committed)) {
    half++;
    notes.push(`import ${imp.id}: created ${imp.created}, rows read ${imp.rows_read}; ${present.size} people present, ${committed} rows under the checkpoint ${checkpoint}`);
  }
  if (lost > 0) notes.push(`${lost} rows under the checkpoint missing`);
  if (half > 0) notes.push(`${half} rows past the checkpoint present or without their audit entry`);
  tally.lost += lost;
  tally.halfWritten += half;
  if (final) {
    const seen = new Set<string>();
    let dup = 0;
    for (let i = 0; i < pins.length; i += 500) {
      for (const h of await k.selectFrom('citizen_history').select('pin').where('version', '=', 1).where('pin', 'in', pins.slice(i, i + 500)).execute()) {
        if (seen.has(h.pin)) dup++;
        else seen.add(h.pin);
      }
    }
    if (imp && imp.rows_read > pins.length) dup += imp.rows_read - pins.length;
    if (dup > 0) notes.push(`${dup} rows imported twice`);
    tally.duplicated += dup;
    if (!imp || imp.status !== 'done' || present.size !== pins.length) {
      tally.unfinished++;
      notes.push(`import not finished: ${imp?.status}, ${present.size}/${pins.length} people`);
    }
  }
  return checkpoint;
}

async function importTrial(site: Site, server: Server, trial: number, rand: Rand, tally: Tally): Promise<{ server: Server; notes: string[] }> {
  const { file, pins, sha } = importList(site, trial);
  const notes: string[] = [];
  const viaServer = trial % 2 === 1;
  let next = server;
  const delay = rand.int(0, site.importMs);
  if (!viaServer) {
    tally.requests++;
    const { child, exited } = spawnGroup(['citizens', 'import', file, '--reference-date', UNIT_DATE, '--batch', String(IMPORT_BATCH)], site.env, path.join(site.dir, 'import.log'));
    let exitCode: number | null | undefined;
    void exited.then((c) => (exitCode = c));
    // The moment counts from the import's start (its row), not from the process's start-up.
    while (exitCode === undefined && (await importRow(site, sha)).length === 0) await sleep(20);
    await sleep(delay);
    killGroup(child);
    if (exitCode !== undefined && exitCode !== 0) notes.push(`the CLI importer exited ${exitCode} before the kill (log ${path.join(site.dir, 'import.log')})`);
    if (exitCode !== undefined || (await importRow(site, sha))[0]?.status === 'done') {
      tally.notInterrupted++;
      site.importMs = await importDuration(site, sha);
    }
    const code = await exited;
    if (code === 0) tally.answered++;
  } else {
    tally.requests++;
    const a = await call(server.base, 'POST', `/api/v1/citizen-imports?referenceDate=${UNIT_DATE}`, fs.readFileSync(file), { authorization: `Bearer ${site.tokens.admin}`, 'content-type': 'text/csv', 'x-file-name': path.basename(file) });
    if (!ok(a)) throw new Error(`upload answered ${a?.status}: ${JSON.stringify(a?.body)}`);
    tally.answered++;
    await sleep(delay);
    await kill9(server);
    if ((await importRow(site, sha))[0]?.status === 'done') {
      tally.notInterrupted++;
      site.importMs = await importDuration(site, sha);
    }
    next = await startServer(site);
  }
  // Right after the kill: the committed batches and nothing else.
  await checkAgainstCheckpoint(site, pins, sha, tally, notes, false);
  // Resume: the CLI's import function on the same file, or the same upload again.
  const unfinished = (await importRow(site, sha)).some((i) => i.status !== 'done');
  if (!unfinished) {
    // nothing to resume
  } else if (!viaServer) {
    // SQLite: a batch's transaction (BEGIN DEFERRED, reads, then writes) meets SQLITE_BUSY at once,
    // without the busy timeout, when the server holds the write lock or committed a write since the
    // batch's first read (SQLITE_BUSY_SNAPSHOT; the outbox delivering); the import is then marked
    // failed and resumes when run again, as a user would.
    for (let attempt = 1; ; attempt++) {
      try {
        await importCitizens(site.ctx.db, file, { actor: CLI, referenceDate: UNIT_DATE, batchSize: IMPORT_BATCH });
        break;
      } catch (e) {
        if (!String((e as { code?: string }).code).startsWith('SQLITE_BUSY') || attempt === 10) throw e;
        tally.busyRetries++;
      }
    }
  } else {
    tally.requests++;
    const a = await call(next.base, 'POST', `/api/v1/citizen-imports?referenceDate=${UNIT_DATE}`, fs.readFileSync(file), { authorization: `Bearer ${site.tokens.admin}`, 'content-type': 'text/csv', 'x-file-name': path.basename(file) });
    if (ok(a)) {
      tally.answered++;
      const until = Date.now() + 120_000;
      while (Date.now() < until) {
        const s = await call(next.base, 'GET', `/api/v1/citizen-imports/${a.body.id}`, undefined, { authorization: `Bearer ${site.tokens.admin}` });
        if (ok(s) && s.body.status !== 'running') break;
        await sleep(100);
      }
    } else notes.push(`upload again answered ${a?.status}`);
  }
  await checkAgainstCheckpoint(site, pins, sha, tally, notes, true);
  notes.push(...(await chainAndRollups(site, tally)));
  return { server: next, notes };
}

// --- the run ------------------------------------------------------------------------------------------

const TRIALS: Record<Scenario, typeof intakeTrial> = { import: importTrial, intake: intakeTrial, activation: activationTrial };

export interface CrashOptions {
  seed: number;
  trials: number;
  engines: Engine[];
  scenarios: Scenario[];
  keep?: boolean;
  /** Run dist/ as it is (no `npm run build` even when src/ is newer). */
  noBuild?: boolean;
  /** Run the server and the CLI from src/ through tsx instead of dist/ (slower starts; no build needed). */
  fromSource?: boolean;
  log?: (line: string) => void;
}

/** Runs the trials; answers the tallies by `engine/scenario`. */
export async function runCrashTrials(o: CrashOptions): Promise<Map<string, Tally>> {
  const log = o.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  runFromSource(o.fromSource === true);
  if (!o.noBuild && !o.fromSource) await ensureBuilt();
  const results = new Map<string, Tally>();
  for (const engine of o.engines) {
    const rand = new Rand(o.seed);
    const t0 = Date.now();
    const site = await createSite(engine, o.scenarios.includes('activation') ? o.trials : 0, o.keep ?? false);
    log(`${engine}: database seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s (${site.dir})`);
    let server = await startServer(site);
    try {
      for (const scenario of o.scenarios) {
        const tally = emptyTally();
        const started = Date.now();
        await signInAll(site);
        for (let trial = 0; trial < o.trials; trial++) {
          const r = await TRIALS[scenario](site, server, trial, rand, tally);
          server = r.server;
          tally.trials++;
          const bad = r.notes.filter((n) => n.length > 0);
          if (bad.length > 0) log(`  ${engine} ${scenario} trial ${trial}: ${bad.join(' | ')}`);
        }
        // The whole database once more: every indicator, the whole chain.
        const notes = await chainAndRollups(site, tally);
        if (notes.length > 0) log(`  ${engine} ${scenario} at the end: ${notes.join(' | ')}`);
        tally.seconds = (Date.now() - started) / 1000;
        results.set(`${engine}/${scenario}`, tally);
        log(line(engine, scenario, tally));
      }
    } finally {
      await stopServer(server);
      for (const c of live) killGroup(c);
      await site.drop();
    }
  }
  return results;
}

function line(engine: string, scenario: string, t: Tally): string {
  return `${engine.padEnd(8)} ${scenario.padEnd(10)} trials ${t.trials}, requests ${t.requests}, 2xx ${t.answered}, cut off ${t.cutOff}, lost ${t.lost}, duplicated ${t.duplicated}, half-written ${t.halfWritten}, chain breaks ${t.chainBreaks}, roll-up differences ${t.rollupDiffs}, unfinished ${t.unfinished}, kill after the end ${t.notInterrupted}${t.smsRedelivered > 0 ? `, SMS delivered again ${t.smsRedelivered}` : ''}${t.busyRetries > 0 ? `, import runs stopped by SQLITE_BUSY and run again ${t.busyRetries}` : ''}, ${t.seconds.toFixed(0)} s`;
}

/** Whether every count that must be 0 is 0. */
export function allZero(results: Map<string, Tally>): boolean {
  return [...results.values()].every((t) => t.lost + t.duplicated + t.halfWritten + t.chainBreaks + t.rollupDiffs + t.unfinished === 0);
}

async function main(): Promise<void> {
  // Interrupted: the 'exit' handler above still kills the servers and importers started.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      trials: { type: 'string', default: '100' },
      engine: { type: 'string', default: 'both' },
      scenario: { type: 'string', default: 'all' },
      keep: { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      'from-source': { type: 'boolean', default: false },
    },
  });
  const seed = values.seed !== undefined ? Number(values.seed) : randomBytes(4).readUInt32BE() >>> 1;
  const trials = Number(values.trials);
  if (!Number.isInteger(seed) || seed < 0) throw new Error('--seed: a non-negative integer');
  if (!Number.isInteger(trials) || trials < 1) throw new Error('--trials: a positive integer');
  const engines: Engine[] = values.engine === 'both' ? ['sqlite', 'postgres'] : values.engine === 'sqlite' || values.engine === 'postgres' ? [values.engine] : (() => { throw new Error('--engine: sqlite, postgres or both'); })();
  const all: Scenario[] = ['import', 'intake', 'activation'];
  const scenarios: Scenario[] = values.scenario === 'all' ? all : all.includes(values.scenario as Scenario) ? [values.scenario as Scenario] : (() => { throw new Error('--scenario: import, intake, activation or all'); })();
  console.log(`crash trials: seed ${seed}, ${trials} trials, engines ${engines.join(', ')}, scenarios ${scenarios.join(', ')}`);
  const started = Date.now();
  const results = await runCrashTrials({ seed, trials, engines, scenarios, keep: values.keep, noBuild: values['no-build'], fromSource: values['from-source'] });
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s (seed ${seed})`);
  process.exit(allZero(results) ? 0 : 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

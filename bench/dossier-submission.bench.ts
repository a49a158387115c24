/**
 * Dossier submission, `POST /api/v1/dossiers` on the counter channel, as the one-stop officer of
 * Xã Cẩm Giang (GSO 10888, agency H31.10888) with a new `Idempotency-Key` each time, with
 * {@link ROWS} dossiers already stored (bench/dossiers/data.ts; `BENCH_DOSSIER_ROWS`, default
 * 1,000,000): authentication, the idempotency lookup, service, unit, scope, deployment and agency
 * checks (the catalog answers cached against its revision, src/services/cache.ts), form
 * validation, then one transaction writing the daily code sequence, the dossier, its first event
 * (`submit`), the `dossiers.received` indicator, the SMS and e-mail to the applicant in the outbox,
 * the idempotency record and the audit entry (src/dossiers/intake.ts) — shared by the submissions
 * that arrive together (group commit, src/platform/db/group-commit.ts: one multi-row statement a
 * table and one commit for all of them; the motcua server prints the mean batch when it stops).
 * Against a bare Fastify + better-sqlite3 route doing one INSERT into the same table of the same
 * file (bench/servers/dossiers-bare.ts), in the same run. Targets: ratio ≥ 0.4 and p95 < 30 ms on
 * SQLite (10 connections).
 */
import { randomUUID } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { openContext } from '../src/app/app.js';
import { dossierEnv, staffArea } from '../src/dossiers/access.js';
import { requestHash, submitDossier, type SubmissionInput } from '../src/dossiers/intake.js';
import { agencyOfUnit, idempotencyRecord, type DossiersTables } from '../src/dossiers/store.js';
import { signInStaff, staffAuthProvider } from '../src/identity/index.js';
import { loadConfig } from '../src/platform/config.js';
import { todayInVietnam } from '../src/platform/dates.js';
import { SAMPLE_FORMS, validateFormData } from '../src/services/index.js';
import { compare, mean, report, reportBelow, serverCpuLine, startServer } from './lib.js';
import { dossiersDb, OFFICER, OFFICER_PASSWORD, SERVICE, UNIT } from './dossiers/data.js';
import { openBenchContext } from './population/data.js';

const ROWS = Number(process.env.BENCH_DOSSIER_ROWS ?? 1_000_000);

/** The submission every request makes: a temporary-residence registration filed at the counter. */
const BODY: SubmissionInput = { serviceCode: SERVICE, channel: 'counter', data: SAMPLE_FORMS[SERVICE] as Record<string, unknown> };

export async function dossierSubmissionBenchmark(): Promise<string[]> {
  const file = await dossiersDb(ROWS);
  const ctx = await openBenchContext(`sqlite:${file}`);
  const token = await signInStaff(ctx.db, OFFICER, OFFICER_PASSWORD, '127.0.0.1').then((s) => s.token).finally(() => ctx.db.close());
  const before = counts(file);
  console.log(`  ${before.stored.toLocaleString('en')} dossiers stored; submitting ${SERVICE} at ${UNIT} on the counter channel`);

  const env = { DATABASE_URL: `sqlite:${file}`, MOTCUA_DEMO: 'off' };
  const bare = await startServer('bench/servers/dossiers-bare.ts', env);
  const motcua = await startServer('bench/servers/motcua.ts', env);
  const run = randomUUID().slice(0, 8);
  let n = 0;
  let lines: string[];
  try {
    const { ref, subject } = await compare(bare, motcua, {
      ref: { method: 'POST', nextPath: () => '/dossiers', nextRequest: () => ({ body: BODY }) },
      subject: { method: 'POST', headers: { authorization: `Bearer ${token}` }, nextPath: () => '/api/v1/dossiers', nextRequest: () => ({ body: BODY, headers: { 'idempotency-key': `bench-${run}-${++n}` } }) },
    });
    for (const [name, loads] of [['bare route', ref], ['motcua', subject]] as const) {
      const failed = loads.find((l) => l.errors || l.non2xx);
      if (!failed) continue;
      // One more request of the same kind, to show what the failures answered.
      const probe = await fetch(name === 'motcua' ? `${motcua.url}/api/v1/dossiers` : `${bare.url}/dossiers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': `bench-${run}-probe` },
        body: JSON.stringify(BODY),
      });
      throw new Error(`${name}: requests failed: ${JSON.stringify(failed)}; a probe answers ${probe.status} ${(await probe.text()).slice(0, 500)}`);
    }
    const ratio = report('dossier-submission: POST /api/v1/dossiers (one transaction) vs bare single INSERT', mean(subject.map((l) => l.requestsPerSecond)), mean(ref.map((l) => l.requestsPerSecond)), 0.4, 'submissions/s');
    const p95 = Math.max(...subject.map((l) => l.p95 ?? Number.NaN));
    const latency = reportBelow('dossier-submission p95 latency (SQLite)', p95, 30, 'ms', `(worst of ${subject.length} rounds; p50 ${mean(subject.map((l) => l.p50)).toFixed(1)} ms, p99 ${Math.max(...subject.map((l) => l.p99)).toFixed(1)} ms; bare route p50/p95 ${mean(ref.map((l) => l.p50)).toFixed(1)}/${mean(ref.map((l) => l.p95 ?? Number.NaN)).toFixed(1)} ms)`);
    const cpuLine = serverCpuLine(ref, subject);
    // Requests per second follow whatever else the machine runs; CPU time per request much less.
    if (cpuLine) console.log(`  ${cpuLine}`);
    lines = [ratio, latency];
  } finally {
    await bare.stop();
    await motcua.stop();
  }
  const after = counts(file);
  const d = (k: keyof Written) => after[k] - before[k];
  // Every submission wrote all of its parts (the transaction commits them together or not at all).
  console.log(`  written by this run: ${d('dossiers')} dossiers, ${d('events')} submit events, ${d('outbox')} outbox messages (SMS + e-mail), ${d('audit')} audit entries, indicator +${d('indicator')}, ${d('idempotency')} idempotency records`);
  if (d('events') !== d('dossiers') || d('audit') !== d('dossiers') || d('indicator') !== d('dossiers') || d('idempotency') !== d('dossiers') || d('outbox') !== 2 * d('dossiers')) {
    throw new Error('a submission did not write all of its parts');
  }
  await whereTheTimeGoes(file, token);
  return lines;
}

interface Written {
  stored: number;
  dossiers: number;
  events: number;
  outbox: number;
  audit: number;
  indicator: number;
  idempotency: number;
}

/** What the officer's submissions have written so far (and the dossiers stored in all). */
function counts(file: string): Written {
  const db = new SQLite(file, { readonly: true });
  try {
    const one = (q: string, ...params: unknown[]) => Number(db.prepare(q).pluck().get(...params) ?? 0);
    return {
      stored: one('select max(id) from dossiers'),
      dossiers: one('select count(*) from dossiers where created_by = ?', OFFICER),
      events: one("select count(*) from dossier_events where actor_id = ? and action = 'submit'", OFFICER),
      outbox: one("select count(*) from outbox_messages where kind = 'dossier.status'"),
      audit: one("select count(*) from audit_log where action = 'dossier.submit' and actor_id = ?", OFFICER),
      indicator: one("select coalesce(sum(count), 0) from indicator_counts where indicator = 'dossiers.received' and unit_code = ?", UNIT),
      idempotency: one("select count(*) from dossier_idempotency where key like 'bench-%'"),
    };
  } finally {
    db.close();
  }
}

/** The parts of one submission, timed in this process (no HTTP), in CPU µs a call: what the bare route does not do. */
async function whereTheTimeGoes(file: string, token: string): Promise<void> {
  const ctx = await openContext(loadConfig({ DATABASE_URL: `sqlite:${file}`, MOTCUA_DEMO: 'off', LOG_LEVEL: 'silent' }), { seed: false });
  try {
    const env = dossierEnv(ctx);
    const db = ctx.db.as<DossiersTables>();
    const principal = (await staffAuthProvider(ctx.db, { cacheMs: ctx.config.sessionCacheMs }).authenticate(token))!;
    const actor = { kind: 'staff' as const, id: principal.username, unitCode: principal.unitCode, sourceIp: '127.0.0.1', requestId: 'bench' };
    const today = todayInVietnam();
    const service = (await env.catalog.current(SERVICE))!;
    const path = (await env.units.get(UNIT, today)).path.map((p) => p.code);
    const bare = ctx.db.sqliteHandle!.prepare(
      `insert into dossiers (code, agency_code, unit_code, unit_date, service_code, service_version, service_name, sector, channel, filed_by, applicant_name, form_data, state, submitted_at, working_days, cutoff, created_by, updated_at)
       values (?, 'BARE', '10888', ?, ?, 1, 'Đăng ký tạm trú', 'police', 'counter', 'self', 'Nguyễn Thị Hoa', ?, 'submitted', ?, 3, '15:00', 'bench.bare', ?)`,
    );
    const run = randomUUID().slice(0, 8);
    let n = 0;
    const submit = () => submitDossier(env, principal, actor, BODY, { idempotencyKey: `bench-${run}-${++n}` });
    // [name, calls a round, rounds, one round]
    const parts: [string, number, number, () => unknown][] = [
      ['session check (cached)', 1, 2000, () => staffAuthProvider(ctx.db, { cacheMs: ctx.config.sessionCacheMs }).authenticate(token)],
      ['idempotency lookup', 1, 2000, () => idempotencyRecord(db, `staff:${principal.id}`, `absent-${++n}`)],
      ['request hash', 1, 2000, () => requestHash(BODY)],
      ['service version (cached)', 1, 2000, () => env.catalog.current(SERVICE)],
      ['unit (cached)', 1, 2000, () => env.units.get(UNIT, today)],
      ["officer's area", 1, 2000, () => staffArea(env, principal)],
      ['deployment check (cached)', 1, 2000, () => env.catalog.deployedAt(SERVICE, path, today)],
      ['agency', 1, 2000, () => agencyOfUnit(db, UNIT)],
      ['form validation', 1, 2000, () => validateFormData(service, structuredClone(BODY.data))],
      ['bare INSERT (prepared, autocommit)', 1, 500, () => bare.run(`BARE.inproc-${run}-${++n}`, today, SERVICE, JSON.stringify(BODY.data), new Date().toISOString(), new Date().toISOString())],
      ['submitDossier, all of it, alone', 1, 300, submit],
      ['submitDossier, 10 at once', 10, 30, () => Promise.all(Array.from({ length: 10 }, submit))],
    ];
    const out: string[] = [];
    for (const [name, perRound, rounds, fn] of parts) {
      for (let i = 0; i < Math.ceil(rounds / 10); i++) await fn();
      const cpu = process.cpuUsage();
      for (let i = 0; i < rounds; i++) await fn();
      const used = process.cpuUsage(cpu);
      out.push(`${name} ${((used.user + used.system) / (rounds * perRound)).toFixed(0)}`);
    }
    // CPU time rather than wall time: on a busy machine the wall time mostly measures the wait for a core.
    console.log(`  where a submission's time goes, CPU µs a call, in-process: ${out.join('; ')}`);
  } finally {
    await ctx.db.close();
  }
}

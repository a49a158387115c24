/**
 * GET /api/v1/citizens/{pin} over 1,000,000 imported citizens (the population-import database),
 * as a provincial police officer of Tỉnh Hải Dương (unit '30') with `X-Purpose: DOSSIER_PROCESSING`:
 * authentication, purpose check, unit scoping and one audit entry per read, against a bare Fastify
 * route doing the same SELECT without audit, in the same run. Every request asks a random existing
 * number. Targets: ratio ≥ 0.6 and p99 < 10 ms (10 connections).
 */
import SQLite from 'better-sqlite3';
import { openContext } from '../src/app/app.js';
import { staffAuthProvider } from '../src/identity/index.js';
import { recordAuditNow, recordAudits } from '../src/platform/audit/audit.js';
import { subjectIndexOf } from '../src/platform/audit/subject-index.js';
import { loadConfig } from '../src/platform/config.js';
import { nowUtc } from '../src/platform/dates.js';
import { readCitizen, readerArea } from '../src/population/registry.js';
import { UnitCache, type UnitsTables } from '../src/units/index.js';
import { citizenByPin } from '../src/population/store.js';
import { compare, mean, report, reportBelow, serverCpuLine, startServer } from './lib.js';
import { populationDb, rollBackAuditLog, seededRandom, staffToken } from './population/data.js';

const ROWS = Number(process.env.BENCH_POPULATION_ROWS ?? 1_000_000);

export async function populationLookupBenchmark(): Promise<string[]> {
  const file = await populationDb(ROWS);
  const dropped = rollBackAuditLog(file);
  if (dropped > 0) console.log(`  audit log rolled back to the end of the import (${dropped.toLocaleString('en')} entries of earlier runs dropped)`);
  const token = await staffToken(file, 'bench.lookup', 'PROVINCIAL_POLICE', '30');
  // About 10,000 numbers spread over the whole population, in a shuffled order.
  const db = new SQLite(file, { readonly: true });
  const pins = (db.prepare('select pin from citizens where rowid % 97 = 0').pluck().all() as string[]);
  db.close();
  const random = seededRandom(6);
  for (let i = pins.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pins[i], pins[j]] = [pins[j]!, pins[i]!];
  }
  let next = 0;
  const pin = () => pins[next++ % pins.length]!;
  console.log(`  ${pins.length.toLocaleString('en')} numbers drawn from ${ROWS.toLocaleString('en')} people`);

  const env = { DATABASE_URL: `sqlite:${file}`, MOTCUA_DEMO: 'off' };
  const bare = await startServer('bench/servers/population-bare.ts', env);
  const motcua = await startServer('bench/servers/motcua.ts', env);
  let lines: string[];
  try {
    const { ref, subject } = await compare(bare, motcua, {
      ref: { nextPath: () => `/citizens/${pin()}` },
      subject: { headers: { authorization: `Bearer ${token}`, 'x-purpose': 'DOSSIER_PROCESSING' }, nextPath: () => `/api/v1/citizens/${pin()}` },
    });
    for (const l of [...ref, ...subject]) if (l.errors || l.non2xx) throw new Error(`benchmark requests failed: ${JSON.stringify(l)}`);
    const ratio = report('population-lookup: GET /api/v1/citizens/{pin} (audited)', mean(subject.map((l) => l.requestsPerSecond)), mean(ref.map((l) => l.requestsPerSecond)), 0.6);
    const p99 = Math.max(...subject.map((l) => l.p99));
    const latency = reportBelow('population-lookup p99 latency', p99, 10, 'ms', `(worst of ${subject.length} rounds; p50 ${mean(subject.map((l) => l.p50)).toFixed(1)} ms; bare route p50/p99 ${mean(ref.map((l) => l.p50)).toFixed(1)}/${mean(ref.map((l) => l.p99)).toFixed(1)} ms)`);
    const cpuLine = serverCpuLine(ref, subject);
    // Requests per second follow whatever else the machine runs; CPU time per request much less.
    if (cpuLine) console.log(`  ${cpuLine}`);
    lines = [ratio, latency];
  } finally {
    await bare.stop();
    await motcua.stop();
  }
  await whereTheTimeGoes(file, token, pins);
  return lines;
}

/** The parts of one audited lookup, timed in this process (no HTTP), in µs a call: what the bare route does not do. */
async function whereTheTimeGoes(file: string, token: string, pins: string[]): Promise<void> {
  const ctx = await openContext(loadConfig({ DATABASE_URL: `sqlite:${file}`, MOTCUA_DEMO: 'off', LOG_LEVEL: 'silent' }), { seed: false });
  try {
    const auth = staffAuthProvider(ctx.db, { cacheMs: ctx.config.sessionCacheMs });
    const uncachedAuth = staffAuthProvider(ctx.db, { cacheMs: 0 });
    const units = new UnitCache(ctx.db.as<UnitsTables>(), { revalidateMs: ctx.config.unitsCacheMs });
    const principal = (await auth.authenticate(token))!;
    const actor = { kind: 'staff' as const, id: principal.username, unitCode: principal.unitCode, sourceIp: '127.0.0.1', requestId: 'bench' };
    const raw = ctx.db.sqliteHandle!.prepare('select * from citizens where pin = ?');
    const entry = (pin: string) => ({ actor, action: 'citizen.read', subjects: [{ type: 'citizen', id: pin }], purposeCode: 'DOSSIER_PROCESSING', summary: 'full record shown' });
    // [name, calls a round, one round]: a round of 10 audit entries queued together is what 10
    // concurrent requests write — about ten different people (the same person ten times would look
    // cheaper wherever rows keyed by person are written).
    let other = 0;
    const another = () => pins[(other++ * 997) % pins.length]!;
    const parts: [string, number, (pin: string) => unknown][] = [
      [`session check (cached ≤ ${ctx.config.sessionCacheMs} ms)`, 1, () => auth.authenticate(token)],
      ['session check (database)', 1, () => uncachedAuth.authenticate(token)],
      ['SELECT (prepared, as the bare route)', 1, (pin) => raw.get(pin)],
      ['SELECT (through Kysely)', 1, (pin) => citizenByPin(ctx.db.as(), pin)],
      ["reader's area (cached)", 1, () => readerArea(ctx.db, principal, units)],
      ["reader's area (database)", 1, () => readerArea(ctx.db, principal)],
      ['audit entry alone (own transaction)', 1, (pin) => recordAuditNow(ctx.db, entry(pin))],
      ['audit entry in a group of 10', 10, () => Promise.all(Array.from({ length: 10 }, () => recordAuditNow(ctx.db, entry(another()))))],
      ['nowUtc()', 1, () => nowUtc()],
      ['readCitizen, all of it, alone', 1, (pin) => readCitizen(ctx.db, pin, principal, { code: 'DOSSIER_PROCESSING' }, actor, units)],
      ['readCitizen, all of it, 10 at once', 10, () => Promise.all(Array.from({ length: 10 }, () => readCitizen(ctx.db, another(), principal, { code: 'DOSSIER_PROCESSING' }, actor, units)))],
    ];
    const out: string[] = [];
    for (const [name, perRound, fn] of parts) {
      const rounds = Math.ceil(2000 / perRound);
      for (let i = 0; i < rounds / 10; i++) await fn(pins[i % pins.length]!);
      const started = performance.now();
      for (let i = 0; i < rounds; i++) await fn(pins[i % pins.length]!);
      out.push(`${name} ${(((performance.now() - started) / (rounds * perRound)) * 1000).toFixed(0)}`);
    }
    console.log(`  where a lookup's time goes, µs a call, in-process: ${out.join('; ')}`);
    // The per-person index's work, done after the fact (src/platform/audit/subject-index.ts):
    // 65,536 more read entries indexed as the server does it — 8 runs written, and the merges
    // they make due — in µs an entry. Every further level of merges costs about one merge again.
    const index = subjectIndexOf(ctx.db);
    await index.maintain({ all: true });
    for (let b = 0; b < 256; b++) await ctx.db.transaction((trx) => recordAudits(trx, Array.from({ length: 256 }, () => entry(another()))));
    const before = { ...index.stats };
    const started = performance.now();
    await index.maintain();
    const ms = performance.now() - started;
    console.log(
      `  per-person index, in-process: ${((ms * 1000) / 65_536).toFixed(1)} µs an entry (${index.stats.runsWritten - before.runsWritten} runs written, ${index.stats.merges - before.merges} merges, ${(index.stats.rowsWritten - before.rowsWritten).toLocaleString('en')} rows written, ${(index.stats.rowsDeleted - before.rowsDeleted).toLocaleString('en')} deleted)`,
    );
  } finally {
    await ctx.db.close();
  }
}

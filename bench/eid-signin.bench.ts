/**
 * Citizen password sign-in, `POST /api/v1/eid/sessions {pin, password}`, at the chosen Argon2id
 * parameters (src/identity/passwords.ts), per core: against a bare Argon2id verify loop with the
 * same parameters in the same run (target ≥ 0.8) and against Keycloak's published sizing of 15
 * password sign-ins per second per vCPU (target ≥ 2.4×, i.e. ≥ 36 a second per core; Keycloak
 * "Concepts for sizing CPU and memory resources",
 * https://www.keycloak.org/high-availability/concepts-memory-and-cpu-sizing).
 *
 * Per core: the server (the whole platform, bench/servers/motcua.ts) and the reference loop
 * (bench/eid/verify-worker.ts) each run in their own process with a libuv threadpool of one
 * thread (UV_THREADPOOL_SIZE=1: one Argon2 computation at a time), and each rate is divided by
 * the CPU time (user + system, all threads) that process used meanwhile — a figure that hardly
 * moves with whatever else the machine runs. The wall-clock rates are printed beside.
 *
 * The sign-ins cycle through {@link ACCOUNTS} accounts made through the real e-ID path
 * (bench/eid/data.ts), each with its own password and hash. Every sign-in is a right one, so the
 * limits do not come into play: they count failures only (src/identity/eid/limits.ts), and a
 * successful sign-in checks them, resets the account's counter and opens a session. The per-
 * address limit sees one address (127.0.0.1): the app does not trust X-Forwarded-For (Fastify's
 * `trustProxy` is off), and needs no such trick. Single-device mode stays on as in production:
 * each sign-in ends the account's previous session, one indexed UPDATE in its transaction.
 */
import SQLite from 'better-sqlite3';
import { buildHttp, openContext } from '../src/app/app.js';
import { createEidService } from '../src/identity/eid/service.js';
import { checkSignIn, signIn } from '../src/identity/eid/sessions.js';
import { liveAccountOf } from '../src/identity/eid/store.js';
import { ARGON2_PARAMETERS, needsRehash, verifyPassword } from '../src/identity/passwords.js';
import { loadConfig } from '../src/platform/config.js';
import { registryFacts } from '../src/population/index.js';
import { load, mean, report, runChild, startServer, type Load } from './lib.js';
import { benchAccounts, eidSignInDb, type BenchAccount } from './eid/data.js';

const ACCOUNTS = Number(process.env.BENCH_EID_ACCOUNTS ?? 200);
const ROUNDS = 6;
const SECONDS = 4;
/** One Argon2 computation at a time in each process: one core's worth. */
const THREADS = '1';
/** Two requests in flight keep the one Argon2 thread busy while the main thread does the rest. */
const CONNECTIONS = 2;
/** Keycloak's sizing: 15 password-based user logins per second per vCPU. */
const KEYCLOAK_PER_VCPU = 15;

interface VerifyRound {
  verified: number;
  wallMs: number;
  cpuMs: number;
}

export async function eidSignInBenchmark(): Promise<string[]> {
  const file = await eidSignInDb(ACCOUNTS);
  const accounts = benchAccounts(ACCOUNTS);
  const db = new SQLite(file, { readonly: true });
  const sample = accounts[0]!;
  const { password_hash: hash } = db.prepare('select password_hash from eid_accounts where pin = ? and status = ?').get(sample.pin, 'active') as { password_hash: string };
  db.close();
  // Both sides verify at the current parameters: a stored hash made with others would be hashed again by the first sign-ins.
  if (needsRehash(hash)) throw new Error(`the stored hash ${hash.split('$').slice(1, 4).join('$')} is not at the current Argon2id parameters`);
  const { memoryCost, timeCost, parallelism } = ARGON2_PARAMETERS;
  console.log(`  Argon2id m=${memoryCost} KiB, t=${timeCost}, p=${parallelism} (stored hash ${hash.split('$').slice(1, 4).join('$')}); ${ACCOUNTS} accounts; UV_THREADPOOL_SIZE=${THREADS}, ${CONNECTIONS} connections`);

  const server = await startServer('bench/servers/motcua.ts', { DATABASE_URL: `sqlite:${file}`, MOTCUA_DEMO: 'off', UV_THREADPOOL_SIZE: THREADS });
  let next = 0;
  const signIns = {
    method: 'POST' as const,
    connections: CONNECTIONS,
    nextRequest: () => {
      const a = accounts[next++ % accounts.length]!;
      return { body: { pin: a.pin, password: a.password } };
    },
  };
  const url = `${server.url}/api/v1/eid/sessions`;
  const verifyLoop = (seconds: number) => runChild<VerifyRound>('bench/eid/verify-worker.ts', [hash, sample.password, String(seconds), String(CONNECTIONS)], { UV_THREADPOOL_SIZE: THREADS });
  const ref: VerifyRound[] = [];
  const subject: (Load & { cpuMs: number })[] = [];
  /** CPU ms of each server thread over the rounds. */
  const threads = new Map<number, number>();
  try {
    await verifyLoop(1);
    await load(url, 2, signIns); // warm-up
    for (let i = 0; i < ROUNDS; i++) {
      ref.push(await verifyLoop(SECONDS));
      const before = server.cpuMs();
      const threadsBefore = server.threadsCpuMs();
      const l = await load(url, SECONDS, signIns);
      const after = server.cpuMs();
      for (const [tid, ms] of server.threadsCpuMs()) threads.set(tid, (threads.get(tid) ?? 0) + ms - (threadsBefore.get(tid) ?? 0));
      if (l.errors || l.non2xx || before === undefined || after === undefined) throw new Error(`sign-ins failed or server CPU time unknown: ${JSON.stringify(l)}`);
      subject.push({ ...l, cpuMs: after - before });
    }
  } finally {
    await server.stop();
  }

  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const signedIn = sum(subject.map((l) => l.answered ?? 0));
  const perCore = signedIn / (sum(subject.map((l) => l.cpuMs)) / 1000);
  const verified = sum(ref.map((r) => r.verified));
  const refPerCore = verified / (sum(ref.map((r) => r.cpuMs)) / 1000);
  const lines = [
    report('eid-signin: POST /api/v1/eid/sessions per core (CPU time) vs bare Argon2id verify loop', perCore, refPerCore, 0.8, 'sign-ins/s'),
    report(`eid-signin: per core vs Keycloak sizing (${KEYCLOAK_PER_VCPU} password sign-ins/s per vCPU)`, perCore, KEYCLOAK_PER_VCPU, 2.4, 'sign-ins/s'),
  ];
  const refWall = verified / (sum(ref.map((r) => r.wallMs)) / 1000);
  console.log(`  wall clock (${CONNECTIONS} in flight, one Argon2 thread; the machine's other load included): sign-ins ${mean(subject.map((l) => l.requestsPerSecond)).toFixed(1)}/s, bare verifications ${refWall.toFixed(1)}/s → ratio ${(mean(subject.map((l) => l.requestsPerSecond)) / refWall).toFixed(2)}`);
  const cpuPerSignIn = (sum(subject.map((l) => l.cpuMs)) / signedIn) * 1000;
  const cpuPerVerify = (sum(ref.map((r) => r.cpuMs)) / verified) * 1000;
  console.log(`  CPU time: ${cpuPerSignIn.toFixed(0)} µs a sign-in, ${cpuPerVerify.toFixed(0)} µs a bare verification → ${(cpuPerSignIn - cpuPerVerify).toFixed(0)} µs more a sign-in (by thread below)`);
  if (threads.size > 0) {
    // With one threadpool thread, the busiest thread besides the main one is the one computing Argon2id.
    const main = threads.get(server.pid!) ?? 0;
    const others = [...threads].filter(([tid]) => tid !== server.pid).map(([, ms]) => ms).sort((a, b) => b - a);
    const us = (ms: number) => ((ms * 1000) / signedIn).toFixed(0);
    console.log(`  server CPU time by thread, µs a sign-in: main thread (HTTP, validation, SQLite, the rest of the sign-in) ${us(main)}; threadpool (Argon2id) ${us(others[0] ?? 0)}; other threads (V8 garbage collector and compiler) ${us(others.slice(1).reduce((a, b) => a + b, 0))}`);
  }
  const perRound = subject.map((l, i) => (((l.answered ?? 0) / l.cpuMs) / (ref[i]!.verified / ref[i]!.cpuMs)).toFixed(2));
  console.log(`  per-round ratios (CPU time): ${perRound.join(', ')}; latency p50/p99 ms: ${mean(subject.map((l) => l.p50)).toFixed(0)}/${mean(subject.map((l) => l.p99)).toFixed(0)}; ${signedIn} sign-ins over ${ROUNDS} rounds of ${SECONDS} s`);
  await whereTheTimeGoes(file, accounts, hash);
  return lines;
}

/**
 * The parts of one sign-in, timed in this process (no sockets), in CPU µs a call (user + system,
 * all threads). The Argon2-bound calls run in turns (verify, checkSignIn, signIn, inject, verify,
 * …) so that a change in the machine's load touches them alike; what a call costs beyond the bare
 * verification is its difference to the verification.
 */
async function whereTheTimeGoes(file: string, accounts: BenchAccount[], hash: string): Promise<void> {
  const ctx = await openContext(loadConfig({ DATABASE_URL: `sqlite:${file}`, MOTCUA_DEMO: 'off', LOG_LEVEL: 'silent' }), { seed: false });
  const app = await buildHttp(ctx);
  try {
    await app.ready();
    const svc = createEidService(ctx);
    const sample = accounts[0]!;
    const at = (i: number) => accounts[i % accounts.length]!;
    const cpuOf = async (fn: () => Promise<unknown>) => {
      const cpu = process.cpuUsage();
      await fn();
      const used = process.cpuUsage(cpu);
      return used.user + used.system;
    };
    const cheap: [string, (i: number) => Promise<unknown>][] = [
      ['account read', (i) => liveAccountOf(svc.k, at(i).pin)],
      ['registry facts', (i) => registryFacts(svc.db, at(i).pin)],
    ];
    const out: string[] = [];
    for (const [name, fn] of cheap) {
      for (let i = 0; i < 100; i++) await fn(i);
      let us = 0;
      for (let i = 0; i < 1000; i++) us += await cpuOf(() => fn(i));
      out.push(`${name} ${(us / 1000).toFixed(0)}`);
    }
    const turns: [string, (i: number) => Promise<unknown>][] = [
      ['Argon2id verify alone', () => verifyPassword(hash, sample.password)],
      ['checkSignIn (limits, account, Argon2id, registry, auto-lock)', (i) => checkSignIn(svc, at(i), '127.0.0.1')],
      ['signIn (checkSignIn + session transaction + account view)', (i) => signIn(svc, at(i), '127.0.0.1')],
      [
        'POST /api/v1/eid/sessions through Fastify (inject)',
        async (i) => {
          const r = await app.inject({ method: 'POST', url: '/api/v1/eid/sessions', payload: { pin: at(i).pin, password: at(i).password } });
          if (r.statusCode !== 201) throw new Error(`sign-in answered ${r.statusCode}: ${r.body.slice(0, 300)}`);
        },
      ],
    ];
    const totals = turns.map(() => 0);
    const TURNS = 60;
    for (let i = -5; i < TURNS; i++) {
      for (const [k, [, fn]] of turns.entries()) {
        const us = await cpuOf(() => fn(i + 5));
        if (i >= 0) totals[k]! += us;
      }
    }
    const verify = totals[0]! / TURNS;
    for (const [k, [name]] of turns.entries()) out.push(k === 0 ? `${name} ${verify.toFixed(0)}` : `${name} ${(totals[k]! / TURNS).toFixed(0)} (+${(totals[k]! / TURNS - verify).toFixed(0)})`);
    console.log(`  where a sign-in's time goes, CPU µs a call, in-process (${TURNS} turns): ${out.join('; ')}`);
  } finally {
    await app.close();
    await ctx.db.close();
  }
}

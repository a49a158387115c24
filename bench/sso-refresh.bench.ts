/**
 * The single sign-on's token endpoint, refresh grant (`POST /oidc/token`,
 * `grant_type=refresh_token`, `client_secret_basic`; rotation on every use, an ES256 ID token in
 * every answer), per core: against a bare Fastify route doing the same database reads and writes
 * and one ES256 signature (bench/servers/sso-refresh-bare.ts) in the same run (target ≥ 0.6), and
 * against Keycloak's published sizing of 120 refresh-token requests per second per vCPU (target
 * ≥ 5×, i.e. ≥ 600 a second per core; Keycloak "Concepts for sizing CPU and memory resources",
 * https://www.keycloak.org/high-availability/concepts-memory-and-cpu-sizing).
 *
 * Per core: each server runs in its own process; its rate is the refreshes answered divided by
 * the CPU time (user + system) the process used meanwhile, a figure that hardly moves with what
 * else the machine runs. Wall-clock rates are printed beside.
 *
 * Data: a copy of the e-ID sign-in benchmark's database (accounts made through the real e-ID
 * path, bench/eid/data.ts) with a registered portal; {@link CHAINS} refresh tokens come from real
 * sign-ins (sign-in page, consent page, code + PKCE exchanged by `openid-client`), and each load
 * worker follows one chain: every answer's new refresh token is the next request's.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { buildHttp } from '../src/app/app.js';
import { ssoRuntime } from '../src/sso/index.js';
import { Browser, formOf, oidc, rpWithSecret } from '../src/sso/testing.js';
import { report, startServer, type RunningServer } from './lib.js';
import { benchAccounts, eidSignInDb } from './eid/data.js';
import { benchDir, openBenchContext, removeSqlite } from './population/data.js';

const ACCOUNTS = Number(process.env.BENCH_EID_ACCOUNTS ?? 300);
const CHAINS = 8;
const ROUNDS = Number(process.env.BENCH_SSO_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SSO_SECONDS ?? 5);
/** Keycloak's sizing: 120 refresh-token requests per second per vCPU. */
const KEYCLOAK_PER_VCPU = 120;
const CLIENT = 'bench-portal';
const CALLBACK = 'https://dichvucong.haiduong.gov.vn/auth/callback';

interface Round {
  answered: number;
  failed: number;
  wallMs: number;
  cpuMs: number;
}

/** Makes the database and `CHAINS` refresh tokens of real sign-ins; answers the file and the client secret. */
async function prepare(): Promise<{ file: string; secret: string; tokens: string[] }> {
  const source = await eidSignInDb(ACCOUNTS);
  const file = path.join(benchDir(), 'sso-refresh.sqlite');
  removeSqlite(file);
  const src = new SQLite(source, { readonly: true });
  src.prepare('vacuum into ?').run(file);
  src.close();
  const ctx = await openBenchContext(`sqlite:${file}`);
  try {
    const { clientSecret } = await ssoRuntime(ctx).clients.create({ id: CLIENT, name: 'Cổng dịch vụ công tỉnh Hải Dương', redirectUris: [CALLBACK], scopes: ['profile'], purpose: 'Đo hiệu năng' }, { kind: 'cli', id: 'cli:bench' });
    const app = await buildHttp(ctx);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const origin = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    ctx.config.publicUrl = origin;
    try {
      const rp = await rpWithSecret(`${origin}/oidc`, CLIENT, clientSecret!);
      const account = benchAccounts(ACCOUNTS)[0]!;
      const b = new Browser(origin);
      const tokens: string[] = [];
      for (let i = 0; i < CHAINS; i++) {
        const verifier = oidc.randomPKCECodeVerifier();
        let page = await b.walk(oidc.buildAuthorizationUrl(rp, { redirect_uri: CALLBACK, scope: 'openid profile', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }));
        if (page.status === 200 && page.body.includes('name="password"')) {
          const f = formOf(page.body, '/login');
          page = await b.walk(f.action, { ...f.fields, pin: account.pin, password: account.password });
        }
        if (page.status === 200) {
          const f = formOf(page.body, '/consent');
          page = await b.walk(f.action, f.fields);
        }
        const t = await oidc.authorizationCodeGrant(rp, new URL(page.location!), { pkceCodeVerifier: verifier, expectedState: oidc.skipStateCheck });
        tokens.push(t.refresh_token!);
      }
      return { file, secret: clientSecret!, tokens };
    } finally {
      await app.close();
    }
  } finally {
    await ctx.db.close();
  }
}

/** `tokens.length` workers refreshing for `seconds`, each following its own chain (updated in place). */
async function refreshRound(server: RunningServer, pathname: string, basic: string, tokens: string[], seconds: number): Promise<Round> {
  const before = server.cpuMs();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let answered = 0;
  let failed = 0;
  await Promise.all(
    tokens.map(async (_t, w) => {
      while (performance.now() < deadline) {
        const res = await fetch(`${server.url}${pathname}`, {
          method: 'POST',
          headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
          body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(tokens[w]!)}`,
        });
        const body = (await res.json()) as { refresh_token?: string; id_token?: string };
        if (res.status !== 200 || !body.refresh_token || !body.id_token) {
          failed++;
          throw new Error(`refresh failed: ${res.status} ${JSON.stringify(body)}`);
        }
        tokens[w] = body.refresh_token;
        answered++;
      }
    }),
  );
  const wallMs = performance.now() - started;
  const after = server.cpuMs();
  if (before === undefined || after === undefined) throw new Error('server CPU time unknown (no /proc)');
  return { answered, failed, wallMs, cpuMs: after - before };
}

export async function ssoRefreshBenchmark(): Promise<string[]> {
  process.env.MOTCUA_DATA_KEY ||= randomBytes(32).toString('base64');
  const { file, secret, tokens } = await prepare();
  const basic = `Basic ${Buffer.from(`${CLIENT}:${encodeURIComponent(secret)}`).toString('base64')}`;
  const env = { DATABASE_URL: `sqlite:${file}`, MOTCUA_DEMO: 'off', MOTCUA_DATA_KEY: process.env.MOTCUA_DATA_KEY, BENCH_SSO_CLIENT: CLIENT, BENCH_SSO_SECRET: secret };
  const motcua = await startServer('bench/servers/motcua.ts', env);
  const bare = await startServer('bench/servers/sso-refresh-bare.ts', env);
  const ref: Round[] = [];
  const subject: Round[] = [];
  try {
    const bareTokens = (await (await fetch(`${bare.url}/seed?n=${CHAINS}`, { method: 'POST' })).json()) as string[];
    await refreshRound(bare, '/token', basic, bareTokens, 1); // warm-up
    await refreshRound(motcua, '/oidc/token', basic, tokens, 1);
    for (let i = 0; i < ROUNDS; i++) {
      ref.push(await refreshRound(bare, '/token', basic, bareTokens, SECONDS));
      subject.push(await refreshRound(motcua, '/oidc/token', basic, tokens, SECONDS));
    }
  } finally {
    await motcua.stop();
    await bare.stop();
    removeSqlite(file);
    if (fs.existsSync(file)) fs.rmSync(file, { force: true });
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const perCore = (rs: Round[]) => sum(rs.map((r) => r.answered)) / (sum(rs.map((r) => r.cpuMs)) / 1000);
  const wall = (rs: Round[]) => sum(rs.map((r) => r.answered)) / (sum(rs.map((r) => r.wallMs)) / 1000);
  const lines = [
    report('sso-refresh: POST /oidc/token (refresh grant) per core (CPU time) vs bare route with the same reads, writes and ES256 signature', perCore(subject), perCore(ref), 0.6, 'refreshes/s'),
    report(`sso-refresh: per core vs Keycloak sizing (${KEYCLOAK_PER_VCPU} refresh requests/s per vCPU)`, perCore(subject), KEYCLOAK_PER_VCPU, 5, 'refreshes/s'),
  ];
  console.log(`  wall clock (${CHAINS} in flight; the machine's other load included): motcua ${wall(subject).toFixed(0)}/s, bare ${wall(ref).toFixed(0)}/s; CPU time a refresh: motcua ${((sum(subject.map((r) => r.cpuMs)) / sum(subject.map((r) => r.answered))) * 1000).toFixed(0)} µs, bare ${((sum(ref.map((r) => r.cpuMs)) / sum(ref.map((r) => r.answered))) * 1000).toFixed(0)} µs; ${sum(subject.map((r) => r.answered))} refreshes over ${ROUNDS} rounds of ${SECONDS} s`);
  return lines;
}

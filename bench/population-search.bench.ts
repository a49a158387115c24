/**
 * Folded-name search over 1,000,000 imported citizens (the population-import database):
 * `GET /api/v1/citizens?q=…[&birthYear=…]` as a provincial police officer of Tỉnh Hải Dương (unit
 * '30', so the whole population is in scope), X-Purpose DOSSIER_PROCESSING, one request at a time,
 * timed by the client over HTTP (audit entry with every returned record included). Queries are
 * drawn from the generated names: full names, family + given name, and given name with the year of
 * birth. Target: p99 < 50 ms. Reference line, for comparison only: the same queries as a plain
 * `name_folded LIKE '%word%'` scan (every word, same filters, same page and count) run directly on
 * better-sqlite3 in this process.
 */
import http from 'node:http';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { unitAreaThroughTime, type UnitsTables } from '../src/units/index.js';
import { foldForSearch } from '../src/platform/text.js';
import { percentile, reportBelow, startServer } from './lib.js';
import { populationDb, REFERENCE_DATE, seededRandom, staffToken } from './population/data.js';

const ROWS = Number(process.env.BENCH_POPULATION_ROWS ?? 1_000_000);
const PER_KIND = Number(process.env.BENCH_SEARCH_QUERIES ?? 200);
const LIKE_PER_KIND = Number(process.env.BENCH_SEARCH_LIKE_QUERIES ?? 10);

interface Query {
  kind: 'full name' | 'family + given name' | 'given name + birth year';
  q: string;
  birthYear?: number;
}

/** Queries from real generated people, spread over the population, in a shuffled order. */
function queriesFrom(file: string): Query[] {
  const db = new SQLite(file, { readonly: true });
  const people = db.prepare('select full_name, birth_year from citizens where rowid % 331 = 0').all() as { full_name: string; birth_year: number }[];
  db.close();
  const random = seededRandom(2023);
  const pick = () => people[Math.floor(random() * people.length)]!;
  const out: Query[] = [];
  for (let i = 0; i < PER_KIND; i++) {
    const a = pick().full_name;
    out.push({ kind: 'full name', q: a });
    const words = pick().full_name.split(' ');
    out.push({ kind: 'family + given name', q: `${words[0]} ${words[words.length - 1]}` });
    const p = pick();
    out.push({ kind: 'given name + birth year', q: p.full_name.split(' ').pop()!, birthYear: p.birth_year });
  }
  return out;
}

function get(agent: http.Agent, url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

function stats(ms: number[]): string {
  return `p50 ${percentile(ms, 50).toFixed(1)} / p95 ${percentile(ms, 95).toFixed(1)} / p99 ${percentile(ms, 99).toFixed(1)} ms`;
}

export async function populationSearchBenchmark(): Promise<string[]> {
  const file = await populationDb(ROWS);
  const token = await staffToken(file, 'bench.search', 'PROVINCIAL_POLICE', '30');
  const queries = queriesFrom(file);
  const kinds = [...new Set(queries.map((q) => q.kind))];
  const server = await startServer('bench/servers/motcua.ts', { DATABASE_URL: `sqlite:${file}`, MOTCUA_DEMO: 'off' });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { authorization: `Bearer ${token}`, 'x-purpose': 'DOSSIER_PROCESSING' };
  const timings = new Map<string, number[]>(kinds.map((k) => [k, []]));
  const totals: number[] = [];
  let capped = 0;
  try {
    const urlOf = (q: Query) => `${server.url}/api/v1/citizens?q=${encodeURIComponent(q.q)}${q.birthYear ? `&birthYear=${q.birthYear}` : ''}&pageSize=20`;
    for (const q of queries.slice(0, 30)) await get(agent, urlOf(q), headers); // warm-up
    for (const q of queries) {
      const started = performance.now();
      const res = await get(agent, urlOf(q), headers);
      const ms = performance.now() - started;
      if (res.status !== 200) throw new Error(`search ${JSON.stringify(q)} answered ${res.status}: ${res.body.slice(0, 300)}`);
      const { total, totalCapped } = JSON.parse(res.body) as { total: number; totalCapped: boolean };
      if (total < 1) throw new Error(`search ${JSON.stringify(q)} found nobody, though the name is in the registry`);
      timings.get(q.kind)!.push(ms);
      totals.push(total);
      if (totalCapped) capped++;
    }
  } finally {
    agent.destroy();
    await server.stop();
  }
  const all = [...timings.values()].flat();
  console.log(`  ${all.length} searches over HTTP, one at a time; matches per query (counted up to 1,000): median ${percentile(totals, 50)}, max ${Math.max(...totals)}; ${capped} with more than 1,000`);
  for (const [kind, ms] of timings) console.log(`    ${kind.padEnd(24)} ${stats(ms)}`);

  // Reference line: the same searches as LIKE scans, straight on better-sqlite3, within the same area.
  const db = new SQLite(file, { readonly: true });
  const area = await unitAreaThroughTime(new Kysely<UnitsTables>({ dialect: new SqliteDialect({ database: db }) }), '30', REFERENCE_DATE);
  const column = (code: string) => (code.length === 2 ? 'scope_province' : code.length === 3 ? 'scope_district' : 'scope_commune');
  const areaSql = `(${area.map((a) => `(+${column(a.code)} = '${a.code}' and scope_date >= '${a.validFrom}' and scope_date <= '${a.validUntil ?? '9999-12-31'}')`).join(' or ')})`;
  const like: number[] = [];
  for (const kind of kinds) {
    const sample = queries.filter((q) => q.kind === kind).slice(0, LIKE_PER_KIND);
    const ms: number[] = [];
    for (const q of sample) {
      const words = foldForSearch(q.q).split(' ').filter(Boolean);
      const where = [...words.map(() => 'name_folded like ?'), ...(q.birthYear ? ['birth_year = ?'] : []), areaSql].join(' and ');
      const params = [...words.map((w) => `%${w}%`), ...(q.birthYear ? [q.birthYear] : [])];
      const started = performance.now();
      db.prepare(`select * from citizens where ${where} order by sort_key, pin limit 20`).all(...params);
      db.prepare(`select count(*) from citizens where ${where}`).pluck().get(...params);
      ms.push(performance.now() - started);
    }
    console.log(`    LIKE scan ${kind.padEnd(24)} ${stats(ms)} (${ms.length} queries)`);
    like.push(...ms);
  }
  db.close();
  const line = reportBelow(
    'population-search p99 (HTTP, audited)',
    percentile(all, 99),
    50,
    'ms',
    `(${stats(all)}, ${all.length} queries; reference LIKE '%…%' scan ${stats(like)}, ${like.length} queries)`,
  );
  return [line];
}

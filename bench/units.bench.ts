/**
 * GET /api/v1/units/{code}?at= on the embedded SQLite database with the built-in units, against
 * a bare Fastify + better-sqlite3 route doing the same queries, in the same run. Target ≥ 0.8.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openContext } from '../src/app/app.js';
import { loadConfig } from '../src/platform/config.js';
import { compare, mean, report, ROOT, startServer } from './lib.js';

export async function unitsBenchmark(): Promise<string> {
  const dir = path.join(ROOT, 'var/bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'units.sqlite');
  fs.rmSync(file, { force: true });
  const url = `sqlite:${file}`;
  const ctx = await openContext(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', MOTCUA_DEMO: 'off' }), { seed: true });
  await ctx.db.close();
  const env = { DATABASE_URL: url, MOTCUA_DEMO: 'off' };
  const bare = await startServer('bench/servers/units-bare.ts', env);
  const motcua = await startServer('bench/servers/motcua.ts', env);
  try {
    const { ref, subject } = await compare(`${bare.url}/units/10897?at=2023-02-28`, `${motcua.url}/api/v1/units/10897?at=2023-02-28`);
    for (const l of [...ref, ...subject]) if (l.errors || l.non2xx) throw new Error(`benchmark requests failed: ${JSON.stringify(l)}`);
    const line = report('units: GET /api/v1/units/{code}', mean(subject.map((l) => l.requestsPerSecond)), mean(ref.map((l) => l.requestsPerSecond)), 0.8);
    console.log(`  latency p50/p99 ms: motcua ${mean(subject.map((l) => l.p50)).toFixed(1)}/${mean(subject.map((l) => l.p99)).toFixed(1)}, bare ${mean(ref.map((l) => l.p50)).toFixed(1)}/${mean(ref.map((l) => l.p99)).toFixed(1)}`);
    return line;
  } finally {
    await bare.stop();
    await motcua.stop();
  }
}

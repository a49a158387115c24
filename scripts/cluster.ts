/**
 * `npm run cluster [-- COPIES]`: several motcua copies over one PostgreSQL and one Redis, as behind
 * a load balancer (README "Many copies"). Needs DATABASE_URL=postgres://… and REDIS_URL; copies
 * listen on PORT, PORT+1, … (default 3001). Ctrl-C stops them all.
 */
import { startCopies } from '../src/platform/testing/copies.js';

const count = Number(process.argv[2] ?? 2);
const databaseUrl = process.env.DATABASE_URL ?? '';
const redisUrl = process.env.REDIS_URL ?? '';
if (!Number.isInteger(count) || count < 1 || count > 16) {
  process.stderr.write('usage: npm run cluster -- [COPIES 1–16]\n');
  process.exit(2);
}
if (!/^postgres(ql)?:\/\//.test(databaseUrl) || !/^rediss?:\/\//.test(redisUrl)) {
  process.stderr.write('npm run cluster needs DATABASE_URL=postgres://… and REDIS_URL=redis://… (copies share them; SQLite is one machine only)\n');
  process.exit(2);
}
const basePort = Number(process.env.PORT ?? 3001);
const { copies, stop } = await startCopies({
  count,
  basePort,
  env: { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  onLine: (n, line) => process.stderr.write(`[copy ${n}] ${line}\n`),
});
process.stderr.write(`\n${copies.length} copies serving: ${copies.map((c) => c.url).join(', ')}\n`);
const shutdown = async () => {
  await stop();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);

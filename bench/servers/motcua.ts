// The whole platform (motcua serve) over the database in DATABASE_URL; prints LISTENING <port>.
import { buildHttp, openContext } from '../../src/app/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { groupCommitOf } from '../../src/platform/audit/audit.js';
import { submissionGroupStats } from '../../src/dossiers/intake.js';
import { serveForBenchmark } from '../lib.js';

const ctx = await openContext(loadConfig({ ...process.env, PORT: '0', LOG_LEVEL: 'silent' }));
const app = await buildHttp(ctx);
await serveForBenchmark(app, () => {
  const { batches, writes: entries } = groupCommitOf(ctx.db).stats;
  if (batches > 0) console.error(`  motcua server: ${entries} audit entries of reads written in ${batches} transactions (${(entries / batches).toFixed(1)} a transaction)`);
  const submissions = submissionGroupStats(ctx.db);
  if (submissions.batches > 0) console.error(`  motcua server: ${submissions.writes} dossier submissions written in ${submissions.batches} transactions (${(submissions.writes / submissions.batches).toFixed(1)} a transaction)`);
  return ctx.db.close();
});

/**
 * Child process of the population-import benchmark's PostgreSQL part (SQLite imports run the
 * shipped command, see importIntoSqlite in data.ts): imports one CSV file with `importCitizens`
 * into a database already migrated with the built-in units, and prints one JSON line
 * `RESULT {rows, ms, maxRssKb, status}`. Alone in its process so that its peak RSS is the import's.
 *
 *   node --import tsx bench/population/import-worker.ts DATABASE_URL FILE [PG_SCHEMA]
 */
import { openContext } from '../../src/app/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { Database } from '../../src/platform/db/database.js';
import { importCitizens } from '../../src/population/importer.js';
import { REFERENCE_DATE } from './data.js';

const [url, file, schema] = process.argv.slice(2) as [string, string, string | undefined];
const config = loadConfig({ DATABASE_URL: url, MOTCUA_DEMO: 'off', LOG_LEVEL: 'silent' });
const db = schema ? await Database.open(url, { searchPath: schema, poolMax: config.pgPoolMax, timeoutMs: config.dbTimeoutMs }) : undefined;
const ctx = await openContext(config, { db, seed: false });
const started = performance.now();
// Progress on stderr every 100,000 rows (a 1,000,000-row import takes minutes).
const progress = (s: { rowsRead: number }) => {
  if (s.rowsRead % 100_000 === 0) console.error(`      ${s.rowsRead.toLocaleString('en')} rows, ${((performance.now() - started) / 1000).toFixed(0)} s`);
};
const status = await importCitizens(ctx.db, file, { actor: { kind: 'cli', id: 'cli:bench' }, referenceDate: REFERENCE_DATE, afterBatch: progress });
const ms = performance.now() - started;
await ctx.db.close();
console.log(`RESULT ${JSON.stringify({ rows: status.created + status.updated + status.unchanged, ms, maxRssKb: process.resourceUsage().maxRSS, status })}`);

/**
 * Child process of the population-import benchmark: the reference loads. The rows are parsed with
 * the same reader as the import (`readCitizenFile`) and their residence paths resolved, in chunks
 * of {@link CHUNK} rows, outside the timing; the timing covers only turning each parsed citizen
 * into its `citizens` row (the same derived columns: folded name, collation key, duplicate key,
 * scope) and writing it:
 * - `sqlite`: one prepared single-row INSERT through better-sqlite3, {@link BATCH} rows per
 *   transaction, on a fresh database with the same schema, indexes and triggers, opened with the
 *   platform's own settings (`Database.open`: WAL, synchronous NORMAL, …);
 * - `postgres`: `COPY citizens (…) FROM STDIN` (text format) of each chunk through
 *   pg-copy-streams, into a fresh schema with the same migrations.
 * Prints `RESULT {rows, ms, maxRssKb}`.
 *
 *   node --import tsx bench/population/reference-worker.ts sqlite|postgres DATABASE_URL FILE [PG_SCHEMA]
 */
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Database } from '../../src/platform/db/database.js';
import { nowUtc } from '../../src/platform/dates.js';
import type { UnitsTables } from '../../src/units/index.js';
import { readCitizenFile } from '../../src/population/import-file.js';
import type { CitizenInput } from '../../src/population/model.js';
import { contentColumns, UnitPaths } from '../../src/population/registry.js';
import type { CitizenRow } from '../../src/population/store.js';
import { REFERENCE_DATE } from './data.js';

const CHUNK = 50_000;
/**
 * Rows a transaction: the import's own batch. With the platform's settings (SQLite's default 2 MB
 * page cache) larger transactions were not faster (10,000 rows measured the same on 100,000).
 */
const BATCH = 1000;

const [engine, url, file, schema] = process.argv.slice(2) as ['sqlite' | 'postgres', string, string, string | undefined];
const db = await Database.open(url, { searchPath: schema, poolMax: 1, timeoutMs: 600_000 });
const units = new UnitPaths(db.as<UnitsTables>());

type Parsed = { citizen: CitizenInput; path: string[] | null };

function rowOf(p: Parsed, now: string): CitizenRow {
  return { pin: p.citizen.pin, ref: randomUUID(), ...contentColumns(p.citizen, p.path), version: 1, created_at: now, updated_at: now };
}

/** Parsed rows of the file, CHUNK at a time (residence paths resolved, as the importer's checks do). */
async function* chunks(): AsyncGenerator<Parsed[]> {
  let chunk: Parsed[] = [];
  for await (const r of readCitizenFile({ path: file }, { referenceDate: REFERENCE_DATE })) {
    if (!r.citizen) continue;
    const place = r.citizen.currentResidence ?? r.citizen.permanentResidence;
    chunk.push({ citizen: r.citizen, path: place ? await units.of(place.unitCode, place.unitDate) : null });
    if (chunk.length === CHUNK) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

let columns: (keyof CitizenRow)[] | undefined;
let ms = 0;
let rows = 0;
const seen = new Set<string>();

if (engine === 'sqlite') {
  const sqlite = db.sqliteHandle!;
  let insert: ReturnType<typeof sqlite.prepare> | undefined;
  let insertBatch: ((batch: CitizenRow[]) => void) | undefined;
  for await (const chunk of chunks()) {
    const started = performance.now();
    const now = nowUtc();
    for (let i = 0; i < chunk.length; i += BATCH) {
      const batch: CitizenRow[] = [];
      for (const p of chunk.slice(i, i + BATCH)) {
        if (seen.has(p.citizen.pin)) continue; // the import keeps the first of a repeated number too
        seen.add(p.citizen.pin);
        batch.push(rowOf(p, now));
      }
      if (!insert) {
        columns = Object.keys(batch[0]!) as (keyof CitizenRow)[];
        insert = sqlite.prepare(`insert into citizens (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);
        const stmt = insert;
        const cols = columns;
        insertBatch = sqlite.transaction((b: CitizenRow[]) => {
          for (const r of b) stmt.run(cols.map((c) => r[c]));
        });
      }
      insertBatch!(batch);
      rows += batch.length;
    }
    ms += performance.now() - started;
    if (rows % 200_000 === 0) console.error(`      ${rows.toLocaleString('en')} rows, ${(ms / 1000).toFixed(0)} s timed`);
  }
} else {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  const text = (v: unknown) => (v === null || v === undefined ? '\\N' : String(v).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!));
  for await (const chunk of chunks()) {
    const started = performance.now();
    const now = nowUtc();
    const out: CitizenRow[] = [];
    for (const p of chunk) {
      if (seen.has(p.citizen.pin)) continue;
      seen.add(p.citizen.pin);
      out.push(rowOf(p, now));
    }
    columns ??= Object.keys(out[0]!) as (keyof CitizenRow)[];
    const cols = columns;
    const lines = function* () {
      let buf = '';
      for (const r of out) {
        buf += `${cols.map((c) => text(r[c])).join('\t')}\n`;
        if (buf.length > 1 << 16) {
          yield buf;
          buf = '';
        }
      }
      if (buf) yield buf;
    };
    await pipeline(Readable.from(lines()), client.query(copyFrom(`copy citizens (${cols.join(', ')}) from stdin`)));
    rows += out.length;
    ms += performance.now() - started;
  }
  await client.end();
}
await db.close();
console.log(`RESULT ${JSON.stringify({ rows, ms, maxRssKb: process.resourceUsage().maxRSS })}`);

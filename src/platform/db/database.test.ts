import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { Database, runStatement, SAFETY_NET_PAGES, statementText } from './database.js';

const require = createRequire(import.meta.url);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-db-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('copies the SQLite write-ahead log back from a worker thread, leaving the writer’s own checkpoint as a safety net only', async () => {
  const file = path.join(dir, 'checkpoint.sqlite');
  const db = await Database.open(`sqlite:${file}`, { backgroundCheckpoint: true });
  try {
    expect(db.sqliteHandle!.pragma('wal_autocheckpoint', { simple: true })).toBe(SAFETY_NET_PAGES);
    await sql`create table notes (id integer primary key, body text not null)`.execute(db.kysely);
    // 2,000 rows of 1 kB in 20 transactions: about 500 pages of log, under the writer's own threshold.
    for (let t = 0; t < 20; t++) {
      await db.transaction(async (trx) => {
        for (let i = 0; i < 100; i++) await sql`insert into notes (body) values (${`Thôn Hoàng Xá ${t}-${i} `.padEnd(1000, '·')})`.execute(trx);
      });
    }
    const deadline = Date.now() + 5000;
    while (db.checkpointer!.stats.checkpointedPages < 400 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(db.checkpointer!.stats).toMatchObject({ errors: 0 });
    expect(db.checkpointer!.stats.checkpointedPages).toBeGreaterThanOrEqual(400);
  } finally {
    await db.close();
  }
  // Everything is in the database file once closed, and it reopens with every row.
  const again = await Database.open(`sqlite:${file}`);
  expect((await sql<{ n: number }>`select count(*) as n from notes`.execute(again.kysely)).rows[0]!.n).toBe(2000);
  await again.close();
});

it('opens without a worker unless asked, and in memory never', async () => {
  const plain = await Database.open(`sqlite:${path.join(dir, 'plain.sqlite')}`);
  const memory = await Database.open('sqlite::memory:', { backgroundCheckpoint: true });
  expect(plain.checkpointer).toBeUndefined();
  expect(memory.checkpointer).toBeUndefined();
  expect(plain.sqliteHandle!.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  await plain.close();
  await memory.close();
});

it('maps a SQLite file into memory when asked (the server), never a database in memory', async () => {
  const file = await Database.open(`sqlite:${path.join(dir, 'mapped.sqlite')}`);
  const memory = await Database.open('sqlite::memory:');
  expect(file.sqliteHandle!.pragma('mmap_size', { simple: true })).toBe(0);
  file.memoryMap(64 * 1024 * 1024);
  memory.memoryMap(64 * 1024 * 1024);
  expect(file.sqliteHandle!.pragma('mmap_size', { simple: true })).toBe(67_108_864);
  expect(memory.sqliteHandle!.pragma('mmap_size', { simple: true }) ?? 0).toBe(0); // no file: no row at all
  file.memoryMap(0);
  expect(file.sqliteHandle!.pragma('mmap_size', { simple: true })).toBe(0);
  await file.close();
  await memory.close();
});

it('waits for another process’s write lock at BEGIN instead of failing a transaction that read first (SQLite BEGIN IMMEDIATE)', async () => {
  const file = path.join(dir, 'two-writers.sqlite');
  const db = await Database.open(`sqlite:${file}`, { timeoutMs: 5000 });
  try {
    await sql`create table batches (id integer primary key, source text not null)`.execute(db.kysely);
    // Another connection on its own thread (as the CLI importer is another process) holds the
    // write lock for 400 ms and adds a row.
    const other = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const SQLite = require(workerData.module);
       const db = new SQLite(workerData.file);
       db.exec('begin immediate');
       db.prepare("insert into batches (source) values ('cli')").run();
       parentPort.postMessage('locked');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
       db.exec('commit');
       db.close();
       parentPort.postMessage('committed');`,
      { eval: true, workerData: { file, module: require.resolve('better-sqlite3') } },
    );
    const messages: string[] = [];
    const committed = new Promise<void>((resolve, reject) => {
      other.on('message', (m: string) => {
        messages.push(m);
        if (m === 'committed') resolve();
      });
      other.on('error', reject);
    });
    await new Promise<void>((resolve) => other.once('message', () => resolve()));
    // Read, then write: with a deferred BEGIN the read's snapshot went stale and the write failed
    // with SQLITE_BUSY at once. Now the transaction starts after the other one commits.
    const seen = await db.transaction(async (trx) => {
      const n = (await sql<{ n: number }>`select count(*) as n from batches`.execute(trx)).rows[0]!.n;
      await sql`insert into batches (source) values ('server')`.execute(trx);
      return n;
    });
    await committed;
    expect(messages).toEqual(['locked', 'committed']);
    expect(seen).toBe(1);
    expect((await sql<{ source: string }>`select source from batches order by id`.execute(db.kysely)).rows.map((r) => r.source)).toEqual(['cli', 'server']);
  } finally {
    await db.close();
  }
});

it('runs hot statements on the SQLite handle itself, inside a transaction or alone, never inside another caller’s open transaction, and the observer sees each', async () => {
  const db = await Database.open(`sqlite:${path.join(dir, 'direct.sqlite')}`);
  try {
    await sql`create table agencies (unit_code text primary key, name text not null)`.execute(db.kysely);
    const insert = statementText('insert into agencies (unit_code, name) values (?, ?)');
    const byUnit = statementText('select unit_code, name from agencies where unit_code = ?');
    const seen: string[] = [];
    db.observeQueries((e) => seen.push(`${e.level} ${e.query.sql.split(' ')[0]}`));
    await runStatement(db.kysely, insert, ['10888', 'Trung tâm Phục vụ hành chính công xã Cẩm Giang']);
    let committed!: () => void;
    const open = db.transaction(async (trx) => {
      await runStatement(trx, insert, ['10897', 'Xã Cẩm Hoàng']);
      // The transaction sees its own row at once.
      expect(await runStatement(trx, byUnit, ['10897'])).toEqual([{ unit_code: '10897', name: 'Xã Cẩm Hoàng' }]);
      await new Promise<void>((r) => (committed = r));
    });
    while (!db.sqliteHandle!.inTransaction) await new Promise((r) => setImmediate(r));
    // A read from outside while the transaction is open waits for its end, then sees its row.
    let answered = false;
    const outside = runStatement(db.kysely, byUnit, ['10897']).then((rows) => ((answered = true), rows));
    await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe(false);
    committed();
    await open;
    expect(await outside).toEqual([{ unit_code: '10897', name: 'Xã Cẩm Hoàng' }]);
    // A failing statement reaches its caller as better-sqlite3 raised it, and the observer as an error.
    await expect(runStatement(db.kysely, insert, ['10888', 'again'])).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(seen).toEqual(['query insert', 'query begin', 'query insert', 'query select', 'query commit', 'query select', 'error insert']);
  } finally {
    await db.close();
  }
});

/**
 * The storage test harness: every storage test runs on SQLite and on PostgreSQL.
 *
 * `forEachEngine('units store', (env) => { it(…, async () => { env().db … }) })` declares the
 * suite once per engine. SQLite gets a fresh temporary file; PostgreSQL a fresh schema in the
 * test database (`MOTCUA_TEST_PG_URL`, default `postgres://postgres@127.0.0.1:5432/test`),
 * dropped afterwards. PostgreSQL being unreachable fails the suite: it is never skipped.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe } from 'vitest';
import pg from 'pg';
import { Database, type Engine } from '../db/database.js';

export const ENGINES: Engine[] = ['sqlite', 'postgres'];
export const TEST_PG_URL = process.env.MOTCUA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  db: Database;
  /** The DATABASE_URL this database answers at (for configs and child processes). */
  url: string;
  /** PostgreSQL schema of this test database, if any. */
  schema?: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on `engine`. */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
  if (engine === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-test-'));
    const url = `sqlite:${path.join(dir, 'test.sqlite')}`;
    const db = await Database.open(url);
    return {
      db,
      url,
      async drop() {
        await db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${id}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(`PostgreSQL test database unreachable at ${TEST_PG_URL} (start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start): ${(e as Error).message}`);
  }
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = await Database.open(TEST_PG_URL, { searchPath: schema, poolMax: 5 });
  return {
    db,
    url: TEST_PG_URL,
    schema,
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

/**
 * Declares `suite` once per engine, each with its own fresh database prepared by `setup`
 * (e.g. migrations and built-in data) before the suite's tests.
 */
export function forEachEngine<T>(name: string, setup: (t: TestDatabase) => Promise<T>, suite: (env: () => T & { t: TestDatabase }, engine: Engine) => void): void {
  for (const engine of ENGINES) {
    describe(`${name} [${engine}]`, () => {
      let state: (T & { t: TestDatabase }) | undefined;
      beforeAll(async () => {
        const t = await createTestDatabase(engine);
        state = { ...(await setup(t)), t };
      });
      afterAll(async () => {
        await state?.t.drop();
      });
      suite(() => {
        if (!state) throw new Error('test database not ready');
        return state;
      }, engine);
    });
  }
}

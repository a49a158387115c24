// Reference for the units benchmark: a bare Fastify route over better-sqlite3 doing the same
// queries as GET /api/v1/units/{code}?at= (the version in force, its parents, its succession
// links), with prepared statements and no validation, audit, schema or security headers.
import Fastify from 'fastify';
import { serveForBenchmark } from '../lib.js';
import SQLite from 'better-sqlite3';

const file = (process.env.DATABASE_URL ?? '').replace(/^sqlite:/, '');
const db = new SQLite(file, { readonly: true });
const version = db.prepare('select * from admin_units where code = ? and valid_from <= ? and valid_until >= ?');
const linksFrom = db.prepare('select * from unit_successions where predecessor_code = ? and effective_date > ? and effective_date <= ? order by effective_date, successor_code');
const linksInto = db.prepare('select * from unit_successions where successor_code = ? and effective_date >= ? and effective_date <= ? order by effective_date, predecessor_code');

type Row = { code: string; parent_code: string | null; valid_from: string; valid_until: string; [k: string]: unknown };
const app = Fastify();
app.get('/units/:code', async (request, reply) => {
  const { code } = request.params as { code: string };
  const at = (request.query as { at?: string }).at ?? '2026-01-01';
  const unit = version.get(code, at, at) as Row | undefined;
  if (!unit) return reply.code(404).send({ code: 'UNIT_NOT_FOUND' });
  const path: Row[] = [unit];
  let parent = unit.parent_code;
  while (parent) {
    const p = version.get(parent, at, at) as Row | undefined;
    if (!p) break;
    path.unshift(p);
    parent = p.parent_code;
  }
  return { ...unit, path, successors: linksFrom.all(code, unit.valid_from, unit.valid_until), predecessors: linksInto.all(code, unit.valid_from, unit.valid_until) };
});
await serveForBenchmark(app, () => db.close());

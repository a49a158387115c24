// Reference for the population-lookup benchmark: a bare Fastify route over better-sqlite3 doing the
// same SELECT as GET /api/v1/citizens/{pin} (the whole row by its number), with a prepared
// statement and no authentication, purpose check, unit scoping, audit write, schema or security
// headers. Prints LISTENING <port>.
import Fastify from 'fastify';
import { serveForBenchmark } from '../lib.js';
import SQLite from 'better-sqlite3';

const file = (process.env.DATABASE_URL ?? '').replace(/^sqlite:/, '');
const db = new SQLite(file, { readonly: true });
const byPin = db.prepare('select * from citizens where pin = ?');

const app = Fastify();
app.get('/citizens/:pin', async (request, reply) => {
  const { pin } = request.params as { pin: string };
  const row = byPin.get(pin);
  if (!row) return reply.code(404).send({ code: 'CITIZEN_NOT_FOUND' });
  return row;
});
await serveForBenchmark(app, () => db.close());

// Reference for the dossier-submission benchmark: a bare Fastify route over better-sqlite3 (same
// pragmas as the platform: WAL, synchronous NORMAL, foreign keys) that stores a posted dossier
// with one prepared INSERT into the same `dossiers` table (same indexes, same stored rows) and
// answers 201 — no authentication, schema, idempotency, unit and deployment checks, form
// validation, code sequence, event, indicator, outbox message or audit entry. Prints LISTENING <port>.
import Fastify from 'fastify';
import SQLite from 'better-sqlite3';
import { serveForBenchmark } from '../lib.js';

const file = (process.env.DATABASE_URL ?? '').replace(/^sqlite:/, '');
const db = new SQLite(file, { timeout: 5000 });
db.pragma('journal_mode = WAL');
db.pragma('foreign_keys = ON');
db.pragma('synchronous = NORMAL');
const insert = db.prepare(
  `insert into dossiers (code, agency_code, unit_code, unit_date, scope_province, scope_commune, service_code, service_version, service_name, sector, channel, filed_by,
     applicant_pin, applicant_name, applicant_phone, applicant_email, form_data, locked_fields, state, submitted_at, working_days, cutoff, created_by, version, updated_at)
   values (@code, 'BARE', '10888', @day, '31', '10888', @service, 1, 'Đăng ký tạm trú', 'police', @channel, 'self',
     @pin, @name, @phone, @email, @form, '[]', 'submitted', @now, 3, '15:00', 'bench.bare', 1, @now)`,
);
const prefix = `BARE.${process.pid}`;
let sequence = 0;

const app = Fastify();
app.post('/dossiers', async (request, reply) => {
  const body = request.body as { serviceCode: string; channel: string; data: { applicant?: { pin?: string; fullName?: string; phone?: string; email?: string } } };
  const now = new Date().toISOString();
  const code = `${prefix}-${++sequence}`;
  const a = body.data.applicant ?? {};
  const { lastInsertRowid } = insert.run({ code, day: now.slice(0, 10), service: body.serviceCode, channel: body.channel, pin: a.pin ?? null, name: a.fullName ?? '', phone: a.phone ?? null, email: a.email ?? null, form: JSON.stringify(body.data), now });
  return reply.code(201).send({ id: Number(lastInsertRowid), code });
});
await serveForBenchmark(app, () => db.close());

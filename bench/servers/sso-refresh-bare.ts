// Reference for the sso-refresh benchmark: a bare Fastify route over better-sqlite3 answering a
// refresh grant with the same database work as the provider's token endpoint — read the refresh
// token, its session, its grant and the account; mark the token used; write the new refresh token
// and the access token — and one ES256 signature (the ID token), with prepared statements and
// none of the protocol's checks, the library, the security headers or the error model.
// `POST /seed?n=` makes n refresh tokens (copies of a real one) for the load generator.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';
import Fastify from 'fastify';
import SQLite from 'better-sqlite3';
import { SignJWT, generateKeyPair } from 'jose';
import { serveForBenchmark } from '../lib.js';

const file = (process.env.DATABASE_URL ?? '').replace(/^sqlite:/, '');
const CLIENT = process.env.BENCH_SSO_CLIENT ?? '';
const SECRET = Buffer.from(process.env.BENCH_SSO_SECRET ?? '');
const db = new SQLite(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const { privateKey } = await generateKeyPair('ES256');
const subjectKey = randomBytes(32);

const byId = db.prepare('select payload, expires_at, consumed_at from sso_payloads where model = ? and id = ?');
const byUid = db.prepare('select payload, expires_at from sso_payloads where model = ? and uid = ?');
const account = db.prepare('select id, pin, level, status from eid_accounts where id = ?');
const consume = db.prepare('update sso_payloads set consumed_at = ? where model = ? and id = ? and consumed_at is null');
const insert = db.prepare('insert into sso_payloads (model, id, payload, grant_id, uid, account_id, client_id, expires_at, consumed_at) values (?, ?, ?, ?, null, ?, ?, ?, null)');
const template = db.prepare("select payload from sso_payloads where model = 'RefreshToken' and client_id = ? order by rowid desc limit 1");

const sha = (v: string) => createHash('sha256').update(v).digest('base64url');
const epoch = () => Math.floor(Date.now() / 1000);
const isoIn = (s: number) => new Date(Date.now() + s * 1000).toISOString();

type Payload = Record<string, unknown> & { jti: string; accountId: string; clientId: string; grantId: string; sessionUid: string; exp: number };

function save(model: string, p: Payload, ttl: number): void {
  insert.run(model, sha(p.jti), JSON.stringify(p), p.grantId, p.accountId, p.clientId, isoIn(ttl));
}

const app = Fastify();
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, parseQuery(String(body))));

app.post('/seed', async (request) => {
  const n = Number((request.query as { n?: string }).n ?? 1);
  const t = template.get(CLIENT) as { payload: string } | undefined;
  if (!t) throw new Error('no refresh token to copy');
  const base = JSON.parse(t.payload) as Payload;
  return Array.from({ length: n }, () => {
    const jti = randomBytes(32).toString('base64url');
    save('BareRefreshToken', { ...base, jti, iat: epoch(), exp: epoch() + 3600 }, 3600);
    return jti;
  });
});

app.post('/token', async (request, reply) => {
  const auth = request.headers.authorization ?? '';
  const [id, secret = ''] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
  const given = Buffer.from(decodeURIComponent(secret));
  if (id !== CLIENT || given.length !== SECRET.length || !timingSafeEqual(given, SECRET)) return reply.code(401).send({ error: 'invalid_client' });
  const value = String((request.body as Record<string, unknown>).refresh_token ?? '');
  const row = byId.get('BareRefreshToken', sha(value)) as { payload: string; consumed_at: string | null } | undefined;
  if (!row || row.consumed_at) return reply.code(400).send({ error: 'invalid_grant' });
  const rt = JSON.parse(row.payload) as Payload;
  const session = byUid.get('Session', rt.sessionUid) as { payload: string } | undefined;
  const grant = byId.get('Grant', sha(rt.grantId)) as { payload: string } | undefined;
  const acc = account.get(Number(rt.accountId)) as { pin: string; status: string } | undefined;
  if (!session || !grant || !acc || acc.status !== 'active' || rt.exp <= epoch()) return reply.code(400).send({ error: 'invalid_grant' });
  JSON.parse(session.payload);
  JSON.parse(grant.payload);
  if (consume.run(new Date().toISOString(), 'BareRefreshToken', sha(value)).changes !== 1) return reply.code(400).send({ error: 'invalid_grant' });
  const next = randomBytes(32).toString('base64url');
  save('BareRefreshToken', { ...rt, jti: next, iat: epoch(), exp: epoch() + 3600 }, 3600);
  const at = randomBytes(32).toString('base64url');
  save('BareAccessToken', { ...rt, jti: at, kind: 'AccessToken', iat: epoch(), exp: epoch() + 600 }, 600);
  const idToken = await new SignJWT({ acr: rt.acr, amr: rt.amr, auth_time: rt.authTime, sid: rt.sid })
    .setProtectedHeader({ alg: 'ES256', kid: 'bare' })
    .setSubject(createHmac('sha256', subjectKey).update(`dichvucong.haiduong.gov.vn\n${acc.pin}`).digest('hex'))
    .setIssuer('http://127.0.0.1/oidc')
    .setAudience(CLIENT)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(privateKey);
  reply.header('cache-control', 'no-store');
  return { access_token: at, expires_in: 600, id_token: idToken, refresh_token: next, scope: rt.scope, token_type: 'Bearer' };
});

await serveForBenchmark(app, () => db.close());

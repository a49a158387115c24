import net from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, forEachEngine, TEST_PG_URL } from '../testing/engines.js';
import { Database } from '../db/database.js';
import { startTestPlatform } from '../testing/app.js';
import { buildHttp, openContext } from '../../app/app.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { errorCatalogue } from '../errors.js';

forEachEngine('HTTP platform', startTestPlatform, (env) => {
  it('answers /healthz and /readyz', async () => {
    const { app, ctx } = env();
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: ctx.db.engine });
  });

  it('publishes OpenAPI 3.1 generated from the route schemas, and the docs UI', async () => {
    const { app } = env();
    const doc = (await app.inject('/api/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/units/{code}', '/api/v1/units', '/api/problems']));
    const params = doc.paths['/api/v1/units'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['parent', 'level', 'q', 'at', 'page', 'pageSize']));
    const docs = await app.inject('/api/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('lists the error catalogue with both languages', async () => {
    const list = (await env().app.inject('/api/problems')).json() as { code: string; status: number; vi: string; en: string }[];
    expect(list.length).toBe(Object.keys(errorCatalogue).length);
    expect(list.find((p) => p.code === 'UNIT_NOT_FOUND')).toEqual({ code: 'UNIT_NOT_FOUND', status: 404, vi: 'Không có đơn vị hành chính mã {code} vào ngày {at}.', en: 'No administrative unit with code {code} on {at}.' });
  });

  it('sets security headers and echoes a well-formed request id', async () => {
    const r = await env().app.inject({ url: '/api/v1/units/01?at=2024-01-01', headers: { 'x-request-id': 'abc-12345678' } });
    expect(r.headers['x-request-id']).toBe('abc-12345678');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(String(r.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(String(r.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    const hostile = await env().app.inject({ url: '/healthz', headers: { 'x-request-id': '<script>' } });
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers in Vietnamese by default and in English when asked', async () => {
    const { app } = env();
    const vi = (await app.inject('/api/v1/nope')).json();
    expect(vi.detail).toBe('Không có địa chỉ GET /api/v1/nope.');
    const en = (await app.inject({ url: '/api/v1/nope', headers: { 'accept-language': 'en-GB,en;q=0.8,vi;q=0.5' } })).json();
    expect(en.detail).toBe('There is no route GET /api/v1/nope.');
    const fr = (await app.inject({ url: '/api/v1/nope', headers: { 'accept-language': 'fr' } })).json();
    expect(fr.detail).toBe('Không có địa chỉ GET /api/v1/nope.');
  });

  it('answers wrong methods and bodies with catalogue problems, never a 500', async () => {
    const { app } = env();
    const post = await app.inject({ method: 'POST', url: '/api/v1/units', payload: '{"broken": ', headers: { 'content-type': 'application/json' } });
    expect(post.statusCode).toBeLessThan(500);
    expect(post.headers['content-type']).toContain('application/problem+json');
    expect(['ROUTE_NOT_FOUND', 'BODY_MALFORMED']).toContain(post.json().code);
    const huge = await app.inject({ method: 'GET', url: `/api/v1/units?q=${'a'.repeat(5000)}` });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().errors).toEqual([{ field: 'query.q', code: 'FIELD_TOO_LONG', detail: 'Trường "query.q" dài quá 100 ký tự.' }]);
  });
});

describe('HTTP platform when PostgreSQL goes away', () => {
  it('answers 503 SERVICE_UNAVAILABLE on /readyz and on API calls, fast, then recovers', async () => {
    const t = await createTestDatabase('postgres');
    // A TCP relay to PostgreSQL that the test can cut, as a stopped server would.
    const target = new URL(TEST_PG_URL);
    const sockets = new Set<net.Socket>();
    let open = true;
    const relay = net.createServer((client) => {
      if (!open) return client.destroy();
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const port = (relay.address() as net.AddressInfo).port;
    const url = `postgres://${target.username}@127.0.0.1:${port}${target.pathname}`;
    const db = await Database.open(url, { searchPath: t.schema, timeoutMs: 1000, poolMax: 2 });
    const ctx = await openContext(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }), { db, seed: false });
    const app = await buildHttp(ctx);
    try {
      expect((await app.inject('/readyz')).statusCode).toBe(200);
      open = false;
      for (const s of sockets) s.destroy();
      const ready = await app.inject('/readyz');
      expect(ready.statusCode).toBe(503);
      expect(ready.json().code).toBe('SERVICE_UNAVAILABLE');
      const api = await app.inject('/api/v1/units/01');
      expect(api.statusCode).toBe(503);
      expect(api.headers['retry-after']).toBe('5');
      expect(api.json().code).toBe('SERVICE_UNAVAILABLE');
      open = true;
      expect((await app.inject('/readyz')).statusCode).toBe(200);
      expect((await app.inject('/api/v1/units/01')).json().code).toBe('UNIT_NOT_FOUND');
    } finally {
      await app.close();
      await db.close();
      relay.close();
      await t.drop();
    }
  });
});

it('never writes a personal identification number or phone number to the log', async () => {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'info' });
  const ctx = await openContext(config, { logger: createLogger(config, sink), seed: false });
  const app = await buildHttp(ctx);
  await app.inject({ url: '/api/v1/citizens/030095001234?phone=0912345678', headers: { authorization: 'Bearer secret-token-1' } });
  ctx.logger.info({ pin: '030095001234', phone: '0912345678' }, 'lookup');
  await app.close();
  await ctx.db.close();
  const log = lines.join('');
  expect(log).toContain('/api/v1/citizens/*********234?phone=*******678');
  expect(log).not.toMatch(/030095001234|0912345678|secret-token-1/);
});

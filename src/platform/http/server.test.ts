import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, forEachEngine, TEST_PG_URL } from '../testing/engines.js';
import { Database } from '../db/database.js';
import { startTestPlatform } from '../testing/app.js';
import { buildHttp, openContext } from '../../app/app.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { errorCatalogue, formatMessage } from '../errors.js';

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

  it('counts validation errors in words that agree: "1 error", "4 errors" (a trial read "(1 errors)")', async () => {
    const { app } = env();
    const get = (url: string, lang: 'vi' | 'en') => app.inject({ url, headers: { 'accept-language': lang } });
    const one = '/api/v1/units?pageSize=0';
    const four = '/api/v1/units?at=2023-02-30&pageSize=0&level=9&foo=1';
    expect((await get(one, 'en')).json()).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'The request is not valid (1 error).', title: 'The request is not valid (… …).' });
    expect((await get(four, 'en')).json()).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'The request is not valid (4 errors).' });
    expect((await get(four, 'en')).json().errors).toHaveLength(4);
    expect((await get(one, 'vi')).json().detail).toBe('Dữ liệu gửi lên không hợp lệ (1 lỗi).');
    expect((await get(four, 'vi')).json().detail).toBe('Dữ liệu gửi lên không hợp lệ (4 lỗi).');
    expect(formatMessage('{n} {n|error|errors}', { n: 0 }, 'en')).toBe('0 errors');
    expect(formatMessage('{n} {n|error|errors}', { n: 1 })).toBe('1 error');
    expect(formatMessage('{n|error|errors}', {})).toBe('{n|error|errors}');
  });

  it('answers a body that is not JSON with a Vietnamese reason in Vietnamese and an English one in English', async () => {
    const { app } = env();
    const post = (payload: string, lang: 'vi' | 'en') => app.inject({ method: 'POST', url: '/api/v1/staff/sessions', payload, headers: { 'content-type': 'application/json', 'accept-language': lang } });
    const vi = await post('{"username": ', 'vi');
    expect(vi.statusCode).toBe(400);
    expect(vi.json()).toMatchObject({ code: 'BODY_MALFORMED', detail: 'Nội dung yêu cầu không đọc được: không phải JSON hợp lệ' });
    expect((await post('{"username": ', 'en')).json()).toMatchObject({ code: 'BODY_MALFORMED', detail: 'The request body cannot be read: invalid JSON' });
  });

  it('refuses a JSON body nested deeper than 64 levels before anything walks it, and parses 40 levels', async () => {
    const { app } = env();
    const nested = (levels: number) => `{"username":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)},"password":"x"}`;
    const deep = await app.inject({ method: 'POST', url: '/api/v1/staff/sessions', payload: `{"data":{"foo":${'['.repeat(5000)}${']'.repeat(5000)}}}`, headers: { 'content-type': 'application/json' } });
    expect(deep.statusCode).toBe(400);
    expect(deep.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(deep.json()).toMatchObject({ code: 'BODY_TOO_DEEP', detail: 'Nội dung JSON lồng nhau sâu quá 64 cấp.' });
    const en = await app.inject({ method: 'POST', url: '/api/v1/staff/sessions', payload: nested(65), headers: { 'content-type': 'application/json', 'accept-language': 'en' } });
    expect(en.json()).toMatchObject({ status: 400, code: 'BODY_TOO_DEEP', detail: 'The JSON body is nested more than 64 levels deep.' });
    // 40 and 64 levels are parsed and reach the route's schema, which wants a string.
    for (const levels of [40, 64]) {
      const ok = await app.inject({ method: 'POST', url: '/api/v1/staff/sessions', payload: nested(levels), headers: { 'content-type': 'application/json' } });
      expect(ok.json().errors, String(levels)).toEqual([{ field: 'body.username', code: 'FIELD_TYPE', detail: 'Trường "body.username" phải có kiểu string.' }]);
    }
  });

  it('refuses numbers that type coercion makes infinite (`?pageSize=Infinity` reached SQL: a 500 found by the fuzzer)', async () => {
    const { app } = env();
    for (const q of ['pageSize=Infinity', 'page=-Infinity', 'page=1e400']) {
      const r = await app.inject({ url: `/api/v1/units?${q}` });
      expect(r.statusCode, q).toBe(400);
      expect(r.json(), q).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: `query.${q.split('=')[0]}`, code: 'FIELD_TYPE' }] });
    }
    expect((await app.inject({ url: '/api/v1/units?pageSize=200&page=2' })).statusCode).toBe(200);
  });

  it('refuses text holding NUL, which PostgreSQL cannot store (search words and a sign-in name answered 500: found by the fuzzer)', async () => {
    const { app } = env();
    for (const url of ['/api/v1/units?q=c%E1%BA%A9m%00ho%C3%A0ng', '/api/v1/services?q=a%00b']) {
      const r = await app.inject({ url });
      expect(r.statusCode, url).toBe(400);
      expect(r.json().errors, url).toEqual([{ field: 'query.q', code: 'FIELD_INVALID', detail: 'Trường "query.q" không hợp lệ.' }]);
    }
    const signIn = await app.inject({ method: 'POST', url: '/api/v1/staff/sessions', payload: { username: 'admin\u0000', password: 'Mot-cua-2026!' } });
    expect(signIn.statusCode).toBe(400);
    expect(signIn.json().errors).toMatchObject([{ field: 'body.username', code: 'FIELD_INVALID' }]);
    expect((await app.inject({ url: '/api/v1/units?q=c%E1%BA%A9m%20ho%C3%A0ng' })).statusCode).toBe(200);
  });

  it('answers URLs the router refuses (bad percent-encoding, overlong parameter) with catalogue problems (found by the fuzzer)', async () => {
    const { app } = env();
    for (const url of ['/api/v1/units/%ED%A0%80', '/api/v1/units/%', '/api/v1/pins/x%ZZ']) {
      const r = await app.inject({ url, headers: { 'accept-language': 'en' } });
      expect(r.statusCode, url).toBe(400);
      expect(r.headers['content-type'], url).toBe('application/problem+json; charset=utf-8');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.json(), url).toMatchObject({ status: 400, code: 'URL_MALFORMED', detail: 'The request URL is not valid (bad percent-encoding or not UTF-8).' });
    }
    // (A GET falls through to the web UI's catch-all, which answers 404; other methods have none.)
    const long = await app.inject({ method: 'POST', url: `/api/v1/eid/applications/${'1'.repeat(201)}/decision`, payload: { decision: 'approve' } });
    expect(long.statusCode).toBe(431);
    expect(long.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(long.json()).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE', detail: 'Phần tiêu đề hoặc địa chỉ (URL) của yêu cầu quá dài.' });
  });

  it('answers overlong paths of the web UI with the page or a 404, never a 500', async () => {
    const { app } = env();
    const page = await app.inject({ url: `/${'a'.repeat(300)}`, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.body).toContain('<div id="root">');
    for (const url of [`/${'a'.repeat(256)}`, `/assets/${'b'.repeat(300)}.js`, `/assets/${'é'.repeat(200)}.js`]) {
      const r = await app.inject(url);
      expect(r.statusCode, url).toBe(404);
      expect(r.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', status: 404 });
    }
    // A file of the build still comes from disk.
    expect((await app.inject('/favicon.svg')).headers['content-type']).toContain('image/svg+xml');
  });

  it('sends the web UI compressed to browsers that accept it, and lets them keep hashed assets for a year', async () => {
    const { app } = env();
    const assets = fs.readdirSync('web/dist/assets');
    const antd = assets.find((f) => /^antd-.*\.js$/.test(f))!;
    const size = (f: string) => fs.statSync(path.join('web/dist/assets', f)).size;
    const br = await app.inject({ url: `/assets/${antd}`, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers).toMatchObject({ 'content-encoding': 'br', 'cache-control': 'public, max-age=31536000, immutable' });
    expect(br.headers.vary).toContain('accept-encoding');
    expect(br.rawPayload.length).toBe(size(`${antd}.br`));
    // Ant Design's bundle goes over the network at about a quarter of its size.
    expect(size(`${antd}.br`)).toBeLessThan(size(antd) / 3);
    expect(zlib.brotliDecompressSync(br.rawPayload).length).toBe(size(antd));
    const gz = await app.inject({ url: `/assets/${antd}`, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.rawPayload).length).toBe(size(antd));
    const plain = await app.inject({ url: `/assets/${antd}` });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBe(size(antd));
    // The page itself is asked for again each time (it names the assets of the current build).
    const page = await app.inject({ url: '/', headers: { accept: 'text/html', 'accept-encoding': 'br' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers).toMatchObject({ 'content-encoding': 'br', 'cache-control': 'no-cache' });
    expect(zlib.brotliDecompressSync(page.rawPayload).toString()).toContain('<div id="root">');
  });

  it('answers a wrong method on an existing path with 405 and Allow, an unknown path with 404', async () => {
    const { app } = env();
    for (const [method, url, allow] of [
      ['PUT', '/api/v1/eid/applications', 'GET, HEAD, POST'],
      ['DELETE', '/api/v1/track/000.00.30.H23-260301-0001', 'GET, HEAD'],
      ['OPTIONS', '/api/v1/units', 'GET, HEAD'],
      ['POST', '/api/v1/units/30', 'GET, HEAD'],
    ] as const) {
      const r = await app.inject({ method, url });
      expect(r.statusCode, `${method} ${url}`).toBe(405);
      expect(r.headers.allow, `${method} ${url}`).toBe(allow);
      expect(r.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(r.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED', detail: `Phương thức ${method} không dùng được cho địa chỉ này.` });
    }
    const none = await app.inject({ method: 'DELETE', url: '/api/v1/nope' });
    expect(none.statusCode).toBe(404);
    expect(none.headers.allow).toBeUndefined();
    expect((await app.inject({ method: 'DELETE', url: '/somewhere' })).json().code).toBe('ROUTE_NOT_FOUND');
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

it('answers an oversize URL with a 431 problem document, not a bare socket error', async () => {
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' });
  const ctx = await openContext(config, { seed: false });
  const app = await buildHttp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const port = (app.server.address() as net.AddressInfo).port;
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/units?q=${'a'.repeat(100_000)}`);
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    const body = (await res.json()) as { detail: string };
    expect(body).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE', type: '/api/problems#HEADERS_TOO_LARGE' });
    expect(body.detail).toBe('Phần tiêu đề hoặc địa chỉ (URL) của yêu cầu quá dài. / The request headers or URL are too long.');
  } finally {
    await app.close();
    await ctx.db.close();
  }
});

it('exposes Prometheus metrics by route template, never by URL, and asks for the token when one is set', async () => {
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent', MOTCUA_METRICS_TOKEN: 'metrics-token-0123456789' });
  const ctx = await openContext(config, { seed: false });
  const app = await buildHttp(ctx);
  try {
    await app.inject('/api/v1/citizens/030095001234');
    await app.inject('/healthz');
    expect((await app.inject('/metrics')).statusCode).toBe(401);
    const res = await app.inject({ url: '/metrics', headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('motcua_http_request_duration_seconds_count{method="GET",route="/api/v1/citizens/:key",status_code="401"} 1');
    expect(res.body).toContain('motcua_http_request_duration_seconds_count{method="GET",route="/healthz",status_code="200"} 1');
    expect(res.body).toMatch(/motcua_queue_depth\{queue="outbox"\} 0/);
    expect(res.body).toContain('motcua_process_resident_memory_bytes');
    expect(res.body).not.toContain('030095001234');
  } finally {
    await app.close();
    await ctx.db.close();
  }
});

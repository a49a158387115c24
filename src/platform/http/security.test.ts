/**
 * What the HTTP layer does against browser-borne attacks (OWASP ASVS 5.0 V3, V14): state-changing
 * requests sent from another site are refused with a catalogue problem (§3.5.1–3.5.3), no CORS
 * grant to any other origin (§3.4.2), API answers not cached (§14.3.2). Nothing here is stored
 * differently by engine, so one engine (SQLite) serves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff } from '../../identity/index.js';
import { createTestDatabase, type TestDatabase } from '../testing/engines.js';
import { startTestPlatform, type TestPlatform } from '../testing/app.js';

const PUBLIC_URL = 'https://dichvucong.haiduong.gov.vn';
const PASSWORD = 'Cam-Hoang-2023!';

describe('HTTP layer against cross-site requests', () => {
  let t: TestDatabase;
  let p: TestPlatform;
  const signIn = (headers: Record<string, string> = {}) =>
    p.app.inject({ method: 'POST', url: '/api/v1/staff/sessions', payload: { username: 'canbo.camhoang', password: PASSWORD }, headers });

  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    p = await startTestPlatform(t, { MOTCUA_PUBLIC_URL: PUBLIC_URL });
    await createStaff(p.ctx.db, { username: 'canbo.camhoang', password: PASSWORD, role: 'COMMUNE_OFFICER', unitCode: '10897', unitDate: '2023-02-28' }, { kind: 'cli', id: 'cli:test' }, async () => true);
  });
  afterAll(async () => {
    await p?.app.close();
    await t?.drop();
  });

  it('refuses a sign-in posted from another site with 403 CROSS_SITE_REQUEST, before reading the credentials', async () => {
    const fetchMeta = await signIn({ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' });
    expect(fetchMeta.statusCode).toBe(403);
    expect(fetchMeta.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(fetchMeta.json()).toMatchObject({
      type: '/api/problems#CROSS_SITE_REQUEST',
      status: 403,
      code: 'CROSS_SITE_REQUEST',
      detail: 'Yêu cầu thay đổi dữ liệu gửi từ một trang web khác (https://evil.example) bị từ chối.',
    });
    // an older browser without Fetch Metadata: judged by Origin
    const originOnly = await signIn({ origin: 'https://evil.example', 'accept-language': 'en' });
    expect(originOnly.json()).toMatchObject({ status: 403, code: 'CROSS_SITE_REQUEST', detail: 'A state-changing request sent from another website (https://evil.example) was refused.' });
    // a sibling site of the same registrable domain is another site too; so is an opaque origin
    expect((await signIn({ 'sec-fetch-site': 'same-site', origin: 'https://tintuc.haiduong.gov.vn' })).json().code).toBe('CROSS_SITE_REQUEST');
    expect((await signIn({ origin: 'null' })).json().code).toBe('CROSS_SITE_REQUEST');
    // the public origin over plain http is not the public origin
    expect((await signIn({ origin: 'http://dichvucong.haiduong.gov.vn' })).json().code).toBe('CROSS_SITE_REQUEST');
    // nothing was signed in by the refused requests
    expect((await p.app.inject({ url: '/api/v1/staff/me' })).statusCode).toBe(401);
  });

  it('lets the platform’s own pages, same-host requests and clients that are not browsers through', async () => {
    expect((await signIn({ 'sec-fetch-site': 'same-origin', origin: PUBLIC_URL })).statusCode).toBe(201);
    expect((await signIn({ origin: PUBLIC_URL })).statusCode).toBe(201); // behind a proxy: Host differs, Origin is the public URL's
    expect((await signIn({ origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' })).statusCode).toBe(201); // a desk reaching the server directly
    expect((await signIn()).statusCode).toBe(201); // curl, a portal's back end: no Origin, no Fetch Metadata
    expect((await signIn({ 'sec-fetch-site': 'none' })).statusCode).toBe(201);
  });

  it('refuses a cross-site request even with a valid bearer token, and lets cross-site reads through', async () => {
    const token = (await signIn()).json().token as string;
    const out = await p.app.inject({ method: 'DELETE', url: '/api/v1/staff/sessions/current', headers: { authorization: `Bearer ${token}`, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } });
    expect(out.json()).toMatchObject({ status: 403, code: 'CROSS_SITE_REQUEST' });
    expect((await p.app.inject({ url: '/api/v1/staff/me', headers: { authorization: `Bearer ${token}` } })).json()).toMatchObject({ username: 'canbo.camhoang' });
    const read = await p.app.inject({ url: '/api/v1/units/30?at=2023-02-28', headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ code: '30', name: 'Hải Dương' });
  });

  it('grants no other origin CORS access: no Access-Control-Allow-Origin or -Credentials on answers or preflights', async () => {
    const evil = { origin: 'https://evil.example' };
    const answers = [
      await p.app.inject({ url: '/api/v1/units/30?at=2023-02-28', headers: evil }),
      await p.app.inject({ url: '/api/v1/staff/me', headers: evil }),
      await p.app.inject({ url: '/api/openapi.json', headers: evil }),
      await p.app.inject({ method: 'OPTIONS', url: '/api/v1/staff/sessions', headers: { ...evil, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' } }),
      await p.app.inject({ method: 'OPTIONS', url: '/api/v1/citizens/030090001234', headers: { ...evil, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization, x-purpose' } }),
    ];
    for (const r of answers) {
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
      expect(r.headers['access-control-allow-credentials']).toBeUndefined();
      expect(r.headers['access-control-allow-headers']).toBeUndefined();
    }
    // a preflight is answered as a method the path does not take (405, no CORS headers): the
    // browser then refuses the real request
    expect(answers[3]!.json()).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
    expect(answers[3]!.headers.allow).toBe('POST');
  });

  it('sends the browser security headers on every answer: CSP without base or plugins, no framing, no sniffing, no referrer', async () => {
    for (const url of ['/api/v1/units/30?at=2023-02-28', '/api/v1/nope', '/healthz']) {
      const r = await p.app.inject({ url });
      const csp = String(r.headers['content-security-policy']).split(';').map((d) => d.trim());
      expect(csp).toEqual(expect.arrayContaining(["default-src 'self'", "script-src 'self'", "base-uri 'none'", "object-src 'none'", "frame-ancestors 'none'"]));
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains'); // the public URL is https
    }
  });

  it('tells browsers and proxies not to keep API answers, which may hold personal data', async () => {
    const token = (await signIn()).json().token as string;
    const me = await p.app.inject({ url: '/api/v1/staff/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.headers['cache-control']).toBe('no-store');
    expect((await p.app.inject({ url: '/api/v1/units/30?at=2023-02-28' })).headers['cache-control']).toBe('no-store');
    expect((await p.app.inject({ url: '/api/v1/staff/me' })).headers['cache-control']).toBe('no-store'); // problems too
  });
});

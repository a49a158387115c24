/**
 * With `REDIS_URL` set, the provider keeps sessions and interactions in Redis (shared by every app
 * copy, no database write per page) and grants, codes and tokens in the database (SQLite and
 * PostgreSQL), where revocation finds them.
 */
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { forEachEngine } from '../platform/testing/engines.js';
import { person, pinFor } from '../identity/eid/testing/fixtures.js';
import { isStoreUnavailable, RedisAdapter, storedId } from './adapter.js';
import { activeAccount, addClient, oidc, register, signIn, startSsoPlatform } from './testing.js';

const REDIS_URL = process.env.MOTCUA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// Redis holds the e-ID limits too (one activation code a minute per number), across test runs
// and engines: each run and engine uses a number of its own.
const khanhOf = (engineNo: number) => person({ pin: pinFor('female', 1991, 500_000 + (process.pid % 100_000) * 2 + engineNo), fullName: 'Ngô Thị Khánh', dateOfBirth: '1991-01-30', sex: 'female' });
const PW = 'Khánh-Cẩm-Văn-91';
const CB = 'https://dichvucong.haiduong.gov.vn/auth/callback';

async function setup(t: Parameters<typeof startSsoPlatform>[0]) {
  const p = await startSsoPlatform(t, { REDIS_URL });
  const khanh = khanhOf(t.schema ? 1 : 0);
  await register(p, khanh);
  await activeAccount(p, khanh, 1, PW);
  const secret = await addClient(p, { id: 'dvc-haiduong', name: 'Cổng dịch vụ công tỉnh Hải Dương', redirectUris: [CB], scopes: ['profile'], purpose: 'Điền sẵn tờ khai' });
  return { ...p, secret: secret!, khanh };
}

forEachEngine('single sign-on with Redis for sessions and interactions', setup, (env) => {
  const redis = new Redis(REDIS_URL);
  afterAll(async () => {
    await env().close();
    await redis.quit();
  });

  it('keeps the sign-on session in Redis and the grant and tokens in the database', async () => {
    const x = await signIn(env(), 'dvc-haiduong', env().secret, env().khanh.pin, PW, 'openid profile', CB);
    const k = env().ctx.db.as<any>();
    const models = (await k.selectFrom('sso_payloads').select('model').distinct().execute()).map((r: { model: string }) => r.model).sort();
    expect(models).toEqual(['AccessToken', 'AuthorizationCode', 'Grant', 'RefreshToken']);
    const sessionCookie = x.browser.cookieHeader(new URL(`${env().issuer}/auth`)).match(/(?:^|; )_session=([^;]+)/)![1]!;
    const stored = await redis.get(`motcua:sso:Session:${storedId(sessionCookie)}`);
    expect(JSON.parse(stored!)).toMatchObject({ accountId: expect.stringMatching(/^\d+$/), acr: 'urn:motcua:loa:1', amr: ['pwd'] });
    expect(await redis.ttl(`motcua:sso:Session:${storedId(sessionCookie)}`)).toBeGreaterThan(11 * 3600);
    // the session in Redis signs the citizen in again without a page
    const again = await signIn(env(), 'dvc-haiduong', env().secret, env().khanh.pin, PW, 'openid profile', CB, x.browser);
    expect(again.consentPage).toBeNull();
    expect(again.tokens.claims()!.sub).toBe(x.tokens.claims()!.sub);
    expect((await oidc.refreshTokenGrant(x.rp, x.tokens.refresh_token!)).access_token).toBeTruthy();
  });
});

// Redis stopped (nothing listens on port 1): the sign-on answers 503 `temporarily_unavailable`
// (RFC 6749 §4.1.2.1) with Retry-After and a page saying to try again — never a 500.
async function setupDown(t: Parameters<typeof startSsoPlatform>[0]) {
  const p = await startSsoPlatform(t, { REDIS_URL: 'redis://127.0.0.1:1' });
  await addClient(p, { id: 'dvc-haiduong', name: 'Cổng dịch vụ công tỉnh Hải Dương', redirectUris: [CB], scopes: ['profile'], purpose: 'Điền sẵn tờ khai' });
  return p;
}

forEachEngine('single sign-on while its Redis is down', setupDown, (env) => {
  afterAll(async () => env().close());

  it('sends the portal back `temporarily_unavailable` (RFC 6749 §4.1.2.1) for an authorization request, and 503 with Retry-After where there is no portal to send back to', async () => {
    const query = new URLSearchParams({ client_id: 'dvc-haiduong', response_type: 'code', scope: 'openid profile', redirect_uri: CB, state: 'st-1', nonce: 'n-1', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
    const back = await fetch(`${env().issuer}/auth?${query}`, { redirect: 'manual', headers: { accept: 'text/html', 'accept-language': 'vi' } });
    expect(back.status).toBe(303);
    const location = new URL(back.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(CB);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: 'temporarily_unavailable', state: 'st-1' });
    // Signing out needs the session (in Redis): the page says to try again.
    const page = await fetch(`${env().issuer}/session/end`, { headers: { accept: 'text/html', 'accept-language': 'en', cookie: '_session=abc; _session.sig=def' } });
    expect({ status: page.status, retryAfter: page.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: '5' });
    expect(await page.text()).toContain('Sign-in is briefly unavailable; please try again in a few minutes.');
  });
});

it('turns a failing Redis command into temporarily_unavailable with HTTP 503', async () => {
  const down = new Error('Connection is closed.');
  const adapter = new RedisAdapter('Session', { get: async () => Promise.reject(down), set: (async () => Promise.reject(down)) as never, del: async () => Promise.reject(down) });
  const err = await adapter.find('abc').catch((e: unknown) => e);
  expect(isStoreUnavailable(err)).toBe(true);
  expect(err).toMatchObject({ error: 'temporarily_unavailable', statusCode: 503, cause: down });
  expect(isStoreUnavailable(await adapter.upsert('abc', {}, 60).catch((e: unknown) => e))).toBe(true);
  expect(isStoreUnavailable(new Error('other'))).toBe(false);
});

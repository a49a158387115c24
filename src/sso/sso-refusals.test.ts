/**
 * What the provider refuses, on SQLite and PostgreSQL, over real HTTP with `openid-client` (and
 * hand-made requests where a well-behaved library would not send them): redirect URIs that differ
 * in any way from the registered one, missing or wrong PKCE, reused and expired codes (a reused
 * code revokes the tokens it produced), codes redeemed by another portal, client assertions with
 * `alg: none`, a key of the wrong type, the wrong audience, or replayed; wrong client secrets; an
 * unsigned `id_token_hint`.
 */
import { SignJWT, exportJWK, generateKeyPair, base64url } from 'jose';
import { afterAll, expect, it } from 'vitest';
import { forEachEngine } from '../platform/testing/engines.js';
import { person, pinFor } from '../identity/eid/testing/fixtures.js';
import { activeAccount, addClient, Browser, formOf, oidc, portalKeys, register, rpWithKey, rpWithSecret, startSsoPlatform, type SsoPlatform } from './testing.js';
import { storedId } from './adapter.js';

const chi = person({ pin: pinFor('female', 1985, 3301), fullName: 'Phạm Thị Chi', dateOfBirth: '1985-11-02', sex: 'female' });
const PASSWORD = 'Chi-Cẩm-Hoàng-85';
const CALLBACK = 'https://dichvucong.haiduong.gov.vn/auth/callback';
const PK_CALLBACK = 'https://hotich.haiduong.gov.vn/oidc/cb';

async function setup(t: Parameters<typeof startSsoPlatform>[0]) {
  const p = await startSsoPlatform(t);
  await register(p, chi);
  await activeAccount(p, chi, 1, PASSWORD);
  const secret = await addClient(p, { id: 'dvc-haiduong', name: 'Cổng dịch vụ công tỉnh Hải Dương', redirectUris: [CALLBACK], scopes: ['profile'], purpose: 'Điền sẵn tờ khai' });
  const other = await addClient(p, { id: 'vnpost-haiduong', name: 'Bưu điện tỉnh Hải Dương', redirectUris: ['https://vnpost.haiduong.gov.vn/cb'], scopes: ['profile'], purpose: 'Nhận kết quả tại nhà' });
  const keys = await portalKeys('ES256');
  await addClient(p, { id: 'hotich-haiduong', name: 'Hộ tịch điện tử Hải Dương', redirectUris: [PK_CALLBACK], scopes: ['profile'], purpose: 'Đăng ký khai sinh', authMethod: 'private_key_jwt', jwks: keys.jwks, idTokenAlg: 'RS256' });
  return { ...p, secret: secret!, otherSecret: other!, keys };
}

type Env = SsoPlatform & { secret: string; otherSecret: string; keys: Awaited<ReturnType<typeof portalKeys>> };

/** Signs in and consents in a fresh browser; answers the redirect back to the portal (with the code) and the verifier. */
async function codeFor(p: Env, rp: oidc.Configuration, redirectUri: string, extra: Record<string, string> = {}): Promise<{ callback: URL; verifier: string }> {
  const verifier = oidc.randomPKCECodeVerifier();
  const b = new Browser(p.origin);
  let page = await b.walk(oidc.buildAuthorizationUrl(rp, { redirect_uri: redirectUri, scope: 'openid profile', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra }));
  const login = formOf(page.body, '/login');
  page = await b.walk(login.action, { ...login.fields, pin: chi.pin, password: PASSWORD });
  if (page.status === 200) {
    const consent = formOf(page.body, '/consent');
    page = await b.walk(consent.action, consent.fields);
  }
  if (page.status !== 303 || !page.location?.startsWith(`${redirectUri}?code=`)) throw new Error(`no code: ${page.status} ${page.location}`);
  return { callback: new URL(page.location), verifier };
}

/** The OAuth error code a request failed with: from the body, or from `WWW-Authenticate` (401 answers). */
async function tokenError(promise: Promise<unknown>): Promise<string | undefined> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (e instanceof oidc.WWWAuthenticateChallengeError) return e.cause[0]?.parameters.error;
  return (e as { error?: string } | undefined)?.error;
}

forEachEngine('single sign-on: refusals', setup, (env) => {
  afterAll(async () => env().close());
  const e = () => env() as unknown as Env;

  it('refuses a redirect URI that differs in any way from the registered one, without redirecting', async () => {
    const rp = await rpWithSecret(e().issuer, 'dvc-haiduong', e().secret);
    const challenge = await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier());
    const variants = [
      `${CALLBACK}/`,
      'https://dichvucong.haiduong.gov.vn/auth/Callback',
      'https://DICHVUCONG.haiduong.gov.vn/auth/callback',
      'http://dichvucong.haiduong.gov.vn/auth/callback',
      'https://dichvucong.haiduong.gov.vn:443/auth/callback',
      `${CALLBACK}?next=/`,
      'https://dichvucong.haiduong.gov.vn/auth/%63allback',
      'https://dichvucong.haiduong.gov.vn.evil.example/auth/callback',
      'https://dichvucong.haiduong.gov.vn/auth/callback/../callback',
      `${CALLBACK}#x`,
      'https://vnpost.haiduong.gov.vn/cb',
    ];
    for (const uri of variants) {
      const page = await new Browser(e().origin).request(oidc.buildAuthorizationUrl(rp, { redirect_uri: uri, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }));
      expect({ uri, status: page.status, location: page.location }).toEqual({ uri, status: 400, location: null });
      expect(page.body).toContain('Địa chỉ quay về của cổng dịch vụ không khớp với địa chỉ đã đăng ký.');
    }
    // without any redirect_uri: refused too, though only one is registered
    const bare = new URL(`${e().issuer}/auth`);
    bare.search = new URLSearchParams({ client_id: 'dvc-haiduong', response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }).toString();
    expect((await new Browser(e().origin).request(bare)).status).toBe(400);
  });

  it('requires PKCE with S256 at the authorization endpoint', async () => {
    const rp = await rpWithSecret(e().issuer, 'dvc-haiduong', e().secret);
    const none = await new Browser(e().origin).request(oidc.buildAuthorizationUrl(rp, { redirect_uri: CALLBACK, scope: 'openid', state: 's1' }));
    expect(none.status).toBe(303);
    const err = new URL(none.location!);
    expect(`${err.origin}${err.pathname}`).toBe(CALLBACK);
    expect(Object.fromEntries(err.searchParams)).toMatchObject({ error: 'invalid_request', state: 's1', iss: e().issuer });
    expect(err.searchParams.get('error_description')).toMatch(/PKCE/);
    const plainVerifier = oidc.randomPKCECodeVerifier();
    const plain = await new Browser(e().origin).request(oidc.buildAuthorizationUrl(rp, { redirect_uri: CALLBACK, scope: 'openid', code_challenge: plainVerifier, code_challenge_method: 'plain' }));
    expect(new URL(plain.location!).searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses a missing or wrong PKCE verifier; a reused code fails and revokes the tokens it gave', async () => {
    const rp = await rpWithSecret(e().issuer, 'dvc-haiduong', e().secret);
    const { callback, verifier } = await codeFor(e(), rp, CALLBACK);
    expect(await tokenError(oidc.authorizationCodeGrant(rp, callback, { expectedState: oidc.skipStateCheck }))).toBe('invalid_grant');
    expect(await tokenError(oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: oidc.skipStateCheck }))).toBe('invalid_grant');
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedState: oidc.skipStateCheck });
    expect((await oidc.tokenIntrospection(rp, tokens.access_token)).active).toBe(true);
    expect(await tokenError(oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedState: oidc.skipStateCheck }))).toBe('invalid_grant');
    expect((await oidc.tokenIntrospection(rp, tokens.access_token)).active).toBe(false);
    expect(await tokenError(oidc.refreshTokenGrant(rp, tokens.refresh_token!))).toBe('invalid_grant');
    expect(await tokenError(oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub))).toBe('invalid_token');
  });

  it('refuses an expired code', async () => {
    const rp = await rpWithSecret(e().issuer, 'dvc-haiduong', e().secret);
    const { callback, verifier } = await codeFor(e(), rp, CALLBACK);
    const code = callback.searchParams.get('code')!;
    // a minute and a half later (the code lives 60 s): its stored expiry and its `exp` are in the past
    const k = e().ctx.db.as<any>();
    const row = await k.selectFrom('sso_payloads').select(['payload']).where('model', '=', 'AuthorizationCode').where('id', '=', storedId(code)).executeTakeFirstOrThrow();
    const payload = { ...JSON.parse(row.payload), exp: Math.floor(Date.now() / 1000) - 30, iat: Math.floor(Date.now() / 1000) - 90 };
    await k.updateTable('sso_payloads').set({ payload: JSON.stringify(payload), expires_at: new Date(Date.now() - 30_000).toISOString() }).where('model', '=', 'AuthorizationCode').where('id', '=', storedId(code)).execute();
    expect(await tokenError(oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedState: oidc.skipStateCheck }))).toBe('invalid_grant');
  });

  it('refuses a code redeemed by another portal, and a wrong client secret', async () => {
    const rp = await rpWithSecret(e().issuer, 'dvc-haiduong', e().secret);
    const { callback, verifier } = await codeFor(e(), rp, CALLBACK);
    const params = new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: verifier });
    const stolen = await fetch(`${e().issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`vnpost-haiduong:${e().otherSecret}`).toString('base64')}` }, body: params });
    expect(stolen.status).toBe(400);
    expect(((await stolen.json()) as { error: string }).error).toBe('invalid_grant');
    const wrong = await rpWithSecret(e().issuer, 'dvc-haiduong', 'not-the-secret-of-this-portal');
    expect(await tokenError(oidc.authorizationCodeGrant(wrong, callback, { pkceCodeVerifier: verifier, expectedState: oidc.skipStateCheck }))).toBe('invalid_client');
    // the genuine portal still can
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedState: oidc.skipStateCheck });
    expect(tokens.claims()!.aud).toBe('dvc-haiduong');
  });

  it('signs a private_key_jwt portal in, with RS256 ID tokens as it registered', async () => {
    const rp = await rpWithKey(e().issuer, 'hotich-haiduong', e().keys.privateKey);
    const { callback, verifier } = await codeFor(e(), rp, PK_CALLBACK);
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedState: oidc.skipStateCheck });
    const header = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString('utf8'));
    expect(header.alg).toBe('RS256');
    const jwks = (await (await fetch(`${e().issuer}/jwks`)).json()) as any;
    expect(jwks.keys.find((k: { kid: string }) => k.kid === header.kid)).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    expect(tokens.claims()).toMatchObject({ aud: 'hotich-haiduong', acr: 'urn:motcua:loa:1' });
    expect((await oidc.refreshTokenGrant(rp, tokens.refresh_token!)).access_token).toBeTruthy();
  });

  it('refuses client assertions with alg none, a key of the wrong type, an HMAC, the wrong audience, or replayed', async () => {
    const tokenUrl = `${e().issuer}/token`;
    const now = Math.floor(Date.now() / 1000);
    const claims = (over: Record<string, unknown> = {}) => ({ iss: 'hotich-haiduong', sub: 'hotich-haiduong', aud: tokenUrl, jti: base64url.encode(crypto.getRandomValues(new Uint8Array(16))), iat: now, exp: now + 60, ...over });
    const send = async (assertion: string) => {
      const res = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x'.repeat(43), client_id: 'hotich-haiduong', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }),
      });
      return { status: res.status, error: ((await res.json()) as { error: string }).error };
    };
    const sign = (alg: string, key: Parameters<SignJWT['sign']>[0], over?: Record<string, unknown>) => new SignJWT(claims(over)).setProtectedHeader({ alg }).sign(key);
    // the genuine key passes client authentication (the refresh token is what fails)
    const good = await sign('ES256', e().keys.privateKey);
    expect(await send(good)).toEqual({ status: 400, error: 'invalid_grant' });
    expect(await send(good)).toEqual({ status: 401, error: 'invalid_client' }); // the same assertion again
    const unsigned = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(claims()))}.`;
    expect(await send(unsigned)).toEqual({ status: 401, error: 'invalid_client' });
    const rsa = await generateKeyPair('RS256');
    expect(await send(await sign('RS256', rsa.privateKey))).toEqual({ status: 401, error: 'invalid_client' });
    const otherEc = await generateKeyPair('ES256');
    expect(await send(await sign('ES256', otherEc.privateKey))).toEqual({ status: 401, error: 'invalid_client' });
    const pub = await exportJWK((await portalKeys()).privateKey);
    expect(await send(await sign('HS256', new TextEncoder().encode(JSON.stringify(pub))))).toEqual({ status: 401, error: 'invalid_client' });
    expect(await send(await sign('ES256', e().keys.privateKey, { aud: 'https://dichvucong.gov.vn/oidc/token' }))).toEqual({ status: 401, error: 'invalid_client' });
    expect(await send(await sign('ES256', e().keys.privateKey, { exp: now - 120, iat: now - 300 }))).toEqual({ status: 401, error: 'invalid_client' });
  });

  it('ignores an unsigned id_token_hint at sign-out', async () => {
    const forged = `${base64url.encode(JSON.stringify({ alg: 'none' }))}.${base64url.encode(JSON.stringify({ iss: e().issuer, aud: 'dvc-haiduong', sub: 'x', iat: 1, exp: 4_102_444_800 }))}.`;
    const page = await new Browser(e().origin).request(`${e().issuer}/session/end?${new URLSearchParams({ id_token_hint: forged, post_logout_redirect_uri: 'https://dichvucong.haiduong.gov.vn/' })}`);
    expect(page.status).toBe(400);
    expect(page.location).toBeNull();
    expect(page.body).toContain('id_token_hint');
  });
});

/**
 * The single sign-on end to end on SQLite and PostgreSQL, with `openid-client` as the portal
 * (relying party) over real HTTP against a listening platform: discovery, the authorization code
 * flow with PKCE, sign-in and consent pages, claims from the registry (audited), refresh token
 * rotation and reuse detection, userinfo, introspection, revocation, logout.
 */
import { afterAll, expect, it } from 'vitest';
import { forEachEngine } from '../platform/testing/engines.js';
import { person, pinFor } from '../identity/eid/testing/fixtures.js';
import { activeAccount, addClient, Browser, formOf, oidc, register, rpWithSecret, signIn, startSsoPlatform } from './testing.js';

const binh = person({ pin: pinFor('female', 1992, 4567), fullName: 'Trần Thị Bình', dateOfBirth: '1992-08-20', sex: 'female' });
const BINH_PASSWORD = 'Bình-an-1992';
const an = { ...person({ pin: pinFor('male', 1990, 1234), fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05', sex: 'male' }), household: { number: 'HD-10897-0001', headPin: pinFor('male', 1990, 1234), relation: 'head' as const } };
const AN_PASSWORD = 'Hoàng-Xá-1990';
const PORTAL = 'dvc-haiduong';
const CALLBACK = 'https://dichvucong.haiduong.gov.vn/auth/callback';

async function setup(t: Parameters<typeof startSsoPlatform>[0]) {
  const p = await startSsoPlatform(t);
  await register(p, an, binh);
  await activeAccount(p, an, 1, AN_PASSWORD);
  await activeAccount(p, binh, 2, BINH_PASSWORD);
  const secret = await addClient(p, {
    id: PORTAL,
    name: 'Cổng dịch vụ công tỉnh Hải Dương',
    redirectUris: [CALLBACK],
    postLogoutRedirectUris: ['https://dichvucong.haiduong.gov.vn/'],
    scopes: ['profile', 'address', 'household'],
    purpose: 'Điền sẵn tờ khai đăng ký thường trú (mẫu CT01) từ Cơ sở dữ liệu quốc gia về dân cư',
  });
  // another portal of the same sector, and one of another sector that may receive the number
  const sameSector = await addClient(p, { id: 'dvc-haiduong-mobile', name: 'Ứng dụng dịch vụ công Hải Dương', redirectUris: ['https://m.dichvucong.haiduong.gov.vn/cb'], sector: 'dichvucong.haiduong.gov.vn', scopes: ['profile'], purpose: 'Đăng nhập ứng dụng' });
  const bhxh = await addClient(p, { id: 'bhxh-haiduong', name: 'Bảo hiểm xã hội tỉnh Hải Dương', redirectUris: ['https://dichvucong.baohiemxahoi.gov.vn/cb'], scopes: ['profile', 'vn_pin'], purpose: 'Tra cứu quá trình tham gia bảo hiểm xã hội', purposeEn: 'Look up social insurance contributions' });
  return { ...p, secret: secret!, secrets: { sameSector: sameSector!, bhxh: bhxh! } };
}

forEachEngine('single sign-on: code flow with PKCE', setup, (env) => {
  const state: { tokens?: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers; sub?: string; rp?: oidc.Configuration } = {};
  afterAll(async () => env().close());

  it('publishes discovery at /oidc/.well-known/openid-configuration with the configured issuer', async () => {
    const res = await fetch(`${env().issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const d = (await res.json()) as any;
    expect(d).toMatchObject({
      issuer: env().issuer,
      authorization_endpoint: `${env().issuer}/auth`,
      token_endpoint: `${env().issuer}/token`,
      userinfo_endpoint: `${env().issuer}/me`,
      jwks_uri: `${env().issuer}/jwks`,
      end_session_endpoint: `${env().issuer}/session/end`,
      introspection_endpoint: `${env().issuer}/token/introspection`,
      revocation_endpoint: `${env().issuer}/token/revocation`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      subject_types_supported: ['pairwise'],
      acr_values_supported: ['urn:motcua:loa:1', 'urn:motcua:loa:2'],
    });
    expect(d.id_token_signing_alg_values_supported.sort()).toEqual(['ES256', 'RS256']);
    expect(d.token_endpoint_auth_methods_supported.sort()).toEqual(['client_secret_basic', 'private_key_jwt']);
    expect(d.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'vn_pin', 'address', 'household']));
    const jwks = (await (await fetch(d.jwks_uri)).json()) as any;
    expect(jwks.keys.map((k: { alg: string; kty: string }) => `${k.alg}/${k.kty}`).sort()).toEqual(['ES256/EC', 'RS256/RSA']);
    expect(jwks.keys.every((k: Record<string, unknown>) => !('d' in k))).toBe(true);
  });

  it('signs a citizen in: sign-in page, consent page, code, tokens with PKCE', async () => {
    const rp = await rpWithSecret(env().issuer, PORTAL, env().secret);
    state.rp = rp;
    const verifier = oidc.randomPKCECodeVerifier();
    const stateParam = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: CALLBACK, scope: 'openid profile address household', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: stateParam });
    const b = new Browser(env().origin);
    const login = await b.walk(url);
    expect(login.status).toBe(200);
    expect(login.body).toContain('Đăng nhập bằng tài khoản định danh điện tử');
    expect(login.body).toContain('Cổng dịch vụ công tỉnh Hải Dương');
    expect(login.body).not.toMatch(/<script/i);
    const form = formOf(login.body, '/login');
    const consent = await b.walk(form.action, { ...form.fields, pin: an.pin, password: AN_PASSWORD });
    expect(consent.status).toBe(200);
    expect(consent.body).toContain('Điền sẵn tờ khai đăng ký thường trú (mẫu CT01)');
    for (const f of ['Họ, chữ đệm và tên', 'Ngày, tháng, năm sinh', 'Giới tính', 'Nơi thường trú', 'Số hộ (mã hộ gia đình)']) expect(consent.body).toContain(f);
    expect(consent.body).not.toContain('Số định danh cá nhân</li>');
    const agree = formOf(consent.body, '/consent');
    const done = await b.walk(agree.action, agree.fields);
    expect(done.status).toBe(303);
    expect(done.location!.startsWith(`${CALLBACK}?code=`)).toBe(true);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(done.location!), { pkceCodeVerifier: verifier, expectedState: stateParam });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: env().issuer, aud: PORTAL, acr: 'urn:motcua:loa:1', amr: ['pwd'] });
    expect(claims.sub).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(claims)).not.toContain(an.pin);
    expect(tokens.refresh_token).toBeTruthy();
    state.tokens = tokens;
    state.sub = claims.sub;
  });

  it('answers userinfo with exactly the consented registry fields, partial birth date kept', async () => {
    const info = await oidc.fetchUserInfo(state.rp!, state.tokens!.access_token, state.sub!);
    expect(info).toMatchObject({
      sub: state.sub,
      name: 'Nguyễn Văn An',
      birthdate: '1990-05',
      gender: 'male',
      address: { street_address: 'Thôn Hoàng Xá', locality: 'Xã Cẩm Hoàng', country: 'VN', unit_code: '10897', unit_date: '2023-02-28' },
      vn_household: { number: 'HD-10897-0001', relation: 'head', head_name: 'Nguyễn Văn An' },
    });
    expect((info.address as { formatted: string }).formatted).toBe('Thôn Hoàng Xá, Xã Cẩm Hoàng, Huyện Cẩm Giàng, Tỉnh Hải Dương');
    expect(info).not.toHaveProperty('vn_pin');
  });

  it('writes every release into the citizen’s access log and the sign-in into their usage history', async () => {
    const session = await env().app.inject({ method: 'POST', url: '/api/v1/eid/sessions', payload: { pin: an.pin, password: AN_PASSWORD } });
    const h = await env().app.inject({ method: 'GET', url: '/api/v1/eid/me/history', headers: { authorization: `Bearer ${session.json().token}` } });
    const released = h.json().registryAccess.items.filter((e: { action: string }) => e.action === 'sso.claims-released');
    expect(released).toHaveLength(1);
    expect(released[0]).toMatchObject({ actorKind: 'system', actorId: `sso:${PORTAL}`, purposeCode: 'CITIZEN_REQUEST', summary: `Cổng dịch vụ công tỉnh Hải Dương (${PORTAL}) received by userinfo, with the citizen's consent: address, birthdate, gender, name, vn_household, vn_residences` });
    expect(h.json().registryAccess.items.map((e: { action: string }) => e.action)).toContain('sso.consent-granted');
    const usage = h.json().usage.items.map((u: { action: string; detail: string | null }) => `${u.action}: ${u.detail}`);
    expect(usage).toContain('sso-sign-in: Cổng dịch vụ công tỉnh Hải Dương (pwd, urn:motcua:loa:1)');
  });

  it('remembers the consent: a new browser signs in without the consent page', async () => {
    const rp = state.rp!;
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: CALLBACK, scope: 'openid profile', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const b = new Browser(env().origin);
    const login = await b.walk(url);
    const form = formOf(login.body, '/login');
    const done = await b.walk(form.action, { ...form.fields, pin: an.pin, password: AN_PASSWORD });
    expect(done.status).toBe(303);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(done.location!), { pkceCodeVerifier: verifier, expectedState: oidc.skipStateCheck });
    expect(tokens.claims()!.sub).toBe(state.sub);
    // the same browser now has a session: no page at all
    const again = await b.walk(oidc.buildAuthorizationUrl(rp, { redirect_uri: CALLBACK, scope: 'openid profile', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }));
    expect(again.status).toBe(303);
    expect(again.location).toMatch(/^https:\/\/dichvucong\.haiduong\.gov\.vn\/auth\/callback\?code=/);
  });

  it('rotates refresh tokens; a replayed one revokes the whole grant', async () => {
    const rp = state.rp!;
    const first = state.tokens!;
    const second = await oidc.refreshTokenGrant(rp, first.refresh_token!);
    expect(second.refresh_token).toBeTruthy();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.claims()).toMatchObject({ sub: state.sub, acr: 'urn:motcua:loa:1' });
    expect((await oidc.tokenIntrospection(rp, second.access_token)).active).toBe(true);
    const replay = await oidc.refreshTokenGrant(rp, first.refresh_token!).catch((e: unknown) => e);
    expect(replay).toBeInstanceOf(oidc.ResponseBodyError);
    expect((replay as oidc.ResponseBodyError).error).toBe('invalid_grant');
    // reuse detected: the tokens issued after the replayed one die with it
    expect((await oidc.tokenIntrospection(rp, second.access_token)).active).toBe(false);
    expect((await oidc.tokenIntrospection(rp, second.refresh_token!)).active).toBe(false);
    const next = await oidc.refreshTokenGrant(rp, second.refresh_token!).catch((e: unknown) => e);
    expect((next as oidc.ResponseBodyError).error).toBe('invalid_grant');
  });

  it('introspects and revokes only the client’s own tokens', async () => {
    const mine = await signIn(env(), PORTAL, env().secret, an.pin, AN_PASSWORD, 'openid profile');
    const other = await rpWithSecret(env().issuer, 'bhxh-haiduong', env().secrets.bhxh);
    const seen = await oidc.tokenIntrospection(mine.rp, mine.tokens.access_token);
    expect(seen).toMatchObject({ active: true, client_id: PORTAL, sub: mine.tokens.claims()!.sub, scope: 'openid profile', token_type: 'Bearer' });
    expect(await oidc.tokenIntrospection(other, mine.tokens.access_token)).toEqual({ active: false });
    const notTheirs = await oidc.tokenRevocation(other, mine.tokens.refresh_token!).catch((e: unknown) => e);
    expect(notTheirs).toMatchObject({ error: 'invalid_request', error_description: 'this token does not belong to you' });
    expect((await oidc.tokenIntrospection(mine.rp, mine.tokens.refresh_token!)).active).toBe(true);
    await oidc.tokenRevocation(mine.rp, mine.tokens.refresh_token!);
    expect((await oidc.tokenIntrospection(mine.rp, mine.tokens.refresh_token!)).active).toBe(false);
    const refresh = await oidc.refreshTokenGrant(mine.rp, mine.tokens.refresh_token!).catch((e: unknown) => e);
    expect((refresh as oidc.ResponseBodyError).error).toBe('invalid_grant');
  });

  it('gives pairwise subjects: one per sector, never the identification number; the number only with consent', async () => {
    const a = await signIn(env(), PORTAL, env().secret, binh.pin, BINH_PASSWORD, 'openid');
    const b = await signIn(env(), 'dvc-haiduong-mobile', env().secrets.sameSector, binh.pin, BINH_PASSWORD, 'openid', 'https://m.dichvucong.haiduong.gov.vn/cb');
    const c = await signIn(env(), 'bhxh-haiduong', env().secrets.bhxh, binh.pin, BINH_PASSWORD, 'openid profile vn_pin', 'https://dichvucong.baohiemxahoi.gov.vn/cb');
    expect(a.tokens.claims()!.sub).toBe(b.tokens.claims()!.sub);
    expect(c.tokens.claims()!.sub).not.toBe(a.tokens.claims()!.sub);
    for (const x of [a, b, c]) expect(x.tokens.claims()!.sub).not.toContain(binh.pin);
    expect(c.consentPage).toContain('Số định danh cá nhân');
    expect(c.consentPage).toContain('Tra cứu quá trình tham gia bảo hiểm xã hội');
    const info = await oidc.fetchUserInfo(c.rp, c.tokens.access_token, c.tokens.claims()!.sub);
    expect(info).toMatchObject({ vn_pin: binh.pin, name: 'Trần Thị Bình', birthdate: '1992-08-20', gender: 'female' });
    expect(info).not.toHaveProperty('address');
    expect(c.tokens.claims()).toMatchObject({ acr: 'urn:motcua:loa:2' });
  });

  it('lists the citizen’s consents and withdraws one: the portal’s tokens die and the next sign-in asks again', async () => {
    const session = await env().app.inject({ method: 'POST', url: '/api/v1/eid/sessions', payload: { pin: binh.pin, password: BINH_PASSWORD } });
    const auth = { authorization: `Bearer ${session.json().token}` };
    const list = await env().app.inject({ method: 'GET', url: '/api/v1/sso/consents', headers: auth });
    expect(list.statusCode).toBe(200);
    expect(list.json().total).toBe(3);
    const bhxh = list.json().items.find((i: { client: { id: string } }) => i.client.id === 'bhxh-haiduong');
    expect(bhxh).toMatchObject({ client: { name: 'Bảo hiểm xã hội tỉnh Hải Dương', purpose: 'Tra cứu quá trình tham gia bảo hiểm xã hội', purposeEn: 'Look up social insurance contributions' }, scopes: ['profile', 'vn_pin'], claims: [], fields: { vi: ['Họ, chữ đệm và tên', 'Ngày, tháng, năm sinh', 'Giới tính', 'Số định danh cá nhân'], en: ['Full name', 'Date of birth', 'Sex', 'Personal identification number'] } });
    expect(Date.parse(bhxh.expiresAt) - Date.parse(bhxh.grantedAt)).toBeGreaterThan(179 * 86_400_000);
    const live = await signIn(env(), 'bhxh-haiduong', env().secrets.bhxh, binh.pin, BINH_PASSWORD, 'openid profile vn_pin', 'https://dichvucong.baohiemxahoi.gov.vn/cb');
    expect(live.consentPage).toBeNull(); // remembered
    const anSession = await env().app.inject({ method: 'POST', url: '/api/v1/eid/sessions', payload: { pin: an.pin, password: AN_PASSWORD } });
    const notHers = await env().app.inject({ method: 'DELETE', url: `/api/v1/sso/consents/${bhxh.id}`, headers: { authorization: `Bearer ${anSession.json().token}` } });
    expect(notHers.statusCode).toBe(404);
    expect(notHers.json().code).toBe('SSO_CONSENT_NOT_FOUND');
    const del = await env().app.inject({ method: 'DELETE', url: `/api/v1/sso/consents/${bhxh.id}`, headers: auth });
    expect(del.statusCode).toBe(204);
    expect((await oidc.tokenIntrospection(live.rp, live.tokens.access_token)).active).toBe(false);
    expect(((await oidc.refreshTokenGrant(live.rp, live.tokens.refresh_token!).catch((e: unknown) => e)) as oidc.ResponseBodyError).error).toBe('invalid_grant');
    expect((await env().app.inject({ method: 'DELETE', url: `/api/v1/sso/consents/${bhxh.id}`, headers: auth })).json().code).toBe('SSO_CONSENT_NOT_FOUND');
    expect((await env().app.inject({ method: 'GET', url: '/api/v1/sso/consents', headers: auth })).json().total).toBe(2);
    const again = await signIn(env(), 'bhxh-haiduong', env().secrets.bhxh, binh.pin, BINH_PASSWORD, 'openid profile vn_pin', 'https://dichvucong.baohiemxahoi.gov.vn/cb');
    expect(again.consentPage).toContain('Số định danh cá nhân');
    const staff = await env().app.inject({ method: 'GET', url: '/api/v1/sso/consents', headers: { authorization: `Bearer ${env().tokens['canbo.camhoang']}` } });
    expect(staff.statusCode).toBe(403);
  });

  it('signs out (RP-initiated logout): confirmation page, then back to the portal; the next request shows the sign-in page', async () => {
    const b = new Browser(env().origin);
    const x = await signIn(env(), PORTAL, env().secret, an.pin, AN_PASSWORD, 'openid', CALLBACK, b);
    const end = oidc.buildEndSessionUrl(x.rp, { id_token_hint: x.tokens.id_token!, post_logout_redirect_uri: 'https://dichvucong.haiduong.gov.vn/', state: 'bye' });
    const confirm = await b.walk(end);
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain('Cổng dịch vụ công tỉnh Hải Dương yêu cầu đăng xuất');
    expect(confirm.body).not.toMatch(/<script/i);
    const form = /<form id="op.logoutForm" method="post" action="([^"]+)"><input type="hidden" name="xsrf" value="([^"]+)"\/><\/form>/.exec(confirm.body)!;
    const out = await b.walk(form[1]!, { xsrf: form[2]!, logout: 'yes' });
    expect(out.status).toBe(303);
    expect(out.location).toBe('https://dichvucong.haiduong.gov.vn/?state=bye');
    // the portal's tokens were bound to the sign-on session: they end with it
    expect(((await oidc.refreshTokenGrant(x.rp, x.tokens.refresh_token!).catch((err: unknown) => err)) as oidc.ResponseBodyError).error).toBe('invalid_grant');
    const next = await b.walk(oidc.buildAuthorizationUrl(x.rp, { redirect_uri: CALLBACK, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' }));
    expect(next.status).toBe(200);
    expect(next.body).toContain('name="password"');
  });

  it('refuses a sign-in form posted from another site or without its CSRF token', async () => {
    const rp = await rpWithSecret(env().issuer, PORTAL, env().secret);
    const b = new Browser(env().origin);
    const page = await b.walk(oidc.buildAuthorizationUrl(rp, { redirect_uri: CALLBACK, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' }));
    const form = formOf(page.body, '/login');
    const foreign = await b.request(form.action, { ...form.fields, pin: an.pin, password: AN_PASSWORD }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain('Yêu cầu không xuất phát từ trang đăng nhập này');
    const noToken = await b.request(form.action, { pin: an.pin, password: AN_PASSWORD, csrf: 'x'.repeat(64) });
    expect(noToken.status).toBe(403);
    // another browser (no interaction cookie) cannot use the page at all
    const stranger = await new Browser(env().origin).request(form.action, { ...form.fields, pin: an.pin, password: AN_PASSWORD });
    expect(stranger.status).toBe(400);
    expect(stranger.body).toContain('Phiên đăng nhập đã hết hạn hoặc không còn');
    const ok = await b.request(form.action, { ...form.fields, pin: an.pin, password: AN_PASSWORD }, { origin: env().origin });
    expect(ok.status).toBe(303);
  });

  it('speaks English when the browser prefers it', async () => {
    const b = new Browser(env().origin, 'en-GB,en;q=0.9,vi;q=0.5');
    const rp = await rpWithSecret(env().issuer, PORTAL, env().secret);
    const page = await b.walk(oidc.buildAuthorizationUrl(rp, { redirect_uri: CALLBACK, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' }));
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toContain('Sign in with your e-ID account');
    const form = formOf(page.body, '/login');
    const wrong = await b.walk(form.action, { ...form.fields, pin: an.pin, password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('The identification number or password is wrong.');
  });
});

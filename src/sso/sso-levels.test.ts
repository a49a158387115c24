/**
 * Assurance levels through the single sign-on, on SQLite and PostgreSQL over real HTTP: a portal
 * registered for level 2 (or a request asking for level 2 as essential) gets level 2 or an error,
 * never lower; a weaker session is asked to sign in again (step-up) with the reason in plain
 * Vietnamese; the highest requested level the account meets is used; TOTP as a second factor
 * (`amr`); raising a portal's level or locking an account ends the tokens; sign-in failures are
 * counted with the e-ID sign-in limits.
 */
import { Secret, TOTP } from 'otpauth';
import { afterAll, expect, it } from 'vitest';
import { forEachEngine } from '../platform/testing/engines.js';
import { person, pinFor } from '../identity/eid/testing/fixtures.js';
import { activeAccount, addClient, Browser, formOf, oidc, raiseToLevel2, register, rpWithSecret, signIn, startSsoPlatform, type SsoPlatform } from './testing.js';

const dung = person({ pin: pinFor('male', 1978, 5502), fullName: 'Vũ Văn Dũng', dateOfBirth: '1978-03-15', sex: 'male' });
const em = person({ pin: pinFor('female', 1995, 6603), fullName: 'Đỗ Thị Em', dateOfBirth: '1995-12-01', sex: 'female' });
const giang = person({ pin: pinFor('male', 2000, 7704), fullName: 'Bùi Trường Giang', dateOfBirth: '2000', sex: 'male' });
const PW = { dung: 'Dũng-Cẩm-Giàng-78', em: 'Em-Hải-Dương-95', giang: 'Giang-2000-Hoàng' };
const L1 = 'https://dichvucong.haiduong.gov.vn/auth/callback';
const L2 = 'https://cutru.haiduong.gov.vn/callback';

async function setup(t: Parameters<typeof startSsoPlatform>[0]) {
  const p = await startSsoPlatform(t);
  await register(p, dung, em, giang);
  const dungAccount = await activeAccount(p, dung, 1, PW.dung);
  await activeAccount(p, em, 2, PW.em);
  await activeAccount(p, giang, 1, PW.giang);
  const l1 = await addClient(p, { id: 'dvc-haiduong', name: 'Cổng dịch vụ công tỉnh Hải Dương', redirectUris: [L1], scopes: ['profile'], purpose: 'Điền sẵn tờ khai' });
  const l2 = await addClient(p, { id: 'cutru-haiduong', name: 'Cổng đăng ký cư trú Hải Dương', redirectUris: [L2], requiredLevel: 2, scopes: ['profile', 'address'], purpose: 'Đăng ký thường trú trực tuyến' });
  return { ...p, l1: l1!, l2: l2!, dungPhone: dungAccount.phone };
}

type Env = SsoPlatform & { l1: string; l2: string; dungPhone: string };

forEachEngine('single sign-on: assurance levels', setup, (env) => {
  afterAll(async () => env().close());
  const e = () => env() as unknown as Env;
  const authUrl = async (rp: oidc.Configuration, redirectUri: string, extra: Record<string, string> = {}) =>
    oidc.buildAuthorizationUrl(rp, { redirect_uri: redirectUri, scope: 'openid profile', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256', state: 'st', ...extra });

  it('refuses a level-1 account at a level-2 portal with the reason, and tells the portal unmet_authentication_requirements', async () => {
    const rp = await rpWithSecret(e().issuer, 'cutru-haiduong', e().l2);
    const b = new Browser(e().origin);
    const login = await b.walk(await authUrl(rp, L2));
    expect(login.body).toContain('Cổng đăng ký cư trú Hải Dương yêu cầu đăng nhập bằng tài khoản định danh điện tử mức độ 2.');
    const form = formOf(login.body, '/login');
    const refused = await b.walk(form.action, { ...form.fields, pin: dung.pin, password: PW.dung });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('Cổng đăng ký cư trú Hải Dương yêu cầu tài khoản định danh điện tử mức độ 2; tài khoản này là mức độ 1.');
    expect(refused.body).toContain('mang thẻ căn cước gắn chip đến Công an xã, phường');
    const leave = formOf(refused.body, '/abort');
    expect(leave.fields.outcome).toBe('unmet');
    const back = await b.walk(leave.action, leave.fields);
    expect(back.status).toBe(303);
    const cb = new URL(back.location!);
    expect(`${cb.origin}${cb.pathname}`).toBe(L2);
    expect(cb.searchParams.get('error')).toBe('unmet_authentication_requirements');
    expect(cb.searchParams.has('code')).toBe(false);
  });

  it('gives a level-2 account level 2 at the level-2 portal', async () => {
    const x = await signIn(e(), 'cutru-haiduong', e().l2, em.pin, PW.em, 'openid profile address', L2);
    expect(x.tokens.claims()).toMatchObject({ acr: 'urn:motcua:loa:2', amr: ['pwd'] });
  });

  it('steps up: a level-1 session is asked to sign in again at a level-2 portal, and says why', async () => {
    const b = new Browser(e().origin);
    const first = await signIn(e(), 'dvc-haiduong', e().l1, dung.pin, PW.dung, 'openid profile', L1, b);
    expect(first.tokens.claims()!.acr).toBe('urn:motcua:loa:1');
    const rp2 = await rpWithSecret(e().issuer, 'cutru-haiduong', e().l2);
    // without a page: a silent request answers login_required
    const silent = await b.walk(await authUrl(rp2, L2, { prompt: 'none' }));
    expect(new URL(silent.location!).searchParams.get('error')).toBe('login_required');
    await raiseToLevel2(e(), dung, e().dungPhone);
    const page = await b.walk(await authUrl(rp2, L2));
    expect(page.status).toBe(200);
    expect(page.body).toContain('Cổng đăng ký cư trú Hải Dương yêu cầu tài khoản định danh điện tử mức độ 2. Lần đăng nhập hiện tại của bạn mới ở mức độ 1, nên bạn cần đăng nhập lại.');
    expect(page.body).toContain('Tài khoản của bạn đã được nâng lên mức độ 2 sau lần đăng nhập trước; hãy đăng nhập lại để dùng mức độ 2.');
    const x = await signIn(e(), 'cutru-haiduong', e().l2, dung.pin, PW.dung, 'openid profile', L2, b);
    expect(x.tokens.claims()).toMatchObject({ acr: 'urn:motcua:loa:2' });
    // the level-1 portal now gets the stronger session without a page
    const again = await signIn(e(), 'dvc-haiduong', e().l1, dung.pin, PW.dung, 'openid profile', L1, b);
    expect(again.tokens.claims()!.acr).toBe('urn:motcua:loa:2');
  });

  it('takes level 2 asked for as essential (claims parameter) like a level-2 portal; acr_values give the highest level the account meets', async () => {
    const rp = await rpWithSecret(e().issuer, 'dvc-haiduong', e().l1);
    const essential = JSON.stringify({ id_token: { acr: { essential: true, values: ['urn:motcua:loa:2'] } } });
    const b = new Browser(e().origin);
    const login = await b.walk(await authUrl(rp, L1, { claims: essential }));
    const form = formOf(login.body, '/login');
    const refused = await b.walk(form.action, { ...form.fields, pin: giang.pin, password: PW.giang });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('yêu cầu tài khoản định danh điện tử mức độ 2; tài khoản này là mức độ 1.');
    const both = { acr_values: 'urn:motcua:loa:1 urn:motcua:loa:2' };
    expect((await signIn(e(), 'dvc-haiduong', e().l1, giang.pin, PW.giang, 'openid', L1, undefined, both)).tokens.claims()!.acr).toBe('urn:motcua:loa:1');
    expect((await signIn(e(), 'dvc-haiduong', e().l1, em.pin, PW.em, 'openid', L1, undefined, both)).tokens.claims()!.acr).toBe('urn:motcua:loa:2');
    const unknown = await new Browser(e().origin).walk(await authUrl(rp, L1, { claims: JSON.stringify({ id_token: { acr: { essential: true, values: ['urn:example:loa:high'] } } }) }));
    expect(new URL(unknown.location!).searchParams.get('error')).toBe('invalid_request');
  });

  it('asks for the authenticator code when two-factor is on, and reports it in amr', async () => {
    const session = await e().app.inject({ method: 'POST', url: '/api/v1/eid/sessions', payload: { pin: em.pin, password: PW.em } });
    const auth = { authorization: `Bearer ${session.json().token}` };
    const enrol = await e().app.inject({ method: 'POST', url: '/api/v1/eid/me/totp', headers: auth });
    const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(enrol.json().secret) });
    expect((await e().app.inject({ method: 'POST', url: '/api/v1/eid/me/totp/confirm', headers: auth, payload: { otp: totp.generate({ timestamp: Date.now() - 30_000 }) } })).json()).toEqual({ enabled: true });
    const rp = await rpWithSecret(e().issuer, 'cutru-haiduong', e().l2);
    const b = new Browser(e().origin);
    const verifier = oidc.randomPKCECodeVerifier();
    const login = await b.walk(oidc.buildAuthorizationUrl(rp, { redirect_uri: L2, scope: 'openid profile address', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }));
    const form = formOf(login.body, '/login');
    const ask = await b.walk(form.action, { ...form.fields, pin: em.pin, password: PW.em });
    expect(ask.status).toBe(401);
    expect(ask.body).toContain('Cần nhập mã xác thực từ ứng dụng tạo mã (TOTP).');
    expect(ask.body).toMatch(/name="otp"[^>]* required aria-invalid="true"/);
    const retry = formOf(ask.body, '/login');
    const done = await b.walk(retry.action, { ...retry.fields, pin: em.pin, password: PW.em, otp: totp.generate() });
    expect({ status: done.status, error: /class="error"[^>]*>([^<]*)</.exec(done.body)?.[1] ?? null }).toEqual({ status: 303, error: null });
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(done.location!), { pkceCodeVerifier: verifier, expectedState: oidc.skipStateCheck });
    expect(tokens.claims()).toMatchObject({ acr: 'urn:motcua:loa:2', amr: ['pwd', 'otp'] });
  });

  it('revokes a portal’s tokens when its required level is raised, and an account’s when it is locked', async () => {
    const x = await signIn(e(), 'dvc-haiduong', e().l1, giang.pin, PW.giang, 'openid profile', L1);
    const patch = await e().app.inject({ method: 'PATCH', url: '/api/v1/sso/clients/dvc-haiduong', headers: { authorization: `Bearer ${e().tokens.quantri}` }, payload: { requiredLevel: 2 } });
    expect(patch.statusCode).toBe(200);
    expect(patch.json().client.requiredLevel).toBe(2);
    expect(patch.json().revokedArtifacts).toBeGreaterThan(0);
    const refused = await oidc.refreshTokenGrant(x.rp, x.tokens.refresh_token!).catch((err: unknown) => err);
    expect((refused as oidc.ResponseBodyError).error).toBe('invalid_grant');
    await e().app.inject({ method: 'PATCH', url: '/api/v1/sso/clients/dvc-haiduong', headers: { authorization: `Bearer ${e().tokens.quantri}` }, payload: { requiredLevel: 1 } });

    const y = await signIn(e(), 'dvc-haiduong', e().l1, giang.pin, PW.giang, 'openid profile', L1);
    expect((await oidc.fetchUserInfo(y.rp, y.tokens.access_token, y.tokens.claims()!.sub)).name).toBe('Bùi Trường Giang');
    const session = await e().app.inject({ method: 'POST', url: '/api/v1/eid/sessions', payload: { pin: giang.pin, password: PW.giang } });
    const lock = await e().app.inject({ method: 'POST', url: '/api/v1/eid/me/lock', headers: { authorization: `Bearer ${session.json().token}` }, payload: { passcode: '482913' } });
    expect(lock.json().status).toBe('locked');
    const info = await oidc.fetchUserInfo(y.rp, y.tokens.access_token, y.tokens.claims()!.sub).catch((err: unknown) => err);
    expect(info).toBeInstanceOf(oidc.WWWAuthenticateChallengeError);
    expect((info as oidc.WWWAuthenticateChallengeError).cause[0]!.parameters.error).toBe('invalid_token');
    expect(((await oidc.refreshTokenGrant(y.rp, y.tokens.refresh_token!).catch((err: unknown) => err)) as oidc.ResponseBodyError).error).toBe('invalid_grant');
  });

  it('counts wrong passwords on the sign-in page with the e-ID sign-in limit', async () => {
    const rp = await rpWithSecret(e().issuer, 'dvc-haiduong', e().l1);
    const b = new Browser(e().origin);
    const login = await b.walk(await authUrl(rp, L1));
    let page = login;
    for (let i = 0; i < 5; i++) {
      const form = formOf(page.body, '/login');
      page = await b.walk(form.action, { ...form.fields, pin: dung.pin, password: `sai-mat-khau-${i}` });
      expect(page.status).toBe(401);
    }
    const form = formOf(page.body, '/login');
    page = await b.walk(form.action, { ...form.fields, pin: dung.pin, password: PW.dung });
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(page.body).toContain('Quá nhiều yêu cầu');
    const api = await e().app.inject({ method: 'POST', url: '/api/v1/eid/sessions', payload: { pin: dung.pin, password: PW.dung } });
    expect(api.statusCode).toBe(429);
    expect(api.json().code).toBe('RATE_LIMITED');
  });
});

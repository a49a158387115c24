/**
 * The registry of portals and the signing keys, on SQLite and PostgreSQL: the admin API
 * (`sso.manage`), its checks and audit entries, client secrets (sealed, shown once, replaced),
 * disabling a portal; signing keys stored sealed, rotated with the old keys published until their
 * ID tokens expire; `motcua sso client add` and `motcua sso rotate-keys`.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, expect, it, vi } from 'vitest';
import { runCli } from '../cli/main.js';
import { dataCipherFromEnv } from '../platform/crypto.js';
import { forEachEngine } from '../platform/testing/engines.js';
import { person, pinFor } from '../identity/eid/testing/fixtures.js';
import { rotateSigningKeys } from './keys.js';
import { ssoRuntime } from './runtime.js';
import { activeAccount, Browser, oidc, portalKeys, register, rpWithSecret, signIn, startSsoPlatform } from './testing.js';

const hoa = person({ pin: pinFor('female', 1988, 8805), fullName: 'Lê Thị Hoa', dateOfBirth: '1988-07-07', sex: 'female' });
const PW = 'Hoa-Cẩm-Hoàng-88';
const CB = 'https://dichvucong.haiduong.gov.vn/auth/callback';

async function setup(t: Parameters<typeof startSsoPlatform>[0]) {
  const p = await startSsoPlatform(t);
  await register(p, hoa);
  await activeAccount(p, hoa, 1, PW);
  return p;
}

forEachEngine('single sign-on: portals and signing keys', setup, (env, engine) => {
  afterAll(async () => env().close());
  const admin = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, token = env().tokens.quantri) =>
    env().app.inject({ method, url, payload: payload as never, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const body = {
    id: 'dvc-haiduong',
    name: 'Cổng dịch vụ công tỉnh Hải Dương',
    redirectUris: [CB],
    postLogoutRedirectUris: ['https://dichvucong.haiduong.gov.vn/'],
    requiredLevel: 1,
    scopes: ['profile', 'address'],
    purpose: 'Điền sẵn tờ khai đăng ký thường trú (mẫu CT01)',
    purposeEn: 'Pre-fill the permanent residence form (CT01)',
    logoUri: 'https://dichvucong.haiduong.gov.vn/logo.png',
  };
  const secrets: Record<string, string> = {};

  it('registers a portal through the API: secret shown once and stored sealed, audited', async () => {
    const r = await admin('POST', '/api/v1/sso/clients', body);
    expect(r.statusCode).toBe(201);
    expect(r.json().client).toMatchObject({ ...body, sector: 'dichvucong.haiduong.gov.vn', authMethod: 'client_secret_basic', jwks: null, idTokenAlg: 'ES256', status: 'active', createdBy: 'quantri' });
    const secret = r.json().clientSecret as string;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    secrets.dvc = secret;
    const row = await env().ctx.db.as<any>().selectFrom('sso_clients').select(['secret_sealed']).where('id', '=', 'dvc-haiduong').executeTakeFirstOrThrow();
    expect(row.secret_sealed).toMatch(/^v1\./);
    expect(row.secret_sealed).not.toContain(secret);
    expect((await admin('GET', '/api/v1/sso/clients/dvc-haiduong')).json()).toMatchObject({ id: 'dvc-haiduong', scopes: ['profile', 'address'] });
    expect((await admin('GET', '/api/v1/sso/clients')).json()).toMatchObject({ total: 1, items: [{ id: 'dvc-haiduong', name: 'Cổng dịch vụ công tỉnh Hải Dương' }] });
    const audit = await env().ctx.db.as<any>().selectFrom('audit_log').select(['action', 'actor_id', 'summary']).where('action', '=', 'sso.client-created').execute();
    expect(audit).toEqual([{ action: 'sso.client-created', actor_id: 'quantri', summary: 'portal dvc-haiduong (Cổng dịch vụ công tỉnh Hải Dương) registered: level 1, scopes profile address, client_secret_basic' }]);
    const spec = (await env().app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/v1/sso/clients', '/api/v1/sso/clients/{id}', '/api/v1/sso/clients/{id}/secret', '/api/v1/sso/consents', '/api/v1/sso/consents/{id}']));
  });

  it('refuses bad registrations with stable codes, and anyone but an administrator', async () => {
    const code = async (over: Record<string, unknown>) => (await admin('POST', '/api/v1/sso/clients', { ...body, id: 'x-portal', ...over })).json();
    expect(await code({ redirectUris: ['http://dichvucong.haiduong.gov.vn/cb'] })).toMatchObject({ status: 400, code: 'SSO_REDIRECT_URI_INVALID', detail: 'Địa chỉ chuyển hướng "http://dichvucong.haiduong.gov.vn/cb" không hợp lệ: phải dùng https (http chỉ cho địa chỉ nội bộ 127.0.0.1 hoặc localhost).' });
    // The reason in the reader's language.
    const en = await env().app.inject({ method: 'POST', url: '/api/v1/sso/clients', payload: { ...body, id: 'x-portal', redirectUris: ['https://dichvucong.haiduong.gov.vn/cb#frag'] }, headers: { authorization: `Bearer ${env().tokens.quantri}`, 'accept-language': 'en' } });
    expect(en.json()).toMatchObject({ code: 'SSO_REDIRECT_URI_INVALID', detail: 'Redirect URI "https://dichvucong.haiduong.gov.vn/cb#frag" is not valid: a fragment is not allowed.' });
    // http only to a loopback address (a developer's machine, RFC 8252)
    expect((await admin('POST', '/api/v1/sso/clients', { ...body, id: 'dev-loopback', redirectUris: ['http://127.0.0.1:8080/cb'] })).statusCode).toBe(201);
    expect((await code({ sector: 'haiduong' })).code).toBe('SSO_SECTOR_INVALID');
    expect((await code({ logoUri: 'http://dichvucong.haiduong.gov.vn/logo.png' })).code).toBe('SSO_LOGO_INVALID');
    expect((await code({ authMethod: 'private_key_jwt' })).code).toBe('SSO_JWKS_REQUIRED');
    const { jwks } = await portalKeys();
    expect(await code({ authMethod: 'private_key_jwt', jwks: { keys: [{ ...jwks.keys[0], d: 'secret-part' }] } })).toMatchObject({ code: 'SSO_JWKS_INVALID', detail: 'Bộ khóa công khai (jwks) không hợp lệ: key 1: private member "d" must not be sent.' });
    const scope = await code({ scopes: ['profile', 'passport'] });
    expect(scope).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'body.scopes.1', code: 'FIELD_NOT_ALLOWED_VALUE' }] });
    expect((await code({ id: 'dvc-haiduong' })).code).toBe('SSO_CLIENT_EXISTS');
    expect((await admin('POST', '/api/v1/sso/clients', body, env().tokens['congan.camhoang'])).json().code).toBe('FORBIDDEN');
    expect((await admin('GET', '/api/v1/sso/clients', undefined, '')).json().code).toBe('UNAUTHENTICATED');
    const citizen = await env().app.inject({ method: 'POST', url: '/api/v1/eid/sessions', payload: { pin: hoa.pin, password: PW } });
    expect((await admin('GET', '/api/v1/sso/clients', undefined, citizen.json().token)).statusCode).toBe(403);
  });

  it('replaces a client secret: the old one stops at once', async () => {
    const x = await signIn(env(), 'dvc-haiduong', secrets.dvc!, hoa.pin, PW, 'openid profile', CB);
    const r = await admin('POST', '/api/v1/sso/clients/dvc-haiduong/secret');
    expect(r.statusCode).toBe(200);
    const fresh = r.json().clientSecret as string;
    expect(fresh).not.toBe(secrets.dvc);
    const old = await oidc.refreshTokenGrant(x.rp, x.tokens.refresh_token!).catch((e: unknown) => e);
    expect(old).toBeInstanceOf(oidc.WWWAuthenticateChallengeError);
    expect((old as oidc.WWWAuthenticateChallengeError).cause[0]!.parameters.error).toBe('invalid_client');
    const rp = await rpWithSecret(env().issuer, 'dvc-haiduong', fresh);
    expect((await oidc.refreshTokenGrant(rp, x.tokens.refresh_token!)).access_token).toBeTruthy();
    secrets.dvc = fresh;
  });

  it('disables a portal: no more sign-in, its tokens revoked', async () => {
    const x = await signIn(env(), 'dvc-haiduong', secrets.dvc!, hoa.pin, PW, 'openid profile', CB);
    const off = await admin('PATCH', '/api/v1/sso/clients/dvc-haiduong', { status: 'disabled' });
    expect(off.json()).toMatchObject({ client: { status: 'disabled' }, clientSecret: null });
    expect(off.json().revokedArtifacts).toBeGreaterThan(0);
    const page = await new Browser(env().origin).request(oidc.buildAuthorizationUrl(x.rp, { redirect_uri: CB, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' }));
    expect(page.status).toBe(400);
    expect(page.body).toContain('Cổng dịch vụ chưa được đăng ký hoặc đã ngừng kết nối.');
    const left = await env().ctx.db.as<any>().selectFrom('sso_payloads').select('model').where('client_id', '=', 'dvc-haiduong').execute();
    expect(left).toEqual([]);
    expect(await oidc.tokenIntrospection(x.rp, x.tokens.access_token).then(() => 'answered', (err: unknown) => (err as oidc.WWWAuthenticateChallengeError).cause?.[0]?.parameters.error)).toBe('invalid_client');
    await admin('PATCH', '/api/v1/sso/clients/dvc-haiduong', { status: 'active' });
  });

  it('keeps signing keys sealed and rotates them, the old ones published until their ID tokens expire', async () => {
    const k = env().ctx.db.as<any>();
    const before = (await k.selectFrom('sso_keys').selectAll().orderBy('id').execute()) as { kid: string; alg: string; retired_at: string | null; private_sealed: string; public_jwk: string }[];
    expect(before.map((r: { alg: string; retired_at: string | null }) => `${r.alg}:${r.retired_at === null ? 'current' : 'retired'}`).sort()).toEqual(['ES256:current', 'RS256:current']);
    const cipher = ssoRuntime(env().ctx).cipher;
    for (const r of before) {
      expect(r.private_sealed).toMatch(/^v1\./);
      const jwk = JSON.parse(cipher.open(r.private_sealed, `sso_keys:${r.kid}:private`).toString('utf8'));
      expect(jwk.kid).toBe(r.kid);
      expect(r.private_sealed).not.toContain(jwk.d);
      expect(JSON.parse(r.public_jwk)).not.toHaveProperty('d');
    }
    const oldEs = before.find((r) => r.alg === 'ES256')!.kid;
    const x = await signIn(env(), 'dvc-haiduong', secrets.dvc!, hoa.pin, PW, 'openid profile', CB);
    expect(JSON.parse(Buffer.from(x.tokens.id_token!.split('.')[0]!, 'base64url').toString()).kid).toBe(oldEs);

    const rotated = await rotateSigningKeys(env().ctx.db, cipher);
    expect(rotated.retired).toBe(2);
    expect(Date.parse(rotated.publishedUntil) - Date.now()).toBeGreaterThan(14 * 60_000);
    await ssoRuntime(env().ctx).holder.refresh();
    const jwks = (await (await fetch(`${env().issuer}/jwks`)).json()) as any;
    expect(jwks.keys.map((j: { kid: string }) => j.kid).sort()).toEqual([...rotated.created.map((c) => c.kid), ...before.map((r: { kid: string }) => r.kid)].sort());
    const newEs = rotated.created.find((c) => c.alg === 'ES256')!.kid;
    const y = await signIn(env(), 'dvc-haiduong', secrets.dvc!, hoa.pin, PW, 'openid profile', CB, x.browser);
    expect(JSON.parse(Buffer.from(y.tokens.id_token!.split('.')[0]!, 'base64url').toString()).kid).toBe(newEs);
    // the ID token signed before the rotation still verifies against the published keys
    const remote = createRemoteJWKSet(new URL(`${env().issuer}/jwks`));
    expect((await jwtVerify(x.tokens.id_token!, remote, { issuer: env().issuer, audience: 'dvc-haiduong' })).payload.sub).toBe(x.tokens.claims()!.sub);
    // fifteen minutes on, the old keys leave the JWKS
    await k.updateTable('sso_keys').set({ publish_until: new Date(Date.now() - 1000).toISOString() }).where('retired_at', 'is not', null).execute();
    await ssoRuntime(env().ctx).holder.refresh();
    const after = (await (await fetch(`${env().issuer}/jwks`)).json()) as any;
    expect(after.keys.map((j: { kid: string }) => j.kid).sort()).toEqual(rotated.created.map((c) => c.kid).sort());
    const late = await jwtVerify(x.tokens.id_token!, createRemoteJWKSet(new URL(`${env().issuer}/jwks`)), { issuer: env().issuer, currentDate: new Date() }).catch((e: unknown) => e);
    expect((late as { code?: string }).code).toBe('ERR_JWKS_NO_MATCHING_KEY');
  });

  it.runIf(engine === 'sqlite')('registers a portal and rotates keys from the command line', async () => {
    let out = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    const cliEnv = { DATABASE_URL: env().t.url, LOG_LEVEL: 'silent', MOTCUA_DEMO: 'off', MOTCUA_SEED: 'none', MOTCUA_PUBLIC_URL: env().origin };
    try {
      expect(await runCli(['node', 'motcua', 'sso', 'client', 'add', '--id', 'cong-hanoi', '--name', 'Cổng thử nghiệm', '--redirect-uri', 'https://thu.haiduong.gov.vn/cb', '--scope', 'profile,household', '--level', '2', '--purpose', 'Thử nghiệm'], cliEnv)).toBe(0);
      const added = JSON.parse(out);
      expect(added).toMatchObject({ client: { id: 'cong-hanoi', requiredLevel: 2, scopes: ['profile', 'household'], sector: 'thu.haiduong.gov.vn' }, clientSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), issuer: `${env().origin}/oidc` });
      out = '';
      expect(await runCli(['node', 'motcua', 'sso', 'rotate-keys'], cliEnv)).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ created: [{ alg: 'ES256' }, { alg: 'RS256' }], retired: 2 });
    } finally {
      o.mockRestore();
    }
    expect(dataCipherFromEnv()).toBe(ssoRuntime(env().ctx).cipher);
  });
});

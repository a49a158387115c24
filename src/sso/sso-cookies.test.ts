/**
 * The cookies of the single sign-on (the only cookies motcua sets; the API takes bearer tokens)
 * and its sign-on session on SQLite and PostgreSQL (OWASP ASVS 5.0 §3.3, §3.4.2, §7.2.4, §7.4.1):
 * every cookie HttpOnly and SameSite=Lax, Secure when the public URL is https; the session renewed
 * at each sign-in (the old one removed from storage) and removed at sign-out; CORS of the provider
 * never with credentials, and no grant to a foreign origin where tokens are answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, forEachEngine, type TestDatabase } from '../platform/testing/engines.js';
import { person, pinFor } from '../identity/eid/testing/fixtures.js';
import { storedId } from './adapter.js';
import { activeAccount, addClient, Browser, formOf, oidc, register, signIn, startSsoPlatform, type SsoPlatform } from './testing.js';

const an = person({ pin: pinFor('male', 1990, 1234), fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-12', sex: 'male' });
const AN_PASSWORD = 'Hoàng-Xá-1990';
const PORTAL = 'dvc-haiduong';
const CALLBACK = 'https://dichvucong.haiduong.gov.vn/auth/callback';
const HOME = 'https://dichvucong.haiduong.gov.vn/';

async function setup(t: TestDatabase) {
  const p = await startSsoPlatform(t);
  await register(p, an);
  await activeAccount(p, an, 1, AN_PASSWORD);
  const secret = await addClient(p, { id: PORTAL, name: 'Cổng dịch vụ công tỉnh Hải Dương', redirectUris: [CALLBACK], postLogoutRedirectUris: [HOME], scopes: ['profile'], purpose: 'Đăng nhập Cổng dịch vụ công tỉnh Hải Dương' });
  return { ...p, secret: secret! };
}

/** The attributes of a Set-Cookie line, lower-cased, without values (`httponly`, `samesite=lax`, `secure`, `path=…`). */
function attributes(line: string): string[] {
  return line.split(';').slice(1).map((a) => a.trim().toLowerCase());
}

forEachEngine('single sign-on: cookies and the sign-on session', setup, (env) => {
  afterAll(async () => env().close());
  // sessions as the provider stores them: under the SHA-256 of their id (src/sso/adapter.ts)
  const storedSessions = async () => (await sql<{ id: string }>`select id from sso_payloads where model = 'Session'`.execute(env().ctx.db.kysely)).rows.map((r) => r.id);

  it('sets every cookie HttpOnly and SameSite=Lax, without Secure on a plain-http public URL', async () => {
    const x = await signIn(env(), PORTAL, env().secret, an.pin, AN_PASSWORD, 'openid profile');
    const lines = x.browser.setCookies;
    const names = new Set(lines.map((l) => l.slice(0, l.indexOf('='))));
    expect([...names].sort()).toEqual(['_interaction', '_interaction.sig', '_interaction_resume', '_interaction_resume.sig', '_session', '_session.sig']);
    for (const line of lines) {
      expect(attributes(line)).toEqual(expect.arrayContaining(['httponly', 'samesite=lax']));
      expect(attributes(line)).not.toContain('secure');
    }
  });

  it('renews the sign-on session at each sign-in, removing the old one, and removes it at sign-out', async () => {
    const b = new Browser(env().origin);
    const first = await signIn(env(), PORTAL, env().secret, an.pin, AN_PASSWORD, 'openid', CALLBACK, b);
    const s1 = b.cookie('_session')!;
    expect(s1).toMatch(/^[A-Za-z0-9_-]{21,}$/);
    expect(await storedSessions()).toContain(storedId(s1));
    // signing in again in the same browser (the portal asks for it: prompt=login)
    const again = await signIn(env(), PORTAL, env().secret, an.pin, AN_PASSWORD, 'openid', CALLBACK, b, { prompt: 'login' });
    const s2 = b.cookie('_session')!;
    expect(s2).not.toBe(s1);
    expect(await storedSessions()).not.toContain(storedId(s1));
    expect(await storedSessions()).toContain(storedId(s2));
    expect(again.tokens.claims()!.sub).toBe(first.tokens.claims()!.sub);
    // RP-initiated sign-out: the session is gone from storage, the next visit asks to sign in
    const confirm = await b.walk(oidc.buildEndSessionUrl(again.rp, { id_token_hint: again.tokens.id_token!, post_logout_redirect_uri: HOME }));
    const form = /<form id="op.logoutForm" method="post" action="([^"]+)"><input type="hidden" name="xsrf" value="([^"]+)"\/><\/form>/.exec(confirm.body)!;
    const out = await b.walk(form[1]!, { xsrf: form[2]!, logout: 'yes' });
    expect(out.location).toBe(HOME);
    expect(await storedSessions()).not.toContain(storedId(s2));
    const next = await b.walk(oidc.buildAuthorizationUrl(again.rp, { redirect_uri: CALLBACK, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' }));
    expect(next.body).toContain('name="password"');
  });

  it('answers public documents to any origin without credentials, and grants a foreign origin nothing where tokens are answered', async () => {
    const evil = 'https://evil.example';
    const x = await signIn(env(), PORTAL, env().secret, an.pin, AN_PASSWORD, 'openid profile');
    const discovery = await fetch(`${env().issuer}/.well-known/openid-configuration`, { headers: { origin: evil } });
    expect(discovery.status).toBe(200);
    expect(discovery.headers.get('access-control-allow-credentials')).toBeNull();
    const token = await fetch(`${env().issuer}/token`, {
      method: 'POST',
      headers: { origin: evil, 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${PORTAL}:${env().secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x'.repeat(43), redirect_uri: CALLBACK, code_verifier: 'y'.repeat(43) }).toString(),
    });
    expect(token.status).toBe(400);
    expect(((await token.json()) as { error: string; error_description: string })).toEqual({ error: 'invalid_request', error_description: `origin ${evil} not allowed for client: ${PORTAL}` });
    expect(token.headers.get('access-control-allow-origin')).toBeNull();
    expect(token.headers.get('access-control-allow-credentials')).toBeNull();
    const userinfo = await fetch(`${env().issuer}/me`, { headers: { origin: evil, authorization: `Bearer ${x.tokens.access_token}` } });
    expect(userinfo.status).toBe(400);
    expect(((await userinfo.json()) as { error: string }).error).toBe('invalid_request');
    expect(userinfo.headers.get('access-control-allow-origin')).toBeNull();
    expect(userinfo.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('single sign-on behind TLS (public URL https)', () => {
  let t: TestDatabase;
  let p: SsoPlatform;
  const PUBLIC = 'https://dinhdanh.haiduong.gov.vn'; // the sign-on's own address, not the portal's

  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    p = await startSsoPlatform(t);
    // the provider reads the public URL when first used: as a proxy terminating TLS would have it
    p.ctx.config.publicUrl = PUBLIC;
    await register(p, an);
    await activeAccount(p, an, 1, AN_PASSWORD);
    await addClient(p, { id: PORTAL, name: 'Cổng dịch vụ công tỉnh Hải Dương', redirectUris: [CALLBACK], scopes: ['profile'], purpose: 'Đăng nhập Cổng dịch vụ công tỉnh Hải Dương' });
  });
  afterAll(async () => {
    await p?.close();
    await t?.drop();
  });

  it('marks every cookie Secure, HttpOnly and SameSite=Lax, named with the __Host- or __Secure- prefix', async () => {
    const b = new Browser(p.origin, undefined, PUBLIC);
    const authorize = `/oidc/auth?${new URLSearchParams({ client_id: PORTAL, response_type: 'code', scope: 'openid', redirect_uri: CALLBACK, state: 'hd-2023', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' })}`;
    const login = await b.walk(authorize);
    expect(login.body).toContain('name="password"');
    // A wrong password first: its refusal travels to the page in a cookie of its own.
    const refused = await b.walk(formOf(login.body, '/login').action, { ...formOf(login.body, '/login').fields, pin: an.pin, password: 'sai-mat-khau' });
    expect(refused.status).toBe(401);
    const form = formOf(refused.body, '/login');
    let page = await b.walk(form.action, { ...form.fields, pin: an.pin, password: AN_PASSWORD });
    if (page.body.includes('/consent"')) {
      const consent = formOf(page.body, '/consent');
      page = await b.walk(consent.action, consent.fields);
    }
    expect(page.status, page.body.slice(0, 1500)).toBe(303);
    expect(page.location).toMatch(/^https:\/\/dichvucong\.haiduong\.gov\.vn\/auth\/callback\?code=[^&]+&state=hd-2023&iss=/);
    expect(b.cookie('__Host-motcua_session')).toMatch(/^[A-Za-z0-9_-]{21,}$/);
    const names = new Set(b.setCookies.map((l) => l.slice(0, l.indexOf('='))));
    expect([...names].sort()).toEqual(['__Host-motcua_session', '__Host-motcua_session.sig', '__Secure-motcua_interaction', '__Secure-motcua_interaction.sig', '__Secure-motcua_resume', '__Secure-motcua_resume.sig', '__Secure-motcua_sso_outcome']);
    for (const line of b.setCookies) {
      expect(attributes(line)).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax']));
      expect(attributes(line).some((a) => a.startsWith('domain='))).toBe(false);
      if (line.startsWith('__Host-')) expect(attributes(line)).toContain('path=/');
    }
  });
});

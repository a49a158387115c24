/**
 * motcua's own citizen pages signing in through its single sign-on, on SQLite and PostgreSQL,
 * over real HTTP against a listening platform: start → the provider's sign-in and consent pages
 * → callback (openid-client's code exchange with PKCE, state and nonce) → one-time handoff → an
 * e-ID session the citizen API accepts; the remembered sign-in and consent; refusals.
 */
import { afterAll, expect, it } from 'vitest';
import { forEachEngine } from '../platform/testing/engines.js';
import { person, pinFor } from '../identity/eid/testing/fixtures.js';
import { activeAccount, Browser, formOf, register, startSsoPlatform, type Page } from '../sso/testing.js';
import { PortalRelyingParty, TX_COOKIE } from './relying-party.js';

const an = person({ pin: pinFor('male', 1990, 1234), fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05', sex: 'male' });
const AN_PASSWORD = 'Hoàng-Xá-1990';
const binh = person({ pin: pinFor('female', 1992, 4567), fullName: 'Trần Thị Bình', dateOfBirth: '1992-08-20', sex: 'female' });
const BINH_PASSWORD = 'Bình-an-1992';
const cuong = person({ pin: pinFor('male', 1985, 7788), fullName: 'Lê Văn Cường', dateOfBirth: '1985-11-02', sex: 'male' });
const CUONG_PASSWORD = 'Cường-1985-Cẩm';

async function setup(t: Parameters<typeof startSsoPlatform>[0]) {
  const p = await startSsoPlatform(t);
  await register(p, an, binh, cuong);
  await activeAccount(p, an, 1, AN_PASSWORD);
  await activeAccount(p, binh, 2, BINH_PASSWORD);
  await activeAccount(p, cuong, 1, CUONG_PASSWORD);
  return p;
}

/** Follows redirects until one leads to a page of the web app (`/eid/…`, read by the test itself) or, with `stopAt`, to that path. */
async function untilPage(b: Browser, first: Page, stopAt = '/eid/'): Promise<Page> {
  let page = first;
  for (let i = 0; i < 10 && page.location && !new URL(page.location, page.url).pathname.startsWith(stopAt); i++) page = await b.request(new URL(page.location, page.url));
  return page;
}

/** Signs in at the provider's pages when they ask (number, password; consent agreed) and answers the redirect to the web app. */
async function throughProvider(b: Browser, start: string, pin: string, password: string): Promise<{ landing: URL; consentPage: string | null; loginPage: string | null }> {
  let page = await untilPage(b, await b.request(start));
  let loginPage: string | null = null;
  let consentPage: string | null = null;
  if (page.status === 200 && page.body.includes('name="password"')) {
    loginPage = page.body;
    const form = formOf(page.body, '/login');
    page = await untilPage(b, await b.request(form.action, { ...form.fields, pin, password }));
  }
  if (page.status === 200 && page.body.includes('/consent"')) {
    consentPage = page.body;
    const form = formOf(page.body, '/consent');
    page = await untilPage(b, await b.request(form.action, form.fields));
  }
  if (!page.location) throw new Error(`no redirect to the web app: ${page.status}\n${page.body.slice(0, 1500)}`);
  return { landing: new URL(page.location, page.url), consentPage, loginPage };
}

forEachEngine('portal: the citizen pages sign in through the single sign-on', setup, (env) => {
  afterAll(async () => env().close());
  const api = (path: string, init: RequestInit = {}) => fetch(`${env().origin}/api/v1${path}`, init);
  const claim = (code: string) => api('/portal/sign-in/handoff', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });

  it('registers the pages as the client `motcua` and starts a code flow with PKCE, state and nonce in a sealed cookie', async () => {
    expect(await (await api('/portal/sign-in')).json()).toEqual({ available: true, reason: null });
    const res = await api('/portal/sign-in/start?next=%2Fho-so-cua-toi', { redirect: 'manual' });
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(`${to.origin}${to.pathname}`).toBe(`${env().issuer}/auth`);
    expect(Object.fromEntries(to.searchParams)).toMatchObject({ client_id: 'motcua', response_type: 'code', scope: 'openid vn_pin', code_challenge_method: 'S256', redirect_uri: `${env().origin}/api/v1/portal/sign-in/callback`, ui_locales: 'vi', prompt: 'login' });
    expect(to.searchParams.get('state')).toMatch(/^[\w-]{40,}$/);
    expect(to.searchParams.get('nonce')).toMatch(/^[\w-]{40,}$/);
    const cookie = res.headers.getSetCookie().find((l) => l.startsWith(`${TX_COOKIE}=`))!;
    expect(cookie).toMatch(/; Path=\/api\/v1\/portal\/sign-in; HttpOnly; SameSite=Lax; Max-Age=600$/);
    // Sealed: neither the state nor the verifier can be read from it.
    expect(cookie).not.toContain(to.searchParams.get('state')!);
    const admin = await api('/sso/clients/motcua', { headers: { authorization: `Bearer ${env().tokens.quantri}` } });
    expect(await admin.json()).toMatchObject({ id: 'motcua', requiredLevel: 1, scopes: ['vn_pin'], authMethod: 'client_secret_basic', status: 'active', redirectUris: [`${env().origin}/api/v1/portal/sign-in/callback`], postLogoutRedirectUris: [`${env().origin}/eid/sign-in`] });
  });

  it('signs a citizen in: provider sign-in and consent pages, callback, one handoff, an e-ID session the API accepts', async () => {
    const b = new Browser(env().origin);
    const { landing, consentPage, loginPage } = await throughProvider(b, '/api/v1/portal/sign-in/start?next=%2Fho-so-cua-toi', an.pin, AN_PASSWORD);
    expect(loginPage).toContain('Trang công dân của motcua');
    // A first sign-in is not told it signs in "again".
    expect(loginPage).not.toContain('đăng nhập lại');
    expect(consentPage).toContain('Số định danh cá nhân');
    // The number itself is shared, so no sentence saying the portal gets another identifier instead.
    expect(consentPage).not.toContain('mã định danh riêng');
    expect(consentPage).toContain('Mở phiên làm việc của bạn trên các trang công dân');
    expect(landing.pathname).toBe('/eid/signed-in');
    expect(landing.searchParams.get('next')).toBe('/ho-so-cua-toi');
    const code = /^#handoff=([\w-]{43})$/.exec(landing.hash)![1]!;
    // The transaction cookie is gone after the callback.
    expect(b.cookie(TX_COOKIE)).toBeUndefined();

    const handoff = await claim(code);
    expect(handoff.status).toBe(200);
    const { token, expiresAt, signOutUrl } = (await handoff.json()) as { token: string; expiresAt: string; signOutUrl: string };
    expect(token).toMatch(/^eid\./);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(11.9 * 3_600_000);
    const out = new URL(signOutUrl, env().origin);
    expect(out.pathname).toBe('/oidc/session/end');
    expect(out.searchParams.get('post_logout_redirect_uri')).toBe(`${env().origin}/eid/sign-in`);
    expect(out.searchParams.get('client_id')).toBe('motcua');
    // No ID token in an address the browser keeps in its history.
    expect(out.searchParams.get('id_token_hint')).toBeNull();

    const me = await api('/eid/me', { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ pinMasked: '030******234', level: 1, status: 'active' });
    const sessions = (await (await api('/eid/me/sessions', { headers: { authorization: `Bearer ${token}` } })).json()) as { items: { amr: string[]; current: boolean }[] };
    expect(sessions.items.find((s) => s.current)!.amr).toEqual(['pwd']);

    // Once only.
    const again = await claim(code);
    expect(again.status).toBe(400);
    expect(((await again.json()) as { code: string }).code).toBe('PORTAL_HANDOFF_INVALID');

    // The same browser again: the provider keeps its session and the consent, but these pages ask
    // it for the password every time (prompt=login: a sign-in here ends with the tab).
    const second = await throughProvider(b, '/api/v1/portal/sign-in/start?next=%2Feid%2Faccount', an.pin, AN_PASSWORD);
    expect(second.loginPage).toContain('name="password"');
    expect(second.consentPage).toBeNull();
    expect(second.landing.pathname).toBe('/eid/signed-in');
    expect(second.landing.searchParams.get('next')).toBe('/eid/account');
  });

  it('ends the pages’ e-ID sessions when the citizen withdraws the consent given to them', async () => {
    const b = new Browser(env().origin);
    const { landing } = await throughProvider(b, '/api/v1/portal/sign-in/start', an.pin, AN_PASSWORD);
    const { token } = (await (await claim(/handoff=([\w-]+)/.exec(landing.hash)![1]!)).json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    const consents = (await (await api('/sso/consents', { headers: auth })).json()) as { items: { id: number; client: { id: string } }[] };
    const mine = consents.items.find((c) => c.client.id === 'motcua')!;
    const withdrawn = await api(`/sso/consents/${mine.id}`, { method: 'DELETE', headers: { ...auth, origin: env().origin } });
    expect(withdrawn.status).toBe(204);
    expect((await api('/eid/me', { headers: auth })).status).toBe(401);
    // The next sign-in asks for the consent again.
    expect((await throughProvider(new Browser(env().origin), '/api/v1/portal/sign-in/start', an.pin, AN_PASSWORD)).consentPage).toContain('Số định danh cá nhân');
  });

  it('shows the provider’s pages in the language the page asked for (ui_locales), whatever the browser prefers', async () => {
    const b = new Browser(env().origin, 'vi-VN,vi;q=0.9');
    const login = await untilPage(b, await b.request('/api/v1/portal/sign-in/start?lang=en'));
    expect(login.body).toContain('<html lang="en">');
    expect(login.body).toContain('Sign in with your e-ID account');
  });

  it('gives a level-2 account a level-2 sign-in when the page asks for it', async () => {
    const b = new Browser(env().origin);
    const { landing } = await throughProvider(b, '/api/v1/portal/sign-in/start?level=2', binh.pin, BINH_PASSWORD);
    expect(landing.pathname).toBe('/eid/signed-in');
    const { token } = (await (await claim(/handoff=([\w-]+)/.exec(landing.hash)![1]!)).json()) as { token: string };
    expect(await (await api('/eid/me', { headers: { authorization: `Bearer ${token}` } })).json()).toMatchObject({ level: 2 });
  });

  it('sends the citizen back to the sign-in page with the reason: consent refused, no transaction, another transaction', async () => {
    const b = new Browser(env().origin);
    let page = await untilPage(b, await b.request('/api/v1/portal/sign-in/start?next=%2Fho-so-cua-toi'));
    const login = formOf(page.body, '/login');
    // Cường has not agreed to anything yet: the consent page comes.
    page = await untilPage(b, await b.request(login.action, { ...login.fields, pin: cuong.pin, password: CUONG_PASSWORD }));
    const consent = formOf(page.body, '/consent');
    const abort = [...page.body.matchAll(/<form method="post" action="([^"]+)"/g)].map((m) => m[1]!).find((a) => a.endsWith('/abort'));
    expect(abort).toBeDefined();
    page = await untilPage(b, await b.request(abort!.replace(/&#(\d+);/g, (_x, c: string) => String.fromCharCode(Number(c))), consent.fields));
    const refused = new URL(page.location!, page.url);
    expect(`${refused.pathname}?${refused.searchParams}`).toBe('/eid/sign-in?next=%2Fho-so-cua-toi&sso=refused');

    // A callback without the transaction cookie (another browser, or after 10 minutes).
    const bare = await api('/portal/sign-in/callback?code=abc&state=def', { redirect: 'manual' });
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe('/eid/sign-in?next=%2Feid%2Faccount&sso=expired');

    // A code obtained in one transaction, brought back with the cookie of another: state and PKCE differ.
    const first = await api('/portal/sign-in/start', { redirect: 'manual' });
    const otherCookie = first.headers.getSetCookie()[0]!.split(';')[0]!;
    const c = new Browser(env().origin);
    let p2 = await untilPage(c, await c.request('/api/v1/portal/sign-in/start?next=%2Fx'));
    const f2 = formOf(p2.body, '/login');
    // An agreed before: no consent page, straight back to the callback.
    p2 = await untilPage(c, await c.request(f2.action, { ...f2.fields, pin: an.pin, password: AN_PASSWORD }), '/api/v1/portal/sign-in/callback');
    const callback = new URL(p2.location!, p2.url);
    expect(callback.pathname).toBe('/api/v1/portal/sign-in/callback');
    const forged = await fetch(callback, { redirect: 'manual', headers: { cookie: otherCookie } });
    expect(forged.headers.get('location')).toBe('/eid/sign-in?next=%2Feid%2Faccount&sso=failed');
  });

  it('says single sign-on is unavailable once an administrator disables the client, and refuses to start', async () => {
    const admin = { authorization: `Bearer ${env().tokens.quantri}`, 'content-type': 'application/json', origin: env().origin };
    const off = await api('/sso/clients/motcua', { method: 'PATCH', headers: admin, body: JSON.stringify({ status: 'disabled' }) });
    expect(off.status).toBe(200);
    // The relying party keeps its setup a minute: a new one sees the change at once, the routes' within 60 s.
    const rp = new PortalRelyingParty(env().ctx, env().app);
    expect(await rp.availability()).toEqual({ available: false, reason: 'disabled' });
    await expect(rp.start({ next: '/', level: 1, language: 'vi' })).rejects.toMatchObject({ code: 'PORTAL_SIGN_IN_UNAVAILABLE', status: 503 });
    await api('/sso/clients/motcua', { method: 'PATCH', headers: admin, body: JSON.stringify({ status: 'active' }) });
  });

  it('names and marks the cookie Secure with the __Secure- prefix behind an https public URL', async () => {
    const saved = env().ctx.config.publicUrl;
    env().ctx.config.publicUrl = 'https://dichvucong.haiduong.gov.vn';
    try {
      const rp = new PortalRelyingParty(env().ctx, env().app);
      expect(rp.cookieLine('abc')).toBe('__Secure-motcua_portal_tx=abc; Path=/api/v1/portal/sign-in; HttpOnly; SameSite=Lax; Max-Age=600; Secure');
      expect(rp.cookieLine('')).toBe('__Secure-motcua_portal_tx=; Path=/api/v1/portal/sign-in; HttpOnly; SameSite=Lax; Max-Age=0; Secure');
    } finally {
      env().ctx.config.publicUrl = saved;
    }
  });

  it('is unavailable behind a plain-http public URL that is not loopback', async () => {
    const saved = env().ctx.config.publicUrl;
    env().ctx.config.publicUrl = 'http://192.168.1.10:3000';
    try {
      expect(await new PortalRelyingParty(env().ctx, env().app).availability()).toEqual({ available: false, reason: 'public-url' });
    } finally {
      env().ctx.config.publicUrl = saved;
    }
  });
});

/**
 * The provider's sign-in page survives a reload (a user trial: after a wrong password, reloading
 * showed 404, since the page stood at the address the form was posted to): a refused sign-in
 * answers 303 to the interaction's own page, which shows the refusal once (with its status and the
 * number typed, never in the address) and the plain form on a reload; the forms' addresses opened
 * with GET lead back to the page; an interaction that is gone says so in words, with a link to
 * start again, in Vietnamese and in English.
 */
import { afterAll, expect, it } from 'vitest';
import { forEachEngine } from '../platform/testing/engines.js';
import { person, pinFor } from '../identity/eid/testing/fixtures.js';
import { activeAccount, addClient, Browser, formOf, oidc, register, rpWithSecret, startSsoPlatform } from './testing.js';

const chau = person({ pin: pinFor('female', 1988, 5511), fullName: 'Lê Minh Châu', dateOfBirth: '1988-11-02', sex: 'female' });
const PASSWORD = 'Châu-Cẩm-Hoàng-88';
const PORTAL = 'dvc-haiduong';
const CALLBACK = 'https://dichvucong.haiduong.gov.vn/auth/callback';

async function setup(t: Parameters<typeof startSsoPlatform>[0]) {
  const p = await startSsoPlatform(t);
  await register(p, chau);
  await activeAccount(p, chau, 1, PASSWORD);
  const secret = await addClient(p, { id: PORTAL, name: 'Cổng dịch vụ công tỉnh Hải Dương', redirectUris: [CALLBACK], scopes: ['profile'], purpose: 'Đăng nhập cổng dịch vụ công' });
  return { ...p, secret: secret! };
}

forEachEngine('single sign-on: the sign-in page after a refusal', setup, (env) => {
  afterAll(async () => env().close());

  async function loginPage(b: Browser) {
    const rp = await rpWithSecret(env().issuer, PORTAL, env().secret);
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: CALLBACK, scope: 'openid profile', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    const page = await b.walk(url);
    expect(page.status).toBe(200);
    return page;
  }

  it('answers a wrong password with a redirect to the interaction’s page, which a reload opens again', async () => {
    const b = new Browser(env().origin);
    const page = await loginPage(b);
    const interaction = new URL(page.url).pathname;
    expect(interaction).toMatch(/^\/oidc\/interaction\/[\w-]+$/);
    const form = formOf(page.body, '/login');
    expect(form.action).toBe(`${interaction}/login`);

    const wrong = await b.request(form.action, { ...form.fields, pin: chau.pin, password: 'sai-mat-khau' });
    expect({ status: wrong.status, location: wrong.location }).toEqual({ status: 303, location: interaction });
    // The number typed never goes into an address.
    expect(wrong.location).not.toContain(chau.pin);

    const shown = await b.request(wrong.location!);
    expect(shown.status).toBe(401);
    expect(/class="error"[^>]*>([^<]*)</.exec(shown.body)?.[1]).toBe('Số định danh cá nhân hoặc mật khẩu không đúng.');
    expect(shown.body).toContain(`value="${chau.pin}"`);
    expect(formOf(shown.body, '/login').action).toBe(`${interaction}/login`);

    // The reload: the same interaction's form, without the old refusal.
    const reloaded = await b.request(interaction);
    expect(reloaded.status).toBe(200);
    expect(reloaded.body).toContain('name="password"');
    expect(reloaded.body).not.toContain('class="error"');

    // The address the form was posted to, opened with GET (a restored tab, the address bar).
    const posted = await b.request(`${interaction}/login`);
    expect({ status: posted.status, location: posted.location }).toEqual({ status: 303, location: interaction });
    for (const action of ['consent', 'abort']) expect((await b.request(`${interaction}/${action}`)).location).toBe(interaction);

    // The form still signs in after all that.
    const again = formOf(reloaded.body, '/login');
    const ok = await b.walk(again.action, { ...again.fields, pin: chau.pin, password: PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('/consent"');
  });

  it('says in words, with a link to start again, when the interaction is gone', async () => {
    for (const [language, text, link] of [
      ['vi-VN,vi;q=0.9', 'Phiên đăng nhập đã hết hạn hoặc không còn; hãy quay lại cổng dịch vụ và bắt đầu lại.', '<a href="/eid/sign-in">Bắt đầu lại: đăng nhập trên trang công dân của hệ thống</a>'],
      ['en-GB,en;q=0.9', 'The sign-in has expired or is gone; go back to the portal and start again.', '<a href="/eid/sign-in">Start again: sign in on the citizen pages of this system</a>'],
    ] as const) {
      const b = new Browser(env().origin, language);
      const gone = await b.walk('/oidc/interaction/het-han-tu-lau/login');
      expect(gone.status).toBe(400);
      expect(gone.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(/class="error"[^>]*>([^<]*)</.exec(gone.body)?.[1]).toBe(text);
      expect(gone.body).toContain(link);
    }
  });

  it('carries the refusal in a short-lived sealed cookie of the interaction’s path, read once', async () => {
    const b = new Browser(env().origin);
    const page = await loginPage(b);
    const form = formOf(page.body, '/login');
    const wrong = await b.request(form.action, { ...form.fields, pin: chau.pin, password: 'sai-mat-khau-2' });
    const flash = b.setCookies.find((c) => c.startsWith('motcua_sso_outcome='));
    expect(flash).toMatch(/; Path=\/oidc\/interaction\/[\w-]+; Max-Age=120; HttpOnly; SameSite=Lax$/);
    expect(flash).not.toContain(chau.pin);
    // Read once: the page clears it.
    await b.request(wrong.location!);
    expect(b.cookie('motcua_sso_outcome')).toBeUndefined();
  });
});

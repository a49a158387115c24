/**
 * Test helpers of the single sign-on: a listening platform whose issuer is its own address, a
 * minimal browser (cookie jar, manual redirects, form posts) that walks the provider's pages the
 * way a citizen does, e-ID accounts made through the identity module's public API, and
 * relying-party configurations of `openid-client` over real HTTP.
 */
import { exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import * as oidc from 'openid-client';
import type { TestDatabase } from '../platform/testing/engines.js';
import { activeAccount, CAM_HOANG, lastCode, makeFmr, makePng, register, startEidPlatform, type EidPlatform } from '../identity/eid/testing/fixtures.js';
import type { CitizenInput } from '../population/index.js';
import { createStaff, signInStaff } from '../identity/index.js';
import { ssoRuntime } from './runtime.js';
import type { ClientInput } from './clients.js';

export interface SsoPlatform extends EidPlatform {
  /** `http://127.0.0.1:PORT`, the platform's public URL. */
  origin: string;
  issuer: string;
  close(): Promise<void>;
}

/** A platform listening on a free loopback port, with MOTCUA_PUBLIC_URL set to that address before the first request, and an administrator. */
export async function startSsoPlatform(t: TestDatabase, env: Record<string, string> = {}): Promise<SsoPlatform> {
  const p = await startEidPlatform(t, env);
  await p.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (p.app.server.address() as { port: number }).port;
  const origin = `http://127.0.0.1:${port}`;
  p.ctx.config.publicUrl = origin;
  await createStaff(p.ctx.db, { username: 'quantri', password: 'Quan-tri-2023!', role: 'ADMIN', unitCode: null }, { kind: 'cli', id: 'cli:test' }, async () => true);
  p.tokens.quantri = (await signInStaff(p.ctx.db, 'quantri', 'Quan-tri-2023!', '127.0.0.1')).token;
  return { ...p, origin, issuer: `${origin}/oidc`, close: () => p.app.close() };
}

/** Raises a level-1 account to level 2: an in-person application at Cẩm Hoàng police, approval, activation by SMS code. */
export async function raiseToLevel2(p: SsoPlatform, person: CitizenInput, phone: string): Promise<void> {
  const national = `0${phone.slice(3)}`;
  const inject = (url: string, payload: unknown, token?: string) => p.app.inject({ method: 'POST', url, payload: payload as never, remoteAddress: '198.51.100.251', headers: token ? { authorization: `Bearer ${token}` } : {} });
  const app = await inject(
    '/api/v1/eid/applications/in-person',
    { pin: person.pin, phone: national, portrait: makePng(100, 120, 0x44).toString('base64'), fingerprints: [{ position: 2, template: makeFmr(12).toString('base64') }, { position: 7, template: makeFmr(17).toString('base64') }], consent: true, collectionPoint: { kind: 'police_office', unitCode: CAM_HOANG } },
    p.tokens['congan.camhoang'],
  );
  if (app.statusCode !== 201) throw new Error(`level-2 application: ${app.body}`);
  await inject(`/api/v1/eid/applications/${app.json().id}/decision`, { decision: 'approve' }, p.tokens['congan.camhoang']);
  await inject('/api/v1/eid/activations', { pin: person.pin, phone: national });
  const code = await lastCode(p, phone);
  const ok = await inject('/api/v1/eid/activations/confirm', { pin: person.pin, phone: national, code });
  if (ok.statusCode !== 200 || ok.json().level !== 2) throw new Error(`level-2 activation: ${ok.body}`);
}

export { activeAccount, register };

/** Registers a portal through the registry (as `motcua sso client add` does); answers its secret. */
export async function addClient(p: SsoPlatform, input: ClientInput): Promise<string | null> {
  return (await ssoRuntime(p.ctx).clients.create(input, { kind: 'cli', id: 'cli:test' })).clientSecret;
}

interface Cookie {
  name: string;
  value: string;
  path: string;
}

export interface Page {
  status: number;
  url: string;
  location: string | null;
  body: string;
  headers: Headers;
}

/**
 * A browser for the provider's pages: keeps cookies by name and path, never follows redirects by
 * itself; {@link Browser.walk} follows them while they stay on the platform (`origin`, or
 * `publicOrigin` when the platform's public URL is not the address it listens at). Every
 * `Set-Cookie` line it received is kept in `setCookies`, attributes included. `origin` may be
 * changed between requests, as a load balancer sends the next request to another app copy behind
 * the same public URL (src/platform/testing/copies.test.ts).
 */
export class Browser {
  private cookies: Cookie[] = [];
  readonly setCookies: string[] = [];
  constructor(
    public origin: string,
    readonly language = 'vi-VN,vi;q=0.9,en;q=0.5',
    readonly publicOrigin = origin,
  ) {}

  /** The value of the cookie `name` the browser holds (any path), if any. */
  cookie(name: string): string | undefined {
    return this.cookies.find((c) => c.name === name)?.value;
  }

  cookieHeader(url: URL): string {
    return this.cookies
      .filter((c) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`) || c.path === '/')
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  private store(res: Response, url: URL): void {
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      let path = url.pathname.replace(/\/[^/]*$/, '') || '/';
      let expired = false;
      for (const a of attrs) {
        const [k, v] = a.split('=');
        if (k!.toLowerCase() === 'path') path = v ?? '/';
        if (k!.toLowerCase() === 'expires' && v && Date.parse(v) <= Date.now()) expired = true;
        if (k!.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
      }
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === path));
      if (!expired && value !== '') this.cookies.push({ name, value, path });
    }
  }

  async request(target: string | URL, form?: Record<string, string>, extraHeaders: Record<string, string> = {}): Promise<Page> {
    let url = new URL(target, this.origin);
    if (url.origin === this.publicOrigin) url = new URL(`${url.pathname}${url.search}`, this.origin);
    const headers: Record<string, string> = { 'accept-language': this.language, accept: 'text/html', ...extraHeaders };
    const cookie = this.cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, { method: form ? 'POST' : 'GET', headers, body: form ? new URLSearchParams(form).toString() : undefined, redirect: 'manual' });
    this.store(res, url);
    return { status: res.status, url: url.href, location: res.headers.get('location'), body: await res.text(), headers: res.headers };
  }

  /** Requests `target` (GET, or POST of `form`) and follows redirects on the platform; stops at the first answer that is not one, or at a redirect leaving the platform. */
  async walk(target: string | URL, form?: Record<string, string>): Promise<Page> {
    let page = await this.request(target, form);
    for (let i = 0; i < 10 && page.location; i++) {
      const next = new URL(page.location, page.url);
      if (next.origin !== this.origin && next.origin !== this.publicOrigin) return page;
      page = await this.request(next);
    }
    return page;
  }
}

/** The action URL and hidden fields of the form posting to `path` on a page. */
export function formOf(body: string, pathEnd: string): { action: string; fields: Record<string, string> } {
  const forms = [...body.matchAll(/<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)];
  const f = forms.find((m) => m[1]!.endsWith(pathEnd));
  if (!f) throw new Error(`no form posting to …${pathEnd} in:\n${body.slice(0, 3000)}`);
  const fields: Record<string, string> = {};
  for (const m of f[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]!] = m[2]!.replace(/&#(\d+);/g, (_x, c: string) => String.fromCharCode(Number(c)));
  return { action: f[1]!.replace(/&#(\d+);/g, (_x, c: string) => String.fromCharCode(Number(c))), fields };
}

export interface SignedIn {
  rp: oidc.Configuration;
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
  /** The consent page shown on the way (null when the consent was remembered). */
  consentPage: string | null;
  browser: Browser;
}

/**
 * A whole sign-in of a citizen at a `client_secret_basic` portal: authorization request with PKCE,
 * the sign-in page (unless the browser has a session), the consent page (agreed to, unless
 * remembered), the code exchanged for tokens by `openid-client`.
 */
export async function signIn(
  p: { issuer: string; origin: string },
  clientId: string,
  secret: string,
  pin: string,
  password: string,
  scope: string,
  redirectUri = 'https://dichvucong.haiduong.gov.vn/auth/callback',
  browser = new Browser(p.origin),
  params: Record<string, string> = {},
): Promise<SignedIn> {
  const rp = await rpWithSecret(p.issuer, clientId, secret);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  let page = await browser.walk(oidc.buildAuthorizationUrl(rp, { redirect_uri: redirectUri, scope, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, ...params }));
  if (page.status === 200 && page.body.includes('name="password"')) {
    const form = formOf(page.body, '/login');
    page = await browser.walk(form.action, { ...form.fields, pin, password });
  }
  let consentPage: string | null = null;
  if (page.status === 200 && page.body.includes('/consent"')) {
    consentPage = page.body;
    const form = formOf(page.body, '/consent');
    page = await browser.walk(form.action, form.fields);
  }
  if (page.status !== 303 || !page.location?.startsWith(`${redirectUri}?`)) throw new Error(`sign-in did not come back to the portal: ${page.status} ${page.location ?? ''}\n${page.body.slice(0, 2000)}`);
  const tokens = await oidc.authorizationCodeGrant(rp, new URL(page.location), { pkceCodeVerifier: verifier, expectedState: state });
  return { rp, tokens, consentPage, browser };
}

/** The relying party of a `client_secret_basic` portal, discovered over HTTP. */
export function rpWithSecret(issuer: string, clientId: string, secret: string): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), clientId, { client_secret: secret }, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] });
}

/** The relying party of a `private_key_jwt` portal. */
export function rpWithKey(issuer: string, clientId: string, privateKey: CryptoKey, options?: Parameters<typeof oidc.PrivateKeyJwt>[1]): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), clientId, { token_endpoint_auth_method: 'private_key_jwt' }, oidc.PrivateKeyJwt(privateKey, options), { execute: [oidc.allowInsecureRequests] });
}

/** A key pair for a `private_key_jwt` portal, with its public JWKS. */
export async function portalKeys(alg: 'ES256' | 'RS256' = 'ES256'): Promise<{ privateKey: CryptoKey; jwks: { keys: Record<string, unknown>[] } }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey: privateKey as CryptoKey, jwks: { keys: [{ ...(await exportJWK(publicKey)), alg, use: 'sig' }] } };
}

export { oidc };

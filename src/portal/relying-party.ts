/**
 * The relying party of motcua's own citizen pages (a backend-for-frontend): the authorization code
 * flow with PKCE (RFC 7636, S256), state and nonce against this platform's provider at `/oidc`,
 * through `openid-client` as any portal would use it (OpenID Connect Core 1.0 §3.1).
 *
 * - `start`: a fresh state, nonce and code verifier, kept in a cookie sealed under the data key
 *   (`motcua_portal_tx`, HttpOnly, SameSite=Lax, path `/api/v1/portal/sign-in`, 10 minutes; over
 *   https Secure and named `__Secure-motcua_portal_tx`), and the authorization URL (scope
 *   `openid vn_pin`; `prompt=login`, so the provider asks for the password every time, as the
 *   pages promise a sign-in that ends with the tab; `acr_values` level 2 when the page needs it).
 * - `finish`: the code exchanged for tokens with those checks (state, PKCE verifier, nonce, ID
 *   token signature, issuer and audience — all done by openid-client), the identification number
 *   read from userinfo, an e-ID session opened for its account (src/identity), and a one-time
 *   handoff code for the page (store.ts), since a redirect cannot hand it a bearer token.
 *
 * The provider is called in-process (Fastify's `inject`) rather than over the network: the public
 * URL behind a reverse proxy is often not reachable from the server itself, and nothing leaves it.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import * as oidc from 'openid-client';
import { sha256Hex } from '../platform/crypto.js';
import { nowUtc } from '../platform/dates.js';
import type { Database } from '../platform/db/database.js';
import { AppError } from '../platform/errors.js';
import type { AppContext } from '../platform/module.js';
import { openCitizenSession } from '../identity/index.js';
import { acrOf, issuerOf, ssoRuntime } from '../sso/index.js';
import { ensurePortalClient, type PortalClient } from './client.js';
import { HANDOFF_SECONDS, insertHandoff, takeHandoff, type PortalTables } from './store.js';

export const TX_COOKIE = 'motcua_portal_tx';
/** The cookie's name: `__Secure-` prefixed over https (RFC 6265bis §4.1.3.1; OWASP ASVS 5.0 3.3.1). */
export const txCookieName = (publicUrl: string) => (new URL(publicUrl).protocol === 'https:' ? `__Secure-${TX_COOKIE}` : TX_COOKIE);
export const TX_COOKIE_PATH = '/api/v1/portal/sign-in';
const TX_SECONDS = 600;
const TX_CONTEXT = 'portal-tx';
const handoffContext = (codeHash: string) => `portal-handoff:${codeHash}`;

/** What the sign-in keeps between `start` and `finish`, sealed in the cookie. */
interface Transaction {
  state: string;
  nonce: string;
  verifier: string;
  /** Path of the page to come back to. */
  next: string;
  level: 1 | 2;
  /** Epoch milliseconds after which the cookie is refused even if the browser kept it. */
  exp: number;
}

/** Why a sign-in did not come back with a session; the page says it in the citizen's words. */
export type SignInFailure = 'refused' | 'expired' | 'failed' | 'locked' | 'unavailable';

/** The page's part of a successful sign-in, claimed once with the handoff code. */
export interface Handoff {
  token: string;
  expiresAt: string;
  /** Where the page sends the browser to sign out of the single sign-on too (RP-initiated logout 1.0). */
  signOutUrl: string;
}

/** `next` when it is a path of this site (`/…`, not `//host` or `/\host`), else `/eid/account`. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) && next.length <= 500 && !/[\u0000-\u001f]/.test(next) ? next : '/eid/account';
}

/** An openid-client `fetch` that answers from the app itself. */
function injectFetch(app: FastifyInstance): oidc.CustomFetch {
  return async (url, options) => {
    const u = new URL(url);
    const body = options.body === undefined || options.body === null ? undefined : typeof options.body === 'string' ? options.body : options.body instanceof URLSearchParams ? options.body.toString() : Buffer.from(options.body as ArrayBuffer);
    const res = await app.inject({ method: options.method as 'GET' | 'POST', url: `${u.pathname}${u.search}`, headers: { ...(options.headers as Record<string, string>), host: u.host }, ...(body === undefined ? {} : { payload: body }), remoteAddress: '127.0.0.1' });
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) for (const one of Array.isArray(v) ? v : [v]) if (one !== undefined) headers.append(k, String(one));
    return new Response([204, 304].includes(res.statusCode) ? null : new Uint8Array(res.rawPayload), { status: res.statusCode, headers });
  };
}

/**
 * One per app context: the registered client and the discovered provider configuration, kept
 * 60 s (a secret renewed by an administrator is picked up within a minute, or at once after a
 * refused code exchange).
 */
export class PortalRelyingParty {
  private cached: { at: number; client: PortalClient; config?: oidc.Configuration } | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly app: FastifyInstance,
  ) {}

  private get db(): Database {
    return this.ctx.db;
  }

  /** The client and its openid-client configuration; `fresh` skips the cache. */
  async setup(fresh = false): Promise<{ client: PortalClient; config?: oidc.Configuration }> {
    if (!fresh && this.cached && Date.now() - this.cached.at < 60_000) return this.cached;
    const rt = ssoRuntime(this.ctx);
    const client = await ensurePortalClient(rt);
    let config: oidc.Configuration | undefined;
    if (client.available) {
      const issuer = new URL(issuerOf(this.ctx.config.publicUrl));
      const fetchHere = injectFetch(this.app);
      config = await oidc.discovery(issuer, client.clientId, undefined, oidc.ClientSecretBasic(client.secret), {
        [oidc.customFetch]: fetchHere,
        execute: issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
      });
      config[oidc.customFetch] = fetchHere;
    }
    this.cached = { at: Date.now(), client, config };
    return this.cached;
  }

  /** Whether the pages can sign in through the single sign-on, and if not why (`disabled`, `public-url`, `secret`). */
  async availability(): Promise<{ available: boolean; reason: string | null }> {
    const { client } = await this.setup();
    return { available: client.available, reason: client.available ? null : client.reason };
  }

  /**
   * Begins a sign-in: the provider's authorization URL and the sealed transaction cookie's value.
   * `level` 2 asks the provider for a level-2 sign-in (`acr_values`). `language` becomes
   * `ui_locales`. Errors: PORTAL_SIGN_IN_UNAVAILABLE (503).
   */
  async start(input: { next: unknown; level: 1 | 2; language: 'vi' | 'en' }): Promise<{ url: string; cookie: string }> {
    const { client, config } = await this.setup();
    if (!client.available || !config) throw new AppError('PORTAL_SIGN_IN_UNAVAILABLE', { reason: client.available ? 'config' : client.reason });
    const tx: Transaction = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), next: safeNext(input.next), level: input.level, exp: Date.now() + TX_SECONDS * 1000 };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: client.redirectUri,
      scope: 'openid vn_pin',
      state: tx.state,
      nonce: tx.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(tx.verifier),
      code_challenge_method: 'S256',
      ui_locales: input.language,
      // These pages promise that a sign-in ends with the tab (a shared phone at a commune hall):
      // the provider asks for the password each time, whatever session it keeps for other portals.
      prompt: 'login',
      ...(input.level === 2 ? { acr_values: acrOf(2) } : {}),
    });
    const cookie = ssoRuntime(this.ctx).cipher.seal(Buffer.from(JSON.stringify(tx), 'utf8'), TX_CONTEXT);
    return { url: url.href, cookie };
  }

  /** The `Set-Cookie` line of the transaction cookie (`value` empty: delete it). */
  cookieLine(value: string): string {
    const secure = new URL(this.ctx.config.publicUrl).protocol === 'https:' ? '; Secure' : '';
    return `${txCookieName(this.ctx.config.publicUrl)}=${value}; Path=${TX_COOKIE_PATH}; HttpOnly; SameSite=Lax; Max-Age=${value ? TX_SECONDS : 0}${secure}`;
  }

  /**
   * Ends a sign-in at the callback: answers the page to go to, with `#handoff=CODE` on success, or
   * `/eid/sign-in?next=…&sso=REASON` ({@link SignInFailure}). `cookie` is the transaction cookie's
   * value, `callbackUrl` the URL the provider redirected to.
   */
  async finish(input: { cookie: string | undefined; callbackUrl: URL; sourceIp: string | null; device: string | null }): Promise<string> {
    const tx = this.openTransaction(input.cookie);
    const back = (reason: SignInFailure, next = tx?.next ?? '/eid/account') => `/eid/sign-in?${new URLSearchParams({ next, sso: reason })}`;
    if (!tx) return back('expired');
    const error = input.callbackUrl.searchParams.get('error');
    if (error) return back(error === 'access_denied' ? 'refused' : 'failed');
    const { client, config } = await this.setup();
    if (!client.available || !config) return back('unavailable');
    let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
    try {
      // The callback URL as registered (the request may have come through a proxy under another host).
      const current = new URL(client.redirectUri);
      current.search = input.callbackUrl.search;
      tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: tx.verifier, expectedState: tx.state, expectedNonce: tx.nonce, idTokenExpected: true });
    } catch (e) {
      this.ctx.logger.warn({ err: e instanceof Error ? { message: e.message, code: (e as { code?: string }).code } : String(e) }, 'portal sign-in: the code exchange failed');
      this.cached = undefined; // a renewed secret or rotated keys: discover again next time
      return back('failed');
    }
    const claims = tokens.claims()!;
    if (tx.level === 2 && claims.acr !== acrOf(2)) return back('failed');
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    const pin = typeof info.vn_pin === 'string' ? info.vn_pin : undefined;
    if (!pin) return back('failed');
    let session;
    try {
      const amr = Array.isArray(claims.amr) ? claims.amr.filter((m): m is string => typeof m === 'string') : ['pwd'];
      session = await openCitizenSession(this.ctx, { pin, amr, sourceIp: input.sourceIp, device: input.device, via: 'single sign-on' });
    } catch (e) {
      if (e instanceof AppError && e.code === 'EID_ACCOUNT_LOCKED') return back('locked');
      if (e instanceof AppError && e.code === 'EID_CREDENTIALS_INVALID') return back('failed');
      throw e;
    }
    // By client_id rather than id_token_hint: the address stays in the browser's history, the ID token should not.
    const signOutUrl = oidc.buildEndSessionUrl(config, { client_id: client.clientId, post_logout_redirect_uri: client.postLogoutUri });
    const code = randomBytes(32).toString('base64url');
    const codeHash = sha256Hex(code);
    const now = nowUtc();
    const handoff: Handoff = { token: session.token, expiresAt: session.expiresAt, signOutUrl: `${signOutUrl.pathname}${signOutUrl.search}` };
    await insertHandoff(this.db.as<PortalTables>(), { code_hash: codeHash, sealed: ssoRuntime(this.ctx).cipher.seal(Buffer.from(JSON.stringify(handoff), 'utf8'), handoffContext(codeHash)), created_at: now, expires_at: new Date(Date.parse(now) + HANDOFF_SECONDS * 1000).toISOString() }, now);
    return `/eid/signed-in?${new URLSearchParams({ next: tx.next })}#handoff=${code}`;
  }

  /** Claims a handoff once. Errors: PORTAL_HANDOFF_INVALID (400: unknown, used or older than two minutes). */
  async claim(code: string): Promise<Handoff> {
    const codeHash = sha256Hex(code);
    const row = await takeHandoff(this.db.as<PortalTables>(), codeHash, nowUtc());
    if (!row) throw new AppError('PORTAL_HANDOFF_INVALID');
    return JSON.parse(ssoRuntime(this.ctx).cipher.open(row.sealed, handoffContext(codeHash)).toString('utf8')) as Handoff;
  }

  private openTransaction(cookie: string | undefined): Transaction | undefined {
    if (!cookie) return undefined;
    try {
      const tx = JSON.parse(ssoRuntime(this.ctx).cipher.open(cookie, TX_CONTEXT).toString('utf8')) as Transaction;
      return tx.exp > Date.now() ? tx : undefined;
    } catch {
      return undefined;
    }
  }
}

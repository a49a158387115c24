/**
 * The single sign-on at `/oidc` (outside `/api/v1`):
 * - `/oidc/*` — the OpenID provider itself (discovery at `/oidc/.well-known/openid-configuration`,
 *   `/oidc/auth`, `/oidc/token`, `/oidc/me`, `/oidc/jwks`, `/oidc/token/introspection`,
 *   `/oidc/token/revocation`, `/oidc/session/end`). Mounted as one raw route: Fastify leaves the
 *   body unread and hands the request to the provider's Koa handler with the URL below the mount
 *   point and `X-Forwarded-Host`/`-Proto` set from `MOTCUA_PUBLIC_URL` (so every URL it writes
 *   is under the configured issuer, whatever Host the request came with); the app's security
 *   headers (helmet) are copied onto the response first (the provider adds the hash of its one
 *   inline script, the auto-submitting `form_post`, to the CSP itself).
 * - `/oidc/interaction/{uid}` — the server-rendered pages of src/sso/pages.ts: sign-in (with the
 *   e-ID account's number, password and TOTP code, under the e-ID sign-in limits), step-up,
 *   consent. POSTs carry a CSRF token bound to the interaction (HMAC under the data key), must
 *   come from the interaction's own cookie (checked by the provider: `SameSite=Lax`, signed) and,
 *   when the browser sends `Origin`, from the app's origin.
 */
import { parse as parseQuery } from 'node:querystring';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { actorOf } from '../platform/auth.js';
import { AppError, messageOf, type Language } from '../platform/errors.js';
import { cookieValue } from '../platform/http/headers.js';
import { languageOf } from '../platform/http/problem.js';
import type { Api } from '../platform/module.js';
import { eidAccountById, recordAccountUse, verifyCitizenSignIn } from '../identity/index.js';
import { CONSENT_DAYS, recordConsent } from './consents.js';
import { acrOf, levelOfAcr, levelsOfRequest, targetLevel, type Level } from './levels.js';
import { consentPage, errorPage, loginPage, type PortalInfo } from './pages.js';
import { isStoreUnavailable } from './adapter.js';
import type { SsoRuntime } from './runtime.js';
import { clientView } from './clients.js';
import { PERSONAL_CLAIMS, SCOPE_CLAIMS, isPortalScope } from './scopes.js';
import type { ClientRow } from './store.js';

const FORM_LIMIT = 16 * 1024;

/** Points the raw request at the provider: URL below `/oidc`, forwarded host and protocol of the public URL, the app's headers. */
function handOver(request: FastifyRequest, reply: FastifyReply, publicUrl: string, hijack: boolean): void {
  const raw = request.raw as typeof request.raw & { originalUrl?: string };
  const pub = new URL(publicUrl);
  raw.headers['x-forwarded-host'] = pub.host;
  raw.headers['x-forwarded-proto'] = pub.protocol.slice(0, -1);
  raw.headers['x-forwarded-for'] = request.ip;
  raw.headers['x-request-id'] = request.id;
  if (!hijack) return;
  if (raw.originalUrl === undefined) {
    raw.originalUrl = raw.url;
    raw.url = raw.url!.slice('/oidc'.length) || '/';
  }
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value as string | string[] | number);
}

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/** The cookie that carries a refused sign-in's outcome from the POST to the page it redirects to. */
const FLASH_COOKIE = 'motcua_sso_outcome';
const FLASH_SECONDS = 120;

/** A refused sign-in, as the interaction's page shows it once. */
interface LoginFlash {
  status: number;
  error: string;
  pin: string;
  otpNeeded?: boolean;
  unmet?: boolean;
  /** RATE_LIMITED: seconds to wait, from `at`. */
  retryAfter?: number;
  /** ms since the epoch. */
  at: number;
}

interface InteractionState {
  provider: Provider;
  interaction: Interaction;
  client: ClientRow;
  portal: PortalInfo;
  csrf: string;
  lang: Language;
}

function first(v: unknown): string | undefined {
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** The levels asked for by the stored authorization request of an interaction. */
function levelsOfParams(client: ClientRow, params: Record<string, unknown>): ReturnType<typeof levelsOfRequest> {
  let acrClaim: { essential?: boolean; value?: unknown; values?: unknown } | undefined;
  try {
    const claims = typeof params.claims === 'string' ? (JSON.parse(params.claims) as { id_token?: { acr?: typeof acrClaim } }) : undefined;
    acrClaim = claims?.id_token?.acr ?? undefined;
  } catch {
    acrClaim = undefined;
  }
  return levelsOfRequest(client.required_level as Level, typeof params.acr_values === 'string' ? params.acr_values : undefined, acrClaim);
}

/** Registers `/oidc/*` and the interaction pages on the root of the app. */
export async function ssoRootRoutes(app: Api, rt: SsoRuntime): Promise<void> {
  const { ctx, holder, clients, cipher } = rt;
  app.addHook('onClose', async () => rt.close());

  // --- the provider -------------------------------------------------------------------------------
  await app.register(async (oidc) => {
    oidc.removeAllContentTypeParsers();
    // Leave the body unread: the provider parses its own (form or JSON, 56 KiB at most).
    oidc.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    oidc.route({
      method: ['GET', 'POST', 'OPTIONS'],
      url: '/oidc/*',
      schema: { hide: true },
      handler: async (request, reply) => {
        const { callback } = await holder.get();
        handOver(request, reply, ctx.config.publicUrl, true);
        reply.hijack();
        await callback(request.raw, reply.raw);
      },
    });
  });

  // --- interaction pages ----------------------------------------------------------------------------
  await app.register(async (pages) => {
    pages.removeAllContentTypeParsers();
    pages.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT }, (_request, body, done) => done(null, parseQuery(String(body))));

    const html = (reply: FastifyReply, status: number, body: string, logo?: string | null) => {
      reply.header('cache-control', 'no-store');
      if (logo) {
        // The portal's logo is the one image from elsewhere this page may show.
        const csp = String(reply.getHeader('content-security-policy') ?? '');
        reply.header('content-security-policy', csp.replace(/img-src ([^;]*)/, `img-src $1 ${new URL(logo).origin}`));
      }
      return reply.status(status).type('text/html; charset=utf-8').send(body);
    };
    // Redis (sessions, interactions) cannot be reached: a 503 page saying to try again, not "expired".
    pages.setErrorHandler((err, request, reply) => {
      if (!isStoreUnavailable(err)) throw err;
      reply.header('retry-after', '5');
      return html(reply, 503, errorPage(languageOf(request), 'temporarily_unavailable'));
    });
    const failPage = (request: FastifyRequest, reply: FastifyReply, code: 'SSO_INTERACTION_EXPIRED' | 'SSO_INTERACTION_FORGED') => {
      const lang = languageOf(request);
      return html(reply, code === 'SSO_INTERACTION_FORGED' ? 403 : 400, errorPage(lang, code, undefined, messageOf(code, lang)));
    };
    /** Over https (read per request: tests set the public URL once listening) the refusal cookie is `Secure` and named `__Secure-…`, as the sign-on's own cookies are. */
    const overTls = () => new URL(ctx.config.publicUrl).protocol === 'https:';
    const secure = () => (overTls() ? '; Secure' : '');
    const flashName = () => (overTls() ? `__Secure-${FLASH_COOKIE}` : FLASH_COOKIE);

    /** The interaction of the request, its client and page context; undefined when it is gone or not this one. */
    async function load(request: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply): Promise<InteractionState | undefined> {
      const { provider } = await holder.get();
      handOver(request, reply, ctx.config.publicUrl, false);
      let interaction: Interaction;
      try {
        interaction = await provider.interactionDetails(request.raw, reply.raw);
      } catch (err) {
        if (isStoreUnavailable(err)) throw err;
        return undefined;
      }
      if (interaction.uid !== request.params.uid) return undefined;
      const client = await clients.active(String(interaction.params.client_id));
      if (!client) return undefined;
      // The portal's `ui_locales` (OpenID Connect Core §3.1.2.1) before the browser's Accept-Language.
      const asked = String(interaction.params.ui_locales ?? '')
        .split(' ')
        .map((l) => l.toLowerCase().split('-')[0])
        .find((l): l is Language => l === 'vi' || l === 'en');
      const lang = asked ?? languageOf(request);
      const portal: PortalInfo = { name: client.name, logoUri: client.logo_uri, purpose: lang === 'en' && client.purpose_en ? client.purpose_en : client.purpose, sector: client.sector };
      return { provider, interaction, client, portal, csrf: cipher.mac('sso-interaction-csrf', interaction.uid), lang };
    }

    /** A POST must carry the interaction's CSRF token and, when the browser says, come from this origin. */
    function forged(request: FastifyRequest, st: InteractionState): boolean {
      const origin = request.headers.origin;
      if (typeof origin === 'string' && origin !== 'null' && origin !== new URL(ctx.config.publicUrl).origin) return true;
      const token = first((request.body as Record<string, unknown> | undefined)?.csrf);
      return token !== st.csrf;
    }

    const loginView = (st: InteractionState, extra: { pin?: string; error?: string; otpNeeded?: boolean; unmet?: boolean } = {}) =>
      loginPage({ lang: st.lang, uid: st.interaction.uid, csrf: st.csrf, portal: st.portal, reasons: st.interaction.prompt.reasons, details: { required: levelsOfParams(st.client, st.interaction.params).required, ...(st.interaction.prompt.details as object) }, ...extra });

    /** Scopes (beyond openid) and claims by name the consent is asked for: the request's, within what the portal may receive. */
    function consentAsked(st: InteractionState): { scopes: string[]; claims: string[] } {
      const allowed = new Set(clientView(st.client).scopes);
      const scopes = String(st.interaction.params.scope ?? '').split(' ').filter((s) => isPortalScope(s) && allowed.has(s));
      const inScopes = new Set(scopes.flatMap((s) => (isPortalScope(s) ? SCOPE_CLAIMS[s] : [])));
      const missing = ((st.interaction.prompt.details as { missingOIDCClaims?: string[] }).missingOIDCClaims ?? []).filter((c) => PERSONAL_CLAIMS.has(c) && !inScopes.has(c));
      const allowedClaims = new Set([...allowed].flatMap((s) => (isPortalScope(s) ? SCOPE_CLAIMS[s] : [])));
      return { scopes, claims: missing.filter((c) => allowedClaims.has(c)) };
    }

    /**
     * A refused sign-in goes back to the interaction's own page (POST → 303 → GET), so that the
     * address in the browser is one a reload, a restored tab or the back button can open again:
     * the outcome travels once in a short-lived cookie sealed to the interaction (the number typed
     * is personal data: never in the address), and the page shows it with the refusal's status.
     */
    const backToLogin = (reply: FastifyReply, st: InteractionState, outcome: Omit<LoginFlash, 'at'>) => {
      const path = `/oidc/interaction/${st.interaction.uid}`;
      const sealed = cipher.seal(Buffer.from(JSON.stringify({ ...outcome, at: Date.now() } satisfies LoginFlash)), `${FLASH_COOKIE}:${st.interaction.uid}`);
      reply.header('set-cookie', `${flashName()}=${sealed}; Path=${path}; Max-Age=${FLASH_SECONDS}; HttpOnly; SameSite=Lax${secure()}`);
      reply.header('cache-control', 'no-store');
      return reply.redirect(path, 303);
    };

    /** The outcome a refused sign-in left for this interaction's page (read once: the cookie is cleared). */
    const takeFlash = (request: FastifyRequest, reply: FastifyReply, uid: string): LoginFlash | undefined => {
      const raw = cookieValue(request.headers.cookie, flashName());
      if (raw === undefined) return undefined;
      reply.header('set-cookie', `${flashName()}=; Path=/oidc/interaction/${uid}; Max-Age=0; HttpOnly; SameSite=Lax${secure()}`);
      try {
        const flash = JSON.parse(cipher.open(raw, `${FLASH_COOKIE}:${uid}`).toString('utf8')) as LoginFlash;
        return Date.now() - flash.at <= FLASH_SECONDS * 1000 ? flash : undefined;
      } catch {
        return undefined;
      }
    };

    pages.get<{ Params: { uid: string } }>('/oidc/interaction/:uid', { schema: { hide: true } }, async (request, reply) => {
      const st = await load(request, reply);
      if (!st) return failPage(request, reply, 'SSO_INTERACTION_EXPIRED');
      if (st.interaction.prompt.name === 'login') {
        const flash = takeFlash(request, reply, st.interaction.uid);
        if (!flash) return html(reply, 200, loginView(st), st.client.logo_uri);
        if (flash.retryAfter) reply.header('retry-after', String(Math.max(1, flash.retryAfter - Math.floor((Date.now() - flash.at) / 1000))));
        return html(reply, flash.status, loginView(st, { pin: flash.pin, error: flash.error, otpNeeded: flash.otpNeeded, unmet: flash.unmet }), st.client.logo_uri);
      }
      if (st.interaction.prompt.name === 'consent') {
        const asked = consentAsked(st);
        const level = levelOfAcr(st.interaction.session?.acr) ?? 1;
        return html(reply, 200, consentPage({ lang: st.lang, uid: st.interaction.uid, csrf: st.csrf, portal: st.portal, scopes: asked.scopes, claims: asked.claims, level, consentDays: CONSENT_DAYS }), st.client.logo_uri);
      }
      return failPage(request, reply, 'SSO_INTERACTION_EXPIRED');
    });

    // The addresses the pages' forms post to, opened with GET (a reload of a page answered to a
    // POST, a restored tab, a copied address): the interaction's page, or the expired page.
    pages.get<{ Params: { uid: string } }>('/oidc/interaction/:uid/:action', { schema: { hide: true } }, async (request, reply) => {
      return reply.redirect(`/oidc/interaction/${encodeURIComponent(request.params.uid)}`, 303);
    });

    pages.post<{ Params: { uid: string } }>('/oidc/interaction/:uid/login', { schema: { hide: true } }, async (request, reply) => {
      const st = await load(request, reply);
      if (!st || st.interaction.prompt.name !== 'login') return failPage(request, reply, 'SSO_INTERACTION_EXPIRED');
      if (forged(request, st)) return failPage(request, reply, 'SSO_INTERACTION_FORGED');
      const body = request.body as Record<string, unknown>;
      const pin = (first(body.pin) ?? '').replace(/\D/g, '').slice(0, 12);
      const password = first(body.password) ?? '';
      const otp = (first(body.otp) ?? '').replace(/\D/g, '') || undefined;
      let signedIn: Awaited<ReturnType<typeof verifyCitizenSignIn>>;
      try {
        signedIn = await verifyCitizenSignIn(ctx, { pin, password, otp, device: `SSO: ${st.client.name}`.slice(0, 200) }, request.ip);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        const retryAfter = e.code === 'RATE_LIMITED' && e.params.retryAfter ? Number(e.params.retryAfter) : undefined;
        return backToLogin(reply, st, { status: e.status, pin, error: e.localized(st.lang), otpNeeded: e.code === 'EID_OTP_REQUIRED' || e.code === 'EID_OTP_INVALID', retryAfter });
      }
      const levels = levelsOfParams(st.client, st.interaction.params);
      if (targetLevel(levels, signedIn.level) === undefined) {
        const err = new AppError('SSO_LEVEL_NOT_MET', { portal: st.client.name, required: levels.required, level: signedIn.level });
        return backToLogin(reply, st, { status: err.status, pin, error: err.localized(st.lang), unmet: true });
      }
      await recordAccountUse(ctx.db, { accountId: signedIn.accountId, action: 'sso-sign-in', sourceIp: request.ip, detail: `${st.client.name} (${signedIn.amr.join('+')}, ${acrOf(signedIn.level)})` });
      const to = await st.provider.interactionResult(request.raw, reply.raw, { login: { accountId: String(signedIn.accountId), acr: acrOf(signedIn.level), amr: signedIn.amr, remember: true, ts: Math.floor(Date.now() / 1000) } }, { mergeWithLastSubmission: false });
      return reply.redirect(to, 303);
    });

    pages.post<{ Params: { uid: string } }>('/oidc/interaction/:uid/consent', { schema: { hide: true } }, async (request, reply) => {
      const st = await load(request, reply);
      if (!st || st.interaction.prompt.name !== 'consent' || !st.interaction.session?.accountId) return failPage(request, reply, 'SSO_INTERACTION_EXPIRED');
      if (forged(request, st)) return failPage(request, reply, 'SSO_INTERACTION_FORGED');
      const accountId = String(st.interaction.session.accountId);
      const account = await eidAccountById(ctx.db, Number(accountId));
      if (!account?.active) return failPage(request, reply, 'SSO_INTERACTION_EXPIRED');
      const asked = consentAsked(st);
      const { Grant } = st.provider;
      const existing = st.interaction.grantId ? await Grant.find(st.interaction.grantId) : undefined;
      const grant = existing ?? new Grant({ accountId, clientId: st.client.id, expiresIn: CONSENT_DAYS * 86_400 } as never);
      grant.addOIDCScope(['openid', ...asked.scopes].join(' '));
      if (asked.claims.length > 0) grant.addOIDCClaims(asked.claims);
      const grantId = await grant.save();
      await recordConsent(ctx.db, { accountId: Number(accountId), pin: account.pin, clientId: st.client.id, clientName: st.client.name, scopes: asked.scopes, claims: asked.claims }, { ...actorOf(request), kind: 'citizen', id: `eid:${accountId}` });
      const to = await st.provider.interactionResult(request.raw, reply.raw, { consent: { grantId } }, { mergeWithLastSubmission: true });
      return reply.redirect(to, 303);
    });

    pages.post<{ Params: { uid: string } }>('/oidc/interaction/:uid/abort', { schema: { hide: true } }, async (request, reply) => {
      const st = await load(request, reply);
      if (!st) return failPage(request, reply, 'SSO_INTERACTION_EXPIRED');
      if (forged(request, st)) return failPage(request, reply, 'SSO_INTERACTION_FORGED');
      // After an account below the portal's level was refused, leaving says so to the portal.
      const unmet = st.interaction.prompt.name === 'login' && first((request.body as Record<string, unknown>).outcome) === 'unmet';
      const result = unmet
          ? { error: 'unmet_authentication_requirements', error_description: 'the citizen has no account of the assurance level the portal requires' }
          : { error: 'access_denied', error_description: st.interaction.prompt.name === 'consent' ? 'the citizen refused to share the data' : 'the citizen cancelled the sign-in' };
      const to = await st.provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: false });
      return reply.redirect(to, 303);
    });
  });
}

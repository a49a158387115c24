/**
 * HTTP routes of motcua's own citizen pages signing in through the single sign-on, under
 * `/api/v1/portal/sign-in` (see relying-party.ts):
 * - `GET /portal/sign-in` → `{available, reason}`: whether the pages offer it on this server.
 * - `GET /portal/sign-in/start?next=/path&level=1|2&lang=vi|en` → 302 to the provider's
 *   authorization endpoint, with the sealed transaction cookie. 503 PORTAL_SIGN_IN_UNAVAILABLE.
 * - `GET /portal/sign-in/callback?code&state` (the registered redirect URI) → 302 to
 *   `/eid/signed-in?next=…#handoff=CODE`, or to `/eid/sign-in?next=…&sso=refused|expired|failed|locked|unavailable`.
 * - `POST /portal/sign-in/handoff {code}` → `{token, expiresAt, signOutUrl}` once; 400 PORTAL_HANDOFF_INVALID.
 */
import { Type } from 'typebox';
import type { Api, AppContext } from '../platform/module.js';
import { cookieValue } from '../platform/http/headers.js';
import { PortalRelyingParty, txCookieName } from './relying-party.js';

const TAGS = ['portal'];

export async function portalRoutes(api: Api, ctx: AppContext): Promise<void> {
  const rp = new PortalRelyingParty(ctx, api);

  api.get(
    '/portal/sign-in',
    {
      schema: {
        tags: TAGS,
        summary: 'Whether the citizen pages sign in through the single sign-on here',
        description: '`reason` when not: `disabled` (an administrator disabled the client `motcua`), `public-url` (MOTCUA_PUBLIC_URL is plain http on an address other than loopback; redirect URIs must be https), `secret` (its secret was sealed under another data key).',
        response: { 200: Type.Object({ available: Type.Boolean(), reason: Type.Union([Type.String(), Type.Null()]) }) },
        security: [],
      },
    },
    async () => rp.availability(),
  );

  api.get(
    '/portal/sign-in/start',
    {
      schema: {
        tags: TAGS,
        summary: 'Begin signing a citizen in through the single sign-on',
        description: 'Redirects (302) to `/oidc/auth` with PKCE (S256), state and nonce kept in a sealed HttpOnly cookie for 10 minutes; `level=2` asks for a level-2 sign-in (`acr_values`). `next` must be a path of this site (else `/eid/account`). 503 `PORTAL_SIGN_IN_UNAVAILABLE`.',
        querystring: Type.Object({ next: Type.Optional(Type.String({ maxLength: 500 })), level: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])), lang: Type.Optional(Type.Union([Type.Literal('vi'), Type.Literal('en')])) }),
        security: [],
      },
    },
    async (request, reply) => {
      const q = request.query;
      const { url, cookie } = await rp.start({ next: q.next, level: q.level ?? 1, language: q.lang ?? 'vi' });
      return reply.header('set-cookie', rp.cookieLine(cookie)).redirect(url, 302);
    },
  );

  api.get(
    '/portal/sign-in/callback',
    {
      schema: {
        tags: TAGS,
        summary: 'Redirect URI of the citizen pages (OpenID Connect callback)',
        description: 'Exchanges the code (openid-client checks state, PKCE verifier, nonce and the ID token), opens an e-ID session for the account of the identification number the citizen agreed to share, and redirects (302) to `/eid/signed-in?next=…#handoff=CODE`; on refusal or failure to `/eid/sign-in?next=…&sso=refused|expired|failed|locked|unavailable`. The transaction cookie is deleted either way.',
        querystring: Type.Object({ code: Type.Optional(Type.String({ maxLength: 2000 })), state: Type.Optional(Type.String({ maxLength: 2000 })), iss: Type.Optional(Type.String({ maxLength: 2000 })), error: Type.Optional(Type.String({ maxLength: 200 })), error_description: Type.Optional(Type.String({ maxLength: 2000 })) }),
        security: [],
      },
    },
    async (request, reply) => {
      const device = typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null;
      const to = await rp.finish({ cookie: cookieValue(request.headers.cookie, txCookieName(ctx.config.publicUrl)), callbackUrl: new URL(request.url, 'http://callback.invalid'), sourceIp: request.ip, device });
      return reply.header('set-cookie', rp.cookieLine('')).header('referrer-policy', 'no-referrer').redirect(to, 302);
    },
  );

  api.post(
    '/portal/sign-in/handoff',
    {
      schema: {
        tags: TAGS,
        summary: 'Claim the e-ID session a single sign-on opened',
        description: 'Once per code, within 2 minutes of the callback: the bearer token of the e-ID session (as `POST /api/v1/eid/sessions` answers it), its expiry, and `signOutUrl` (RP-initiated logout at the provider, back to `/eid/sign-in`). 400 `PORTAL_HANDOFF_INVALID`.',
        body: Type.Object({ code: Type.String({ minLength: 20, maxLength: 200 }) }),
        response: { 200: Type.Object({ token: Type.String(), expiresAt: Type.String({ format: 'date-time' }), signOutUrl: Type.String() }) },
        security: [],
      },
    },
    async (request) => rp.claim(request.body.code),
  );
}

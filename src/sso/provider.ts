/**
 * The OpenID Connect provider of motcua, on the certified `oidc-provider` library (OpenID
 * Connect Core 1.0, Discovery 1.0, RP-Initiated Logout 1.0; OAuth 2.0 RFC 6749, PKCE RFC 7636,
 * revocation RFC 7009, introspection RFC 7662, private_key_jwt RFC 7523) — 8.x, the newest major
 * that supports Node.js 20 (9.x requires Node.js 22). Its issuer is `MOTCUA_PUBLIC_URL` + `/oidc`.
 *
 * Rules this configuration enforces, each where the library takes it:
 * - only the authorization code flow (`response_type=code`), with PKCE S256 required of every
 *   client (`pkce`); the redirect URI must be sent and equal a registered one exactly
 *   (`allowOmittingSingleRegisteredRedirectUri: false`);
 * - client authentication `client_secret_basic` or `private_key_jwt` (asymmetric algorithms
 *   only: an assertion with `alg: none` or an HMAC is refused), audience checked by the library;
 * - refresh tokens rotate on every use (`rotateRefreshToken: true`); a used one presented again
 *   revokes the whole grant (the library, and the adapter's compare-and-set consume); they are
 *   bound to the sign-on session (12 hours) and end with it (sign-out, expiry);
 * - a reused authorization code revokes the tokens it produced (the library and the adapter);
 * - subjects are pairwise per sector ({@link pairwiseSubject}), never the identification number;
 * - assurance levels (src/sso/levels.ts) are checked in the login prompt by the
 *   `assurance_level` check: a session below what the request needs is asked to sign in again
 *   (step-up); an account that cannot reach the portal's level gets an error, never a lower level;
 * - consent is remembered per portal (src/sso/consents.ts): `loadExistingGrant` rebuilds a grant
 *   from a live consent; a revoked or expired consent leaves no grant, so the consent page shows;
 * - claims come from the registry and each release is audited (src/sso/claims.ts);
 * - introspection answers only for the client's own tokens.
 *
 * Signing keys come from the database (src/sso/keys.ts); {@link ProviderHolder} rebuilds the
 * provider when they change (rotation by another process, a retired key leaving the JWKS).
 */
import type { Logger } from 'pino';
import Provider, { errors, interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { DataCipher } from '../platform/crypto.js';
import type { Database } from '../platform/db/database.js';
import { eidAccountById } from '../identity/index.js';
import { KyselyAdapter, REDIS_MODELS, RedisAdapter, type RedisLike } from './adapter.js';
import { releaseClaims } from './claims.js';
import type { ClientRegistry } from './clients.js';
import { CONSENT_DAYS, consentOf } from './consents.js';
import { ID_TOKEN_TTL_SECONDS, KEYS_CHECK_MS, loadSigningKeys } from './keys.js';
import { ACR_VALUES, levelOfAcr, levelsOfRequest, targetLevel, type Level } from './levels.js';
import { errorPage, languageOfHeader, logoutPage, logoutSuccessPage } from './pages.js';
import { PERSONAL_CLAIMS, PORTAL_SCOPES, SCOPE_CLAIMS, SESSION_CLAIMS, isPortalScope } from './scopes.js';
import { keysRevision, type Db } from './store.js';

/** Lifetimes, seconds. */
export const TTL = {
  AccessToken: 10 * 60,
  AuthorizationCode: 60,
  IdToken: ID_TOKEN_TTL_SECONDS,
  Interaction: 15 * 60,
  /** The single sign-on session, like an e-ID session (src/identity/eid/sessions.ts). */
  Session: 12 * 3600,
  RefreshToken: 12 * 3600,
  Grant: CONSENT_DAYS * 86_400,
} as const;

/** The account object the provider works with (oidc-provider `Account`), with what motcua needs. */
export interface CitizenAccount {
  accountId: string;
  pin: string;
  level: Level;
  claims(use: string, scope: string, claims: Record<string, unknown> | undefined, rejected: string[]): Promise<Record<string, unknown>>;
}

export interface ProviderDeps {
  db: Database;
  cipher: DataCipher;
  clients: ClientRegistry;
  logger: Logger;
  /** `MOTCUA_PUBLIC_URL`, without a trailing slash (read when the provider is built). */
  publicUrl(): string;
  /** The Redis client for short-lived artifacts when `REDIS_URL` is set (made on first use). */
  redis?: () => RedisLike | undefined;
}

export function issuerOf(publicUrl: string): string {
  return `${publicUrl}/oidc`;
}

/**
 * The pairwise subject of a citizen in a sector (OpenID Connect Core §8.1): HMAC-SHA-256 under a
 * subkey of the data key over the sector and the identification number — stable for the person
 * across account re-issues, different in every sector, and not reversible to the number.
 */
export function pairwiseSubject(cipher: DataCipher, sector: string, pin: string): string {
  return cipher.mac('sso-pairwise-subject', `${sector}\n${pin}`);
}

/** Identification numbers of accounts (immutable per account), for pairwise subjects. */
class PinCache {
  private readonly map = new Map<string, string>();
  get(accountId: string): string | undefined {
    return this.map.get(accountId);
  }
  set(accountId: string, pin: string): void {
    if (this.map.size >= 10_000) this.map.clear();
    this.map.set(accountId, pin);
  }
}

const CLIENT_LEVEL = 'motcua_required_level';
const CLIENT_PURPOSE = 'motcua_purpose';

type Ctx = KoaContextWithOIDC;
type AnyClient = NonNullable<Ctx['oidc']['client']> & Record<string, unknown>;

/** The claims a client may receive at all: those of its allowed scopes. */
function allowedClaims(client: AnyClient): Set<string> {
  const out = new Set<string>();
  for (const s of String(client.scope ?? '').split(' ')) if (isPortalScope(s)) for (const c of SCOPE_CLAIMS[s]) out.add(c);
  return out;
}

/** The levels the current authorization request asks for. */
export function requestLevels(ctx: Ctx): ReturnType<typeof levelsOfRequest> {
  const client = ctx.oidc.client as AnyClient | undefined;
  const clientLevel = (Number(client?.[CLIENT_LEVEL]) === 2 ? 2 : 1) as Level;
  const claims = ctx.oidc.claims as { id_token?: { acr?: { essential?: boolean; value?: unknown; values?: unknown } } } | undefined;
  return levelsOfRequest(clientLevel, ctx.oidc.params?.acr_values as string | undefined, claims?.id_token?.acr);
}

/** The interaction policy: the library's prompts with the assurance-level check in `login`. */
function policy(): interactionPolicy.DefaultPolicy {
  const p = interactionPolicy.base();
  const login = p.get('login')!;
  // The library's exact-match checks of essential `acr` values would ask again and again for a
  // level-2 session asked for level 1; levels are ordered, so one ordered check replaces them.
  login.checks.remove('essential_acrs');
  login.checks.remove('essential_acr');
  login.checks.add(
    new interactionPolicy.Check(
      'assurance_level',
      'the request needs a higher assurance level than the session has',
      'login_required',
      async (ctx) => {
        const { oidc } = ctx;
        if (!oidc.session?.accountId) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
        const account = oidc.account as unknown as CitizenAccount | undefined;
        if (!account) return interactionPolicy.Check.REQUEST_PROMPT; // locked, revoked: sign in again
        const sessionLevel = levelOfAcr(oidc.session?.acr) ?? 0;
        const levels = requestLevels(ctx);
        const target = targetLevel(levels, account.level) ?? levels.required;
        return sessionLevel < target ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT;
      },
      (ctx) => {
        const levels = requestLevels(ctx);
        const account = ctx.oidc.account as unknown as CitizenAccount | undefined;
        return { required: levels.required, wanted: levels.wanted, sessionLevel: levelOfAcr(ctx.oidc.session?.acr) ?? null, accountLevel: account?.level ?? null };
      },
    ),
  );
  return p;
}

/** Builds the provider over the given signing keys. */
export function buildProvider(deps: ProviderDeps, jwks: { keys: Record<string, unknown>[] }): Provider {
  const { db, cipher, clients } = deps;
  const pins = new PinCache();
  const publicUrl = deps.publicUrl();
  const secure = publicUrl.startsWith('https:');

  async function findAccount(ctx: Ctx, id: string): Promise<CitizenAccount | undefined> {
    const acc = /^\d{1,15}$/.test(id) ? await eidAccountById(db, Number(id)) : undefined;
    if (!acc || !acc.active) return undefined;
    pins.set(id, acc.pin);
    return {
      accountId: id,
      pin: acc.pin,
      level: acc.level,
      async claims(use, scope, requested, rejected) {
        const client = ctx.oidc.client as AnyClient | undefined;
        if (!client) return { sub: id };
        const names = new Set<string>();
        // With an access token issued, ID tokens carry only claims asked for by name (conformIdTokenClaims).
        if (use === 'userinfo') for (const s of scope.split(' ')) if (isPortalScope(s)) for (const c of SCOPE_CLAIMS[s]) names.add(c);
        for (const c of Object.keys(requested ?? {})) names.add(c);
        for (const c of rejected ?? []) names.delete(c);
        const allowed = allowedClaims(client);
        for (const c of [...names]) if (!allowed.has(c)) names.delete(c);
        const released = await releaseClaims(acc.pin, names, {
          db,
          clientId: client.clientId,
          clientName: String(client.clientName ?? client.clientId),
          purpose: String(client[CLIENT_PURPOSE] ?? ''),
          use,
          sourceIp: ctx.ip ?? null,
          requestId: ctx.get('x-request-id') || null,
        });
        return { sub: id, ...released };
      },
    };
  }

  const configuration: Configuration = {
    adapter: (name: string) => {
      const redis = REDIS_MODELS.has(name) ? deps.redis?.() : undefined;
      return (redis ? new RedisAdapter(name, redis) : new KyselyAdapter(name, db, clients)) as never;
    },
    findAccount: findAccount as never,
    jwks: jwks as never,
    acrValues: [...ACR_VALUES],
    claims: {
      acr: null,
      amr: null,
      auth_time: null,
      sid: null,
      iss: null,
      // The sign-in's level and factors go into every ID token.
      openid: ['sub', 'acr', 'amr', 'auth_time'],
      ...Object.fromEntries(PORTAL_SCOPES.map((s) => [s, [...SCOPE_CLAIMS[s]]])),
    },
    scopes: ['openid', ...PORTAL_SCOPES],
    subjectTypes: ['pairwise'],
    responseTypes: ['code'],
    pkce: { methods: ['S256'], required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    conformIdTokenClaims: true,
    clientAuthMethods: ['client_secret_basic', 'private_key_jwt'],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
      subject_type: 'pairwise',
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256', 'RS256'],
      userinfoSigningAlgValues: ['ES256', 'RS256'],
      clientAuthSigningAlgValues: ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'],
      requestObjectSigningAlgValues: ['ES256', 'RS256', 'PS256', 'EdDSA'],
    } as never,
    extraClientMetadata: {
      properties: [CLIENT_LEVEL, CLIENT_PURPOSE],
      validator(_ctx: unknown, key: string, value: unknown) {
        if (key === CLIENT_LEVEL && value !== 1 && value !== 2) throw new errors.InvalidClientMetadata(`${CLIENT_LEVEL} must be 1 or 2`);
      },
    } as never,
    async pairwiseIdentifier(_ctx: Ctx, accountId: string, client: { sectorIdentifier?: string | undefined } & object) {
      let pin = pins.get(accountId);
      if (!pin) {
        pin = (await eidAccountById(db, Number(accountId)))?.pin;
        if (!pin) throw new errors.InvalidRequest('unknown account');
        pins.set(accountId, pin);
      }
      return pairwiseSubject(cipher, String(client.sectorIdentifier), pin);
    },
    async loadExistingGrant(ctx: Ctx) {
      const clientId = ctx.oidc.client!.clientId;
      const session = ctx.oidc.session!;
      const accountId = session.accountId!;
      const consent = await consentOf(db, Number(accountId), clientId);
      if (!consent) return undefined;
      const grantId = (ctx.oidc.result as { consent?: { grantId?: string } } | undefined)?.consent?.grantId || session.grantIdFor(clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      const grant = existing && existing.accountId === accountId && existing.clientId === clientId ? existing : new ctx.oidc.provider.Grant({ accountId, clientId, expiresIn: Math.max(60, Math.floor((Date.parse(consent.expires_at) - Date.now()) / 1000)) } as never);
      const scopes = ['openid', ...consent.scopes.split(' ').filter(isPortalScope)].join(' ');
      const claims = JSON.parse(consent.claims) as string[];
      if (!existing || [...scopes.split(' ')].some((s) => !grant.getOIDCScope().split(' ').includes(s)) || claims.some((c) => !grant.getOIDCClaims().includes(c))) {
        grant.addOIDCScope(scopes);
        if (claims.length > 0) grant.addOIDCClaims(claims);
        await grant.save();
      }
      return grant;
    },
    async issueRefreshToken(_ctx: Ctx, client: { grantTypeAllowed(t: string): boolean }) {
      return client.grantTypeAllowed('refresh_token');
    },
    rotateRefreshToken: true,
    ttl: {
      AccessToken: TTL.AccessToken,
      AuthorizationCode: TTL.AuthorizationCode,
      IdToken: TTL.IdToken,
      Interaction: TTL.Interaction,
      Session: TTL.Session,
      RefreshToken: TTL.RefreshToken,
      Grant: TTL.Grant,
    },
    clockTolerance: 5,
    // Signed, HttpOnly, SameSite=Lax; over TLS also Secure and with the name prefixes browsers
    // enforce (RFC 6265bis §4.1.3): `__Host-` for the session cookie (path `/`, no domain: no
    // other host can set or read it), `__Secure-` for the interaction cookies (path-scoped).
    // OWASP ASVS 5.0 §3.3.1–3.3.4. Over plain http (a desk's LAN) a prefixed cookie would be refused.
    cookies: {
      keys: [cipher.mac('sso-cookies', 'v1')],
      names: secure ? { session: '__Host-motcua_session', interaction: '__Secure-motcua_interaction', resume: '__Secure-motcua_resume' } : { session: '_session', interaction: '_interaction', resume: '_interaction_resume' },
      long: { signed: true, httpOnly: true, sameSite: 'lax', secure },
      short: { signed: true, httpOnly: true, sameSite: 'lax', secure },
    } as never,
    interactions: {
      policy: policy(),
      url: (_ctx: Ctx, interaction: { uid: string }) => `/oidc/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: {
        enabled: true,
        // A portal may ask by name only for claims of its allowed scopes, and only for our acr values.
        async assertClaimsParameter(_ctx: Ctx, claims: Record<string, Record<string, unknown> | undefined>, client: AnyClient) {
          const allowed = allowedClaims(client);
          for (const part of ['id_token', 'userinfo'] as const) {
            for (const [name, req] of Object.entries(claims[part] ?? {})) {
              if (name === 'acr') {
                const r = (req ?? {}) as { value?: unknown; values?: unknown };
                const vals = Array.isArray(r.values) ? r.values : r.value !== undefined ? [r.value] : [];
                if (vals.some((v) => levelOfAcr(v) === undefined)) throw new errors.InvalidRequest(`unknown acr value; supported: ${ACR_VALUES.join(' ')}`);
                continue;
              }
              if (SESSION_CLAIMS.has(name)) continue;
              if (!PERSONAL_CLAIMS.has(name) || !allowed.has(name)) throw new errors.InvalidRequest(`claim ${name} is not available to this client`);
            }
          }
        },
      } as never,
      introspection: {
        enabled: true,
        allowedPolicy: (ctx: Ctx, client: { clientId: string }, token: { clientId?: string }) => token.clientId === client.clientId,
      } as never,
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: Ctx, form: string) => {
          ctx.type = 'html';
          ctx.body = logoutPage(languageOfHeader(ctx.get('accept-language')), form, (ctx.oidc.client as AnyClient | undefined)?.clientName as string | undefined);
        },
        postLogoutSuccessSource: (ctx: Ctx) => {
          ctx.type = 'html';
          ctx.body = logoutSuccessPage(languageOfHeader(ctx.get('accept-language')));
        },
      },
      pushedAuthorizationRequests: { enabled: false },
      resourceIndicators: { enabled: false },
      registration: { enabled: false },
      clientCredentials: { enabled: false },
      deviceFlow: { enabled: false },
      backchannelLogout: { enabled: false },
    },
    clientBasedCORS: () => false,
    renderError: (ctx: Ctx, out: { error: string; error_description?: string }) => {
      ctx.type = 'html';
      if (out.error === 'temporarily_unavailable') ctx.set('retry-after', '5');
      ctx.body = errorPage(languageOfHeader(ctx.get('accept-language')), out.error, out.error_description);
    },
  };

  // Sectors are registered by administrators, not fetched (the library's option is untyped).
  const provider = new Provider(issuerOf(publicUrl), { ...configuration, sectorIdentifierUriValidate: () => false } as Configuration);
  provider.proxy = true;
  // Redirect URIs are compared as exact strings (RFC 9700 §4.1.3), not after URL normalisation
  // (which would take `HTTPS://PORTAL:443/a/../cb` for `https://portal/cb`); the library's
  // documented way to change this comparison is to replace these two methods.
  const clientProto = provider.Client.prototype as unknown as { redirectUris: string[]; postLogoutRedirectUris: string[]; redirectUriAllowed(v: string): boolean; postLogoutRedirectUriAllowed(v: string): boolean };
  clientProto.redirectUriAllowed = function exactRedirectUri(value: string) {
    return this.redirectUris.includes(value);
  };
  clientProto.postLogoutRedirectUriAllowed = function exactPostLogoutUri(value: string) {
    return this.postLogoutRedirectUris.includes(value);
  };
  provider.on('server_error', (_ctx: unknown, err: Error) => deps.logger.error({ err }, 'sso: provider error'));
  return provider;
}

type Callback = ReturnType<Provider['callback']>;

/**
 * The provider of one app copy, (re)built from the signing keys in the database: checked at most
 * every {@link KEYS_CHECK_MS} ms (and when a retired key is due to leave the JWKS), so a
 * `motcua sso rotate-keys` run elsewhere takes effect within that time.
 */
export class ProviderHolder {
  private current?: { provider: Provider; callback: Callback; revision: string; nextChange: string | null };
  private checkedAt = 0;
  private building?: Promise<void>;

  constructor(private readonly deps: ProviderDeps) {}

  async get(): Promise<{ provider: Provider; callback: Callback }> {
    const now = Date.now();
    const due = !this.current || now - this.checkedAt >= KEYS_CHECK_MS || (this.current.nextChange !== null && new Date(now).toISOString() >= this.current.nextChange);
    if (due) {
      this.building ??= this.refresh().finally(() => {
        this.building = undefined;
      });
      if (!this.current) await this.building;
      else void this.building.catch((err: unknown) => this.deps.logger.error({ err }, 'sso: could not reload signing keys'));
    }
    return this.current!;
  }

  /** Reads the keys again now and rebuilds the provider when they changed. */
  async refresh(): Promise<void> {
    this.checkedAt = Date.now();
    const revision = await keysRevision(this.deps.db.as<any>() as Db);
    if (this.current && this.current.revision === revision && !(this.current.nextChange !== null && new Date().toISOString() >= this.current.nextChange)) return;
    const keys = await loadSigningKeys(this.deps.db, this.deps.cipher, (m) => this.deps.logger.warn(m));
    const provider = buildProvider(this.deps, { keys: keys.keys as Record<string, unknown>[] });
    this.current = { provider, callback: provider.callback(), revision: await keysRevision(this.deps.db.as<any>() as Db), nextChange: keys.nextChange };
  }
}

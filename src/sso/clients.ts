/**
 * The registry of portals that sign citizens in through motcua (OpenID Connect relying parties,
 * "clients"): managed by administrators (`sso.manage`) through `/api/v1/sso/clients` and
 * `motcua sso client add`.
 *
 * A client has exact redirect URIs (compared as strings, RFC 9700 §4.1.3: https, or http only to a
 * loopback address as RFC 8252 §7.3 allows native apps; no fragment), the sector its pairwise
 * subjects are computed in (a domain name; portals of one sector see the same `sub`), the
 * assurance level it requires (1 or 2), the scopes it may ask for, its stated purpose (shown on the
 * consent page and kept in the audit log with every release), an https logo, its authentication
 * at the token endpoint — `client_secret_basic` (a 256-bit secret shown once, kept sealed) or
 * `private_key_jwt` (RFC 7523; its public keys, EC/RSA/OKP, never private ones) — and the ID token
 * algorithm (ES256, or RS256 for libraries that need RSA).
 *
 * Every change is audited. Disabling a client, or raising its required level, revokes every code,
 * token and grant it holds (a portal that now needs level 2 keeps nothing from a level-1 sign-in).
 */
import { randomBytes } from 'node:crypto';
import { recordAudit, type AuditActor } from '../platform/audit/audit.js';
import type { DataCipher } from '../platform/crypto.js';
import { nowUtc } from '../platform/dates.js';
import type { Database } from '../platform/db/database.js';
import { AppError, validationError, type FieldError } from '../platform/errors.js';
import type { ClientSource } from './adapter.js';
import type { Level } from './levels.js';
import { isPortalScope, PORTAL_SCOPES, type PortalScope } from './scopes.js';
import { clientById, clientSecretContext, deleteClientArtifacts, insertClient, listClients, updateClient, type AuthMethod, type ClientRow, type Db, type SigningAlg } from './store.js';

export const CLIENT_ID_PATTERN = '^[a-z0-9][a-z0-9._-]{2,63}$';
/** The client id of motcua's own citizen pages (registered by src/portal): withdrawing the consent given to it also ends their e-ID sessions. */
export const OWN_PAGES_CLIENT_ID = 'motcua';
const SECTOR_RE = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

export interface ClientInput {
  id: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** Default: the host of the first redirect URI. */
  sector?: string;
  requiredLevel?: Level;
  scopes: PortalScope[];
  purpose: string;
  purposeEn?: string | null;
  logoUri?: string | null;
  authMethod?: AuthMethod;
  jwks?: { keys: Record<string, unknown>[] } | null;
  idTokenAlg?: SigningAlg;
}

export type ClientChange = Partial<Omit<ClientInput, 'id'>> & { status?: 'active' | 'disabled' };

export interface ClientView {
  id: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  sector: string;
  requiredLevel: Level;
  scopes: PortalScope[];
  purpose: string;
  purposeEn: string | null;
  logoUri: string | null;
  authMethod: AuthMethod;
  jwks: { keys: Record<string, unknown>[] } | null;
  idTokenAlg: SigningAlg;
  status: 'active' | 'disabled';
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export function clientView(r: ClientRow): ClientView {
  return {
    id: r.id,
    name: r.name,
    redirectUris: JSON.parse(r.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(r.post_logout_redirect_uris) as string[],
    sector: r.sector,
    requiredLevel: r.required_level as Level,
    scopes: r.allowed_scopes.split(' ').filter(isPortalScope),
    purpose: r.purpose,
    purposeEn: r.purpose_en,
    logoUri: r.logo_uri,
    authMethod: r.auth_method,
    jwks: r.jwks ? (JSON.parse(r.jwks) as { keys: Record<string, unknown>[] }) : null,
    idTokenAlg: r.id_token_alg,
    status: r.status,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

/**
 * A redirect URI as registered: absolute, https (http only to a loopback host), no fragment, no
 * user information. Errors: SSO_REDIRECT_URI_INVALID naming the URI and the reason.
 */
export function checkRedirectUri(uri: string): string {
  const bad = (reason: string, reason_vi: string): never => {
    throw new AppError('SSO_REDIRECT_URI_INVALID', { uri: uri.slice(0, 300), reason, reason_vi });
  };
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return bad('not an absolute URL', 'không phải một địa chỉ URL đầy đủ');
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.has(u.hostname))) bad('https is required (http only for a loopback address)', 'phải dùng https (http chỉ cho địa chỉ nội bộ 127.0.0.1 hoặc localhost)');
  if (u.hash || uri.includes('#')) bad('a fragment is not allowed', 'không được có phần # (fragment)');
  if (u.username || u.password) bad('user information is not allowed', 'không được chứa tên đăng nhập hoặc mật khẩu');
  if (uri.length > 2000) bad('longer than 2000 characters', 'dài quá 2000 ký tự');
  return uri;
}

function checkLogo(uri: string | null | undefined): string | null {
  if (uri === undefined || uri === null || uri === '') return null;
  let ok = false;
  try {
    ok = new URL(uri).protocol === 'https:' && uri.length <= 2000;
  } catch {
    ok = false;
  }
  if (!ok) throw new AppError('SSO_LOGO_INVALID', { uri: uri.slice(0, 300) });
  return uri;
}

const PUBLIC_MEMBERS: Record<string, readonly string[]> = { EC: ['kty', 'crv', 'x', 'y'], RSA: ['kty', 'n', 'e'], OKP: ['kty', 'crv', 'x'] };
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

/** A client's public key set: 1–10 EC, RSA or OKP keys, no private or symmetric members. Errors: SSO_JWKS_INVALID. */
function checkJwks(jwks: ClientInput['jwks']): { keys: Record<string, unknown>[] } {
  const bad = (reason: string): never => {
    throw new AppError('SSO_JWKS_INVALID', { reason });
  };
  if (!jwks || !Array.isArray(jwks.keys) || jwks.keys.length === 0) return bad('no keys');
  if (jwks.keys.length > 10) bad('more than 10 keys');
  jwks.keys.forEach((k, i) => {
    const needed = PUBLIC_MEMBERS[String(k.kty)];
    if (!needed) bad(`key ${i + 1}: kty must be EC, RSA or OKP`);
    for (const m of needed!) if (typeof k[m] !== 'string' || k[m] === '') bad(`key ${i + 1}: member "${m}" is missing`);
    for (const m of PRIVATE_MEMBERS) if (m in k) bad(`key ${i + 1}: private member "${m}" must not be sent`);
  });
  return { keys: jwks.keys };
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

const secretContext = clientSecretContext;

/** Registry row fields from input, checked. */
function rowFields(input: Omit<ClientInput, 'id'>): Omit<ClientRow, 'id' | 'secret_sealed' | 'status' | 'created_at' | 'created_by' | 'updated_at' | 'updated_by'> {
  const redirectUris = [...new Set(input.redirectUris.map(checkRedirectUri))];
  const postLogout = [...new Set((input.postLogoutRedirectUris ?? []).map(checkRedirectUri))];
  const sector = (input.sector ?? new URL(redirectUris[0]!).hostname).toLowerCase();
  if (!SECTOR_RE.test(sector)) throw new AppError('SSO_SECTOR_INVALID', { sector: sector.slice(0, 300) });
  const authMethod = input.authMethod ?? 'client_secret_basic';
  if (authMethod === 'private_key_jwt' && !input.jwks) throw new AppError('SSO_JWKS_REQUIRED');
  const scopes = PORTAL_SCOPES.filter((s) => input.scopes.includes(s));
  return {
    name: input.name.normalize('NFC').trim(),
    redirect_uris: JSON.stringify(redirectUris),
    post_logout_redirect_uris: JSON.stringify(postLogout),
    sector,
    required_level: input.requiredLevel ?? 1,
    allowed_scopes: scopes.join(' '),
    purpose: input.purpose.normalize('NFC').trim(),
    purpose_en: input.purposeEn?.trim() || null,
    logo_uri: checkLogo(input.logoUri),
    auth_method: authMethod,
    jwks: authMethod === 'private_key_jwt' ? JSON.stringify(checkJwks(input.jwks)) : null,
    id_token_alg: input.idTokenAlg ?? 'ES256',
  };
}

/**
 * Caches the registry for the provider: a client's row is read at most once a second per app
 * copy (and at once after a change made by this copy).
 */
export class ClientRegistry implements ClientSource {
  private readonly cache = new Map<string, { at: number; row: ClientRow | undefined; metadata?: Record<string, unknown> }>();
  private readonly k: Db;

  constructor(
    readonly db: Database,
    private readonly cipher: DataCipher,
    private readonly cacheMs = 1000,
  ) {
    this.k = db.as<any>() as Db;
  }

  invalidate(id: string): void {
    this.cache.delete(id);
  }

  /** The registry row of an active client (cached), or undefined. */
  async active(id: string): Promise<ClientRow | undefined> {
    return (await this.entry(id)).row;
  }

  private async entry(id: string) {
    const hit = this.cache.get(id);
    if (hit && Date.now() - hit.at < this.cacheMs) return hit;
    const row = await clientById(this.k, id);
    const entry = { at: Date.now(), row: row?.status === 'active' ? row : undefined } as { at: number; row: ClientRow | undefined; metadata?: Record<string, unknown> };
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(id, entry);
    return entry;
  }

  /** oidc-provider metadata of an active client (RFC 7591 names), or undefined. */
  async metadata(id: string): Promise<Record<string, unknown> | undefined> {
    const e = await this.entry(id);
    if (!e.row) return undefined;
    e.metadata ??= this.toMetadata(e.row);
    return e.metadata;
  }

  private toMetadata(r: ClientRow): Record<string, unknown> {
    const v = clientView(r);
    const secret = this.opened(r);
    return {
      client_id: r.id,
      client_name: r.name,
      redirect_uris: v.redirectUris,
      post_logout_redirect_uris: v.postLogoutRedirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: r.auth_method,
      ...(r.auth_method === 'client_secret_basic' ? { client_secret: secret ?? randomBytes(32).toString('base64url') } : { jwks: v.jwks }),
      id_token_signed_response_alg: r.id_token_alg,
      subject_type: 'pairwise',
      // The sector is registered by an administrator, not fetched: its URI only names the host.
      sector_identifier_uri: `https://${r.sector}/`,
      scope: ['openid', ...v.scopes].join(' '),
      motcua_required_level: r.required_level,
      motcua_purpose: r.purpose,
    };
  }

  /**
   * The secret of an active `client_secret_basic` client, opened — for a relying party that runs in
   * this platform (motcua's own citizen pages, src/portal) and so holds the data key anyway.
   * Undefined for another kind of client, a disabled one, or a secret sealed under a key not held.
   */
  async openSecret(id: string): Promise<string | undefined> {
    const row = (await this.entry(id)).row;
    return row ? this.opened(row) : undefined;
  }

  /** A `client_secret_basic` row's secret, opened; undefined otherwise or when sealed under another data key (the portal then needs a new secret). */
  private opened(r: ClientRow): string | undefined {
    if (r.auth_method !== 'client_secret_basic' || !r.secret_sealed) return undefined;
    try {
      return this.cipher.open(r.secret_sealed, secretContext(r.id)).toString('utf8');
    } catch {
      return undefined;
    }
  }

  /** Registers a client. Errors: SSO_CLIENT_EXISTS (409), SSO_REDIRECT_URI_INVALID, SSO_SECTOR_INVALID, SSO_LOGO_INVALID, SSO_JWKS_REQUIRED, SSO_JWKS_INVALID (400). */
  async create(input: ClientInput, actor: AuditActor): Promise<{ client: ClientView; clientSecret: string | null }> {
    // The API's schema checks these too; the command line comes here directly.
    const bad: FieldError[] = [];
    if (!new RegExp(CLIENT_ID_PATTERN).test(input.id)) bad.push({ field: 'id', code: 'FIELD_FORMAT', params: { expected: 'a-z, 0-9, . _ - (3–64)' } });
    for (const s of input.scopes) if (!isPortalScope(s)) bad.push({ field: 'scopes', code: 'FIELD_NOT_ALLOWED_VALUE', params: { expected: PORTAL_SCOPES.join(', ') } });
    if (!input.name?.trim()) bad.push({ field: 'name', code: 'FIELD_REQUIRED' });
    if (!input.purpose?.trim()) bad.push({ field: 'purpose', code: 'FIELD_REQUIRED' });
    if (input.redirectUris.length === 0) bad.push({ field: 'redirectUris', code: 'FIELD_REQUIRED' });
    if (bad.length > 0) throw validationError(bad);
    const fields = rowFields(input);
    const now = nowUtc();
    const secret = fields.auth_method === 'client_secret_basic' ? newSecret() : null;
    const row: ClientRow = { id: input.id, ...fields, secret_sealed: secret ? this.cipher.seal(Buffer.from(secret, 'utf8'), secretContext(input.id)) : null, status: 'active', created_at: now, created_by: actor.id, updated_at: now, updated_by: actor.id };
    await this.db.transaction(async (trx) => {
      const t = trx as unknown as Db;
      if (await clientById(t, input.id)) throw new AppError('SSO_CLIENT_EXISTS', { id: input.id });
      await insertClient(t, row);
      await recordAudit(trx, { actor, action: 'sso.client-created', subjects: [{ type: 'sso-client', id: input.id }], summary: `portal ${input.id} (${row.name}) registered: level ${row.required_level}, scopes ${row.allowed_scopes || '(none)'}, ${row.auth_method}` });
    });
    this.invalidate(input.id);
    return { client: clientView(row), clientSecret: secret };
  }

  async get(id: string): Promise<ClientView> {
    const r = await clientById(this.k, id);
    if (!r) throw new AppError('SSO_CLIENT_NOT_FOUND', { id });
    return clientView(r);
  }

  async list(page: { offset: number; limit: number }): Promise<{ items: ClientView[]; total: number }> {
    const { items, total } = await listClients(this.k, page.offset, page.limit);
    return { items: items.map(clientView), total };
  }

  /**
   * Changes a client; answers a new secret when the change moved it to `client_secret_basic`.
   * Disabling it or raising its required level revokes what it holds. Errors: SSO_CLIENT_NOT_FOUND
   * and those of {@link create}.
   */
  async update(id: string, change: ClientChange, actor: AuditActor): Promise<{ client: ClientView; clientSecret: string | null; revokedArtifacts: number }> {
    const out = await this.db.transaction(async (trx) => {
      const t = trx as unknown as Db;
      const before = await clientById(t, id);
      if (!before) throw new AppError('SSO_CLIENT_NOT_FOUND', { id });
      const v = clientView(before);
      const fields = rowFields({
        name: change.name ?? v.name,
        redirectUris: change.redirectUris ?? v.redirectUris,
        postLogoutRedirectUris: change.postLogoutRedirectUris ?? v.postLogoutRedirectUris,
        sector: change.sector ?? v.sector,
        requiredLevel: change.requiredLevel ?? v.requiredLevel,
        scopes: change.scopes ?? v.scopes,
        purpose: change.purpose ?? v.purpose,
        purposeEn: change.purposeEn === undefined ? v.purposeEn : change.purposeEn,
        logoUri: change.logoUri === undefined ? v.logoUri : change.logoUri,
        authMethod: change.authMethod ?? v.authMethod,
        jwks: change.jwks === undefined ? v.jwks : change.jwks,
        idTokenAlg: change.idTokenAlg ?? v.idTokenAlg,
      });
      const status = change.status ?? before.status;
      const secret = fields.auth_method === 'client_secret_basic' && !before.secret_sealed ? newSecret() : null;
      const now = nowUtc();
      const set: Partial<ClientRow> = { ...fields, status, updated_at: now, updated_by: actor.id, ...(secret ? { secret_sealed: this.cipher.seal(Buffer.from(secret, 'utf8'), secretContext(id)) } : {}), ...(fields.auth_method === 'private_key_jwt' ? { secret_sealed: null } : {}) };
      await updateClient(t, id, set);
      const revoke = status === 'disabled' || fields.required_level > before.required_level || fields.sector !== before.sector;
      const revokedArtifacts = revoke ? await deleteClientArtifacts(t, id) : 0;
      const changed = Object.keys(change).sort().join(', ');
      await recordAudit(trx, { actor, action: 'sso.client-changed', subjects: [{ type: 'sso-client', id }], summary: `portal ${id} changed (${changed || 'nothing'})${revoke ? `; ${revokedArtifacts} codes, tokens and grants revoked` : ''}` });
      return { client: clientView({ ...before, ...set } as ClientRow), clientSecret: secret, revokedArtifacts };
    });
    this.invalidate(id);
    return out;
  }

  /** A new client secret (the old one stops working at once). Errors: SSO_CLIENT_NOT_FOUND (404), SSO_CLIENT_NO_SECRET (409: a `private_key_jwt` client). */
  async newSecret(id: string, actor: AuditActor): Promise<{ clientId: string; clientSecret: string }> {
    const secret = newSecret();
    await this.db.transaction(async (trx) => {
      const t = trx as unknown as Db;
      const before = await clientById(t, id);
      if (!before) throw new AppError('SSO_CLIENT_NOT_FOUND', { id });
      if (before.auth_method !== 'client_secret_basic') throw new AppError('SSO_CLIENT_NO_SECRET', { id });
      await updateClient(t, id, { secret_sealed: this.cipher.seal(Buffer.from(secret, 'utf8'), secretContext(id)), updated_at: nowUtc(), updated_by: actor.id });
      await recordAudit(trx, { actor, action: 'sso.client-secret', subjects: [{ type: 'sso-client', id }], summary: `portal ${id}: new client secret` });
    });
    this.invalidate(id);
    return { clientId: id, clientSecret: secret };
  }
}


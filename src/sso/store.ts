/**
 * SQL of the single sign-on module (src/sso). Tables:
 * - `sso_payloads`: every artifact of the OpenID provider (oidc-provider's models: sessions,
 *   interactions, grants, authorization codes, access and refresh tokens, replay markers), one
 *   row per model and id with its JSON payload. The id of a row is the SHA-256 of the artifact's
 *   identifier, never the identifier itself: for a code or token that identifier is the bearer
 *   secret, so a copy of the table gives no usable token. `grant_id`, `uid`, `account_id` and
 *   `client_id` are copied out of the payload to find rows by grant (revocation), by session uid
 *   and by citizen and portal (consent revocation); `consumed_at` marks a used code or rotated
 *   refresh token; `expires_at` is an ISO-8601 UTC instant after which the row no longer exists
 *   for the provider (purged by `motcua sso purge`).
 * - `sso_clients`: the portals registered as relying parties (exact redirect URIs, sector of the
 *   pairwise subject, required assurance level, allowed scopes, stated purpose, logo); the
 *   client secret sealed under the data key (the provider compares it in clear).
 * - `sso_keys`: the provider's signing keys (ES256, RS256), private parts sealed under the data
 *   key; a key is `current` until rotated, then published (for ID tokens it signed) until
 *   `publish_until`, then deleted.
 * - `sso_consents`: what a citizen agreed a portal may receive (scopes and claims), until
 *   `expires_at` or revocation by the citizen.
 */
import { sql, type Generated, type Insertable, type Kysely, type Migration, type Selectable } from 'kysely';
import { withIdColumn } from '../platform/db/migrations.js';
import type { SealedColumn } from '../platform/keys.js';

export type AuthMethod = 'client_secret_basic' | 'private_key_jwt';
export type SigningAlg = 'ES256' | 'RS256';

export interface SsoTables {
  sso_payloads: {
    model: string;
    id: string;
    payload: string;
    grant_id: string | null;
    uid: string | null;
    account_id: string | null;
    client_id: string | null;
    expires_at: string | null;
    consumed_at: string | null;
  };
  sso_clients: {
    id: string;
    name: string;
    /** JSON array of exact URIs. */
    redirect_uris: string;
    post_logout_redirect_uris: string;
    sector: string;
    required_level: number;
    /** Space-separated scopes beyond `openid`. */
    allowed_scopes: string;
    purpose: string;
    purpose_en: string | null;
    logo_uri: string | null;
    auth_method: AuthMethod;
    secret_sealed: string | null;
    /** JSON Web Key Set (public keys) for `private_key_jwt`. */
    jwks: string | null;
    id_token_alg: SigningAlg;
    status: 'active' | 'disabled';
    created_at: string;
    created_by: string;
    updated_at: string;
    updated_by: string;
  };
  sso_keys: {
    id: Generated<number>;
    kid: string;
    alg: SigningAlg;
    public_jwk: string;
    private_sealed: string;
    created_at: string;
    /** Null while the key signs; the instant it was rotated out otherwise. */
    retired_at: string | null;
    /** Null while current; the instant after which the public key is no longer published. */
    publish_until: string | null;
  };
  sso_consents: {
    id: Generated<number>;
    account_id: number;
    client_id: string;
    scopes: string;
    /** JSON array of claim names asked for individually (the `claims` request parameter). */
    claims: string;
    granted_at: string;
    expires_at: string;
    revoked_at: string | null;
    revoke_reason: string | null;
  };
}

export type Db = Kysely<SsoTables>;

/** The context a portal's client secret is sealed with. */
export function clientSecretContext(clientId: string): string {
  return `sso_clients:${clientId}:secret`;
}

/** The context the private part of a signing key is sealed with. */
export function signingKeyContext(kid: string): string {
  return `sso_keys:${kid}:private`;
}

/** The sealed columns of the sign-on tables, for `motcua keys rotate` (src/platform/keys.ts). */
export const ssoSealedColumns: SealedColumn[] = [
  { table: 'sso_clients', key: 'id', column: 'secret_sealed', context: (r) => clientSecretContext(String(r.id)) },
  { table: 'sso_keys', key: 'id', column: 'private_sealed', columns: ['kid'], context: (r) => signingKeyContext(String(r.kid)) },
];
export type PayloadRow = SsoTables['sso_payloads'];
export type ClientRow = SsoTables['sso_clients'];
export type KeyRow = Selectable<SsoTables['sso_keys']>;
export type ConsentRow = Selectable<SsoTables['sso_consents']>;

export const ssoMigrations: Record<string, Migration> = {
  '0250_sso': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('sso_payloads')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('grant_id', 'text')
        .addColumn('uid', 'text')
        .addColumn('account_id', 'text')
        .addColumn('client_id', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('consumed_at', 'text')
        .addPrimaryKeyConstraint('sso_payloads_pk', ['model', 'id'])
        .execute();
      await db.schema.createIndex('sso_payloads_grant').on('sso_payloads').column('grant_id').execute();
      await db.schema.createIndex('sso_payloads_uid').on('sso_payloads').columns(['model', 'uid']).execute();
      await db.schema.createIndex('sso_payloads_account_client').on('sso_payloads').columns(['account_id', 'client_id']).execute();
      await db.schema.createIndex('sso_payloads_expires').on('sso_payloads').column('expires_at').execute();

      await db.schema
        .createTable('sso_clients')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('redirect_uris', 'text', (c) => c.notNull())
        .addColumn('post_logout_redirect_uris', 'text', (c) => c.notNull())
        .addColumn('sector', 'text', (c) => c.notNull())
        .addColumn('required_level', 'integer', (c) => c.notNull().check(sql`required_level in (1, 2)`))
        .addColumn('allowed_scopes', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('purpose_en', 'text')
        .addColumn('logo_uri', 'text')
        .addColumn('auth_method', 'text', (c) => c.notNull().check(sql`auth_method in ('client_secret_basic', 'private_key_jwt')`))
        .addColumn('secret_sealed', 'text')
        .addColumn('jwks', 'text')
        .addColumn('id_token_alg', 'text', (c) => c.notNull().check(sql`id_token_alg in ('ES256', 'RS256')`))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'disabled')`))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();

      await withIdColumn(db, db.schema.createTable('sso_keys'))
        .addColumn('kid', 'text', (c) => c.notNull().unique())
        .addColumn('alg', 'text', (c) => c.notNull().check(sql`alg in ('ES256', 'RS256')`))
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('private_sealed', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('retired_at', 'text')
        .addColumn('publish_until', 'text')
        .execute();

      await withIdColumn(db, db.schema.createTable('sso_consents'))
        .addColumn('account_id', 'bigint', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull().references('sso_clients.id'))
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('claims', 'text', (c) => c.notNull())
        .addColumn('granted_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('revoke_reason', 'text')
        .execute();
      await db.schema.createIndex('sso_consents_account').on('sso_consents').columns(['account_id', 'client_id']).execute();
    },
  },
};

// --- provider artifacts -------------------------------------------------------------------------------

export async function findPayload(k: Db, model: string, id: string): Promise<Pick<PayloadRow, 'payload' | 'expires_at' | 'consumed_at'> | undefined> {
  return k.selectFrom('sso_payloads').select(['payload', 'expires_at', 'consumed_at']).where('model', '=', model).where('id', '=', id).executeTakeFirst();
}

export async function findPayloadByUid(k: Db, model: string, uid: string): Promise<Pick<PayloadRow, 'payload' | 'expires_at' | 'consumed_at'> | undefined> {
  return k.selectFrom('sso_payloads').select(['payload', 'expires_at', 'consumed_at']).where('model', '=', model).where('uid', '=', uid).executeTakeFirst();
}

/** Inserts or replaces one artifact (a model's row is rewritten whole on each save). */
export async function upsertPayload(k: Db, row: PayloadRow): Promise<void> {
  await k
    .insertInto('sso_payloads')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['model', 'id']).doUpdateSet({
        payload: row.payload,
        grant_id: row.grant_id,
        uid: row.uid,
        account_id: row.account_id,
        client_id: row.client_id,
        expires_at: row.expires_at,
        consumed_at: row.consumed_at,
      }),
    )
    .execute();
}

export async function deletePayload(k: Db, model: string, id: string): Promise<void> {
  await k.deleteFrom('sso_payloads').where('model', '=', model).where('id', '=', id).execute();
}

/**
 * Marks an artifact used, only if it was not: answers false when it was already consumed (or is
 * gone), so of two requests racing with one code or refresh token exactly one wins.
 */
export async function consumePayload(k: Db, model: string, id: string, at: string): Promise<boolean> {
  const r = await k.updateTable('sso_payloads').set({ consumed_at: at }).where('model', '=', model).where('id', '=', id).where('consumed_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function grantIdOf(k: Db, model: string, id: string): Promise<string | null | undefined> {
  const r = await k.selectFrom('sso_payloads').select('grant_id').where('model', '=', model).where('id', '=', id).executeTakeFirst();
  return r?.grant_id;
}

/** Deletes the artifacts of one model bound to a grant. */
export async function deleteByGrant(k: Db, model: string, grantId: string): Promise<void> {
  await k.deleteFrom('sso_payloads').where('grant_id', '=', grantId).where('model', '=', model).execute();
}

/** Deletes a grant and every code and token issued under it (all models). */
export async function deleteGrantEverywhere(k: Db, grantId: string, grantRowId: string): Promise<void> {
  await k.deleteFrom('sso_payloads').where('grant_id', '=', grantId).execute();
  await k.deleteFrom('sso_payloads').where('model', '=', 'Grant').where('id', '=', grantRowId).execute();
}

/** The grants (payloads) of one citizen with one portal, or of one portal when `accountId` is null. */
export async function grantsOf(k: Db, accountId: string | null, clientId: string): Promise<{ id: string; payload: string }[]> {
  let q = k.selectFrom('sso_payloads').select(['id', 'payload']).where('model', '=', 'Grant').where('client_id', '=', clientId);
  if (accountId !== null) q = q.where('account_id', '=', accountId);
  return q.execute();
}

/** Deletes every artifact of one portal (a disabled client, a raised level). */
export async function deleteClientArtifacts(k: Db, clientId: string): Promise<number> {
  const r = await k.deleteFrom('sso_payloads').where('client_id', '=', clientId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Deletes artifacts expired before `before`; answers how many. */
export async function purgeExpired(k: Db, before: string): Promise<number> {
  const r = await k.deleteFrom('sso_payloads').where('expires_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

// --- clients --------------------------------------------------------------------------------------

export async function clientById(k: Db, id: string): Promise<ClientRow | undefined> {
  return k.selectFrom('sso_clients').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function clientsByIds(k: Db, ids: readonly string[]): Promise<ClientRow[]> {
  if (ids.length === 0) return [];
  return k.selectFrom('sso_clients').selectAll().where('id', 'in', [...ids]).execute();
}

export async function listClients(k: Db, offset: number, limit: number): Promise<{ items: ClientRow[]; total: number }> {
  const [items, count] = await Promise.all([
    k.selectFrom('sso_clients').selectAll().orderBy('id').offset(offset).limit(limit).execute(),
    k.selectFrom('sso_clients').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

export async function insertClient(k: Db, row: ClientRow): Promise<void> {
  await k.insertInto('sso_clients').values(row).execute();
}

export async function updateClient(k: Db, id: string, set: Partial<ClientRow>): Promise<void> {
  await k.updateTable('sso_clients').set(set).where('id', '=', id).execute();
}

// --- keys -----------------------------------------------------------------------------------------

/** Keys still published (current or retiring) at `now`, newest first. */
export async function publishedKeys(k: Db, now: string): Promise<KeyRow[]> {
  return k
    .selectFrom('sso_keys')
    .selectAll()
    .where((eb) => eb.or([eb('publish_until', 'is', null), eb('publish_until', '>', now)]))
    .orderBy('id', 'desc')
    .execute();
}

export async function insertKey(k: Db, row: Insertable<SsoTables['sso_keys']>): Promise<void> {
  await k.insertInto('sso_keys').values(row).execute();
}

/** Retires the current keys (all algorithms): published until `publishUntil`. */
export async function retireCurrentKeys(k: Db, at: string, publishUntil: string): Promise<number> {
  const r = await k.updateTable('sso_keys').set({ retired_at: at, publish_until: publishUntil }).where('retired_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function retireKey(k: Db, id: number, at: string, publishUntil: string): Promise<void> {
  await k.updateTable('sso_keys').set({ retired_at: at, publish_until: publishUntil }).where('id', '=', id).execute();
}

/** Deletes keys no longer published. */
export async function deleteUnpublishedKeys(k: Db, now: string): Promise<number> {
  const r = await k.deleteFrom('sso_keys').where('publish_until', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** A cheap fingerprint of the key table: changes whenever a key is added, retired, removed or its publication end moves. */
export async function keysRevision(k: Db): Promise<string> {
  const r = await k
    .selectFrom('sso_keys')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('id').as('newest'), eb.fn.max('retired_at').as('retired'), eb.fn.min('publish_until').as('until')])
    .executeTakeFirstOrThrow();
  return `${Number(r.n)}:${String(r.newest ?? '')}:${String(r.retired ?? '')}:${String(r.until ?? '')}`;
}

// --- consents -------------------------------------------------------------------------------------

/** The live consent of a citizen to a portal at `now` (the newest), if any. */
export async function liveConsent(k: Db, accountId: number, clientId: string, now: string): Promise<ConsentRow | undefined> {
  return k
    .selectFrom('sso_consents')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('client_id', '=', clientId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

export async function liveConsentsOf(k: Db, accountId: number, now: string, offset: number, limit: number): Promise<{ items: ConsentRow[]; total: number }> {
  const base = k.selectFrom('sso_consents').where('account_id', '=', accountId).where('revoked_at', 'is', null).where('expires_at', '>', now);
  const [items, count] = await Promise.all([
    base.selectAll().orderBy('granted_at', 'desc').orderBy('id', 'desc').offset(offset).limit(limit).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

export async function consentById(k: Db, id: number): Promise<ConsentRow | undefined> {
  return k.selectFrom('sso_consents').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertConsent(k: Db, row: Insertable<SsoTables['sso_consents']>): Promise<number> {
  const r = await k.insertInto('sso_consents').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Ends the live consents of a citizen to a portal (all of them when `id` is not given); answers how many. */
export async function revokeConsents(k: Db, accountId: number, clientId: string, at: string, reason: string, id?: number): Promise<number> {
  let q = k.updateTable('sso_consents').set({ revoked_at: at, revoke_reason: reason }).where('account_id', '=', accountId).where('client_id', '=', clientId).where('revoked_at', 'is', null);
  if (id !== undefined) q = q.where('id', '=', id);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

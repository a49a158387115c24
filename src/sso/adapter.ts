/**
 * The storage adapter of oidc-provider (its `Adapter` interface: upsert, find, findByUid,
 * findByUserCode, consume, destroy, revokeByGrantId) on Kysely, the same on SQLite and
 * PostgreSQL: one table, `sso_payloads`, keyed by model and id (src/sso/store.ts).
 *
 * - Ids are stored as their SHA-256 (base64url): the id of a code, token or session is the bearer
 *   secret itself.
 * - An artifact past its `expires_at` is treated as absent (the provider checks `exp` as well).
 * - `consume` is a compare-and-set: when a code or refresh token turns out to be consumed already
 *   (a replay racing the first use), every token of its grant is revoked and the request fails
 *   with `invalid_grant` — the reuse detection of RFC 9700 §2.2.2 and §4.14, closing the window
 *   between the provider's own `consumed` check and the write.
 * - The `Client` model is read from the clients registry (src/sso/clients.ts), never written.
 *
 * With `REDIS_URL`, sessions, interactions and replay markers go to Redis instead
 * ({@link RedisAdapter}); grants, codes and tokens stay in the database, where a revocation finds
 * them all in one transaction.
 */
import { createHash } from 'node:crypto';
import { errors } from 'oidc-provider';
import type { Database } from '../platform/db/database.js';
import { nowUtc } from '../platform/dates.js';
import { consumePayload, deleteByGrant, deleteGrantEverywhere, deletePayload, findPayload, findPayloadByUid, grantIdOf, upsertPayload, type Db } from './store.js';

/** oidc-provider's stored payload (an `AdapterPayload`). */
type Payload = Record<string, unknown> & { grantId?: string; uid?: string; accountId?: string; clientId?: string; consumed?: unknown };

/** Models tied to a grant: revoked with it. */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

export function storedId(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

/** The instant `seconds` from now, ISO-8601 UTC. */
export function instantIn(seconds: number, from = Date.now()): string {
  return new Date(from + seconds * 1000).toISOString();
}

/** Payload of a row, or undefined when the row is absent or expired. */
function live(row: { payload: string; expires_at: string | null; consumed_at: string | null } | undefined, now = nowUtc()): Payload | undefined {
  if (!row) return undefined;
  if (row.expires_at !== null && row.expires_at <= now) return undefined;
  const payload = JSON.parse(row.payload) as Payload;
  if (row.consumed_at !== null) payload.consumed = Math.floor(Date.parse(row.consumed_at) / 1000);
  return payload;
}

export interface ClientSource {
  /** oidc-provider client metadata of an active client, or undefined. */
  metadata(clientId: string): Promise<Record<string, unknown> | undefined>;
}

/** Adapter of one model over `db`; `clients` answers the `Client` model. */
export class KyselyAdapter {
  private readonly k: Db;
  constructor(
    private readonly model: string,
    db: Database,
    private readonly clients: ClientSource,
  ) {
    this.k = db.as<any>() as Db;
  }

  async upsert(id: string, payload: Payload, expiresIn: number): Promise<void> {
    if (this.model === 'Client') throw new Error('clients are managed through the clients registry');
    await upsertPayload(this.k, {
      model: this.model,
      id: storedId(id),
      payload: JSON.stringify(payload),
      grant_id: typeof payload.grantId === 'string' ? payload.grantId : null,
      uid: typeof payload.uid === 'string' ? payload.uid : null,
      account_id: typeof payload.accountId === 'string' ? payload.accountId : null,
      client_id: typeof payload.clientId === 'string' ? payload.clientId : null,
      expires_at: expiresIn ? instantIn(expiresIn) : null,
      consumed_at: null,
    });
  }

  async find(id: string): Promise<Payload | undefined> {
    if (this.model === 'Client') return (await this.clients.metadata(id)) as Payload | undefined;
    return live(await findPayload(this.k, this.model, storedId(id)));
  }

  async findByUid(uid: string): Promise<Payload | undefined> {
    return live(await findPayloadByUid(this.k, this.model, uid));
  }

  async findByUserCode(): Promise<undefined> {
    return undefined; // the device flow is not enabled
  }

  async consume(id: string): Promise<void> {
    const key = storedId(id);
    if (await consumePayload(this.k, this.model, key, nowUtc())) return;
    const grantId = await grantIdOf(this.k, this.model, key);
    if (grantId) await this.revokeGrant(grantId);
    throw new errors.InvalidGrant(`${this.model === 'RefreshToken' ? 'refresh token' : 'authorization code'} already used`);
  }

  async destroy(id: string): Promise<void> {
    await deletePayload(this.k, this.model, storedId(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    if (GRANTABLE.has(this.model)) await deleteByGrant(this.k, this.model, grantId);
  }

  /** Deletes the grant and everything issued under it. */
  private async revokeGrant(grantId: string): Promise<void> {
    await deleteGrantEverywhere(this.k, grantId, storedId(grantId));
  }
}

/**
 * The error the provider answers while its Redis cannot be reached: OAuth 2.0's
 * `temporarily_unavailable` (RFC 6749 §4.1.2.1) with HTTP 503, rendered as the sign-on's error
 * page (with `Retry-After`) or JSON — instead of a 500 `server_error`. Checked by `npm run
 * trials:faults` (Redis killed) and src/sso/sso-redis.test.ts.
 */
export function storeUnavailable(cause: unknown): Error {
  const err = new errors.TemporarilyUnavailable('the sign-on store cannot be reached; try again shortly');
  return Object.assign(err, { status: 503, statusCode: 503, cause });
}

/** True for {@link storeUnavailable}'s errors. */
export function isStoreUnavailable(err: unknown): boolean {
  return err instanceof errors.TemporarilyUnavailable && (err as { statusCode?: number }).statusCode === 503;
}

/** `redis` whose failing commands throw {@link storeUnavailable}. */
function unavailableWhenDown(redis: RedisLike): RedisLike {
  const guard = <T>(p: Promise<T>): Promise<T> =>
    p.catch((err: unknown) => {
      throw storeUnavailable(err);
    });
  const set = (...args: unknown[]) => guard((redis.set as (...a: unknown[]) => Promise<unknown>).apply(redis, args));
  return { get: (key) => guard(redis.get(key)), set: set as RedisLike['set'], del: (...keys) => guard(redis.del(...keys)) };
}

/** Models kept in Redis when `REDIS_URL` is set: short-lived and never tied to a grant. */
export const REDIS_MODELS: ReadonlySet<string> = new Set(['Session', 'Interaction', 'ReplayDetection', 'PushedAuthorizationRequest']);

/** The part of an ioredis client the adapter uses. */
export interface RedisLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'EX', seconds: number): Promise<unknown>;
  set(key: string, value: string, keep: 'KEEPTTL'): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
}

/**
 * Adapter of one short-lived model (sessions, interactions, replay markers) on Redis, so every app
 * copy shares them without a database write per page (DESIGN.md §1): keys
 * `motcua:sso:<model>:<SHA-256 of id>`, expiring with the artifact; a session's uid points at its id.
 */
export class RedisAdapter {
  private readonly redis: RedisLike;
  constructor(
    private readonly model: string,
    redis: RedisLike,
  ) {
    this.redis = unavailableWhenDown(redis);
  }

  private key(id: string): string {
    return `motcua:sso:${this.model}:${storedId(id)}`;
  }

  private uidKey(uid: string): string {
    return `motcua:sso:${this.model}:uid:${uid}`;
  }

  async upsert(id: string, payload: Payload, expiresIn: number): Promise<void> {
    const ttl = Math.max(1, Math.ceil(expiresIn));
    await this.redis.set(this.key(id), JSON.stringify(payload), 'EX', ttl);
    if (typeof payload.uid === 'string') await this.redis.set(this.uidKey(payload.uid), id, 'EX', ttl);
  }

  async find(id: string): Promise<Payload | undefined> {
    const raw = await this.redis.get(this.key(id));
    return raw ? (JSON.parse(raw) as Payload) : undefined;
  }

  async findByUid(uid: string): Promise<Payload | undefined> {
    const id = await this.redis.get(this.uidKey(uid));
    return id ? this.find(id) : undefined;
  }

  async findByUserCode(): Promise<undefined> {
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const p = await this.find(id);
    if (p) await this.redis.set(this.key(id), JSON.stringify({ ...p, consumed: Math.floor(Date.now() / 1000) }), 'KEEPTTL');
  }

  async destroy(id: string): Promise<void> {
    const p = await this.find(id);
    await this.redis.del(this.key(id), ...(typeof p?.uid === 'string' ? [this.uidKey(p.uid)] : []));
  }

  async revokeByGrantId(): Promise<void> {
    // these models are not tied to grants
  }
}

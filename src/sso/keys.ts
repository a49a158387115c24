/**
 * The provider's signing keys (RFC 7517 JSON Web Keys; RFC 7518 algorithms): one current ES256
 * key (P-256, the default for ID tokens) and one current RS256 key (RSA 2048, for portals whose
 * library needs RSA), kept in `sso_keys` with the private part sealed under the data key
 * (AES-256-GCM, src/platform/crypto.ts, bound to the key id).
 *
 * `motcua sso rotate-keys` ({@link rotateSigningKeys}) makes new current keys; the previous ones
 * stop signing at once but stay published in the JWKS for {@link KEY_RETENTION_SECONDS} — longer
 * than any token they signed lives (ID tokens, {@link ID_TOKEN_TTL_SECONDS}) — and are then
 * deleted. A running server notices the change within {@link KEYS_CHECK_MS} and rebuilds its
 * provider. The key id (`kid`) is the key's RFC 7638 thumbprint.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { DataCipher } from '../platform/crypto.js';
import { nowUtc } from '../platform/dates.js';
import type { Database } from '../platform/db/database.js';
import { instantIn } from './adapter.js';
import { deleteUnpublishedKeys, insertKey, publishedKeys, retireCurrentKeys, retireKey, signingKeyContext, type Db, type KeyRow, type SigningAlg } from './store.js';

/** Lifetime of an ID token, seconds. */
export const ID_TOKEN_TTL_SECONDS = 10 * 60;
/** How long a rotated key stays published: the ID token lifetime and 5 minutes of clock skew. */
export const KEY_RETENTION_SECONDS = ID_TOKEN_TTL_SECONDS + 5 * 60;
/** How often a server looks for rotated keys, ms. */
export const KEYS_CHECK_MS = 30_000;

export const SIGNING_ALGS: readonly SigningAlg[] = ['ES256', 'RS256'];

const context = signingKeyContext;

/** A new key pair of `alg` as the row to store (private JWK sealed). */
async function newKey(alg: SigningAlg, cipher: DataCipher, at: string): Promise<Omit<KeyRow, 'id'>> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub);
  const priv = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
  return {
    kid,
    alg,
    public_jwk: JSON.stringify({ ...pub, kid, alg, use: 'sig' }),
    private_sealed: cipher.seal(Buffer.from(JSON.stringify(priv), 'utf8'), context(kid)),
    created_at: at,
    retired_at: null,
    publish_until: null,
  };
}

export interface SigningKeys {
  /** Private JWKs for oidc-provider: per algorithm the current key first (it signs), then retired ones (published only). */
  keys: JWK[];
  /** The key ids of the current keys by algorithm. */
  current: Partial<Record<SigningAlg, string>>;
  /** When the set next changes by itself (a retired key leaving the JWKS), or null. */
  nextChange: string | null;
}

/**
 * The published keys, opened. A current key missing for an algorithm — first start, or its
 * private part no longer opens because the data key changed — is made (the unreadable one is
 * retired and stays published by its public part only). `warn` hears about unreadable keys.
 */
export async function loadSigningKeys(db: Database, cipher: DataCipher, warn: (message: string) => void = () => undefined, attempt = 0): Promise<SigningKeys> {
  const k = db.as<any>() as Db;
  const now = nowUtc();
  let rows = await publishedKeys(k, now);
  const opened = new Map<number, JWK>();
  for (const r of rows) {
    try {
      opened.set(r.id, JSON.parse(cipher.open(r.private_sealed, context(r.kid)).toString('utf8')) as JWK);
    } catch {
      warn(`motcua sso: signing key ${r.kid} cannot be opened with the current data key (MOTCUA_DATA_KEY changed?); it is retired`);
    }
  }
  const missing = SIGNING_ALGS.filter((alg) => !rows.some((r) => r.alg === alg && r.retired_at === null && opened.has(r.id)));
  if (missing.length > 0) {
    if (attempt > 0) throw new Error('motcua sso: new signing keys cannot be opened with the data key');
    await db.transaction(async (trx) => {
      const t = trx as unknown as Db;
      for (const r of rows) if (r.retired_at === null && !opened.has(r.id)) await retireKey(t, r.id, now, instantIn(KEY_RETENTION_SECONDS));
      for (const alg of missing) await insertKey(t, await newKey(alg, cipher, now));
    });
    return loadSigningKeys(db, cipher, warn, attempt + 1);
  }
  rows = [...rows].sort((a, b) => Number(a.retired_at !== null) - Number(b.retired_at !== null) || b.id - a.id);
  const keys: JWK[] = [];
  const current: Partial<Record<SigningAlg, string>> = {};
  for (const r of rows) {
    const jwk = opened.get(r.id);
    if (!jwk) continue; // unreadable: its tokens can no longer be checked by this copy
    keys.push(jwk);
    if (r.retired_at === null && !current[r.alg]) current[r.alg] = r.kid;
  }
  const ends = rows.map((r) => r.publish_until).filter((u): u is string => u !== null).sort();
  return { keys, current, nextChange: ends[0] ?? null };
}

/**
 * `motcua sso rotate-keys`: new current ES256 and RS256 keys; the previous current keys are
 * retired (published {@link KEY_RETENTION_SECONDS} more seconds); keys past that are deleted.
 */
export async function rotateSigningKeys(db: Database, cipher: DataCipher): Promise<{ created: { kid: string; alg: SigningAlg }[]; retired: number; deleted: number; publishedUntil: string }> {
  const now = nowUtc();
  const until = instantIn(KEY_RETENTION_SECONDS);
  const fresh = await Promise.all(SIGNING_ALGS.map((alg) => newKey(alg, cipher, now)));
  return db.transaction(async (trx) => {
    const t = trx as unknown as Db;
    const deleted = await deleteUnpublishedKeys(t, now);
    const retired = await retireCurrentKeys(t, now, until);
    for (const key of fresh) await insertKey(t, key);
    return { created: fresh.map((f) => ({ kid: f.kid, alg: f.alg })), retired, deleted, publishedUntil: until };
  });
}

/**
 * What the single sign-on works with in one app copy: the data cipher (sealed keys and client
 * secrets, pairwise subjects, cookie keys, CSRF tokens), the clients registry with its cache,
 * the provider holder and (with `REDIS_URL`) the Redis client of sessions and interactions. One
 * per application context, shared by the HTTP routes and the CLI.
 */
import { dataCipherFromEnv, type DataCipher } from '../platform/crypto.js';
import type { AppContext } from '../platform/module.js';
import { ioredis } from '../platform/throttle.js';
import type { Redis } from 'ioredis';
import { ClientRegistry } from './clients.js';
import { ProviderHolder } from './provider.js';

export interface SsoRuntime {
  ctx: AppContext;
  cipher: DataCipher;
  clients: ClientRegistry;
  holder: ProviderHolder;
  /** Closes the Redis client, if one was opened (the app's `onClose`). */
  close(): Promise<void>;
}

const runtimes = new WeakMap<AppContext, SsoRuntime>();

/** The runtime of `ctx` (made on first use; `cipher` defaults to `MOTCUA_DATA_KEY`'s). */
export function ssoRuntime(ctx: AppContext, cipher?: DataCipher): SsoRuntime {
  let rt = runtimes.get(ctx);
  if (!rt) {
    const c = cipher ?? dataCipherFromEnv(process.env, (m) => ctx.logger.warn(m));
    const clients = new ClientRegistry(ctx.db, c);
    let redis: Redis | undefined;
    const redisClient = () => {
      if (!ctx.config.redisUrl) return undefined;
      // A command waits at most 2 s (Redis stopped but not closed); then the sign-on answers 503.
      if (!redis) {
        redis = new (ioredis().Redis)(ctx.config.redisUrl, { maxRetriesPerRequest: 2, connectTimeout: 2000, commandTimeout: 2000 });
        // Logged once per outage (ioredis retries every ≤ 2 s); the pages answer 503 meanwhile.
        let down = false;
        redis.on('error', (err: Error) => {
          if (!down) ctx.logger.warn({ err }, 'sso: Redis cannot be reached; sign-on answers 503 until it is back');
          down = true;
        });
        redis.on('ready', () => void (down = false));
      }
      return redis;
    };
    rt = {
      ctx,
      cipher: c,
      clients,
      holder: new ProviderHolder({ db: ctx.db, cipher: c, clients, logger: ctx.logger, publicUrl: () => ctx.config.publicUrl, redis: redisClient }),
      async close() {
        const r = redis;
        redis = undefined;
        // QUIT waits for a connection: one that is down is just dropped.
        if (r?.status === 'ready') await r.quit().catch(() => r.disconnect());
        else r?.disconnect();
      },
    };
    runtimes.set(ctx, rt);
  }
  return rt;
}

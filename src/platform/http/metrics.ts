/**
 * Prometheus metrics at `GET /metrics` (text exposition format 0.0.4, prom-client): request
 * counts and latencies per route template and status, the database pool, the outbox and job
 * queues, rate-limit refusals, and the process's own figures (CPU, memory, event-loop lag).
 * Labels carry route templates (`/api/v1/citizens/:key`), never a URL as sent, so no personal
 * identification number reaches the metrics. Each app instance has its own registry.
 *
 * When MOTCUA_METRICS_TOKEN is set the endpoint asks for `Authorization: Bearer TOKEN`.
 */
import { timingSafeEqual } from 'node:crypto';
import client from 'prom-client';
import { countPendingJobs, countPendingMessages } from '../jobs/index.js';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../module.js';
import { onRateLimited } from '../throttle.js';
import { bearerToken } from '../auth.js';
import { AppError } from '../errors.js';

/** Adds the metrics hooks and the `/metrics` route to `app`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any server flavour (the app's logger type differs from the modules' Api)
export function registerMetrics(app: FastifyInstance<any, any, any, any, any>, ctx: AppContext, token: string | undefined): void {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'motcua_' });

  const duration = new client.Histogram({
    name: 'motcua_http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const refused = new client.Counter({
    name: 'motcua_rate_limit_rejections_total',
    help: 'Requests refused by a throttling rule (sign-in, one-time codes…), by rule',
    labelNames: ['rule'] as const,
    registers: [registry],
  });
  const unsubscribe = onRateLimited((rule) => refused.inc({ rule }));
  app.addHook('onClose', async () => void unsubscribe());

  new client.Gauge({
    name: 'motcua_db_pool_connections',
    help: 'PostgreSQL pool connections by state (total, idle, waiting clients, max); absent on SQLite',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const s = ctx.db.poolStats();
      if (!s) return;
      for (const [state, v] of Object.entries(s)) this.set({ state }, v);
    },
  });
  new client.Gauge({
    name: 'motcua_db_replica_lag_seconds',
    help: 'How far the read replica (DATABASE_READ_URL, label replica: host:port/database) trails the primary: 0 when it has replayed all it received, else the age of the last transaction it replayed; absent without a replica or when it cannot be asked',
    labelNames: ['replica'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const replica = ctx.db.replicaStatus()?.location;
      const lag = replica === undefined ? undefined : await ctx.db.replicaLagSeconds();
      if (replica !== undefined && lag !== undefined) this.set({ replica }, lag);
    },
  });
  new client.Gauge({
    name: 'motcua_db_read_fallback',
    help: '1 while reads meant for the read replica (label replica: host:port/database) go to the primary because the replica cannot be reached, else 0; absent without a replica',
    labelNames: ['replica'] as const,
    registers: [registry],
    collect() {
      const r = ctx.db.replicaStatus();
      if (r) this.set({ replica: r.location }, r.servedBy === 'primary' ? 1 : 0);
    },
  });
  new client.Gauge({
    name: 'motcua_queue_depth',
    help: 'Work waiting in the outbox (messages) and the jobs table (jobs)',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.set({ queue: 'outbox' }, await countPendingMessages(ctx.db).catch(() => Number.NaN));
      this.set({ queue: 'jobs' }, await countPendingJobs(ctx.db).catch(() => Number.NaN));
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === '/metrics') return;
    duration.observe({ method: request.method, route: route ?? 'unmatched', status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  const expected = token ? Buffer.from(token) : undefined;
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (expected) {
      const given = Buffer.from(bearerToken(request) ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError('UNAUTHENTICATED');
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}

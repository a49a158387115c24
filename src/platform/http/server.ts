/**
 * The HTTP server: Fastify 5 with one error model (RFC 9457 problem+json from the catalogue),
 * request ids, security headers, explicit limits, OpenAPI 3.1 generated from the route schemas
 * (`/api/openapi.json`, docs UI at `/api/docs`), health (`/healthz`) and readiness (`/readyz`)
 * probes, and the built web UI at `/`.
 *
 * Limits: request body `MOTCUA_BODY_LIMIT` bytes (default 1 MiB); path parameters 200 characters;
 * page size 1–200; unknown query and body members are rejected (schemas are closed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyRequest } from 'fastify';
import accepts from '@fastify/accepts';
import helmet, { type HelmetOptions } from 'helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError, errorCatalogue } from '../errors.js';
import { isDatabaseUnavailable } from '../db/database.js';
import type { Api, AppContext, PlatformModule } from '../module.js';
import { bearerToken, type AuthProvider } from '../auth.js';
import { languageOf, problemOf, PROBLEM_CONTENT_TYPE, toAppError } from './problem.js';

export interface HttpServerOptions {
  /** Resolves bearer tokens to principals (from the identity module). */
  auth?: AuthProvider;
  /** Returns the names of pending migrations (readiness fails while any is pending). */
  pendingMigrations: () => Promise<string[]>;
  /** Directory of the built web UI; served at `/` when it exists. */
  webDir?: string;
}

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{8,64}$/;

/** Builds (does not start) the HTTP server with every module's routes mounted under `/api/v1`. */
export async function createHttpServer(ctx: AppContext, modules: PlatformModule[], options: HttpServerOptions): Promise<Api> {
  const app = Fastify({
    loggerInstance: ctx.logger,
    bodyLimit: ctx.config.bodyLimit,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    return503OnClosing: true,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    },
    ajv: {
      customOptions: {
        allErrors: true,
        verbose: true,
        coerceTypes: 'array',
        useDefaults: true,
        removeAdditional: false,
        keywords: ['x-form'],
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(accepts);
  const securityHeaders = staticSecurityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Ant Design injects its CSS-in-JS style elements at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
    // Strict-Transport-Security means something only over TLS.
    strictTransportSecurity: ctx.config.publicUrl.startsWith('https:') ? { maxAge: 31_536_000 } : false,
  });
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(securityHeaders);
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // Authentication, then the one permission check (a route's `config.permission`), before any
  // parsing or validation, so that an unauthenticated caller learns nothing about a route.
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    const token = bearerToken(request);
    if (token && options.auth) request.principal = await options.auth.authenticate(token);
    const needed = request.routeOptions.config?.permission;
    if (!needed) return;
    if (!request.principal) throw new AppError('UNAUTHENTICATED');
    if (!request.principal.permissions.has(needed)) throw new AppError('FORBIDDEN');
  });

  app.setErrorHandler(async (err, request, reply) => {
    const appError = isDatabaseUnavailable(err) ? new AppError('SERVICE_UNAVAILABLE', {}, { cause: err }) : toAppError(err, request);
    if (appError.status >= 500) request.log.error({ err, code: appError.code }, 'request failed');
    if (appError.code === 'RATE_LIMITED' && appError.params.retryAfter) reply.header('retry-after', String(appError.params.retryAfter));
    if (appError.code === 'SERVICE_UNAVAILABLE') reply.header('retry-after', '5');
    return reply.status(appError.status).type(PROBLEM_CONTENT_TYPE).send(problemOf(appError, languageOf(request), request));
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'motcua API',
        version: '1',
        description:
          'Project 06 (Đề án 06) platform of a province. Errors are RFC 9457 problem+json documents with a stable `code` (see `GET /api/problems`); messages follow `Accept-Language` (Vietnamese by default, English).',
      },
      servers: [{ url: ctx.config.publicUrl }],
      components: { securitySchemes: { staffBearer: { type: 'http', scheme: 'bearer', description: 'Token from POST /api/v1/staff/sessions.' } } },
      security: [{ staffBearer: [] }],
    },
  });

  // --- platform routes ------------------------------------------------------------------------------
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    if (!(await ctx.db.ping())) throw new AppError('SERVICE_UNAVAILABLE');
    const pending = await options.pendingMigrations();
    if (pending.length > 0) throw new AppError('SERVICE_UNAVAILABLE', {}, { extensions: { pendingMigrations: pending } });
    return reply.send({ status: 'ready', database: ctx.db.engine });
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/api/problems',
    {
      schema: {
        summary: 'The error catalogue: every problem code with its HTTP status and messages.',
        tags: ['platform'],
        response: {
          200: Type.Array(Type.Object({ code: Type.String(), status: Type.Integer(), vi: Type.String(), en: Type.String() })),
        },
      },
    },
    async () => Object.entries(errorCatalogue).map(([code, d]) => ({ code, status: d.status, vi: d.vi, en: d.en })),
  );

  await app.register(
    async (api) => {
      for (const m of modules) if (m.routes) await m.routes(api as unknown as Api, ctx);
    },
    { prefix: '/api/v1' },
  );

  // Swagger UI's own logo carries an inline <style>: its page alone may use inline styles.
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    // Over plain HTTP (a desk's LAN) upgrade-insecure-requests would send the assets to https.
    transformStaticCSP: (header) => header.replace(/style-src ([^;]*)/, "style-src $1 'unsafe-inline'").replace(/;?\s*upgrade-insecure-requests/, ''),
  });

  // --- web UI ----------------------------------------------------------------------------------------
  const webDir = options.webDir ? path.resolve(options.webDir) : undefined;
  const indexHtml = webDir && fs.existsSync(path.join(webDir, 'index.html')) ? path.join(webDir, 'index.html') : undefined;
  if (webDir && indexHtml) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: true, index: ['index.html'] });
  }

  app.setNotFoundHandler(async (request: FastifyRequest, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    const wantsPage = request.method === 'GET' && !pathname.startsWith('/api/') && !pathname.startsWith('/oidc/') && indexHtml;
    if (wantsPage && (request.headers.accept ?? '').includes('text/html')) {
      return reply.type('text/html; charset=utf-8').send(fs.createReadStream(indexHtml));
    }
    const err = new AppError('ROUTE_NOT_FOUND', { method: request.method, path: pathname.slice(0, 200) });
    return reply.status(404).type(PROBLEM_CONTENT_TYPE).send(problemOf(err, languageOf(request), request));
  });

  return app as unknown as Api;
}

/**
 * The security headers of `helmet` for these options, computed once: nothing in them varies by
 * request (no CSP nonces), so every reply gets the same set without running helmet each time.
 */
function staticSecurityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string | number) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
    getHeader: (name: string) => headers[name.toLowerCase()],
  };
  helmet(options)({} as never, res as never, () => undefined);
  return headers;
}

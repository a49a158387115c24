/**
 * The HTTP server: Fastify 5 with one error model (RFC 9457 problem+json from the catalogue),
 * request ids, security headers, explicit limits, OpenAPI 3.1 generated from the route schemas
 * (`/api/openapi.json`, docs UI at `/api/docs`), health (`/healthz`) and readiness (`/readyz`)
 * probes, Prometheus metrics (`/metrics`, ./metrics.ts), optional OpenTelemetry traces (with an
 * OTLP endpoint configured, ./tracing.ts), and the built web UI at `/`.
 *
 * Limits: request body `MOTCUA_BODY_LIMIT` bytes (default 1 MiB); JSON bodies nested at most 64
 * levels (BODY_TOO_DEEP); path parameters 200 characters (431 HEADERS_TOO_LARGE); a URL that is
 * not valid percent-encoded UTF-8 400 URL_MALFORMED; numbers finite and text without NUL; page size 1–200; unknown
 * query and body members are rejected (schemas are closed). A path served under other methods answers 405
 * METHOD_NOT_ALLOWED with `Allow`; an unknown one 404 ROUTE_NOT_FOUND (or the web UI's page).
 */
import fs from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import accepts from '@fastify/accepts';
import helmet, { type HelmetOptions } from 'helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError, errorCatalogue, formatMessage, validationError, type FieldError } from '../errors.js';
import { isPartialDate } from '../dates.js';
import { isDatabaseUnavailable } from '../db/database.js';
import type { Api, AppContext, PlatformModule } from '../module.js';
import { bearerToken, type AuthProvider } from '../auth.js';
import { registerMetrics } from './metrics.js';
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

/** Deepest nesting of arrays and objects a JSON request body may have (the top level is 1). */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether a parsed JSON value nests arrays and objects more than `limit` levels deep (`{}` and
 * `[]` are level 1, `{"a":[1]}` level 2). Iterative, so a hostile body of thousands of levels
 * (a few KB) cannot overflow the stack here; it is refused before recursive code (schema
 * validation, safe-stable-stringify in logs and idempotency hashes) ever sees it.
 */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The first value of a validated request part the database cannot take, as a field error, or
 * undefined. Two kinds, both found by the fuzzer (trials/fuzz.ts) as 500s from deep inside SQL:
 *
 * - a number that is not finite: Ajv's type coercion (`coerceTypes`) turns the strings
 *   "Infinity", "-Infinity" and "1e400" into ±Infinity and then skips the numeric keywords
 *   (minimum, maximum) for a non-finite number, so `?pageSize=Infinity` passed
 *   `Type.Integer({ maximum: 200 })` (FIELD_TYPE);
 * - a string holding U+0000 (NUL): PostgreSQL text cannot hold it ("invalid byte sequence for
 *   encoding UTF8: 0x00"), so `?q=a%00b` or a NUL in a sign-in name failed the query (FIELD_INVALID).
 *   No text of the platform (names, addresses, codes, notes, search words) contains it.
 *
 * Walks plain objects and arrays only (not a raw body's Buffer or stream), iteratively.
 */
export function unstorableField(context: string, value: unknown): FieldError | undefined {
  const stack: [unknown, string][] = [[value, context]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { field: at, code: 'FIELD_TYPE', params: { expected: 'number' } };
      continue;
    }
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return { field: at, code: 'FIELD_INVALID' };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    // Plain objects: `{}`, `Object.create(null)`, and the parsed query string (an object whose
    // prototype has no prototype, as fast-querystring makes it).
    const proto = Object.getPrototypeOf(v) as object | null;
    if (!Array.isArray(v) && proto !== Object.prototype && proto !== null && Object.getPrototypeOf(proto) !== null) continue;
    for (const [k, child] of Object.entries(v)) stack.push([child, `${at}.${k}`]);
  }
  return undefined;
}

/**
 * Answers a request the HTTP parser refused (431 for oversize headers or URL, 400 otherwise) as a
 * problem document in Vietnamese with the English beside it; sockets already gone are left alone.
 */
function answerClientError(err: Error, socket: Socket): void {
  if (!socket.writable) return void socket.destroy();
  const code = (err as NodeJS.ErrnoException).code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'BODY_MALFORMED';
  const def = errorCatalogue[code];
  const body = JSON.stringify({
    type: `/api/problems#${code}`,
    title: formatMessage(def.vi, { reason: 'HTTP' }),
    status: def.status,
    detail: `${formatMessage(def.vi, { reason: 'HTTP' })} / ${formatMessage(def.en, { reason: 'HTTP' })}`,
    code,
  });
  socket.end(
    `HTTP/1.1 ${def.status} ${def.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Ajv options of every route's validation: all errors at once (each failing field listed), query
 * strings and form fields coerced to their declared types (`?page=2` → 2; see `Nullable` in
 * ./schemas.ts for why nullable fields are not `anyOf`), defaults filled, unknown properties kept
 * for `additionalProperties: false` to refuse, numbers finite (see also {@link unstorableField}),
 * `x-form` (the human form of a value) allowed.
 */
export const AJV_OPTIONS: { allErrors: true; verbose: true; coerceTypes: 'array'; useDefaults: true; removeAdditional: false; strictNumbers: true; keywords: string[]; formats: Record<string, (s: string) => boolean> } = {
  allErrors: true,
  verbose: true,
  coerceTypes: 'array',
  useDefaults: true,
  removeAdditional: false,
  // A JSON number too large for a double (`1e400`) parses as Infinity: not a number of any schema.
  strictNumbers: true,
  keywords: ['x-form'],
  // `partial-date`: a date of birth as registered, `YYYY`, `YYYY-MM` or a real `YYYY-MM-DD`
  // (src/platform/dates.ts); a failure answers DATE_INVALID on the field like `date` (./problem.ts).
  formats: { 'partial-date': isPartialDate },
};

/** Builds (does not start) the HTTP server with every module's routes mounted under `/api/v1`. */
export async function createHttpServer(ctx: AppContext, modules: PlatformModule[], options: HttpServerOptions): Promise<Api> {
  const securityHeaders = staticSecurityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Ant Design injects its CSS-in-JS style elements at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        // blob: images fetched with the session's token and shown through an object URL (the
        // face image of an e-ID application, web/src/pages/eid/ApplicationPage.tsx).
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        // No <base> element and no plugins anywhere (OWASP ASVS 5.0 §3.4.3).
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
    // Strict-Transport-Security means something only over TLS.
    strictTransportSecurity: ctx.config.publicUrl.startsWith('https:') ? { maxAge: 31_536_000 } : false,
  });
  const app = Fastify({
    loggerInstance: ctx.logger,
    bodyLimit: ctx.config.bodyLimit,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    return503OnClosing: true,
    // Node's HTTP parser refuses oversize headers or URLs before Fastify sees a request; answer
    // those as problem+json too (RFC 9457), in both languages since no header could be read.
    clientErrorHandler: answerClientError,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { ...AJV_OPTIONS, keywords: [...AJV_OPTIONS.keywords] } },
    // The router refuses some URLs before any hook, handler or error handler runs: a path that is
    // not valid percent-encoded UTF-8 (`%`, `%ED%A0%80`: FST_ERR_BAD_URL) and a path parameter over
    // maxParamLength (FST_ERR_MAX_PARAM_LENGTH). Fastify's own answer to them is plain JSON; they
    // leave as catalogue problems (URL_MALFORMED 400; HEADERS_TOO_LARGE 431, as Node answers an
    // oversize URL) with the usual security headers.
    frameworkErrors: (err, request, reply) => {
      const appError =
        err.code === 'FST_ERR_BAD_URL'
          ? new AppError('URL_MALFORMED')
          : err.code === 'FST_ERR_MAX_PARAM_LENGTH'
            ? new AppError('HEADERS_TOO_LARGE')
            : new AppError('INTERNAL_ERROR', { requestId: request.id }, { cause: err });
      if (appError.status >= 500) request.log.error({ err, code: appError.code }, 'request failed');
      void (reply as unknown as FastifyReply)
        .headers(securityHeaders)
        .header('x-request-id', request.id)
        .header('cache-control', 'no-store')
        .status(appError.status)
        .type(PROBLEM_CONTENT_TYPE)
        .send(problemOf(appError, languageOf(request), request));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // OpenTelemetry traces, only with an OTLP endpoint configured: the module (and the SDK with it)
  // is loaded then and not otherwise. First, so that its request span wraps every hook and route.
  if (ctx.config.tracing) await (await import('./tracing.js')).registerTracing(app, ctx.config.tracing, ctx.db);

  // JSON bodies: Fastify's own parser (secure-json-parse: prototype poisoning refused), then a
  // depth limit before any schema, logger or hash walks the value recursively.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parseJson(request, body as string, (err, value) => {
      if (err) return done(err, undefined);
      if (jsonDepthExceeds(value, MAX_JSON_DEPTH)) return done(new AppError('BODY_TOO_DEEP', { limit: MAX_JSON_DEPTH }), undefined);
      return done(null, value);
    });
  });

  await app.register(accepts);
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(securityHeaders);
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Answers of the API may hold personal data: no browser or proxy keeps them (ASVS 5.0 §14.3.2),
    // unless a route chose its own caching (a duty calendar, boundary files).
    if (request.url.startsWith('/api/v1/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  // Request forgery: a state-changing request a browser sent from another site is refused before
  // anything else looks at it (see crossSiteSource).
  const publicOrigin = new URL(ctx.config.publicUrl).origin;
  app.addHook('onRequest', async (request) => {
    const site = crossSiteSource(request, publicOrigin);
    if (site !== undefined) throw new AppError('CROSS_SITE_REQUEST', { site });
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

  // After validation: values no schema should have let through and the database cannot take (a
  // number coerced to ±Infinity, a string with NUL; see unstorableField).
  app.addHook('preHandler', async (request) => {
    const bad = unstorableField('query', request.query) ?? unstorableField('params', request.params) ?? unstorableField('body', request.body);
    if (bad !== undefined) throw validationError([bad]);
  });

  app.setErrorHandler(async (err, request, reply) => {
    // @fastify/static refuses paths it cannot verify on disk (a segment longer than the file
    // system allows: ENAMETOOLONG; `..`, `//`, aliases) with a 403 error of its own: such a page
    // does not exist, so it is answered as any unknown page (the web UI, or 404 ROUTE_NOT_FOUND).
    if ((err as { code?: string }).code === 'FST_STATIC_FORBIDDEN_PATH') return reply.callNotFound();
    const appError = isDatabaseUnavailable(err) ? new AppError('SERVICE_UNAVAILABLE', {}, { cause: err }) : toAppError(err, request);
    if (appError.status >= 500) request.log.error({ err, code: appError.code }, 'request failed');
    if ((appError.code === 'RATE_LIMITED' || appError.code === 'RATE_LIMIT_UNAVAILABLE') && appError.params.retryAfter) reply.header('retry-after', String(appError.params.retryAfter));
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
  registerMetrics(app, ctx, ctx.config.metricsToken);

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
  // Routes outside /api/v1 (the OpenID Connect provider at /oidc), each module in its own context.
  for (const m of modules) if (m.rootRoutes) await app.register(async (root) => m.rootRoutes!(root as unknown as Api, ctx));

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
    // Citizens open these pages on cheap phones over mobile data: the build writes a Brotli and a
    // gzip copy of every text file (web/vite.config.ts), sent to browsers that accept them (Vary:
    // Accept-Encoding); files under /assets/ carry a content hash in their names, so browsers may
    // keep them for a year without asking again; everything else (index.html) is revalidated.
    await app.register(fastifyStatic, {
      root: webDir,
      prefix: '/',
      wildcard: true,
      index: ['index.html'],
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply, filePath) => {
        const hashed = path.relative(webDir, filePath).split(path.sep)[0] === 'assets';
        reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }

  app.setNotFoundHandler(async (request: FastifyRequest, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    const wantsPage = request.method === 'GET' && !pathname.startsWith('/api/') && !pathname.startsWith('/oidc/') && indexHtml;
    if (wantsPage && (request.headers.accept ?? '').includes('text/html')) {
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(fs.createReadStream(indexHtml));
    }
    // RFC 9110 §15.5.6: a path served under other methods answers 405 with the list of them.
    const allow = ROUTE_METHODS.filter((method) => method !== request.method && isExplicitRoute(app.findRoute({ method, url: pathname })));
    if (allow.length > 0) {
      reply.header('allow', allow.join(', '));
      return reply.status(405).type(PROBLEM_CONTENT_TYPE).send(problemOf(new AppError('METHOD_NOT_ALLOWED', { method: request.method }), languageOf(request), request));
    }
    const err = new AppError('ROUTE_NOT_FOUND', { method: request.method, path: pathname.slice(0, 200) });
    return reply.status(404).type(PROBLEM_CONTENT_TYPE).send(problemOf(err, languageOf(request), request));
  });

  return app as unknown as Api;
}

/** Methods the API's routes use, in the order an `Allow` header lists them. */
const ROUTE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Whether a route found for a path is one of its own, not a catch-all (`/*` of the web UI's files,
 * which answers every GET and falls back to the not-found handler itself).
 */
function isExplicitRoute(found: { params: Record<string, string | undefined> } | null): boolean {
  return found !== null && !('*' in found.params);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Browser-based request forgery (CSRF, OWASP ASVS 5.0 §3.5.1–3.5.3): the other site a browser sent
 * a state-changing request (any method but GET, HEAD, OPTIONS) from, or undefined when it may pass.
 * Browsers say where a request comes from in `Sec-Fetch-Site` (W3C Fetch Metadata): `same-origin`
 * and `none` (the user's own action) pass, `same-site` and `cross-site` do not. A request without
 * it is judged by `Origin` (RFC 6454): none passes (not a browser); otherwise its host must be the
 * request's `Host`, or the whole origin that of `MOTCUA_PUBLIC_URL` (`publicOrigin`). This is the
 * algorithm of Go's `net/http.CrossOriginProtection`. Answers at most 100 characters.
 *
 * The API authenticates with bearer tokens, which a browser never attaches by itself, so a forged
 * request carries no credentials; the check is defence in depth, and it stops another site from
 * using a visitor's browser (on a commune's network, say) to post applications or files. Paths
 * under `/oidc/` are left to the OpenID provider: portals post to it across sites by design
 * (authorization requests, RP-initiated logout), and its own pages check a CSRF token bound to the
 * interaction and `Origin` (src/sso/http.ts).
 */
export function crossSiteSource(request: Pick<FastifyRequest, 'method' | 'url' | 'headers'>, publicOrigin: string): string | undefined {
  if (SAFE_METHODS.has(request.method) || request.url.startsWith('/oidc/')) return undefined;
  const header = (name: string) => {
    const v = request.headers[name];
    return typeof v === 'string' ? v.trim() : undefined;
  };
  const origin = header('origin');
  const fetchSite = header('sec-fetch-site')?.toLowerCase();
  if (fetchSite !== undefined) return fetchSite === 'same-origin' || fetchSite === 'none' ? undefined : (origin ?? fetchSite).slice(0, 100);
  if (origin === undefined) return undefined;
  // `Host` read as a URL of the origin's scheme, so `localhost:80` and `http://localhost` agree.
  const hostOf = (scheme: string, host: string | undefined) => {
    try {
      return host ? new URL(`${scheme}//${host}`).host : undefined;
    } catch {
      return undefined;
    }
  };
  let from: URL | undefined;
  try {
    from = new URL(origin);
  } catch {
    from = undefined;
  }
  const ok = from !== undefined && (from.origin === publicOrigin || from.host === hostOf(from.protocol, header('host')));
  return ok ? undefined : origin.slice(0, 100);
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

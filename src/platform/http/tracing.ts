/**
 * Optional OpenTelemetry traces (issue 9, observability), on when `OTEL_EXPORTER_OTLP_ENDPOINT`
 * or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set (src/platform/config.ts `tracing`). The server
 * imports this module only then (`await import('./tracing.js')` in ./server.ts), so without an
 * endpoint none of the OpenTelemetry SDK is loaded and no hook or tracer exists.
 *
 * - One SERVER span per HTTP request from the Fastify team's plugin `@fastify/otel` (registered
 *   as a plugin: no loader hooks), named `METHOD route-template` (`GET /api/v1/citizens/:key`),
 *   with `http.request.method`, `http.route`, `http.response.status_code`, `url.path` with digit
 *   runs masked (`maskDigits` of ../logger.ts, as in the logs) and no query string, and the
 *   request id in `motcua.request.id` (the `x-request-id` the answer carries). No spans for the
 *   handler and each hook. `/healthz`, `/readyz` and `/metrics` are not traced.
 *   An incoming W3C `traceparent` header makes the request part of the caller's trace.
 * - One CLIENT child span per database statement run inside a request (via
 *   `Database.observeQueries`, src/platform/db/database.ts): `db.system.name`,
 *   `db.operation.name` and `db.query.text` — the statement with its placeholders, never the
 *   parameter values. Statements of background loops (outbox, jobs) outside any request are not
 *   traced.
 * - Spans leave in batches (BatchSpanProcessor) as OTLP/HTTP JSON to the configured URL, with
 *   the resource `service.name` (OTEL_SERVICE_NAME, default `motcua`). Closing the server
 *   (graceful shutdown, `app.close()`) flushes what is left and stops the exporter.
 *
 * Personal data (Decree 13/2023/NĐ-CP): traces leave the platform for a collector, so every span
 * goes through {@link redactSpan} on its way out: `url.full`, `url.query` and `http.target` are
 * dropped, and digit runs that may be identification or phone numbers are masked in the span
 * name, every string attribute (but a request id the server generated), the status message and
 * event attributes.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type AttributeValue, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_SERVICE_NAME,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  DB_SYSTEM_NAME_VALUE_POSTGRESQL,
} from '@opentelemetry/semantic-conventions';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LogEvent } from 'kysely';
import type { TracingConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { maskDigits } from '../logger.js';

/** Attribute of the request span holding the request id (answered as `x-request-id`). */
export const REQUEST_ID_ATTRIBUTE = 'motcua.request.id';

/** Paths polled by probes and scrapers: not worth a trace each time. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Attributes that carry a URL as sent (query strings hold names, numbers): never exported. */
const DROPPED_ATTRIBUTES = new Set([ATTR_URL_FULL, ATTR_URL_QUERY, 'http.target', 'http.url']);

let processWideSetUp = false;

/**
 * The process-wide parts, once: an AsyncLocalStorage context manager (so that a statement run
 * by a handler finds the request's span) and the W3C trace-context propagator. No global tracer
 * provider is set: each server has its own, so several in one process (tests) stay apart.
 */
function setUpProcessOnce(): void {
  if (processWideSetUp) return;
  processWideSetUp = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

/**
 * Turns tracing on for `app` (call before any route or hook is added) and, when given, for the
 * statements of `db`. The spans are flushed and the exporter stopped when `app` closes.
 */
export async function registerTracing(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any server flavour (the app's logger type differs from the modules' Api)
  app: FastifyInstance<any, any, any, any, any>,
  config: TracingConfig,
  db?: Database,
): Promise<void> {
  setUpProcessOnce();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new RedactingExporter(new OTLPTraceExporter({ url: config.tracesUrl })))],
  });
  const instrumentation = new FastifyOtelInstrumentation({
    // The request span alone: hook and handler spans would be named after anonymous functions
    // (the plugin's source text); the statements a request runs are its children directly.
    instrumentHooks: false,
    instrumentHandler: false,
    ignorePaths: (route) => UNTRACED_PATHS.has(route.url.split('?')[0] ?? ''),
    requestHook: (span, request: FastifyRequest) => {
      const route = request.routeOptions.url;
      span.updateName(route === undefined ? request.method : `${request.method} ${route}`);
      span.setAttribute(ATTR_URL_PATH, maskDigits(request.url.split('?')[0] ?? ''));
      span.setAttribute(REQUEST_ID_ATTRIBUTE, request.id);
    },
  });
  instrumentation.setTracerProvider(provider);
  await app.register(instrumentation.plugin());

  const tracer = provider.getTracer('motcua.db');
  const observer = db ? queryObserver(tracer, db.engine) : undefined;
  if (db && observer) db.observeQueries(observer);

  app.addHook('onClose', async () => {
    if (db && observer) db.observeQueries(undefined);
    instrumentation.disable();
    await provider.shutdown();
  });
}

/**
 * A statement that ran inside a request, as a CLIENT span ending now and lasting as long as it
 * took. Nothing outside a request (no active span). Never throws: a failing observer would fail
 * the statement.
 */
function queryObserver(tracer: Tracer, engine: Database['engine']): (event: LogEvent) => void {
  const system = engine === 'postgres' ? DB_SYSTEM_NAME_VALUE_POSTGRESQL : 'sqlite';
  return (event) => {
    try {
      const active = context.active();
      if (trace.getSpan(active) === undefined) return;
      const text = event.query.sql;
      const operation = /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? 'QUERY';
      const end = Date.now();
      const span = tracer.startSpan(
        operation,
        {
          kind: SpanKind.CLIENT,
          startTime: end - event.queryDurationMillis,
          attributes: { [ATTR_DB_SYSTEM_NAME]: system, [ATTR_DB_OPERATION_NAME]: operation, [ATTR_DB_QUERY_TEXT]: text },
        },
        active,
      );
      if (event.level === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: event.error instanceof Error ? event.error.message : String(event.error) });
      span.end(end);
    } catch {
      // Tracing never breaks a statement.
    }
  };
}

function redactValue(value: AttributeValue | undefined): AttributeValue | undefined {
  if (typeof value === 'string') return maskDigits(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? maskDigits(v) : v)) as AttributeValue;
  return value;
}

/** A request id the server made itself (`randomUUID()` in ./server.ts): no personal data, kept whole. */
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function redactAttributes(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (DROPPED_ATTRIBUTES.has(key)) continue;
    out[key] = key === REQUEST_ID_ATTRIBUTE && typeof value === 'string' && UUID_RE.test(value) ? value : redactValue(value);
  }
  return out;
}

/**
 * `span` as it may leave the platform: URL attributes that hold a query string dropped, digit
 * runs that may be identification or phone numbers masked to their last 3 digits (`maskDigits`,
 * as in the logs) in the name, string attributes, status message and event attributes. A request
 * id the server generated (a UUID, whose digit runs the mask would take for numbers) is kept
 * whole; one the caller sent in `x-request-id` is masked like any text. A view over the original
 * (its prototype), which is not changed.
 */
export function redactSpan(span: ReadableSpan): ReadableSpan {
  return Object.create(span, {
    name: { value: maskDigits(span.name) },
    attributes: { value: redactAttributes(span.attributes) },
    status: { value: span.status.message === undefined ? span.status : { ...span.status, message: maskDigits(span.status.message) } },
    events: { value: span.events.map((e) => (e.attributes ? { ...e, name: maskDigits(e.name), attributes: redactAttributes(e.attributes) } : { ...e, name: maskDigits(e.name) })) },
  }) as ReadableSpan;
}

/** Hands spans to `inner` once redacted ({@link redactSpan}). */
class RedactingExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans.map(redactSpan), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

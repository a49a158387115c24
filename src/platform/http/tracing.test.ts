import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINES } from '../testing/engines.js';
import { startTestPlatform } from '../testing/app.js';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';

// A tiny OTLP/HTTP receiver: collects the JSON bodies POSTed to /v1/traces.
interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: OtlpValue }[];
}
interface OtlpBody {
  resourceSpans: { resource: { attributes: { key: string; value: OtlpValue }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

const bodies: string[] = [];
let receiver: http.Server;
let receiverUrl = '';

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces' && String(req.headers['content-type']).startsWith('application/json')) bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

const attr = (attributes: { key: string; value: OtlpValue }[], key: string): string | number | undefined => {
  const v = attributes.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue === undefined ? undefined : Number(v.intValue));
};

const require = createRequire(import.meta.url);
/** Whether Node has loaded the Fastify team's OpenTelemetry plugin (a CommonJS module) in this process. */
const otelPluginLoaded = () => require.cache[require.resolve('@fastify/otel')] !== undefined;

describe('tracing configuration', () => {
  it('reads the standard OTEL_* variables: the traces endpoint as is, the base endpoint with /v1/traces', () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({ tracesUrl: 'http://collector:4318/v1/traces', serviceName: 'motcua' });
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.vn/otlp/spans', OTEL_SERVICE_NAME: 'motcua-hd' }).tracing,
    ).toEqual({ tracesUrl: 'https://traces.example.vn/otlp/spans', serviceName: 'motcua-hd' });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).tracing?.tracesUrl).toBe('http://collector:4318/v1/traces');
  });

  it('refuses an endpoint that is not an http(s) URL and a protocol other than http/json', () => {
    const refusal = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        return e instanceof AppError ? [e.code, e.params.variable] : e;
      }
      return undefined;
    };
    expect(refusal({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' })).toEqual(['CONFIG_INVALID', 'OTEL_EXPORTER_OTLP_ENDPOINT']);
    expect(refusal({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://collector:4317' })).toEqual(['CONFIG_INVALID', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
    expect(refusal({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' })).toEqual(['CONFIG_INVALID', 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL']);
    expect(refusal({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'tên\u0001' })).toEqual(['CONFIG_INVALID', 'OTEL_SERVICE_NAME']);
  });
});

// First in this file: once a platform with tracing ran, the plugin stays in Node's module cache.
describe('tracing off (no OTLP endpoint)', () => {
  it('loads no OpenTelemetry plugin, registers nothing, and serves requests as usual', async () => {
    const t = await createTestDatabase('sqlite');
    try {
      const { app } = await startTestPlatform(t);
      expect(app.hasPlugin('@fastify/otel')).toBe(false);
      expect(app.hasRequestDecorator('opentelemetry')).toBe(false);
      const r = await app.inject('/api/v1/pins/030095005555');
      expect(r.statusCode).toBe(200);
      expect(r.json().valid).toBe(true);
      await app.close();
      expect(otelPluginLoaded()).toBe(false);
      expect(bodies).toEqual([]);
    } finally {
      await t.drop();
    }
  });
});

for (const engine of ENGINES) {
  describe(`tracing on [${engine}]`, () => {
    it('exports a span per request named by its route template, with status, request id and database statements, and no identification number anywhere', async () => {
      bodies.length = 0;
      const t = await createTestDatabase(engine);
      try {
        const { app } = await startTestPlatform(t, { OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl });
        expect(otelPluginLoaded()).toBe(true);
        expect(app.hasPlugin('@fastify/otel')).toBe(true);

        const unit = await app.inject('/api/v1/units/30?at=2024-01-01');
        expect(unit.statusCode).toBe(200);
        const caller = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
        const pin = await app.inject({ url: '/api/v1/pins/030095005555', headers: { traceparent: `00-${caller.traceId}-${caller.spanId}-01`, 'x-request-id': 'pin-030095005555' } });
        expect(pin.statusCode).toBe(200);
        expect(pin.headers['x-request-id']).toBe('pin-030095005555');
        const search = await app.inject('/api/v1/units?q=030095005555');
        // Refused by validation: the error (message, exception event) is recorded on the span.
        const refused = await app.inject('/api/v1/units/030095005555');
        expect(refused.statusCode).toBe(400);
        const missing = await app.inject('/api/v1/people/030095005555');
        expect(missing.statusCode).toBe(404);
        const unrouted = await app.inject({ method: 'POST', url: '/api/v1/people/030095005555' });
        expect(unrouted.statusCode).toBe(404);
        expect((await app.inject('/healthz')).statusCode).toBe(200);
        // Closing flushes the spans still in the batch.
        await app.close();

        const payload = bodies.join('\n');
        expect(bodies.length).toBeGreaterThan(0);
        expect(payload).not.toContain('030095005555');
        expect(payload).not.toContain('5005555');

        const docs = bodies.map((b) => JSON.parse(b) as OtlpBody);
        for (const rs of docs.flatMap((d) => d.resourceSpans)) expect(attr(rs.resource.attributes, 'service.name')).toBe('motcua');
        const spans = docs.flatMap((d) => d.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
        // The request span of an answer, found by the request id it carries (one the server made,
        // a UUID, exported whole; the caller's own masked like any text).
        const spanOf = (r: { headers: Record<string, unknown> }, requestId = r.headers['x-request-id']) => {
          const found = spans.filter((s) => attr(s.attributes, 'fastify.root') === '@fastify/otel' && attr(s.attributes, 'motcua.request.id') === requestId);
          expect(found).toHaveLength(1);
          return found[0]!;
        };

        const unitSpan = spanOf(unit);
        expect(unitSpan.name).toBe('GET /api/v1/units/:code');
        expect(unitSpan.kind).toBe(2); // SERVER (OTLP SpanKind)
        expect(attr(unitSpan.attributes, 'http.route')).toBe('/api/v1/units/:code');
        expect(attr(unitSpan.attributes, 'http.request.method')).toBe('GET');
        expect(attr(unitSpan.attributes, 'http.response.status_code')).toBe(200);
        expect(attr(unitSpan.attributes, 'url.path')).toBe('/api/v1/units/30');
        // The statements the request ran, as child spans in its trace, text only.
        const statements = spans.filter((s) => s.parentSpanId === unitSpan.spanId && attr(s.attributes, 'db.system.name') !== undefined);
        expect(statements.length).toBeGreaterThan(0);
        expect(statements.every((s) => s.kind === 3 && attr(s.attributes, 'db.system.name') === (engine === 'postgres' ? 'postgresql' : 'sqlite'))).toBe(true);
        expect(statements.map((s) => s.name)).toContain('SELECT');
        expect(statements.some((s) => /^select\b/i.test(String(attr(s.attributes, 'db.query.text'))))).toBe(true);

        const pinSpan = spanOf(pin, 'pin-*********555');
        expect(pinSpan.name).toBe('GET /api/v1/pins/:pin');
        expect(attr(pinSpan.attributes, 'http.response.status_code')).toBe(200);
        expect(attr(pinSpan.attributes, 'url.path')).toBe('/api/v1/pins/*********555');
        // The caller's W3C trace context is honoured.
        expect(pinSpan.traceId).toBe(caller.traceId);
        expect(pinSpan.parentSpanId).toBe(caller.spanId);

        const searchSpan = spanOf(search);
        expect(searchSpan.name).toBe('GET /api/v1/units');
        expect(attr(searchSpan.attributes, 'http.response.status_code')).toBe(search.statusCode);
        expect(attr(searchSpan.attributes, 'url.path')).toBe('/api/v1/units');
        expect(attr(searchSpan.attributes, 'url.query')).toBeUndefined();

        // An unknown API path: a GET reaches the web UI's catch-all route (which answers 404 for
        // /api/), any other method no route, and the span is named by the method alone. The path is masked.
        expect(spanOf(missing).name).toBe('GET /*');
        expect(attr(spanOf(missing).attributes, 'http.response.status_code')).toBe(404);
        expect(attr(spanOf(missing).attributes, 'url.path')).toBe('/api/v1/people/*********555');
        expect(spanOf(unrouted).name).toBe('POST');
        expect(attr(spanOf(unrouted).attributes, 'http.response.status_code')).toBe(404);
        expect(attr(spanOf(unrouted).attributes, 'url.path')).toBe('/api/v1/people/*********555');

        const refusedSpan = spanOf(refused);
        expect(refusedSpan.name).toBe('GET /api/v1/units/:code');
        expect(attr(refusedSpan.attributes, 'http.response.status_code')).toBe(400);
        expect(attr(refusedSpan.attributes, 'url.path')).toBe('/api/v1/units/*********555');

        expect(spans.filter((s) => attr(s.attributes, 'http.route') === '/healthz')).toEqual([]);
      } finally {
        await t.drop();
      }
    });
  });
}

// Last in this file: it imports the tracing module (and with it the plugin) itself.
describe('span redaction', () => {
  it('drops URL attributes holding a query and masks identification and phone numbers in names, attributes, status and events', async () => {
    const { redactSpan } = await import('./tracing.js');
    const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
    const span = provider.getTracer('test').startSpan('lookup 030095005555', {
      attributes: {
        'url.full': 'http://127.0.0.1/api/v1/citizens?q=Nguy%E1%BB%85n',
        'url.query': 'q=Nguyễn Văn An',
        'http.target': '/api/v1/citizens/030095005555',
        'url.path': '/api/v1/citizens/030095005555',
        'http.route': '/api/v1/citizens/:key',
        'http.response.status_code': 404,
        'motcua.phones': ['0912345678', 'none'],
      },
    });
    span.setStatus({ code: 2, message: 'Không có công dân số định danh 030095005555' });
    span.recordException(new Error('citizen 030095005555 not found, phone +84912345678'));
    span.end();
    const [original] = memory.getFinishedSpans();
    const redacted = redactSpan(original!);

    expect(redacted.name).toBe('lookup *********555');
    expect(redacted.attributes).toEqual({
      'url.path': '/api/v1/citizens/*********555',
      'http.route': '/api/v1/citizens/:key',
      'http.response.status_code': 404,
      'motcua.phones': ['*******678', 'none'],
    });
    expect(redacted.status).toEqual({ code: 2, message: 'Không có công dân số định danh *********555' });
    expect(redacted.events.map((e) => [e.name, e.attributes?.['exception.message']])).toEqual([['exception', 'citizen *********555 not found, phone *********678']]);
    // A view: the identity and timing come from the span, which itself is unchanged.
    expect(redacted.spanContext()).toEqual(original!.spanContext());
    expect(redacted.duration).toEqual(original!.duration);
    expect(original!.attributes['url.path']).toBe('/api/v1/citizens/030095005555');
    await provider.shutdown();
  });
});

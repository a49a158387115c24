/**
 * The HTTP fuzzer (issue 9 item 4; `npm run trials:fuzz`, trials/fuzz.ts, and a CI-sized run in
 * src/platform/http/fuzz.test.ts): requests generated with fast-check from the platform's own
 * OpenAPI 3.1 document (`GET /api/openapi.json`) against every operation, as an anonymous caller,
 * each staff role and a citizen, sent in process with `app.inject`.
 *
 * Every parameter and body member gets a mix of valid values (from its schema: enum, pattern,
 * format, lengths, ranges; plus real values of the seeded data such as unit codes and ids),
 * boundary values (lengths and integers at and just past their limits) and hostile ones (10 kB–1 MB
 * strings, wrong JSON types, null, NUL, lone surrogates, RTL/zero-width/combining characters,
 * Vietnamese in NFD, SQL and path fragments, `%00`). A request may also lose a required member,
 * gain an unknown one, repeat a query key, carry a wrong content type, malformed or over-deep JSON.
 *
 * Checks of every answer: status below 500; a 4xx/5xx is `application/problem+json` whose `code`
 * (and each `errors[].code`) is in the error catalogue (src/platform/errors.ts) with `title` and
 * `detail` present. Request `i` of a run is generated from the seed and `i` alone, so a failure
 * is replayed with `--seed S --replay i` (the database state may differ; the request is the same).
 */
import fc from 'fast-check';
import { errorCatalogue } from '../errors.js';
import type { Api } from '../module.js';

type Schema = Record<string, unknown> & {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
};

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: Schema;
}

/** One operation of the OpenAPI document. */
export interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  /** JSON body schema, when the operation declares one. */
  body?: Schema;
  bodyRequired: boolean;
}

/** A request the fuzzer sends (JSON-serialisable, printed as the reproducer). */
export interface FuzzRequest {
  method: string;
  url: string;
  /** Header values; an array repeats the header. */
  headers: Record<string, string | string[]>;
  /** Raw payload (already serialised), if any. */
  payload?: string;
  /** The principal key whose token is attached (`anonymous`, a staff role, `citizen`, `bogus`). */
  as: string;
  remoteAddress: string;
}

/** Operations of an OpenAPI 3.1 document (path items × methods). */
export function operationsOf(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const content = (op.requestBody as { content?: Record<string, { schema?: Schema }>; required?: boolean } | undefined)?.content;
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: ((op.parameters as Parameter[] | undefined) ?? []).filter((p) => ['path', 'query', 'header'].includes(p.in)),
        body: content?.['application/json']?.schema,
        bodyRequired: Boolean((op.requestBody as { required?: boolean } | undefined)?.required),
      });
    }
  }
  return ops;
}

// --- hostile and boundary values -------------------------------------------------------------------

const VI = 'Nguyễn Thị Hoà, xã Cẩm Giàng, tỉnh Hải Dương';

/** Strings no schema expects: injection fragments, control and exotic Unicode, encodings. */
export const HOSTILE_STRINGS: string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '%00',
  '%',
  '%zz',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '/etc/passwd%00.png',
  "' OR 1=1 --",
  "'; DROP TABLE staff; --",
  '" OR ""="',
  '1; SELECT pg_sleep(0)',
  '\\',
  '\uD800',
  '\uDFFF',
  'x\uDBFFy',
  '\u202Eevil\u202C',
  '\u200B\u200C\u200D\uFEFF',
  'a' + '\u0301'.repeat(50),
  VI.normalize('NFD'),
  VI,
  '👨‍👩‍👧‍👦🇻🇳',
  '<script>alert(1)</script>',
  '{{7*7}}${7*7}',
  '\r\nX-Injected: 1',
  'NaN',
  'Infinity',
  '-1',
  '1e999',
  '0x10',
  ' 1 ',
  '00000000000000000000001',
  'null',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  '2023-02-29',
  '2024-02-30',
  '0000-00-00',
  '9999-12-31',
  '-001000-01-01',
  '2023-13-01',
  '2023-1-1',
  '2023-02-28T25:00:00Z',
  '275760-09-13',
  '+275760-09-13T00:00:00Z',
  '1.0042220',
  '０１２３４５６７８９０１',
  '٠١٢٣٤٥٦٧٨٩٠١',
];

/** A large string of 10 kB to 1 MB. */
const hugeString = fc
  .tuple(fc.constantFrom(10_000, 70_000, 300_000, 1_100_000), fc.constantFrom('a', 'ễ', '0', '\u200B', "' OR 1=1 --"))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));

/** Values of the wrong JSON type for anything. */
const wrongType: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, -0.0, 1e308, Number.MAX_SAFE_INTEGER + 2, [], [1, 2], ['a'], {}, { a: 1 }, { $gt: '' }, 'string');

const hostileString = fc.oneof({ arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 8 }, { arbitrary: hugeString, weight: 1 }, { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 });

const hostile: fc.Arbitrary<unknown> = fc.oneof({ arbitrary: hostileString, weight: 3 }, { arbitrary: wrongType, weight: 2 });

const INT_EDGES = [0, -1, 1, 2, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e21];

function typesOf(s: Schema): string[] {
  if (Array.isArray(s.type)) return s.type;
  if (typeof s.type === 'string') return [s.type];
  if (s.properties) return ['object'];
  return [];
}

/** Boundary values of one schema: lengths and numbers at and just past its limits. */
function boundaryOf(s: Schema): fc.Arbitrary<unknown> {
  const out: unknown[] = [];
  const t = typesOf(s);
  if (t.includes('string')) {
    const min = s.minLength ?? 0;
    out.push('x'.repeat(min), 'ễ'.repeat(min));
    if (min > 0) out.push('x'.repeat(min - 1));
    if (s.maxLength !== undefined) out.push('x'.repeat(s.maxLength), 'ễ'.repeat(s.maxLength), 'x'.repeat(s.maxLength + 1), 'e\u0302\u0303'.repeat(s.maxLength));
  }
  if (t.includes('integer') || t.includes('number')) {
    out.push(...INT_EDGES);
    if (s.minimum !== undefined) out.push(s.minimum, s.minimum - 1, String(s.minimum - 1));
    if (s.maximum !== undefined) out.push(s.maximum, s.maximum + 1, String(s.maximum + 1));
    if (t.includes('integer')) out.push(1.5, '1.5', '1e3');
  }
  if (t.includes('array')) {
    const item = s.items ? fc.sample(validOf(s.items), { numRuns: 1, seed: 7 })[0] : 1;
    if (s.minItems !== undefined && s.minItems > 0) out.push(Array(s.minItems - 1).fill(item));
    if (s.maxItems !== undefined) out.push(Array(s.maxItems + 1).fill(item), Array(s.maxItems).fill(item));
    out.push(Array(5000).fill(item));
  }
  if (t.includes('object')) out.push({}, Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i])));
  if (out.length === 0) out.push(null);
  return fc.constantFrom(...out);
}

/** Real values of the seeded data by member name (ids, unit codes, PINs, procedure codes …). */
export type RealValues = Record<string, string[]>;

const DATE = fc.date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true });

function stringOf(s: Schema): fc.Arbitrary<string> {
  if (s.format === 'date') return DATE.map((d) => d.toISOString().slice(0, 10));
  if (s.format === 'date-time') return DATE.map((d) => d.toISOString().replace('Z', '+07:00'));
  if (s.format === 'email') return fc.emailAddress({ size: 'small' });
  const max = Math.min(s.maxLength ?? 40, 60);
  const min = Math.min(s.minLength ?? 0, max);
  if (s.pattern) {
    try {
      return fc.stringMatching(new RegExp(s.pattern), { size: 'small' }).filter((v) => v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity));
    } catch {
      /* a pattern fast-check cannot generate from: plain strings below */
    }
  }
  return fc.oneof(fc.string({ minLength: min, maxLength: max }), fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }), fc.constant(VI.slice(0, Math.max(min, Math.min(max, VI.length)))));
}

const validCache = new WeakMap<Schema, fc.Arbitrary<unknown>>();
const pureCache = new WeakMap<Schema, fc.Arbitrary<unknown>>();

/**
 * Values valid for a schema (as far as its keywords say; business rules may still refuse them).
 * `pure`: members of objects valid too; otherwise they are sometimes at a boundary or hostile.
 */
export function validOf(s: Schema, real: RealValues = {}, name = '', pure = false): fc.Arbitrary<unknown> {
  const cache = pure ? pureCache : validCache;
  const cached = cache.get(s);
  if (cached && !real[name]) return cached;
  let arb: fc.Arbitrary<unknown>;
  if (s.enum) arb = fc.constantFrom(...s.enum);
  else if ('const' in s) arb = fc.constant(s.const);
  else if (s.anyOf || s.oneOf) arb = fc.oneof(...(s.anyOf ?? s.oneOf)!.map((b) => validOf(b, real, name, pure)));
  else {
    const arbs = typesOf(s).map((t): fc.Arbitrary<unknown> => {
      switch (t) {
        case 'string':
          return stringOf(s);
        case 'integer':
          return fc.integer({ min: Math.max(s.minimum ?? -1000, -(2 ** 31)), max: Math.min(s.maximum ?? 100_000, 2 ** 31 - 1) });
        case 'number':
          return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
        case 'boolean':
          return fc.boolean();
        case 'null':
          return fc.constant(null);
        case 'array':
          return fc.array(s.items ? validOf(s.items, real, '', pure) : fc.jsonValue({ maxDepth: 1 }), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, Math.max(s.minItems ?? 0, 4)) });
        case 'object':
          return objectOf(s, real, pure);
        default:
          return fc.jsonValue({ maxDepth: 2 });
      }
    });
    arb = arbs.length === 0 ? fc.jsonValue({ maxDepth: 2 }) : arbs.length === 1 ? arbs[0]! : fc.oneof(...arbs);
  }
  const known = real[name];
  if (known && known.length > 0) {
    const numeric = typesOf(s).includes('integer') || typesOf(s).includes('number');
    const values = known.map((v) => (numeric && /^-?\d+$/.test(v) ? Number(v) : v));
    arb = fc.oneof({ arbitrary: fc.constantFrom(...values), weight: 2 }, { arbitrary: arb, weight: 1 });
  } else cache.set(s, arb);
  return arb;
}

/** A value for a member: mostly valid, sometimes at a boundary, sometimes hostile. */
function memberOf(s: Schema, real: RealValues, name: string): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: validOf(s, real, name), weight: 6 }, { arbitrary: boundaryOf(s), weight: 1 }, { arbitrary: hostile, weight: 2 });
}

const MISSING = Symbol('missing');

function objectOf(s: Schema, real: RealValues, pure: boolean): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(s.properties ?? {});
  const required = new Set(s.required ?? []);
  const member = (ps: Schema, k: string) => (pure ? validOf(ps, real, k, true) : memberOf(ps, real, k));
  const entries = props.map(([k, ps]) => (required.has(k) ? member(ps, k) : fc.option(member(ps, k), { nil: MISSING as unknown as undefined, freq: 2 })).map((v) => [k, v] as const));
  const additional = s.additionalProperties === true || (s.additionalProperties === undefined && props.length === 0);
  const extra = additional ? fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }) : fc.constant({});
  return fc.tuple(fc.tuple(...entries), extra).map(([kv, more]) => {
    const o: Record<string, unknown> = { ...more };
    for (const [k, v] of kv) if (v !== (MISSING as unknown)) o[k] = v;
    return o;
  });
}

// --- whole requests --------------------------------------------------------------------------------

type Mutation = 'none' | 'drop-required' | 'extra-field' | 'duplicate-query' | 'duplicate-json-key' | 'wrong-content-type' | 'malformed-json' | 'body-wrong-type' | 'too-deep' | 'empty-body' | 'raw-path';

const MUTATIONS = fc.oneof(
  { arbitrary: fc.constant<Mutation>('none'), weight: 12 },
  { arbitrary: fc.constantFrom<Mutation>('drop-required', 'extra-field', 'duplicate-query', 'duplicate-json-key', 'wrong-content-type', 'malformed-json', 'body-wrong-type', 'too-deep', 'empty-body', 'raw-path'), weight: 6 },
);

const MALFORMED_JSON = ['{', '{"a":', '[1,2', '{"a":1,}', "{'a':1}", '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', 'nul', '\u0000', '"\\ud800"', '{"a":"\\u0000"}', '1e99999', '-', '{"a":1}{"b":2}', '\uFEFF{}'];

const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=xyz', 'application/xml', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/jsonx', 'text/csv', 'application/octet-stream', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', '*/*', ';;;', 'application/problem+json'];

/** Bodies for operations that take files (multipart or raw): small valid-looking files and junk. */
function fileBody(): fc.Arbitrary<{ contentType: string; payload: string }> {
  const boundary = '----motcuafuzz';
  const part = (name: string, filename: string, type: string, content: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n${content}\r\n--${boundary}--\r\n`;
  return fc.oneof(
    fc.tuple(fc.constantFrom('file', 'files', 'x', ''), fc.constantFrom('a.pdf', '../../etc/passwd', 'ảnh.png', '\u202Egnp.exe', ''), fc.constantFrom('%PDF-1.4\n%%EOF', '\x89PNG\r\n\x1a\n', 'MZ\x90\x00', 'pin,fullName\n031190001234,Nguyễn Thị Hoa\n', '')).map(([n, f, c]) => ({
      contentType: `multipart/form-data; boundary=${boundary}`,
      payload: part(n, f, 'application/pdf', c),
    })),
    fc.constantFrom(`--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\nno end`, `--other\r\n\r\n--other--`, '').map((payload) => ({ contentType: `multipart/form-data; boundary=${boundary}`, payload })),
    fc.tuple(fc.constantFrom('text/csv', 'application/octet-stream', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'), fc.constantFrom('pin,fullName,dateOfBirth,sex\n030190000001,Nguyễn Văn An,1990-01-01,Nam\n', 'PK\x03\x04garbage', '\uFEFFa;b;c\n1;2;3', '"unterminated,\n', '', 'name,phone\n' + 'x,'.repeat(500))).map(([contentType, payload]) => ({ contentType, payload })),
  );
}

function deepJson(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** Encodes a value as a query-string or path value (arrays: one key per item). */
function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Header values are bytes: keep them visible Latin-1 (what an HTTP client can actually send). */
function headerSafe(v: string): string {
  return v.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?').slice(0, 8000);
}

/**
 * `encodeURIComponent`, except that a lone surrogate (which has no UTF-8 form) is sent as the
 * three bytes a careless encoder writes for it (WTF-8, e.g. `%ED%A0%80`), not refused.
 */
export function encodeLoose(v: string): string {
  return v.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[^\uD800-\uDFFF]+|[\uD800-\uDBFF][\uDC00-\uDFFF]/g, (part) => {
    if (part.length !== 1 || !/[\uD800-\uDFFF]/.test(part)) return encodeURIComponent(part);
    const c = part.charCodeAt(0);
    return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
  });
}

function encodePathValue(v: string, raw: boolean): string {
  if (!raw) return encodeLoose(v);
  // Raw: what a careless client sends (no encoding of `/`, `%`, `..`), keeping the URL parseable.
  return v.replace(/[\s#?]/g, (c) => encodeURIComponent(c)).replace(/[\uD800-\uDFFF]/g, (c) => encodeLoose(c));
}

/** The arbitrary of one request of `op`, signed in as one of `principals`. */
export function requestOf(op: Operation, principals: string[], real: RealValues): fc.Arbitrary<FuzzRequest> {
  const params = op.parameters;
  // Half the requests are valid as far as the schemas say (to reach the business rules and the
  // database); in the others every parameter and member may be at a boundary or hostile.
  const paramArbs = (pure: boolean) =>
    params.map((p) => {
      const v = pure ? validOf(p.schema, real, p.name, true) : memberOf(p.schema, real, p.name);
      return p.required ? v : fc.option(v, { nil: MISSING as unknown as undefined, freq: 2 });
    });
  const takesFile = !op.body && ['POST', 'PUT', 'PATCH'].includes(op.method);
  const pureBody = op.body ? validOf(op.body, real, '', true) : fc.constant(undefined);
  const mixedBody = op.body ? memberOfBody(op.body, real) : fc.constant(undefined);
  const parts = fc.oneof(fc.record({ values: fc.tuple(...paramArbs(true)), body: pureBody }), fc.record({ values: fc.tuple(...paramArbs(false)), body: mixedBody }));
  return fc
    .record({
      parts,
      file: takesFile ? fc.option(fileBody(), { freq: 5 }) : fc.constant(null),
      mutation: MUTATIONS,
      as: fc.constantFrom(...principals),
      lang: fc.constantFrom('vi', 'en', 'en-US,en;q=0.9', '*', 'xx'),
      ct: fc.constantFrom(...CONTENT_TYPES),
      malformed: fc.constantFrom(...MALFORMED_JSON),
      wrongBody: wrongType,
      extra: fc.tuple(fc.constantFrom('isAdmin', '__proto__', 'role', 'zz', VI.normalize('NFD')), hostile),
      ip: fc.integer({ min: 1, max: 254 }),
      dropIndex: fc.nat(),
    })
    .map(({ parts: { values, body }, ...g }): FuzzRequest => {
      let path = op.path;
      const query: [string, string][] = [];
      const headers: Record<string, string | string[]> = { 'accept-language': g.lang };
      const requiredParams = params.map((p, i) => [p, i] as const).filter(([p]) => p.required);
      const dropParam = g.mutation === 'drop-required' && requiredParams.length > 0 && (!op.body || g.dropIndex % 2 === 0) ? requiredParams[g.dropIndex % requiredParams.length]![1] : -1;
      params.forEach((p, i) => {
        const v = values[i];
        if (p.in === 'path') {
          const text = i === dropParam ? '' : asText(v === (MISSING as unknown) ? '1' : v);
          path = path.replace(`{${p.name}}`, encodePathValue(text, g.mutation === 'raw-path'));
          return;
        }
        if (v === (MISSING as unknown) || i === dropParam) return;
        if (p.in === 'query') {
          for (const item of Array.isArray(v) ? v : [v]) query.push([p.name, asText(item)]);
          if (g.mutation === 'duplicate-query') query.push([p.name, asText(Array.isArray(v) ? v[0] : v)], [p.name, "' OR 1=1 --"]);
        } else headers[p.name.toLowerCase()] = g.mutation === 'duplicate-query' ? [headerSafe(asText(v)), headerSafe(asText(g.extra[1]))] : headerSafe(asText(v));
      });
      if (g.mutation === 'extra-field' || (g.mutation === 'duplicate-query' && query.length === 0)) query.push([String(g.extra[0]), asText(g.extra[1])]);
      const qs = query.map(([k, v]) => `${encodeLoose(k)}=${g.mutation === 'raw-path' ? encodePathValue(v, true) : encodeLoose(v)}`).join('&');
      let payload: string | undefined;
      if (op.body) {
        let value = body as unknown;
        if (g.mutation === 'drop-required' && dropParam < 0 && value && typeof value === 'object' && !Array.isArray(value)) {
          const req = op.body.required ?? [];
          if (req.length > 0) {
            value = { ...(value as object) };
            delete (value as Record<string, unknown>)[req[g.dropIndex % req.length]!];
          }
        }
        if (g.mutation === 'extra-field' && value && typeof value === 'object' && !Array.isArray(value)) value = { ...(value as object), [g.extra[0]]: g.extra[1] };
        if (g.mutation === 'body-wrong-type') value = g.wrongBody;
        headers['content-type'] = g.mutation === 'wrong-content-type' ? g.ct : 'application/json';
        payload = g.mutation === 'malformed-json' ? g.malformed : g.mutation === 'too-deep' ? deepJson(5000) : g.mutation === 'empty-body' ? '' : JSON.stringify(value);
        // The same member twice (`{"pin":"' OR 1=1 --","pin":"0301…"}`): JSON.parse keeps the last.
        if (g.mutation === 'duplicate-json-key' && value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
          const first = Object.keys(value)[0]!;
          const rest = payload.slice(1);
          payload = `{${JSON.stringify(first)}:${JSON.stringify(g.extra[1]) ?? 'null'},${rest}`;
          if (g.dropIndex % 2 === 0) payload = `${payload.slice(0, -1)},${JSON.stringify(first)}:${JSON.stringify(g.extra[1]) ?? 'null'}}`;
        }
      } else if (g.file) {
        headers['content-type'] = g.mutation === 'wrong-content-type' ? g.ct : g.file.contentType;
        payload = g.file.payload;
      } else if (g.mutation === 'wrong-content-type' || g.mutation === 'malformed-json') {
        headers['content-type'] = g.mutation === 'malformed-json' ? 'application/json' : g.ct;
        payload = g.malformed;
      }
      return { method: op.method, url: `${path}${qs ? `?${qs}` : ''}`, headers, payload, as: g.as, remoteAddress: `203.0.113.${g.ip}` };
    });
}

/** Bodies: mostly an object from the schema, sometimes a wholly hostile value. */
function memberOfBody(s: Schema, real: RealValues): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: validOf(s, real), weight: 10 }, { arbitrary: hostile, weight: 1 }, { arbitrary: boundaryOf(s), weight: 1 });
}

/** Request `index` of a run with `seed`: generated from those two numbers alone. */
export function requestAt(ops: Operation[], arbs: fc.Arbitrary<FuzzRequest>[], seed: number, index: number): { op: Operation; request: FuzzRequest } {
  const k = index % ops.length;
  const request = fc.sample(arbs[k]!, { seed: (seed ^ Math.imul(index + 1, 0x9e3779b1)) | 0, numRuns: 1 })[0]!;
  return { op: ops[k]!, request };
}

// --- checks ----------------------------------------------------------------------------------------

/** What is wrong with an answer (undefined: nothing). */
export function problemWith(status: number, contentType: string | undefined, body: string): { kind: '5xx' | 'non-catalogue'; code: string } | undefined {
  let code = '';
  let catalogueOk = true;
  if (status >= 400) {
    catalogueOk = false;
    if ((contentType ?? '').startsWith('application/problem+json')) {
      try {
        const doc = JSON.parse(body) as { code?: unknown; title?: unknown; detail?: unknown; errors?: { code?: unknown }[] };
        code = String(doc.code ?? '');
        const known = (c: unknown) => typeof c === 'string' && Object.hasOwn(errorCatalogue, c);
        catalogueOk = known(doc.code) && typeof doc.title === 'string' && doc.title.length > 0 && typeof doc.detail === 'string' && doc.detail.length > 0 && (doc.errors ?? []).every((e) => known(e.code));
      } catch {
        catalogueOk = false;
      }
    }
    if (!code) code = `(${(contentType ?? 'no content type').split(';')[0]})`;
  }
  if (status >= 500) return { kind: '5xx', code };
  if (!catalogueOk) return { kind: 'non-catalogue', code };
  return undefined;
}

export interface Failure {
  kind: '5xx' | 'non-catalogue' | 'inject-error';
  route: string;
  status: number;
  code: string;
  index: number;
  request: FuzzRequest;
  excerpt: string;
  count: number;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  byRoute: Map<string, number>;
  byStatus: Map<number, number>;
  fiveXx: number;
  nonCatalogue: number;
  injectErrors: number;
  unhandled: number;
  failures: Map<string, Failure>;
  ms: number;
}

export interface FuzzOptions {
  app: Api;
  seed: number;
  requests: number;
  /** Principal key → bearer token (`anonymous` has none); refreshed by `refresh` every `refreshEvery` requests. */
  tokens: () => Record<string, string | undefined>;
  refresh?: () => Promise<void>;
  refreshEvery?: number;
  real: RealValues;
  /** Only operations whose `METHOD path` contains this. */
  only?: string;
  progress?: (done: number, report: FuzzReport) => void;
}

/** Runs the fuzzer against an app; counts process-level unhandled rejections and exceptions meanwhile. */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const doc = (await options.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as Parameters<typeof operationsOf>[0];
  const ops = operationsOf(doc).filter((o) => !options.only || `${o.method} ${o.path}`.includes(options.only));
  const principals = ['anonymous', 'bogus', ...Object.keys(options.tokens()).filter((k) => k !== 'anonymous')];
  const arbs = ops.map((op) => requestOf(op, principals, options.real));
  const report: FuzzReport = { seed: options.seed, requests: 0, byRoute: new Map(), byStatus: new Map(), fiveXx: 0, nonCatalogue: 0, injectErrors: 0, unhandled: 0, failures: new Map(), ms: 0 };
  const onUnhandled = (err: unknown) => {
    report.unhandled++;
    const key = `unhandled|${String((err as Error)?.message ?? err).slice(0, 120)}`;
    if (!report.failures.has(key)) report.failures.set(key, { kind: 'inject-error', route: 'process', status: 0, code: String((err as Error)?.stack ?? err).slice(0, 600), index: report.requests, request: { method: '', url: '', headers: {}, as: '', remoteAddress: '' }, excerpt: '', count: 0 });
    report.failures.get(key)!.count++;
  };
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  const started = performance.now();
  try {
    for (let i = 0; i < options.requests; i++) {
      if (options.refresh && i > 0 && i % (options.refreshEvery ?? 250) === 0) await options.refresh();
      const { op, request } = requestAt(ops, arbs, options.seed, i);
      const route = `${op.method} ${op.path}`;
      report.byRoute.set(route, (report.byRoute.get(route) ?? 0) + 1);
      const token = request.as === 'bogus' ? 'eid.bogus.' + 'x'.repeat(i % 300) : options.tokens()[request.as];
      const headers = { ...request.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) };
      let status = 0;
      let found: { kind: Failure['kind']; code: string } | undefined;
      let body = '';
      try {
        const res = await options.app.inject({ method: request.method as 'GET', url: request.url, headers, payload: request.payload, remoteAddress: request.remoteAddress });
        status = res.statusCode;
        body = res.body;
        found = problemWith(status, res.headers['content-type'] as string | undefined, status >= 400 ? body : '');
      } catch (err) {
        found = { kind: 'inject-error', code: String((err as Error).message).slice(0, 200) };
      }
      report.requests++;
      report.byStatus.set(status, (report.byStatus.get(status) ?? 0) + 1);
      if (found) {
        if (found.kind === '5xx') report.fiveXx++;
        else if (found.kind === 'non-catalogue') report.nonCatalogue++;
        else report.injectErrors++;
        const key = `${route}|${status}|${found.code}`;
        const prior = report.failures.get(key);
        if (prior) prior.count++;
        else report.failures.set(key, { kind: found.kind, route, status, code: found.code, index: i, request, excerpt: body.slice(0, 400), count: 1 });
      }
      options.progress?.(i + 1, report);
    }
  } finally {
    // Let rejections of the last requests surface before the listeners go.
    await new Promise((r) => setTimeout(r, 50));
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    report.ms = performance.now() - started;
  }
  return report;
}

/** The summary of a run, as printed by trials/fuzz.ts and the CI test. */
export function formatReport(report: FuzzReport): string {
  const lines: string[] = [];
  lines.push(`seed ${report.seed}: ${report.requests} requests in ${(report.ms / 1000).toFixed(1)} s`);
  lines.push('requests per route:');
  for (const [route, n] of [...report.byRoute].sort()) lines.push(`  ${String(n).padStart(6)}  ${route}`);
  lines.push(`statuses: ${[...report.byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`);
  lines.push(`5xx: ${report.fiveXx}`, `non-catalogue problems: ${report.nonCatalogue}`, `inject errors: ${report.injectErrors}`, `unhandled rejections/exceptions: ${report.unhandled}`);
  for (const f of report.failures.values()) {
    const body = f.request.payload === undefined ? '' : ` body ${JSON.stringify(f.request.payload.slice(0, 300))}${f.request.payload.length > 300 ? ` …(${f.request.payload.length} chars)` : ''}`;
    lines.push(`FAIL ${f.kind} ${f.route} → ${f.status} ${f.code} ×${f.count}: replay --seed ${report.seed} --replay ${f.index}`);
    lines.push(`  ${f.request.method} ${f.request.url.slice(0, 400)} as ${f.request.as} headers ${JSON.stringify(f.request.headers).slice(0, 300)}${body}`);
    if (f.excerpt) lines.push(`  answer: ${f.excerpt.slice(0, 300)}`);
  }
  return lines.join('\n');
}

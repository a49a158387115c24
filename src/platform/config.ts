/**
 * Configuration from environment variables, validated once at start (DESIGN.md §5: secrets and
 * settings come from the environment). A bad value stops the process with one line naming the
 * variable and the form it expects, exit code 78 (EX_CONFIG of sysexits.h), and no stack trace.
 *
 * | variable | default | form |
 * | --- | --- | --- |
 * | PORT | 3000 | integer 0–65535 |
 * | HOST | 127.0.0.1 | host name or IP address |
 * | DATABASE_URL | sqlite:./var/motcua.sqlite | `sqlite:PATH`, `sqlite::memory:` or `postgres://…` |
 * | DATABASE_READ_URL | (none) | `postgres://…` of a read replica (hot standby fed by streaming replication) of DATABASE_URL, which must then be PostgreSQL: citizen lookups and searches and the reports read there, their audit entries and every write go to DATABASE_URL. Reads there may trail a change committed a moment before (replication lag, `motcua_db_replica_lag_seconds` in /metrics). Replica unreachable: reads fall back to DATABASE_URL (one warning in the log, retried every 5 s) and `/readyz` stays ready |
 * | REDIS_URL | (none) | `redis://…` |
 * | LOG_LEVEL | info | fatal, error, warn, info, debug, trace, silent |
 * | MOTCUA_PUBLIC_URL | http://HOST:PORT | absolute http(s) URL the platform is reached at |
 * | MOTCUA_SEED | builtin | `builtin` (units and catalogues at first start) or `none` |
 * | MOTCUA_PG_POOL_MAX | 10 | integer 1–200 |
 * | MOTCUA_DB_TIMEOUT_MS | 5000 | integer 100–600000: statement and connection timeout |
 * | MOTCUA_BODY_LIMIT | 1048576 | integer bytes 1024–104857600 |
 * | MOTCUA_WEB_DIR | web/dist | directory of the built web UI |
 * | MOTCUA_DATA_DIR | ./var | directory for uploads and generated files |
 * | MOTCUA_IMPORT_MAX_BYTES | 524288000 | integer bytes: largest citizen-list upload |
 * | MOTCUA_GEO_DIR | (none) | directory of boundary files (`*.geojson`, e.g. `../shared/data/geo`) served read-only at `/geo/NAME.geojson` for the dashboard's map; unset: no map |
 * | MOTCUA_FILES_DIR | ./var/files | directory of dossier attachments, stored by SHA-256 (`ab/abcdef…`) |
 * | MOTCUA_ATTACHMENT_MAX_BYTES | 10485760 | integer bytes 1024–1073741824: largest attachment file of a dossier |
 * | MOTCUA_DOSSIER_MAX_BYTES | 52428800 | integer bytes 1024–10737418240: all attachments of one dossier together |
 * | MOTCUA_DATA_KEY | (none; required in production) | base64 of 32 random bytes (`openssl rand -base64 32`): key sealing personal data at rest (src/platform/crypto.ts) |
 * | MOTCUA_DATA_KEY_FILE | (none) | file holding that key (container secrets); development without either keeps `./var/data-key` |
 * | MOTCUA_DATA_KEY_PREVIOUS | (none) | during a rotation: the data key being replaced (same form); values it sealed still open, `motcua keys rotate` seals them again under MOTCUA_DATA_KEY; needs MOTCUA_MAC_KEY |
 * | MOTCUA_MAC_KEY | the data key | same form: key of the keyed hashes (pairwise subjects given to portals, one-time-code hashes, sign-on cookie signatures), kept when the data key rotates; set it to the first MOTCUA_DATA_KEY before the first rotation |
 * | MOTCUA_LANG | vi | `vi` or `en`: language of command-line messages |
 * | MOTCUA_DEMO | on | `on`: at first start load demo data (people, staff accounts printed once on the console); `off` in production |
 * | MOTCUA_DEMO_POPULATION | 20000 | integer 0–1000000: demo people (Tỉnh Hải Dương, February 2023) |
 * | MOTCUA_METRICS_TOKEN | (none) | 16–512 URL-safe characters: when set, `GET /metrics` asks for `Authorization: Bearer TOKEN` |
 * | MOTCUA_UNITS_CACHE_MS | 1000 | integer 0–60000: how stale a cached unit or public-services catalog answer may be (0: check every request; a catalog change is seen at once by the copy that made it) |
 * | MOTCUA_SESSION_CACHE_MS | 1000 | integer 0–60000: how long a staff session found live is trusted without reading it again, i.e. how late a revocation made by another app copy is seen (0: read every request) |
 * | MOTCUA_SQLITE_MMAP_MB | 2000 | integer 0–2047: SQLite, the server only: megabytes of the database file read through a memory map instead of `read()` calls (random reads of lookups and name searches 2–3 times cheaper; the mapped pages count in the server's resident memory); 0: none |
 * | MOTCUA_SMS_SINK | `http` when MOTCUA_SMS_URL is set, else `console` | `console` (one line per message on standard error, phone masked, text readable: development only), `file:PATH` (one JSON line per message appended to PATH: development and tests; holds texts and full numbers) or `http` (the SMS gateway below) |
 * | MOTCUA_SMS_URL | (none) | absolute http(s) URL of the SMS gateway: POST JSON `{id, to, text, kind}` with `Authorization: Bearer MOTCUA_SMS_TOKEN` and `Idempotency-Key` |
 * | MOTCUA_SMS_TOKEN | (none) | bearer token of the SMS gateway; required with `http` |
 * | MOTCUA_MAIL_SINK | `smtp` when MOTCUA_SMTP_URL is set, else the SMS sink when it is `console` or `file:PATH`, else `console` | `console`, `file:PATH` or `smtp` |
 * | MOTCUA_SMTP_URL | (none) | `smtp://user:pass@host:port` (STARTTLS when offered) or `smtps://…` (TLS from the start) |
 * | MOTCUA_MAIL_FROM | (none) | sender of e-mails, `Name <address>` or `address`; required with `smtp` |
 * | MOTCUA_OUTBOX_WORKER | on | `on`: this copy delivers queued messages and runs background jobs; `off`: it only queues them (other copies do the work) |
 * | MOTCUA_OUTBOX_POLL_MS | 1000 | integer 50–60000: pause of the delivery and job loops when nothing is due |
 * | MOTCUA_OUTBOX_LEASE_MS | 60000 | integer 3000–3600000: how long a claimed message is reserved for one copy; a copy that dies mid-send leaves it to others after this (sending times out at a third of it, 30 s at most; a running job renews its lease) |
 * | MOTCUA_OUTBOX_MAX_ATTEMPTS | 12 | integer 1–50: delivery attempts before a message is marked failed (12 from 5 s: a gateway outage of about 2 h 25 min is ridden out) |
 * | MOTCUA_OUTBOX_RETRY_MS | 5000 | integer 10–3600000: wait before the first retry, doubled at each further one, one hour at most |
 * | MOTCUA_EID_SINGLE_DEVICE | on | `on`: a citizen's e-ID sign-in on a new device ends the sessions of the others (one device at a time, as VNeID does); `off`: several sessions may live together |
 * | MOTCUA_STAFF_TOTP | required | `required`: every staff sign-in needs a code from an authenticator app (TOTP, RFC 6238) besides the password; an account without one sets it up at its next sign-in (src/identity/staff.ts). `optional`: accounts without one sign in with the password alone (those with one still need a code); refused when `NODE_ENV=production` (staff read personal data: two factors, NIST SP 800-63B AAL2) |
 * | OTEL_EXPORTER_OTLP_TRACES_ENDPOINT | (none) | absolute http(s) URL taking OTLP/HTTP traces, used as is (`http://collector:4318/v1/traces`). When it or the next is set, every HTTP request becomes a span named by its route template, with the database statements it ran as child spans (src/platform/http/tracing.ts); unset: no tracing code is even loaded |
 * | OTEL_EXPORTER_OTLP_ENDPOINT | (none) | absolute http(s) base URL of an OTLP/HTTP collector (`http://collector:4318`): traces go to its `/v1/traces` |
 * | OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, OTEL_EXPORTER_OTLP_PROTOCOL | http/json | `http/json`, the only one the exporter sends (any OTLP/HTTP collector takes it) |
 * | OTEL_SERVICE_NAME | motcua | `service.name` of the traces: 1–255 visible ASCII characters (inner spaces allowed) |
 * | OTEL_SDK_DISABLED | false | `true`: no traces even with an endpoint set |
 *
 * The exporter and SDK read their other standard variables themselves (OTEL_EXPORTER_OTLP_HEADERS,
 * OTEL_EXPORTER_OTLP_TIMEOUT, OTEL_EXPORTER_OTLP_COMPRESSION, OTEL_TRACES_SAMPLER, OTEL_BSP_*).
 */
import { AppError } from './errors.js';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  /** PostgreSQL read replica of `databaseUrl` (src/platform/db/database.ts `Database.read`); undefined: reads go to the primary. */
  databaseReadUrl: string | undefined;
  redisUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  publicUrl: string;
  seed: 'builtin' | 'none';
  pgPoolMax: number;
  dbTimeoutMs: number;
  bodyLimit: number;
  webDir: string;
  unitsCacheMs: number;
  /** Bearer token `/metrics` asks for; undefined: open (keep it on an internal network). */
  metricsToken: string | undefined;
  /** Staleness bound of the staff session cache (src/identity/staff.ts), ms. */
  sessionCacheMs: number;
  /** SQLite memory map of the server's connection, MB (src/platform/db/database.ts `memoryMap`). */
  sqliteMmapMb: number;
  dataDir: string;
  importMaxBytes: number;
  /** Boundary files (GeoJSON) served at `/geo/…` for the dashboard map (src/reports/geo.ts); undefined: no map. */
  geoDir: string | undefined;
  /** Dossier attachments (src/dossiers/attachments.ts). */
  filesDir: string;
  attachmentMaxBytes: number;
  dossierMaxBytes: number;
  demo: boolean;
  demoPopulation: number;
  /** Language of command-line messages. */
  lang: 'vi' | 'en';
  /** Notification delivery (src/platform/jobs/outbox.ts). */
  outbox: OutboxConfig;
  /** e-ID sign-in ends the account's sessions on other devices (src/identity/eid). */
  eidSingleDevice: boolean;
  /** Whether staff must have a TOTP second factor (src/identity/staff.ts). */
  staffTotp: 'required' | 'optional';
  /** OpenTelemetry traces (src/platform/http/tracing.ts); undefined: off, the OpenTelemetry packages are never loaded. */
  tracing: TracingConfig | undefined;
}

/** Where and under which name traces go (OTLP over HTTP, JSON). */
export interface TracingConfig {
  /** Full URL of the collector's trace endpoint (`…/v1/traces`). */
  tracesUrl: string;
  /** `service.name` resource attribute. */
  serviceName: string;
}

/** Where SMS go: standard error, a JSON-lines file, or an HTTP SMS gateway. */
export type SmsSink = { kind: 'console' } | { kind: 'file'; path: string } | { kind: 'http'; url: string; token: string };
/** Where e-mails go: standard error, a JSON-lines file, or an SMTP server (nodemailer). */
export type MailSink = { kind: 'console' } | { kind: 'file'; path: string } | { kind: 'smtp'; url: string; from: string };

export interface OutboxConfig {
  sms: SmsSink;
  email: MailSink;
  /** This copy runs the delivery loop. */
  worker: boolean;
  pollMs: number;
  leaseMs: number;
  maxAttempts: number;
  retryMs: number;
}

type Env = Record<string, string | undefined>;

function bad(variable: string, expected: string, value: string): never {
  throw new AppError('CONFIG_INVALID', { variable, expected, value });
}

function int(env: Env, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (!/^\d+$/.test(raw.trim())) bad(name, `an integer from ${min} to ${max}`, raw);
  const n = Number(raw.trim());
  if (n < min || n > max) bad(name, `an integer from ${min} to ${max}`, raw);
  return n;
}

function oneOf<T extends string>(env: Env, name: string, dflt: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (!(allowed as readonly string[]).includes(raw)) bad(name, `one of ${allowed.join(', ')}`, raw);
  return raw as T;
}

function url(env: Env, name: string, protocols: string[], expected: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return bad(name, expected, raw);
  }
  if (!protocols.includes(parsed.protocol)) bad(name, expected, raw);
  return raw;
}

/** Reads and validates the configuration; throws AppError CONFIG_INVALID on the first bad value. */
export function loadConfig(env: Env = process.env): Config {
  const port = int(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST?.trim() || '127.0.0.1';
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(host)) bad('HOST', 'a host name or IP address', host);

  const dbRaw = env.DATABASE_URL?.trim() || 'sqlite:./var/motcua.sqlite';
  const dbExpected = 'sqlite:PATH, sqlite::memory: or postgres://user@host:port/database';
  if (dbRaw.startsWith('sqlite:')) {
    if (dbRaw.length === 'sqlite:'.length) bad('DATABASE_URL', dbExpected, dbRaw);
  } else {
    url(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], dbExpected) ?? bad('DATABASE_URL', dbExpected, dbRaw);
  }
  const readExpected = 'postgres://user@host:port/database (a read replica of a PostgreSQL DATABASE_URL)';
  const databaseReadUrl = url(env, 'DATABASE_READ_URL', ['postgres:', 'postgresql:'], readExpected);
  if (databaseReadUrl !== undefined && dbRaw.startsWith('sqlite:')) bad('DATABASE_READ_URL', 'unset while DATABASE_URL is SQLite (a read replica needs PostgreSQL)', databaseReadUrl);

  const publicUrl =
    url(env, 'MOTCUA_PUBLIC_URL', ['http:', 'https:'], 'an absolute http(s) URL') ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    port,
    host,
    databaseUrl: dbRaw,
    databaseReadUrl,
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:'], 'redis://host:port'),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    publicUrl: publicUrl.replace(/\/$/, ''),
    seed: oneOf(env, 'MOTCUA_SEED', 'builtin', ['builtin', 'none'] as const),
    pgPoolMax: int(env, 'MOTCUA_PG_POOL_MAX', 10, 1, 200),
    dbTimeoutMs: int(env, 'MOTCUA_DB_TIMEOUT_MS', 5000, 100, 600_000),
    bodyLimit: int(env, 'MOTCUA_BODY_LIMIT', 1_048_576, 1024, 104_857_600),
    webDir: env.MOTCUA_WEB_DIR?.trim() || 'web/dist',
    unitsCacheMs: int(env, 'MOTCUA_UNITS_CACHE_MS', 1000, 0, 60_000),
    metricsToken: metricsToken(env.MOTCUA_METRICS_TOKEN),
    sessionCacheMs: int(env, 'MOTCUA_SESSION_CACHE_MS', 1000, 0, 60_000),
    sqliteMmapMb: int(env, 'MOTCUA_SQLITE_MMAP_MB', 2000, 0, 2047),
    dataDir: env.MOTCUA_DATA_DIR?.trim() || './var',
    importMaxBytes: int(env, 'MOTCUA_IMPORT_MAX_BYTES', 524_288_000, 1024, 10_737_418_240),
    geoDir: env.MOTCUA_GEO_DIR?.trim() || undefined,
    filesDir: env.MOTCUA_FILES_DIR?.trim() || './var/files',
    attachmentMaxBytes: int(env, 'MOTCUA_ATTACHMENT_MAX_BYTES', 10_485_760, 1024, 1_073_741_824),
    dossierMaxBytes: int(env, 'MOTCUA_DOSSIER_MAX_BYTES', 52_428_800, 1024, 10_737_418_240),
    demo: oneOf(env, 'MOTCUA_DEMO', 'on', ['on', 'off'] as const) === 'on',
    lang: oneOf(env, 'MOTCUA_LANG', 'vi', ['vi', 'en'] as const),
    demoPopulation: int(env, 'MOTCUA_DEMO_POPULATION', 20_000, 0, 1_000_000),
    outbox: outboxConfig(env),
    eidSingleDevice: oneOf(env, 'MOTCUA_EID_SINGLE_DEVICE', 'on', ['on', 'off'] as const) === 'on',
    staffTotp: staffTotp(env),
    tracing: tracingConfig(env),
  };
}

/**
 * Tracing from the standard OpenTelemetry variables (opentelemetry.io/docs/specs/otel/protocol/exporter,
 * …/configuration/sdk-environment-variables): the traces endpoint used as is, or the base endpoint
 * with `v1/traces` appended; undefined when neither is set or OTEL_SDK_DISABLED is `true`.
 */
function tracingConfig(env: Env): TracingConfig | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const expected = 'an absolute http(s) URL of an OTLP/HTTP collector';
  const tracesUrl = url(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', ['http:', 'https:'], expected);
  const base = url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:'], expected);
  if (tracesUrl === undefined && base === undefined) return undefined;
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const protocol = env[name]?.trim();
    if (protocol && protocol !== 'http/json') bad(name, 'http/json (the trace exporter sends OTLP over HTTP as JSON)', protocol);
  }
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || 'motcua';
  if (!/^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/.test(serviceName)) bad('OTEL_SERVICE_NAME', '1–255 visible ASCII characters', serviceName.slice(0, 60));
  return { tracesUrl: tracesUrl ?? `${base!.replace(/\/+$/, '')}/v1/traces`, serviceName };
}

function staffTotp(env: Env): 'required' | 'optional' {
  const policy = oneOf(env, 'MOTCUA_STAFF_TOTP', 'required', ['required', 'optional'] as const);
  if (policy === 'optional' && env.NODE_ENV === 'production') bad('MOTCUA_STAFF_TOTP', 'required in production (NODE_ENV=production): staff sign in with two factors', policy);
  return policy;
}

function metricsToken(raw: string | undefined): string | undefined {
  const token = raw?.trim();
  if (!token) return undefined;
  if (!/^[A-Za-z0-9._~+/-]{16,512}$/.test(token)) bad('MOTCUA_METRICS_TOKEN', '16–512 characters: letters, digits and . _ ~ + / -', '…');
  return token;
}

/** A `console` or `file:PATH` sink named by `variable`, or undefined for any other word. */
function localSink(variable: string, raw: string): { kind: 'console' } | { kind: 'file'; path: string } | undefined {
  if (raw === 'console') return { kind: 'console' };
  if (raw.startsWith('file:')) {
    const file = raw.slice('file:'.length).trim();
    if (file === '') bad(variable, 'file:PATH with a path', raw);
    return { kind: 'file', path: file };
  }
  return undefined;
}

function outboxConfig(env: Env): OutboxConfig {
  const smsUrl = url(env, 'MOTCUA_SMS_URL', ['http:', 'https:'], 'an absolute http(s) URL');
  const smsRaw = env.MOTCUA_SMS_SINK?.trim() || (smsUrl ? 'http' : 'console');
  let sms: SmsSink;
  if (smsRaw === 'http') {
    if (!smsUrl) bad('MOTCUA_SMS_URL', 'an absolute http(s) URL (MOTCUA_SMS_SINK is http)', env.MOTCUA_SMS_URL ?? '');
    const token = env.MOTCUA_SMS_TOKEN?.trim() ?? '';
    if (!/^[\x21-\x7e]{8,4096}$/.test(token)) bad('MOTCUA_SMS_TOKEN', 'a bearer token of 8 or more visible ASCII characters', token === '' ? '' : '…');
    sms = { kind: 'http', url: smsUrl, token };
  } else {
    sms = localSink('MOTCUA_SMS_SINK', smsRaw) ?? bad('MOTCUA_SMS_SINK', 'console, file:PATH or http', smsRaw);
  }

  const smtpUrl = url(env, 'MOTCUA_SMTP_URL', ['smtp:', 'smtps:'], 'smtp://user:password@host:port or smtps://…');
  const mailRaw = env.MOTCUA_MAIL_SINK?.trim() || (smtpUrl ? 'smtp' : sms.kind === 'http' ? 'console' : smsRaw);
  let email: MailSink;
  if (mailRaw === 'smtp') {
    if (!smtpUrl) bad('MOTCUA_SMTP_URL', 'smtp://user:password@host:port or smtps://… (MOTCUA_MAIL_SINK is smtp)', env.MOTCUA_SMTP_URL ?? '');
    const from = env.MOTCUA_MAIL_FROM?.trim() ?? '';
    if (!/^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/.test(from)) bad('MOTCUA_MAIL_FROM', 'a sender, "Name <address@domain>" or address@domain', from);
    email = { kind: 'smtp', url: smtpUrl, from };
  } else {
    email = localSink('MOTCUA_MAIL_SINK', mailRaw) ?? bad('MOTCUA_MAIL_SINK', 'console, file:PATH or smtp', mailRaw);
  }

  return {
    sms,
    email,
    worker: oneOf(env, 'MOTCUA_OUTBOX_WORKER', 'on', ['on', 'off'] as const) === 'on',
    pollMs: int(env, 'MOTCUA_OUTBOX_POLL_MS', 1000, 50, 60_000),
    leaseMs: int(env, 'MOTCUA_OUTBOX_LEASE_MS', 60_000, 3000, 3_600_000),
    maxAttempts: int(env, 'MOTCUA_OUTBOX_MAX_ATTEMPTS', 12, 1, 50),
    retryMs: int(env, 'MOTCUA_OUTBOX_RETRY_MS', 5000, 10, 3_600_000),
  };
}

/** Exit code for a configuration error (sysexits.h EX_CONFIG). */
export const EXIT_CONFIG = 78;

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
 * | MOTCUA_LANG | vi | `vi` or `en`: language of command-line messages |
 * | MOTCUA_DEMO | on | `on`: at first start load demo data (people, staff accounts printed once on the console); `off` in production |
 * | MOTCUA_DEMO_POPULATION | 20000 | integer 0–1000000: demo people (Tỉnh Hải Dương, February 2023) |
 * | MOTCUA_UNITS_CACHE_MS | 1000 | integer 0–60000: how stale a cached unit answer may be (0: check every request) |
 */
import { AppError } from './errors.js';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  publicUrl: string;
  seed: 'builtin' | 'none';
  pgPoolMax: number;
  dbTimeoutMs: number;
  bodyLimit: number;
  webDir: string;
  unitsCacheMs: number;
  dataDir: string;
  importMaxBytes: number;
  demo: boolean;
  demoPopulation: number;
  /** Language of command-line messages. */
  lang: 'vi' | 'en';
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

  const publicUrl =
    url(env, 'MOTCUA_PUBLIC_URL', ['http:', 'https:'], 'an absolute http(s) URL') ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    port,
    host,
    databaseUrl: dbRaw,
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:'], 'redis://host:port'),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    publicUrl: publicUrl.replace(/\/$/, ''),
    seed: oneOf(env, 'MOTCUA_SEED', 'builtin', ['builtin', 'none'] as const),
    pgPoolMax: int(env, 'MOTCUA_PG_POOL_MAX', 10, 1, 200),
    dbTimeoutMs: int(env, 'MOTCUA_DB_TIMEOUT_MS', 5000, 100, 600_000),
    bodyLimit: int(env, 'MOTCUA_BODY_LIMIT', 1_048_576, 1024, 104_857_600),
    webDir: env.MOTCUA_WEB_DIR?.trim() || 'web/dist',
    unitsCacheMs: int(env, 'MOTCUA_UNITS_CACHE_MS', 1000, 0, 60_000),
    dataDir: env.MOTCUA_DATA_DIR?.trim() || './var',
    importMaxBytes: int(env, 'MOTCUA_IMPORT_MAX_BYTES', 524_288_000, 1024, 10_737_418_240),
    demo: oneOf(env, 'MOTCUA_DEMO', 'on', ['on', 'off'] as const) === 'on',
    lang: oneOf(env, 'MOTCUA_LANG', 'vi', ['vi', 'en'] as const),
    demoPopulation: int(env, 'MOTCUA_DEMO_POPULATION', 20_000, 0, 1_000_000),
  };
}

/** Exit code for a configuration error (sysexits.h EX_CONFIG). */
export const EXIT_CONFIG = 78;

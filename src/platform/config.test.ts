import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { loadConfig } from './config.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('CONFIG_INVALID');
    return (e as AppError).localized('en');
  }
  throw new Error('no error');
}

describe('configuration', () => {
  it('has working defaults: port 3000 on 127.0.0.1 over the embedded SQLite file', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', databaseUrl: 'sqlite:./var/motcua.sqlite', redisUrl: undefined, logLevel: 'info', publicUrl: 'http://127.0.0.1:3000', seed: 'builtin' });
  });

  it('reads PostgreSQL and Redis URLs', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://motcua@db.example:5432/motcua', REDIS_URL: 'redis://127.0.0.1:6379', PORT: '8080' });
    expect(c).toMatchObject({ databaseUrl: 'postgres://motcua@db.example:5432/motcua', redisUrl: 'redis://127.0.0.1:6379', port: 8080 });
  });

  it('names the variable and the expected form for each bad value', () => {
    expect(configError({ PORT: 'abc' })).toBe('Bad configuration: PORT must be an integer from 0 to 65535 (got "abc").');
    expect(configError({ PORT: '70000' })).toBe('Bad configuration: PORT must be an integer from 0 to 65535 (got "70000").');
    expect(configError({ DATABASE_URL: 'mysql://x' })).toBe('Bad configuration: DATABASE_URL must be sqlite:PATH, sqlite::memory: or postgres://user@host:port/database (got "mysql://x").');
    expect(configError({ REDIS_URL: 'localhost:6379' })).toContain('REDIS_URL must be redis://host:port');
    expect(configError({ LOG_LEVEL: 'loud' })).toContain('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent');
    expect(configError({ MOTCUA_BODY_LIMIT: '10' })).toContain('MOTCUA_BODY_LIMIT must be an integer from 1024 to 104857600');
  });

  it('requires a second factor of staff by default, and allows it optional only outside production', () => {
    expect(loadConfig({}).staffTotp).toBe('required');
    expect(loadConfig({ MOTCUA_STAFF_TOTP: 'optional', NODE_ENV: 'test' }).staffTotp).toBe('optional');
    expect(configError({ MOTCUA_STAFF_TOTP: 'optional', NODE_ENV: 'production' })).toBe('Bad configuration: MOTCUA_STAFF_TOTP must be required in production (NODE_ENV=production): staff sign in with two factors (got "optional").');
    expect(configError({ MOTCUA_STAFF_TOTP: 'off' })).toBe('Bad configuration: MOTCUA_STAFF_TOTP must be one of required, optional (got "off").');
  });

  it('stops the process with one line and exit code 78, without a stack trace', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', 'serve'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, PORT: 'abc', MOTCUA_LANG: 'en' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(78);
    expect(r.stderr.trim()).toBe('CONFIG_INVALID: Bad configuration: PORT must be an integer from 0 to 65535 (got "abc").');
    expect(r.stdout).toBe('');
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { createDataCipher, dataCipherFromEnv, parseDataKey, sha256Hex } from './crypto.js';

describe('data cipher (AES-256-GCM, HMAC-SHA-256 with HKDF subkeys)', () => {
  const key = Buffer.from('6b1f0f3c9a4e2d7c5b8a1f0e3d2c4b6a9f8e7d6c5b4a39281706f5e4d3c2b1a0', 'hex');
  const cipher = createDataCipher(key);

  it('opens what it sealed only under the same context, and never shows the plain bytes', () => {
    const plain = Buffer.from('ảnh khuôn mặt — face bytes', 'utf8');
    const sealed = cipher.seal(plain, 'eid_biometrics:7:face:-');
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sealed.split('.')[1]).toBe(cipher.keyId);
    expect(sealed).not.toContain(plain.toString('base64url'));
    expect(cipher.open(sealed, 'eid_biometrics:7:face:-').equals(plain)).toBe(true);
    expect(() => cipher.open(sealed, 'eid_biometrics:8:face:-')).toThrow();
    expect(cipher.seal(plain, 'c')).not.toBe(cipher.seal(plain, 'c'));
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[4]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[4] = ct.toString('base64url');
    expect(() => cipher.open(parts.join('.'), 'eid_biometrics:7:face:-')).toThrow();
    expect(() => createDataCipher(randomBytes(32)).open(sealed, 'eid_biometrics:7:face:-')).toThrow(/another key/);
  });

  it('gives keyed hashes per purpose (RFC 2104 HMAC under RFC 5869 HKDF subkeys)', () => {
    expect(cipher.mac('eid.code', 'salt:482913')).toMatch(/^[0-9a-f]{64}$/);
    expect(cipher.mac('eid.code', 'salt:482913')).toBe(cipher.mac('eid.code', 'salt:482913'));
    expect(cipher.mac('eid.code', 'salt:482913')).not.toBe(cipher.mac('other', 'salt:482913'));
    expect(createDataCipher(randomBytes(32)).mac('eid.code', 'salt:482913')).not.toBe(cipher.mac('eid.code', 'salt:482913'));
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('reads MOTCUA_DATA_KEY as base64 of 32 bytes; without it, a process key and a warning outside production only', () => {
    const b64 = key.toString('base64');
    expect(dataCipherFromEnv({ MOTCUA_DATA_KEY: b64 }).keyId).toBe(cipher.keyId);
    expect(() => parseDataKey('c2hvcnQ=')).toThrow(AppError);
    expect(() => parseDataKey('c2hvcnQ=')).toThrow(/MOTCUA_DATA_KEY/);
    const warnings: string[] = [];
    const dev = dataCipherFromEnv({ NODE_ENV: 'test' }, (m) => warnings.push(m));
    expect(dev.keyId).toMatch(/^[0-9a-f]{8}$/);
    expect(warnings).toEqual([expect.stringContaining('MOTCUA_DATA_KEY is not set')]);
    expect(dataCipherFromEnv({ NODE_ENV: 'test' }, (m) => warnings.push(m))).toBe(dev);
    expect(warnings).toHaveLength(1);
    expect(() => dataCipherFromEnv({ NODE_ENV: 'production' })).toThrow(/MOTCUA_DATA_KEY/);
  });

  it('reads the key from MOTCUA_DATA_KEY_FILE, and a development start keeps one key file across restarts', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-key-'));
    try {
      const secret = path.join(dir, 'secret');
      fs.writeFileSync(secret, `${key.toString('base64')}\n`);
      expect(dataCipherFromEnv({ NODE_ENV: 'production', MOTCUA_DATA_KEY_FILE: secret }).keyId).toBe(cipher.keyId);
      expect(() => dataCipherFromEnv({ NODE_ENV: 'production', MOTCUA_DATA_KEY_FILE: path.join(dir, 'missing') })).toThrow(/MOTCUA_DATA_KEY_FILE/);

      const devFile = path.join(dir, 'var', 'data-key');
      const warnings: string[] = [];
      const first = dataCipherFromEnv({}, (m) => warnings.push(m), devFile);
      expect((fs.statSync(devFile).mode & 0o777).toString(8)).toBe('600');
      expect(parseDataKey(fs.readFileSync(devFile, 'utf8'))).toHaveLength(32);
      expect(warnings).toEqual([expect.stringContaining(devFile)]);
      // "Restart": a sealed value opens with the cipher read back from the same file.
      const sealed = first.seal(Buffer.from('vân tay'), 'eid_biometrics:1:fingerprint:1');
      const again = createDataCipher(parseDataKey(fs.readFileSync(devFile, 'utf8')));
      expect(again.open(sealed, 'eid_biometrics:1:fingerprint:1').toString()).toBe('vân tay');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Encryption of personal data at rest and keyed hashes of short secrets (DESIGN.md §5; Decree
 * 13/2023/NĐ-CP Art. 26–27 on protecting sensitive personal data, which includes biometric data).
 *
 * - {@link DataCipher.seal} / {@link DataCipher.open}: AES-256-GCM (NIST SP 800-38D) with a random
 *   96-bit IV per value and a context string bound as additional authenticated data, so a sealed
 *   value copied to another row or column no longer opens. Sealed text:
 *   `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts); `keyId` is the first 8 hex digits of the
 *   key's SHA-256, so a key ring ({@link keyRing}) can tell which key sealed a value.
 * - {@link DataCipher.mac}: HMAC-SHA-256 (RFC 2104) under a subkey derived per purpose with HKDF
 *   (RFC 5869), for secrets too short to hash plainly (a 6-digit code has only 10^6 values: an
 *   unkeyed hash would be reversed by trying them all).
 *
 * The 256-bit data key comes from `MOTCUA_DATA_KEY` (base64 of exactly 32 bytes; make one with
 * `openssl rand -base64 32`) or from the file named by `MOTCUA_DATA_KEY_FILE` (same text; for
 * container secrets). In production one of them is required (its absence is CONFIG_INVALID).
 * Elsewhere, without either: a development start (`npm start`) keeps a key in `./var/data-key`
 * (made on first start, mode 0600) so the demo's sealed data still opens after a restart; tests
 * (`NODE_ENV=test`) get a random key per process and a warning.
 */
import { createCipheriv, createDecipheriv, createHmac, hash, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from './errors.js';

export interface DataCipher {
  /** First 8 hex digits of the key's SHA-256. */
  readonly keyId: string;
  /** Encrypts `plain` bound to `context` (e.g. `eid_biometrics:face`). */
  seal(plain: Uint8Array, context: string): string;
  /** Decrypts a value sealed with the same key and context; throws when it was altered or the context differs. */
  open(sealed: string, context: string): Buffer;
  /** HMAC-SHA-256 of `message` under the subkey of `purpose`, hex. */
  mac(purpose: string, message: string): string;
}

const KEY_BYTES = 32;

/** Reads a data key written as base64 of 32 bytes. Errors: CONFIG_INVALID naming `variable` (default MOTCUA_DATA_KEY). */
export function parseDataKey(raw: string, variable = 'MOTCUA_DATA_KEY'): Buffer {
  const text = raw.trim();
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) throw new AppError('CONFIG_INVALID', { variable, expected: 'base64 of 32 random bytes (openssl rand -base64 32)', value: '…' });
  return key;
}

/** A cipher over one 32-byte key. */
export function createDataCipher(key: Buffer): DataCipher {
  if (key.length !== KEY_BYTES) throw new Error('data key must be 32 bytes');
  const keyId = sha256Hex(key).slice(0, 8);
  const subkeys = new Map<string, Buffer>();
  const subkey = (purpose: string) => {
    let k = subkeys.get(purpose);
    if (!k) {
      k = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `motcua mac ${purpose}`, 32));
      subkeys.set(purpose, k);
    }
    return k;
  };
  return {
    keyId,
    seal(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
      return ['v1', keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
    },
    open(sealed, context) {
      const parts = sealed.split('.');
      if (parts.length !== 5 || parts[0] !== 'v1') throw new Error('not a sealed value');
      if (parts[1] !== keyId) throw new Error(`sealed with another key (${parts[1]})`);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[2]!, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(parts[3]!, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(parts[4]!, 'base64url')), decipher.final()]);
    },
    mac(purpose, message) {
      return createHmac('sha256', subkey(purpose)).update(message, 'utf8').digest('hex');
    },
  };
}

const fromEnv = new Map<string, DataCipher>();

/** Where a development start keeps its data key when none is configured. */
export const DEV_DATA_KEY_FILE = './var/data-key';

/** The key file's text, made (32 random bytes, base64, mode 0600) when `create` and it is missing. */
function readKeyFile(file: string, create: boolean): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !create) {
      throw new AppError('CONFIG_INVALID', { variable: 'MOTCUA_DATA_KEY_FILE', expected: 'a readable file holding base64 of 32 random bytes', value: file });
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const text = randomBytes(KEY_BYTES).toString('base64');
    // 'wx': never overwrite a key another process has just written.
    try {
      fs.writeFileSync(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
      return text;
    } catch {
      return fs.readFileSync(file, 'utf8').trim();
    }
  }
}

/**
 * The cipher of the configured data key (one per key value): `MOTCUA_DATA_KEY`, else the file of
 * `MOTCUA_DATA_KEY_FILE`. Without either: production → CONFIG_INVALID; tests (`NODE_ENV=test`) →
 * a random process key and one warning through `warn` (default: standard error); otherwise the
 * development key file `devKeyFile` (default {@link DEV_DATA_KEY_FILE}), made on first use, with one
 * warning. With `MOTCUA_DATA_KEY_PREVIOUS` or `MOTCUA_MAC_KEY` set: a {@link KeyRing} (see
 * {@link keyRingFromEnv}).
 */
export function dataCipherFromEnv(
  env: Record<string, string | undefined> = process.env,
  warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
  devKeyFile: string = DEV_DATA_KEY_FILE,
): DataCipher {
  const previousRaw = env.MOTCUA_DATA_KEY_PREVIOUS?.trim() ?? '';
  const macRaw = env.MOTCUA_MAC_KEY?.trim() ?? '';
  if (previousRaw !== '' || macRaw !== '') return keyRingFromEnv({ ...env, MOTCUA_DATA_KEY_PREVIOUS: '', MOTCUA_MAC_KEY: '' }, warn, devKeyFile, previousRaw, macRaw);
  let raw = env.MOTCUA_DATA_KEY?.trim() ?? '';
  const file = env.MOTCUA_DATA_KEY_FILE?.trim() ?? '';
  if (raw === '' && file !== '') raw = readKeyFile(file, false);
  if (raw === '' && env.NODE_ENV === 'production') throw new AppError('CONFIG_INVALID', { variable: 'MOTCUA_DATA_KEY', expected: 'base64 of 32 random bytes (openssl rand -base64 32)', value: '' });
  let devFile = false;
  if (raw === '' && env.NODE_ENV !== 'test') {
    raw = readKeyFile(devKeyFile, true);
    devFile = true;
  }
  let cipher = fromEnv.get(raw);
  if (cipher) return cipher;
  if (raw === '') {
    cipher = createDataCipher(randomBytes(KEY_BYTES));
    warn('motcua: MOTCUA_DATA_KEY is not set; personal data is encrypted with a random key made for this process and cannot be read after a restart (tests only).');
  } else {
    cipher = createDataCipher(parseDataKey(raw));
    if (devFile) warn(`motcua: MOTCUA_DATA_KEY is not set; personal data is encrypted with the development key in ${devKeyFile} (set MOTCUA_DATA_KEY or MOTCUA_DATA_KEY_FILE in production).`);
  }
  fromEnv.set(raw, cipher);
  return cipher;
}

/**
 * SHA-256 of bytes (a string: of its UTF-8), lowercase hex: a stored image's fingerprint, a session
 * token's stored form, an audit entry's link. Node's one-shot `crypto.hash` (FIPS 180-4), which
 * spares the Hash object of `crypto.createHash` on hot paths (every request hashes its bearer token).
 */
export function sha256Hex(data: Uint8Array | string): string {
  return hash('sha256', data, 'hex');
}

/** The key id a sealed value names (`v1.<keyId>.…`), or undefined for text that is no sealed value. */
export function sealedKeyId(sealed: string): string | undefined {
  return /^v1\.([0-9a-f]{8})\./.exec(sealed)?.[1];
}

/** A cipher that also opens values sealed with the keys it replaced. */
export interface KeyRing extends DataCipher {
  /** The replaced keys' ciphers, whose values {@link DataCipher.open} still opens. */
  readonly previous: readonly DataCipher[];
}

/**
 * A key ring for rotating the data key (NIST SP 800-57 Part 1 Rev. 5 §5.3: a key is replaced and
 * what it protected is protected again under its successor): seals with `current`, opens values
 * sealed with `current` or any of `previous` (told apart by the key id every sealed value names),
 * and makes keyed hashes with `macs` (default `current`). Keyed hashes are kept apart from
 * encryption because a rotation cannot re-key them: the pairwise subjects portals know citizens by,
 * the stored hashes of one-time codes and the signing key of the sign-on cookies would all change.
 */
export function keyRing(current: DataCipher, previous: readonly DataCipher[] = [], macs: DataCipher = current): KeyRing {
  return {
    keyId: current.keyId,
    previous,
    seal: (plain, context) => current.seal(plain, context),
    open(sealed, context) {
      const id = sealedKeyId(sealed);
      return (id === current.keyId ? current : (previous.find((c) => c.keyId === id) ?? current)).open(sealed, context);
    },
    mac: (purpose, message) => macs.mac(purpose, message),
  };
}

const ringsFromEnv = new Map<string, KeyRing>();

/**
 * The key ring of a rotation (`motcua keys rotate`, README "Rotating the data key"): seals with the
 * configured data key (as {@link dataCipherFromEnv} finds it), also opens what
 * `MOTCUA_DATA_KEY_PREVIOUS` (`previousRaw`) sealed, and makes keyed hashes with `MOTCUA_MAC_KEY`
 * (`macRaw`; default: the data key). Errors (CONFIG_INVALID): a key that is not base64 of 32 bytes;
 * a previous key equal to the data key; a previous key without `MOTCUA_MAC_KEY`, which would
 * silently change every keyed hash once the data key changed.
 */
function keyRingFromEnv(env: Record<string, string | undefined>, warn: (message: string) => void, devKeyFile: string, previousRaw: string, macRaw: string): KeyRing {
  const current = dataCipherFromEnv(env, warn, devKeyFile);
  const id = `${current.keyId}\n${previousRaw}\n${macRaw}`;
  let ring = ringsFromEnv.get(id);
  if (ring) return ring;
  const previous = previousRaw === '' ? [] : [createDataCipher(parseDataKey(previousRaw, 'MOTCUA_DATA_KEY_PREVIOUS'))];
  if (previous[0]?.keyId === current.keyId) throw new AppError('CONFIG_INVALID', { variable: 'MOTCUA_DATA_KEY_PREVIOUS', expected: 'the key being replaced, not MOTCUA_DATA_KEY itself', value: '…' });
  if (previous.length > 0 && macRaw === '') {
    throw new AppError('CONFIG_INVALID', { variable: 'MOTCUA_MAC_KEY', expected: 'the key the keyed hashes were made with (the MOTCUA_DATA_KEY in use before the first rotation), so that pairwise subjects and one-time codes survive the rotation', value: '' });
  }
  const macs = macRaw === '' ? current : createDataCipher(parseDataKey(macRaw, 'MOTCUA_MAC_KEY'));
  ring = keyRing(current, previous, macs);
  ringsFromEnv.set(id, ring);
  return ring;
}

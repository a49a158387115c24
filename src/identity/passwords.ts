/**
 * Password hashing: Argon2id (RFC 9106) with one of the OWASP Password Storage Cheat Sheet's
 * minimum configurations ("Argon2id" section, https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html).
 * The sheet lists five configurations of equal defence that trade memory for passes, all p=1:
 * m=47104 KiB t=1, m=19456 t=2, m=12288 t=3, m=9216 t=4, m=7168 t=5. The parameters are written
 * into every hash (PHC string `$argon2id$v=19$m=…,t=…,p=…$…`), so hashes made with other ones
 * still verify, and {@link needsRehash} tells a sign-in to store a new hash at these.
 */
import { hash, verify, Algorithm } from '@node-rs/argon2';
import { lazyRequire } from '../platform/lazy.js';

const zxcvbnCommon = lazyRequire<typeof import('@zxcvbn-ts/language-common')>('@zxcvbn-ts/language-common');

/**
 * m=7168 KiB (7 MiB), t=5, p=1: of the OWASP configurations, the one that costs the least CPU a
 * verification here. Measured with @node-rs/argon2 on the 2-core development machine (one libuv
 * thread, process CPU time, median of 10 rounds of 1.5 s each): m=47104 t=1 32.7 ms, m=19456 t=2
 * 23.0 ms, m=12288 t=3 18.5 ms, m=9216 t=4 17.7 ms, m=7168 t=5 15.3 ms a verification — a third
 * less than the m=19456 t=2 used before, and 7 MiB instead of 19 MiB of memory per sign-in in
 * flight. `npm run bench -- eid-signin` measures sign-ins against a bare verification at these
 * parameters.
 */
export const ARGON2_PARAMETERS = { algorithm: Algorithm.Argon2id, memoryCost: 7_168, timeCost: 5, parallelism: 1 } as const;

/** The PHC prefix of a hash made now: algorithm, version 19 (0x13) and the parameters. */
const CURRENT_PREFIX = `$argon2id$v=19$m=${ARGON2_PARAMETERS.memoryCost},t=${ARGON2_PARAMETERS.timeCost},p=${ARGON2_PARAMETERS.parallelism}$`;

/**
 * True when a stored hash was made with other parameters (or another algorithm) than
 * {@link ARGON2_PARAMETERS}: after a right password, store `hashPassword(password)` in its place
 * (OWASP Password Storage Cheat Sheet, "Upgrading the Work Factor": re-hash when the user next
 * authenticates).
 */
export function needsRehash(passwordHash: string): boolean {
  return !passwordHash.startsWith(CURRENT_PREFIX);
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_PARAMETERS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash of a random password, verified against when an account does not exist so both cases take as long. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(`no-such-account-${Math.random()}`);
  return dummyHash;
}

/**
 * Passwords refused as commonly used (NIST SP 800-63B §5.1.1.2; OWASP ASVS 5.0 6.2.4: at least the
 * 3,000 most common): the common-password list of zxcvbn-ts (@zxcvbn-ts/language-common, about
 * 18,000 of 8 characters or more, compared lower-case), with Vietnamese ones it lacks ("matkhau" is
 * "password"; "anhyeuem" is "I love you") and this platform's own name.
 */
let common: ReadonlySet<string> | undefined;
/** The list, made at the first password checked (a process that checks none does not load it). */
function commonPasswords(): ReadonlySet<string> {
  return (common ??= new Set([
    ...zxcvbnCommon().dictionary['passwords-common'].filter((p) => p.length >= 8).map((p) => p.toLowerCase()),
    'matkhau1', 'matkhau123', 'matkhau@123', 'motcua123', 'motcua@123', 'vietnam1', 'vietnam123', 'anhyeuem', 'anhyeuem123',
    'emyeuanh', 'hanoi123', 'saigon123', 'haiduong', 'haiphong', 'dinhdanh', 'vneid123', 'cccd1234',
  ]));
}

/** Why a new password is refused: shorter than 8 or longer than 128 characters, or commonly used; undefined when acceptable. */
export function passwordWeakness(password: string): 'too_short' | 'too_long' | 'common' | undefined {
  if ([...password].length < 8) return 'too_short';
  if ([...password].length > 128) return 'too_long';
  if (commonPasswords().has(password.toLowerCase())) return 'common';
  return undefined;
}

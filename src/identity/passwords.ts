/**
 * Password hashing: Argon2id with the OWASP Password Storage Cheat Sheet's first recommended
 * parameters — 19 MiB of memory, 2 iterations, 1 degree of parallelism (m=19456 KiB, t=2, p=1).
 * The parameters are written into every hash, so raising them later still verifies old hashes.
 */
import { hash, verify, Algorithm } from '@node-rs/argon2';

export const ARGON2_PARAMETERS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

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

/** NIST SP 800-63B §5.1.1.2: at least 8 characters, at most 128, not a commonly used password. */
const COMMON = new Set([
  'password', 'password1', '12345678', '123456789', '1234567890', '11111111', '00000000', '87654321', 'qwertyui',
  'qwerty123', 'abc12345', 'iloveyou', 'admin123', 'matkhau1', 'matkhau123', 'motcua123', '123123123', 'abcd1234',
  'vietnam1', 'vietnam123', 'anhyeuem', 'hanoi123', 'password123', '12341234', 'a1234567', 'admin1234',
]);
export function passwordWeakness(password: string): 'too_short' | 'too_long' | 'common' | undefined {
  if ([...password].length < 8) return 'too_short';
  if ([...password].length > 128) return 'too_long';
  if (COMMON.has(password.toLowerCase())) return 'common';
  return undefined;
}

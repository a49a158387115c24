/**
 * Seeded, reproducible random numbers for demo data and benchmark inputs (never for secrets: use
 * node:crypto): a xoroshiro128+ stream from `pure-rand`, the first outputs of a small seed
 * discarded, as the population generator does (src/population/generator.ts).
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { skipN } from 'pure-rand/utils/skipN';

/** A function answering numbers uniform in [0, 1), the same sequence for the same `seed` (an integer). */
export function seededRandom(seed: number): () => number {
  const rng = xoroshiro128plus(seed | 0);
  skipN(rng, 32);
  return () => (rng.next() >>> 0) / 4294967296;
}

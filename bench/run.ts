/**
 * `npm run bench`: every benchmark in bench/, one after the other; each prints its figure as a
 * ratio to a reference measured in the same run. `npm run bench -- units` runs only those named.
 */
import { unitsBenchmark } from './units.bench.js';

const benchmarks: Record<string, () => Promise<string>> = { units: unitsBenchmark };
const only = process.argv.slice(2);
const lines: string[] = [];
for (const [name, run] of Object.entries(benchmarks)) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`== ${name}`);
  lines.push(await run());
}
console.log('\nSummary');
for (const l of lines) console.log(`- ${l}`);

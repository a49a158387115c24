/**
 * `npm run bench`: every benchmark in bench/, one after the other; each prints its figures as
 * ratios to a reference measured in the same run (or against a stated bound, for latency and
 * memory). `npm run bench -- units population-lookup` runs only those named.
 */
import { dossierSubmissionBenchmark } from './dossier-submission.bench.js';
import { eidSignInBenchmark } from './eid-signin.bench.js';
import { populationImportBenchmark } from './population-import.bench.js';
import { populationLookupBenchmark } from './population-lookup.bench.js';
import { populationSearchBenchmark } from './population-search.bench.js';
import { reportsDashboardBenchmark } from './reports-dashboard.bench.js';
import { ssoRefreshBenchmark } from './sso-refresh.bench.js';
import { unitsBenchmark } from './units.bench.js';

const benchmarks: Record<string, () => Promise<string | string[]>> = {
  units: unitsBenchmark,
  'population-import': populationImportBenchmark,
  'population-lookup': populationLookupBenchmark,
  'population-search': populationSearchBenchmark,
  'eid-signin': eidSignInBenchmark,
  'dossier-submission': dossierSubmissionBenchmark,
  'sso-refresh': ssoRefreshBenchmark,
  'reports-dashboard': reportsDashboardBenchmark,
};
const only = process.argv.slice(2);
const unknown = only.filter((n) => !(n in benchmarks));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ')}`);
  process.exit(2);
}
const lines: string[] = [];
for (const [name, run] of Object.entries(benchmarks)) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`== ${name}`);
  lines.push(...[await run()].flat());
}
console.log('\nSummary');
for (const l of lines) console.log(`- ${l}`);

// Reads vitest's JSON report and prints "N passed, N failed" (skipped when any). Fails when a
// required suite ran no test: storage tests on SQLite and on PostgreSQL, and the browser tests.
import fs from 'node:fs';

const file = process.argv[2] ?? 'var/vitest-results.json';
if (!fs.existsSync(file)) {
  console.error(`test-summary: no test report at ${file}`);
  process.exit(1);
}
const report = JSON.parse(fs.readFileSync(file, 'utf8'));
const tests = report.testResults.flatMap((f) => f.assertionResults.map((a) => ({ ...a, file: f.name })));
const passed = tests.filter((t) => t.status === 'passed');
const failed = tests.filter((t) => t.status === 'failed');
const skipped = tests.filter((t) => t.status !== 'passed' && t.status !== 'failed');
const ran = (pred) => passed.filter(pred).length + failed.filter(pred).length;
const suites = {
  sqlite: ran((t) => t.fullName.includes('[sqlite]')),
  postgres: ran((t) => t.fullName.includes('[postgres]')),
  browser: ran((t) => t.file.includes('/web/e2e/')),
};
console.log(`suites: sqlite ${suites.sqlite}, postgres ${suites.postgres}, browser ${suites.browser} tests`);
let ok = failed.length === 0;
for (const [name, n] of Object.entries(suites)) {
  if (n === 0) {
    console.error(`test-summary: the ${name} suite ran no test`);
    ok = false;
  }
}
console.log(`${passed.length} passed, ${failed.length} failed${skipped.length ? `, ${skipped.length} skipped` : ''}`);
process.exit(ok ? 0 : 1);

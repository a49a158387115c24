#!/usr/bin/env node
// The `motcua` command. Runs the compiled code in dist/ (made by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/entry.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('motcua: not built yet; run `npm run build` first\n');
  process.exit(1);
}
await import(entry.href);

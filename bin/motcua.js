#!/usr/bin/env node
// The `motcua` command. Runs the compiled code in dist/ (made by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('motcua: not built yet; run `npm run build` first\n');
  process.exit(1);
}
const { runCli } = await import(main.href);
const code = await runCli(process.argv);
if (code !== 0) process.exit(code);

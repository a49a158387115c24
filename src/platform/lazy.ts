/**
 * Heavy CommonJS packages loaded on first use instead of when the platform starts. Charts
 * (echarts, resvg), PDF (pdfkit, svg-to-pdfkit, qrcode), spreadsheets (exceljs) and e-mail
 * (nodemailer) add ~190 MB of memory to a process that never draws, prints or mails anything: a
 * command-line import of a million citizens peaked at 477 MB with them loaded at start (the
 * population-import benchmark's bound is 400 MB), ~300 MB without.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * `name`'s `module.exports`, required the first time the returned function is called (a
 * package's own errors, e.g. a missing native binary, surface then). Types come from a type-only
 * import of the same package: `const excel = lazyRequire<typeof import('exceljs')>('exceljs')`.
 */
export function lazyRequire<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}

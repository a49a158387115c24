/**
 * Heavy CommonJS packages loaded on first use instead of when the platform starts: charts
 * (echarts, resvg), PDF (pdfkit, svg-to-pdfkit, qrcode), spreadsheets (exceljs), e-mail
 * (nodemailer), PostgreSQL (pg), Redis (ioredis) and the common-password list (zxcvbn-ts). Alone
 * they take 10–45 MB each; a process that never draws, prints, mails or meets PostgreSQL or Redis
 * (a command-line import into SQLite) carries none of them. Measured under tsx: a process with
 * the platform's context open held 232 MB instead of 288 MB.
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

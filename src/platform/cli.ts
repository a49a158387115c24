/**
 * Shared pieces of the `motcua` command line: progress bars on standard error (only on a
 * terminal), JSON results on standard output, and catalogue errors printed as one readable
 * message per line in the operator's language (`MOTCUA_LANG` or `LANG`; Vietnamese by default).
 */
import os from 'node:os';
import cliProgressLib from 'cli-progress';
import type { AuditActor } from './audit/audit.js';
import { AppError, messageOf, type Language } from './errors.js';
import type { Progress } from './module.js';

export function cliLanguage(env: Record<string, string | undefined> = process.env): Language {
  const l = env.MOTCUA_LANG ?? env.LANG ?? '';
  return l.toLowerCase().startsWith('en') ? 'en' : 'vi';
}

/** A progress bar on standard error when it is a terminal; silent otherwise. */
export function cliProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { start() {}, update() {}, stop() {} };
  let bar: cliProgressLib.SingleBar | undefined;
  return {
    start(label, total) {
      bar = new cliProgressLib.SingleBar({ stream, format: `${label} [{bar}] {percentage}% {value}/{total} ETA {eta}s`, hideCursor: true }, cliProgressLib.Presets.shades_classic);
      bar.start(total, 0);
    },
    update(done) {
      bar?.update(done);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** The lines to print for an error: the message, then one line per bad field or row. */
export function errorLines(err: AppError, lang: Language): string[] {
  const lines = [`${err.code}: ${err.localized(lang)}`];
  for (const f of err.fieldErrors) lines.push(`  - ${f.field}: ${messageOf(f.code, lang, { field: f.field, ...f.params })}`);
  return lines;
}

/** The audit actor of a command run by an operator: `cli:<operating-system user>`. */
export function cliActor(): AuditActor {
  return { kind: 'cli', id: `cli:${os.userInfo().username}` };
}

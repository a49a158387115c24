/**
 * Shared pieces of the `motcua` command line: progress bars on standard error (only on a
 * terminal), JSON results on standard output, and catalogue errors printed as one readable
 * message per line in the operator's language (`MOTCUA_LANG` or `LANG`; Vietnamese by default).
 */
import os from 'node:os';
import cliProgressLib from 'cli-progress';
import { InvalidArgumentError } from 'commander';
import { isIsoDate } from './dates.js';
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

/** Commander parser for a `YYYY-MM-DD` option: a wrong date stops the command with exit code 2. */
export function dateArg(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError(`"${value}" is not a date YYYY-MM-DD`);
  return value;
}

/** Commander parser for a whole number within bounds. */
export function intArg(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`"${value}" is not a whole number from ${min} to ${max}`);
    return Number(value);
  };
}

/** Commander parser for one of a few words. */
export function oneOfArg<T extends string>(allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as readonly string[]).includes(value)) throw new InvalidArgumentError(`"${value}" is not one of ${allowed.join(', ')}`);
    return value as T;
  };
}

/**
 * Several real app copies (separate Node processes running `motcua serve`) over one database and
 * one Redis: what a province runs behind a load balancer (DESIGN.md §1). Used by `npm run cluster`
 * and by the tests that prove state is shared between copies (sessions, one-time-code tries,
 * sign-in throttling, outbox delivery).
 *
 * Each copy runs the TypeScript sources through tsx, so no build is needed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const ENTRY = path.join(ROOT, 'src/cli/entry.ts');

export interface Copy {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  process: ChildProcess;
}

export interface CopiesOptions {
  /** How many copies (≥ 1). */
  count: number;
  /** Environment shared by every copy (DATABASE_URL, REDIS_URL, …); PORT is set per copy. */
  env: Record<string, string>;
  /** Port of the first copy; the others follow. 0: each copy picks a free port. */
  basePort?: number;
  /** Receives every log line of every copy, prefixed with the copy's number. */
  onLine?: (copy: number, line: string) => void;
  /** Milliseconds to wait for a copy to serve. */
  startTimeoutMs?: number;
}

/**
 * Starts `count` copies one after the other (the first applies migrations and seeds alone) and
 * resolves when each says it is serving. Errors: a copy that exits or does not serve in time
 * (the message carries its last log lines).
 */
export async function startCopies(options: CopiesOptions): Promise<{ copies: Copy[]; stop(): Promise<void> }> {
  const copies: Copy[] = [];
  const stop = async () => {
    await Promise.all(copies.map((c) => stopCopy(c.process)));
  };
  try {
    for (let i = 0; i < options.count; i++) {
      const port = options.basePort ? options.basePort + i : 0;
      copies.push(await startCopy(i + 1, port, options));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { copies, stop };
}

function startCopy(n: number, port: number, options: CopiesOptions): Promise<Copy> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'serve'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...options.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`copy ${n} did not serve within ${options.startTimeoutMs ?? 60_000} ms`)), options.startTimeoutMs ?? 60_000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${e.message}\n${recent.join('\n')}`));
    };
    const onLine = (line: string) => {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      options.onLine?.(n, line);
      // `motcua serve` says "motcua: serving at http://127.0.0.1:PORT (…)" on standard error.
      const m = /^motcua: serving at (http:\/\/[^\s]+:(\d+))/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, port: Number(m[2]), process: child });
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('exit', (code, signal) => fail(new Error(`copy ${n} exited (${signal ?? code})`)));
  });
}

function stopCopy(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * A `fetch` for the copies whose requests leave from `localAddress`, a loopback address of its own
 * (any 127.x.y.z: Linux answers the whole 127.0.0.0/8). The copies see it as the client's address,
 * so the per-address limits that earlier runs and other tests left in the shared Redis (e.g. 20
 * activation codes an hour per address, src/identity/eid/limits.ts) do not count against a run
 * that picks an address of its own. Plain http only; follows no redirect; `body` is sent as it is.
 * Errors: the request's (connection refused, reset).
 */
export function fetchFrom(localAddress: string): (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<Response> {
  return (url, init = {}) =>
    new Promise((resolve, reject) => {
      const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers, localAddress }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          const status = res.statusCode ?? 502;
          // A Response refuses a body with the statuses that have none.
          resolve(new Response([101, 204, 205, 304].includes(status) ? null : Buffer.concat(chunks), { status, headers }));
        });
      });
      req.on('error', reject);
      req.end(init.body);
    });
}

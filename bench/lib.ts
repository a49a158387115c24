/**
 * Benchmark helpers: start a server script in a child process (so the load generator and the
 * server do not share one event loop), drive it with autocannon, and print a ratio against a
 * reference measured in the same run. Rounds alternate reference and subject to even out noise.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';

export const ROOT = path.resolve(import.meta.dirname, '..');

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/** Runs `script` (TypeScript, via tsx) which must print `LISTENING <port>` once ready. */
export function startServer(script: string, env: Record<string, string> = {}): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += String(d);
      const m = buf.match(/LISTENING (\d+)/);
      if (m) {
        resolve({
          url: `http://127.0.0.1:${m[1]}`,
          stop: () =>
            new Promise<void>((r) => {
              child.once('exit', () => r());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before listening`)));
  });
}

export interface Load {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** What to send besides the URL: headers, and a path per request (e.g. a random record each time). */
export interface LoadRequests {
  headers?: Record<string, string>;
  /** The path (and query) of the next request, below the target's origin. */
  nextPath?: () => string;
}

/** autocannon against one URL for `seconds`, 10 connections. */
export async function load(url: string, seconds: number, requests: LoadRequests = {}): Promise<Load> {
  const { nextPath, headers } = requests;
  const r = await autocannon({
    url,
    connections: 10,
    duration: seconds,
    pipelining: 1,
    headers,
    ...(nextPath && { requests: [{ method: 'GET', setupRequest: (req: autocannon.Request) => ({ ...req, path: nextPath() }) }] }),
  });
  return { requestsPerSecond: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx };
}

/** Alternates reference and subject `rounds` times; returns the mean requests per second of each. */
export async function compare(
  refUrl: string,
  subjectUrl: string,
  opts: { rounds?: number; seconds?: number; ref?: LoadRequests; subject?: LoadRequests } = {},
): Promise<{ ref: Load[]; subject: Load[] }> {
  const rounds = opts.rounds ?? 3;
  const seconds = opts.seconds ?? 5;
  await load(refUrl, 1, opts.ref);
  await load(subjectUrl, 1, opts.subject); // warm-up
  const ref: Load[] = [];
  const subject: Load[] = [];
  for (let i = 0; i < rounds; i++) {
    ref.push(await load(refUrl, seconds, opts.ref));
    subject.push(await load(subjectUrl, seconds, opts.subject));
  }
  return { ref, subject };
}

/**
 * Runs `script` (TypeScript, via tsx) in a child process with `args` and returns the JSON it
 * prints on its `RESULT {…}` line; its other output goes to this process's stderr.
 */
export function runChild<T>(script: string, args: string[], env: Record<string, string> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`${script} ${args.join(' ')} exited with ${code}: ${out.slice(-2000)}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as T);
    });
  });
}

/** The p-th percentile (0–100) of `samples` (nearest rank). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

/** One result line for a figure with an upper bound (latency, memory): the figure, the bound and whether it is under it. */
export function reportBelow(name: string, value: number, bound: number, unit: string, detail = ''): string {
  const line = `${name}: ${value.toFixed(value < 100 ? 1 : 0)} ${unit} (target < ${bound} ${unit})${detail ? ` ${detail}` : ''} ${value < bound ? 'MET' : 'NOT MET'}`;
  console.log(line);
  return line;
}

/** One result line: name, both figures, the ratio and whether it meets the target. */
export function report(name: string, subject: number, reference: number, target: number, unit = 'req/s'): string {
  const ratio = subject / reference;
  const line = `${name}: ${subject.toFixed(0)} ${unit} vs reference ${reference.toFixed(0)} ${unit} → ratio ${ratio.toFixed(2)} (target ≥ ${target}) ${ratio >= target ? 'MET' : 'NOT MET'}`;
  console.log(line);
  return line;
}

/**
 * For a benchmark server script: listen on a free loopback port, print `LISTENING <port>` for
 * {@link startServer}, and on SIGTERM close the server, run `onStop` and exit.
 */
export async function serveForBenchmark(app: { listen(o: { port: number; host: string }): Promise<string>; close(): Promise<unknown>; server: { address(): unknown } }, onStop: () => unknown = () => undefined): Promise<void> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port?: number } | null;
  console.log(`LISTENING ${address?.port ?? ''}`);
  process.on('SIGTERM', async () => {
    await app.close();
    await onStop();
    process.exit(0);
  });
}

/**
 * Benchmark helpers: start a server script in a child process (so the load generator and the
 * server do not share one event loop), drive it with autocannon, and print a ratio against a
 * reference measured in the same run. Rounds alternate reference and subject to even out noise.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';

export const ROOT = path.resolve(import.meta.dirname, '..');

export interface RunningServer {
  url: string;
  /** CPU time (user + system) the server process has used so far, in ms; undefined where /proc is not there. */
  cpuMs(): number | undefined;
  /** CPU time (user + system) of each of the server's threads so far, ms by thread id (the main thread's id is the process id); empty where /proc is not there. */
  threadsCpuMs(): Map<number, number>;
  /** The server's process id. */
  pid: number | undefined;
  stop(): Promise<void>;
}

/** utime + stime of a /proc `stat` line, in ms (fields 14 and 15 of proc(5); clock ticks of 10 ms). */
function statCpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time (user + system) of process `pid` so far, in ms, from /proc (Linux). */
export function processCpuMs(pid: number | undefined): number | undefined {
  try {
    return statCpuMs(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) of each thread of process `pid` so far, ms by thread id, from /proc/PID/task (Linux). */
function threadsCpuMs(pid: number | undefined): Map<number, number> {
  const out = new Map<number, number>();
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        out.set(Number(tid), statCpuMs(fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')));
      } catch {
        // the thread ended meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return out;
}

/**
 * CPU time the calling thread has run so far, in µs (/proc/thread-self/schedstat, first field, in
 * ns: sched-stats.rst of the Linux kernel); undefined where /proc does not have it. Unlike
 * `process.cpuUsage()` it leaves out the process's other threads (V8's garbage collector helpers,
 * the WAL checkpoint worker), whose work lands in whichever round happens to be timed.
 */
export function threadCpuUs(): number | undefined {
  try {
    return Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1000;
  } catch {
    return undefined;
  }
}

/** Runs `script` (TypeScript, via tsx) which must print `LISTENING <port>` once ready. */
export function startServer(script: string, env: Record<string, string> = {}): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    // BENCH_SERVER_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, to look inside a server.
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(ROOT, script)], {
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
          cpuMs: () => processCpuMs(child.pid),
          threadsCpuMs: () => threadsCpuMs(child.pid),
          pid: child.pid,
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
  /** The server's CPU time per answered request, µs (when the server's CPU time is known): unlike requests per second, it hardly depends on what else the machine is running. */
  cpuUsPerRequest?: number;
  /** Of {@link cpuUsPerRequest}, what the server's main (JavaScript) thread spent, µs; the rest is its other threads' (SQLite's checkpoint worker, libuv's pool). */
  mainThreadCpuUsPerRequest?: number;
  /** 95th percentile of the response times, ms, from every response (autocannon's histogram has no p95). */
  p95?: number;
  /** Responses received (any status). */
  answered?: number;
}

/** What to send besides the URL: headers, and a path per request (e.g. a random record each time). */
export interface LoadRequests {
  headers?: Record<string, string>;
  /** The path (and query) of the next request, below the target's origin. */
  nextPath?: () => string;
  /** HTTP method of every request (default GET). */
  method?: 'GET' | 'POST';
  /** The next request's JSON body and extra headers (e.g. a new Idempotency-Key each time); `content-type: application/json` is set. */
  nextRequest?: () => { body: unknown; headers?: Record<string, string> };
  /** Concurrent connections (default 10). */
  connections?: number;
}

/** autocannon against one URL for `seconds`, 10 connections unless told otherwise. */
export async function load(url: string, seconds: number, requests: LoadRequests = {}): Promise<Load> {
  const { nextPath, nextRequest, headers } = requests;
  const method = requests.method ?? 'GET';
  const setupRequest = (req: autocannon.Request) => {
    const next = nextRequest?.();
    return {
      ...req,
      method,
      ...(nextPath && { path: nextPath() }),
      ...(next && { body: JSON.stringify(next.body), headers: { ...req.headers, 'content-type': 'application/json', ...next.headers } }),
    };
  };
  const options: autocannon.Options = {
    url,
    connections: requests.connections ?? 10,
    duration: seconds,
    pipelining: 1,
    headers,
    ...((nextPath || nextRequest || method !== 'GET') && { requests: [{ method, setupRequest }] }),
  };
  const times: number[] = [];
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (err: unknown, result: autocannon.Result) => (err ? reject(err) : resolve(result)));
    instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
  });
  return { requestsPerSecond: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, p95: percentile(times, 95), errors: r.errors, non2xx: r.non2xx, answered: r.requests.total } as Load & { answered: number };
}

/** {@link load} against a server of {@link startServer}, with the server's CPU time per request. */
async function loadServer(server: RunningServer | string, seconds: number, requests: LoadRequests = {}): Promise<Load> {
  if (typeof server === 'string') return load(server, seconds, requests);
  const before = server.cpuMs();
  const mainBefore = server.threadsCpuMs().get(server.pid ?? -1);
  const { answered, ...l } = (await load(server.url, seconds, requests)) as Load & { answered: number };
  const after = server.cpuMs();
  const mainAfter = server.threadsCpuMs().get(server.pid ?? -1);
  if (before === undefined || after === undefined || answered === 0) return l;
  const main = mainBefore !== undefined && mainAfter !== undefined ? { mainThreadCpuUsPerRequest: ((mainAfter - mainBefore) * 1000) / answered } : {};
  return { ...l, cpuUsPerRequest: ((after - before) * 1000) / answered, ...main };
}

/**
 * "server CPU time per request: bare route … µs (main thread …), motcua … µs (main thread …) →
 * throughput ratio on an idle core ≈ …", from loads of {@link compare} against servers of
 * {@link startServer}; undefined when the servers' CPU time is unknown.
 */
export function serverCpuLine(ref: Load[], subject: Load[]): string | undefined {
  const cpu = (loads: Load[]) => mean(loads.map((l) => l.cpuUsPerRequest ?? Number.NaN));
  const main = (loads: Load[]) => mean(loads.map((l) => l.mainThreadCpuUsPerRequest ?? Number.NaN));
  if (Number.isNaN(cpu(ref) + cpu(subject))) return undefined;
  return `server CPU time per request: bare route ${cpu(ref).toFixed(0)} µs (main thread ${main(ref).toFixed(0)}), motcua ${cpu(subject).toFixed(0)} µs (main thread ${main(subject).toFixed(0)}) → throughput ratio on an idle core ≈ ${(cpu(ref) / cpu(subject)).toFixed(2)}`;
}

/**
 * Alternates reference and subject `rounds` times; returns the loads of each round. Given
 * servers of {@link startServer} (not bare URLs), each load also carries the server's CPU time
 * per request.
 */
export async function compare(
  refServer: RunningServer | string,
  subjectServer: RunningServer | string,
  opts: { rounds?: number; seconds?: number; ref?: LoadRequests; subject?: LoadRequests } = {},
): Promise<{ ref: Load[]; subject: Load[] }> {
  const rounds = opts.rounds ?? 3;
  const seconds = opts.seconds ?? 5;
  await loadServer(refServer, 1, opts.ref);
  await loadServer(subjectServer, 1, opts.subject); // warm-up
  const ref: Load[] = [];
  const subject: Load[] = [];
  for (let i = 0; i < rounds; i++) {
    ref.push(await loadServer(refServer, seconds, opts.ref));
    subject.push(await loadServer(subjectServer, seconds, opts.subject));
  }
  return { ref, subject };
}

/**
 * Runs `script` (TypeScript, via tsx) in a child process with `args` and returns the JSON it
 * prints on its `RESULT {…}` line; its other output goes to this process's stderr.
 */
export async function runChild<T>(script: string, args: string[], env: Record<string, string> = {}): Promise<T> {
  const { code, stdout } = await runProcess(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], env, 'inherit');
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (code !== 0 || !line) throw new Error(`${script} ${args.join(' ')} exited with ${code}: ${stdout.slice(-2000)}`);
  return JSON.parse(line.slice('RESULT '.length)) as T;
}

/**
 * Runs `command` in ROOT with this process's environment plus `env` (LOG_LEVEL silent unless
 * given) and answers its exit code and output; its stderr is collected, or passed through
 * (`'inherit'`) to show a child's progress.
 */
export function runProcess(command: string, args: string[], env: Record<string, string> = {}, stderr: 'pipe' | 'inherit' = 'pipe'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', stderr] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += String(d)));
    child.stderr?.on('data', (d: Buffer) => (err += String(d)));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: out, stderr: err }));
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

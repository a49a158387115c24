/**
 * A PostgreSQL primary and its streaming read replica for tests, both private to the test run:
 * `initdb` into a temporary directory, the primary started on a free port with `wal_level=replica`,
 * `pg_basebackup -R -X stream` of it into a second directory, and that copy started as a hot
 * standby on another free port (PostgreSQL 15 manual §27.2 log-shipping standby servers, §27.4
 * hot standby). Both listen on 127.0.0.1 only, with trust authentication, and are stopped and
 * deleted by {@link PgReplicaPair.stop}.
 *
 * Why a private primary rather than a replica of the shared test server (127.0.0.1:5432): a
 * replica needs replication connections, which that server's pg_hba.conf may not allow (the CI
 * machine's allows `all` databases but no `replication` line), and the test must neither change
 * the system's configuration nor copy every other test's schemas. The binaries come from
 * `MOTCUA_PG_BINDIR`, else `pg_config --bindir` (Debian: /usr/lib/postgresql/15/bin). Run as root,
 * the servers run as the `postgres` account (`runuser`), as PostgreSQL refuses to run as root.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface PgReplicaPair {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` of the primary. */
  primaryUrl: string;
  /** The same database on the hot standby. */
  replicaUrl: string;
  /** Runs `text` on the replica (a fresh connection) and returns its rows: `pg_wal_replay_pause()` and the like. */
  onReplica<R = Record<string, unknown>>(text: string): Promise<R[]>;
  /** Waits until the replica has replayed everything the primary has written so far (fails after `timeoutMs`). */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Stops the replica (fast shutdown: its connections are ended). */
  stopReplica(): Promise<void>;
  /** Starts the stopped replica again and waits until it accepts connections. */
  startReplica(): Promise<void>;
  /** Stops both servers (immediate shutdown) and deletes their directories; never throws. */
  stop(): Promise<void>;
}

export function binDir(): string {
  if (process.env.MOTCUA_PG_BINDIR) return process.env.MOTCUA_PG_BINDIR;
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    const versions = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)) : [];
    const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
    if (!newest) throw new Error('PostgreSQL server binaries not found: set MOTCUA_PG_BINDIR (e.g. /usr/lib/postgresql/15/bin)');
    return `/usr/lib/postgresql/${newest}/bin`;
  }
}

/** A TCP port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function query<R>(url: string, text: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return (await c.query(text)).rows as R[];
  } finally {
    await c.end();
  }
}

/** Starts a primary and its streaming hot standby; see the module comment. */
export async function startPgReplicaPair(): Promise<PgReplicaPair> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  const pgRun = (tool: string, args: string[], timeout = 60_000) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { timeout }) : run(path.join(bin, tool), args, { timeout });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-replica-'));
  if (asRoot) {
    const { uid, gid } = postgresIds();
    fs.chownSync(dir, uid, gid);
  }
  const primaryDir = path.join(dir, 'primary');
  const replicaDir = path.join(dir, 'replica');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const common = `-c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c full_page_writes=off`;
  const startReplicaServer = () => pgRun('pg_ctl', ['-D', replicaDir, '-o', `-p ${replicaPort} ${common} -c hot_standby=on`, '-l', path.join(dir, 'replica.log'), '-w', '-t', '60', 'start']);
  const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
  const replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/postgres`;

  const stop = async () => {
    for (const d of [replicaDir, primaryDir]) {
      if (fs.existsSync(path.join(d, 'postmaster.pid'))) await pgRun('pg_ctl', ['-D', d, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    // initdb's pg_hba.conf with --auth=trust allows replication connections from 127.0.0.1.
    await pgRun('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '--no-sync', '--no-instructions', '-E', 'UTF8', '--locale=C.UTF-8']);
    await pgRun('pg_ctl', ['-D', primaryDir, '-o', `-p ${primaryPort} ${common} -c wal_level=replica -c max_wal_senders=4`, '-l', path.join(dir, 'primary.log'), '-w', '-t', '60', 'start']);
    await pgRun('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', replicaDir, '-R', '-X', 'stream', '--no-sync']);
    await startReplicaServer();
    const [r] = await query<{ standby: boolean }>(replicaUrl, 'select pg_is_in_recovery() as standby');
    if (!r?.standby) throw new Error('the copy started as a primary, not as a standby');
  } catch (e) {
    const logs = ['primary.log', 'replica.log'].map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f)).map((f) => `${path.basename(f)}:\n${fs.readFileSync(f, 'utf8').slice(-2000)}`);
    await stop();
    throw new Error(`could not start a PostgreSQL primary and replica: ${(e as Error).message}\n${logs.join('\n')}`);
  }

  return {
    primaryUrl,
    replicaUrl,
    onReplica: (text) => query(replicaUrl, text),
    async caughtUp(timeoutMs = 20_000) {
      const [p] = await query<{ lsn: string }>(primaryUrl, 'select pg_current_wal_lsn()::text as lsn');
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [r] = await query<{ done: boolean }>(replicaUrl, `select pg_last_wal_replay_lsn() >= '${p!.lsn}'::pg_lsn as done`);
        if (r?.done) return;
        if (Date.now() > deadline) throw new Error(`replica did not replay up to ${p!.lsn} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stopReplica() {
      await pgRun('pg_ctl', ['-D', replicaDir, '-m', 'fast', '-w', 'stop']);
    },
    async startReplica() {
      await startReplicaServer();
    },
    stop,
  };
}

export function postgresIds(): { uid: number; gid: number } {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('no postgres account to run the test servers as (running as root)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

// Reference of the e-ID sign-in benchmark: a bare Argon2id verify loop (@node-rs/argon2, the
// library src/identity/passwords.ts uses) over one stored hash, `concurrency` verifications in
// flight for `seconds`, on the libuv threadpool of this process (UV_THREADPOOL_SIZE from the
// environment). Prints RESULT {verified, wallMs, cpuMs}: cpuMs is this process's user + system
// time over all its threads (getrusage), so verified / cpuMs is the rate per core.
// Usage: verify-worker.ts HASH PASSWORD SECONDS CONCURRENCY
import { verify } from '@node-rs/argon2';

const [hash, password, seconds, concurrency] = process.argv.slice(2);
if (!hash || !password) throw new Error('usage: verify-worker.ts HASH PASSWORD SECONDS CONCURRENCY');
if (!(await verify(hash, password))) throw new Error('the password does not match the hash');

const until = performance.now() + Number(seconds) * 1000;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let verified = 0;
await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (performance.now() < until) {
      if (!(await verify(hash, password))) throw new Error('verification failed');
      verified++;
    }
  }),
);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(`RESULT ${JSON.stringify({ verified, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 })}`);

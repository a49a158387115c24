/**
 * Data of the e-ID sign-in benchmark: a SQLite database under var/bench/ with `count` citizens of
 * Xã Cẩm Hoàng ('10897', Tỉnh Hải Dương, as of 2023-02-28) in the population registry, each with
 * an active level-1 e-ID account made through the real path — online application checked against
 * the registry, approval by the commune police, activation code by SMS (read from the outbox),
 * activation with a password (Argon2id at the parameters of src/identity/passwords.ts) and a
 * passcode. Kept and reused while it still holds `count` active accounts whose password hashes
 * carry the current Argon2id parameters (made again after the parameters change, so that sign-ins
 * verify at the parameters the reference loop uses, with no re-hash on the way).
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { applyOnline, decideApplication } from '../../src/identity/eid/applications.js';
import { confirmActivation, requestActivationCode } from '../../src/identity/eid/activation.js';
import { imageOf } from '../../src/identity/eid/biometrics.js';
import { applicantActor, createEidService } from '../../src/identity/eid/service.js';
import { CAM_HOANG, makePng, person, pinFor, UNIT_DATE } from '../../src/identity/eid/testing/fixtures.js';
import { createStaff } from '../../src/identity/index.js';
import { needsRehash } from '../../src/identity/passwords.js';
import { createCitizen } from '../../src/population/index.js';
import { unitCodeExists, type UnitsTables } from '../../src/units/index.js';
import type { AppContext } from '../../src/platform/module.js';
import { benchDir, openBenchContext, removeSqlite } from '../population/data.js';

export interface BenchAccount {
  pin: string;
  password: string;
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi'];
const GIVEN = { male: ['Văn An', 'Minh Đức', 'Quốc Huy', 'Văn Khánh', 'Đức Long'], female: ['Thị Bình', 'Thu Hà', 'Thị Lan', 'Ngọc Mai', 'Thị Yến'] };

/** The `i`-th benchmark citizen: number, name, birth date, sex, phone and password, all derived from `i`. */
function citizen(i: number) {
  const sex = i % 2 === 0 ? ('male' as const) : ('female' as const);
  const year = 1960 + (i % 40);
  const dateOfBirth = `${year}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
  return {
    input: person({ pin: pinFor(sex, year, 100_000 + i), fullName: `${FAMILY[i % FAMILY.length]} ${GIVEN[sex][i % 5]}`, dateOfBirth, sex }),
    phone: `091${String(1_000_000 + i).padStart(7, '0')}`,
    password: `Cẩm-Hoàng-${i}-mật-khẩu`,
    passcode: String(246_801 + i * 7).padStart(6, '0').slice(-6),
  };
}

/** The accounts of the database, as {@link eidSignInDb} made them. */
export function benchAccounts(count: number): BenchAccount[] {
  return Array.from({ length: count }, (_, i) => {
    const c = citizen(i);
    return { pin: c.input.pin, password: c.password };
  });
}

export function eidSignInDbFile(count: number): string {
  return path.join(benchDir(), `eid-signin-${count}.sqlite`);
}

/** Active accounts in `file` with a password hash at the current parameters, or undefined when it is missing or unreadable. */
function activeAccounts(file: string): number | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    const db = new SQLite(file, { readonly: true, fileMustExist: true });
    try {
      const hashes = db.prepare("select password_hash from eid_accounts where status = 'active' and password_hash is not null").pluck().all() as string[];
      return hashes.filter((h) => !needsRehash(h)).length;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * The database with `count` active accounts (see the module comment): the one already under
 * var/bench/ when it holds them, otherwise made again (two Argon2id hashes per account, so about
 * a minute for 200 accounts on a busy machine).
 */
export async function eidSignInDb(count: number): Promise<string> {
  const file = eidSignInDbFile(count);
  if (activeAccounts(file) === count) {
    // Migrations added since are applied when the context opens; the accounts stay.
    const ctx = await openBenchContext(`sqlite:${file}`).catch(() => undefined);
    if (ctx) {
      await ctx.db.close();
      if (activeAccounts(file) === count) return file;
    }
  }
  console.log(`  making ${count} active e-ID accounts through application → approval → SMS code → activation in ${path.relative(process.cwd(), file)}…`);
  const started = performance.now();
  removeSqlite(file);
  const ctx = await openBenchContext(`sqlite:${file}`);
  try {
    await makeEidAccounts(ctx, count);
  } finally {
    await ctx.db.close();
  }
  const n = activeAccounts(file);
  if (n !== count) throw new Error(`expected ${count} active accounts, found ${n}`);
  console.log(`  ${count} accounts made in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return file;
}

/**
 * Makes the {@link benchAccounts} `0 … count - 1` in `ctx`'s database (either engine) through the
 * real e-ID path: registry entry, online application, approval by a commune police officer of
 * Xã Cẩm Hoàng (created here), SMS activation code read from the outbox, activation with password
 * and passcode. Used by {@link eidSignInDb} and by the load trials (trials/load.ts).
 */
export async function makeEidAccounts(ctx: AppContext, count: number): Promise<void> {
  const svc = createEidService(ctx);
  const cli = { kind: 'cli' as const, id: 'cli:bench' };
  const police = await createStaff(ctx.db, { username: 'bench.congan.camhoang', password: 'Bench-Công-an-Cẩm-Hoàng', role: 'COMMUNE_POLICE', unitCode: CAM_HOANG, unitDate: UNIT_DATE }, cli, (code) => unitCodeExists(ctx.db.as<UnitsTables>(), code));
  const policeActor = { kind: 'staff' as const, id: police.username, unitCode: CAM_HOANG, sourceIp: null };
  const face = imageOf('faceImage', makePng(96, 96));
  const make = async (i: number) => {
    const c = citizen(i);
    const created = await createCitizen(ctx.db, c.input, cli);
    if (created.outcome !== 'created') throw new Error(`citizen ${i} not created: ${created.outcome}`);
    const application = await applyOnline(svc, { pin: c.input.pin, fullName: c.input.fullName, dateOfBirth: c.input.dateOfBirth, sex: c.input.sex, phone: c.phone, faceImage: face }, applicantActor(null));
    await decideApplication(svc, police, application.id, { decision: 'approve' }, policeActor);
    await requestActivationCode(svc, { pin: c.input.pin, phone: c.phone }, null);
    const sms = await ctx.db.kysely.selectFrom('outbox_messages').select('body').where('kind', '=', 'eid.otp').where('recipient', '=', `+84${c.phone.slice(1)}`).orderBy('id', 'desc').executeTakeFirst();
    const code = /là (\d{6}),/.exec(String(sms?.body ?? ''))?.[1];
    if (!code) throw new Error(`no activation code queued for account ${i}`);
    await confirmActivation(svc, { pin: c.input.pin, phone: c.phone, code, password: c.password, passcode: c.passcode }, null);
  };
  // A few at a time: the Argon2id hashes of activation run on the libuv threadpool.
  for (let i = 0; i < count; i += 4) await Promise.all(Array.from({ length: Math.min(4, count - i) }, (_, j) => make(i + j)));
}

/**
 * Data of the reports-dashboard benchmark: a SQLite database under var/bench/ holding `dossiers`
 * dossiers and `accounts` e-ID accounts (with their applications, one in ten more: the rejected
 * ones) of Tỉnh Hải Dương (GSO 30) as it was in 2022–2023 — its communes in force on both
 * 2022-01-01 and 2023-12-31, from the built-in units — over the 730 Vietnam days of 2022 and 2023,
 * and the roll-up counters made from those records by the project's own rebuild
 * (src/reports/rebuild.ts `rebuildRollups`). Kept and reused while it holds them.
 *
 * Made with a few bulk INSERT … SELECT statements over a recursive counter (no JavaScript per
 * row), the tables' secondary indexes dropped during the load and created again afterwards (one
 * sort instead of ten million random B-tree inserts). Only the columns the counting reads are
 * filled realistically; the others hold constants:
 * - dossiers: spread evenly over the days and (by a multiplicative hash) over the communes; the
 *   27 catalog services with a skewed mix (temporary residence, accommodation notices and birth
 *   registration first); channels with the online share growing from 30 % to 60 % over the two
 *   years (8 % on behalf, 4 % mobile, the rest at the counter); filed by the applicant except on
 *   behalf / mobile; those older than the last 20 days completed (`result_returned`) after their
 *   processing days, 93 % on time, the late ones flagged overdue the day after their due date;
 * - e-ID applications: online 30 % (level 1), police desk 50 % and campaign 20 % (level 2, in person); the first
 *   `accounts` approved and activated two days after they were received (their account active),
 *   the rest rejected the next day; spread over the days by a permutation of their numbers (so
 *   the rejected ones are spread too);
 * - the append-only rows the modules' recounts read: each completed dossier's `release_result`
 *   transition (with its `onTime`), and each application's `received`, `approved` and `active`
 *   or `rejected` steps (the other transitions and steps are left out).
 *
 * The counters: the project's modules recount them from those records (`PlatformModule.rollups`:
 * src/dossiers/rollups.ts, src/identity/eid/rollups.ts) and `rebuildRollups` replaces the counter
 * rows by that recount — the same path as `motcua reports rebuild`.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { modules as projectModules } from '../../src/app/modules.js';
import { createStaff } from '../../src/identity/index.js';
import { rebuildRollups } from '../../src/reports/index.js';
import { BUILTIN_CATALOG } from '../../src/services/index.js';
import { unitCodeExists, type UnitsTables } from '../../src/units/index.js';
import { ROOT } from '../lib.js';
import { benchDir, openBenchContext, removeSqlite } from '../population/data.js';

export const PROVINCE = '30';
export const FIRST_DAY = '2022-01-01';
export const LAST_DAY = '2023-12-31';
export const DAYS = 730;
/** The provincial Project 06 working group (Tổ công tác Đề án 06 tỉnh Hải Dương) reading the dashboard. */
export const READER = 'bench.bcd06.haiduong';
export const READER_PASSWORD = 'Bench-Tổ-công-tác-06-Hải-Dương';
/** The unit date of the reader's account: the province as it was at the end of 2023. */
export const READER_UNIT_DATE = LAST_DAY;
const SEEDED_BY = 'bench.seed';

/** The roll-up indicators the dashboard reads that the records of this benchmark feed. */
export const BENCH_INDICATORS = ['dossiers.received', 'dossiers.completed', 'dossiers.overdue', 'eid.applications', 'eid.decisions', 'eid.activations'] as const;

/** Relative weights of the catalog services among the dossiers (unlisted services: 5). */
const SERVICE_WEIGHTS: Record<string, number> = {
  '1.004194': 150, // Đăng ký tạm trú
  '2.001159': 120, // Thông báo lưu trú
  'P.000014': 110, // Đăng ký khai sinh
  '1.004222': 90, // Đăng ký thường trú
  'P.000008': 80, // phạt nguội
  'P.000013': 60, // giấy phép lái xe
  'P.000007': 50, // biển số mô tô
  'P.000010': 50, // lý lịch tư pháp
  'P.000009': 40, // hộ chiếu
  'P.000019': 40, // gia hạn BHYT
  'P.000016': 35, // kết hôn
  'P.000017': 30, // liên thông khai sinh
  'P.000015': 25, // khai tử
  '1.003677': 25, // tạm vắng
  'P.000001': 20,
  'P.000023': 20,
  'P.100002': 15,
};

export function dashboardDbFile(dossiers: number, accounts: number): string {
  return path.join(benchDir(), `dashboard-v3-${dossiers}-${accounts}.sqlite`);
}

/** Dossiers and accounts seeded in `file`, and whether its counters were rebuilt; undefined when missing or unreadable. */
export function seeded(file: string): { dossiers: number; accounts: number; counters: number } | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    const db = new SQLite(file, { readonly: true, fileMustExist: true });
    try {
      const one = (q: string) => Number(db.prepare(q).pluck().get() ?? 0);
      return { dossiers: one('select max(id) from dossiers'), accounts: one('select max(id) from eid_accounts'), counters: one("select count(*) from (select 1 from indicator_counts where indicator = 'dossiers.received' limit 1)") };
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

/** The communes of the province in force over the whole of 2022–2023, with their districts. */
export function provinceCommunes(db: SQLite.Database): { code: string; district: string }[] {
  return db
    .prepare(
      `select c.code, c.parent_code as district from admin_units c join admin_units d on d.code = c.parent_code and d.valid_from <= @first and d.valid_until >= @last
       where c.level = 'commune' and d.parent_code = @province and c.valid_from <= @first and c.valid_until >= @last order by c.code`,
    )
    .all({ first: FIRST_DAY, last: LAST_DAY, province: PROVINCE }) as { code: string; district: string }[];
}

/**
 * Makes the database (see the module comment) unless it is there; the steps' times in seconds.
 * Run it with a large heap (`--max-old-space-size`): the rebuild holds the recount in memory.
 */
export async function makeDashboardDb(dossiers: number, accounts: number): Promise<{ file: string; made: boolean; seconds: Record<string, number> }> {
  const file = dashboardDbFile(dossiers, accounts);
  const have = seeded(file);
  if (have && have.dossiers === dossiers && have.accounts === accounts && have.counters > 0) return { file, made: false, seconds: {} };
  const seconds: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    seconds[name] = Math.round((now - t) / 100) / 10;
    t = now;
    console.error(`  ${name}: ${seconds[name]} s`);
  };
  removeSqlite(file);
  const setup = await openBenchContext(`sqlite:${file}`);
  try {
    await createStaff(setup.db, { username: READER, password: READER_PASSWORD, role: 'WORKING_GROUP', unitCode: PROVINCE, unitDate: READER_UNIT_DATE }, { kind: 'cli', id: 'cli:bench' }, (c) => unitCodeExists(setup.db.as<UnitsTables>(), c));
  } finally {
    await setup.db.close();
  }
  lap('schema, units and reader');
  bulkRecords(file, dossiers, accounts, lap);
  const ctx = await openBenchContext(`sqlite:${file}`);
  try {
    const r = await rebuildRollups(ctx.db, projectModules, { kind: 'cli', id: 'cli:bench' }, [...BENCH_INDICATORS]);
    console.error(`  rebuild: ${r.written.toLocaleString('en')} counter rows of ${r.indicators.join(', ')}`);
  } finally {
    await ctx.db.close();
  }
  lap('counters rebuilt (rebuildRollups)');
  const db = new SQLite(file);
  try {
    db.exec('analyze');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  lap('analyze');
  return { file, made: true, seconds };
}

/** The bulk statements of {@link makeDashboardDb}, on a raw connection. */
function bulkRecords(file: string, dossiers: number, accounts: number, lap: (name: string) => void): void {
  const db = new SQLite(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -2000000');
    db.pragma('temp_store = MEMORY');
    const communes = provinceCommunes(db);
    if (communes.length < 100) throw new Error(`only ${communes.length} communes of province ${PROVINCE} in force over ${FIRST_DAY}..${LAST_DAY}`);
    const services = BUILTIN_CATALOG;
    // Secondary indexes: dropped for the load, made again after it.
    const indexes = db.prepare("select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in ('dossiers', 'dossier_events', 'eid_applications', 'eid_application_steps', 'eid_accounts')").all() as { name: string; sql: string }[];
    db.transaction(() => {
      for (const i of indexes) db.exec(`drop index "${i.name}"`);
      db.exec('create temp table bench_units (idx integer primary key, code text not null, district text not null)');
      const unit = db.prepare('insert into bench_units values (?, ?, ?)');
      communes.forEach((c, i) => unit.run(i, c.code, c.district));
      db.exec('create temp table bench_services (idx integer primary key, code text, name text, sector text, days integer, cutoff text)');
      const service = db.prepare('insert into bench_services values (?, ?, ?, ?, ?, ?)');
      services.forEach((s, i) => service.run(i, s.code, s.nameVi, s.sector, s.processingDays, s.cutoff));
      // 1000 slots, each a service, in proportion to its weight.
      const weights = services.map((s) => SERVICE_WEIGHTS[s.code] ?? 5);
      const total = weights.reduce((a, b) => a + b, 0);
      db.exec('create temp table bench_slots (slot integer primary key, service integer not null)');
      const slot = db.prepare('insert into bench_slots values (?, ?)');
      let acc = 0;
      let next = 0;
      weights.forEach((w, i) => {
        acc += w;
        const end = i === weights.length - 1 ? 1000 : Math.round((acc * 1000) / total);
        for (; next < end; next++) slot.run(next, i);
      });
    })();
    const K = communes.length;
    // Bound as BigInt so that SQLite divides them as integers (JavaScript numbers are bound as REAL).
    // Dossier j (0-based): day j * DAYS / count, commune (j * 40503) % K, service slot (j * 69069) % 1000.
    db.prepare(
      `insert into dossiers (id, code, agency_code, unit_code, unit_date, scope_province, scope_district, scope_commune, service_code, service_version, service_name, sector,
         channel, filed_by, applicant_pin, applicant_name, applicant_phone, applicant_email, applicant_account, form_data, locked_fields, assistance,
         state, resume_state, submitted_at, received_at, start_date, working_days, cutoff, due_date, original_due_date, paused_at, paused_remaining,
         handler, overdue_since, completed_at, on_time, closed_at, created_by, version, updated_at)
       with recursive n(j) as (select 0 union all select j + 1 from n where j + 1 < @count),
       d as (
         select j, j * @days / @count as day, (j * 40503) % @units as u, (j * 69069) % 1000 as slot, (j * 7919) % 1000 as c, (j * 104723) % 100 as late from n
       ),
       e as (
         select d.*, u.code as unit, u.district, s.code as service, s.name, s.sector, s.days, s.cutoff,
           case when c < 300 + 300 * day / @days then 'online' when c < 380 + 300 * day / @days then 'on_behalf' when c < 420 + 300 * day / @days then 'mobile' else 'counter' end as channel,
           date(@first, '+' || day || ' days') as vday,
           strftime('%Y-%m-%dT%H:%M:%fZ', @first, '+' || day || ' days', '+' || (3600 + (j * 7) % 32400) || ' seconds') as at,
           day < @days - 20 as closed
         from d join bench_units u on u.idx = d.u join bench_slots sl on sl.slot = d.slot join bench_services s on s.idx = sl.service
       )
       select j + 1, 'H30-' || printf('%010d', j), 'H30.' || unit, unit, vday, @province, district, unit, service, 1, name, sector,
         channel, case when channel in ('on_behalf', 'mobile') then 'on_behalf' else 'self' end,
         '030000000000', 'Người nộp', '0900000000', null, null, '{}', '[]',
         case when channel in ('on_behalf', 'mobile') then '{"helper":"hotro.' || unit || '","site":"Quầy hỗ trợ","consent":{"given":true,"method":"signed_paper"}}' end,
         case when closed then 'result_returned' else 'in_processing' end, null,
         at, at, vday, days, cutoff, date(vday, '+' || (days + days / 5 * 2 + 2) || ' days'), date(vday, '+' || (days + days / 5 * 2 + 2) || ' days'), null, null,
         'canbo.' || unit, case when closed and late >= 93 then date(vday, '+' || (days + days / 5 * 2 + 3) || ' days') end,
         case when closed then strftime('%Y-%m-%dT%H:%M:%fZ', at, '+' || (case when late >= 93 then days + days / 5 * 2 + 5 else days end) || ' days') end,
         case when closed then late < 93 end,
         case when closed then strftime('%Y-%m-%dT%H:%M:%fZ', at, '+' || (case when late >= 93 then days + days / 5 * 2 + 5 else days end) || ' days', '+1 hours') end,
         @seededBy, 5, at
       from e`,
    ).run({ count: BigInt(dossiers), days: BigInt(DAYS), units: BigInt(K), first: FIRST_DAY, province: PROVINCE, seededBy: SEEDED_BY });
    // The completion of each completed dossier, as src/dossiers/actions.ts writes it (`release_result`).
    db.prepare(
      `insert into dossier_events (dossier_id, seq, action, from_state, to_state, at, actor_kind, actor_id, actor_unit, reason, data, form)
       select id, 2, 'release_result', 'approved', 'result_ready', completed_at, 'staff', handler, unit_code, null,
         '{"onTime":' || case when on_time = 1 then 'true' else 'false' end || ',"dueDate":"' || due_date || '"}', null
       from dossiers where completed_at is not null order by id`,
    ).run();
    lap(`${dossiers.toLocaleString('en')} dossiers and their completions inserted`);
    const applications = accounts + Math.floor(accounts / 10);
    db.prepare(
      `insert into eid_applications (id, level, channel, pin, full_name, date_of_birth, sex, phone, email, guardian_account_id, collection_kind, collection_unit, collection_campaign,
         unit_code, unit_date, scope_province, scope_district, scope_commune, consent_at, biometric_check, biometric_checker, status, status_at, reason_code, reason_note, account_id, created_at, created_by)
       with recursive n(i) as (select 0 union all select i + 1 from n where i + 1 < @count),
       d as (select i, ((i * 1000003) % @count) * @days / @count as day, (i * 40503) % @units as u, (i * 7919) % 100 as c from n),
       e as (
         select d.*, u.code as unit, u.district, date(@first, '+' || day || ' days') as vday,
           strftime('%Y-%m-%dT%H:%M:%fZ', @first, '+' || day || ' days', '+' || (3600 + (i * 7) % 32400) || ' seconds') as at,
           case when c < 30 then 'online' when c < 80 then 'police_desk' else 'campaign' end as channel
         from d join bench_units u on u.idx = d.u
       )
       select i + 1, case when channel = 'online' then 1 else 2 end, channel, '030' || printf('%09d', i), 'Công dân', '1990-01-01', 'male', null, null, null,
         case channel when 'police_desk' then 'police_office' when 'campaign' then 'campaign' end, case when channel <> 'online' then unit end, null,
         unit, vday, @province, district, unit, case when channel <> 'online' then at end, case when channel <> 'online' then 'matched' else 'not_verified' end, 'bench',
         case when i < @accounts then 'active' else 'rejected' end,
         strftime('%Y-%m-%dT%H:%M:%fZ', at, case when i < @accounts then '+2 days' else '+1 days' end),
         case when i >= @accounts then 'data_mismatch' end, null, case when i < @accounts then i + 1 end, at, 'bench.seed'
       from e`,
    ).run({ count: BigInt(applications), accounts: BigInt(accounts), days: BigInt(DAYS), units: BigInt(K), first: FIRST_DAY, province: PROVINCE });
    db.prepare(
      `insert into eid_accounts (id, pin, level, pending_level, status, phone, pending_phone, email, guardian_account_id, password_hash, passcode_hash, totp_secret, totp_pending, totp_last_step,
         lock_reason, locked_at, unit_code, unit_date, scope_province, scope_district, scope_commune, application_id, created_at, activated_at, updated_at)
       select id, pin, level, null, 'active', '09' || printf('%08d', id), null, null, null, null, null, null, null, null, null, null,
         unit_code, unit_date, scope_province, scope_district, scope_commune, id, created_at, status_at, status_at
       from eid_applications where id <= @accounts order by id`,
    ).run({ accounts: BigInt(accounts) });
    // The steps the e-ID recount reads, as src/identity/eid/applications.ts and activation.ts write them.
    db.prepare(
      `insert into eid_application_steps (application_id, step, at, actor_kind, actor_id, actor_unit, reason_code, note)
       select id, 'received', created_at, 'staff', created_by, unit_code, null, null from eid_applications
       union all select id, 'approved', status_at, 'staff', 'bench.police', unit_code, null, null from eid_applications where status = 'active'
       union all select id, 'active', status_at, 'citizen', 'eid:' || account_id, null, null, null from eid_applications where status = 'active'
       union all select id, 'rejected', status_at, 'staff', 'bench.police', unit_code, reason_code, null from eid_applications where status = 'rejected'`,
    ).run();
    lap(`${applications.toLocaleString('en')} e-ID applications with their steps and ${accounts.toLocaleString('en')} accounts inserted`);
    for (const i of indexes) db.exec(i.sql);
    lap('secondary indexes made');
  } finally {
    db.close();
  }
}

/** For a child process: `tsx bench/reports/data.ts DOSSIERS ACCOUNTS` makes the database and prints `RESULT {…}`. */
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(ROOT, 'bench/reports/data.ts')) {
  const [d, a] = process.argv.slice(2).map(Number);
  const started = performance.now();
  const r = await makeDashboardDb(d!, a!);
  console.log(`RESULT ${JSON.stringify({ ...r, totalSeconds: Math.round((performance.now() - started) / 1000) })}`);
}

/**
 * Data of the dossier-submission benchmark: a SQLite database under var/bench/ holding `count`
 * dossiers already stored, made with a few bulk INSERT … SELECT statements (a recursive counter,
 * no JavaScript per row), and the setup a counter submission needs: the communes of Thành phố
 * Hải Phòng from 2025-07-01 (the unit list in ../shared/data), service 1.004194 (Đăng ký tạm trú)
 * deployed at Xã Cẩm Giang (GSO 10888), the commune's receiving agency `H31.10888` and a one-stop
 * officer of the commune. Kept and reused while it holds `count` seeded dossiers and opens.
 *
 * The stored dossiers: spread evenly over every commune of the province (agency `H31.{commune}`)
 * and over the days from 2025-07-01 to yesterday, office hours, all catalog services, the four
 * channels (4 online : 4 counter : 1 on behalf : 1 mobile), each with its `submit` event; those
 * older than 30 days received and closed (a `receive` event too), the newer ones submitted,
 * received or in processing. Beside them: their agencies, daily code sequences and idempotency
 * records (a receipt each). Not bulk-filled: the audit log and the outbox (their hash chain and
 * per-message rows are written by the submissions only) and the indicator counts.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import stringify from 'safe-stable-stringify';
import { dossierEnv } from '../../src/dossiers/access.js';
import { saveAgency } from '../../src/dossiers/agencies.js';
import { createStaff } from '../../src/identity/index.js';
import { todayInVietnam } from '../../src/platform/dates.js';
import { BUILTIN_CATALOG, deployService, SAMPLE_FORMS } from '../../src/services/index.js';
import { importUnitList, unitCodeExists, type UnitsTables } from '../../src/units/index.js';
import type { AppContext } from '../../src/platform/module.js';
import { ROOT } from '../lib.js';
import { benchDir, openBenchContext, removeSqlite } from '../population/data.js';

export const UNIT = '10888';
export const AGENCY = 'H31.10888';
export const OFFICER = 'bench.motcua.camgiang';
export const OFFICER_PASSWORD = 'Bench-Một-cửa-Cẩm-Giang';
export const SERVICE = '1.004194';
const UNIT_LIST_2025 = path.resolve(ROOT, '../shared/data/admin-units/post2025/vn-units-2level-2025-07-01.json');
const FIRST_DAY = '2025-07-01';
const SEEDED_BY = 'bench.seed';

export function dossiersDbFile(count: number): string {
  return path.join(benchDir(), `dossiers-${count}.sqlite`);
}

/** Seeded dossiers in `file`, or undefined when it is missing or unreadable. */
function seededDossiers(file: string): number | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    const db = new SQLite(file, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('select count(*) as n from dossiers where created_by = ?').get(SEEDED_BY) as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * The database with `count` stored dossiers (see the module comment): the one under var/bench/
 * when it holds them (submissions of earlier runs stay in it), otherwise made again.
 */
export async function dossiersDb(count: number): Promise<string> {
  const file = dossiersDbFile(count);
  if (seededDossiers(file) === count) {
    const ctx = await openBenchContext(`sqlite:${file}`).catch(() => undefined); // applies migrations added since
    if (ctx) {
      await ctx.db.close();
      return file;
    }
  }
  console.log(`  storing ${count.toLocaleString('en')} dossiers in ${path.relative(ROOT, file)}…`);
  const started = performance.now();
  removeSqlite(file);
  const ctx = await openBenchContext(`sqlite:${file}`);
  try {
    await prepareCounter(ctx);
  } finally {
    await ctx.db.close();
  }
  bulkDossiers(file, count);
  console.log(`  ${count.toLocaleString('en')} dossiers stored in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return file;
}

/**
 * What a counter submission needs, in `ctx`'s database (either engine): the communes of Thành phố
 * Hải Phòng from 2025-07-01 (when not in force today), service {@link SERVICE} deployed at
 * {@link UNIT}, the commune's receiving agency {@link AGENCY} and the one-stop officer
 * {@link OFFICER}. Used by {@link dossiersDb} and by the load trials (trials/load.ts).
 */
export async function prepareCounter(ctx: AppContext): Promise<void> {
  const db = ctx.db;
  const cli = { kind: 'cli' as const, id: 'cli:bench' };
  const today = todayInVietnam();
  const inForce = await db.kysely.selectFrom('admin_units').select('code').where('code', '=', UNIT).where('valid_from', '<=', today).where('valid_until', '>=', today).executeTakeFirst();
  if (!inForce) await importUnitList(db, UNIT_LIST_2025, { validFrom: FIRST_DAY, source: 'Quyết định 19/2025/QĐ-TTg', actor: cli });
  await deployService(db, SERVICE, UNIT, FIRST_DAY, cli);
  await saveAgency(dossierEnv(ctx), UNIT, { agencyCode: AGENCY, nameVi: 'Trung tâm Phục vụ hành chính công xã Cẩm Giang', headTitle: 'Chủ tịch UBND xã Cẩm Giang', headEmail: 'chutich.camgiang@haiphong.gov.vn' }, cli);
  await createStaff(db, { username: OFFICER, password: OFFICER_PASSWORD, role: 'COMMUNE_OFFICER', unitCode: UNIT, unitDate: FIRST_DAY }, cli, (c) => unitCodeExists(db.as<UnitsTables>(), c));
}

/** The bulk INSERT … SELECT statements behind {@link dossiersDb}, on a raw connection in one transaction. */
function bulkDossiers(file: string, count: number): void {
  const db = new SQLite(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1000000'); // 1 GB: the secondary indexes take rows in no particular order
    db.pragma('temp_store = MEMORY');
    const communes = db
      .prepare("select distinct code from admin_units where level = 'commune' and parent_code = '31' and valid_from <= ? and valid_until >= ? order by code")
      .pluck()
      .all(FIRST_DAY, FIRST_DAY) as string[];
    if (!communes.includes(UNIT)) throw new Error(`commune ${UNIT} is not in force on ${FIRST_DAY}`);
    const yesterday = new Date(`${todayInVietnam()}T00:00:00Z`);
    yesterday.setUTCDate(yesterday.getUTCDate() - 1);
    const days = Math.round((yesterday.getTime() - Date.parse(`${FIRST_DAY}T00:00:00Z`)) / 86_400_000) + 1;
    const perDay = Math.ceil(count / days);
    const services = BUILTIN_CATALOG.filter((s) => SAMPLE_FORMS[s.code]);
    db.transaction(() => {
      db.exec('create temp table bench_units (idx integer primary key, code text not null)');
      const unit = db.prepare('insert into bench_units values (?, ?)');
      communes.forEach((c, i) => unit.run(i, c));
      db.exec('create temp table bench_services (idx integer primary key, code text, version integer, name text, sector text, days integer, cutoff text, form text)');
      const service = db.prepare('insert into bench_services values (?, ?, 1, ?, ?, ?, ?, ?)');
      services.forEach((s, i) => service.run(i, s.code, s.nameVi, s.sector, s.processingDays, s.cutoff, stringify(SAMPLE_FORMS[s.code])));
      db.prepare(
        `insert or ignore into dossier_agencies (unit_code, agency_code, name_vi, head_title, head_phone, head_email, updated_at)
         select u.code, 'H31.' || u.code, 'Trung tâm Phục vụ hành chính công ' || a.full_name, 'Chủ tịch UBND ' || a.full_name, null, null, ?
         from bench_units u join admin_units a on a.code = u.code and a.valid_from <= ? and a.valid_until >= ?`,
      ).run(`${FIRST_DAY}T00:00:00.000Z`, FIRST_DAY, FIRST_DAY);
      // Dossier j (0-based): day j / perDay, then within the day commune r % K and sequence r / K + 1.
      db.prepare(
        `insert into dossiers (code, agency_code, unit_code, unit_date, scope_province, scope_district, scope_commune, service_code, service_version, service_name, sector,
           channel, filed_by, applicant_pin, applicant_name, applicant_phone, applicant_email, applicant_account, form_data, locked_fields, assistance,
           state, resume_state, submitted_at, received_at, start_date, working_days, cutoff, due_date, original_due_date, paused_at, paused_remaining,
           handler, overdue_since, completed_at, on_time, closed_at, created_by, version, updated_at)
         with recursive n(j) as (select 0 union all select j + 1 from n where j + 1 < @count),
         d as (
           select j, j / @perDay as day, j % @perDay as r,
             case j % 10 when 0 then 'online' when 1 then 'online' when 2 then 'online' when 3 then 'online' when 8 then 'on_behalf' when 9 then 'mobile' else 'counter' end as channel
           from n
         ),
         e as (
           select d.*, u.code as unit, s.code as service, s.version, s.name, s.sector, s.days, s.cutoff, s.form,
             date(@first, '+' || d.day || ' days') as vday,
             strftime('%Y-%m-%dT%H:%M:%fZ', @first, '+' || d.day || ' days', '+' || (3600 + d.r * 32400 / @perDay) || ' seconds') as at,
             d.day < @days - 30 as closed
           from d join bench_units u on u.idx = d.r % @units join bench_services s on s.idx = d.j % @services
         )
         select 'H31.' || unit || '-' || substr(vday, 3, 2) || substr(vday, 6, 2) || substr(vday, 9, 2) || '-' || printf('%04d', r / @units + 1),
           'H31.' || unit, unit, vday, '31', null, unit, service, version, name, sector,
           channel, case when channel in ('on_behalf', 'mobile') then 'on_behalf' else 'self' end,
           '031' || printf('%09d', (j * 7919 + 13) % 1000000000), 'Người nộp ' || (j % 9973), '09' || printf('%08d', (j * 104729) % 100000000),
           case when j % 3 = 0 then 'nguoinop' || j || '@example.vn' end, case when channel = 'online' then j + 1 end,
           form, '[]',
           case when channel in ('on_behalf', 'mobile') then json_object('helper', 'hotro.' || unit, 'site', 'Quầy hỗ trợ 1', 'equipmentId', 'MT-0' || (j % 7), 'consent', json_object('given', json('true'), 'method', 'signed_paper', 'at', at), 'campaign', case when channel = 'mobile' then 'Chiến dịch 90 ngày' end) end,
           case when closed then 'result_returned' else case j % 3 when 0 then 'submitted' when 1 then 'received' else 'in_processing' end end, null,
           at, case when closed or j % 3 > 0 then at end, case when closed or j % 3 > 0 then vday end, days, cutoff,
           case when closed or j % 3 > 0 then date(vday, '+' || (days + days / 5 * 2 + 2) || ' days') end, case when closed or j % 3 > 0 then date(vday, '+' || (days + days / 5 * 2 + 2) || ' days') end,
           null, null, case when closed or j % 3 = 2 then 'canbo.' || unit end, null,
           case when closed then strftime('%Y-%m-%dT%H:%M:%fZ', at, '+' || (days + 1) || ' days') end, case when closed then 1 end,
           case when closed then strftime('%Y-%m-%dT%H:%M:%fZ', at, '+' || (days + 2) || ' days') end,
           @seededBy, case when closed then 5 else 1 + j % 3 end, at
         from e`,
      ).run({ count, perDay, days, units: communes.length, services: services.length, first: FIRST_DAY, seededBy: SEEDED_BY });
      db.prepare(
        `insert into dossier_events (dossier_id, seq, action, from_state, to_state, at, actor_kind, actor_id, actor_unit, reason, data, form)
         select id, 1, 'submit', null, 'submitted', submitted_at, case when channel = 'online' then 'citizen' else 'staff' end,
           case when channel = 'online' then 'eid:' || applicant_account else 'canbo.' || unit_code end, case when channel = 'online' then null else unit_code end,
           null, json_object('channel', channel, 'serviceVersion', service_version), null
         from dossiers where created_by = ? order by id`,
      ).run(SEEDED_BY);
      db.prepare(
        `insert into dossier_events (dossier_id, seq, action, from_state, to_state, at, actor_kind, actor_id, actor_unit, reason, data, form)
         select id, 2, 'receive', 'submitted', 'received', received_at, 'staff', 'canbo.' || unit_code, unit_code, null, json_object('dueDate', due_date), '01'
         from dossiers where created_by = ? and received_at is not null order by id`,
      ).run(SEEDED_BY);
      db.prepare(
        `insert into dossier_sequences (agency_code, day, last)
         select agency_code, unit_date, max(cast(substr(code, length(agency_code) + 9) as integer))
         from dossiers where created_by = ? group by agency_code, unit_date`,
      ).run(SEEDED_BY);
      db.prepare(
        `insert into dossier_idempotency (scope, key, request_hash, dossier_id, response, created_at)
         select case when channel = 'online' then 'citizen:' || applicant_account else 'staff:' || (1000 + unit_code % 1000) end, 'seed-' || id, lower(hex(randomblob(32))), id,
           json_object('code', code, 'state', 'submitted', 'channel', channel, 'filedBy', filed_by,
             'service', json_object('code', service_code, 'version', service_version, 'nameVi', service_name, 'sector', sector),
             'unitCode', unit_code, 'agencyCode', agency_code, 'submittedAt', submitted_at, 'lockedFields', json('[]'),
             'trackingUrl', 'https://dichvucong.haiphong.gov.vn/tra-cuu/' || code),
           submitted_at
         from dossiers where created_by = ? order by id`,
      ).run(SEEDED_BY);
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/**
 * The desk module's tables (SQL only). Every record hangs off an administrative unit through its
 * team or site: `unit_code` with `unit_date` (the date the code refers to: codes changed meaning in
 * the 2025 reform) and the unit's path as scope columns (province, district, commune), so that a
 * reader's unit through time selects rows in SQL ({@link inAreaCondition}). Dates are Vietnam dates
 * `YYYY-MM-DD`; instants UTC ISO text.
 */
import { sql, type Generated, type Kysely, type Migration, type RawBuilder } from 'kysely';
import { withIdColumn } from '../platform/db/migrations.js';
import type { ScopePeriod } from '../platform/auth.js';

/** Unit columns shared by teams, sites, help entries and campaigns. */
interface UnitColumns {
  unit_code: string;
  unit_date: string;
  scope_province: string | null;
  scope_district: string | null;
  scope_commune: string | null;
}

export interface DeskTables {
  desk_teams: UnitColumns & {
    id: Generated<number>;
    name: string;
    founded_on: string | null;
    lead_org: string;
    note: string | null;
    created_at: string;
    updated_at: string;
  };
  desk_members: {
    id: Generated<number>;
    team_id: number;
    kind: string;
    staff_username: string | null;
    full_name: string;
    phone: string | null;
    organisation: string;
    joined_on: string | null;
    left_on: string | null;
    /** SHA-256 of the secret of the member's calendar feed URL, when one was issued. */
    feed_token_hash: string | null;
    created_at: string;
  };
  desk_sites: UnitColumns & {
    id: Generated<number>;
    kind: string;
    name: string;
    address: string | null;
    internet: string;
    bandwidth_mbps: number | null;
    active: number;
    created_at: string;
    updated_at: string;
  };
  desk_desks: {
    id: Generated<number>;
    site_id: number;
    team_id: number | null;
    name: string;
    morning_start: string;
    morning_end: string;
    afternoon_start: string;
    afternoon_end: string;
    active: number;
    created_at: string;
  };
  desk_shifts: {
    id: Generated<number>;
    desk_id: number;
    day: string;
    period: string;
    starts_at: string;
    ends_at: string;
    created_at: string;
  };
  desk_assignments: {
    shift_id: number;
    member_id: number;
    assigned_at: string;
    assigned_by: string;
  };
  desk_devices: {
    id: Generated<number>;
    site_id: number;
    desk_id: number | null;
    kind: string;
    model: string | null;
    serial: string | null;
    status: string;
    acquired_on: string | null;
    funding: string;
    note: string | null;
    created_at: string;
    updated_at: string;
  };
  desk_help: UnitColumns & {
    id: Generated<number>;
    /** Client-chosen id of the entry (a phone retrying after a lost answer sends the same): unique. */
    client_ref: string | null;
    at: string;
    day: string;
    desk_id: number;
    device_id: number | null;
    helper_member_id: number | null;
    entered_by: string;
    kind: string;
    service_code: string | null;
    outcome: string;
    citizen_pin: string | null;
    consent: number;
    note: string | null;
    source: string;
    voided_at: string | null;
    void_reason: string | null;
  };
  desk_campaigns: UnitColumns & {
    id: Generated<number>;
    site_id: number;
    day: string;
    start_time: string | null;
    end_time: string | null;
    title: string;
    status: string;
    equipment_note: string | null;
    note: string | null;
    created_by: string;
    created_at: string;
    updated_at: string;
  };
  desk_campaign_officers: {
    campaign_id: number;
    seq: number;
    full_name: string;
    staff_username: string | null;
    title: string | null;
  };
  desk_campaign_devices: {
    campaign_id: number;
    device_id: number;
  };
}

export type Db = Kysely<DeskTables>;

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(','));

export const deskMigrations: Record<string, Migration> = {
  '0700_desk': {
    async up(db: Kysely<any>) {
      const unitColumns = <T extends { addColumn: (...a: any[]) => T }>(t: T): T =>
        t
          .addColumn('unit_code', 'text', (c: any) => c.notNull())
          .addColumn('unit_date', 'text', (c: any) => c.notNull())
          .addColumn('scope_province', 'text')
          .addColumn('scope_district', 'text')
          .addColumn('scope_commune', 'text');
      await unitColumns(withIdColumn(db, db.schema.createTable('desk_teams')))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('founded_on', 'text')
        .addColumn('lead_org', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('desk_teams_scope').on('desk_teams').columns(['scope_commune', 'scope_district', 'scope_province']).execute();
      await withIdColumn(db, db.schema.createTable('desk_members'))
        .addColumn('team_id', 'bigint', (c) => c.notNull().references('desk_teams.id'))
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('staff','volunteer')`))
        .addColumn('staff_username', 'text')
        .addColumn('full_name', 'text', (c) => c.notNull())
        .addColumn('phone', 'text')
        .addColumn('organisation', 'text', (c) => c.notNull())
        .addColumn('joined_on', 'text')
        .addColumn('left_on', 'text')
        .addColumn('feed_token_hash', 'text', (c) => c.unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        // A staff member needs the account; a volunteer has none.
        .addCheckConstraint('desk_members_kind_account', sql`(kind = 'staff') = (staff_username is not null)`)
        .addUniqueConstraint('desk_members_team_account', ['team_id', 'staff_username'])
        .execute();
      await unitColumns(withIdColumn(db, db.schema.createTable('desk_sites')))
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in (${inList(['commune_office', 'service_centre', 'cultural_house'])})`))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('address', 'text')
        .addColumn('internet', 'text', (c) => c.notNull())
        .addColumn('bandwidth_mbps', 'integer')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('desk_sites_scope').on('desk_sites').columns(['scope_commune', 'scope_district', 'scope_province']).execute();
      await withIdColumn(db, db.schema.createTable('desk_desks'))
        .addColumn('site_id', 'bigint', (c) => c.notNull().references('desk_sites.id'))
        .addColumn('team_id', 'bigint', (c) => c.references('desk_teams.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('morning_start', 'text', (c) => c.notNull())
        .addColumn('morning_end', 'text', (c) => c.notNull())
        .addColumn('afternoon_start', 'text', (c) => c.notNull())
        .addColumn('afternoon_end', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await withIdColumn(db, db.schema.createTable('desk_shifts'))
        .addColumn('desk_id', 'bigint', (c) => c.notNull().references('desk_desks.id'))
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull().check(sql`period in ('morning','afternoon')`))
        .addColumn('starts_at', 'text', (c) => c.notNull())
        .addColumn('ends_at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('desk_shifts_desk_day_period', ['desk_id', 'day', 'period'])
        .execute();
      await db.schema.createIndex('desk_shifts_time').on('desk_shifts').columns(['starts_at', 'ends_at']).execute();
      await db.schema
        .createTable('desk_assignments')
        .addColumn('shift_id', 'bigint', (c) => c.notNull().references('desk_shifts.id'))
        .addColumn('member_id', 'bigint', (c) => c.notNull().references('desk_members.id'))
        .addColumn('assigned_at', 'text', (c) => c.notNull())
        .addColumn('assigned_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('desk_assignments_pk', ['shift_id', 'member_id'])
        .execute();
      await db.schema.createIndex('desk_assignments_member').on('desk_assignments').columns(['member_id']).execute();
      await withIdColumn(db, db.schema.createTable('desk_devices'))
        .addColumn('site_id', 'bigint', (c) => c.notNull().references('desk_sites.id'))
        .addColumn('desk_id', 'bigint', (c) => c.references('desk_desks.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('model', 'text')
        .addColumn('serial', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('acquired_on', 'text')
        .addColumn('funding', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('desk_devices_site').on('desk_devices').columns(['site_id']).execute();
      await unitColumns(withIdColumn(db, db.schema.createTable('desk_help')))
        .addColumn('client_ref', 'text', (c) => c.unique())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('desk_id', 'bigint', (c) => c.notNull().references('desk_desks.id'))
        .addColumn('device_id', 'bigint', (c) => c.references('desk_devices.id'))
        .addColumn('helper_member_id', 'bigint', (c) => c.references('desk_members.id'))
        .addColumn('entered_by', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('service_code', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('citizen_pin', 'text')
        .addColumn('consent', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('note', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('voided_at', 'text')
        .addColumn('void_reason', 'text')
        // A citizen's number is kept only with their consent.
        .addCheckConstraint('desk_help_pin_consent', sql`citizen_pin is null or consent = 1`)
        .execute();
      await db.schema.createIndex('desk_help_scope_day').on('desk_help').columns(['scope_commune', 'day']).execute();
      await db.schema.createIndex('desk_help_desk_day').on('desk_help').columns(['desk_id', 'day']).execute();
      await unitColumns(withIdColumn(db, db.schema.createTable('desk_campaigns')))
        .addColumn('site_id', 'bigint', (c) => c.notNull().references('desk_sites.id'))
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('start_time', 'text')
        .addColumn('end_time', 'text')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('planned','held','cancelled')`))
        .addColumn('equipment_note', 'text')
        .addColumn('note', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('desk_campaigns_scope_day').on('desk_campaigns').columns(['scope_commune', 'day']).execute();
      await db.schema
        .createTable('desk_campaign_officers')
        .addColumn('campaign_id', 'bigint', (c) => c.notNull().references('desk_campaigns.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('full_name', 'text', (c) => c.notNull())
        .addColumn('staff_username', 'text')
        .addColumn('title', 'text')
        .addPrimaryKeyConstraint('desk_campaign_officers_pk', ['campaign_id', 'seq'])
        .execute();
      await db.schema
        .createTable('desk_campaign_devices')
        .addColumn('campaign_id', 'bigint', (c) => c.notNull().references('desk_campaigns.id'))
        .addColumn('device_id', 'bigint', (c) => c.notNull().references('desk_devices.id'))
        .addPrimaryKeyConstraint('desk_campaign_devices_pk', ['campaign_id', 'device_id'])
        .execute();
    },
  },
  // The inventory through time (src/desk/inventory.ts); records made before it start at their creation.
  '0701_desk_inventory_states': {
    async up(db: Kysely<any>) {
      await withIdColumn(db, db.schema.createTable('desk_site_states'))
        .addColumn('site_id', 'bigint', (c) => c.notNull().references('desk_sites.id'))
        .addColumn('since', 'text', (c) => c.notNull())
        .addColumn('internet', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('desk_site_states_site_since').on('desk_site_states').columns(['site_id', 'since']).execute();
      await withIdColumn(db, db.schema.createTable('desk_device_states'))
        .addColumn('device_id', 'bigint', (c) => c.notNull().references('desk_devices.id'))
        .addColumn('since', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('desk_device_states_device_since').on('desk_device_states').columns(['device_id', 'since']).execute();
      await sql`insert into desk_site_states (site_id, since, internet, active, recorded_at) select id, substr(created_at, 1, 10), internet, active, created_at from desk_sites`.execute(db);
      await sql`insert into desk_device_states (device_id, since, status, recorded_at) select id, coalesce(acquired_on, substr(created_at, 1, 10)), status, created_at from desk_devices`.execute(db);
    },
  },
};

/**
 * A condition: the row's unit lies within `area` (the reader's unit through time, see the units
 * module's `unitAreaThroughTime`): its path holds one of the area's codes and its `unit_date` falls
 * within that code's period. `area` null: every row; empty: none (a unit not in force). `alias`
 * names the table with the unit columns (teams, sites, help entries, campaigns) in the query.
 */
export function inAreaCondition(area: readonly ScopePeriod[] | null, alias: string): RawBuilder<boolean> {
  if (area === null) return sql<boolean>`1 = 1`;
  if (area.length === 0) return sql<boolean>`1 = 0`;
  const column = (code: string) => sql.ref(`${alias}.${code.length === 2 ? 'scope_province' : code.length === 3 ? 'scope_district' : 'scope_commune'}`);
  const date = sql.ref(`${alias}.unit_date`);
  return sql<boolean>`(${sql.join(
    area.map((a) => sql`(${column(a.code)} = ${a.code} and ${date} >= ${a.validFrom} and ${date} <= ${a.validUntil ?? '9999-12-31'})`),
    sql` or `,
  )})`;
}

/** A condition: the row's unit is `unit` or lies inside it (any level), whatever the date. */
export function withinCondition(unit: string, alias: string): RawBuilder<boolean> {
  const ref = (c: string) => sql.ref(`${alias}.${c}`);
  return sql<boolean>`(${ref('unit_code')} = ${unit} or ${ref('scope_commune')} = ${unit} or ${ref('scope_district')} = ${unit} or ${ref('scope_province')} = ${unit})`;
}

/** Number of rows of a query's count column. */
export const countOf = (r: { n: number | string | bigint } | undefined) => Number(r?.n ?? 0);

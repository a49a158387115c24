/**
 * The inventory through time: each site's internet connection and whether it is in use, and each
 * device's status, as states with the day they took effect. Coverage (villages with a connected
 * computer) and equipment figures are read as of a day — the end of the reporting period — so a
 * February report keeps February's figures after a computer breaks in March (the working group's
 * monthly reports under Project 06, Decision 06/QĐ-TTg).
 *
 * A state is written in the transaction of the change that makes it: a site's creation or a
 * change of its connection or use; a device's creation (effective from its acquisition date) or a
 * change of its status. `effectiveOn` lets an official record a change that happened earlier (a
 * computer that broke last week); it defaults to today in Vietnam and may not be in the future.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { todayInVietnam } from '../platform/dates.js';
import { validationError } from '../platform/errors.js';
import type { Db } from './store.js';

/** Tables of the inventory history. */
export interface InventoryTables {
  desk_site_states: { id: number; site_id: number; since: string; internet: string; active: number; recorded_at: string };
  desk_device_states: { id: number; device_id: number; since: string; status: string; recorded_at: string };
}

/** The day a change takes effect: `effectiveOn` or today (Vietnam). Error: VALIDATION_FAILED (a day after today). */
export function effectiveDay(effectiveOn: string | undefined | null, field = 'body.effectiveOn'): string {
  const today = todayInVietnam();
  if (effectiveOn && effectiveOn > today) throw validationError([{ field, code: 'FIELD_OUT_OF_RANGE', params: { field: field.replace(/^body\./, ''), expected: `<= ${today}` } }]);
  return effectiveOn ?? today;
}

const k = (db: Db) => db as unknown as Kysely<InventoryTables>;

/** Records a site's connection and use from `since` (in the caller's transaction). */
export async function recordSiteState(t: Db, siteId: number, since: string, state: { internet: string; active: number }, recordedAt: string): Promise<void> {
  await k(t).insertInto('desk_site_states').values({ site_id: siteId, since, internet: state.internet, active: state.active, recorded_at: recordedAt } as never).execute();
}

/** Records a device's status from `since` (in the caller's transaction). */
export async function recordDeviceState(t: Db, deviceId: number, since: string, status: string, recordedAt: string): Promise<void> {
  await k(t).insertInto('desk_device_states').values({ device_id: deviceId, since, status, recorded_at: recordedAt } as never).execute();
}

/**
 * SQL of site `s`'s column as of `day` (null before its first state): the latest state from that
 * day or before; of two the same day, the one recorded last.
 */
export function siteAsOf(column: 'internet' | 'active', day: string): RawBuilder<unknown> {
  return sql`(select ss.${sql.ref(column)} from desk_site_states ss where ss.site_id = s.id and ss.since <= ${day} order by ss.since desc, ss.id desc limit 1)`;
}

/** SQL of device `v`'s status as of `day` (null before it was acquired or recorded). */
export function deviceStatusAsOf(day: string, alias = 'v'): RawBuilder<string | null> {
  return sql<string | null>`(select ds.status from desk_device_states ds where ds.device_id = ${sql.ref(`${alias}.id`)} and ds.since <= ${day} order by ds.since desc, ds.id desc limit 1)`;
}

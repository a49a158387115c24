/**
 * Sites, desks and equipment. A site is where help is given: the commune People's Committee
 * office, the public administration service centre (Decree 118/2025/NĐ-CP) or a village or
 * residential-area cultural house (nhà văn hóa thôn, khu dân cư), with its unit, address and
 * internet connection. A desk (quầy) is a counter at a site with its half-day hours and, usually,
 * the support team that staffs it. Devices (computer, scanner, printer, fingerprint or photo
 * capture device, kiosk) belong to a site and optionally a desk, with status, acquisition date and
 * funding source.
 *
 * Coverage: a village or residential area counts as connected when its cultural house has an
 * internet connection and at least one working computer (a province's aim: one in every village).
 */
import { sql } from 'kysely';
import { recordAudit } from '../platform/audit/audit.js';
import { nowUtc, todayInVietnam } from '../platform/dates.js';
import type { Database } from '../platform/db/database.js';
import { AppError, validationError } from '../platform/errors.js';
import { normalizeNote, normalizeText } from '../platform/text.js';
import { DEFAULT_HOURS, type DeviceKind, type DeviceStatus, type FundingSource, type InternetKind, type SiteKind } from './model.js';
import type { Desk, DeskInput, DeskPatch, Device, DeviceInput, DevicePatch, Site, SiteInput, SitePatch } from './schemas.js';
import { callerSees, placeUnit, unitColumns, type DeskCaller } from './scope.js';
import { countOf, inAreaCondition, withinCondition, type Db, type DeskTables } from './store.js';
import { loadTeam } from './teams.js';
import { deviceStatusAsOf, effectiveDay, recordDeviceState, recordSiteState, siteAsOf } from './inventory.js';

export type SiteRow = Omit<DeskTables['desk_sites'], 'id'> & { id: number };
export type DeskRow = Omit<DeskTables['desk_desks'], 'id' | 'site_id' | 'team_id'> & { id: number; site_id: number; team_id: number | null };
type DeviceRow = Omit<DeskTables['desk_devices'], 'id'> & { id: number };

const k = (db: Database) => db.as<DeskTables>();

function siteOf(r: SiteRow): Site {
  return {
    id: Number(r.id),
    unitCode: r.unit_code,
    unitDate: r.unit_date,
    kind: r.kind as SiteKind,
    name: r.name,
    address: r.address,
    internet: r.internet as InternetKind,
    bandwidthMbps: r.bandwidth_mbps,
    active: r.active === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function deskOf(r: DeskRow, site: { name: string; unit_code: string }): Desk {
  return {
    id: Number(r.id),
    siteId: Number(r.site_id),
    siteName: site.name,
    unitCode: site.unit_code,
    name: r.name,
    teamId: r.team_id === null ? null : Number(r.team_id),
    hours: { morningStart: r.morning_start, morningEnd: r.morning_end, afternoonStart: r.afternoon_start, afternoonEnd: r.afternoon_end },
    active: r.active === 1,
  };
}

function deviceOf(r: DeviceRow): Device {
  return {
    id: Number(r.id),
    siteId: Number(r.site_id),
    deskId: r.desk_id === null ? null : Number(r.desk_id),
    kind: r.kind as DeviceKind,
    model: r.model,
    serial: r.serial,
    status: r.status as DeviceStatus,
    acquiredOn: r.acquired_on,
    funding: r.funding as FundingSource,
    note: r.note,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A site within the caller's unit. Error: DESK_SITE_NOT_FOUND (404, also outside the unit). */
export async function loadSite(db: Db, caller: DeskCaller, id: number): Promise<SiteRow> {
  const r = await db.selectFrom('desk_sites').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r || !callerSees(caller, r)) throw new AppError('DESK_SITE_NOT_FOUND', { id });
  return { ...r, id: Number(r.id) };
}

/** A desk with its site, within the caller's unit. Error: DESK_DESK_NOT_FOUND. */
export async function loadDesk(db: Db, caller: DeskCaller, id: number): Promise<DeskRow & { site: SiteRow }> {
  const d = await db.selectFrom('desk_desks').selectAll().where('id', '=', id).executeTakeFirst();
  if (!d) throw new AppError('DESK_DESK_NOT_FOUND', { id });
  const site = await db.selectFrom('desk_sites').selectAll().where('id', '=', d.site_id).executeTakeFirstOrThrow();
  if (!callerSees(caller, site)) throw new AppError('DESK_DESK_NOT_FOUND', { id });
  return { ...d, id: Number(d.id), site_id: Number(d.site_id), team_id: d.team_id === null ? null : Number(d.team_id), site: { ...site, id: Number(site.id) } };
}

/** A device with its site, within the caller's unit. Error: DESK_DEVICE_NOT_FOUND. */
export async function loadDevice(db: Db, caller: DeskCaller, id: number): Promise<DeviceRow & { site: SiteRow }> {
  const d = await db.selectFrom('desk_devices').selectAll().where('id', '=', id).executeTakeFirst();
  if (!d) throw new AppError('DESK_DEVICE_NOT_FOUND', { id });
  const site = await db.selectFrom('desk_sites').selectAll().where('id', '=', d.site_id).executeTakeFirstOrThrow();
  if (!callerSees(caller, site)) throw new AppError('DESK_DEVICE_NOT_FOUND', { id });
  return { ...d, id: Number(d.id), site: { ...site, id: Number(site.id) } };
}

/** Creates a site in the caller's unit (or one inside it), in the inventory from `effectiveOn` (default today). Errors: DESK_UNIT_REQUIRED, DESK_UNIT_UNKNOWN, DESK_OUT_OF_SCOPE, VALIDATION_FAILED (`effectiveOn` in the future). */
export async function createSite(db: Database, caller: DeskCaller, input: SiteInput): Promise<Site> {
  const unit = await placeUnit(db, caller, input.unitCode, input.unitDate);
  const since = effectiveDay(input.effectiveOn);
  const now = nowUtc();
  return db.transaction(async (trx) => {
    const row = {
      ...unitColumns(unit),
      kind: input.kind,
      name: normalizeText(input.name),
      address: normalizeText(input.address) ?? null,
      internet: input.internet,
      bandwidth_mbps: input.bandwidthMbps ?? null,
      active: input.active === false ? 0 : 1,
      created_at: now,
      updated_at: now,
    };
    const { id } = await (trx as Db).insertInto('desk_sites').values(row).returning('id').executeTakeFirstOrThrow();
    await recordSiteState(trx as Db, Number(id), since, row, now);
    await recordAudit(trx, { actor: caller.actor, action: 'desk.site.create', subjects: [{ type: 'desk-site', id: String(id) }], summary: `${input.kind} "${row.name}" in ${unit.unitCode}` });
    return siteOf({ ...row, id: Number(id) });
  });
}

/** Changes a site; a new connection or a change of use takes effect from `effectiveOn` (default today). Errors: DESK_SITE_NOT_FOUND, VALIDATION_FAILED (`effectiveOn` in the future). */
export async function updateSite(db: Database, caller: DeskCaller, id: number, patch: SitePatch): Promise<Site> {
  const since = effectiveDay(patch.effectiveOn);
  return db.transaction(async (trx) => {
    const t = trx as Db;
    const before = await loadSite(t, caller, id);
    const set = {
      ...(patch.kind !== undefined && { kind: patch.kind }),
      ...(patch.name !== undefined && { name: normalizeText(patch.name) }),
      ...(patch.address !== undefined && { address: normalizeText(patch.address) ?? null }),
      ...(patch.internet !== undefined && { internet: patch.internet }),
      ...(patch.bandwidthMbps !== undefined && { bandwidth_mbps: patch.bandwidthMbps }),
      ...(patch.active !== undefined && { active: patch.active ? 1 : 0 }),
      updated_at: nowUtc(),
    };
    await t.updateTable('desk_sites').set(set).where('id', '=', id).execute();
    const after = { internet: set.internet ?? before.internet, active: set.active ?? before.active };
    if (after.internet !== before.internet || after.active !== before.active) await recordSiteState(t, id, since, after, set.updated_at);
    await recordAudit(trx, { actor: caller.actor, action: 'desk.site.update', subjects: [{ type: 'desk-site', id: String(id) }], summary: `changed ${Object.keys(patch).join(', ')}` });
    return siteOf({ ...before, ...set });
  });
}

export async function getSite(db: Database, caller: DeskCaller, id: number): Promise<Site> {
  return siteOf(await loadSite(k(db), caller, id));
}

/** Sites within the caller's unit (narrowed to `unit`, optionally of one kind), by unit, kind and name. */
export async function listSites(db: Database, caller: DeskCaller, q: { unit?: string; kind?: SiteKind; offset: number; limit: number }): Promise<{ items: Site[]; total: number }> {
  let query = k(db).selectFrom('desk_sites as s').where(inAreaCondition(caller.area, 's'));
  if (q.unit) query = query.where(withinCondition(q.unit, 's'));
  if (q.kind) query = query.where('s.kind', '=', q.kind);
  const [rows, total] = await Promise.all([
    query.selectAll().orderBy('s.unit_code').orderBy('s.kind').orderBy('s.name').orderBy('s.id').offset(q.offset).limit(q.limit).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst().then(countOf),
  ]);
  return { items: rows.map((r) => siteOf({ ...r, id: Number(r.id) })), total };
}

const HOURS_RE = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Checks half-day hours: each starts before it ends, the morning before the afternoon. Error: DESK_SHIFT_TIMES. */
export function checkHours(h: { morningStart: string; morningEnd: string; afternoonStart: string; afternoonEnd: string }): void {
  const ok = [h.morningStart, h.morningEnd, h.afternoonStart, h.afternoonEnd].every((x) => HOURS_RE.test(x)) && h.morningStart < h.morningEnd && h.morningEnd <= h.afternoonStart && h.afternoonStart < h.afternoonEnd;
  if (!ok) throw new AppError('DESK_SHIFT_TIMES', { morning: `${h.morningStart}–${h.morningEnd}`, afternoon: `${h.afternoonStart}–${h.afternoonEnd}` });
}

/** Creates a desk at a site. Errors: DESK_SITE_NOT_FOUND, DESK_TEAM_NOT_FOUND, DESK_SHIFT_TIMES. */
export async function createDesk(db: Database, caller: DeskCaller, input: DeskInput): Promise<Desk> {
  const hours = input.hours ?? DEFAULT_HOURS;
  checkHours(hours);
  return db.transaction(async (trx) => {
    const t = trx as Db;
    const site = await loadSite(t, caller, input.siteId);
    if (input.teamId) await loadTeam(t, caller, input.teamId);
    const row = {
      site_id: site.id,
      team_id: input.teamId ?? null,
      name: normalizeText(input.name),
      morning_start: hours.morningStart,
      morning_end: hours.morningEnd,
      afternoon_start: hours.afternoonStart,
      afternoon_end: hours.afternoonEnd,
      active: input.active === false ? 0 : 1,
      created_at: nowUtc(),
    };
    const { id } = await t.insertInto('desk_desks').values(row).returning('id').executeTakeFirstOrThrow();
    await recordAudit(trx, { actor: caller.actor, action: 'desk.desk.create', subjects: [{ type: 'desk-desk', id: String(id) }, { type: 'desk-site', id: String(site.id) }], summary: `desk "${row.name}"` });
    return deskOf({ ...row, id: Number(id) }, site);
  });
}

/** Changes a desk (new hours apply to shifts generated afterwards). Errors: DESK_DESK_NOT_FOUND, DESK_TEAM_NOT_FOUND, DESK_SHIFT_TIMES. */
export async function updateDesk(db: Database, caller: DeskCaller, id: number, patch: DeskPatch): Promise<Desk> {
  if (patch.hours) checkHours(patch.hours);
  return db.transaction(async (trx) => {
    const t = trx as Db;
    const { site, ...before } = await loadDesk(t, caller, id);
    if (patch.teamId) await loadTeam(t, caller, patch.teamId);
    const set = {
      ...(patch.name !== undefined && { name: normalizeText(patch.name) }),
      ...(patch.teamId !== undefined && { team_id: patch.teamId }),
      ...(patch.hours !== undefined && { morning_start: patch.hours.morningStart, morning_end: patch.hours.morningEnd, afternoon_start: patch.hours.afternoonStart, afternoon_end: patch.hours.afternoonEnd }),
      ...(patch.active !== undefined && { active: patch.active ? 1 : 0 }),
    };
    if (Object.keys(set).length > 0) await t.updateTable('desk_desks').set(set).where('id', '=', id).execute();
    await recordAudit(trx, { actor: caller.actor, action: 'desk.desk.update', subjects: [{ type: 'desk-desk', id: String(id) }], summary: `changed ${Object.keys(patch).join(', ')}` });
    return deskOf({ ...before, ...set }, site);
  });
}

export async function getDesk(db: Database, caller: DeskCaller, id: number): Promise<Desk> {
  const { site, ...d } = await loadDesk(k(db), caller, id);
  return deskOf(d, site);
}

/** Desks of the sites within the caller's unit (narrowed to `unit` or one site). */
export async function listDesks(db: Database, caller: DeskCaller, q: { unit?: string; siteId?: number; offset: number; limit: number }): Promise<{ items: Desk[]; total: number }> {
  let query = k(db).selectFrom('desk_desks as d').innerJoin('desk_sites as s', 's.id', 'd.site_id').where(inAreaCondition(caller.area, 's'));
  if (q.unit) query = query.where(withinCondition(q.unit, 's'));
  if (q.siteId) query = query.where('d.site_id', '=', q.siteId);
  const [rows, total] = await Promise.all([
    query.selectAll('d').select(['s.name as site_name', 's.unit_code as site_unit']).orderBy('s.unit_code').orderBy('s.name').orderBy('d.name').orderBy('d.id').offset(q.offset).limit(q.limit).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst().then(countOf),
  ]);
  return { items: rows.map((r) => deskOf({ ...r, id: Number(r.id), site_id: Number(r.site_id), team_id: r.team_id === null ? null : Number(r.team_id) }, { name: r.site_name, unit_code: r.site_unit })), total };
}

async function checkDeviceDesk(t: Db, caller: DeskCaller, siteId: number, deskId: number | null | undefined): Promise<void> {
  if (!deskId) return;
  const desk = await loadDesk(t, caller, deskId);
  // The desk must stand at the device's own site.
  if (desk.site_id !== siteId) throw validationError([{ field: 'body.deskId', code: 'FIELD_INVALID', params: { field: 'deskId' } }]);
}

function checkAcquired(acquiredOn: string | null | undefined): void {
  if (acquiredOn && acquiredOn > todayInVietnam()) throw validationError([{ field: 'body.acquiredOn', code: 'FIELD_OUT_OF_RANGE', params: { field: 'acquiredOn', expected: `≤ ${todayInVietnam()}` } }]);
}

/** Records a device at a site (optionally at one of its desks). Errors: DESK_SITE_NOT_FOUND, DESK_DESK_NOT_FOUND, DESK_DEVICE_OTHER_SITE, VALIDATION_FAILED (acquired in the future). */
export async function createDevice(db: Database, caller: DeskCaller, input: DeviceInput): Promise<Device> {
  checkAcquired(input.acquiredOn);
  return db.transaction(async (trx) => {
    const t = trx as Db;
    const site = await loadSite(t, caller, input.siteId);
    await checkDeviceDesk(t, caller, site.id, input.deskId);
    return insertDevice(t, trx, caller, site.id, input);
  });
}

/** Inserts a checked device row with its audit entry (also used by the equipment import). */
export async function insertDevice(t: Db, trx: Parameters<typeof recordAudit>[0], caller: DeskCaller, siteId: number, input: Omit<DeviceInput, 'siteId'>, source = 'api'): Promise<Device> {
  const now = nowUtc();
  const row = {
    site_id: siteId,
    desk_id: input.deskId ?? null,
    kind: input.kind,
    model: normalizeText(input.model) ?? null,
    serial: normalizeText(input.serial) ?? null,
    status: input.status,
    acquired_on: input.acquiredOn ?? null,
    funding: input.funding,
    note: normalizeNote(input.note) ?? null,
    created_at: now,
    updated_at: now,
  };
  const { id } = await t.insertInto('desk_devices').values(row).returning('id').executeTakeFirstOrThrow();
  // In the inventory from its acquisition (when known), else from the day it is recorded.
  await recordDeviceState(t, Number(id), row.acquired_on ?? todayInVietnam(), row.status, now);
  await recordAudit(trx, { actor: caller.actor, action: 'desk.device.create', subjects: [{ type: 'desk-device', id: String(id) }, { type: 'desk-site', id: String(siteId) }], summary: `${input.kind} (${input.status}) from ${source}` });
  return deviceOf({ ...row, id: Number(id) });
}

/** Changes a device (status after a repair, its desk…); a new status takes effect from `effectiveOn` (default today). Errors: DESK_DEVICE_NOT_FOUND, DESK_DEVICE_OTHER_SITE, VALIDATION_FAILED (`effectiveOn` in the future). */
export async function updateDevice(db: Database, caller: DeskCaller, id: number, patch: DevicePatch): Promise<Device> {
  checkAcquired(patch.acquiredOn);
  const since = effectiveDay(patch.effectiveOn);
  return db.transaction(async (trx) => {
    const t = trx as Db;
    const { site, ...before } = await loadDevice(t, caller, id);
    if (patch.deskId) {
      const desk = await loadDesk(t, caller, patch.deskId);
      if (desk.site_id !== site.id) throw new AppError('DESK_DEVICE_OTHER_SITE', { deviceId: id });
    }
    const set = {
      ...(patch.deskId !== undefined && { desk_id: patch.deskId }),
      ...(patch.model !== undefined && { model: normalizeText(patch.model) ?? null }),
      ...(patch.serial !== undefined && { serial: normalizeText(patch.serial) ?? null }),
      ...(patch.status !== undefined && { status: patch.status }),
      ...(patch.acquiredOn !== undefined && { acquired_on: patch.acquiredOn }),
      ...(patch.funding !== undefined && { funding: patch.funding }),
      ...(patch.note !== undefined && { note: normalizeNote(patch.note) ?? null }),
      updated_at: nowUtc(),
    };
    await t.updateTable('desk_devices').set(set).where('id', '=', id).execute();
    if (set.status !== undefined && set.status !== before.status) await recordDeviceState(t, id, since, set.status, set.updated_at);
    await recordAudit(trx, { actor: caller.actor, action: 'desk.device.update', subjects: [{ type: 'desk-device', id: String(id) }], summary: `changed ${Object.keys(patch).join(', ')}` });
    return deviceOf({ ...before, ...set });
  });
}

/** Devices of the sites within the caller's unit, filtered. */
export async function listDevices(db: Database, caller: DeskCaller, q: { unit?: string; siteId?: number; kind?: DeviceKind; status?: DeviceStatus; offset: number; limit: number }): Promise<{ items: Device[]; total: number }> {
  let query = k(db).selectFrom('desk_devices as v').innerJoin('desk_sites as s', 's.id', 'v.site_id').where(inAreaCondition(caller.area, 's'));
  if (q.unit) query = query.where(withinCondition(q.unit, 's'));
  if (q.siteId) query = query.where('v.site_id', '=', q.siteId);
  if (q.kind) query = query.where('v.kind', '=', q.kind);
  if (q.status) query = query.where('v.status', '=', q.status);
  const [rows, total] = await Promise.all([
    query.selectAll('v').orderBy('s.unit_code').orderBy('v.site_id').orderBy('v.kind').orderBy('v.id').offset(q.offset).limit(q.limit).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst().then(countOf),
  ]);
  return { items: rows.map((r) => deviceOf({ ...r, id: Number(r.id) })), total };
}

/** Which sites a coverage or equipment figure counts: exact unit codes (reports) and/or a caller's area (HTTP). */
export interface SiteFilter {
  unitCodes?: readonly string[];
  unit?: string;
  area?: DeskCaller['area'];
}

/**
 * Coverage per unit as of `at` (default today, Vietnam): village or residential-area cultural
 * houses (sites of kind `cultural_house`) in use that day, and how many were connected — an
 * internet connection other than `none` and at least one computer `working` that day (states from
 * src/desk/inventory.ts). `share` = connected / villages, null for a unit with none. Units without
 * any cultural house are not listed.
 */
export async function coveragePerUnit(db: Database, f: SiteFilter = {}, at: string = todayInVietnam()): Promise<{ unitCode: string; villages: number; connected: number; share: number | null }[]> {
  let query = k(db)
    .selectFrom('desk_sites as s')
    .where('s.kind', '=', 'cultural_house')
    .where(sql<boolean>`${siteAsOf('active', at)} = 1`)
    .select([
      's.unit_code',
      (eb) => eb.fn.countAll<number>().as('n'),
      sql<number>`sum(case when ${siteAsOf('internet', at)} <> 'none' and exists (select 1 from desk_devices v where v.site_id = s.id and v.kind = 'computer' and ${deviceStatusAsOf(at)} = 'working') then 1 else 0 end)`.as('connected'),
    ])
    .groupBy('s.unit_code')
    .orderBy('s.unit_code');
  query = applySiteFilter(query, f);
  const rows = await query.execute();
  return rows.map((r) => {
    const villages = countOf(r);
    const connected = Number(r.connected ?? 0);
    return { unitCode: r.unit_code, villages, connected, share: villages === 0 ? null : connected / villages };
  });
}

/** Devices per site and kind as of `at` (default today, Vietnam): working ones and all in the inventory that day but retired ones. */
export async function equipmentPerSite(db: Database, f: SiteFilter = {}, at: string = todayInVietnam()): Promise<{ siteId: number; siteName: string; unitCode: string; kind: DeviceKind; working: number; total: number }[]> {
  const status = deviceStatusAsOf(at);
  let query = k(db)
    .selectFrom('desk_devices as v')
    .innerJoin('desk_sites as s', 's.id', 'v.site_id')
    .where(sql<boolean>`${status} <> 'retired'`)
    .select(['s.id as site_id', 's.name as site_name', 's.unit_code', 'v.kind', (eb) => eb.fn.countAll<number>().as('n'), sql<number>`sum(case when ${status} = 'working' then 1 else 0 end)`.as('working')])
    .groupBy(['s.id', 's.name', 's.unit_code', 'v.kind'])
    .orderBy('s.unit_code')
    .orderBy('s.id')
    .orderBy('v.kind');
  query = applySiteFilter(query, f);
  const rows = await query.execute();
  return rows.map((r) => ({ siteId: Number(r.site_id), siteName: r.site_name, unitCode: r.unit_code, kind: r.kind as DeviceKind, working: Number(r.working ?? 0), total: countOf(r) }));
}

/** Applies a {@link SiteFilter} to a query over `desk_sites as s`. */
function applySiteFilter<Q extends { where: (...a: any[]) => Q }>(query: Q, f: SiteFilter): Q {
  let q = query;
  if (f.unitCodes) q = f.unitCodes.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('s.unit_code', 'in', [...f.unitCodes]);
  if (f.unit) q = q.where(withinCondition(f.unit, 's'));
  if (f.area !== undefined) q = q.where(inAreaCondition(f.area, 's'));
  return q;
}

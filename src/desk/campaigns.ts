/**
 * Collection campaigns (đợt thu nhận lưu động): a commune police session at a site — usually the
 * commune hall — on a date, with its officers and equipment, to take identity-card and level-2
 * e-ID applications and activate accounts (Decree 69/2024/NĐ-CP; Law on Identification
 * 26/2023/QH15). The e-ID module records each application or activation taken there with
 * `collectionPoint.campaignId` = the campaign's id as a string; the results per campaign come from
 * its counts.
 */
import { sql } from 'kysely';
import { recordAudit } from '../platform/audit/audit.js';
import { nowUtc } from '../platform/dates.js';
import type { Database } from '../platform/db/database.js';
import { AppError, validationError } from '../platform/errors.js';
import { normalizeNote, normalizeText } from '../platform/text.js';
import { eidApplicationCountsByCampaign, type CollectionCampaigns } from '../identity/index.js';
import type { CampaignStatus, DeviceKind } from './model.js';
import type { Campaign, CampaignInput, CampaignPatch, CampaignResults } from './schemas.js';
import { callerSees, type DeskCaller } from './scope.js';
import { loadSite } from './sites.js';
import { countOf, inAreaCondition, withinCondition, type Db, type DeskTables } from './store.js';

type CampaignRow = Omit<DeskTables['desk_campaigns'], 'id'> & { id: number };

const k = (db: Database) => db.as<DeskTables>();

function checkTimes(start: string | null | undefined, end: string | null | undefined): void {
  if (start && end && end <= start) throw validationError([{ field: 'body.endTime', code: 'FIELD_OUT_OF_RANGE', params: { field: 'endTime', expected: `> ${start}` } }]);
}

async function loadCampaign(db: Db, caller: DeskCaller, id: number): Promise<CampaignRow> {
  const r = await db.selectFrom('desk_campaigns').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r || !callerSees(caller, r)) throw new AppError('DESK_CAMPAIGN_NOT_FOUND', { id: String(id) });
  return { ...r, id: Number(r.id) };
}

/** Devices must belong to the campaign's site. Error: DESK_DEVICE_NOT_FOUND, DESK_DEVICE_OTHER_SITE. */
async function checkDevices(t: Db, siteId: number, deviceIds: readonly number[]): Promise<void> {
  if (deviceIds.length === 0) return;
  const rows = await t.selectFrom('desk_devices').select(['id', 'site_id']).where('id', 'in', [...deviceIds]).execute();
  for (const id of deviceIds) {
    const d = rows.find((r) => Number(r.id) === id);
    if (!d) throw new AppError('DESK_DEVICE_NOT_FOUND', { id });
    if (Number(d.site_id) !== siteId) throw new AppError('DESK_DEVICE_OTHER_SITE', { deviceId: id });
  }
}

async function writeParts(t: Db, campaignId: number, officers: CampaignInput['officers'] | undefined, deviceIds: readonly number[] | undefined): Promise<void> {
  if (officers) {
    await t.deleteFrom('desk_campaign_officers').where('campaign_id', '=', campaignId).execute();
    if (officers.length > 0) {
      await t
        .insertInto('desk_campaign_officers')
        .values(officers.map((o, seq) => ({ campaign_id: campaignId, seq, full_name: normalizeText(o.fullName), staff_username: o.username ?? null, title: normalizeText(o.title) ?? null })))
        .execute();
    }
  }
  if (deviceIds) {
    await t.deleteFrom('desk_campaign_devices').where('campaign_id', '=', campaignId).execute();
    if (deviceIds.length > 0) await t.insertInto('desk_campaign_devices').values(deviceIds.map((device_id) => ({ campaign_id: campaignId, device_id }))).execute();
  }
}

async function campaignsOf(db: Db, rows: CampaignRow[]): Promise<Campaign[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [officers, devices, sites] = await Promise.all([
    db.selectFrom('desk_campaign_officers').selectAll().where('campaign_id', 'in', ids).orderBy('campaign_id').orderBy('seq').execute(),
    db.selectFrom('desk_campaign_devices as c').innerJoin('desk_devices as v', 'v.id', 'c.device_id').select(['c.campaign_id', 'v.id', 'v.kind', 'v.model']).where('c.campaign_id', 'in', ids).orderBy('v.id').execute(),
    db.selectFrom('desk_sites').select(['id', 'name']).where('id', 'in', [...new Set(rows.map((r) => Number(r.site_id)))]).execute(),
  ]);
  const siteName = new Map(sites.map((s) => [Number(s.id), s.name]));
  return rows.map((r) => ({
    id: String(r.id),
    siteId: Number(r.site_id),
    siteName: siteName.get(Number(r.site_id)) ?? '',
    unitCode: r.unit_code,
    unitDate: r.unit_date,
    day: r.day,
    startTime: r.start_time,
    endTime: r.end_time,
    title: r.title,
    status: r.status as CampaignStatus,
    officers: officers.filter((o) => Number(o.campaign_id) === r.id).map((o) => ({ fullName: o.full_name, username: o.staff_username, title: o.title })),
    devices: devices.filter((d) => Number(d.campaign_id) === r.id).map((d) => ({ id: Number(d.id), kind: d.kind as DeviceKind, model: d.model })),
    equipmentNote: r.equipment_note,
    note: r.note,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/**
 * Plans or records a collection session at a site within the caller's unit; the campaign takes
 * the site's unit. Errors: DESK_SITE_NOT_FOUND, DESK_DEVICE_NOT_FOUND, DESK_DEVICE_OTHER_SITE,
 * VALIDATION_FAILED (end before start).
 */
export async function createCampaign(db: Database, caller: DeskCaller, input: CampaignInput): Promise<Campaign> {
  checkTimes(input.startTime, input.endTime);
  const id = await db.transaction(async (trx) => {
    const t = trx as Db;
    const site = await loadSite(t, caller, input.siteId);
    await checkDevices(t, site.id, input.deviceIds ?? []);
    const now = nowUtc();
    const { id } = await t
      .insertInto('desk_campaigns')
      .values({
        site_id: site.id,
        unit_code: site.unit_code,
        unit_date: site.unit_date,
        scope_province: site.scope_province,
        scope_district: site.scope_district,
        scope_commune: site.scope_commune,
        day: input.day,
        start_time: input.startTime ?? null,
        end_time: input.endTime ?? null,
        title: normalizeText(input.title),
        status: input.status ?? 'planned',
        equipment_note: normalizeNote(input.equipmentNote) ?? null,
        note: normalizeNote(input.note) ?? null,
        created_by: caller.actor.id,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await writeParts(t, Number(id), input.officers, input.deviceIds ?? []);
    await recordAudit(trx, { actor: caller.actor, action: 'desk.campaign.create', subjects: [{ type: 'desk-campaign', id: String(id) }, { type: 'desk-site', id: String(site.id) }], summary: `collection session on ${input.day}, ${input.officers.length} officers` });
    return Number(id);
  });
  return getCampaign(db, caller, id);
}

/** Changes a campaign (its status once held or cancelled, officers, devices…). Errors: DESK_CAMPAIGN_NOT_FOUND, DESK_DEVICE_*. */
export async function updateCampaign(db: Database, caller: DeskCaller, id: number, patch: CampaignPatch): Promise<Campaign> {
  await db.transaction(async (trx) => {
    const t = trx as Db;
    const before = await loadCampaign(t, caller, id);
    checkTimes(patch.startTime !== undefined ? patch.startTime : before.start_time, patch.endTime !== undefined ? patch.endTime : before.end_time);
    if (patch.deviceIds) await checkDevices(t, Number(before.site_id), patch.deviceIds);
    const set = {
      ...(patch.day !== undefined && { day: patch.day }),
      ...(patch.startTime !== undefined && { start_time: patch.startTime }),
      ...(patch.endTime !== undefined && { end_time: patch.endTime }),
      ...(patch.title !== undefined && { title: normalizeText(patch.title) }),
      ...(patch.status !== undefined && { status: patch.status }),
      ...(patch.equipmentNote !== undefined && { equipment_note: normalizeNote(patch.equipmentNote) ?? null }),
      ...(patch.note !== undefined && { note: normalizeNote(patch.note) ?? null }),
      updated_at: nowUtc(),
    };
    await t.updateTable('desk_campaigns').set(set).where('id', '=', id).execute();
    await writeParts(t, id, patch.officers, patch.deviceIds);
    await recordAudit(trx, { actor: caller.actor, action: 'desk.campaign.update', subjects: [{ type: 'desk-campaign', id: String(id) }], summary: `changed ${Object.keys(patch).join(', ')}` });
  });
  return getCampaign(db, caller, id);
}

/**
 * The campaigns as the e-ID module checks them when police record an application taken at one
 * (wired into the identity module in src/app/modules.ts): any campaign by id, whoever asks — the
 * e-ID module has already checked the officer's reach over the collection point's commune.
 */
export const deskCollectionCampaigns: CollectionCampaigns = {
  async campaign(db, id) {
    if (!/^[1-9][0-9]{0,15}$/.test(id)) return undefined;
    const r = await k(db).selectFrom('desk_campaigns').select(['unit_code', 'unit_date', 'day', 'status']).where('id', '=', Number(id)).executeTakeFirst();
    return r && { unitCode: r.unit_code, unitDate: r.unit_date, day: r.day, status: r.status as CampaignStatus };
  },
};

/** One campaign. Error: DESK_CAMPAIGN_NOT_FOUND. */
export async function getCampaign(db: Database, caller: DeskCaller, id: number): Promise<Campaign> {
  const [c] = await campaignsOf(k(db), [await loadCampaign(k(db), caller, id)]);
  return c!;
}

/** Campaigns within the caller's unit, newest day first. */
export async function listCampaigns(db: Database, caller: DeskCaller, q: { from?: string; to?: string; unit?: string; offset: number; limit: number }): Promise<{ items: Campaign[]; total: number }> {
  let query = k(db).selectFrom('desk_campaigns as c').where(inAreaCondition(caller.area, 'c'));
  if (q.from) query = query.where('c.day', '>=', q.from);
  if (q.to) query = query.where('c.day', '<=', q.to);
  if (q.unit) query = query.where(withinCondition(q.unit, 'c'));
  const [rows, total] = await Promise.all([
    query.selectAll().orderBy('c.day', 'desc').orderBy('c.id', 'desc').offset(q.offset).limit(q.limit).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst().then(countOf),
  ]);
  return { items: await campaignsOf(k(db), rows.map((r) => ({ ...r, id: Number(r.id) }))), total };
}

/**
 * A campaign's results: e-ID applications taken there (all statuses) and those whose account was
 * activated, from the e-ID module's count by `collectionPoint.campaignId`
 * (`eidApplicationCountsByCampaign`); `helpEntries` counts help-log entries (not voided) at desks of
 * the campaign's site on its day. Error: DESK_CAMPAIGN_NOT_FOUND.
 */
export async function campaignResults(db: Database, caller: DeskCaller, id: number): Promise<CampaignResults> {
  const c = await loadCampaign(k(db), caller, id);
  return (await resultsOf(db, [c]))[0]!;
}

async function resultsOf(db: Database, rows: CampaignRow[]): Promise<CampaignResults[]> {
  if (rows.length === 0) return [];
  const eid = new Map((await eidApplicationCountsByCampaign(db, rows.map((c) => String(c.id)))).map((e) => [e.campaignId, e]));
  const out: CampaignResults[] = [];
  for (const c of rows) {
    const help = await k(db)
      .selectFrom('desk_help as e')
      .innerJoin('desk_desks as d', 'd.id', 'e.desk_id')
      .where('d.site_id', '=', Number(c.site_id))
      .where('e.day', '=', c.day)
      .where('e.voided_at', 'is', null)
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirst();
    const counts = eid.get(String(c.id));
    out.push({ campaignId: String(c.id), available: counts !== undefined, applications: counts?.total ?? null, activations: counts?.activated ?? null, helpEntries: countOf(help) });
  }
  return out;
}

/**
 * Results per campaign between two dates (for reports): every campaign not cancelled, with what
 * {@link campaignResults} gives. `unitCodes`: exact unit codes of the campaigns.
 */
export async function resultsPerCampaign(db: Database, f: { from: string; to: string; unitCodes?: readonly string[]; unit?: string; area?: DeskCaller['area'] }): Promise<(CampaignResults & { unitCode: string; day: string; siteId: number })[]> {
  let q = k(db).selectFrom('desk_campaigns as c').selectAll().where('c.day', '>=', f.from).where('c.day', '<=', f.to).where('c.status', '<>', 'cancelled');
  if (f.unitCodes) q = q.where('c.unit_code', 'in', f.unitCodes.length ? [...f.unitCodes] : ['-']);
  if (f.unit) q = q.where(withinCondition(f.unit, 'c'));
  if (f.area !== undefined) q = q.where(inAreaCondition(f.area, 'c'));
  const rows = (await q.orderBy('c.day').orderBy('c.id').execute()).map((r) => ({ ...r, id: Number(r.id) }));
  const results = await resultsOf(db, rows);
  return results.map((r, i) => ({ ...r, unitCode: rows[i]!.unit_code, day: rows[i]!.day, siteId: Number(rows[i]!.site_id) }));
}

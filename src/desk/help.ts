/**
 * The help log (sổ theo dõi hỗ trợ): each help given at a desk — when, at which desk and with
 * which device, who helped, the citizen's identification number only with their consent
 * (Decree 13/2023/NĐ-CP Art. 11, Law 91/2025/QH15: consent is an explicit act), what was done,
 * the procedure involved and the outcome. Quick entry needs a desk, a kind and an outcome; the rest
 * defaults (now, the signed-in staff member's own membership). Numbers typed into a note (9 or
 * more digits, spaces or dots allowed between them) are masked when it is stored and when shown.
 *
 * Each entry is counted in the `desk.help` roll-up (src/platform/rollups.ts) in the same
 * transaction, by unit (the desk's site's unit), Vietnam day, kind and outcome; voiding an entry
 * takes it out again. The citizen's number is stored but never logged, shown masked in lists, and
 * each read of it in full is written to the audit log.
 */
import { Temporal } from 'temporal-polyfill';
import { recordAudit } from '../platform/audit/audit.js';
import { nowUtc, vietnamDateOf } from '../platform/dates.js';
import type { Database } from '../platform/db/database.js';
import { AppError, validationError, type FieldError } from '../platform/errors.js';
import { countIndicator } from '../platform/rollups.js';
import { normalizeNote, normalizeText } from '../platform/text.js';
import { maskNumberRuns } from '../platform/logger.js';
import { checkPurpose, explainPin, maskPin, type ReadPurpose } from '../population/index.js';
import type { HelpKind, HelpOutcome } from './model.js';
import type { HelpEntry, HelpInput } from './schemas.js';
import { callerSees, type DeskCaller } from './scope.js';
import { loadDesk, loadDevice, type DeskRow, type SiteRow } from './sites.js';
import { countOf, inAreaCondition, withinCondition, type Db, type DeskTables } from './store.js';
import { activeOn, loadMember } from './teams.js';

type HelpRow = Omit<DeskTables['desk_help'], 'id'> & { id: number };

/** The roll-up indicator of the help log: dims `kind` and `outcome`. */
export const HELP_INDICATOR = 'desk.help';

const k = (db: Database) => db.as<DeskTables>();

function entryOf(r: HelpRow, helperName: string | null): HelpEntry {
  return {
    id: Number(r.id),
    at: r.at,
    day: r.day,
    deskId: Number(r.desk_id),
    deviceId: r.device_id === null ? null : Number(r.device_id),
    helperMemberId: r.helper_member_id === null ? null : Number(r.helper_member_id),
    helperName,
    enteredBy: r.entered_by,
    unitCode: r.unit_code,
    kind: r.kind as HelpKind,
    outcome: r.outcome as HelpOutcome,
    serviceCode: r.service_code,
    citizenPinMasked: r.citizen_pin ? maskPin(r.citizen_pin) : null,
    // Notes written before numbers were masked at entry are masked on the way out too.
    note: r.note === null ? null : maskNumberRuns(r.note),
    source: r.source,
    voidedAt: r.voided_at,
    voidReason: r.void_reason,
  };
}

async function helperNames(db: Db, ids: (number | null)[]): Promise<Map<number, string>> {
  const wanted = [...new Set(ids.filter((i): i is number => i !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('desk_members').select(['id', 'full_name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [Number(r.id), r.full_name]));
}

/**
 * The first Vietnam day a help can have been given: Decision 06/QĐ-TTg of 6 January 2022 approved
 * Project 06, under which the desks work. An earlier time is a typing error (1900-01-01).
 */
export const HELP_EARLIEST_DAY = '2022-01-06';

/**
 * Checks what the schema cannot: the number's rules (Decree 137/2015/NĐ-CP Art. 13), consent with
 * a number, a time not in the future (DESK_HELP_IN_FUTURE) nor before {@link HELP_EARLIEST_DAY} in
 * Vietnam time (FIELD_OUT_OF_RANGE). Returns the field errors (the number itself is not echoed).
 */
export function helpFieldErrors(input: Pick<HelpInput, 'citizenPin' | 'consent' | 'at'>, field = (f: string) => `body.${f}`): FieldError[] {
  const errors: FieldError[] = [];
  if (input.citizenPin) {
    for (const b of explainPin(input.citizenPin).breaches) errors.push({ field: field('citizenPin'), code: b.code, params: { ...b.params, pin: maskPin(input.citizenPin) } });
    if (input.consent !== true) errors.push({ field: field('consent'), code: 'DESK_CONSENT_REQUIRED' });
  }
  if (input.at && Temporal.Instant.compare(Temporal.Instant.from(input.at), Temporal.Now.instant().add({ minutes: 5 })) > 0) errors.push({ field: field('at'), code: 'DESK_HELP_IN_FUTURE', params: { at: input.at } });
  if (input.at && vietnamDateOf(input.at) < HELP_EARLIEST_DAY) {
    errors.push({ field: field('at'), code: 'FIELD_OUT_OF_RANGE', params: { field: field('at'), expected_vi: 'từ ngày 06/01/2022 (Quyết định 06/QĐ-TTg, Đề án 06) đến nay', expected_en: '2022-01-06 (Decision 06/QĐ-TTg, Project 06) to now' } });
  }
  return errors;
}

/** Everything a help entry needs once checked against the desk, device and helper. */
export interface CheckedHelp {
  desk: DeskRow & { site: SiteRow };
  at: string;
  helperMemberId: number | null;
}

/**
 * Resolves a help entry's desk, device and helper within the caller's unit. The helper defaults to
 * the caller's own membership (a staff member of a team of the desk's unit). Errors:
 * DESK_DESK_NOT_FOUND, DESK_DEVICE_NOT_FOUND, DESK_DEVICE_OTHER_SITE, DESK_MEMBER_NOT_FOUND,
 * DESK_MEMBER_INACTIVE.
 */
export async function checkHelp(t: Db, caller: DeskCaller, input: Pick<HelpInput, 'deskId' | 'deviceId' | 'helperMemberId' | 'at'>): Promise<CheckedHelp> {
  const desk = await loadDesk(t, caller, input.deskId);
  const at = input.at ? Temporal.Instant.from(input.at).toString({ smallestUnit: 'millisecond' }) : nowUtc();
  const day = vietnamDateOf(at);
  if (input.deviceId) {
    const device = await loadDevice(t, caller, input.deviceId);
    if (Number(device.site_id) !== desk.site_id) throw new AppError('DESK_DEVICE_OTHER_SITE', { deviceId: input.deviceId });
  }
  let helperMemberId = input.helperMemberId ?? null;
  if (helperMemberId) {
    const m = await loadMember(t, caller, helperMemberId);
    if (!activeOn(m, day)) throw new AppError('DESK_MEMBER_INACTIVE', { id: helperMemberId, date: day, leftOn: m.left_on ?? m.joined_on ?? '' });
  } else if (caller.principal) {
    const own = await t
      .selectFrom('desk_members as m')
      .innerJoin('desk_teams as tm', 'tm.id', 'm.team_id')
      .select(['m.id', 'tm.unit_code'])
      .where('m.staff_username', '=', caller.principal.username)
      .where((eb) => eb.or([eb('m.left_on', 'is', null), eb('m.left_on', '>=', day)]))
      .orderBy('m.id')
      .execute();
    const path = [desk.site.scope_province, desk.site.scope_district, desk.site.scope_commune, desk.site.unit_code];
    const mine = own.find((o) => path.includes(o.unit_code));
    helperMemberId = mine ? Number(mine.id) : null;
  }
  return { desk, at, helperMemberId };
}

/** Inserts a checked entry, counts it and audits it, inside the caller's transaction. Returns its id. */
export async function insertHelp(t: Db, trx: Parameters<typeof recordAudit>[0], caller: DeskCaller, input: HelpInput, checked: CheckedHelp, source: string): Promise<number> {
  const site = checked.desk.site;
  const row = {
    client_ref: input.clientRef ?? null,
    at: checked.at,
    day: vietnamDateOf(checked.at),
    desk_id: checked.desk.id,
    device_id: input.deviceId ?? null,
    helper_member_id: checked.helperMemberId,
    entered_by: caller.actor.id,
    unit_code: site.unit_code,
    unit_date: site.unit_date,
    scope_province: site.scope_province,
    scope_district: site.scope_district,
    scope_commune: site.scope_commune,
    kind: input.kind,
    service_code: input.serviceCode ?? null,
    outcome: input.outcome,
    citizen_pin: input.citizenPin ?? null,
    consent: input.citizenPin && input.consent ? 1 : 0,
    // Identification and phone numbers typed into the note are masked before it is stored: the
    // citizen's number belongs in `citizenPin`, with consent (Decree 13/2023/NĐ-CP Art. 3, 11).
    note: input.note ? maskNumberRuns(normalizeNote(input.note)) : null,
    source,
    voided_at: null,
    void_reason: null,
  };
  const { id } = await t.insertInto('desk_help').values(row).returning('id').executeTakeFirstOrThrow();
  await countIndicator(trx, { indicator: HELP_INDICATOR, unitCode: row.unit_code, day: row.day, dims: { kind: row.kind, outcome: row.outcome } });
  await recordAudit(trx, {
    actor: caller.actor,
    action: 'desk.help.record',
    subjects: [{ type: 'desk-help', id: String(id) }, ...(row.citizen_pin ? [{ type: 'citizen', id: row.citizen_pin }] : [])],
    summary: `${row.kind} → ${row.outcome} at desk ${row.desk_id}${row.citizen_pin ? ', citizen number recorded with consent' : ''} (${source})`,
  });
  return Number(id);
}

/**
 * Records help given (quick entry). Answers `{entry, created}`: a `clientRef` already recorded
 * returns that entry with `created: false` and counts nothing again. Errors: VALIDATION_FAILED
 * (identification-number rules, DESK_CONSENT_REQUIRED, DESK_HELP_IN_FUTURE, FIELD_OUT_OF_RANGE on `at` before 2022-01-06), DESK_DESK_NOT_FOUND,
 * DESK_DEVICE_NOT_FOUND, DESK_DEVICE_OTHER_SITE, DESK_MEMBER_NOT_FOUND, DESK_MEMBER_INACTIVE.
 */
export async function recordHelp(db: Database, caller: DeskCaller, input: HelpInput): Promise<{ entry: HelpEntry; created: boolean }> {
  const errors = helpFieldErrors(input);
  if (errors.length > 0) throw validationError(errors);
  if (input.clientRef) {
    const prior = await replayOf(db, caller, input.clientRef);
    if (prior) return { entry: prior, created: false };
  }
  try {
    const id = await db.transaction(async (trx) => {
      const t = trx as Db;
      const checked = await checkHelp(t, caller, input);
      return insertHelp(t, trx, caller, input, checked, 'api');
    });
    return { entry: await getHelp(db, caller, id), created: true };
  } catch (e) {
    // Two sends of one entry raced: the second lost on the unique client_ref.
    const prior = input.clientRef ? await replayOf(db, caller, input.clientRef) : undefined;
    if (prior) return { entry: prior, created: false };
    throw e;
  }
}

async function replayOf(db: Database, caller: DeskCaller, clientRef: string): Promise<HelpEntry | undefined> {
  const r = await k(db).selectFrom('desk_help').select('id').where('client_ref', '=', clientRef).executeTakeFirst();
  return r ? getHelp(db, caller, Number(r.id)) : undefined;
}

async function loadHelp(db: Db, caller: DeskCaller, id: number): Promise<HelpRow> {
  const r = await db.selectFrom('desk_help').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r || !callerSees(caller, r)) throw new AppError('DESK_HELP_NOT_FOUND', { id });
  return { ...r, id: Number(r.id) };
}

/** One entry, the citizen's number masked. Error: DESK_HELP_NOT_FOUND. */
export async function getHelp(db: Database, caller: DeskCaller, id: number): Promise<HelpEntry> {
  const r = await loadHelp(k(db), caller, id);
  return entryOf(r, (await helperNames(k(db), [r.helper_member_id])).get(Number(r.helper_member_id)) ?? null);
}

export interface HelpQuery {
  from?: string;
  to?: string;
  deskId?: number;
  kind?: HelpKind;
  outcome?: HelpOutcome;
  unit?: string;
  offset: number;
  limit: number;
}

/** Entries within the caller's unit, newest first, numbers masked (voided ones included, marked). */
export async function listHelp(db: Database, caller: DeskCaller, q: HelpQuery): Promise<{ items: HelpEntry[]; total: number }> {
  let query = k(db).selectFrom('desk_help as e').where(inAreaCondition(caller.area, 'e'));
  if (q.from) query = query.where('e.day', '>=', q.from);
  if (q.to) query = query.where('e.day', '<=', q.to);
  if (q.deskId) query = query.where('e.desk_id', '=', q.deskId);
  if (q.kind) query = query.where('e.kind', '=', q.kind);
  if (q.outcome) query = query.where('e.outcome', '=', q.outcome);
  if (q.unit) query = query.where(withinCondition(q.unit, 'e'));
  const [rows, total] = await Promise.all([
    query.selectAll().orderBy('e.at', 'desc').orderBy('e.id', 'desc').offset(q.offset).limit(q.limit).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst().then(countOf),
  ]);
  const names = await helperNames(k(db), rows.map((r) => (r.helper_member_id === null ? null : Number(r.helper_member_id))));
  return { items: rows.map((r) => entryOf({ ...r, id: Number(r.id) }, r.helper_member_id === null ? null : (names.get(Number(r.helper_member_id)) ?? null))), total };
}

/**
 * The citizen's identification number of an entry, in full, for a stated purpose (`X-Purpose` from
 * the population registry's purpose catalogue, src/population/purposes.ts, e.g. SUPPORT_DESK;
 * Decree 13/2023/NĐ-CP Art. 3: personal data only for a stated purpose). The read is audited (who,
 * when, which citizen, the purpose and its note), refused or not. Errors: PURPOSE_REQUIRED,
 * PURPOSE_UNKNOWN (400, nothing read), DESK_HELP_NOT_FOUND, DESK_HELP_NO_CITIZEN.
 */
export async function readHelpCitizen(db: Database, caller: DeskCaller, id: number, purpose: ReadPurpose): Promise<{ id: number; citizenPin: string }> {
  const p = checkPurpose(purpose);
  const r = await k(db).selectFrom('desk_help').selectAll().where('id', '=', id).executeTakeFirst();
  const allowed = r !== undefined && callerSees(caller, r);
  await db.transaction((trx) =>
    recordAudit(trx, {
      actor: caller.actor,
      action: allowed ? 'desk.help.citizen-read' : 'desk.help.citizen-read-refused',
      subjects: [{ type: 'desk-help', id: String(id) }, ...(allowed && r.citizen_pin ? [{ type: 'citizen', id: r.citizen_pin }] : [])],
      purposeCode: p.code,
      purposeNote: p.note,
      summary: allowed ? (r.citizen_pin ? 'identification number shown' : 'no number recorded') : 'outside the reader’s unit or missing: nothing shown',
    }),
  );
  if (!allowed) throw new AppError('DESK_HELP_NOT_FOUND', { id });
  if (!r.citizen_pin) throw new AppError('DESK_HELP_NO_CITIZEN', { id });
  return { id, citizenPin: r.citizen_pin };
}

/** Voids an entry recorded by mistake: kept, marked, and taken out of the counts. Errors: DESK_HELP_NOT_FOUND, DESK_HELP_VOIDED. */
export async function voidHelp(db: Database, caller: DeskCaller, id: number, reason: string): Promise<HelpEntry> {
  await db.transaction(async (trx) => {
    const t = trx as Db;
    const r = await loadHelp(t, caller, id);
    if (r.voided_at) throw new AppError('DESK_HELP_VOIDED', { id });
    const done = await t.updateTable('desk_help').set({ voided_at: nowUtc(), void_reason: normalizeText(reason) }).where('id', '=', id).where('voided_at', 'is', null).executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) throw new AppError('DESK_HELP_VOIDED', { id });
    await countIndicator(trx, { indicator: HELP_INDICATOR, unitCode: r.unit_code, day: r.day, dims: { kind: r.kind, outcome: r.outcome }, delta: -1 });
    await recordAudit(trx, { actor: caller.actor, action: 'desk.help.void', subjects: [{ type: 'desk-help', id: String(id) }], summary: `voided: ${reason.slice(0, 100)}` });
  });
  return getHelp(db, caller, id);
}

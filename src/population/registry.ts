/**
 * The population registry's logic: writing citizen records with history and duplicate detection,
 * and the purpose-bound, unit-scoped, audited reads.
 *
 * Writes: a record is keyed by its personal identification number. Creating a number that exists
 * is refused (CITIZEN_EXISTS); an import upserts (same content → nothing changes; changed fields →
 * a new version and one history row). A new number whose folded name, date of birth and place of
 * birth registration match another person's is held as a duplicate candidate for review instead
 * of becoming a silent second record.
 *
 * Reads: every read of a person names a purpose, is limited to the reader's unit, and writes one
 * audit entry (who, when, from where, which records, why, what was returned).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError, validationError, type FieldError } from '../platform/errors.js';
import { isIsoDate, isPartialDate, nowUtc, todayInVietnam } from '../platform/dates.js';
import { collationKey, foldForSearch, normalizeText } from '../platform/text.js';
import { inScope, type StaffPrincipal, type ScopePeriod } from '../platform/auth.js';
import { recordAudit, recordAuditNow, type AuditActor } from '../platform/audit/audit.js';
import type { Database } from '../platform/db/database.js';
import { getUnit, unitAreaThroughTime, type UnitCache, type UnitsTables } from '../units/index.js';
import type { CitizenInput, CitizenStatus, HouseholdRelation, IdentityCard, Place, Residence } from './model.js';
import { explainPin, type Sex } from './pin.js';
import { isPurposeCode, type PurposeCode } from './purposes.js';
import {
  citizenByPin,
  citizenByRef,
  citizensByDupKeys,
  citizensByPins,
  insertCitizens,
  insertDuplicate,
  insertHistory,
  searchCitizens,
  searchWords,
  updateCitizen,
  type CitizenRow,
  type PopulationTables,
} from './store.js';

type Db = Kysely<PopulationTables>;

/** A citizen as the API shows one record. */
export interface Citizen extends Omit<CitizenInput, 'nationality' | 'status'> {
  nationality: string;
  status: CitizenStatus;
  ref: string;
  version: number;
  updatedAt: string;
}

/** A citizen as lists show them: identification and phone numbers masked. */
export interface CitizenListItem {
  ref: string;
  pinMasked: string;
  fullName: string;
  dateOfBirth: string;
  sex: Sex;
  residence: { unitCode: string; unitDate: string; addressLine: string | null } | null;
  phoneMasked: string | null;
  status: CitizenStatus;
}

/** `030095001234` → `030******234`. */
export function maskPin(pin: string): string {
  return pin.length === 12 ? `${pin.slice(0, 3)}******${pin.slice(-3)}` : '************';
}

/** `0912345678` → `091****678`. */
export function maskPhone(phone: string | null): string | null {
  return phone ? `${phone.slice(0, 3)}${'*'.repeat(Math.max(0, phone.length - 6))}${phone.slice(-3)}` : null;
}

/** True for `YYYY`, `YYYY-MM` or a real `YYYY-MM-DD` (moved to src/platform/dates.ts, shared with the HTTP layer). */
export { isPartialDate };

/** Folded name, date of birth and place of birth registration: two records sharing it are probably one person. */
export function duplicateKey(c: Pick<CitizenInput, 'fullName' | 'dateOfBirth' | 'birthRegistration'>): string {
  return `${foldForSearch(c.fullName)}|${c.dateOfBirth}|${c.birthRegistration?.unitCode ?? ''}`;
}

/** Resolves unit codes at dates to their path codes, remembering answers (imports ask the same few). */
export class UnitPaths {
  private readonly memo = new Map<string, string[] | null>();
  constructor(private readonly db: Kysely<UnitsTables>) {}

  /** Path codes province → … → unit, or null when the code is not in force on that date. */
  async of(code: string, date: string): Promise<string[] | null> {
    const key = `${code}|${date}`;
    if (!this.memo.has(key)) {
      const path = await getUnit(this.db, code, date).then(
        (u) => u.path.map((p) => p.code),
        (e: unknown) => {
          if (e instanceof AppError && e.code === 'UNIT_NOT_FOUND') return null;
          throw e;
        },
      );
      this.memo.set(key, path);
    }
    return this.memo.get(key)!;
  }
}

/**
 * Checks what a schema cannot: the identification-number rules against sex and date of birth
 * (Decree 137/2015/NĐ-CP Art. 13), partial dates, and that every unit code is in force on its date.
 * Returns the residence path (for scoping) or throws VALIDATION_FAILED listing every failing field.
 */
export async function checkCitizen(input: CitizenInput, units: UnitPaths, today = todayInVietnam()): Promise<string[] | null> {
  const errors: FieldError[] = [];
  for (const b of explainPin(input.pin, { sex: input.sex, dateOfBirth: isPartialDate(input.dateOfBirth) ? input.dateOfBirth : undefined }).breaches) {
    errors.push({ field: 'pin', code: b.code, params: b.params });
  }
  if (!isPartialDate(input.dateOfBirth)) errors.push({ field: 'dateOfBirth', code: 'DATE_INVALID', params: { value: input.dateOfBirth } });
  else if (input.dateOfBirth > today) errors.push({ field: 'dateOfBirth', code: 'DATE_IN_FUTURE', params: { value: input.dateOfBirth, today } });
  for (const [field, pin] of [['fatherPin', input.fatherPin], ['motherPin', input.motherPin], ['spousePin', input.spousePin], ['household.headPin', input.household?.headPin]] as const) {
    if (pin && explainPin(pin).breaches.some((b) => b.code === 'PIN_FORMAT')) errors.push({ field, code: 'PIN_FORMAT', params: { pin } });
    if (pin && pin === input.pin && field !== 'household.headPin') errors.push({ field, code: 'FIELD_INVALID' });
  }
  const places: [string, Place | null | undefined][] = [
    ['birthRegistration', input.birthRegistration],
    ['homeTown', input.homeTown],
    ['permanentResidence', input.permanentResidence],
    ['temporaryResidence', input.temporaryResidence],
    ['currentResidence', input.currentResidence],
  ];
  const paths = new Map<string, string[] | null>();
  for (const [field, place] of places) {
    if (!place) continue;
    if (!isIsoDate(place.unitDate)) {
      errors.push({ field: `${field}.unitDate`, code: 'DATE_INVALID', params: { value: place.unitDate } });
      continue;
    }
    const path = await units.of(place.unitCode, place.unitDate);
    if (!path) errors.push({ field: `${field}.unitCode`, code: 'CITIZEN_UNIT_UNKNOWN', params: { code: place.unitCode, at: place.unitDate } });
    paths.set(field, path);
  }
  if (input.status === 'deceased' && !input.deceasedOn) errors.push({ field: 'deceasedOn', code: 'FIELD_REQUIRED' });
  if (errors.length > 0) throw new AppError('VALIDATION_FAILED', { count: errors.length }, { fieldErrors: errors });
  return paths.get('currentResidence') ?? paths.get('permanentResidence') ?? null;
}

function placeColumns(p: Place | null | undefined) {
  return { unit: p?.unitCode ?? null, date: p?.unitDate ?? null, address: normalizeText(p?.addressLine) ?? null };
}

/** The stored columns of a citizen (everything but identity, timestamps and version). */
export function contentColumns(c: CitizenInput, residencePath: string[] | null) {
  const name = normalizeText(c.fullName);
  const perm = placeColumns(c.permanentResidence);
  const temp = placeColumns(c.temporaryResidence);
  const cur = placeColumns(c.currentResidence);
  return {
    full_name: name,
    name_folded: foldForSearch(name),
    sort_key: collationKey(name),
    other_names: normalizeText(c.otherNames) ?? null,
    date_of_birth: c.dateOfBirth,
    birth_year: Number(c.dateOfBirth.slice(0, 4)),
    sex: c.sex,
    nationality: c.nationality ?? 'VN',
    ethnicity: normalizeText(c.ethnicity) ?? null,
    religion: normalizeText(c.religion) ?? null,
    birth_reg_unit: c.birthRegistration?.unitCode ?? null,
    birth_reg_date: c.birthRegistration?.unitDate ?? null,
    home_town_unit: c.homeTown?.unitCode ?? null,
    home_town_date: c.homeTown?.unitDate ?? null,
    perm_unit: perm.unit,
    perm_date: perm.date,
    perm_address: perm.address,
    perm_since: c.permanentResidence?.since ?? null,
    temp_unit: temp.unit,
    temp_date: temp.date,
    temp_address: temp.address,
    temp_since: c.temporaryResidence?.since ?? null,
    cur_unit: cur.unit,
    cur_date: cur.date,
    cur_address: cur.address,
    cur_since: c.currentResidence?.since ?? null,
    scope_province: residencePath?.[0] ?? null,
    scope_district: residencePath && residencePath.length === 3 ? residencePath[1]! : null,
    scope_commune: residencePath && residencePath.length >= 2 ? residencePath[residencePath.length - 1]! : null,
    scope_date: residencePath ? (c.currentResidence?.unitDate ?? c.permanentResidence?.unitDate ?? null) : null,
    household_no: c.household?.number ?? null,
    household_head_pin: c.household?.headPin ?? null,
    household_relation: c.household?.relation ?? null,
    father_pin: c.fatherPin ?? null,
    mother_pin: c.motherPin ?? null,
    spouse_pin: c.spousePin ?? null,
    phone: c.phone ?? null,
    email: c.email ? c.email.trim().toLowerCase() : null,
    id_card_number: c.identityCard?.number ?? null,
    id_card_issued: c.identityCard?.issuedOn ?? null,
    id_card_expires: c.identityCard?.expiresOn ?? null,
    id_card_chip: c.identityCard?.chip ? 1 : 0,
    status: c.status ?? 'living',
    deceased_on: c.deceasedOn ?? null,
    dup_key: duplicateKey({ ...c, fullName: name }),
  };
}

function residence(unit: string | null, date: string | null, address: string | null, since: string | null): Residence | null {
  return unit && date ? { unitCode: unit, unitDate: date, addressLine: address, since } : null;
}

/** The API form of a stored row. */
export function citizenOf(r: CitizenRow): Citizen {
  const card: IdentityCard | null = r.id_card_number ? { number: r.id_card_number, issuedOn: r.id_card_issued, expiresOn: r.id_card_expires, chip: r.id_card_chip === 1 } : null;
  return {
    pin: r.pin,
    ref: r.ref,
    fullName: r.full_name,
    otherNames: r.other_names,
    dateOfBirth: r.date_of_birth,
    sex: r.sex as Sex,
    nationality: r.nationality,
    ethnicity: r.ethnicity,
    religion: r.religion,
    birthRegistration: r.birth_reg_unit && r.birth_reg_date ? { unitCode: r.birth_reg_unit, unitDate: r.birth_reg_date } : null,
    homeTown: r.home_town_unit && r.home_town_date ? { unitCode: r.home_town_unit, unitDate: r.home_town_date } : null,
    permanentResidence: residence(r.perm_unit, r.perm_date, r.perm_address, r.perm_since),
    temporaryResidence: residence(r.temp_unit, r.temp_date, r.temp_address, r.temp_since),
    currentResidence: residence(r.cur_unit, r.cur_date, r.cur_address, r.cur_since),
    household: r.household_no && r.household_head_pin && r.household_relation ? { number: r.household_no, headPin: r.household_head_pin, relation: r.household_relation as HouseholdRelation } : null,
    fatherPin: r.father_pin,
    motherPin: r.mother_pin,
    spousePin: r.spouse_pin,
    phone: r.phone,
    email: r.email,
    identityCard: card,
    status: r.status as CitizenStatus,
    deceasedOn: r.deceased_on,
    version: r.version,
    updatedAt: r.updated_at,
  };
}

export function listItemOf(r: CitizenRow): CitizenListItem {
  const unit = r.cur_unit ?? r.perm_unit;
  const unitDate = r.cur_unit ? r.cur_date : r.perm_date;
  return {
    ref: r.ref,
    pinMasked: maskPin(r.pin),
    fullName: r.full_name,
    dateOfBirth: r.date_of_birth,
    sex: r.sex as Sex,
    residence: unit && unitDate ? { unitCode: unit, unitDate, addressLine: r.cur_unit ? r.cur_address : r.perm_address } : null,
    phoneMasked: maskPhone(r.phone),
    status: r.status as CitizenStatus,
  };
}

export type SaveOutcome =
  | { outcome: 'created' | 'updated' | 'unchanged'; pin: string; version: number }
  | { outcome: 'duplicate'; pin: string; duplicateOf: string; candidateId: number }
  /** An import row that would change who the person is (name, date of birth, sex): not applied. */
  | { outcome: 'identity_conflict'; pin: string; fields: string[] }
  /** An import row for an existing person outside the importer's unit: not applied. */
  | { outcome: 'out_of_scope'; pin: string };

/** How a write treats an existing record. */
export interface SaveOptions {
  mode: 'create' | 'upsert';
  actor: string;
  source: string;
  /**
   * Imports: an empty value never erases a stored one (a list with fewer columns fills and
   * corrects, it does not wipe), and a changed name, date of birth or sex is refused as an
   * identity conflict for review instead of overwriting who the person is.
   */
  fill?: boolean;
  /** The writer's unit through time: existing records outside it are left alone (null: everywhere). */
  area?: readonly ScopePeriod[] | null;
  /** A reviewed look-alike (decided to be another person) is written anyway. */
  allowLookAlike?: boolean;
}

const IDENTITY_COLUMNS = ['full_name', 'date_of_birth', 'sex'] as const;

export interface SaveItem {
  citizen: CitizenInput;
  /** Residence path from {@link checkCitizen}. */
  path: string[] | null;
}

/**
 * Writes citizens inside the caller's transaction, in set-wise statements (one read of the
 * existing numbers and look-alikes, multi-row inserts), so imports of millions of rows stay fast.
 * No audit entry: the caller writes one for the whole operation. `mode: 'create'` refuses an
 * existing number with CITIZEN_EXISTS (409); `mode: 'upsert'` updates it. Returns one outcome per
 * item, in order. Items must not repeat a number.
 */
export async function saveCitizens(trx: Db, items: SaveItem[], options: SaveOptions): Promise<SaveOutcome[]> {
  const now = nowUtc();
  const contents = items.map((i) => contentColumns(i.citizen, i.path));
  const existing = new Map((await citizensByPins(trx, items.map((i) => i.citizen.pin))).map((r) => [r.pin, r]));
  const newKeys = [...new Set(contents.filter((_, n) => !existing.has(items[n]!.citizen.pin)).map((c) => c.dup_key))];
  const lookAlikes = new Map((await citizensByDupKeys(trx, newKeys)).map((r) => [r.dup_key, r.pin]));
  const outcomes: SaveOutcome[] = [];
  const inserts: CitizenRow[] = [];
  const history: Omit<PopulationTables['citizen_history'], 'id'>[] = [];
  for (const [n, { citizen }] of items.entries()) {
    const content = contents[n]!;
    const old = existing.get(citizen.pin);
    if (!old) {
      const other = lookAlikes.get(content.dup_key);
      if (other && other !== citizen.pin && !options.allowLookAlike) {
        const candidateId = await insertDuplicate(trx, { pin: citizen.pin, existing_pin: other, reason: 'same folded name, date of birth and place of birth registration', data: JSON.stringify(citizen), status: 'open', source: options.source, created_at: now });
        outcomes.push({ outcome: 'duplicate', pin: citizen.pin, duplicateOf: other, candidateId });
        continue;
      }
      lookAlikes.set(content.dup_key, citizen.pin); // a later look-alike in the same batch is held too
      inserts.push({ pin: citizen.pin, ref: randomUUID(), ...content, version: 1, created_at: now, updated_at: now });
      history.push({ pin: citizen.pin, version: 1, at: now, actor: options.actor, source: options.source, changes: '{"created":true}' });
      outcomes.push({ outcome: 'created', pin: citizen.pin, version: 1 });
      continue;
    }
    if (options.mode === 'create') throw new AppError('CITIZEN_EXISTS', { pin: maskPin(citizen.pin) });
    if (options.area !== undefined && !inScope(options.area, scopePath(old), old.scope_date)) {
      outcomes.push({ outcome: 'out_of_scope', pin: citizen.pin });
      continue;
    }
    if (options.fill) {
      const conflicting = IDENTITY_COLUMNS.filter((k) => old[k] !== content[k]);
      if (conflicting.length > 0) {
        outcomes.push({ outcome: 'identity_conflict', pin: citizen.pin, fields: conflicting });
        continue;
      }
      for (const k of Object.keys(content) as (keyof typeof content)[]) {
        if (content[k] === null && old[k] !== null) (content as Record<string, unknown>)[k] = old[k];
      }
    }
    const changes: Record<string, [unknown, unknown]> = {};
    for (const [k, v] of Object.entries(content) as [keyof typeof content, unknown][]) {
      if (k !== 'name_folded' && k !== 'sort_key' && k !== 'dup_key' && old[k] !== v) changes[k] = [old[k], v];
    }
    if (Object.keys(changes).length === 0) {
      outcomes.push({ outcome: 'unchanged', pin: citizen.pin, version: old.version });
      continue;
    }
    const version = old.version + 1;
    if (!(await updateCitizen(trx, citizen.pin, old.version, { ...content, version, updated_at: now }))) throw new AppError('CITIZEN_CHANGED_CONCURRENTLY', { pin: maskPin(citizen.pin) });
    history.push({ pin: citizen.pin, version, at: now, actor: options.actor, source: options.source, changes: JSON.stringify(changes) });
    outcomes.push({ outcome: 'updated', pin: citizen.pin, version });
  }
  await insertCitizens(trx, inserts);
  await insertHistory(trx, history);
  return outcomes;
}

/** {@link saveCitizens} for one citizen. */
export async function saveCitizen(trx: Db, input: CitizenInput, residencePath: string[] | null, options: SaveOptions): Promise<SaveOutcome> {
  const [outcome] = await saveCitizens(trx, [{ citizen: input, path: residencePath }], options);
  return outcome!;
}

/**
 * Creates one citizen (API, CLI): validation, duplicate check, history and audit in one
 * transaction. A staff member creates only residents of their own unit (CITIZEN_OUT_OF_SCOPE,
 * 403, when the current or permanent residence lies elsewhere or is missing); the number of a
 * look-alike is answered masked.
 */
export async function createCitizen(db: Database, input: CitizenInput, actor: AuditActor, principal?: StaffPrincipal): Promise<SaveOutcome> {
  const units = new UnitPaths(db.as<UnitsTables>());
  const path = await checkCitizen(input, units);
  const area = principal ? await readerArea(db, principal) : null;
  const residenceDate = input.currentResidence?.unitDate ?? input.permanentResidence?.unitDate ?? null;
  if (area !== null && (!path || !inScope(area, path, residenceDate))) throw new AppError('CITIZEN_OUT_OF_SCOPE');
  const result = await db.transaction(async (trx) => {
    const saved = await saveCitizen(trx as Db, input, path, { mode: 'create', actor: actor.id, source: 'api' });
    await recordAudit(trx, {
      actor,
      action: saved.outcome === 'duplicate' ? 'citizen.duplicate-held' : 'citizen.create',
      subjects: [{ type: 'citizen', id: input.pin }, ...(saved.outcome === 'duplicate' ? [{ type: 'citizen', id: saved.duplicateOf }] : [])],
      summary: saved.outcome === 'duplicate' ? `held as duplicate candidate ${saved.candidateId}` : 'record created',
    });
    return saved;
  });
  return result.outcome === 'duplicate' ? { ...result, duplicateOf: maskPin(result.duplicateOf) } : result;
}

/**
 * One person's full record by identification number, for a module acting for that person (a
 * signed-in citizen's own form pre-filled from the registry), or undefined when not registered.
 * Not audited here: the caller writes the audit entry in the transaction that uses the data.
 */
export async function citizenRecord(db: Database, pin: string): Promise<Citizen | undefined> {
  const row = await citizenByPin(db.as<PopulationTables>(), pin);
  return row ? citizenOf(row) : undefined;
}

/**
 * The reader's unit through time (null for an account with no unit: the whole system), from
 * `units` (the routes' cache, revalidated against the units registry's revision) when given.
 */
export async function readerArea(db: Database, principal: StaffPrincipal, units?: UnitCache): Promise<readonly ScopePeriod[] | null> {
  if (principal.unitCode === null) return null;
  const at = principal.unitDate ?? todayInVietnam();
  return units ? units.area(principal.unitCode, at) : unitAreaThroughTime(db.as<UnitsTables>(), principal.unitCode, at);
}

export interface ReadPurpose {
  code: string | undefined;
  note?: string;
  dossierCode?: string;
}

/** Checks the stated purpose of a read. Errors: PURPOSE_REQUIRED, PURPOSE_UNKNOWN (400). */
export function checkPurpose(p: ReadPurpose): { code: PurposeCode; note: string | null } {
  if (!p.code) throw new AppError('PURPOSE_REQUIRED');
  if (!isPurposeCode(p.code)) throw new AppError('PURPOSE_UNKNOWN', { purpose: p.code.slice(0, 40) });
  const note = [p.dossierCode ? `dossier ${p.dossierCode}` : null, p.note ?? null].filter(Boolean).join(' · ');
  return { code: p.code, note: note || null };
}

function scopePath(r: CitizenRow): string[] {
  return [r.scope_province, r.scope_district, r.scope_commune].filter((c): c is string => c !== null);
}

/**
 * One person's record for a staff member, by identification number or list reference.
 * The read is audited even when refused, and answered only once its audit entry is committed.
 * `units` caches the reader's area (see {@link readerArea}). `from`: where the record is read
 * (default `db`; the lookup route passes `db.read`, the read replica when DATABASE_READ_URL is
 * set, so a record created or changed a moment ago may be answered as before — or not found —
 * until the replica has replayed it, usually milliseconds); the audit entry always goes to `db`.
 * `shown`: what the caller shows of the record, for the audit entry's summary (default "full
 * record shown"; the counter's pre-fill names the service whose form it filled).
 * Errors: PURPOSE_REQUIRED, PURPOSE_UNKNOWN, CITIZEN_NOT_FOUND (404, also for a person outside
 * the reader's unit: existence is not revealed); a failed audit write fails the read.
 */
export async function readCitizen(db: Database, key: string, principal: StaffPrincipal, purpose: ReadPurpose, actor: AuditActor, units?: UnitCache, from: Database = db, shown = 'full record shown'): Promise<Citizen> {
  const p = checkPurpose(purpose);
  const k = from.as<PopulationTables>();
  const row = /^\d{12}$/.test(key) ? await citizenByPin(k, key) : await citizenByRef(k, key);
  const allowed = row !== undefined && inScope(await readerArea(db, principal, units), scopePath(row), row.scope_date);
  // Group commit with other reads; the record is answered only once its entry is committed.
  await recordAuditNow(db, {
    actor,
    action: allowed ? 'citizen.read' : 'citizen.read-refused',
    subjects: row ? [{ type: 'citizen', id: row.pin }] : [],
    purposeCode: p.code,
    purposeNote: p.note,
    summary: allowed ? shown : row ? 'outside the reader’s unit: nothing shown' : 'no such record',
  });
  if (!row || !allowed) throw new AppError('CITIZEN_NOT_FOUND');
  return citizenOf(row);
}

export interface CitizenQuery {
  q?: string;
  birthYear?: number;
  unit?: string;
  offset: number;
  limit: number;
}

/**
 * A search within the reader's unit (narrowed further by `unit` when it lies inside it), masked,
 * audited with every record returned as a subject (answered once the entry is committed).
 * `units` caches the reader's area (see {@link readerArea}). `from`: where the search runs
 * (default `db`; the search route passes `db.read`, the read replica when there is one, which
 * may not show changes of the last moment yet); the audit entry always goes to `db`. At most
 * `SEARCH_TOTAL_CAP` (store.ts, 1,000) people are counted and listed (`totalCapped` when more match).
 */
export async function findCitizens(db: Database, query: CitizenQuery, principal: StaffPrincipal, purpose: ReadPurpose, actor: AuditActor, units?: UnitCache, from: Database = db): Promise<{ items: CitizenListItem[]; total: number; totalCapped: boolean }> {
  const p = checkPurpose(purpose);
  const tokens = query.q ? foldForSearch(query.q).split(' ').filter(Boolean) : [];
  // A name given with nothing to look for in it ("😀", "%%%") would list everyone in the unit.
  if (tokens.length > 0 && searchWords(tokens).length === 0) throw validationError([{ field: 'query.q', code: 'SEARCH_TERMS_EMPTY', params: { q: query.q!.slice(0, 60) } }]);
  const area = await readerArea(db, principal, units);
  const unitCode = query.unit;
  const result = await searchCitizens(from.as<PopulationTables>(), { tokens, birthYear: query.birthYear, unitCode, area, offset: query.offset, limit: query.limit });
  await recordAuditNow(db, {
    actor,
    action: 'citizen.search',
    subjects: result.items.map((r) => ({ type: 'citizen', id: r.pin })),
    purposeCode: p.code,
    purposeNote: p.note,
    summary: `search${query.q ? ` "${query.q.slice(0, 60)}"` : ''}${query.birthYear ? ` born ${query.birthYear}` : ''}${unitCode ? ` in ${unitCode}` : ''}${principal.unitCode ? ` within ${principal.unitCode}` : ''}: ${result.items.length} of ${result.totalCapped ? `more than ${result.total}` : result.total} shown, masked`,
  });
  return { items: result.items.map(listItemOf), total: result.total, totalCapped: result.totalCapped };
}

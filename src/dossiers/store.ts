/**
 * SQL of the dossiers module. Tables:
 * - `dossiers`: one row per dossier (hồ sơ) with its current state cached (derived from the
 *   events), the service version it was filed under, the receiving unit (`unit_code` as of
 *   `unit_date`, with the path codes in `scope_*` for unit scoping), the deadline clock and a
 *   `version` raised by every change (optimistic concurrency);
 * - `dossier_events`: append-only, one row per transition (actor, time, reason, data, form);
 *   the database itself refuses UPDATE and DELETE on it (triggers on both engines);
 * - `dossier_sequences`: the daily sequence per agency behind dossier codes, taken with one
 *   `INSERT … ON CONFLICT DO UPDATE … RETURNING` (a row lock on PostgreSQL, the write lock on SQLite);
 * - `dossier_idempotency`: `Idempotency-Key` of submissions per principal, with the request hash
 *   and the first answer;
 * - `dossier_attachments`: files of a dossier, stored content-addressed by SHA-256;
 * - `dossier_escalations`: an overdue dossier reported to the head of its unit (once per dossier);
 * - `dossier_agencies`: the receiving agency of a unit: its identifier code (mã định danh, QCVN
 *   102:2016/BTTTT) used in dossier codes, its name on forms and the head's contact for escalations.
 */
import { sql, type Generated, type Kysely, type Migration } from 'kysely';
import { insertRows, isPostgres, runStatement, statementText, type StatementText } from '../platform/db/database.js';
import { withIdColumn } from '../platform/db/migrations.js';
import type { ScopePeriod } from '../platform/auth.js';
import type { Channel, DossierState, FiledBy } from './model.js';

export interface DossierRow {
  id: number;
  code: string;
  agency_code: string;
  unit_code: string;
  unit_date: string;
  scope_province: string | null;
  scope_district: string | null;
  scope_commune: string | null;
  service_code: string;
  service_version: number;
  service_name: string;
  sector: string;
  channel: Channel;
  filed_by: FiledBy;
  applicant_pin: string | null;
  applicant_name: string;
  applicant_phone: string | null;
  applicant_email: string | null;
  /** e-ID account of the citizen who filed online (null for other channels). */
  applicant_account: number | null;
  /** JSON object: the form data as validated. */
  form_data: string;
  /** JSON array: fields filled from the population registry and locked. */
  locked_fields: string;
  /** JSON object ({@link Assistance}) for on_behalf and mobile dossiers. */
  assistance: string | null;
  state: DossierState;
  /** Where a dossier returned for completion goes back to when resubmitted. */
  resume_state: DossierState | null;
  submitted_at: string;
  received_at: string | null;
  start_date: string | null;
  working_days: number;
  /** Cut-off time of day (HH:MM, Vietnam time) after which receipt counts from the next working day. */
  cutoff: string;
  due_date: string | null;
  original_due_date: string | null;
  paused_at: string | null;
  /** Working days left on the clock when it stopped. */
  paused_remaining: number | null;
  handler: string | null;
  overdue_since: string | null;
  completed_at: string | null;
  on_time: number | null;
  closed_at: string | null;
  created_by: string;
  version: number;
  updated_at: string;
}

export interface EventRow {
  id: number;
  dossier_id: number;
  seq: number;
  action: string;
  from_state: string | null;
  to_state: string;
  at: string;
  actor_kind: string;
  actor_id: string;
  actor_unit: string | null;
  reason: string | null;
  /** JSON object of the action's particulars (handler, due dates, form). */
  data: string;
  form: string | null;
}

export interface AttachmentRow {
  id: number;
  dossier_id: number;
  sha256: string;
  size: number;
  media_type: string;
  file_name: string;
  uploaded_at: string;
  uploaded_by: string;
}

export interface AgencyRow {
  unit_code: string;
  agency_code: string;
  name_vi: string;
  head_title: string;
  head_phone: string | null;
  head_email: string | null;
  updated_at: string;
}

export interface DossiersTables {
  dossiers: Omit<DossierRow, 'id'> & { id: Generated<number> };
  dossier_events: Omit<EventRow, 'id'> & { id: Generated<number> };
  dossier_sequences: { agency_code: string; day: string; last: number };
  dossier_idempotency: { scope: string; key: string; request_hash: string; dossier_id: number; response: string; created_at: string };
  dossier_attachments: Omit<AttachmentRow, 'id'> & { id: Generated<number> };
  dossier_escalations: { id: Generated<number>; dossier_id: number; kind: string; unit_code: string; day: string; recipient_masked: string | null; created_at: string };
  dossier_agencies: AgencyRow;
}

type Db = Kysely<DossiersTables>;

export const dossiersMigrations: Record<string, Migration> = {
  '0600_dossiers': {
    async up(db: Kysely<any>) {
      const states = sql.raw(
        ['submitted', 'returned_for_completion', 'refused', 'received', 'in_processing', 'approved', 'rejected', 'result_ready', 'result_returned', 'stopped'].map((s) => `'${s}'`).join(', '),
      );
      await db.schema
        .createTable('dossier_agencies')
        .addColumn('unit_code', 'text', (c) => c.primaryKey())
        .addColumn('agency_code', 'text', (c) => c.notNull().unique())
        .addColumn('name_vi', 'text', (c) => c.notNull())
        .addColumn('head_title', 'text', (c) => c.notNull())
        .addColumn('head_phone', 'text')
        .addColumn('head_email', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await withIdColumn(db, db.schema.createTable('dossiers'))
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('agency_code', 'text', (c) => c.notNull())
        .addColumn('unit_code', 'text', (c) => c.notNull())
        .addColumn('unit_date', 'text', (c) => c.notNull())
        .addColumn('scope_province', 'text')
        .addColumn('scope_district', 'text')
        .addColumn('scope_commune', 'text')
        .addColumn('service_code', 'text', (c) => c.notNull())
        .addColumn('service_version', 'integer', (c) => c.notNull())
        .addColumn('service_name', 'text', (c) => c.notNull())
        .addColumn('sector', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('online', 'counter', 'on_behalf', 'mobile')`))
        .addColumn('filed_by', 'text', (c) => c.notNull().check(sql`filed_by in ('self', 'on_behalf')`))
        .addColumn('applicant_pin', 'text')
        .addColumn('applicant_name', 'text', (c) => c.notNull())
        .addColumn('applicant_phone', 'text')
        .addColumn('applicant_email', 'text')
        .addColumn('applicant_account', 'bigint')
        .addColumn('form_data', 'text', (c) => c.notNull())
        .addColumn('locked_fields', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('assistance', 'text')
        .addColumn('state', 'text', (c) => c.notNull().check(sql`state in (${states})`))
        .addColumn('resume_state', 'text')
        .addColumn('submitted_at', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text')
        .addColumn('start_date', 'text')
        .addColumn('working_days', 'integer', (c) => c.notNull())
        .addColumn('cutoff', 'text', (c) => c.notNull())
        .addColumn('due_date', 'text')
        .addColumn('original_due_date', 'text')
        .addColumn('paused_at', 'text')
        .addColumn('paused_remaining', 'integer')
        .addColumn('handler', 'text')
        .addColumn('overdue_since', 'text')
        .addColumn('completed_at', 'text')
        .addColumn('on_time', 'integer')
        .addColumn('closed_at', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        // The channels that are someone's help carry who helped and the citizen's consent.
        .addCheckConstraint('dossiers_assistance', sql`(channel in ('on_behalf', 'mobile')) = (assistance is not null)`)
        .execute();
      await db.schema.createIndex('dossiers_queue').on('dossiers').columns(['scope_commune', 'state', 'submitted_at']).execute();
      await db.schema.createIndex('dossiers_state').on('dossiers').columns(['state', 'due_date']).execute();
      await db.schema.createIndex('dossiers_submitted').on('dossiers').columns(['submitted_at']).execute();
      await db.schema.createIndex('dossiers_applicant').on('dossiers').columns(['applicant_pin']).execute();

      await withIdColumn(db, db.schema.createTable('dossier_events'))
        .addColumn('dossier_id', 'bigint', (c) => c.notNull().references('dossiers.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('actor_unit', 'text')
        .addColumn('reason', 'text')
        .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('form', 'text')
        .addUniqueConstraint('dossier_events_seq', ['dossier_id', 'seq'])
        .execute();
      // Transitions are history: the database refuses to change or remove one.
      if (isPostgres(db)) {
        await sql`create function dossier_events_append_only() returns trigger language plpgsql as $$ begin raise exception 'dossier_events is append-only'; end $$`.execute(db);
        await sql`create trigger dossier_events_no_update before update or delete on dossier_events for each row execute function dossier_events_append_only()`.execute(db);
      } else {
        await sql`create trigger dossier_events_no_update before update on dossier_events begin select raise(abort, 'dossier_events is append-only'); end`.execute(db);
        await sql`create trigger dossier_events_no_delete before delete on dossier_events begin select raise(abort, 'dossier_events is append-only'); end`.execute(db);
      }

      await db.schema
        .createTable('dossier_sequences')
        .addColumn('agency_code', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('last', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('dossier_sequences_pk', ['agency_code', 'day'])
        .execute();

      await db.schema
        .createTable('dossier_idempotency')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('dossier_id', 'bigint', (c) => c.notNull().references('dossiers.id'))
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('dossier_idempotency_pk', ['scope', 'key'])
        .execute();

      await withIdColumn(db, db.schema.createTable('dossier_attachments'))
        .addColumn('dossier_id', 'bigint', (c) => c.notNull().references('dossiers.id'))
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('media_type', 'text', (c) => c.notNull().check(sql`media_type in ('application/pdf', 'image/jpeg', 'image/png')`))
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('uploaded_at', 'text', (c) => c.notNull())
        .addColumn('uploaded_by', 'text', (c) => c.notNull())
        .addUniqueConstraint('dossier_attachments_content', ['dossier_id', 'sha256'])
        .execute();

      await withIdColumn(db, db.schema.createTable('dossier_escalations'))
        .addColumn('dossier_id', 'bigint', (c) => c.notNull().references('dossiers.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('unit_code', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('recipient_masked', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('dossier_escalations_once', ['dossier_id', 'kind'])
        .execute();
    },
  },
};

const num = <T extends { id: unknown }>(r: T) => ({ ...r, id: Number(r.id) });

// --- statement texts of the intake path -----------------------------------------------------------------
// Every submission runs these: their SQL is written once per engine instead of being built by the
// query builder on every call (a third of a submission's CPU time went to building statements).

const DOSSIER_COLUMNS = [
  'code', 'agency_code', 'unit_code', 'unit_date', 'scope_province', 'scope_district', 'scope_commune', 'service_code', 'service_version', 'service_name', 'sector',
  'channel', 'filed_by', 'applicant_pin', 'applicant_name', 'applicant_phone', 'applicant_email', 'applicant_account', 'form_data', 'locked_fields', 'assistance',
  'state', 'resume_state', 'submitted_at', 'received_at', 'start_date', 'working_days', 'cutoff', 'due_date', 'original_due_date', 'paused_at', 'paused_remaining',
  'handler', 'overdue_since', 'completed_at', 'on_time', 'closed_at', 'created_by', 'version', 'updated_at',
] as const satisfies readonly (keyof Omit<DossierRow, 'id'>)[];
/** `"a", "b"` (column names from the code, quoted: some are keywords). */
const names = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(', ');
/** Rows a statement of {@link insertDossiers} (40 parameters a row). */
const DOSSIERS_PER_STATEMENT = 64;
const DOSSIER_VALUES = `(${DOSSIER_COLUMNS.map(() => '?').join(', ')})`;
const insertDossiersTexts = new Map<number, StatementText>();
function insertDossiersText(count: number): StatementText {
  let text = insertDossiersTexts.get(count);
  if (!text) {
    text = statementText(`insert into dossiers (${names(DOSSIER_COLUMNS)}) values ${Array.from({ length: count }, () => DOSSIER_VALUES).join(', ')} returning "id", "code"`);
    insertDossiersTexts.set(count, text);
  }
  return text;
}
const EVENT_COLUMNS = ['dossier_id', 'seq', 'action', 'from_state', 'to_state', 'at', 'actor_kind', 'actor_id', 'actor_unit', 'reason', 'data', 'form'] as const satisfies readonly (keyof Omit<EventRow, 'id'>)[];
const IDEMPOTENCY_COLUMNS = ['scope', 'key', 'request_hash', 'dossier_id', 'response', 'created_at'] as const satisfies readonly (keyof DossiersTables['dossier_idempotency'])[];
const IDEMPOTENCY_RECORD = statementText(`select ${names(IDEMPOTENCY_COLUMNS)} from dossier_idempotency where "scope" = ? and "key" = ?`);
const NEXT_SEQUENCE = statementText(
  'insert into dossier_sequences ("agency_code", "day", "last") values (?, ?, ?) on conflict ("agency_code", "day") do update set "last" = dossier_sequences."last" + excluded."last" returning "last"',
);
const AGENCY_COLUMNS = ['unit_code', 'agency_code', 'name_vi', 'head_title', 'head_phone', 'head_email', 'updated_at'] as const satisfies readonly (keyof AgencyRow)[];
const AGENCY_OF_UNIT = statementText(`select ${names(AGENCY_COLUMNS)} from dossier_agencies where "unit_code" = ?`);

export function dossierRow(r: Record<string, unknown>): DossierRow {
  return { ...(r as unknown as DossierRow), id: Number(r.id), applicant_account: r.applicant_account == null ? null : Number(r.applicant_account) };
}

// --- agencies ----------------------------------------------------------------------------------------

/** The receiving agency of a unit (every submission asks: a statement text built once). */
export async function agencyOfUnit(db: Db, unitCode: string): Promise<AgencyRow | undefined> {
  return (await runStatement<AgencyRow>(db, AGENCY_OF_UNIT, [unitCode]))[0];
}

export async function agencyByCode(db: Db, agencyCode: string): Promise<AgencyRow | undefined> {
  return db.selectFrom('dossier_agencies').selectAll().where('agency_code', '=', agencyCode).executeTakeFirst();
}

export async function listAgencies(db: Db): Promise<AgencyRow[]> {
  return db.selectFrom('dossier_agencies').selectAll().orderBy('unit_code').execute();
}

/** Creates or replaces a unit's agency settings. */
export async function upsertAgency(db: Db, row: AgencyRow): Promise<void> {
  const { unit_code: _, ...rest } = row;
  await db.insertInto('dossier_agencies').values(row).onConflict((oc) => oc.column('unit_code').doUpdateSet(rest)).execute();
}

// --- sequences -----------------------------------------------------------------------------------------

/**
 * The next daily sequence number of an agency (1, 2, …), inside the caller's transaction: one
 * `INSERT … ON CONFLICT (agency_code, day) DO UPDATE SET last = last + 1 RETURNING last`, so two
 * concurrent submissions never get the same number (the row lock is held until the transaction
 * ends; a rolled-back submission gives its number back).
 * With `count`, takes that many numbers at once and returns the last of them (they are
 * `last - count + 1` … `last`).
 */
export async function nextSequence(trx: Db, agencyCode: string, day: string, count = 1): Promise<number> {
  const [r] = await runStatement<{ last: number }>(trx, NEXT_SEQUENCE, [agencyCode, day, count]);
  if (!r) throw new Error('dossier_sequences: no row returned');
  return Number(r.last);
}

// --- dossiers ------------------------------------------------------------------------------------------

/** Inserts a dossier (absent values as NULL); returns its id. */
export async function insertDossier(trx: Db, row: Omit<DossierRow, 'id'>): Promise<number> {
  const [id] = await insertDossiers(trx, [row]);
  return id!;
}

/**
 * Inserts dossiers with one multi-row statement (absent values as NULL); returns their ids in
 * order. The statement text is built once per number of rows.
 */
export async function insertDossiers(trx: Db, rows: readonly Omit<DossierRow, 'id'>[]): Promise<number[]> {
  const ids = new Map<string, number>();
  for (let i = 0; i < rows.length; i += DOSSIERS_PER_STATEMENT) {
    const slice = rows.slice(i, i + DOSSIERS_PER_STATEMENT);
    const parameters: unknown[] = [];
    for (const row of slice) for (const c of DOSSIER_COLUMNS) parameters.push(row[c] ?? null);
    // RETURNING gives no order: the ids are matched by the (unique) codes.
    for (const r of await runStatement<{ id: number; code: string }>(trx, insertDossiersText(slice.length), parameters)) ids.set(r.code, Number(r.id));
  }
  return rows.map((r) => {
    const id = ids.get(r.code);
    if (id === undefined) throw new Error(`dossiers: no id returned for ${r.code}`);
    return id;
  });
}

export async function dossierByCode(db: Db, code: string): Promise<DossierRow | undefined> {
  const r = await db.selectFrom('dossiers').selectAll().where('code', '=', code).executeTakeFirst();
  return r ? dossierRow(r) : undefined;
}

export async function dossierById(db: Db, id: number): Promise<DossierRow | undefined> {
  const r = await db.selectFrom('dossiers').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? dossierRow(r) : undefined;
}

/** Applies `changes` when the row is still at `version` (raising it); false when someone changed it first. */
export async function updateDossier(trx: Db, id: number, version: number, changes: Partial<Omit<DossierRow, 'id' | 'version'>>): Promise<boolean> {
  const r = await trx
    .updateTable('dossiers')
    .set({ ...changes, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Appends a transition row (a statement text built once, see `insertRows`). */
export async function insertEvent(trx: Db, row: Omit<EventRow, 'id'>): Promise<void> {
  await insertEvents(trx, [row]);
}

/** Appends transition rows with multi-row statements (texts built once, see `insertRows`). */
export async function insertEvents(trx: Db, rows: readonly Omit<EventRow, 'id'>[]): Promise<void> {
  await insertRows(trx, 'dossier_events', EVENT_COLUMNS, rows, { perStatement: DOSSIERS_PER_STATEMENT, rememberUpTo: DOSSIERS_PER_STATEMENT, types: { dossier_id: 'bigint', seq: 'integer' } });
}

export async function eventsOf(db: Db, dossierId: number): Promise<EventRow[]> {
  const rows = await db.selectFrom('dossier_events').selectAll().where('dossier_id', '=', dossierId).orderBy('seq').execute();
  return rows.map((r) => ({ ...num(r), dossier_id: Number(r.dossier_id) }));
}

export async function lastEventSeq(db: Db, dossierId: number): Promise<number> {
  const r = await db.selectFrom('dossier_events').select((eb) => eb.fn.max('seq').as('m')).where('dossier_id', '=', dossierId).executeTakeFirst();
  return Number(r?.m ?? 0);
}

/** Restricts a query on `dossiers` to a reader's unit through time (see {@link inScope}). */
function withinArea<Q extends { where: (...args: any[]) => Q }>(q: Q, area: readonly ScopePeriod[] | null): Q {
  if (area === null) return q;
  if (area.length === 0) return q.where(sql<boolean>`1 = 0`);
  const column = (code: string) => (code.length === 2 ? 'scope_province' : code.length === 3 ? 'scope_district' : 'scope_commune');
  return q.where((eb: any) =>
    eb.or(area.map((a) => eb.and([eb(column(a.code), '=', a.code), eb('unit_date', '>=', a.validFrom), eb('unit_date', '<=', a.validUntil ?? '9999-12-31')]))),
  );
}

export interface QueueFilter {
  area: readonly ScopePeriod[] | null;
  state?: DossierState;
  serviceCode?: string;
  channel?: Channel;
  handler?: string;
  /** Overdue as of this date (clock running, due date before it). */
  overdueOn?: string;
  /** Vietnam dates of submission, inclusive. */
  from?: string;
  to?: string;
  /** Part of a dossier code. */
  code?: string;
  offset: number;
  limit: number;
}

/** A page of the work queue (oldest submission first), its total, and counts per state within the filter (state itself left out). */
export async function queue(db: Db, f: QueueFilter, fromInstant?: string, toInstant?: string): Promise<{ items: DossierRow[]; total: number; counts: Record<string, number> }> {
  let base = withinArea(db.selectFrom('dossiers'), f.area);
  if (f.serviceCode) base = base.where('service_code', '=', f.serviceCode);
  if (f.channel) base = base.where('channel', '=', f.channel);
  if (f.handler) base = base.where('handler', '=', f.handler);
  if (fromInstant) base = base.where('submitted_at', '>=', fromInstant);
  if (toInstant) base = base.where('submitted_at', '<', toInstant);
  if (f.code) base = base.where('code', 'like', `%${f.code.replace(/[%_\\]/g, '')}%`);
  if (f.overdueOn) base = base.where('state', 'in', ['received', 'in_processing', 'approved', 'rejected']).where('due_date', '<', f.overdueOn);
  const countRows = await base.select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute();
  const counts: Record<string, number> = {};
  for (const r of countRows) counts[r.state] = Number(r.n);
  const page = f.state ? base.where('state', '=', f.state) : base;
  const items = await page.selectAll().orderBy('submitted_at').orderBy('id').offset(f.offset).limit(f.limit).execute();
  const total = f.state ? (counts[f.state] ?? 0) : Object.values(counts).reduce((a, b) => a + b, 0);
  return { items: items.map(dossierRow), total, counts };
}

/** Dossiers whose clock runs and whose due date is before `date` and that are not flagged yet. */
export async function unflaggedOverdue(db: Db, date: string, limit: number): Promise<DossierRow[]> {
  const rows = await db
    .selectFrom('dossiers')
    .selectAll()
    .where('state', 'in', ['received', 'in_processing', 'approved', 'rejected'])
    .where('due_date', '<', date)
    .where('overdue_since', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(dossierRow);
}

/** Dossiers submitted between two instants (inclusive start, exclusive end) within an area, for the register (form 07). */
export async function registerRows(db: Db, area: readonly ScopePeriod[] | null, fromInstant: string, toInstant: string, limit: number): Promise<DossierRow[]> {
  const rows = await withinArea(db.selectFrom('dossiers'), area)
    .selectAll()
    .where('submitted_at', '>=', fromInstant)
    .where('submitted_at', '<', toInstant)
    .orderBy('submitted_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(dossierRow);
}

// --- idempotency ---------------------------------------------------------------------------------------

/** The first answer given to `key` of `scope`, if any (every submission with a key asks: a statement text built once). */
export async function idempotencyRecord(db: Db, scope: string, key: string): Promise<DossiersTables['dossier_idempotency'] | undefined> {
  return (await runStatement<DossiersTables['dossier_idempotency']>(db, IDEMPOTENCY_RECORD, [scope, key]))[0];
}

/** Records first answers to `Idempotency-Key`s (multi-row statements, texts built once). */
export async function insertIdempotency(trx: Db, rows: readonly DossiersTables['dossier_idempotency'][]): Promise<void> {
  await insertRows(trx, 'dossier_idempotency', IDEMPOTENCY_COLUMNS, rows, { perStatement: DOSSIERS_PER_STATEMENT, rememberUpTo: DOSSIERS_PER_STATEMENT, types: { dossier_id: 'bigint' } });
}

// --- attachments ---------------------------------------------------------------------------------------

/** Adds an attachment; the same content twice on one dossier keeps the first row (returned). */
export async function insertAttachment(trx: Db, row: Omit<AttachmentRow, 'id'>): Promise<{ row: AttachmentRow; existed: boolean }> {
  const inserted = await trx.insertInto('dossier_attachments').values(row).onConflict((oc) => oc.columns(['dossier_id', 'sha256']).doNothing()).returning('id').executeTakeFirst();
  if (inserted) return { row: { ...row, id: Number(inserted.id) }, existed: false };
  const existing = await trx.selectFrom('dossier_attachments').selectAll().where('dossier_id', '=', row.dossier_id).where('sha256', '=', row.sha256).executeTakeFirstOrThrow();
  return { row: attachmentRow(existing), existed: true };
}

function attachmentRow(r: Record<string, unknown>): AttachmentRow {
  return { ...(r as unknown as AttachmentRow), id: Number(r.id), dossier_id: Number(r.dossier_id), size: Number(r.size) };
}

export async function attachmentsOf(db: Db, dossierId: number): Promise<AttachmentRow[]> {
  return (await db.selectFrom('dossier_attachments').selectAll().where('dossier_id', '=', dossierId).orderBy('id').execute()).map(attachmentRow);
}

export async function attachmentById(db: Db, dossierId: number, id: number): Promise<AttachmentRow | undefined> {
  const r = await db.selectFrom('dossier_attachments').selectAll().where('dossier_id', '=', dossierId).where('id', '=', id).executeTakeFirst();
  return r ? attachmentRow(r) : undefined;
}

export async function attachmentBytes(db: Db, dossierId: number): Promise<number> {
  const r = await db.selectFrom('dossier_attachments').select((eb) => eb.fn.sum<number>('size').as('n')).where('dossier_id', '=', dossierId).executeTakeFirst();
  return Number(r?.n ?? 0);
}

// --- escalations ---------------------------------------------------------------------------------------

/** Records an escalation once per dossier and kind; false when it was already recorded. */
export async function insertEscalation(trx: Db, row: Omit<DossiersTables['dossier_escalations'], 'id'>): Promise<boolean> {
  const r = await trx.insertInto('dossier_escalations').values(row).onConflict((oc) => oc.columns(['dossier_id', 'kind']).doNothing()).returning('id').executeTakeFirst();
  return r !== undefined;
}

export async function escalationsOf(db: Db, dossierId: number) {
  return db.selectFrom('dossier_escalations').selectAll().where('dossier_id', '=', dossierId).execute();
}

/**
 * The audit subjects of an entry about a dossier: the dossier and, when the applicant gave their
 * identification number, the applicant's record — so that every reading or change of a dossier,
 * which shows the applicant's name, number and contacts, is in that person's access log ("who
 * looked at my record", Decree 13/2023/NĐ-CP Art. 27) like a registry lookup.
 */
export function dossierSubjects(d: { code: string; applicant_pin: string | null }): { type: string; id: string }[] {
  return [{ type: 'dossier', id: d.code }, ...(d.applicant_pin ? [{ type: 'citizen', id: d.applicant_pin }] : [])];
}

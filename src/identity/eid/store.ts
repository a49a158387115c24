/**
 * SQL of the e-ID part of the identity module (tài khoản định danh điện tử, Decree 69/2024/NĐ-CP).
 * Tables:
 * - `eid_applications`: one row per application (đề nghị cấp tài khoản), its current status
 *   cached from its steps; `unit_*`/`scope_*` are the commune that handles it (the collection
 *   point for level 2, the applicant's residence for level 1) with its path, for unit scoping.
 * - `eid_application_steps`: append-only, one row per step (received, verified, approved,
 *   rejected, activation_pending, active) with actor and time; a step happens once per
 *   application (unique), so two officers deciding at once cannot both succeed.
 * - `eid_biometrics`: face images, portraits and fingerprint templates, AES-256-GCM sealed
 *   (src/platform/crypto.ts) with their SHA-256; only the face image or portrait is ever returned,
 *   to police of the application's unit (`GET /eid/applications/{id}/face-image`, audited).
 * - `eid_accounts`: one live account per identification number and per phone number (partial
 *   unique indexes over accounts not revoked), credentials as Argon2id hashes, the TOTP secret sealed.
 * - `eid_account_events`: append-only lifecycle (created, activated, locked, unlocked, revoked,
 *   level raised, phone changed, TOTP on/off).
 * - `eid_codes`: one-time codes, stored only as HMAC-SHA-256 under the data key.
 * - `eid_sessions`: sign-in sessions, the bearer token stored only as SHA-256; indexed by account
 *   over the sessions not revoked only (`eid_sessions_live`, by expiry).
 * - `eid_usage`: the account's usage history shown to the citizen, kept 5 years
 *   (Decree 69/2024/NĐ-CP: history of use of the electronic identity kept 5 years from each use).
 */
import { sql, type Generated, type Kysely, type Migration } from 'kysely';
import { runStatement, statementText } from '../../platform/db/database.js';
import { withIdColumn } from '../../platform/db/migrations.js';
import type { SealedColumn } from '../../platform/keys.js';
import { ACCOUNT_STATUSES, APPLICATION_STATUSES, CHANNELS, type AccountStatus, type ApplicationStatus, type Channel } from './model.js';

export { ACCOUNT_STATUSES, APPLICATION_STATUSES, CHANNELS, type AccountStatus, type ApplicationStatus, type Channel };


export interface EidTables {
  eid_applications: {
    id: Generated<number>;
    level: number;
    channel: Channel;
    pin: string;
    full_name: string;
    date_of_birth: string;
    sex: string;
    /** E.164; null for a dependant's application (the guardian's phone is used). */
    phone: string | null;
    email: string | null;
    guardian_account_id: number | null;
    collection_kind: string | null;
    collection_unit: string | null;
    collection_campaign: string | null;
    unit_code: string;
    unit_date: string;
    scope_province: string | null;
    scope_district: string | null;
    scope_commune: string | null;
    consent_at: string | null;
    biometric_check: string;
    biometric_checker: string;
    status: ApplicationStatus;
    status_at: string;
    reason_code: string | null;
    reason_note: string | null;
    account_id: number | null;
    created_at: string;
    created_by: string;
  };
  eid_application_steps: {
    id: Generated<number>;
    application_id: number;
    step: ApplicationStatus;
    at: string;
    actor_kind: string;
    actor_id: string;
    actor_unit: string | null;
    reason_code: string | null;
    note: string | null;
  };
  eid_biometrics: {
    id: Generated<number>;
    application_id: number;
    kind: 'face' | 'portrait' | 'fingerprint';
    position: number | null;
    media_type: string;
    byte_size: number;
    sha256: string;
    sealed: string;
    key_id: string;
    created_at: string;
  };
  eid_accounts: {
    id: Generated<number>;
    pin: string;
    level: number;
    /** The level an approved application raises the account to once activated (upgrade 1 → 2). */
    pending_level: number | null;
    status: AccountStatus;
    phone: string | null;
    /** The phone an activation code goes to while a level upgrade or phone change is pending. */
    pending_phone: string | null;
    email: string | null;
    guardian_account_id: number | null;
    password_hash: string | null;
    passcode_hash: string | null;
    totp_secret: string | null;
    totp_pending: string | null;
    totp_last_step: number | null;
    lock_reason: string | null;
    locked_at: string | null;
    unit_code: string;
    unit_date: string;
    scope_province: string | null;
    scope_district: string | null;
    scope_commune: string | null;
    application_id: number;
    created_at: string;
    activated_at: string | null;
    updated_at: string;
  };
  eid_account_events: {
    id: Generated<number>;
    account_id: number;
    action: string;
    at: string;
    actor_kind: string;
    actor_id: string;
    reason: string | null;
    detail: string | null;
  };
  eid_codes: {
    id: Generated<number>;
    account_id: number;
    purpose: string;
    salt: string;
    code_hash: string;
    created_at: string;
    expires_at: string;
    attempts: number;
    used_at: string | null;
    voided_at: string | null;
  };
  eid_sessions: {
    id: string;
    token_hash: string;
    account_id: number;
    created_at: string;
    expires_at: string;
    revoked_at: string | null;
    revoke_reason: string | null;
    source_ip: string | null;
    device: string | null;
    amr: string;
  };
  eid_usage: {
    id: Generated<number>;
    account_id: number;
    at: string;
    action: string;
    source_ip: string | null;
    device: string | null;
    session_id: string | null;
    detail: string | null;
  };
}

export type Db = Kysely<EidTables>;

/** The context a sealed biometric is bound to (its table, application, kind and finger position). */
export function biometricContext(applicationId: number, kind: string, position: number | null): string {
  return `eid_biometrics:${applicationId}:${kind}:${position ?? '-'}`;
}

/** The context an account's TOTP secret (confirmed or pending) is sealed with. */
export function totpContext(accountId: number): string {
  return `eid_accounts:${accountId}:totp`;
}

/** The sealed columns of the e-ID tables, for `motcua keys rotate` (src/platform/keys.ts). */
export const eidSealedColumns: SealedColumn[] = [
  { table: 'eid_biometrics', key: 'id', column: 'sealed', keyIdColumn: 'key_id', columns: ['application_id', 'kind', 'position'], context: (r) => biometricContext(Number(r.application_id), String(r.kind), r.position === null ? null : Number(r.position)) },
  { table: 'eid_accounts', key: 'id', column: 'totp_secret', context: (r) => totpContext(Number(r.id)) },
  { table: 'eid_accounts', key: 'id', column: 'totp_pending', context: (r) => totpContext(Number(r.id)) },
];

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

export const eidMigrations: Record<string, Migration> = {
  '0210_identity_eid': {
    async up(db: Kysely<any>) {
      await withIdColumn(db, db.schema.createTable('eid_applications'))
        .addColumn('level', 'integer', (c) => c.notNull().check(sql`level in (1, 2)`))
        .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in (${inList(CHANNELS)})`))
        .addColumn('pin', 'text', (c) => c.notNull())
        .addColumn('full_name', 'text', (c) => c.notNull())
        .addColumn('date_of_birth', 'text', (c) => c.notNull())
        .addColumn('sex', 'text', (c) => c.notNull())
        .addColumn('phone', 'text')
        .addColumn('email', 'text')
        .addColumn('guardian_account_id', 'bigint')
        .addColumn('collection_kind', 'text', (c) => c.check(sql`collection_kind in ('police_office', 'campaign')`))
        .addColumn('collection_unit', 'text')
        .addColumn('collection_campaign', 'text')
        .addColumn('unit_code', 'text', (c) => c.notNull())
        .addColumn('unit_date', 'text', (c) => c.notNull())
        .addColumn('scope_province', 'text')
        .addColumn('scope_district', 'text')
        .addColumn('scope_commune', 'text')
        .addColumn('consent_at', 'text')
        .addColumn('biometric_check', 'text', (c) => c.notNull().check(sql`biometric_check in ('not_verified', 'matched')`))
        .addColumn('biometric_checker', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in (${inList(APPLICATION_STATUSES)})`))
        .addColumn('status_at', 'text', (c) => c.notNull())
        .addColumn('reason_code', 'text')
        .addColumn('reason_note', 'text')
        .addColumn('account_id', 'bigint')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        // A level-2 application is taken in person with consent at a collection point; a level-1 one is not.
        .addCheckConstraint('eid_applications_level2', sql`(level = 2) = (collection_kind is not null and consent_at is not null)`)
        .addCheckConstraint('eid_applications_rejection', sql`(status = 'rejected') = (reason_code is not null)`)
        .execute();
      // One open application per person: a second one while the first is undecided is refused by the database too.
      await db.schema.createIndex('eid_applications_open_pin').on('eid_applications').column('pin').unique().where(sql.ref('status'), 'in', ['received', 'verified']).execute();
      await db.schema.createIndex('eid_applications_queue').on('eid_applications').columns(['scope_commune', 'status', 'id']).execute();
      await db.schema.createIndex('eid_applications_province').on('eid_applications').columns(['scope_province', 'status', 'id']).execute();
      await db.schema.createIndex('eid_applications_campaign').on('eid_applications').column('collection_campaign').execute();
      await db.schema.createIndex('eid_applications_pin').on('eid_applications').column('pin').execute();

      await withIdColumn(db, db.schema.createTable('eid_application_steps'))
        .addColumn('application_id', 'bigint', (c) => c.notNull().references('eid_applications.id'))
        .addColumn('step', 'text', (c) => c.notNull().check(sql`step in (${inList(APPLICATION_STATUSES)})`))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('actor_unit', 'text')
        .addColumn('reason_code', 'text')
        .addColumn('note', 'text')
        .addUniqueConstraint('eid_application_steps_once', ['application_id', 'step'])
        .execute();

      await withIdColumn(db, db.schema.createTable('eid_biometrics'))
        .addColumn('application_id', 'bigint', (c) => c.notNull().references('eid_applications.id'))
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('face', 'portrait', 'fingerprint')`))
        .addColumn('position', 'integer')
        .addColumn('media_type', 'text', (c) => c.notNull())
        .addColumn('byte_size', 'integer', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('sealed', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('eid_biometrics_application').on('eid_biometrics').column('application_id').execute();

      await withIdColumn(db, db.schema.createTable('eid_accounts'))
        .addColumn('pin', 'text', (c) => c.notNull())
        .addColumn('level', 'integer', (c) => c.notNull().check(sql`level in (1, 2)`))
        .addColumn('pending_level', 'integer')
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in (${inList(ACCOUNT_STATUSES)})`))
        .addColumn('phone', 'text')
        .addColumn('pending_phone', 'text')
        .addColumn('email', 'text')
        .addColumn('guardian_account_id', 'bigint')
        .addColumn('password_hash', 'text')
        .addColumn('passcode_hash', 'text')
        .addColumn('totp_secret', 'text')
        .addColumn('totp_pending', 'text')
        .addColumn('totp_last_step', 'bigint')
        .addColumn('lock_reason', 'text')
        .addColumn('locked_at', 'text')
        .addColumn('unit_code', 'text', (c) => c.notNull())
        .addColumn('unit_date', 'text', (c) => c.notNull())
        .addColumn('scope_province', 'text')
        .addColumn('scope_district', 'text')
        .addColumn('scope_commune', 'text')
        .addColumn('application_id', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('activated_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addCheckConstraint('eid_accounts_lock', sql`(status = 'locked') = (lock_reason is not null)`)
        .execute();
      // One live account per person and per phone number (Decree 69/2024 practice: one number, one account).
      await db.schema.createIndex('eid_accounts_live_pin').on('eid_accounts').column('pin').unique().where(sql.ref('status'), '<>', 'revoked').execute();
      await db.schema.createIndex('eid_accounts_live_phone').on('eid_accounts').column('phone').unique().where(sql.ref('status'), '<>', 'revoked').execute();
      await db.schema.createIndex('eid_accounts_guardian').on('eid_accounts').column('guardian_account_id').execute();

      await withIdColumn(db, db.schema.createTable('eid_account_events'))
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('eid_accounts.id'))
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('eid_account_events_account').on('eid_account_events').columns(['account_id', 'id']).execute();

      await withIdColumn(db, db.schema.createTable('eid_codes'))
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('eid_accounts.id'))
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('salt', 'text', (c) => c.notNull())
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('used_at', 'text')
        .addColumn('voided_at', 'text')
        .execute();
      await db.schema.createIndex('eid_codes_account').on('eid_codes').columns(['account_id', 'id']).execute();

      await db.schema
        .createTable('eid_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('eid_accounts.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('revoke_reason', 'text')
        .addColumn('source_ip', 'text')
        .addColumn('device', 'text')
        .addColumn('amr', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('eid_sessions_account').on('eid_sessions').columns(['account_id', 'created_at']).execute();

      await withIdColumn(db, db.schema.createTable('eid_usage'))
        .addColumn('account_id', 'bigint', (c) => c.notNull().references('eid_accounts.id'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('source_ip', 'text')
        .addColumn('device', 'text')
        .addColumn('session_id', 'text')
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('eid_usage_account').on('eid_usage').columns(['account_id', 'at']).execute();
      await db.schema.createIndex('eid_usage_at').on('eid_usage').column('at').execute();
    },
  },
  /**
   * Every query of an account's sessions asks for those not revoked and not expired (the session
   * list, the single-device revocation at each sign-in, locks and password changes). Sessions are
   * kept (the usage history names them), so the index on (account_id, created_at) made each sign-in
   * read every past session of the account — a year of daily sign-ins: 365 rows, 115 µs instead of
   * 25 µs for the revocation, measured on SQLite. The partial index holds only sessions not revoked,
   * by expiry, so the revocation seeks straight to the live ones.
   */
  '0211_identity_eid_live_sessions': {
    async up(db: Kysely<any>) {
      await db.schema.dropIndex('eid_sessions_account').execute();
      await db.schema.createIndex('eid_sessions_live').on('eid_sessions').columns(['account_id', 'expires_at']).where(sql.ref('revoked_at'), 'is', null).execute();
    },
  },
  // The police queue is read oldest received first (`created_at`, then id): its indexes follow.
  '0212_identity_eid_queue_by_receipt': {
    async up(db: Kysely<any>) {
      await db.schema.dropIndex('eid_applications_queue').execute();
      await db.schema.dropIndex('eid_applications_province').execute();
      await db.schema.createIndex('eid_applications_queue').on('eid_applications').columns(['scope_commune', 'status', 'created_at', 'id']).execute();
      await db.schema.createIndex('eid_applications_province').on('eid_applications').columns(['scope_province', 'status', 'created_at', 'id']).execute();
    },
  },
};

// --- applications ---------------------------------------------------------------------------------

export type ApplicationRow = Omit<EidTables['eid_applications'], 'id'> & { id: number };
export type StepRow = Omit<EidTables['eid_application_steps'], 'id'> & { id: number };

function num<T extends { id: unknown }>(r: T): Omit<T, 'id'> & { id: number } {
  return { ...r, id: Number(r.id) };
}

export async function insertApplication(db: Db, row: Omit<ApplicationRow, 'id'>): Promise<number> {
  const r = await db.insertInto('eid_applications').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function applicationById(db: Db, id: number): Promise<ApplicationRow | undefined> {
  const r = await db.selectFrom('eid_applications').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? normApplication(r) : undefined;
}

const APPLICANT_NAME = statementText('select "full_name" from eid_applications where "id" = ?');

/**
 * The full name on an application (the name an account shows), or undefined when there is no such
 * application. One column by a prebuilt statement: every sign-in answers the account's view, and
 * the whole row (30 columns) cost four times as much to read.
 */
export async function applicantNameOf(db: Db, id: number): Promise<string | undefined> {
  return (await runStatement<{ full_name: string }>(db, APPLICANT_NAME, [id]))[0]?.full_name;
}

function normApplication(r: Omit<EidTables['eid_applications'], 'id'> & { id: unknown }): ApplicationRow {
  return { ...num(r), level: Number(r.level), guardian_account_id: r.guardian_account_id === null ? null : Number(r.guardian_account_id), account_id: r.account_id === null ? null : Number(r.account_id) };
}

/** An open (received or verified) application of a number, if any. */
export async function openApplicationOf(db: Db, pin: string): Promise<ApplicationRow | undefined> {
  const r = await db.selectFrom('eid_applications').selectAll().where('pin', '=', pin).where('status', 'in', ['received', 'verified']).executeTakeFirst();
  return r ? normApplication(r) : undefined;
}

/** True when another person's open application or live account holds this phone number. */
export async function phoneHeldByOther(db: Db, phone: string, pin: string): Promise<boolean> {
  const account = await db.selectFrom('eid_accounts').select('id').where('phone', '=', phone).where('status', '<>', 'revoked').where('pin', '<>', pin).executeTakeFirst();
  if (account) return true;
  const pending = await db.selectFrom('eid_accounts').select('id').where('pending_phone', '=', phone).where('status', '<>', 'revoked').where('pin', '<>', pin).executeTakeFirst();
  if (pending) return true;
  const app = await db
    .selectFrom('eid_applications')
    .select('id')
    .where('phone', '=', phone)
    .where('status', 'in', ['received', 'verified', 'approved', 'activation_pending'])
    .where('pin', '<>', pin)
    .where('guardian_account_id', 'is', null)
    .executeTakeFirst();
  return app !== undefined;
}

/** The latest application of an account still awaiting activation. */
export async function pendingApplicationOfAccount(db: Db, accountId: number): Promise<ApplicationRow | undefined> {
  const r = await db.selectFrom('eid_applications').selectAll().where('account_id', '=', accountId).where('status', '=', 'activation_pending').orderBy('id', 'desc').executeTakeFirst();
  return r ? normApplication(r) : undefined;
}

export async function insertStep(db: Db, row: Omit<StepRow, 'id'>): Promise<void> {
  await db.insertInto('eid_application_steps').values(row).execute();
}

export async function stepsOf(db: Db, applicationId: number): Promise<StepRow[]> {
  const rows = await db.selectFrom('eid_application_steps').selectAll().where('application_id', '=', applicationId).orderBy('id').execute();
  return rows.map((r) => ({ ...num(r), application_id: Number(r.application_id) }));
}

/**
 * Moves an application from `from` to `to` (compare-and-set on the cached status); false when it
 * was no longer in `from` (someone else moved it first).
 */
export async function moveApplication(db: Db, id: number, from: ApplicationStatus, set: { status: ApplicationStatus; status_at: string; reason_code?: string | null; reason_note?: string | null; account_id?: number | null }): Promise<boolean> {
  const r = await db.updateTable('eid_applications').set(set).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertBiometrics(db: Db, rows: Omit<EidTables['eid_biometrics'], 'id'>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('eid_biometrics').values(rows).execute();
}

/** What is stored of an application's biometrics, without the sealed data. */
export async function biometricsOf(db: Db, applicationId: number): Promise<{ kind: string; position: number | null; media_type: string; byte_size: number; sha256: string }[]> {
  const rows = await db.selectFrom('eid_biometrics').select(['kind', 'position', 'media_type', 'byte_size', 'sha256']).where('application_id', '=', applicationId).orderBy('id').execute();
  return rows.map((r) => ({ ...r, position: r.position === null ? null : Number(r.position), byte_size: Number(r.byte_size) }));
}

/**
 * The sealed face image (level 1) or, failing that, the portrait (level 2) of an application, or
 * undefined when neither is stored. Fingerprint templates are never selected here.
 */
export async function sealedImageOf(db: Db, applicationId: number): Promise<{ kind: 'face' | 'portrait'; media_type: string; byte_size: number; sha256: string; sealed: string } | undefined> {
  const rows = await db.selectFrom('eid_biometrics').select(['kind', 'media_type', 'byte_size', 'sha256', 'sealed']).where('application_id', '=', applicationId).where('kind', 'in', ['face', 'portrait']).orderBy('id').execute();
  const row = rows.find((r) => r.kind === 'face') ?? rows.find((r) => r.kind === 'portrait');
  return row ? { ...row, kind: row.kind as 'face' | 'portrait', byte_size: Number(row.byte_size) } : undefined;
}

export interface QueueFilter {
  /** Reader's unit through time (null: everywhere). */
  area: readonly { code: string; validFrom: string; validUntil: string | null }[] | null;
  commune?: string;
  status?: ApplicationStatus;
  level?: number;
  channel?: Channel;
  campaignId?: string;
}

function scopeColumn(code: string): 'scope_province' | 'scope_district' | 'scope_commune' {
  return code.length === 2 ? 'scope_province' : code.length === 3 ? 'scope_district' : 'scope_commune';
}

function filtered(db: Db, f: Omit<QueueFilter, 'status'>) {
  let q = db.selectFrom('eid_applications');
  if (f.area) {
    const area = f.area;
    q = q.where((eb) =>
      area.length === 0
        ? sql<boolean>`1 = 0`
        : eb.or(area.map((a) => eb.and([eb(scopeColumn(a.code), '=', a.code), eb('unit_date', '>=', a.validFrom), eb('unit_date', '<=', a.validUntil ?? '9999-12-31')]))),
    );
  }
  if (f.commune) q = q.where(scopeColumn(f.commune), '=', f.commune);
  if (f.level) q = q.where('level', '=', f.level);
  if (f.channel) q = q.where('channel', '=', f.channel);
  if (f.campaignId) q = q.where('collection_campaign', '=', f.campaignId);
  return q;
}

/**
 * A page of the police queue, oldest first (by the time the application was received,
 * `created_at`, then id: ids need not follow receipt times, e.g. backdated paper applications),
 * with counts per status under the same filters.
 */
export async function queue(db: Db, f: QueueFilter, offset: number, limit: number): Promise<{ items: ApplicationRow[]; total: number; counts: Record<ApplicationStatus, number> }> {
  let page = filtered(db, f);
  if (f.status) page = page.where('status', '=', f.status);
  const [rows, counts] = await Promise.all([
    page.selectAll().orderBy('created_at').orderBy('id').offset(offset).limit(limit).execute(),
    filtered(db, f).select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute(),
  ]);
  const byStatus = Object.fromEntries(APPLICATION_STATUSES.map((s) => [s, 0])) as Record<ApplicationStatus, number>;
  for (const c of counts) byStatus[c.status] = Number(c.n);
  const total = f.status ? byStatus[f.status] : Object.values(byStatus).reduce((a, b) => a + b, 0);
  return { items: rows.map(normApplication), total, counts: byStatus };
}

/** Applications per collection campaign id and status (for the desk module's campaign reports). */
export async function countsByCampaign(db: Db, campaignIds: readonly string[]): Promise<{ campaign: string; status: ApplicationStatus; level: number; n: number }[]> {
  if (campaignIds.length === 0) return [];
  const rows = await db
    .selectFrom('eid_applications')
    .select(['collection_campaign', 'status', 'level', (eb) => eb.fn.countAll<number>().as('n')])
    .where('collection_campaign', 'in', [...campaignIds])
    .groupBy(['collection_campaign', 'status', 'level'])
    .execute();
  return rows.map((r) => ({ campaign: r.collection_campaign!, status: r.status, level: Number(r.level), n: Number(r.n) }));
}

// --- accounts -------------------------------------------------------------------------------------

export type AccountRow = Omit<EidTables['eid_accounts'], 'id'> & { id: number };

function normAccount(r: Omit<EidTables['eid_accounts'], 'id'> & { id: unknown }): AccountRow {
  return {
    ...num(r),
    level: Number(r.level),
    pending_level: r.pending_level === null ? null : Number(r.pending_level),
    guardian_account_id: r.guardian_account_id === null ? null : Number(r.guardian_account_id),
    totp_last_step: r.totp_last_step === null ? null : Number(r.totp_last_step),
    application_id: Number(r.application_id),
  };
}

export async function insertAccount(db: Db, row: Omit<AccountRow, 'id'>): Promise<number> {
  const r = await db.insertInto('eid_accounts').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/**
 * The account of a sign-in, by the partial index `eid_accounts_live_pin`. 'revoked' is written in
 * the text, not bound: SQLite matches a bound value against the partial index's `status <>
 * 'revoked'` only by compiling the statement again for each new value (three times the cost of
 * the read), and the query builder binds every value.
 */
const LIVE_ACCOUNT_OF_PIN = statementText(`select * from eid_accounts where "pin" = ? and "status" <> 'revoked'`);

/** The live (not revoked) account of a number. */
export async function liveAccountOf(db: Db, pin: string): Promise<AccountRow | undefined> {
  const [r] = await runStatement<EidTables['eid_accounts'] & { id: number }>(db, LIVE_ACCOUNT_OF_PIN, [pin]);
  return r ? normAccount(r) : undefined;
}

const SIGN_IN_ACCOUNT_OF_PIN = statementText(
  `select a.*, p."full_name" as "applicant_name" from eid_accounts a left join eid_applications p on p."id" = a."application_id" where a."pin" = ? and a."status" <> 'revoked'`,
);

/**
 * What a sign-in reads of a number in one statement: its live account, as {@link liveAccountOf},
 * with the full name on the application that made it (the name the sign-in's answer shows, see
 * {@link applicantNameOf}); undefined when there is no live account.
 */
export async function signInAccountOf(db: Db, pin: string): Promise<{ account: AccountRow; applicantName: string | undefined } | undefined> {
  const [r] = await runStatement<EidTables['eid_accounts'] & { id: number; applicant_name: string | null }>(db, SIGN_IN_ACCOUNT_OF_PIN, [pin]);
  if (!r) return undefined;
  const { applicant_name, ...account } = r;
  return { account: normAccount(account), applicantName: applicant_name ?? undefined };
}

const REHASH_PASSWORD = statementText('update eid_accounts set "password_hash" = ?, "updated_at" = ? where "id" = ? and "password_hash" = ? returning "id"');

/**
 * Replaces an account's password hash with `next`, a hash of the same password at the current
 * Argon2id parameters, if it still holds `previous` (compare-and-set: a password changed meanwhile
 * stays). False when it did not.
 */
export async function rehashPassword(db: Db, id: number, previous: string, next: string, now: string): Promise<boolean> {
  return (await runStatement(db, REHASH_PASSWORD, [next, now, id, previous])).length === 1;
}

export async function accountById(db: Db, id: number): Promise<AccountRow | undefined> {
  const r = await db.selectFrom('eid_accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? normAccount(r) : undefined;
}

export async function dependantsOf(db: Db, guardianId: number): Promise<AccountRow[]> {
  const rows = await db.selectFrom('eid_accounts').selectAll().where('guardian_account_id', '=', guardianId).where('status', '<>', 'revoked').orderBy('id').execute();
  return rows.map(normAccount);
}

/** Updates an account, optionally only while it has status `when` (compare-and-set); false when nothing changed. */
export async function updateAccount(db: Db, id: number, set: Partial<Omit<AccountRow, 'id'>>, when?: AccountStatus | AccountStatus[]): Promise<boolean> {
  let q = db.updateTable('eid_accounts').set(set).where('id', '=', id);
  if (when) q = q.where('status', 'in', Array.isArray(when) ? when : [when]);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records the last accepted TOTP step if it is still `expected` (compare-and-set); false when another sign-in took it. */
export async function setTotpStep(db: Db, id: number, expected: number | null, step: number): Promise<boolean> {
  const r = await db
    .updateTable('eid_accounts')
    .set({ totp_last_step: step })
    .where('id', '=', id)
    .where((eb) => (expected === null ? eb('totp_last_step', 'is', null) : eb('totp_last_step', '=', expected)))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Accounts that may need an automatic lock or unlock, by id, `limit` at a time after `afterId`. */
export async function accountsForSweep(db: Db, afterId: number, limit: number): Promise<AccountRow[]> {
  const rows = await db.selectFrom('eid_accounts').selectAll().where('status', 'in', ['active', 'locked', 'activation_pending']).where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map(normAccount);
}

export async function insertAccountEvent(db: Db, row: Omit<EidTables['eid_account_events'], 'id'>): Promise<void> {
  await db.insertInto('eid_account_events').values(row).execute();
}

export async function accountEventsOf(db: Db, accountId: number): Promise<Omit<EidTables['eid_account_events'], 'id'>[]> {
  return db.selectFrom('eid_account_events').select(['account_id', 'action', 'at', 'actor_kind', 'actor_id', 'reason', 'detail']).where('account_id', '=', accountId).orderBy('id').execute();
}

// --- one-time codes -------------------------------------------------------------------------------

export type CodeRow = Omit<EidTables['eid_codes'], 'id'> & { id: number };

export async function insertCode(db: Db, row: Omit<CodeRow, 'id'>): Promise<number> {
  const r = await db.insertInto('eid_codes').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Voids every unused code of an account for a purpose (a new code replaces them). */
export async function voidCodes(db: Db, accountId: number, purpose: string, now: string): Promise<void> {
  await db.updateTable('eid_codes').set({ voided_at: now }).where('account_id', '=', accountId).where('purpose', '=', purpose).where('used_at', 'is', null).where('voided_at', 'is', null).execute();
}

/** The latest codes of an account for a purpose, newest first. */
export async function recentCodes(db: Db, accountId: number, purpose: string, limit = 10): Promise<CodeRow[]> {
  const rows = await db.selectFrom('eid_codes').selectAll().where('account_id', '=', accountId).where('purpose', '=', purpose).orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ ...num(r), account_id: Number(r.account_id), attempts: Number(r.attempts) }));
}

/**
 * Counts one wrong try on an unused code in one statement (`attempts = attempts + 1`), so tries
 * made at the same time, on one app copy or several, all count; false when the code already had
 * `max` wrong tries (it is dead) or was used meanwhile.
 */
export async function countCodeAttempt(db: Db, id: number, max: number): Promise<boolean> {
  const r = await db.updateTable('eid_codes').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id', '=', id).where('attempts', '<', max).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Marks a code used; false when it was used or voided meanwhile (a replay racing the first use) or
 * reached `maxAttempts` wrong tries meanwhile (tries counted at the same time elsewhere).
 */
export async function useCode(db: Db, id: number, now: string, maxAttempts: number): Promise<boolean> {
  const r = await db.updateTable('eid_codes').set({ used_at: now }).where('id', '=', id).where('used_at', 'is', null).where('voided_at', 'is', null).where('attempts', '<', maxAttempts).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// --- sessions and usage ---------------------------------------------------------------------------

export type SessionRow = EidTables['eid_sessions'];

/*
 * The statements of a sign-in's transaction (end the account's other sessions, open one, write the
 * usage entry) are written once here and run without the query builder: in a CPU profile of the
 * server under `npm run bench -- eid-signin`, building and compiling a sign-in's queries took more
 * time than SQLite spent running them.
 */
const SESSION_COLUMNS = ['id', 'token_hash', 'account_id', 'created_at', 'expires_at', 'revoked_at', 'revoke_reason', 'source_ip', 'device', 'amr'] as const satisfies readonly (keyof SessionRow)[];
const USAGE_COLUMNS = ['account_id', 'at', 'action', 'source_ip', 'device', 'session_id', 'detail'] as const satisfies readonly (keyof EidTables['eid_usage'])[];
const insertText = (table: string, columns: readonly string[]) => statementText(`insert into ${table} (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`);
const INSERT_SESSION = insertText('eid_sessions', SESSION_COLUMNS);
const INSERT_USAGE = insertText('eid_usage', USAGE_COLUMNS);
/** The texts of {@link revokeSessions}, indexed by `(keep ? 1 : 0) + (only ? 2 : 0)`. */
const REVOKE = [
  '',
  ' and "id" <> ?',
  ' and "id" = ?',
  ' and "id" <> ? and "id" = ?',
].map((extra) => statementText(`update eid_sessions set "revoked_at" = ?, "revoke_reason" = ? where "account_id" = ? and "revoked_at" is null and "expires_at" > ?${extra} returning "id"`));

export async function insertSession(db: Db, row: SessionRow): Promise<void> {
  await runStatement(db, INSERT_SESSION, SESSION_COLUMNS.map((c) => row[c]));
}

/** The live session of a token hash with its account (active accounts only). */
export async function liveSession(db: Db, tokenHash: string, now: string): Promise<{ session: SessionRow; account: AccountRow } | undefined> {
  const r = await db
    .selectFrom('eid_sessions as s')
    .innerJoin('eid_accounts as a', 'a.id', 's.account_id')
    .selectAll('a')
    .select(['s.id as session_id', 's.created_at as session_created_at', 's.expires_at as session_expires_at', 's.source_ip as session_ip', 's.device as session_device', 's.amr as session_amr'])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', now)
    .where('s.revoked_at', 'is', null)
    .where('a.status', '=', 'active')
    .executeTakeFirst();
  if (!r) return undefined;
  const { session_id, session_created_at, session_expires_at, session_ip, session_device, session_amr, ...account } = r;
  return {
    session: { id: session_id, token_hash: tokenHash, account_id: Number(account.id), created_at: session_created_at, expires_at: session_expires_at, revoked_at: null, revoke_reason: null, source_ip: session_ip, device: session_device, amr: session_amr },
    account: normAccount(account),
  };
}

/** Live sessions of an account, newest first. */
export async function liveSessionsOf(db: Db, accountId: number, now: string): Promise<SessionRow[]> {
  const rows = await db.selectFrom('eid_sessions').selectAll().where('account_id', '=', accountId).where('revoked_at', 'is', null).where('expires_at', '>', now).orderBy('created_at', 'desc').execute();
  return rows.map((r) => ({ ...r, account_id: Number(r.account_id) }));
}

/** Ends sessions of an account (all, or all but `keep`, or only `only`); answers the ids ended. */
export async function revokeSessions(db: Db, accountId: number, now: string, reason: string, opts: { keep?: string; only?: string } = {}): Promise<string[]> {
  const parameters: unknown[] = [now, reason, accountId, now];
  if (opts.keep) parameters.push(opts.keep);
  if (opts.only) parameters.push(opts.only);
  const rows = await runStatement<{ id: string }>(db, REVOKE[(opts.keep ? 1 : 0) + (opts.only ? 2 : 0)]!, parameters);
  return rows.map((r) => r.id);
}

export async function insertUsage(db: Db, row: Omit<EidTables['eid_usage'], 'id'>): Promise<void> {
  await runStatement(db, INSERT_USAGE, USAGE_COLUMNS.map((c) => row[c]));
}

export async function usageOf(db: Db, accountId: number, offset: number, limit: number): Promise<{ items: Omit<EidTables['eid_usage'], 'id' | 'account_id'>[]; total: number }> {
  const [items, count] = await Promise.all([
    db.selectFrom('eid_usage').select(['at', 'action', 'source_ip', 'device', 'session_id', 'detail']).where('account_id', '=', accountId).orderBy('at', 'desc').orderBy('id', 'desc').offset(offset).limit(limit).execute(),
    db.selectFrom('eid_usage').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

/** Whether the account's usage history already holds `action` from session `sessionId` (one line a session for repeated views). */
export async function usageInSession(db: Db, accountId: number, sessionId: string, action: string): Promise<boolean> {
  const row = await db.selectFrom('eid_usage').select('id').where('account_id', '=', accountId).where('session_id', '=', sessionId).where('action', '=', action).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Deletes usage entries older than `before` (ISO instant); answers how many. */
export async function purgeUsage(db: Db, before: string): Promise<number> {
  const r = await db.deleteFrom('eid_usage').where('at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** True for a unique-constraint violation (PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_UNIQUE). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

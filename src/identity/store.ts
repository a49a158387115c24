/**
 * SQL of the identity module: staff accounts and their sessions (session tokens are stored only as
 * SHA-256 hashes, so a copy of the database does not hand out sessions), and the staff's second
 * factor (TOTP secrets sealed under the data key, the enrolment token only as its SHA-256 hash).
 */
import type { Generated, Kysely, Migration } from 'kysely';
import { withIdColumn } from '../platform/db/migrations.js';
import type { SealedColumn } from '../platform/keys.js';

export interface IdentityTables {
  staff_accounts: {
    id: Generated<number>;
    username: string;
    display_name: string;
    password_hash: string;
    role: string;
    unit_code: string | null;
    /** The date the unit code refers to (codes change meaning across the 2025 reform). */
    unit_date: string | null;
    disabled: number;
    created_at: string;
    /** The confirmed TOTP secret, sealed (context {@link staffTotpContext}); null: no second factor yet. */
    totp_secret: string | null;
    /** The last time step a code was accepted for (RFC 6238 §5.2: each code once). */
    totp_last_step: number | null;
    /** A secret shown at sign-in and not yet confirmed with a code, sealed like `totp_secret`. */
    totp_pending: string | null;
    /** SHA-256 (hex) of the enrolment token that confirms `totp_pending`. */
    totp_pending_token: string | null;
    /** UTC instant the pending enrolment ends, ISO 8601. */
    totp_pending_expires_at: string | null;
  };
  staff_sessions: {
    token_hash: string;
    staff_id: number;
    created_at: string;
    expires_at: string;
    revoked_at: string | null;
    source_ip: string | null;
  };
}

type Db = Kysely<IdentityTables>;

export const identityMigrations: Record<string, Migration> = {
  '0200_identity_staff': {
    async up(db: Kysely<any>) {
      await withIdColumn(db, db.schema.createTable('staff_accounts'))
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('unit_code', 'text')
        .addColumn('unit_date', 'text')
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('staff_sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('staff_id', 'bigint', (c) => c.notNull().references('staff_accounts.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('source_ip', 'text')
        .execute();
      await db.schema.createIndex('staff_sessions_staff').on('staff_sessions').column('staff_id').execute();
    },
  },
  // Numbered after every migration before it: Kysely refuses a new migration whose name sorts
  // before one a database has already applied.
  '0900_identity_staff_totp': {
    async up(db: Kysely<any>) {
      // SQLite adds one column per statement.
      for (const [column, type] of [
        ['totp_secret', 'text'],
        ['totp_last_step', 'bigint'],
        ['totp_pending', 'text'],
        ['totp_pending_token', 'text'],
        ['totp_pending_expires_at', 'text'],
      ] as const) {
        await db.schema.alterTable('staff_accounts').addColumn(column, type).execute();
      }
      await db.schema.createIndex('staff_accounts_totp_pending_token').unique().on('staff_accounts').column('totp_pending_token').execute();
    },
  },
};

/** The context a staff account's TOTP secret (confirmed or pending) is sealed with. */
export function staffTotpContext(staffId: number): string {
  return `staff_accounts:${staffId}:totp`;
}

/** The sealed columns of the staff tables, for `motcua keys rotate` (src/platform/keys.ts). */
export const staffSealedColumns: SealedColumn[] = [
  { table: 'staff_accounts', key: 'id', column: 'totp_secret', context: (r) => staffTotpContext(Number(r.id)) },
  { table: 'staff_accounts', key: 'id', column: 'totp_pending', context: (r) => staffTotpContext(Number(r.id)) },
];

export type StaffRow = Omit<IdentityTables['staff_accounts'], 'id'> & { id: number };

export async function insertStaff(db: Db, row: Omit<StaffRow, 'id'>): Promise<number> {
  const r = await db.insertInto('staff_accounts').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/** A row as read, with PostgreSQL's bigints (returned as text) made numbers. */
function normStaff<R extends { id: number | string; totp_last_step: number | string | null }>(r: R): R & { id: number; totp_last_step: number | null } {
  return { ...r, id: Number(r.id), totp_last_step: r.totp_last_step === null ? null : Number(r.totp_last_step) };
}

export async function staffByUsername(db: Db, username: string): Promise<StaffRow | undefined> {
  const r = await db.selectFrom('staff_accounts').selectAll().where('username', '=', username).executeTakeFirst();
  return r ? normStaff(r) : undefined;
}

/** The account whose pending TOTP enrolment has the token hash `tokenHash`, if any. */
export async function staffByEnrolmentToken(db: Db, tokenHash: string): Promise<StaffRow | undefined> {
  const r = await db.selectFrom('staff_accounts').selectAll().where('totp_pending_token', '=', tokenHash).executeTakeFirst();
  return r ? normStaff(r) : undefined;
}

/** Keeps a new pending enrolment (replacing any earlier one) while the account has no second factor; false otherwise. */
export async function setStaffTotpPending(db: Db, id: number, sealed: string, tokenHash: string, expiresAt: string): Promise<boolean> {
  const r = await db
    .updateTable('staff_accounts')
    .set({ totp_pending: sealed, totp_pending_token: tokenHash, totp_pending_expires_at: expiresAt })
    .where('id', '=', id)
    .where('totp_secret', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Makes the pending secret of the enrolment `tokenHash` the account's second factor, with `step`
 * as the last code used, if that enrolment is still the pending one (compare-and-set: a token
 * confirms once); false otherwise.
 */
export async function confirmStaffTotpPending(db: Db, id: number, tokenHash: string, step: number): Promise<boolean> {
  const r = await db
    .updateTable('staff_accounts')
    .set((eb) => ({ totp_secret: eb.ref('totp_pending'), totp_last_step: step, totp_pending: null, totp_pending_token: null, totp_pending_expires_at: null }))
    .where('id', '=', id)
    .where('totp_pending_token', '=', tokenHash)
    .where('totp_secret', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records the last accepted TOTP step if it is still `expected` (compare-and-set); false when another sign-in took it. */
export async function setStaffTotpStep(db: Db, id: number, expected: number | null, step: number): Promise<boolean> {
  const r = await db
    .updateTable('staff_accounts')
    .set({ totp_last_step: step })
    .where('id', '=', id)
    .where((eb) => (expected === null ? eb('totp_last_step', 'is', null) : eb('totp_last_step', '=', expected)))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Removes an account's second factor and any pending enrolment (a lost phone); false when there is no such account. */
export async function clearStaffTotp(db: Db, username: string): Promise<boolean> {
  const r = await db
    .updateTable('staff_accounts')
    .set({ totp_secret: null, totp_last_step: null, totp_pending: null, totp_pending_token: null, totp_pending_expires_at: null })
    .where('username', '=', username)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function countStaff(db: Db): Promise<number> {
  const r = await db.selectFrom('staff_accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertSession(db: Db, row: IdentityTables['staff_sessions']): Promise<void> {
  await db.insertInto('staff_sessions').values(row).execute();
}

/** The live session of a token hash with its account (and the session's expiry), if not expired, revoked or disabled. */
export async function liveSession(db: Db, tokenHash: string, now: string): Promise<(StaffRow & { expires_at: string }) | undefined> {
  const r = await db
    .selectFrom('staff_sessions as s')
    .innerJoin('staff_accounts as a', 'a.id', 's.staff_id')
    .selectAll('a')
    .select('s.expires_at')
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', now)
    .where('s.revoked_at', 'is', null)
    .where('a.disabled', '=', 0)
    .executeTakeFirst();
  return r ? normStaff(r) : undefined;
}

/** Ends the session of a token hash; true when a session was still open. */
export async function revokeSession(db: Db, tokenHash: string, now: string): Promise<boolean> {
  const r = await db.updateTable('staff_sessions').set({ revoked_at: now }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Removes sessions that ended more than a day ago. */
export async function purgeSessions(db: Db, before: string): Promise<void> {
  await db.deleteFrom('staff_sessions').where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)])).execute();
}

export async function setPassword(db: Db, username: string, passwordHash: string): Promise<boolean> {
  const r = await db.updateTable('staff_accounts').set({ password_hash: passwordHash }).where('username', '=', username).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Ends every session of an account (after a password change). */
export async function revokeAllSessions(db: Db, staffId: number, now: string): Promise<void> {
  await db.updateTable('staff_sessions').set({ revoked_at: now }).where('staff_id', '=', staffId).where('revoked_at', 'is', null).execute();
}

/**
 * SQL of the identity module: staff accounts and their sessions (session tokens are stored only as
 * SHA-256 hashes, so a copy of the database does not hand out sessions).
 */
import type { Generated, Kysely, Migration } from 'kysely';
import { withIdColumn } from '../platform/db/migrations.js';

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
};

export type StaffRow = Omit<IdentityTables['staff_accounts'], 'id'> & { id: number };

export async function insertStaff(db: Db, row: Omit<StaffRow, 'id'>): Promise<number> {
  const r = await db.insertInto('staff_accounts').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function staffByUsername(db: Db, username: string): Promise<StaffRow | undefined> {
  const r = await db.selectFrom('staff_accounts').selectAll().where('username', '=', username).executeTakeFirst();
  return r ? { ...r, id: Number(r.id) } : undefined;
}

export async function countStaff(db: Db): Promise<number> {
  const r = await db.selectFrom('staff_accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertSession(db: Db, row: IdentityTables['staff_sessions']): Promise<void> {
  await db.insertInto('staff_sessions').values(row).execute();
}

/** The live session of a token hash with its account, if not expired, revoked or disabled. */
export async function liveSession(db: Db, tokenHash: string, now: string): Promise<StaffRow | undefined> {
  const r = await db
    .selectFrom('staff_sessions as s')
    .innerJoin('staff_accounts as a', 'a.id', 's.staff_id')
    .selectAll('a')
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', now)
    .where('s.revoked_at', 'is', null)
    .where('a.disabled', '=', 0)
    .executeTakeFirst();
  return r ? { ...r, id: Number(r.id) } : undefined;
}

export async function revokeSession(db: Db, tokenHash: string, now: string): Promise<void> {
  await db.updateTable('staff_sessions').set({ revoked_at: now }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).execute();
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

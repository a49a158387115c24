/**
 * Storage of the portal module: one-time sign-in handoffs (`portal_handoffs`). A handoff carries a
 * freshly opened e-ID session from the sign-on callback (a top-level navigation, which cannot hand
 * a bearer token to the page's script) to the page, which claims it once with its code. The row
 * keeps only the SHA-256 of the code and the session sealed under the data key; it lives
 * {@link HANDOFF_SECONDS} seconds and is deleted when claimed.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const HANDOFF_SECONDS = 120;

export interface PortalTables {
  portal_handoffs: {
    code_hash: string;
    /** {token, expiresAt, idToken} sealed under the data key, context `portal-handoff:<code_hash>`. */
    sealed: string;
    created_at: string;
    expires_at: string;
  };
}

export type Db = Kysely<PortalTables>;

export const portalMigrations: Record<string, Migration> = {
  '1000_portal_handoffs': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('portal_handoffs')
        .addColumn('code_hash', 'text', (c) => c.primaryKey())
        .addColumn('sealed', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull().check(sql`expires_at > created_at`))
        .execute();
      await db.schema.createIndex('portal_handoffs_expires').on('portal_handoffs').column('expires_at').execute();
    },
  },
};

/** Stores a handoff and drops the expired ones (there are few: each lives two minutes). */
export async function insertHandoff(db: Db, row: PortalTables['portal_handoffs'], now: string): Promise<void> {
  await db.deleteFrom('portal_handoffs').where('expires_at', '<=', now).execute();
  await db.insertInto('portal_handoffs').values(row).execute();
}

/** Takes a live handoff out (delete … returning: two claims of one code cannot both get it). */
export async function takeHandoff(db: Db, codeHash: string, now: string): Promise<PortalTables['portal_handoffs'] | undefined> {
  const row = await db.deleteFrom('portal_handoffs').where('code_hash', '=', codeHash).returningAll().executeTakeFirst();
  return row && row.expires_at > now ? row : undefined;
}

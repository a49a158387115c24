/**
 * One migration set for both engines. Each module exports its migrations as a record whose keys
 * sort in the order they must run (`0001_platform_audit`, `0100_units`, …); the composition root
 * merges them and {@link migrateToLatest} applies what is pending, at start and by `motcua migrate`.
 * Kysely records applied migrations in `kysely_migration` and takes a lock, so several app
 * copies starting together apply each migration once.
 */
import { Migrator, sql, type Kysely, type Migration, type ColumnDefinitionBuilder, type CreateTableBuilder } from 'kysely';
import { isPostgres, type Database } from './database.js';

export type Migrations = Record<string, Migration>;

export interface MigrationOutcome {
  applied: string[];
}

/**
 * Kysely looks for its bookkeeping tables in every schema unless told which: on a PostgreSQL
 * database with several schemas (another app, a test) it would find another schema's and skip
 * creating its own. It is told the connection's current schema.
 */
async function migrator(db: Database, migrations: Migrations): Promise<Migrator> {
  let migrationTableSchema: string | undefined;
  if (db.engine === 'postgres') {
    const r = await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely);
    migrationTableSchema = r.rows[0]?.schema;
  }
  // Each module numbers its own migrations (`0500_services_catalog`, `0501_…`): a module's new
  // migration sorts before other modules' applied ones, and is applied all the same.
  return new Migrator({ db: db.kysely, provider: { getMigrations: async () => migrations }, migrationTableSchema, allowUnorderedMigrations: true });
}

/** Applies every pending migration; throws the first migration error (nothing half-applied on PostgreSQL). */
export async function migrateToLatest(db: Database, migrations: Migrations): Promise<MigrationOutcome> {
  const { error, results } = await (await migrator(db, migrations)).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/** Names of migrations not yet applied (empty when the schema is current). */
export async function pendingMigrations(db: Database, migrations: Migrations): Promise<string[]> {
  const all = await (await migrator(db, migrations)).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** Adds an auto-increment integer primary key `id` in the engine's own way. */
export function withIdColumn<T extends string>(db: Kysely<any>, table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'> {
  return isPostgres(db)
    ? table.addColumn('id', 'bigint', (c: ColumnDefinitionBuilder) => c.generatedByDefaultAsIdentity().primaryKey())
    : table.addColumn('id', 'integer', (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement());
}

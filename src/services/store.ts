/**
 * SQL of the services module. Tables:
 * - `services`: one row per procedure code, the head of its versions: `current_version`, and the
 *   columns lists filter and sort on (sector, essential number, kind, folded name);
 * - `service_versions`: every version of every entry, never changed once written; `data` is the
 *   entry as JSON (text), `builtin_hash` the hash of the built-in definition it came from (null for
 *   an administrator's edit) so a newer release's catalog reaches entries nobody edited;
 * - `service_deployments`: periods during which a unit offers a service (triển khai): deployed on D
 *   when `from_date <= D` and (`until_date` null or `D < until_date`);
 * - `services_revision`: one row, raised by every write to the three tables above (in the writing
 *   transaction), so that caches of the catalog in every app copy notice changes (src/services/cache.ts).
 */
import { sql, type Generated, type Kysely, type Migration } from 'kysely';
import { withIdColumn } from '../platform/db/migrations.js';

export interface ServicesTables {
  services: {
    code: string;
    current_version: number;
    kind: string;
    sector: string;
    essential_no: number | null;
    name_folded: string;
    sort_key: string;
    updated_at: string;
  };
  service_versions: {
    code: string;
    version: number;
    data: string;
    builtin_hash: string | null;
    created_at: string;
    created_by: string;
  };
  service_deployments: {
    id: Generated<number>;
    service_code: string;
    unit_code: string;
    from_date: string;
    until_date: string | null;
    created_at: string;
    created_by: string;
    ended_at: string | null;
    ended_by: string | null;
  };
  services_revision: { id: number; revision: number };
}

export type ServicesDb = Kysely<ServicesTables>;

export const servicesMigrations: Record<string, Migration> = {
  '0500_services_catalog': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('services')
        .addColumn('code', 'text', (c) => c.primaryKey())
        .addColumn('current_version', 'integer', (c) => c.notNull().check(sql`current_version >= 1`))
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('procedure','bundle')`))
        .addColumn('sector', 'text', (c) => c.notNull())
        .addColumn('essential_no', 'integer')
        .addColumn('name_folded', 'text', (c) => c.notNull())
        .addColumn('sort_key', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('services_sector').on('services').columns(['sector', 'sort_key']).execute();
      await db.schema
        .createTable('service_versions')
        .addColumn('code', 'text', (c) => c.notNull().references('services.code'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('builtin_hash', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('service_versions_pk', ['code', 'version'])
        .execute();
      await withIdColumn(db, db.schema.createTable('service_deployments'))
        .addColumn('service_code', 'text', (c) => c.notNull().references('services.code'))
        .addColumn('unit_code', 'text', (c) => c.notNull())
        .addColumn('from_date', 'text', (c) => c.notNull())
        .addColumn('until_date', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .addColumn('ended_by', 'text')
        .addCheckConstraint('service_deployments_period', sql`until_date is null or until_date > from_date`)
        .execute();
      await db.schema.createIndex('service_deployments_unit').on('service_deployments').columns(['unit_code', 'service_code']).execute();
      await db.schema.createIndex('service_deployments_service').on('service_deployments').columns(['service_code', 'unit_code']).execute();
    },
  },
  '0501_services_revision': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('services_revision')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('revision', 'bigint', (c) => c.notNull())
        .execute();
      await db.insertInto('services_revision').values({ id: 1, revision: 0 }).execute();
    },
  },
};

/** The catalog's revision: raised by every write to entries and deployments, so caches of other app copies notice changes. */
export async function catalogRevision(db: ServicesDb): Promise<number> {
  const r = await db.selectFrom('services_revision').select('revision').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(r.revision);
}

/** Raises the catalog's revision (inside the writing transaction). */
export async function bumpCatalogRevision(db: ServicesDb): Promise<void> {
  await db.updateTable('services_revision').set({ revision: sql`revision + 1` }).where('id', '=', 1).execute();
}

export interface VersionRow {
  code: string;
  version: number;
  data: string;
  builtin_hash: string | null;
  created_at: string;
  created_by: string;
}

export async function readCurrentVersion(db: ServicesDb, code: string): Promise<VersionRow | undefined> {
  return db
    .selectFrom('services as s')
    .innerJoin('service_versions as v', (j) => j.onRef('v.code', '=', 's.code').onRef('v.version', '=', 's.current_version'))
    .select(['v.code', 'v.version', 'v.data', 'v.builtin_hash', 'v.created_at', 'v.created_by'])
    .where('s.code', '=', code)
    .executeTakeFirst();
}

export async function readVersion(db: ServicesDb, code: string, version: number): Promise<VersionRow | undefined> {
  return db.selectFrom('service_versions').selectAll().where('code', '=', code).where('version', '=', version).executeTakeFirst();
}

export async function listVersionNumbers(db: ServicesDb, code: string): Promise<{ version: number; created_at: string; created_by: string }[]> {
  return db.selectFrom('service_versions').select(['version', 'created_at', 'created_by']).where('code', '=', code).orderBy('version').execute();
}

export interface HeadRow {
  code: string;
  current_version: number;
  kind: string;
  sector: string;
  essential_no: number | null;
  name_folded: string;
  sort_key: string;
  updated_at: string;
}

/** Inserts version 1 and its head row. */
export async function insertFirstVersion(db: ServicesDb, head: HeadRow, row: VersionRow): Promise<void> {
  await db.insertInto('services').values(head).execute();
  await db.insertInto('service_versions').values(row).execute();
}

/**
 * Appends version `row.version` and moves the head to it, only if the head is still at
 * `row.version - 1`; false when someone else moved it first (nothing written then).
 */
export async function appendVersion(db: ServicesDb, head: HeadRow, row: VersionRow): Promise<boolean> {
  const moved = await db
    .updateTable('services')
    .set({ current_version: row.version, kind: head.kind, sector: head.sector, essential_no: head.essential_no, name_folded: head.name_folded, sort_key: head.sort_key, updated_at: head.updated_at })
    .where('code', '=', row.code)
    .where('current_version', '=', row.version - 1)
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) return false;
  await db.insertInto('service_versions').values(row).execute();
  return true;
}

export interface ListFilter {
  sector?: string;
  kind?: string;
  essentialOnly?: boolean;
  /** Only services deployed at one of these units on `onDate`. */
  deployedAt?: { unitCodes: readonly string[]; onDate: string };
  q?: string;
  offset: number;
  limit: number;
}

export async function listCurrent(db: ServicesDb, f: ListFilter): Promise<{ rows: VersionRow[]; total: number }> {
  let base = db.selectFrom('services as s');
  if (f.sector) base = base.where('s.sector', '=', f.sector);
  if (f.kind) base = base.where('s.kind', '=', f.kind);
  if (f.essentialOnly) base = base.where('s.essential_no', 'is not', null);
  if (f.q) base = base.where('s.name_folded', 'like', `%${f.q.replace(/[%_\\]/g, '')}%`);
  const dep = f.deployedAt;
  if (dep) {
    if (dep.unitCodes.length === 0) return { rows: [], total: 0 };
    base = base.where((eb) =>
      eb.exists(
        eb
          .selectFrom('service_deployments as d')
          .select('d.id')
          .whereRef('d.service_code', '=', 's.code')
          .where('d.unit_code', 'in', dep.unitCodes as string[])
          .where('d.from_date', '<=', dep.onDate)
          .where((w) => w.or([w('d.until_date', 'is', null), w('d.until_date', '>', dep.onDate)])),
      ),
    );
  }
  const totalRow = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await base
    .innerJoin('service_versions as v', (j) => j.onRef('v.code', '=', 's.code').onRef('v.version', '=', 's.current_version'))
    .select(['v.code', 'v.version', 'v.data', 'v.builtin_hash', 'v.created_at', 'v.created_by'])
    .orderBy(sql`case when s.essential_no is null then 1 else 0 end`)
    .orderBy('s.essential_no')
    .orderBy('s.sort_key')
    .orderBy('s.code')
    .offset(f.offset)
    .limit(f.limit)
    .execute();
  return { rows, total: Number(totalRow.n) };
}

export async function serviceExists(db: ServicesDb, code: string): Promise<boolean> {
  return (await db.selectFrom('services').select('code').where('code', '=', code).executeTakeFirst()) !== undefined;
}

export async function existingCodes(db: ServicesDb, codes: readonly string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db.selectFrom('services').select('code').where('code', 'in', codes as string[]).execute();
  return new Set(rows.map((r) => r.code));
}

export interface DeploymentRow {
  id: number;
  service_code: string;
  unit_code: string;
  from_date: string;
  until_date: string | null;
  created_at: string;
  created_by: string;
  ended_at: string | null;
  ended_by: string | null;
}

/** Deployment periods of a service at a unit, oldest first. */
export async function deploymentsOf(db: ServicesDb, code: string, unitCode: string): Promise<DeploymentRow[]> {
  return db.selectFrom('service_deployments').selectAll().where('service_code', '=', code).where('unit_code', '=', unitCode).orderBy('from_date').execute();
}

/** Deployment periods at the given units covering `onDate`. */
export async function deploymentsOn(db: ServicesDb, unitCodes: readonly string[], onDate: string, code?: string): Promise<DeploymentRow[]> {
  if (unitCodes.length === 0) return [];
  let q = db
    .selectFrom('service_deployments')
    .selectAll()
    .where('unit_code', 'in', unitCodes as string[])
    .where('from_date', '<=', onDate)
    .where((w) => w.or([w('until_date', 'is', null), w('until_date', '>', onDate)]));
  if (code !== undefined) q = q.where('service_code', '=', code);
  return q.orderBy('unit_code').orderBy('service_code').execute();
}

export async function insertDeployment(db: ServicesDb, row: Omit<DeploymentRow, 'id'>): Promise<void> {
  await db.insertInto('service_deployments').values(row).execute();
}

export async function updateDeployment(db: ServicesDb, id: number, set: Partial<Omit<DeploymentRow, 'id'>>): Promise<void> {
  await db.updateTable('service_deployments').set(set).where('id', '=', id).execute();
}

export async function deleteDeployment(db: ServicesDb, id: number): Promise<void> {
  await db.deleteFrom('service_deployments').where('id', '=', id).execute();
}

/** Codes and essential numbers of the essential services (`essential_no` not null). */
export async function essentialCodes(db: ServicesDb): Promise<{ code: string; essential_no: number }[]> {
  const rows = await db.selectFrom('services').select(['code', 'essential_no']).where('essential_no', 'is not', null).orderBy('essential_no').execute();
  return rows.map((r) => ({ code: r.code, essential_no: Number(r.essential_no) }));
}

export async function countServices(db: ServicesDb): Promise<number> {
  const r = await db.selectFrom('services').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

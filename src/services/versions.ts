/**
 * Catalog entries and their versions. Every change of an entry — by an administrator or by a
 * newer release's built-in catalog — appends a version; old versions stay readable, so a dossier
 * keeps the time limit, fee and form it was filed under (domain.md §3.5, "store the version of the
 * procedure on each dossier").
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recordAudit, type AuditActor } from '../platform/audit/audit.js';
import type { Database } from '../platform/db/database.js';
import { nowUtc } from '../platform/dates.js';
import { AppError, validationError, type FieldError } from '../platform/errors.js';
import { collationKey, foldForSearch, normalizeText } from '../platform/text.js';
import { formSchemaProblem } from './forms.js';
import { PREFILL_FIELDS, type ServiceDefinition, type ServiceVersion } from './model.js';
import { catalogChanged } from './cache.js';
import {
  appendVersion,
  bumpCatalogRevision,
  essentialCodes,
  existingCodes,
  insertFirstVersion,
  listCurrent,
  readCurrentVersion,
  readVersion,
  type HeadRow,
  type ListFilter,
  type ServicesDb,
  type ServicesTables,
  type VersionRow,
} from './store.js';

/** National portal codes (`1.004222`) or provisional codes (`P.000014`). */
export const SERVICE_CODE_RE = /^(?:[0-9]\.[0-9]{6}|P\.[0-9]{6})$/;

const SYSTEM_CATALOG = 'system:catalog';

function toVersion(row: VersionRow): ServiceVersion {
  return { ...(JSON.parse(row.data) as ServiceDefinition), version: Number(row.version), createdAt: row.created_at, createdBy: row.created_by };
}

function asDb(db: Kysely<any>): ServicesDb {
  return db as ServicesDb;
}

/** The entry in force now, or undefined for an unknown code. */
export async function currentServiceVersion(db: Kysely<any>, code: string): Promise<ServiceVersion | undefined> {
  const row = await readCurrentVersion(asDb(db), code);
  return row ? toVersion(row) : undefined;
}

/** One version of an entry (the one a dossier was filed under), or undefined. */
export async function serviceVersion(db: Kysely<any>, code: string, version: number): Promise<ServiceVersion | undefined> {
  const row = await readVersion(asDb(db), code, version);
  return row ? toVersion(row) : undefined;
}

/** As {@link currentServiceVersion} / {@link serviceVersion}, but SERVICE_NOT_FOUND / SERVICE_VERSION_NOT_FOUND (404) instead of undefined. */
export async function requireServiceVersion(db: Kysely<any>, code: string, version?: number): Promise<ServiceVersion> {
  if (version === undefined) {
    const s = await currentServiceVersion(db, code);
    if (!s) throw new AppError('SERVICE_NOT_FOUND', { code });
    return s;
  }
  const s = await serviceVersion(db, code, version);
  if (s) return s;
  if (!(await currentServiceVersion(db, code))) throw new AppError('SERVICE_NOT_FOUND', { code });
  throw new AppError('SERVICE_VERSION_NOT_FOUND', { code, version });
}

export type ListServicesQuery = Omit<ListFilter, 'q'> & { q?: string };

/** Current versions matching the filter, essential services first (by their number), then by Vietnamese name. */
export async function listServices(db: Kysely<any>, query: ListServicesQuery): Promise<{ items: ServiceVersion[]; total: number }> {
  const { rows, total } = await listCurrent(asDb(db), { ...query, ...(query.q ? { q: foldForSearch(query.q) } : {}) });
  return { items: rows.map(toVersion), total };
}

/** The definition part of a version (what an edit compares and stores). */
export function definitionOf(v: ServiceDefinition): ServiceDefinition {
  return {
    code: v.code,
    provisionalCode: v.provisionalCode,
    kind: v.kind,
    essentialNo: v.essentialNo,
    nameVi: v.nameVi,
    nameEn: v.nameEn,
    sector: v.sector,
    agencyVi: v.agencyVi,
    agencyEn: v.agencyEn,
    agencyLevel: v.agencyLevel,
    onlineLevel: v.onlineLevel,
    processingDays: v.processingDays,
    cutoff: v.cutoff,
    fees: v.fees,
    requiredDocuments: v.requiredDocuments,
    formSchema: v.formSchema,
    hasForm: v.hasForm,
    requiredAssuranceLevel: v.requiredAssuranceLevel,
    prefill: v.prefill,
    members: v.members,
    resultVi: v.resultVi,
    resultEn: v.resultEn,
    legalBasis: v.legalBasis,
    notes: v.notes,
  };
}

/** Unicode NFC for every text a person reads. */
function normalized(d: ServiceDefinition): ServiceDefinition {
  const t = (s: string) => normalizeText(s);
  return definitionOf({
    ...d,
    provisionalCode: d.code.startsWith('P.'),
    nameVi: t(d.nameVi),
    nameEn: t(d.nameEn),
    agencyVi: t(d.agencyVi),
    agencyEn: t(d.agencyEn),
    fees: d.fees.map((f) => ({ label: t(f.label), amountVnd: f.amountVnd })),
    requiredDocuments: d.requiredDocuments.map((r) => ({ key: r.key, nameVi: t(r.nameVi), nameEn: t(r.nameEn), required: r.required })),
    resultVi: t(d.resultVi),
    resultEn: t(d.resultEn),
    legalBasis: d.legalBasis.map(t),
  });
}

/** The property schema at a slash path (`child/fullName`) of an object schema, if declared. */
function propertyAt(schema: Record<string, unknown>, path: string): unknown {
  let node: unknown = schema;
  for (const part of path.split('/')) {
    const props = (node as { properties?: Record<string, unknown> } | undefined)?.properties;
    if (!props || !(part in props)) return undefined;
    node = props[part];
  }
  return node;
}

/**
 * Everything wrong with a definition, as field errors (`body.<field>`), beyond its JSON shape
 * (checked by the route schema): code form, a compilable form schema, pre-fill targets that exist
 * in the form and name registry fields, bundle members that are existing procedures.
 */
export async function definitionProblems(db: Kysely<any>, d: ServiceDefinition): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  if (!SERVICE_CODE_RE.test(d.code)) errors.push({ field: 'body.code', code: 'SERVICE_CODE_FORMAT', params: { code: d.code } });
  const schemaProblem = formSchemaProblem(d.formSchema);
  if (schemaProblem) errors.push({ field: 'body.formSchema', code: 'SERVICE_FORM_SCHEMA_INVALID', params: { reason: schemaProblem } });
  for (const [target, source] of Object.entries(d.prefill)) {
    const field = `body.prefill.${target}`;
    if (!(PREFILL_FIELDS as readonly string[]).includes(source)) {
      errors.push({ field, code: 'SERVICE_PREFILL_INVALID', params: { reason: `"${source}" is not a registry field (${PREFILL_FIELDS.join(', ')})` } });
    } else if (!schemaProblem && propertyAt(d.formSchema, target) === undefined) {
      errors.push({ field, code: 'SERVICE_PREFILL_INVALID', params: { reason: `the form has no field "${target}"` } });
    }
  }
  if (d.kind === 'bundle' && d.members.length < 2) {
    errors.push({ field: 'body.members', code: 'SERVICE_MEMBER_INVALID', params: { reason: 'a bundle has at least 2 member procedures' } });
  }
  if (d.kind === 'procedure' && d.members.length > 0) {
    errors.push({ field: 'body.members', code: 'SERVICE_MEMBER_INVALID', params: { reason: 'a single procedure has no members' } });
  }
  if (d.kind === 'bundle' && d.members.length > 0) {
    const known = await existingCodes(asDb(db), d.members);
    d.members.forEach((m, i) => {
      if (m === d.code) errors.push({ field: `body.members.${i}`, code: 'SERVICE_MEMBER_INVALID', params: { reason: 'a bundle cannot contain itself' } });
      else if (!known.has(m)) errors.push({ field: `body.members.${i}`, code: 'SERVICE_MEMBER_INVALID', params: { reason: `no procedure ${m} in the catalog` } });
    });
  }
  const keys = new Set<string>();
  d.requiredDocuments.forEach((r, i) => {
    if (keys.has(r.key)) errors.push({ field: `body.requiredDocuments.${i}.key`, code: 'FIELD_INVALID' });
    keys.add(r.key);
  });
  return errors;
}

function headOf(d: ServiceDefinition, at: string): Omit<HeadRow, 'current_version'> {
  return { code: d.code, kind: d.kind, sector: d.sector, essential_no: d.essentialNo, name_folded: foldForSearch(`${d.nameVi} ${d.nameEn} ${d.code}`), sort_key: collationKey(d.nameVi), updated_at: at };
}

function hashOf(d: ServiceDefinition): string {
  return createHash('sha256').update(JSON.stringify(d)).digest('hex');
}

export interface SaveOutcome {
  service: ServiceVersion;
  /** 'created': version 1; 'updated': a new version; 'unchanged': identical to the current version. */
  outcome: 'created' | 'updated' | 'unchanged';
}

async function checkEssentialNo(db: ServicesDb, d: ServiceDefinition): Promise<void> {
  if (d.essentialNo === null) return;
  const other = (await essentialCodes(db)).find((e) => e.essential_no === d.essentialNo && e.code !== d.code);
  if (other) throw new AppError('SERVICE_ESSENTIAL_NO_TAKEN', { essentialNo: d.essentialNo, other: other.code });
}

/** Writes `d` as the next version of its code (or version 1) inside `trx`, raising the catalog's revision; no audit. */
async function writeVersion(trx: ServicesDb, d: ServiceDefinition, by: string, builtinHash: string | null, baseVersion?: number): Promise<SaveOutcome> {
  const at = nowUtc();
  const current = await readCurrentVersion(trx, d.code);
  const data = JSON.stringify(d);
  if (!current) {
    if (baseVersion !== undefined && baseVersion !== 0) throw new AppError('SERVICE_VERSION_CONFLICT', { code: d.code, current: 0, base: baseVersion });
    const row: VersionRow = { code: d.code, version: 1, data, builtin_hash: builtinHash, created_at: at, created_by: by };
    await insertFirstVersion(trx, { ...headOf(d, at), current_version: 1 }, row);
    await bumpCatalogRevision(trx);
    return { service: toVersion(row), outcome: 'created' };
  }
  const version = Number(current.version);
  if (baseVersion !== undefined && baseVersion !== version) throw new AppError('SERVICE_VERSION_CONFLICT', { code: d.code, current: version, base: baseVersion });
  if (JSON.stringify(definitionOf(toVersion(current))) === data) return { service: toVersion(current), outcome: 'unchanged' };
  const row: VersionRow = { code: d.code, version: version + 1, data, builtin_hash: builtinHash, created_at: at, created_by: by };
  if (!(await appendVersion(trx, { ...headOf(d, at), current_version: version + 1 }, row))) {
    const now = await readCurrentVersion(trx, d.code);
    throw new AppError('SERVICE_VERSION_CONFLICT', { code: d.code, current: Number(now?.version ?? version), base: version });
  }
  await bumpCatalogRevision(trx);
  return { service: toVersion(row), outcome: 'updated' };
}

/**
 * Creates or edits a catalog entry: version 1 for a new code, else version n+1 — unless nothing
 * changed. `baseVersion`, when given, is the version the editor started from (0 for a new entry):
 * SERVICE_VERSION_CONFLICT (409) when another edit came first. Errors: VALIDATION_FAILED (400,
 * every problem of {@link definitionProblems}), SERVICE_ESSENTIAL_NO_TAKEN (409). Audited as
 * `services.update` in the same transaction.
 */
export async function saveServiceDefinition(db: Database, input: ServiceDefinition, actor: AuditActor, baseVersion?: number): Promise<SaveOutcome> {
  const d = normalized(input);
  const problems = await definitionProblems(db.kysely, d);
  if (problems.length > 0) throw validationError(problems);
  const out = await db.transaction(async (trx) => {
    await checkEssentialNo(trx as ServicesDb, d);
    const written = await writeVersion(trx as ServicesDb, d, actor.id, null, baseVersion);
    if (written.outcome !== 'unchanged') {
      await recordAudit(trx, { actor, action: 'services.update', subjects: [{ type: 'service', id: d.code }], summary: `${d.code} v${written.service.version} (${written.outcome})` });
    }
    return written;
  });
  if (out.outcome !== 'unchanged') catalogChanged(db.kysely);
  return out;
}

/**
 * Loads the built-in catalog: entries missing are created (version 1); an entry whose current
 * version came from an earlier built-in definition that has since changed gets a new version;
 * an entry an administrator edited is left alone. Procedures first, then bundles (which name
 * them). Idempotent: a second run writes nothing. Returns how many versions were written.
 */
export async function seedCatalog(db: Database, catalog: readonly ServiceDefinition[]): Promise<number> {
  let written: number;
  try {
    written = await seedOnce(db, catalog);
  } catch (e) {
    // Several app copies starting together: the one that lost the race sees the others' rows.
    if (e instanceof AppError) throw e;
    written = await seedOnce(db, catalog);
  }
  if (written > 0) catalogChanged(db.kysely);
  return written;
}

async function seedOnce(db: Database, catalog: readonly ServiceDefinition[]): Promise<number> {
  const ordered = [...catalog].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'procedure' ? -1 : 1));
  return db.transaction(async (trx) => {
    const t = trx as unknown as Kysely<ServicesTables>;
    let written = 0;
    for (const input of ordered) {
      const d = normalized(input);
      const hash = hashOf(d);
      const current = await readCurrentVersion(t, d.code);
      if (current && (current.builtin_hash === hash || current.builtin_hash === null)) continue;
      const problems = await definitionProblems(trx, d);
      if (problems.length > 0) throw new Error(`built-in catalog entry ${d.code} is invalid: ${JSON.stringify(problems)}`);
      const out = await writeVersion(t, d, SYSTEM_CATALOG, hash);
      if (out.outcome !== 'unchanged') written++;
    }
    if (written > 0) await recordAudit(trx, { actor: { kind: 'system', id: SYSTEM_CATALOG }, action: 'services.seed', summary: `built-in catalog: ${written} versions written` });
    return written;
  });
}

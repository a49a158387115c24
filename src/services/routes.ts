/**
 * HTTP routes of the services module, under `/api/v1`:
 * - `GET /services` — the catalog (current versions), filters `sector`, `kind`, `essential`, `q`,
 *   `unit` (+ `on`: deployed there on that date), `page`/`pageSize` → `{items, total}`; public;
 * - `GET /services/deployments?unit=&on=` — "x of 25 essential services deployed" at a unit; public;
 * - `GET /services/{code}[?version=]` — one entry, current or a given version; public;
 * - `GET /services/{code}/versions` — the version list; public;
 * - `PUT /services/{code}` (services.manage) — create or edit an entry (a new version);
 * - `GET|PUT|DELETE /services/{code}/deployments/{unitCode}` (services.manage for changes) — deploy
 *   from a date (`{from}`), withdraw from a date (`?from=`).
 * `GET /services/{code}/prefill?pin=` (the counter's pre-fill from the population registry) is the
 * dossiers module's, beside the mapping it shares with online filing: src/dossiers/prefill.ts.
 */
import { actorOf, staffOf } from '../platform/auth.js';
import { todayInVietnam } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';
import { pageWindow } from '../platform/http/pagination.js';
import type { Api, AppContext } from '../platform/module.js';
import { unitWithin, type UnitsTables } from '../units/index.js';
import { deployedCount, deploymentState, deployService, unitWithAncestors, withdrawService } from './deployments.js';
import type { ServiceDefinition } from './model.js';
import {
  DeployedQuerySchema,
  DeployedSchema,
  DeploymentBodySchema,
  DeploymentParamsSchema,
  DeploymentStateSchema,
  SaveOutcomeSchema,
  ServiceDefinitionBodySchema,
  ServiceListQuerySchema,
  ServiceListSchema,
  ServiceParamsSchema,
  ServiceQuerySchema,
  ServiceSchema,
  ServiceVersionsSchema,
  WithdrawQuerySchema,
} from './schemas.js';
import { listVersionNumbers, type ServicesTables } from './store.js';
import { listServices, requireServiceVersion, saveServiceDefinition } from './versions.js';

const TAGS = ['services'];

export async function servicesRoutes(api: Api, ctx: AppContext): Promise<void> {
  const db = ctx.db;

  /** A staff member scoped to a unit may change deployments only at or below it (ADMIN: anywhere). */
  async function checkUnitScope(request: Parameters<typeof staffOf>[0], unitCode: string): Promise<void> {
    const staff = staffOf(request);
    if (staff.unitCode !== null && !(await unitWithin(db.as<UnitsTables>(), unitCode, staff.unitCode))) {
      throw new AppError('SERVICE_UNIT_OUT_OF_SCOPE', { code: unitCode });
    }
  }

  api.get(
    '/services',
    {
      schema: {
        tags: TAGS,
        summary: 'The public-services catalog',
        description:
          'Current versions of the catalog entries: the essential public services of Directive 24/CT-TTg (by their number), then the other procedures, by Vietnamese name. Filters: `sector`, `kind` (procedure | bundle, the Decree 63/2024/NĐ-CP groups), `essential=true`, `q` (name or code, diacritics folded), `unit` with `on` (default today, Vietnam time): only services deployed at that unit or a unit above it. Answers `{items, total}`.',
        querystring: ServiceListQuerySchema,
        response: { 200: ServiceListSchema },
      },
    },
    async (request) => {
      const { sector, kind, essential, unit, on, q } = request.query;
      const deployedAt = unit ? { unitCodes: await unitWithAncestors(db.kysely, unit, on ?? todayInVietnam()), onDate: on ?? todayInVietnam() } : undefined;
      return listServices(db.kysely, { sector, kind, essentialOnly: essential === true, deployedAt, q, ...pageWindow(request.query) });
    },
  );

  api.get(
    '/services/deployments',
    {
      schema: {
        tags: TAGS,
        summary: 'Essential services deployed at a unit ("x of 25")',
        description:
          'For a unit and a date (`on`, default today in Vietnam time): how many of the essential public services (Directive 24/CT-TTg, 25 in all; the 25th is unconfirmed and not in the catalog) are deployed at the unit or at a unit above it, and which. Counts only the official essential services.',
        querystring: DeployedQuerySchema,
        response: { 200: DeployedSchema },
      },
    },
    async (request) => {
      const on = request.query.on ?? todayInVietnam();
      const [count] = await deployedCount(db.kysely, [request.query.unit], on);
      const essential = await listServices(db.kysely, { essentialOnly: true, offset: 0, limit: 100 });
      const deployed = new Set(count!.codes);
      return {
        unitCode: request.query.unit,
        on,
        deployed: count!.deployed,
        of: count!.of,
        catalogued: count!.catalogued,
        items: essential.items.map((s) => ({ code: s.code, essentialNo: s.essentialNo!, nameVi: s.nameVi, nameEn: s.nameEn, deployed: deployed.has(s.code) })),
      };
    },
  );

  api.get(
    '/services/:code',
    {
      schema: {
        tags: TAGS,
        summary: 'One catalog entry',
        description: 'The current version of the entry, or `?version=N` (a dossier keeps the version it was filed under). 404 SERVICE_NOT_FOUND, SERVICE_VERSION_NOT_FOUND.',
        params: ServiceParamsSchema,
        querystring: ServiceQuerySchema,
        response: { 200: ServiceSchema },
      },
    },
    async (request) => requireServiceVersion(db.kysely, request.params.code, request.query.version),
  );

  api.get(
    '/services/:code/versions',
    {
      schema: {
        tags: TAGS,
        summary: 'Versions of a catalog entry',
        description: 'Every version of the entry, oldest first, with when and by whom it was created. 404 SERVICE_NOT_FOUND.',
        params: ServiceParamsSchema,
        response: { 200: ServiceVersionsSchema },
      },
    },
    async (request) => {
      const current = await requireServiceVersion(db.kysely, request.params.code);
      const rows = await listVersionNumbers(db.as<ServicesTables>(), request.params.code);
      return { code: current.code, current: current.version, items: rows.map((r) => ({ version: Number(r.version), createdAt: r.created_at, createdBy: r.created_by })), total: rows.length };
    },
  );

  api.put(
    '/services/:code',
    {
      config: { permission: 'services.manage' },
      schema: {
        tags: TAGS,
        summary: 'Create or edit a catalog entry',
        description:
          'Writes the whole entry: version 1 for a new code, otherwise a new version (older versions stay readable); nothing when identical. `baseVersion` guards against lost updates (409 SERVICE_VERSION_CONFLICT). 400 VALIDATION_FAILED lists every problem (form schema that does not compile, pre-fill of an unknown form or registry field, unknown bundle members). 409 SERVICE_ESSENTIAL_NO_TAKEN. Answers 201 when created.',
        params: ServiceParamsSchema,
        body: ServiceDefinitionBodySchema,
        response: { 200: SaveOutcomeSchema, 201: SaveOutcomeSchema },
      },
    },
    async (request, reply) => {
      const { baseVersion, ...rest } = request.body;
      const definition = { ...rest, code: request.params.code, provisionalCode: request.params.code.startsWith('P.') } as ServiceDefinition;
      const out = await saveServiceDefinition(db, definition, actorOf(request), baseVersion);
      reply.code(out.outcome === 'created' ? 201 : 200);
      return out;
    },
  );

  api.get(
    '/services/:code/deployments/:unitCode',
    {
      schema: {
        tags: TAGS,
        summary: 'Deployment periods of a service at a unit',
        description: 'Periods `{from, until}` (until: first day no longer deployed; null while deployed). 404 SERVICE_NOT_FOUND, SERVICE_UNIT_UNKNOWN.',
        params: DeploymentParamsSchema,
        response: { 200: DeploymentStateSchema },
      },
    },
    async (request) => deploymentState(db, request.params.code, request.params.unitCode),
  );

  api.put(
    '/services/:code/deployments/:unitCode',
    {
      config: { permission: 'services.manage' },
      schema: {
        tags: TAGS,
        summary: 'Deploy a service at a unit from a date',
        description:
          'Marks the service offered at the unit (and the units below it) from `from` (inclusive, Vietnam date). Corrects the start of an open period; reopens a closed period covering `from`. 404 SERVICE_NOT_FOUND, SERVICE_UNIT_UNKNOWN; 403 SERVICE_UNIT_OUT_OF_SCOPE; 409 SERVICE_DEPLOYMENT_OVERLAP.',
        params: DeploymentParamsSchema,
        body: DeploymentBodySchema,
        response: { 200: DeploymentStateSchema },
      },
    },
    async (request) => {
      await checkUnitScope(request, request.params.unitCode);
      const { changed: _changed, ...state } = await deployService(db, request.params.code, request.params.unitCode, request.body.from, actorOf(request));
      return state;
    },
  );

  api.delete(
    '/services/:code/deployments/:unitCode',
    {
      config: { permission: 'services.manage' },
      schema: {
        tags: TAGS,
        summary: 'Withdraw a service from a unit from a date',
        description: 'The service is no longer offered at the unit from `from` (the first day withdrawn). 404 SERVICE_NOT_FOUND, SERVICE_UNIT_UNKNOWN; 403 SERVICE_UNIT_OUT_OF_SCOPE; 409 SERVICE_NOT_DEPLOYED.',
        params: DeploymentParamsSchema,
        querystring: WithdrawQuerySchema,
        response: { 200: DeploymentStateSchema },
      },
    },
    async (request) => {
      await checkUnitScope(request, request.params.unitCode);
      return withdrawService(db, request.params.code, request.params.unitCode, request.query.from, actorOf(request));
    },
  );
}

/**
 * HTTP routes of the units module, mounted under `/api/v1`:
 * - `GET /units/{code}?at=` — one unit as it was on a date, with path, successors, predecessors;
 *   404 UNIT_NOT_FOUND (with `successors` when the code was succeeded) otherwise.
 * - `GET /units?parent=&level=&q=&at=&page=&pageSize=` — `{items, total}` in Vietnamese collation.
 */
import type { Api, AppContext } from '../platform/module.js';
import { pageWindow } from '../platform/http/pagination.js';
import { listUnits, UnitCache } from './registry.js';
import type { UnitsTables } from './store.js';
import { UnitDetailSchema, UnitListQuerySchema, UnitListSchema, UnitParamsSchema, UnitQuerySchema } from './schemas.js';

export async function unitsRoutes(api: Api, ctx: AppContext): Promise<void> {
  const db = ctx.db.as<UnitsTables>();
  const cache = new UnitCache(db, { revalidateMs: ctx.config.unitsCacheMs });

  api.get(
    '/units/:code',
    {
      schema: {
        tags: ['units'],
        summary: 'An administrative unit as it was on a date',
        description:
          'The unit with this GSO code in force on `at` (default: today in Vietnam time), with its path (province → … → unit), successors and predecessors. A code not in force on that date answers 404 `UNIT_NOT_FOUND`; the problem lists `successors` when the unit was merged or renamed. Sources: Decision 124/2004/QĐ-TTg (codes), Decision 19/2025/QĐ-TTg (codes from 2025-07-01).',
        params: UnitParamsSchema,
        querystring: UnitQuerySchema,
        response: { 200: UnitDetailSchema },
      },
    },
    async (request) => cache.get(request.params.code, request.query.at),
  );

  api.get(
    '/units',
    {
      schema: {
        tags: ['units'],
        summary: 'Search and list administrative units in force on a date',
        description:
          'Filters: `parent` (children of a unit), `level`, `q` (words of the name, diacritics folded), `at` (default today in Vietnam time). Sorted in Vietnamese collation. Answers `{items, total}`.',
        querystring: UnitListQuerySchema,
        response: { 200: UnitListSchema },
      },
    },
    async (request) => {
      const { parent, level, q, at } = request.query;
      return listUnits(db, { parent, level, q, at, ...pageWindow(request.query) });
    },
  );
}

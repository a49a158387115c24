/**
 * Pagination shared by every list endpoint (DESIGN.md §4): `page` (1-based) and `pageSize`
 * (1–{@link MAX_PAGE_SIZE}, default 20) in the query; answers `{items, total}`.
 */
import { Type, type TSchema } from 'typebox';

export const MAX_PAGE_SIZE = 200;
export const MAX_PAGE = 100_000;

/** Query members `page` and `pageSize`, to spread into a querystring schema. */
export const pageQueryProperties = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1, description: 'Page number, from 1.' })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20, description: `Items per page, 1–${MAX_PAGE_SIZE}.` })),
};

/** `{items: T[], total}` — total is the count of all matching items, not of this page. */
export function pagedSchema<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), total: Type.Integer({ minimum: 0 }) });
}

/** Offset and limit for SQL from a validated query. */
export function pageWindow(q: { page?: number; pageSize?: number }): { offset: number; limit: number } {
  const limit = q.pageSize ?? 20;
  return { offset: ((q.page ?? 1) - 1) * limit, limit };
}

/**
 * Schema helpers shared by every module's request and answer schemas (TypeBox → JSON Schema 2020-12,
 * validated by Ajv and published in OpenAPI 3.1).
 */
import { Type, type Static, type TSchema } from 'typebox';

const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean']);

/**
 * `T` or `null`. For a string, number, integer or boolean schema this is `type: [T, 'null']` with
 * T's own rules; for anything else `anyOf: [T, null]`.
 *
 * Why not always `anyOf`: the server's Ajv coerces types (`coerceTypes`, src/platform/http/server.ts,
 * so that query strings and form fields reach handlers as numbers), and inside an `anyOf` the first
 * branch coerces a `null` before the `null` branch is tried — an unknown figure sent as `null`
 * would be stored as 0, an absent text as "". With `type: [T, 'null']` Ajv sees that `null`
 * already fits and coerces nothing (Ajv, "Type coercion rules": with several types, data is coerced
 * only when it fits none of them).
 */
export function Nullable<T extends TSchema>(schema: T) {
  const type = (schema as { type?: unknown }).type;
  if (typeof type === 'string' && PRIMITIVES.has(type)) return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'] });
  return Type.Union([schema, Type.Null()]);
}

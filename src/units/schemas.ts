/**
 * Request and response shapes of the units API (shared with the web UI, which imports the
 * TypeScript types). Dates are `YYYY-MM-DD` Vietnam business dates; codes are digit strings.
 */
import { Type, type Static } from 'typebox';
import { Nullable } from '../platform/http/schemas.js';
import { pageQueryProperties, pagedSchema } from '../platform/http/pagination.js';
import { UNIT_TYPES, type UnitType } from './model.js';

const DateParam = Type.String({ format: 'date', 'x-form': 'YYYY-MM-DD', description: 'A calendar date in Vietnam time, YYYY-MM-DD.' });
const Code = Type.String({ pattern: '^[0-9]{2,5}$', 'x-form': '2–5 digits', description: 'GSO code: province 2 digits, district 3, commune 5.' });
const Level = Type.Union([Type.Literal('province'), Type.Literal('district'), Type.Literal('commune')]);
const UnitTypeSchema = Type.Unsafe<UnitType>({ type: 'string', enum: [...UNIT_TYPES] });

export const UnitRefSchema = Type.Object({
  code: Type.String(),
  level: Level,
  type: UnitTypeSchema,
  name: Type.String(),
  fullName: Type.String(),
});

const UnitViewProperties = {
  ...UnitRefSchema.properties,
  nameEn: Nullable(Type.String()),
  parentCode: Nullable(Type.String()),
  validFrom: Nullable(Type.String({ description: 'First day in force; null when the source does not say.' })),
  validUntil: Nullable(Type.String({ description: 'Last day in force; null while in force.' })),
  source: Type.String(),
  path: Type.Array(UnitRefSchema, { description: 'Province → … → this unit, as on the date asked.' }),
};

export const LinkSchema = Type.Object({
  code: Type.String(),
  kind: Type.Union([Type.Literal('full'), Type.Literal('partial')]),
  effectiveDate: Type.String(),
  fullName: Nullable(Type.String()),
});

export const UnitViewSchema = Type.Object(UnitViewProperties);
export const UnitDetailSchema = Type.Object({ ...UnitViewProperties, successors: Type.Array(LinkSchema), predecessors: Type.Array(LinkSchema) });
export const UnitListSchema = pagedSchema(UnitViewSchema);

export const UnitParamsSchema = Type.Object({ code: Code }, { additionalProperties: false });
export const UnitQuerySchema = Type.Object({ at: Type.Optional(DateParam) }, { additionalProperties: false });
export const UnitListQuerySchema = Type.Object(
  {
    parent: Type.Optional(Code),
    level: Type.Optional(Level),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Words of the name; diacritics and đ/Đ are folded ("cam hoang" finds "Cẩm Hoàng").' })),
    at: Type.Optional(DateParam),
    ...pageQueryProperties,
  },
  { additionalProperties: false },
);

export type UnitRefDto = Static<typeof UnitRefSchema>;
export type UnitViewDto = Static<typeof UnitViewSchema>;
export type UnitDetailDto = Static<typeof UnitDetailSchema>;
export type UnitListDto = Static<typeof UnitListSchema>;
export type UnitListQuery = Static<typeof UnitListQuerySchema>;

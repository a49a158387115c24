/**
 * Request and response shapes of the reports API (`/api/v1/reports/…`), shared with the web UI.
 * Dates are Vietnam calendar dates `YYYY-MM-DD`; shares are fractions 0–1 (the UI prints 71,0 %);
 * "x of 25" figures carry `denominator: 25`. Unit codes are strings (2, 3 or 5 digits).
 */
import { Type, type Static, type TSchema } from 'typebox';
import { Nullable } from '../platform/http/schemas.js';
import { BOUNDARIES } from './placement.js';
import { GROUP_BY, TIME_GROUPS } from './periods.js';

const enumOf = <T extends string>(values: readonly T[], description?: string) => Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
const Day = Type.String({ format: 'date', 'x-form': 'YYYY-MM-DD' });
const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', 'x-form': 'YYYY-MM' });
const UnitCode = Type.String({ pattern: '^([0-9]{2}|[0-9]{3}|[0-9]{5})$', 'x-form': '2, 3 or 5 digits', description: 'Administrative-unit code (mã đơn vị hành chính).' });
const IndicatorId = Type.String({ pattern: '^[a-z]+\\.[A-Za-z.]+$', maxLength: 60, description: 'An indicator id of the catalogue (GET /reports/catalogue).' });
const TextSchema = Type.Object({ vi: Type.String(), en: Type.String() });
const Format = enumOf(['count', 'percent', 'of-total'] as const, '`count`, `percent` (value is a fraction 0–1) or `of-total` (x of `denominator`).');

export const BoundariesSchema = enumOf(BOUNDARIES, '`historical`: units as they were on each counted day (a 2023 report with districts); `current`: re-aggregated onto the units in force on `at` (default today) through the succession links.');

const DimFilterSchema = Type.Object({ dim: Type.String(), values: Type.Array(Type.String()), negate: Type.Optional(Type.Boolean()) });
const RollupRefSchema = Type.Object({ indicator: Type.String({ description: 'The roll-up indicator counted by its module.' }), where: Type.Optional(Type.Array(DimFilterSchema)) });

export const IndicatorDefinitionSchema = Type.Object({
  id: Type.String(),
  group: enumOf(['eid', 'services', 'dossiers', 'desk', 'population'] as const),
  name: TextSchema,
  definition: Type.Object({
    numerator: TextSchema,
    denominator: Nullable(TextSchema),
    unitOfCount: TextSchema,
    records: TextSchema,
    periodDate: TextSchema,
    basis: Type.String(),
  }),
  measure: Type.Object(
    {
      kind: enumOf(['sum', 'ratio', 'state'] as const),
      of: Type.Optional(RollupRefSchema),
      numerator: Type.Optional(RollupRefSchema),
      denominator: Type.Optional(RollupRefSchema),
      reader: Type.Optional(Type.String({ description: 'The module function read (state indicators).' })),
      ratio: Type.Optional(Type.Boolean()),
      additive: Type.Optional(Type.Boolean()),
      history: Type.Optional(Type.Boolean({ description: 'False: the module keeps only the current state, shown for every period.' })),
    },
    { description: 'Where the figure comes from: a roll-up sum, a ratio of two roll-up sums, or a state function of the owning module.' },
  ),
  format: Format,
  breakdowns: Type.Array(Type.String()),
  filters: Type.Array(enumOf(['sector', 'channel'] as const)),
  channels: Type.Optional(Type.Array(Type.String())),
  stock: Type.Boolean({ description: 'A level at the end of the period (citizens, services deployed), not a flow over it.' }),
});

export const CatalogueSchema = Type.Object({
  items: Type.Array(IndicatorDefinitionSchema),
  breakdowns: Type.Record(Type.String(), Type.Object({ name: TextSchema, values: Type.Record(Type.String(), TextSchema) })),
});

const FigureProperties = {
  value: Nullable(Type.Number({ description: 'The count, the share (0–1) or the x of "x of 25"; null when a share has no denominator or a unit did not exist.' })),
  numerator: Type.Number(),
  denominator: Nullable(Type.Number()),
};
export const FigureSchema = Type.Object(FigureProperties);
const BreakdownSchema = Type.Array(Type.Object({ key: Type.String(), ...FigureProperties }));
export const ComparisonSchema = Type.Object({
  ...FigureProperties,
  from: Day,
  to: Day,
  change: Nullable(Type.Number({ description: 'This period minus the previous one.' })),
  relativeChange: Nullable(Type.Number({ description: 'change / previous value.' })),
});
export const ReportUnitSchema = Type.Object({ code: Type.String(), level: enumOf(['province', 'district', 'commune'] as const), name: Type.String(), fullName: Type.String() });
export const TargetProgressSchema = Type.Object({
  id: Type.Integer(),
  from: Day,
  to: Day,
  target: Type.Number(),
  note: Nullable(Type.String()),
  actual: FigureSchema,
  progress: Nullable(Type.Number({ description: 'actual / target.' })),
  elapsed: Type.Number({ description: "Share of the target's period elapsed by the period's last day (0–1)." }),
});
const NotesSchema = Type.Object(
  {
    unplacedRecords: Type.Number({ description: 'Counted records whose unit is not known on their day (left out).' }),
    approximateRecords: Type.Number({ description: 'Records moved onto current units through a partial split (the split of the area is not known).' }),
    liftedRecords: Type.Number({ description: 'Records moved with their parent unit (their own unit ended without a successor).' }),
  },
  { description: 'How the records were placed on the boundaries asked.' },
);
const FiltersSchema = Type.Object({ sector: Type.Optional(Type.String()), channel: Type.Optional(Type.String()) });

export const IndicatorQuerySchema = Type.Object(
  {
    indicator: IndicatorId,
    unit: Type.Optional(UnitCode),
    from: Type.Optional(Day),
    to: Type.Optional(Day),
    groupBy: Type.Optional(enumOf(GROUP_BY, 'Time buckets (`day`, `week` ISO-8601, `month`, `quarter`, `year`), `unit` (the units directly below, ranked) or `none` (default).')),
    boundaries: Type.Optional(BoundariesSchema),
    at: Type.Optional(Day),
    breakdown: Type.Optional(Type.String({ maxLength: 30, description: 'A breakdown of the indicator (its `breakdowns`), e.g. `channel`, `level`, `sectorGroup`.' })),
    cumulative: Type.Optional(Type.Boolean({ description: 'Flows counted from the first record to the end of each period.' })),
    sector: Type.Optional(Type.String({ maxLength: 40, description: 'A sector code (police, justice, …) or `other` (every sector but the police).' })),
    channel: Type.Optional(Type.String({ maxLength: 40, description: "One of the indicator's `channels`." })),
  },
  { additionalProperties: false },
);
export type IndicatorQueryInput = Static<typeof IndicatorQuerySchema>;

export const IndicatorAnswerSchema = Type.Object({
  indicator: IndicatorDefinitionSchema,
  unit: Nullable(ReportUnitSchema),
  boundaries: BoundariesSchema,
  unitsAt: Day,
  from: Day,
  to: Day,
  groupBy: enumOf(GROUP_BY),
  breakdown: Nullable(Type.String()),
  cumulative: Type.Boolean(),
  filters: FiltersSchema,
  total: Type.Object({ ...FigureProperties, breakdown: Type.Optional(BreakdownSchema) }),
  previous: ComparisonSchema,
  series: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), from: Day, to: Day, ...FigureProperties, breakdown: Type.Optional(BreakdownSchema) })),
  rows: Type.Array(
    Type.Object({
      unit: ReportUnitSchema,
      ...FigureProperties,
      previous: FigureSchema,
      change: Nullable(Type.Number()),
      rank: Nullable(Type.Integer({ description: 'Competition rank by value, highest first.' })),
      breakdown: Type.Optional(BreakdownSchema),
    }),
  ),
  unassigned: Nullable(FigureSchema),
  targets: Type.Array(TargetProgressSchema),
  notes: NotesSchema,
});

export const DashboardQuerySchema = Type.Object(
  {
    unit: Type.Optional(UnitCode),
    from: Type.Optional(Day),
    to: Type.Optional(Day),
    boundaries: Type.Optional(BoundariesSchema),
    at: Type.Optional(Day),
    cumulative: Type.Optional(Type.Boolean()),
    sector: Type.Optional(Type.String({ maxLength: 40 })),
    channel: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

const NullableNumberRecord = Type.Record(Type.String(), Nullable(Type.Number()));
export const DashboardSchema = Type.Object({
  unit: Nullable(ReportUnitSchema),
  boundaries: BoundariesSchema,
  unitsAt: Day,
  from: Day,
  to: Day,
  cumulative: Type.Boolean(),
  previous: Type.Object({ from: Day, to: Day }),
  cards: Type.Array(
    Type.Object({ key: Type.String(), indicator: Type.String(), name: TextSchema, format: Format, filters: FiltersSchema, ...FigureProperties, previous: ComparisonSchema, targets: Type.Array(TargetProgressSchema) }),
  ),
  series: Type.Object({
    granularity: enumOf(TIME_GROUPS),
    buckets: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), from: Day, to: Day })),
    lines: Type.Array(Type.Object({ key: Type.String(), indicator: Type.String(), name: TextSchema, format: Format, values: Type.Array(Nullable(Type.Number())) })),
  }),
  ranking: Type.Object({
    columns: Type.Array(Type.Object({ key: Type.String(), indicator: Type.String(), name: TextSchema, format: Format })),
    rows: Type.Array(Type.Object({ unit: ReportUnitSchema, values: NullableNumberRecord, ranks: NullableNumberRecord })),
    unassigned: Nullable(NullableNumberRecord),
  }),
  notes: NotesSchema,
});

export const MonthlyQuerySchema = Type.Object(
  {
    unit: Type.Optional(UnitCode),
    month: Month,
    boundaries: Type.Optional(BoundariesSchema),
    at: Type.Optional(Day),
    date: Type.Optional(Type.String({ format: 'date', description: "The report's date (default today, Vietnam time)." })),
    rankBy: Type.Optional(Type.String({ maxLength: 60, description: 'The ranking column the units are ranked by (default `eid.activated`).' })),
  },
  { additionalProperties: false },
);

export const TargetSchema = Type.Object({
  id: Type.Integer(),
  indicator: Type.String(),
  unitCode: Type.String(),
  unitDate: Day,
  from: Day,
  to: Day,
  value: Type.Number(),
  note: Nullable(Type.String()),
  updatedBy: Type.String(),
  updatedAt: Type.String(),
});
export const TargetListSchema = Type.Object({ items: Type.Array(TargetSchema) });
export const TargetInputSchema = Type.Object(
  {
    indicator: IndicatorId,
    unit: UnitCode,
    unitDate: Type.Optional(Type.String({ format: 'date', description: 'The date the unit code refers to (default: the period’s last day).' })),
    from: Day,
    to: Day,
    value: Type.Number({ minimum: 0, description: 'A count; a fraction 0–1 for a share; at most 25 for services deployed.' }),
    note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  },
  { additionalProperties: false },
);
export type TargetInput = Static<typeof TargetInputSchema>;
export const TargetQuerySchema = Type.Object(
  { indicator: Type.Optional(IndicatorId), unit: Type.Optional(UnitCode), from: Type.Optional(Day), to: Type.Optional(Day) },
  { additionalProperties: false },
);
export const IdParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) }, { additionalProperties: false });

export const ArchiveQuerySchema = Type.Object({ unit: Type.Optional(UnitCode), month: Type.Optional(Month) }, { additionalProperties: false });
export const ArchiveListSchema = Type.Object({
  items: Type.Array(
    Type.Object({ id: Type.Integer(), month: Month, unitCode: Type.String(), unitDate: Day, boundaries: BoundariesSchema, format: enumOf(['xlsx', 'pdf'] as const), sha256: Type.String(), size: Type.Integer(), createdAt: Type.String() }),
  ),
});

/** Request and response shapes of the services API (catalog entries, versions, deployments). */
import { Type, type Static } from 'typebox';
import { Nullable } from '../platform/http/schemas.js';
import { pagedSchema, pageQueryProperties } from '../platform/http/pagination.js';
import { PREFILL_FIELDS, SECTORS } from './model.js';

const Day = Type.String({ format: 'date', 'x-form': 'YYYY-MM-DD' });
const Code = Type.String({ pattern: '^(?:[0-9]\\.[0-9]{6}|P\\.[0-9]{6})$', 'x-form': '1.004222 hoặc P.000014', description: 'Procedure code (mã thủ tục): a national portal code, or P.###### for a provisional one.' });
const UnitCode = Type.String({ pattern: '^[0-9]{2}([0-9]{3})?$', 'x-form': '2 hoặc 5 chữ số', description: 'GSO administrative-unit code (province 2 digits, district 3, commune 5).' });

const enumOf = <T extends string>(values: readonly T[], description?: string) => Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

const JsonObject = Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, description: 'JSON Schema (draft 2020-12) of the form data; labels in `title` (Vietnamese) and `x-title-en`.' });

export const ServiceDefinitionBodySchema = Type.Object(
  {
    kind: enumOf(['procedure', 'bundle'] as const),
    essentialNo: Nullable(Type.Integer({ minimum: 1, maximum: 25, description: 'Number in the list of essential public services (Directive 24/CT-TTg), or null.' })),
    nameVi: Type.String({ minLength: 1, maxLength: 500 }),
    nameEn: Type.String({ minLength: 1, maxLength: 500 }),
    sector: enumOf(SECTORS),
    agencyVi: Type.String({ minLength: 1, maxLength: 300 }),
    agencyEn: Type.String({ minLength: 1, maxLength: 300 }),
    agencyLevel: enumOf(['commune', 'province', 'police'] as const),
    onlineLevel: enumOf(['full', 'partial'] as const, 'full: toàn trình (fully online); partial: một phần.'),
    processingDays: Type.Integer({ minimum: 0, maximum: 365, description: 'Time limit in working days; 0: on the day of receipt.' }),
    cutoff: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', 'x-form': 'HH:MM', description: 'Cut-off time in Vietnam time.' }),
    fees: Type.Array(Type.Object({ label: Type.String({ minLength: 1, maxLength: 300 }), amountVnd: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }) }, { additionalProperties: false }), { maxItems: 50 }),
    requiredDocuments: Type.Array(
      Type.Object(
        { key: Type.String({ pattern: '^[a-z][a-zA-Z0-9_]{0,63}$', 'x-form': 'camelCase' }), nameVi: Type.String({ minLength: 1, maxLength: 500 }), nameEn: Type.String({ minLength: 1, maxLength: 500 }), required: Type.Boolean() },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
    formSchema: JsonObject,
    hasForm: Type.Boolean(),
    requiredAssuranceLevel: Type.Unsafe<1 | 2>({ type: 'integer', enum: [1, 2], description: 'e-ID account level needed to file online (Decree 69/2024/NĐ-CP).' }),
    prefill: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_]+(/[A-Za-z0-9_]+)*$' }), enumOf(PREFILL_FIELDS), { description: 'Form field path (`applicant/fullName`) → registry field.' }),
    members: Type.Array(Code, { maxItems: 10, description: 'Member procedures of a bundle.' }),
    resultVi: Type.String({ minLength: 1, maxLength: 500 }),
    resultEn: Type.String({ minLength: 1, maxLength: 500 }),
    legalBasis: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 30 }),
    notes: Type.String({ maxLength: 2000 }),
    baseVersion: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 53 - 1, description: 'The version this edit starts from (0 for a new entry); 409 SERVICE_VERSION_CONFLICT when it is no longer current.' })),
  },
  { additionalProperties: false },
);
export type ServiceDefinitionBody = Static<typeof ServiceDefinitionBodySchema>;

export const ServiceSchema = Type.Object({
  code: Type.String(),
  version: Type.Integer(),
  createdAt: Type.String(),
  createdBy: Type.String(),
  provisionalCode: Type.Boolean(),
  kind: Type.String(),
  essentialNo: Nullable(Type.Integer()),
  nameVi: Type.String(),
  nameEn: Type.String(),
  sector: Type.String(),
  agencyVi: Type.String(),
  agencyEn: Type.String(),
  agencyLevel: Type.String(),
  onlineLevel: Type.String(),
  processingDays: Type.Integer(),
  cutoff: Type.String(),
  fees: Type.Array(Type.Object({ label: Type.String(), amountVnd: Type.Integer() })),
  requiredDocuments: Type.Array(Type.Object({ key: Type.String(), nameVi: Type.String(), nameEn: Type.String(), required: Type.Boolean() })),
  formSchema: JsonObject,
  hasForm: Type.Boolean(),
  requiredAssuranceLevel: Type.Integer(),
  prefill: Type.Record(Type.String(), Type.String()),
  members: Type.Array(Type.String()),
  resultVi: Type.String(),
  resultEn: Type.String(),
  legalBasis: Type.Array(Type.String()),
  notes: Type.String(),
});

export const ServiceListQuerySchema = Type.Object(
  {
    sector: Type.Optional(enumOf(SECTORS)),
    kind: Type.Optional(enumOf(['procedure', 'bundle'] as const)),
    essential: Type.Optional(Type.Boolean({ description: 'true: only the essential public services.' })),
    unit: Type.Optional(UnitCode),
    on: Type.Optional(Day),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    ...pageQueryProperties,
  },
  { additionalProperties: false },
);
export const ServiceListSchema = pagedSchema(ServiceSchema);

export const ServiceParamsSchema = Type.Object({ code: Code }, { additionalProperties: false });
export const ServiceQuerySchema = Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })) }, { additionalProperties: false });

export const ServiceVersionsSchema = Type.Object({
  code: Type.String(),
  current: Type.Integer(),
  items: Type.Array(Type.Object({ version: Type.Integer(), createdAt: Type.String(), createdBy: Type.String() })),
  total: Type.Integer(),
});

export const SaveOutcomeSchema = Type.Object({ outcome: enumOf(['created', 'updated', 'unchanged'] as const), service: ServiceSchema });

export const DeploymentParamsSchema = Type.Object({ code: Code, unitCode: UnitCode }, { additionalProperties: false });
export const DeploymentBodySchema = Type.Object({ from: Day }, { additionalProperties: false });
export const WithdrawQuerySchema = Type.Object({ from: Day }, { additionalProperties: false });
export const DeploymentStateSchema = Type.Object({
  serviceCode: Type.String(),
  unitCode: Type.String(),
  periods: Type.Array(Type.Object({ from: Type.String(), until: Nullable(Type.String()) })),
});

export const DeployedQuerySchema = Type.Object({ unit: UnitCode, on: Type.Optional(Day) }, { additionalProperties: false });
export const DeployedSchema = Type.Object({
  unitCode: Type.String(),
  on: Type.String(),
  deployed: Type.Integer({ description: 'Essential services deployed at the unit or a unit above it.' }),
  of: Type.Integer({ description: 'Size of the official list (25).' }),
  catalogued: Type.Integer({ description: 'Essential services in the catalog (the 25th is unconfirmed).' }),
  items: Type.Array(Type.Object({ code: Type.String(), essentialNo: Type.Integer(), nameVi: Type.String(), nameEn: Type.String(), deployed: Type.Boolean() })),
});

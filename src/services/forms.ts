/**
 * Form data of a catalog entry, checked against the entry's JSON Schema (draft 2020-12) with Ajv
 * (`ajv/dist/2020` + `ajv-formats`), reporting every failing field (DESIGN.md §4), in the same
 * catalogue codes as the HTTP layer's own validation (`FIELD_REQUIRED`, `FIELD_FORMAT`, …).
 *
 * Form schemas may carry these annotations beside the standard ones:
 * - `title` (Vietnamese label) and `x-title-en` (English label), rendered by the UI;
 * - `x-form`, the human form of a pattern (`YYYY-MM-DD`, `12 chữ số`), used in error messages;
 * - `x-widget`, a rendering hint for the UI (`textarea`, `unit`, `phone`).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { Temporal } from 'temporal-polyfill';
import { isPartialDate } from '../platform/dates.js';
import type { FieldError } from '../platform/errors.js';
import { fieldErrorsFromAjv } from '../platform/http/problem.js';
import type { ServiceDefinition } from './model.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

/** Keywords the form schemas may carry beside the standard vocabulary. */
export const FORM_ANNOTATIONS = ['x-title-en', 'x-form', 'x-widget'] as const;

function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv);
  // As the HTTP layer's Ajv (src/platform/http/server.ts): a date of birth as registered, YYYY, YYYY-MM or a real YYYY-MM-DD.
  ajv.addFormat('partial-date', { type: 'string', validate: isPartialDate });
  for (const k of FORM_ANNOTATIONS) ajv.addKeyword({ keyword: k, schemaType: 'string' });
  ajv.addKeyword({
    keyword: 'x-on-or-after',
    schemaType: 'object',
    metaSchema: { type: 'object', properties: { field: { type: 'string', minLength: 1 }, maxMonths: { type: 'integer', minimum: 1 } }, required: ['field'], additionalProperties: false },
    errors: true,
    validate: onOrAfter,
  });
  return ajv;
}

/** `2025-10` → the same text; compares two dates, full or partial, on the precision they share. */
function comparePartial(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  const x = a.slice(0, n);
  const y = b.slice(0, n);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * `x-on-or-after: {field, maxMonths?}` on a date field: the end of a period is not before the
 * date of its sibling `field` (compared on the precision both have, for partial dates) and, with
 * `maxMonths`, not after that date plus so many months (Temporal, end of month kept: 31 Dec + 2
 * months is 28/29 Feb). Nothing is said when either date is missing or malformed: `required` and
 * `format` report those. Error params: `{ min, max? }` (FIELD_OUT_OF_RANGE in the HTTP layer).
 */
function onOrAfter(rule: { field: string; maxMonths?: number }, data: unknown, _schema?: unknown, cxt?: { parentData: unknown }): boolean {
  const self = onOrAfter as unknown as { errors?: object[] };
  self.errors = [];
  const start = (cxt?.parentData as Record<string, unknown> | undefined)?.[rule.field];
  if (typeof data !== 'string' || typeof start !== 'string' || !isPartialDate(data) || !isPartialDate(start)) return true;
  const max = rule.maxMonths !== undefined && start.length === 10 ? Temporal.PlainDate.from(start).add({ months: rule.maxMonths }).toString() : undefined;
  if (comparePartial(data, start) >= 0 && (max === undefined || comparePartial(data, max) <= 0)) return true;
  self.errors.push({ keyword: 'x-on-or-after', params: { min: start, ...(max && { max }) }, message: max ? `must be between ${start} and ${max}` : `must not be before ${start}` });
  return false;
}

const ajv = newAjv();
/** A separate instance for checking administrators' schemas, emptied after each check. */
const checker = newAjv();
/** Compiled validators by `code@version`; entries never change once stored. */
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 500;

/**
 * Checks that `schema` is a JSON Schema (draft 2020-12) the platform can compile, whose root is an
 * object schema. Returns the compile error's message, or undefined when it is fine.
 */
export function formSchemaProblem(schema: unknown): string | undefined {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return 'the form schema must be a JSON object';
  if ((schema as { type?: unknown }).type !== 'object') return 'the form schema root must have "type": "object"';
  try {
    checker.compile(schema as object);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    checker.removeSchema();
  }
}

function validatorOf(service: Pick<ServiceDefinition, 'code' | 'formSchema'> & { version?: number }): ValidateFunction {
  const key = service.version === undefined ? undefined : `${service.code}@${service.version}`;
  const hit = key ? compiled.get(key) : undefined;
  if (hit) return hit;
  const fn = ajv.compile(service.formSchema);
  if (key) {
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, fn);
  }
  return fn;
}

/**
 * Every failing field of `data` against the service's form schema; empty when valid. Field paths
 * are `data.<field>` (`data.child.dateOfBirth`), the codes those of the error catalogue
 * (FIELD_REQUIRED, FIELD_UNKNOWN, FIELD_TYPE, FIELD_FORMAT, DATE_INVALID, FIELD_TOO_LONG,
 * FIELD_NOT_ALLOWED_VALUE, …). Throw `validationError(errors)` to answer 400 VALIDATION_FAILED.
 */
export function validateFormData(service: Pick<ServiceDefinition, 'code' | 'formSchema'> & { version?: number }, data: unknown): FieldError[] {
  const validate = validatorOf(service);
  if (validate(data)) return [];
  return fieldErrorsFromAjv('data', (validate.errors ?? []) as never);
}

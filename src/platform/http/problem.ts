/**
 * RFC 9457 problem details from the error catalogue. Every error the HTTP layer answers —
 * thrown AppErrors, schema validation failures, Fastify's own errors, unknown routes and
 * unexpected exceptions — leaves as `application/problem+json` with a stable `code`.
 *
 * Shape: `{type, title, status, detail, instance, code, requestId, errors?: [{field, code, detail}], …extensions}`
 * where `type` is `/api/problems#CODE` (listed by `GET /api/problems`), `title` the message
 * without parameters, `detail` the filled message, both in the request's language.
 */
import type { FastifyError, FastifyRequest } from 'fastify';
import { AppError, errorCatalogue, messageOf, type ErrorCode, type FieldError, type Language } from '../errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ErrorCode;
  requestId: string;
  errors?: { field: string; code: ErrorCode; detail: string }[];
  [extension: string]: unknown;
}

/**
 * The language of the answer: the best of `vi` (default) and `en` by `Accept-Language`, through
 * @fastify/accepts. A request the router refused before Fastify decorated it (a malformed URL)
 * lacks that decorator: its header is read here, taking the language of higher quality (RFC 9110
 * §12.5.4; a tie or neither named: Vietnamese).
 */
export function languageOf(request: FastifyRequest): Language {
  const languages = (request as unknown as { languages?: (l: string[]) => string | false }).languages;
  if (typeof languages === 'function') return languages.call(request, ['vi', 'en']) === 'en' ? 'en' : 'vi';
  const header = request.headers['accept-language'];
  const q = { vi: 0, en: 0 };
  for (const item of (typeof header === 'string' ? header : '').split(',')) {
    const [tag = '', ...params] = item.trim().toLowerCase().split(';');
    const lang = tag.split('-')[0];
    if (lang !== 'vi' && lang !== 'en') continue;
    const weight = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    q[lang] = Math.max(q[lang], weight === undefined ? 1 : Number(weight) || 0);
  }
  return q.en > q.vi ? 'en' : 'vi';
}

interface AjvErrorLike {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  parentSchema?: Record<string, unknown>;
  data?: unknown;
}

function fieldPath(context: string, instancePath: string, child?: unknown): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (typeof child === 'string') parts.push(child);
  const ctx = context === 'querystring' ? 'query' : context;
  return [ctx, ...parts].join('.');
}

/** Turns AJV validation errors (Fastify's `error.validation`) into catalogue field errors. */
export function fieldErrorsFromAjv(context: string, errors: AjvErrorLike[]): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const form = (e.parentSchema?.['x-form'] as string | undefined) ?? undefined;
    switch (e.keyword) {
      case 'required':
        out.push({ field: fieldPath(context, e.instancePath, e.params.missingProperty), code: 'FIELD_REQUIRED' });
        break;
      case 'additionalProperties':
        out.push({ field: fieldPath(context, e.instancePath, e.params.additionalProperty), code: 'FIELD_UNKNOWN' });
        break;
      case 'type':
        out.push({ field: fieldPath(context, e.instancePath), code: 'FIELD_TYPE', params: { expected: String(e.params.type) } });
        break;
      case 'format':
        out.push(
          e.params.format === 'date' || e.params.format === 'partial-date'
            ? { field: fieldPath(context, e.instancePath), code: 'DATE_INVALID', params: { value: String(e.data ?? '') } }
            : { field: fieldPath(context, e.instancePath), code: 'FIELD_FORMAT', params: { expected: form ?? String(e.params.format) } },
        );
        break;
      case 'pattern':
        out.push({ field: fieldPath(context, e.instancePath), code: 'FIELD_FORMAT', params: { expected: form ?? String(e.params.pattern) } });
        break;
      case 'maxLength':
      case 'maxItems':
        out.push({ field: fieldPath(context, e.instancePath), code: 'FIELD_TOO_LONG', params: { limit: Number(e.params.limit) } });
        break;
      case 'minLength':
      case 'minItems':
        out.push({ field: fieldPath(context, e.instancePath), code: 'FIELD_TOO_SHORT', params: { limit: Number(e.params.limit) } });
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const min = e.parentSchema?.minimum ?? '…';
        const max = e.parentSchema?.maximum ?? '…';
        out.push({ field: fieldPath(context, e.instancePath), code: 'FIELD_OUT_OF_RANGE', params: { expected: `${min}–${max}` } });
        break;
      }
      case 'x-on-or-after': {
        // The end of a period before its start, or beyond its longest term (src/services/forms.ts).
        const { min, max } = e.params as { min: string; max?: string };
        out.push({ field: fieldPath(context, e.instancePath), code: 'FIELD_OUT_OF_RANGE', params: { expected: max ? `${min}–${max}` : `≥ ${min}` } });
        break;
      }
      case 'enum':
        out.push({
          field: fieldPath(context, e.instancePath),
          code: 'FIELD_NOT_ALLOWED_VALUE',
          params: { expected: ((e.params.allowedValues as unknown[]) ?? []).join(', ') },
        });
        break;
      case 'const':
        out.push({ field: fieldPath(context, e.instancePath), code: 'FIELD_NOT_ALLOWED_VALUE', params: { expected: String(e.params.allowedValue) } });
        break;
      default:
        out.push({ field: fieldPath(context, e.instancePath), code: 'FIELD_INVALID' });
    }
  }
  // A union (anyOf) reports one error per branch plus its own: fold them into one per field.
  const anyOfFields = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => fieldPath(context, e.instancePath)));
  const folded: FieldError[] = [];
  const seen = new Set<string>();
  for (const f of out) {
    if (anyOfFields.has(f.field)) {
      if (seen.has(f.field)) continue;
      seen.add(f.field);
      const branches = errors.filter((e) => fieldPath(context, e.instancePath) === f.field && e.keyword !== 'anyOf');
      folded.push(
        branches.length > 0 && branches.every((e) => e.keyword === 'const')
          ? { field: f.field, code: 'FIELD_NOT_ALLOWED_VALUE', params: { expected: branches.map((e) => String(e.params.allowedValue)).join(', ') } }
          : { field: f.field, code: 'FIELD_INVALID' },
      );
      continue;
    }
    const k = `${f.field}|${f.code}`;
    if (seen.has(k)) continue;
    seen.add(k);
    folded.push(f);
  }
  return folded;
}

/**
 * Maps Fastify's built-in error codes onto the catalogue. BODY_MALFORMED reasons are given in
 * both languages (`reason_vi` for the Vietnamese message) so no English reaches a Vietnamese answer.
 */
function fromFastifyError(err: FastifyError, request: FastifyRequest): AppError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('BODY_TOO_LARGE', { limit: request.routeOptions.bodyLimit ?? '' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('MEDIA_TYPE_UNSUPPORTED', { mediaType: String(request.headers['content-type'] ?? '') });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('BODY_MALFORMED', { reason: 'empty JSON body', reason_vi: 'nội dung JSON trống' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_TYPE':
      return new AppError('BODY_MALFORMED', { reason: 'invalid JSON', reason_vi: 'không phải JSON hợp lệ' });
    default:
      break;
  }
  if (err instanceof SyntaxError || err.statusCode === 400) {
    return new AppError('BODY_MALFORMED', err.statusCode === 400 ? { reason: 'bad request', reason_vi: 'yêu cầu sai dạng' } : { reason: 'invalid JSON', reason_vi: 'không phải JSON hợp lệ' });
  }
  if (err.statusCode === 413) return new AppError('BODY_TOO_LARGE', { limit: request.routeOptions.bodyLimit ?? '' });
  if (err.statusCode === 415) return new AppError('MEDIA_TYPE_UNSUPPORTED', { mediaType: String(request.headers['content-type'] ?? '') });
  if (err.statusCode === 429) return new AppError('RATE_LIMITED', { retryAfter: '', wait_vi: 'ít phút', wait_en: 'a few minutes' });
  return undefined;
}

/** Normalises anything thrown by a handler into an AppError (unknown errors → INTERNAL_ERROR). */
export function toAppError(err: unknown, request: FastifyRequest): AppError {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError & { validation?: AjvErrorLike[]; validationContext?: string };
  if (fe && Array.isArray(fe.validation)) {
    const fieldErrors = fieldErrorsFromAjv(fe.validationContext ?? 'body', fe.validation);
    return new AppError('VALIDATION_FAILED', { count: fieldErrors.length }, { fieldErrors });
  }
  const mapped = fe && typeof fe === 'object' ? fromFastifyError(fe, request) : undefined;
  return mapped ?? new AppError('INTERNAL_ERROR', { requestId: request.id }, { cause: err });
}

/** The problem document for an AppError in one language. */
export function problemOf(err: AppError, lang: Language, request: FastifyRequest): ProblemDocument {
  const def = errorCatalogue[err.code];
  const doc: ProblemDocument = {
    type: `/api/problems#${err.code}`,
    title: def[lang].replace(/\{\w+(?:\|[^|{}]*\|[^|{}]*)?\}/g, '…'),
    status: err.status,
    detail: messageOf(err.messageCode, lang, { requestId: request.id, ...err.params }),
    instance: request.url.split('?')[0] ?? request.url,
    code: err.code,
    requestId: request.id,
    ...err.extensions,
  };
  if (err.fieldErrors.length > 0) {
    doc.errors = err.fieldErrors.map((f) => ({
      field: f.field,
      code: f.code,
      detail: messageOf(f.code, lang, { field: f.field, ...f.params }),
    }));
  }
  return doc;
}

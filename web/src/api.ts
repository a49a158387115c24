/**
 * Typed client of the platform API (same origin, `/api/v1`). Every call sends the UI language in
 * `Accept-Language` so that problem details come back in it. Failures throw {@link ApiError}
 * (the server answered a problem+json document) or {@link NetworkError} (no usable answer).
 */
import type { UnitDetailDto, UnitListDto, UnitListQuery, UnitViewDto } from '../../src/units/schemas.js';
import type { Lang } from './i18n.js';

export type { UnitDetailDto, UnitListDto, UnitViewDto };
export type UnitLevel = UnitViewDto['level'];
export type UnitType = UnitViewDto['type'];
export type UnitRef = UnitViewDto['path'][number];
export type UnitLink = UnitDetailDto['successors'][number];

/** RFC 9457 problem document as the server writes it (extensions vary by `code`). */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code: string;
  detail: string;
  requestId?: string;
  errors?: { field: string; code: string; detail: string }[];
  /** UNIT_NOT_FOUND: where the unit went when it was merged or renamed. */
  successors?: UnitLink[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = 'ApiError';
  }
}

export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('network error', { cause });
    this.name = 'NetworkError';
  }
}

export interface CallOptions {
  lang: Lang;
  signal?: AbortSignal;
}

type QueryValue = string | number | undefined;

async function getJson<T>(path: string, query: Record<string, QueryValue>, { lang, signal }: CallOptions): Promise<T> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  const url = qs ? `${path}?${qs}` : path;
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json', 'accept-language': lang }, signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new NetworkError(err);
  }
  const isJson = /json/.test(response.headers.get('content-type') ?? '');
  const body: unknown = isJson ? await response.json().catch(() => undefined) : undefined;
  if (response.ok && body !== undefined) return body as T;
  if (isProblem(body)) throw new ApiError(body);
  // A proxy or gateway answered something that is not ours.
  throw new NetworkError(new Error(`HTTP ${response.status}`));
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Problem).code === 'string' && typeof (body as Problem).detail === 'string';
}

export function listUnits(query: UnitListQuery, options: CallOptions): Promise<UnitListDto> {
  return getJson<UnitListDto>('/api/v1/units', { ...query }, options);
}

export function getUnit(code: string, at: string | undefined, options: CallOptions): Promise<UnitDetailDto> {
  return getJson<UnitDetailDto>(`/api/v1/units/${encodeURIComponent(code)}`, { at }, options);
}

/**
 * Calls of the dashboard (src/reports/routes.ts, src/reports/geo.ts), with the answer shapes taken
 * from the server's schemas (never redefined here).
 */
import type { Static } from 'typebox';
import type { MapsSchema } from '../../../../src/reports/geo.js';
import type { CatalogueSchema, DashboardQuerySchema, DashboardSchema } from '../../../../src/reports/schemas.js';
import { call, type CallOptions } from '../../api.js';

export type DashboardDto = Static<typeof DashboardSchema>;
export type DashboardQuery = Static<typeof DashboardQuerySchema>;
export type DashboardCardDto = DashboardDto['cards'][number];
export type RankingRowDto = DashboardDto['ranking']['rows'][number];
export type RankingColumnDto = DashboardDto['ranking']['columns'][number];
export type ReportUnitDto = NonNullable<DashboardDto['unit']>;
export type IndicatorFormat = DashboardCardDto['format'];
export type Boundaries = DashboardDto['boundaries'];
export type CatalogueDto = Static<typeof CatalogueSchema>;
export type MapsDto = Static<typeof MapsSchema>;

/** `GET /reports/dashboard`: cards, series and ranking of a unit over `from`..`to`. */
export function getDashboard(query: DashboardQuery, options: CallOptions): Promise<DashboardDto> {
  return call<DashboardDto>('/api/v1/reports/dashboard', { ...options, query: { ...query, cumulative: query.cumulative ? 'true' : undefined } });
}

/** `GET /reports/catalogue`: indicator definitions and the labels of breakdown values (sectors, channels). */
export function getCatalogue(options: CallOptions): Promise<CatalogueDto> {
  return call<CatalogueDto>('/api/v1/reports/catalogue', options);
}

/** `GET /reports/maps`: where the province boundaries are, or null when no map is configured. */
export function getMaps(options: CallOptions): Promise<MapsDto> {
  return call<MapsDto>('/api/v1/reports/maps', options);
}

/** A GeoJSON FeatureCollection (RFC 7946) as the map needs it: features with `properties.code`. */
export interface Boundaries2D {
  type: 'FeatureCollection';
  features: { type: 'Feature'; properties: { code: string; name?: string; fullName?: string }; geometry: unknown }[];
}

/** A boundary file served at `/geo/…` (no token needed: public reference data). */
export function getBoundaries(path: string, options: CallOptions): Promise<Boundaries2D> {
  return call<Boundaries2D>(path, { ...options, auth: 'none', accept: 'application/geo+json, application/json' });
}

/** `GET /reports/monthly.xlsx|pdf` of a unit and month (downloaded with the session's token). */
export function monthlyPath(format: 'xlsx' | 'pdf', q: { unit?: string; month: string; boundaries: Boundaries }): string {
  const params = new URLSearchParams({ month: q.month, boundaries: q.boundaries });
  if (q.unit) params.set('unit', q.unit);
  return `/api/v1/reports/monthly.${format}?${params}`;
}

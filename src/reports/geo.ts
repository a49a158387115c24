/**
 * Boundary files for the dashboard's choropleth map. The project ships no boundary file of its own
 * (licences and size: shared/data/geo/README.md); an operator points MOTCUA_GEO_DIR at a directory
 * of GeoJSON FeatureCollections (RFC 7946) whose features carry the GSO unit code in
 * `properties.code` (e.g. `../shared/data/geo`, the 34 provinces from 1 July 2025).
 *
 * - `GET /geo/{name}.geojson` — a file of that directory, read-only, `application/geo+json`
 *   (RFC 7946 §12), cached for a day; 404 `ROUTE_NOT_FOUND` for any other name or when unset;
 * - `GET /api/v1/reports/maps` (`reports.read`) — where the UI finds the province boundaries,
 *   `null` when no map is configured (the dashboard then shows no map).
 *
 * Only the names listed when the server starts are served: no path from the request reaches the
 * file system.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Type } from 'typebox';
import { Nullable } from '../platform/http/schemas.js';
import { AppError } from '../platform/errors.js';
import type { Api, AppContext } from '../platform/module.js';

const GEOJSON = /^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.geojson$/;

/** The `*.geojson` files of `dir` by name (empty when `dir` is unset or unreadable). */
export function geoFiles(dir: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!dir) return out;
  const root = path.resolve(dir);
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return out;
  }
  for (const name of names.sort()) if (GEOJSON.test(name) && fs.statSync(path.join(root, name)).isFile()) out.set(name, path.join(root, name));
  return out;
}

/**
 * The file of province boundaries among `names`: a simplified one (lighter for phones) when there
 * is one, else any file named after provinces; undefined when none is.
 */
export function provinceFile(names: readonly string[]): string | undefined {
  const provinces = names.filter((n) => /province/i.test(n));
  return provinces.find((n) => /simplified/i.test(n)) ?? provinces[0];
}

export const MapsSchema = Type.Object({
  provinces: Nullable(Type.String({ description: 'Path of the GeoJSON FeatureCollection of province boundaries (`properties.code`: 2-digit GSO code).' })),
});

/** `GET /api/v1/reports/maps`: which boundary files the dashboard can draw. */
export async function geoApiRoutes(api: Api, ctx: AppContext): Promise<void> {
  const file = provinceFile([...geoFiles(ctx.config.geoDir).keys()]);
  api.get(
    '/reports/maps',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags: ['reports'],
        summary: 'Boundary files for the dashboard map',
        description: 'The path (under `/geo/`) of the GeoJSON province boundaries configured with MOTCUA_GEO_DIR, or null when none is: the dashboard then draws no map.',
        response: { 200: MapsSchema },
      },
    },
    async () => ({ provinces: file ? `/geo/${file}` : null }),
  );
}

/** `GET /geo/{name}`: the GeoJSON files of MOTCUA_GEO_DIR, read-only. */
export async function geoFileRoutes(app: Api, ctx: AppContext): Promise<void> {
  const files = geoFiles(ctx.config.geoDir);
  app.get(
    '/geo/:name',
    {
      schema: {
        tags: ['reports'],
        summary: 'A boundary file (GeoJSON) for the dashboard map',
        description: 'A FeatureCollection of MOTCUA_GEO_DIR as `application/geo+json` (RFC 7946). 404 `ROUTE_NOT_FOUND` for a name not in that directory or when it is not configured.',
        params: Type.Object({ name: Type.String({ maxLength: 130 }) }),
      },
    },
    async (request, reply) => {
      const file = files.get(request.params.name);
      if (!file) throw new AppError('ROUTE_NOT_FOUND', { method: 'GET', path: `/geo/${request.params.name.slice(0, 130)}` });
      return reply.type('application/geo+json').header('cache-control', 'public, max-age=86400').send(fs.createReadStream(file));
    },
  );
}

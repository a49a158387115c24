/**
 * Client of the public-services catalog API (`/api/v1/services…`, src/services/routes.ts) and of
 * the receiving agencies (`/api/v1/dossier-agencies`). Shapes are the server's TypeBox schemas
 * (src/services/schemas.ts, src/dossiers/schemas.ts); failures throw as every call of
 * web/src/api.ts does.
 */
import type { Static } from 'typebox';
import type { AgencyBodySchema, AgencySchema } from '../../../../src/dossiers/schemas.js';
import type { DeployedSchema, DeploymentStateSchema, ServiceListQuerySchema, ServiceListSchema, ServiceSchema } from '../../../../src/services/schemas.js';
import { call, type CallOptions } from '../../api.js';

export type Service = Static<typeof ServiceSchema>;
export type ServiceList = Static<typeof ServiceListSchema>;
export type ServiceListQuery = Static<typeof ServiceListQuerySchema>;
export type Deployed = Static<typeof DeployedSchema>;
export type DeploymentState = Static<typeof DeploymentStateSchema>;
export type Agency = Static<typeof AgencySchema>;
export type AgencyInput = Static<typeof AgencyBodySchema>;

const BASE = '/api/v1/services';
/** The whole catalog fits one page (27 entries; the API allows 200). */
const ALL = { page: 1, pageSize: 200 };

const enc = encodeURIComponent;

export const listServices = (q: Omit<ServiceListQuery, 'page' | 'pageSize'>, o: CallOptions) =>
  call<ServiceList>(BASE, { ...o, query: { ...ALL, sector: q.sector, kind: q.kind, essential: q.essential === undefined ? undefined : String(q.essential), unit: q.unit, on: q.on, q: q.q } });
export const getService = (code: string, o: CallOptions, version?: number) => call<Service>(`${BASE}/${enc(code)}`, { ...o, query: { version } });
/** "x of 25 essential services deployed" at a unit on a date (default today). */
export const getDeployed = (unit: string, o: CallOptions, on?: string) => call<Deployed>(`${BASE}/deployments`, { ...o, query: { unit, on } });
export const getDeployment = (code: string, unit: string, o: CallOptions) => call<DeploymentState>(`${BASE}/${enc(code)}/deployments/${enc(unit)}`, o);
/** Deploys the service at the unit from `from` (inclusive, Vietnam date); services.manage. */
export const deploy = (code: string, unit: string, from: string, o: CallOptions) => call<DeploymentState>(`${BASE}/${enc(code)}/deployments/${enc(unit)}`, { ...o, method: 'PUT', json: { from } });
/** Withdraws the service from the unit from `from` (the first day no longer offered); services.manage. */
export const withdraw = (code: string, unit: string, from: string, o: CallOptions) => call<DeploymentState>(`${BASE}/${enc(code)}/deployments/${enc(unit)}`, { ...o, method: 'DELETE', query: { from } });

export const listAgencies = (o: CallOptions) => call<Agency[]>('/api/v1/dossier-agencies', o);
export const saveAgency = (unit: string, input: AgencyInput, o: CallOptions) => call<Agency>(`/api/v1/dossier-agencies/${enc(unit)}`, { ...o, method: 'PUT', json: input });

/**
 * Client of the single sign-on API (`/api/v1/sso/…`, src/sso/routes.ts). Shapes are the server's
 * TypeBox schemas (src/sso/schemas.ts); failures throw as every call of web/src/api.ts does. The
 * registry calls use the staff session (`sso.manage`); the consent calls are made in the citizen's
 * name (`auth: 'citizen'`, their e-ID session).
 */
import type { Static } from 'typebox';
import type { ClientChange, ClientCreate, ClientListSchema, ClientSchema, ClientUpdateResultSchema, ClientWithSecretSchema, ConsentListSchema, SecretSchema } from '../../../../src/sso/schemas.js';
import { call, type CallOptions } from '../../api.js';

export type { ClientChange, ClientCreate };
export type Client = Static<typeof ClientSchema>;
export type ClientList = Static<typeof ClientListSchema>;
export type ClientWithSecret = Static<typeof ClientWithSecretSchema>;
export type ClientUpdateResult = Static<typeof ClientUpdateResultSchema>;
export type NewSecret = Static<typeof SecretSchema>;
export type ConsentList = Static<typeof ConsentListSchema>;
export type Consent = ConsentList['items'][number];

const BASE = '/api/v1/sso';
const citizen = (o: CallOptions): CallOptions => ({ ...o, auth: 'citizen' });

// --- the registry of portals (administrators) --------------------------------------------------------

/** `GET /sso/clients`: the registered portals by client id, a page at a time (at most 200). */
export const listClients = (page: { page: number; pageSize: number }, o: CallOptions) => call<ClientList>(`${BASE}/clients`, { ...o, query: { ...page } });
/** `POST /sso/clients`: registers a portal; its client secret (client_secret_basic) comes back this once. */
export const createClient = (body: ClientCreate, o: CallOptions) => call<ClientWithSecret>(`${BASE}/clients`, { ...o, method: 'POST', json: body });
/** `PATCH /sso/clients/{id}`: changes it, or disables it (`status: 'disabled'`: its tokens are revoked). */
export const updateClient = (id: string, change: ClientChange, o: CallOptions) => call<ClientUpdateResult>(`${BASE}/clients/${encodeURIComponent(id)}`, { ...o, method: 'PATCH', json: change });
/** `POST /sso/clients/{id}/secret`: a new client secret, shown once; the old one stops at once. */
export const newClientSecret = (id: string, o: CallOptions) => call<NewSecret>(`${BASE}/clients/${encodeURIComponent(id)}/secret`, { ...o, method: 'POST' });

// --- the citizen's consents ---------------------------------------------------------------------------

/** `GET /sso/consents`: the citizen's live consents, newest first, with the fields each releases labelled. */
export const myConsents = (page: { page: number; pageSize: number }, o: CallOptions) => call<ConsentList>(`${BASE}/consents`, { ...citizen(o), query: { ...page } });
/** `DELETE /sso/consents/{id}`: withdraws a consent; the portal's grants and tokens are revoked at once. */
export const revokeConsent = (id: number, o: CallOptions) => call<void>(`${BASE}/consents/${id}`, { ...citizen(o), method: 'DELETE', accept: '*/*' });

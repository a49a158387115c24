/**
 * HTTP routes of the single sign-on under `/api/v1` (the provider itself lives at `/oidc`, see
 * src/sso/http.ts):
 * - administrators (`sso.manage`): `POST /sso/clients` registers a portal (201, with its client
 *   secret shown once), `GET /sso/clients`, `GET /sso/clients/{id}`, `PATCH /sso/clients/{id}`
 *   (disabling it or raising its level revokes its tokens), `POST /sso/clients/{id}/secret`;
 * - citizens (`self.account`, an e-ID session): `GET /sso/consents` lists what they agreed to
 *   share with which portal, until when; `DELETE /sso/consents/{id}` withdraws it and revokes the
 *   portal's tokens at once.
 */
import { Type } from 'typebox';
import { actorOf, citizenOf, staffOf } from '../platform/auth.js';
import { pageWindow } from '../platform/http/pagination.js';
import type { Api } from '../platform/module.js';
import { myConsents, revokeMyConsent, CONSENT_DAYS } from './consents.js';
import type { SsoRuntime } from './runtime.js';
import {
  ClientChangeSchema,
  ClientCreateSchema,
  ClientListSchema,
  ClientParamsSchema,
  ClientSchema,
  ClientUpdateResultSchema,
  ClientWithSecretSchema,
  ConsentListSchema,
  ConsentParamsSchema,
  PageQuerySchema,
  SecretSchema,
} from './schemas.js';

const ADMIN_TAGS = ['sso'];
const CITIZEN_AUTH = 'Needs a citizen session: `Authorization: Bearer eid.…` from `POST /api/v1/eid/sessions`.';

export async function ssoRoutes(api: Api, rt: SsoRuntime): Promise<void> {
  const { clients, ctx } = rt;

  api.post(
    '/sso/clients',
    {
      config: { permission: 'sso.manage' },
      schema: {
        tags: ADMIN_TAGS,
        summary: 'Register a portal as an OpenID Connect client',
        description:
          'Exact redirect URIs, the sector of its pairwise subjects, the assurance level it requires (1 or 2), the scopes it may ask for, its purpose and logo, and its authentication at the token endpoint. The client secret (`client_secret_basic`) is answered once and stored sealed. Errors: 409 `SSO_CLIENT_EXISTS`; 400 `SSO_REDIRECT_URI_INVALID`, `SSO_SECTOR_INVALID`, `SSO_LOGO_INVALID`, `SSO_JWKS_REQUIRED`, `SSO_JWKS_INVALID`. Audited.',
        body: ClientCreateSchema,
        response: { 201: ClientWithSecretSchema },
      },
    },
    async (request, reply) => {
      staffOf(request);
      return reply.code(201).send(await clients.create(request.body, actorOf(request)));
    },
  );

  api.get(
    '/sso/clients',
    { config: { permission: 'sso.manage' }, schema: { tags: ADMIN_TAGS, summary: 'The registered portals', description: 'By client id; `page`/`pageSize`.', querystring: PageQuerySchema, response: { 200: ClientListSchema } } },
    async (request) => clients.list(pageWindow(request.query)),
  );

  api.get(
    '/sso/clients/:id',
    { config: { permission: 'sso.manage' }, schema: { tags: ADMIN_TAGS, summary: 'One registered portal', description: '404 `SSO_CLIENT_NOT_FOUND`.', params: ClientParamsSchema, response: { 200: ClientSchema } } },
    async (request) => clients.get(request.params.id),
  );

  api.patch(
    '/sso/clients/:id',
    {
      config: { permission: 'sso.manage' },
      schema: {
        tags: ADMIN_TAGS,
        summary: 'Change a portal',
        description:
          'Any of the registration fields, or `status: disabled`. Disabling the portal, changing its sector or raising its required level revokes every code, token and grant it holds (a portal that now needs level 2 keeps nothing from a level-1 sign-in). Errors as for registration, and 404 `SSO_CLIENT_NOT_FOUND`. Audited.',
        params: ClientParamsSchema,
        body: ClientChangeSchema,
        response: { 200: ClientUpdateResultSchema },
      },
    },
    async (request) => clients.update(request.params.id, request.body, actorOf(request)),
  );

  api.post(
    '/sso/clients/:id/secret',
    {
      config: { permission: 'sso.manage' },
      schema: { tags: ADMIN_TAGS, summary: 'A new client secret', description: 'The old secret stops working at once; the new one is answered once. 409 `SSO_CLIENT_NO_SECRET` for a `private_key_jwt` portal. Audited.', params: ClientParamsSchema, response: { 200: SecretSchema } },
    },
    async (request) => clients.newSecret(request.params.id, actorOf(request)),
  );

  api.get(
    '/sso/consents',
    {
      config: { permission: 'self.account' },
      schema: {
        tags: ['sso', 'e-ID'],
        summary: 'What I agreed to share with which portal',
        description: `${CITIZEN_AUTH} My live consents, newest first: the portal, its purpose, the registry fields it receives, until when (consents last ${CONSENT_DAYS} days). Each release of the data is in my access log (\`GET /api/v1/eid/me/history\`).`,
        querystring: PageQuerySchema,
        response: { 200: ConsentListSchema },
      },
    },
    async (request) => myConsents(ctx.db, citizenOf(request).accountId, pageWindow(request.query)),
  );

  api.delete(
    '/sso/consents/:id',
    {
      config: { permission: 'self.account' },
      schema: {
        tags: ['sso', 'e-ID'],
        summary: 'Withdraw a consent',
        description: `${CITIZEN_AUTH} The portal's grants, codes and tokens for me are revoked at once; its next sign-in asks for consent again. Withdrawing the consent given to motcua's own citizen pages (client \`motcua\`) also ends my e-ID sessions. 404 \`SSO_CONSENT_NOT_FOUND\` for a consent not mine, already withdrawn or expired. Audited.`,
        params: ConsentParamsSchema,
        response: { 204: Type.Null({ description: 'Withdrawn.' }) },
      },
    },
    async (request, reply) => {
      const p = citizenOf(request);
      await revokeMyConsent(ctx.db, { accountId: p.accountId, pin: p.pin }, request.params.id, actorOf(request));
      return reply.code(204).send(null);
    },
  );
}

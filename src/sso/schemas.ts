/** Request and response shapes of the single sign-on API (`/api/v1/sso/clients`, `/api/v1/sso/consents`). */
import { Type, type Static } from 'typebox';
import { Nullable } from '../platform/http/schemas.js';
import { pagedSchema, pageQueryProperties } from '../platform/http/pagination.js';
import { CLIENT_ID_PATTERN } from './clients.js';
import { PORTAL_SCOPES } from './scopes.js';

const enumOf = <T extends string>(values: readonly T[], description?: string) => Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

const Level = Type.Unsafe<1 | 2>({ type: 'integer', enum: [1, 2], description: 'Assurance level the portal requires: the e-ID account level (Decree 69/2024/NĐ-CP), `acr` `urn:motcua:loa:1` or `urn:motcua:loa:2`.' });
const Uri = Type.String({ minLength: 8, maxLength: 2000, description: 'Absolute URI, compared exactly: https (http only to 127.0.0.1, [::1] or localhost), no fragment.' });
const Scope = enumOf(PORTAL_SCOPES, '`profile`: name, birthdate, gender; `vn_pin`: identification number; `address`: residences; `household`: household number, relation, head of household.');
const Jwk = Type.Record(Type.String(), Type.Unknown());
const Jwks = Type.Object({ keys: Type.Array(Jwk, { minItems: 1, maxItems: 10 }) }, { additionalProperties: false, description: 'The portal’s public keys (RFC 7517) for `private_key_jwt`: EC, RSA or OKP; never private members.' });

const clientFields = {
  name: Type.String({ minLength: 1, maxLength: 200, description: 'Name shown to citizens on the sign-in and consent pages.' }),
  redirectUris: Type.Array(Uri, { minItems: 1, maxItems: 10 }),
  postLogoutRedirectUris: Type.Array(Uri, { maxItems: 10 }),
  sector: Type.String({ minLength: 3, maxLength: 253, pattern: '^[a-z0-9.-]+$', 'x-form': 'tên miền, vd. dichvucong.haiduong.gov.vn', description: 'Sector of the pairwise subject (a domain name): portals of one sector see the same `sub`. Default: the host of the first redirect URI.' }),
  requiredLevel: Level,
  scopes: Type.Array(Scope, { maxItems: PORTAL_SCOPES.length, uniqueItems: true, description: 'Scopes the portal may ask for, beyond `openid`.' }),
  purpose: Type.String({ minLength: 1, maxLength: 500, description: 'Why the portal needs the data, in Vietnamese (shown on the consent page, kept in the audit log of every release).' }),
  purposeEn: Nullable(Type.String({ minLength: 1, maxLength: 500 })),
  logoUri: Nullable(Type.String({ minLength: 9, maxLength: 2000, description: 'https URL of the portal’s logo.' })),
  authMethod: enumOf(['client_secret_basic', 'private_key_jwt'] as const, 'Authentication at the token endpoint: a client secret in HTTP Basic, or a JWT signed with the portal’s key (RFC 7523).'),
  jwks: Type.Union([Jwks, Type.Null()]),
  idTokenAlg: enumOf(['ES256', 'RS256'] as const, 'Signature of ID tokens (ES256 by default; RS256 for libraries that need RSA).'),
};

export const ClientCreateSchema = Type.Object(
  {
    id: Type.String({ pattern: CLIENT_ID_PATTERN, 'x-form': 'a-z, 0-9, . _ - (3–64 ký tự)', description: 'The `client_id`.' }),
    name: clientFields.name,
    redirectUris: clientFields.redirectUris,
    postLogoutRedirectUris: Type.Optional(clientFields.postLogoutRedirectUris),
    sector: Type.Optional(clientFields.sector),
    requiredLevel: Type.Optional(clientFields.requiredLevel),
    scopes: clientFields.scopes,
    purpose: clientFields.purpose,
    purposeEn: Type.Optional(clientFields.purposeEn),
    logoUri: Type.Optional(clientFields.logoUri),
    authMethod: Type.Optional(clientFields.authMethod),
    jwks: Type.Optional(clientFields.jwks),
    idTokenAlg: Type.Optional(clientFields.idTokenAlg),
  },
  { additionalProperties: false },
);
export type ClientCreate = Static<typeof ClientCreateSchema>;

export const ClientChangeSchema = Type.Object(
  {
    name: Type.Optional(clientFields.name),
    redirectUris: Type.Optional(clientFields.redirectUris),
    postLogoutRedirectUris: Type.Optional(clientFields.postLogoutRedirectUris),
    sector: Type.Optional(clientFields.sector),
    requiredLevel: Type.Optional(clientFields.requiredLevel),
    scopes: Type.Optional(clientFields.scopes),
    purpose: Type.Optional(clientFields.purpose),
    purposeEn: Type.Optional(clientFields.purposeEn),
    logoUri: Type.Optional(clientFields.logoUri),
    authMethod: Type.Optional(clientFields.authMethod),
    jwks: Type.Optional(clientFields.jwks),
    idTokenAlg: Type.Optional(clientFields.idTokenAlg),
    status: Type.Optional(enumOf(['active', 'disabled'] as const, '`disabled`: the portal can no longer sign anyone in; its codes, tokens and grants are revoked.')),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ClientChange = Static<typeof ClientChangeSchema>;

export const ClientSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  redirectUris: Type.Array(Type.String()),
  postLogoutRedirectUris: Type.Array(Type.String()),
  sector: Type.String(),
  requiredLevel: Type.Integer(),
  scopes: Type.Array(Type.String()),
  purpose: Type.String(),
  purposeEn: Nullable(Type.String()),
  logoUri: Nullable(Type.String()),
  authMethod: Type.String(),
  jwks: Type.Union([Type.Object({ keys: Type.Array(Jwk) }), Type.Null()]),
  idTokenAlg: Type.String(),
  status: Type.String(),
  createdAt: Type.String(),
  createdBy: Type.String(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});

export const ClientWithSecretSchema = Type.Object({
  client: ClientSchema,
  clientSecret: Type.Union([Type.String(), Type.Null()], { description: 'The client secret, shown only now (null for private_key_jwt or when unchanged).' }),
});

export const ClientUpdateResultSchema = Type.Object({
  client: ClientSchema,
  clientSecret: Type.Union([Type.String(), Type.Null()], { description: 'A new client secret when the change moved the portal to client_secret_basic; null otherwise.' }),
  revokedArtifacts: Type.Integer({ minimum: 0, description: 'Codes, tokens and grants revoked (disabled, sector changed or required level raised).' }),
});

export const SecretSchema = Type.Object({ clientId: Type.String(), clientSecret: Type.String() });

export const ClientParamsSchema = Type.Object({ id: Type.String({ pattern: CLIENT_ID_PATTERN, 'x-form': 'client_id' }) }, { additionalProperties: false });
export const PageQuerySchema = Type.Object({ ...pageQueryProperties }, { additionalProperties: false });
export const ClientListSchema = pagedSchema(ClientSchema);

export const ConsentSchema = Type.Object({
  id: Type.Integer(),
  client: Type.Object({ id: Type.String(), name: Type.String(), logoUri: Nullable(Type.String()), purpose: Type.String(), purposeEn: Nullable(Type.String()) }),
  scopes: Type.Array(Type.String()),
  claims: Type.Array(Type.String()),
  fields: Type.Object({ vi: Type.Array(Type.String()), en: Type.Array(Type.String()) }, { description: 'The registry fields the consent releases, labelled.' }),
  grantedAt: Type.String(),
  expiresAt: Type.String(),
});
export const ConsentListSchema = pagedSchema(ConsentSchema);
export const ConsentParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) }, { additionalProperties: false });

/**
 * Staff sign-in over HTTP, under `/api/v1`:
 * - `POST /staff/sessions {username, password}` → `{token, expiresAt, staff}`; 401
 *   STAFF_CREDENTIALS_INVALID for any wrong combination (no hint whether the account exists).
 * - `GET /staff/me` → the signed-in account and its permissions.
 * - `DELETE /staff/sessions/current` → ends the session of the bearer token.
 */
import { Type } from 'typebox';
import { bearerToken } from '../platform/auth.js';
import { AppError } from '../platform/errors.js';
import type { Api, AppContext } from '../platform/module.js';
import { StaffMeSchema, StaffSessionSchema, StaffSignInSchema } from './schemas.js';
import { signInStaff, signInThrottles, signOutStaff } from './staff.js';

export async function identityRoutes(api: Api, ctx: AppContext): Promise<void> {
  const throttles = signInThrottles(ctx.config.redisUrl);
  api.post(
    '/staff/sessions',
    {
      schema: {
        tags: ['staff'],
        summary: 'Staff sign-in',
        description: 'Passwords are verified with Argon2id (OWASP parameters). Any wrong combination answers 401 `STAFF_CREDENTIALS_INVALID`; after 10 failures for an account (or 50 from an address) in 15 minutes, 429 `RATE_LIMITED` with `Retry-After` for 15 minutes.',
        body: StaffSignInSchema,
        response: { 201: StaffSessionSchema },
        security: [],
      },
    },
    async (request, reply) => reply.code(201).send(await signInStaff(ctx.db, request.body.username, request.body.password, request.ip, throttles)),
  );

  api.get(
    '/staff/me',
    { schema: { tags: ['staff'], summary: 'The signed-in staff account', response: { 200: StaffMeSchema } } },
    async (request) => {
      const p = request.principal;
      if (!p) throw new AppError('UNAUTHENTICATED');
      return { username: p.username, displayName: p.displayName, role: p.role, unitCode: p.unitCode, permissions: [...p.permissions] };
    },
  );

  api.delete('/staff/sessions/current', { schema: { tags: ['staff'], summary: 'Sign out (end this session)', response: { 204: Type.Null({ description: 'Signed out.' }) } } }, async (request, reply) => {
    const token = bearerToken(request);
    if (token) await signOutStaff(ctx.db, token);
    return reply.code(204).send(null);
  });
}

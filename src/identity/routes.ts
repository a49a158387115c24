/**
 * Staff sign-in over HTTP, under `/api/v1`:
 * - `POST /staff/sessions {username, password, otp?}` → 201 `{token, expiresAt, staff}`, a new
 *   token at every sign-in; a staff bearer token sent with it ends. 401 STAFF_CREDENTIALS_INVALID
 *   for any wrong combination (no hint whether the account exists); once the password is right,
 *   401 STAFF_OTP_REQUIRED / STAFF_OTP_INVALID for a missing / wrong or replayed code. With
 *   `MOTCUA_STAFF_TOTP=required` (the default) an account without a second factor gets no session
 *   but 200 `{enrolment: {token, expiresAt, secret, uri, …}}`, confirmed by
 * - `POST /staff/sessions/totp-enrolment {token, otp}` → 201 `{token, expiresAt, staff}`: the
 *   secret becomes the account's second factor and the session opens.
 * - `GET /staff/me` → the signed-in account and its permissions.
 * - `DELETE /staff/sessions/current` → ends the session of the bearer token.
 */
import { Type } from 'typebox';
import { bearerToken, staffOf } from '../platform/auth.js';
import { dataCipherFromEnv, type DataCipher } from '../platform/crypto.js';
import type { Api, AppContext } from '../platform/module.js';
import { StaffMeSchema, StaffSessionSchema, StaffSignInSchema, StaffTotpConfirmSchema, StaffTotpEnrolmentSchema } from './schemas.js';
import { confirmStaffTotpEnrolment, signInOrEnrolStaff, signInThrottles, signOutStaff, TOTP_ENROLMENT_MINUTES } from './staff.js';

const LIMITS = 'After 10 failures for an account (or 50 from an address) in 15 minutes, 429 `RATE_LIMITED` with `Retry-After` for 15 minutes.';

/** The staff routes; `cipher` seals the TOTP secrets (default: `MOTCUA_DATA_KEY`). */
export async function identityRoutes(api: Api, ctx: AppContext, cipher?: DataCipher): Promise<void> {
  const throttles = signInThrottles(ctx.config.redisUrl);
  const options = { throttles, cipher: cipher ?? dataCipherFromEnv(process.env, (m) => ctx.logger.warn(m)) };
  api.post(
    '/staff/sessions',
    {
      schema: {
        tags: ['staff'],
        summary: 'Staff sign-in',
        description: [
          'A new random token at every sign-in; a staff bearer token sent with the request (a tab signing in again) is ended. Passwords are verified with Argon2id (OWASP parameters).',
          'Any wrong combination answers 401 `STAFF_CREDENTIALS_INVALID`, whether or not the account exists. Once the password is right, an account with a second factor (TOTP, RFC 6238: SHA-1, 6 digits, 30 s) needs `otp`: 401 `STAFF_OTP_REQUIRED` without it, 401 `STAFF_OTP_INVALID` for a wrong or already used code (counted as a failure).',
          `With \`MOTCUA_STAFF_TOTP=required\` (the default), an account without a second factor gets no session but **200** \`{enrolment}\`: a secret for an authenticator app (shown once; \`uri\` for a QR code) and a token to confirm it with a code within ${TOTP_ENROLMENT_MINUTES} minutes at \`POST /api/v1/staff/sessions/totp-enrolment\`, which opens the session.`,
          LIMITS,
        ].join('\n\n'),
        body: StaffSignInSchema,
        response: { 200: StaffTotpEnrolmentSchema, 201: StaffSessionSchema },
        security: [],
      },
    },
    async (request, reply) => {
      const { username, password, otp } = request.body;
      // A staff session the request came with (a tab signing in again) ends with the new sign-in.
      const replacing = request.principal?.kind === 'staff' ? bearerToken(request) : undefined;
      const answer = await signInOrEnrolStaff(ctx.db, username, password, request.ip, { ...options, otp, totp: ctx.config.staffTotp, replacing });
      return 'enrolment' in answer ? reply.code(200).send(answer) : reply.code(201).send(answer);
    },
  );

  api.post(
    '/staff/sessions/totp-enrolment',
    {
      schema: {
        tags: ['staff'],
        summary: 'Confirm two-factor enrolment and sign in',
        description: `The \`enrolment.token\` of a sign-in and a current code of the authenticator app its secret was added to: the secret becomes the account's second factor (every later sign-in needs a code) and a session opens, as at sign-in. The token confirms once. 401 \`STAFF_OTP_INVALID\` for a wrong code (counted as a failed sign-in; the token stays usable until it expires); 401 \`STAFF_TOTP_ENROLMENT_EXPIRED\` for an unknown, used or expired token (sign in again). ${LIMITS}`,
        body: StaffTotpConfirmSchema,
        response: { 201: StaffSessionSchema },
        security: [],
      },
    },
    async (request, reply) => {
      const replacing = request.principal?.kind === 'staff' ? bearerToken(request) : undefined;
      return reply.code(201).send(await confirmStaffTotpEnrolment(ctx.db, request.body.token, request.body.otp, request.ip, { ...options, replacing }));
    },
  );

  api.get(
    '/staff/me',
    { schema: { tags: ['staff'], summary: 'The signed-in staff account', response: { 200: StaffMeSchema } } },
    async (request) => {
      const p = staffOf(request);
      return { username: p.username, displayName: p.displayName, role: p.role, unitCode: p.unitCode, unitDate: p.unitDate, permissions: [...p.permissions] };
    },
  );

  api.delete('/staff/sessions/current', { schema: { tags: ['staff'], summary: 'Sign out (end this session)', response: { 204: Type.Null({ description: 'Signed out.' }) } } }, async (request, reply) => {
    const token = bearerToken(request);
    if (token) await signOutStaff(ctx.db, token);
    return reply.code(204).send(null);
  });
}

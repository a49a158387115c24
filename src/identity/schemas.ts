/** Request and response shapes of the identity API: staff sign-in, its TOTP second factor, the signed-in account. */
import { Type, type Static } from 'typebox';
import { Nullable } from '../platform/http/schemas.js';
import { STAFF_ROLES } from '../platform/auth.js';

export const StaffRoleSchema = Type.Unsafe<(typeof STAFF_ROLES)[number]>({ type: 'string', enum: [...STAFF_ROLES] });

/** A code of an authenticator app (RFC 6238: 6 digits, new every 30 seconds). */
export function otpSchema(description?: string) {
  return Type.String({ pattern: '^[0-9]{6}$', 'x-form': '6 digits', ...(description ? { description } : {}) });
}

export const StaffSignInSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 128 }),
    otp: Type.Optional(otpSchema('The code of the account’s authenticator app; needed once the account has one (401 `STAFF_OTP_REQUIRED` without it).')),
  },
  { additionalProperties: false },
);

export const StaffTotpEnrolmentSchema = Type.Object({
  enrolment: Type.Object({
    token: Type.String({ description: 'Single-use token for `POST /api/v1/staff/sessions/totp-enrolment` (not a session).' }),
    expiresAt: Type.String({ description: 'UTC instant, ISO 8601, after which the token no longer confirms (10 minutes).' }),
    secret: Type.String({ description: 'Base32 secret (RFC 4648) to type into an authenticator app; shown this once.' }),
    uri: Type.String({ description: '`otpauth://totp/…` URI (Key Uri Format) for a QR code.' }),
    issuer: Type.String(),
    algorithm: Type.Literal('SHA1'),
    digits: Type.Literal(6),
    period: Type.Literal(30),
  }),
});

export const StaffTotpConfirmSchema = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 128, description: 'The `enrolment.token` of the sign-in.' }),
    otp: otpSchema('A current code of the authenticator app the secret was added to.'),
  },
  { additionalProperties: false },
);

export const StaffSummarySchema = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  role: StaffRoleSchema,
  unitCode: Nullable(Type.String()),
});

export const StaffSessionSchema = Type.Object({
  token: Type.String({ description: 'Bearer token: send as `Authorization: Bearer <token>`.' }),
  expiresAt: Type.String({ description: 'UTC instant, ISO 8601.' }),
  staff: StaffSummarySchema,
});

export const StaffMeSchema = Type.Object({
  ...StaffSummarySchema.properties,
  unitDate: Nullable(Type.String({ description: 'The date `unitCode` refers to (YYYY-MM-DD): look the unit up as of that day (`GET /units/{code}?at=`), as codes are reused across the 2025 reform (10888 was Thị trấn Cẩm Giang before it, Xã Cẩm Giang after).' })),
  permissions: Type.Array(Type.String()),
});

export type StaffSessionDto = Static<typeof StaffSessionSchema>;
export type StaffTotpEnrolmentDto = Static<typeof StaffTotpEnrolmentSchema>['enrolment'];
/** What `POST /staff/sessions` answers: a session (201), or an enrolment to confirm first (200). */
export type StaffSignInAnswerDto = StaffSessionDto | Static<typeof StaffTotpEnrolmentSchema>;
export type StaffMeDto = Static<typeof StaffMeSchema>;

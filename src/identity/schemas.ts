/** Request and response shapes of the identity API (staff sign-in for now). */
import { Type, type Static } from 'typebox';
import { STAFF_ROLES } from '../platform/auth.js';

export const StaffRoleSchema = Type.Unsafe<(typeof STAFF_ROLES)[number]>({ type: 'string', enum: [...STAFF_ROLES] });

export const StaffSignInSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);

export const StaffSummarySchema = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  role: StaffRoleSchema,
  unitCode: Type.Union([Type.String(), Type.Null()]),
});

export const StaffSessionSchema = Type.Object({
  token: Type.String({ description: 'Bearer token: send as `Authorization: Bearer <token>`.' }),
  expiresAt: Type.String({ description: 'UTC instant, ISO 8601.' }),
  staff: StaffSummarySchema,
});

export const StaffMeSchema = Type.Object({ ...StaffSummarySchema.properties, permissions: Type.Array(Type.String()) });

export type StaffSessionDto = Static<typeof StaffSessionSchema>;
export type StaffMeDto = Static<typeof StaffMeSchema>;

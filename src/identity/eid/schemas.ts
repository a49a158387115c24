/**
 * Request and response shapes of the e-ID API (shared with the web UI). Identification numbers
 * are 12-digit strings; phones are Vietnamese mobile numbers as typed (`0912 345 678`, `+84…`),
 * answered masked; images are base64 (or a `data:` URL) in JSON, or files in multipart/form-data.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { Nullable } from '../../platform/http/schemas.js';
import { pageQueryProperties, pagedSchema } from '../../platform/http/pagination.js';
import { otpSchema } from '../schemas.js';
import { ACCOUNT_STATUSES, APPLICATION_STATUSES, CHANNELS, LOCK_REASONS, REJECTION_REASONS } from './model.js';

const Enum = <T extends string>(values: readonly T[], description?: string) => Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

export const Pin = Type.String({ pattern: '^[0-9]{12}$', 'x-form': '12 digits', description: 'Personal identification number (số định danh cá nhân), 12 digits.' });
/** Checked by the Ajv format `partial-date` (src/platform/dates.ts `isPartialDate`): an impossible date such as 1979-02-30 answers DATE_INVALID on the field. */
const PartialDate = Type.String({ format: 'partial-date', 'x-form': 'YYYY, YYYY-MM or YYYY-MM-DD', description: 'Date of birth as registered (may be partial): YYYY, YYYY-MM or a real YYYY-MM-DD.' });
const Sex = Enum(['male', 'female'] as const);
const Phone = Type.String({ minLength: 1, maxLength: 20, description: 'Vietnamese mobile number: 0 and 9 digits, or +84 and 9 digits; spaces, dots and dashes ignored.' });
const Email = Type.String({ maxLength: 254, description: 'Optional e-mail address.' });
/** A base64 image; the limit here is only a guard, the real one (2 MiB decoded) answers EID_IMAGE_TOO_LARGE. */
const Image = (description: string) => Type.String({ minLength: 1, maxLength: 4_000_000, description: `${description} JPEG or PNG, at most 2 MiB, as base64 or a data: URL (or a file part of the same name in multipart/form-data). Judged by content, not by name.` });
const Passcode = Type.String({ pattern: '^[0-9]{6}$', 'x-form': '6 digits', description: 'The 6-digit passcode (mã bảo vệ) set at activation.' });
const Password = Type.String({ minLength: 1, maxLength: 256 });
const Otp = otpSchema();

export const ApplicationStatusSchema = Enum(APPLICATION_STATUSES, 'received → verified → approved | rejected → activation_pending → active');
export const AccountStatusSchema = Enum(ACCOUNT_STATUSES);
export const ChannelSchema = Enum(CHANNELS, 'online (level 1 by the citizen), police_desk (commune police office), campaign (collection campaign at a commune hall)');
const Level = Type.Union([Type.Literal(1), Type.Literal(2)]);
const RejectionReasonSchema = Enum(Object.keys(REJECTION_REASONS) as (keyof typeof REJECTION_REASONS)[]);
const LockReasonSchema = Enum(LOCK_REASONS);

// --- requests ---------------------------------------------------------------------------------------

export const OnlineApplicationSchema = Type.Object(
  {
    pin: Pin,
    fullName: Type.String({ minLength: 2, maxLength: 100, description: 'Full name as registered (diacritics and case do not matter for the check).' }),
    dateOfBirth: PartialDate,
    sex: Sex,
    phone: Phone,
    email: Type.Optional(Nullable(Email)),
    faceImage: Image('Face image taken by the phone camera.'),
  },
  { additionalProperties: false },
);

export const DependantApplicationSchema = Type.Object(
  {
    pin: Pin,
    fullName: Type.String({ minLength: 2, maxLength: 100 }),
    dateOfBirth: PartialDate,
    sex: Sex,
    faceImage: Image("The child's face image."),
  },
  { additionalProperties: false },
);

export const CollectionPointSchema = Type.Object(
  {
    kind: Enum(['police_office', 'campaign'] as const, 'police_office: the commune police office; campaign: a collection campaign at a commune hall'),
    unitCode: Type.String({ pattern: '^[0-9]{5}$', 'x-form': '5 digits', description: 'The commune of the collection point.' }),
    unitDate: Type.Optional(Type.String({ format: 'date', 'x-form': 'YYYY-MM-DD', description: "The date the unit code refers to (default: the officer's unit date)." })),
    campaignId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'The collection campaign (desk module); required for kind campaign.' }))),
  },
  { additionalProperties: false },
);

export const InPersonApplicationSchema = Type.Object(
  {
    pin: Pin,
    phone: Phone,
    email: Type.Optional(Nullable(Email)),
    portrait: Image('Portrait photo taken by the officer.'),
    fingerprints: Type.Array(
      Type.Object(
        {
          position: Type.Integer({ minimum: 1, maximum: 10, description: 'ISO/IEC 19794-2 finger position: 1 right thumb … 5 right little, 6 left thumb … 10 left little.' }),
          template: Type.String({ minLength: 1, maxLength: 1_000_000, description: 'ISO/IEC 19794-2 (FMR) or 19794-4 (FIR) record, base64; at most 512 KiB.' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 10 },
    ),
    consent: Type.Boolean({ description: "The citizen's consent to the collection of portrait and fingerprints (must be true)." }),
    collectionPoint: CollectionPointSchema,
  },
  { additionalProperties: false },
);

export const ApplicationQuerySchema = Type.Object(
  {
    commune: Type.Optional(Type.String({ pattern: '^[0-9]{2,5}$', 'x-form': '2–5 digits', description: 'Only applications handled in this unit (a commune, district or province code).' })),
    status: Type.Optional(ApplicationStatusSchema),
    level: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 })),
    channel: Type.Optional(ChannelSchema),
    campaignId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    ...pageQueryProperties,
  },
  { additionalProperties: false },
);

export const DecisionSchema = Type.Object(
  {
    decision: Enum(['approve', 'reject'] as const),
    reasonCode: Type.Optional(RejectionReasonSchema),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const ActivationRequestSchema = Type.Object({ pin: Pin, phone: Phone }, { additionalProperties: false });

export const ActivationConfirmSchema = Type.Object(
  {
    pin: Pin,
    phone: Phone,
    code: Type.String({ minLength: 1, maxLength: 12, description: 'The 6-digit code received by SMS.' }),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Required at the first activation: at least 8 characters, not a common password.' })),
    passcode: Type.Optional(Type.String({ minLength: 1, maxLength: 12, description: 'Required with the password: 6 digits, not repeated or consecutive.' })),
  },
  { additionalProperties: false },
);

export const SignInSchema = Type.Object(
  {
    pin: Pin,
    password: Password,
    otp: Type.Optional(Otp),
    deviceName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const PasscodeBodySchema = Type.Object({ passcode: Passcode }, { additionalProperties: false });
export const UnlockSchema = Type.Object({ pin: Pin, password: Password, passcode: Passcode }, { additionalProperties: false });
export const OtpBodySchema = Type.Object({ otp: Otp }, { additionalProperties: false });
export const NoteSchema = Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });
export const PhoneChangeSchema = Type.Object({ phone: Phone, note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });
export const AccountQuerySchema = Type.Object({ pin: Pin }, { additionalProperties: false });
export const IdParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 }) }, { additionalProperties: false });
export const SessionParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, description: 'A session id, or `current`.' }) }, { additionalProperties: false });
export const PageQuerySchema = Type.Object(pageQueryProperties, { additionalProperties: false });

// --- responses --------------------------------------------------------------------------------------

const Actor = Type.Object({ kind: Type.String(), id: Type.String(), unitCode: Nullable(Type.String()) });

export const ApplicationSchema = Type.Object({
  id: Type.Integer(),
  level: Level,
  channel: ChannelSchema,
  status: ApplicationStatusSchema,
  statusAt: Type.String(),
  pinMasked: Type.String(),
  fullName: Type.String(),
  dateOfBirth: Type.String(),
  sex: Sex,
  phoneMasked: Nullable(Type.String()),
  emailMasked: Nullable(Type.String()),
  viaGuardian: Type.Boolean(),
  collectionPoint: Nullable(Type.Object({ kind: Enum(['police_office', 'campaign'] as const), unitCode: Type.String(), campaignId: Nullable(Type.String()) })),
  unit: Type.Object({ code: Type.String({ description: 'The commune handling the application.' }), date: Type.String({ description: 'The date the code refers to.' }) }),
  consentAt: Nullable(Type.String()),
  biometricCheck: Enum(['not_verified', 'matched'] as const, 'not_verified: no biometric comparison was made (built-in verifier)'),
  biometricChecker: Type.String(),
  biometrics: Type.Object({ face: Type.Boolean(), portrait: Type.Boolean(), fingerprints: Type.Integer() }, { description: 'What was collected; the data itself is never returned.' }),
  rejection: Nullable(Type.Object({ code: Type.String(), label: Type.Object({ vi: Type.String(), en: Type.String() }), note: Nullable(Type.String()) })),
  accountId: Nullable(Type.Integer()),
  createdAt: Type.String(),
});

export const ApplicationDetailSchema = Type.Object({
  ...ApplicationSchema.properties,
  pin: Pin,
  steps: Type.Array(Type.Object({ step: ApplicationStatusSchema, at: Type.String(), actor: Actor, reasonCode: Nullable(Type.String()), note: Nullable(Type.String()) })),
});

export const ApplicationQueueSchema = Type.Object({
  items: Type.Array(ApplicationSchema),
  total: Type.Integer({ minimum: 0 }),
  counts: Type.Record(Type.String(), Type.Integer(), { description: 'Applications per status under the same filters (status filter aside).' }),
});

export const CodeRequestAnswerSchema = Type.Object({
  accepted: Type.Literal(true),
  phoneMasked: Type.String(),
  expiresInSeconds: Type.Integer(),
  resendAfterSeconds: Type.Integer(),
});

export const ActivationResultSchema = Type.Object({ activated: Type.Literal(true), level: Level, status: Type.Literal('active'), passwordSet: Type.Boolean() });

export const AccountSchema = Type.Object({
  id: Type.Integer(),
  pinMasked: Type.String(),
  fullName: Type.String(),
  level: Level,
  pendingLevel: Nullable(Level),
  status: AccountStatusSchema,
  phoneMasked: Nullable(Type.String()),
  emailMasked: Nullable(Type.String()),
  totpEnabled: Type.Boolean(),
  lockReason: Nullable(LockReasonSchema),
  lockedAt: Nullable(Type.String()),
  createdAt: Type.String(),
  activatedAt: Nullable(Type.String()),
  unit: Type.Object({ code: Type.String(), date: Type.String() }),
  guardianAccountId: Nullable(Type.Integer()),
});

export const MeSchema = Type.Object({ ...AccountSchema.properties, dependants: Type.Array(AccountSchema) });

export const AccountDetailSchema = Type.Object({
  ...AccountSchema.properties,
  events: Type.Array(Type.Object({ action: Type.String(), at: Type.String(), actor: Type.Object({ kind: Type.String(), id: Type.String() }), reason: Nullable(Type.String()), detail: Nullable(Type.String()) })),
});

export const SignInResultSchema = Type.Object({
  token: Type.String({ description: 'Bearer token (`eid.…`): send as `Authorization: Bearer <token>`.' }),
  sessionId: Type.String(),
  expiresAt: Type.String(),
  amr: Type.Array(Type.String(), { description: 'RFC 8176 methods used: pwd, otp.' }),
  endedSessions: Type.Integer({ description: 'Sessions on other devices ended by this sign-in.' }),
  account: AccountSchema,
});

export const SessionSchema = Type.Object({ id: Type.String(), createdAt: Type.String(), expiresAt: Type.String(), sourceIp: Nullable(Type.String()), device: Nullable(Type.String()), amr: Type.Array(Type.String()), current: Type.Boolean() });
export const SessionListSchema = pagedSchema(SessionSchema);

export const TotpEnrolmentSchema = Type.Object({
  secret: Type.String({ description: 'Base32 secret for the authenticator app (shown once).' }),
  uri: Type.String({ description: 'otpauth:// URI for a QR code.' }),
  issuer: Type.String(),
  algorithm: Type.Literal('SHA1'),
  digits: Type.Literal(6),
  period: Type.Literal(30),
});

export const HistorySchema = Type.Object({
  retentionYears: Type.Integer({ description: 'Usage history is kept this many years from each use.' }),
  usage: pagedSchema(Type.Object({ at: Type.String(), action: Type.String(), sourceIp: Nullable(Type.String()), device: Nullable(Type.String()), thisSession: Type.Boolean(), detail: Nullable(Type.String()) })),
  registryAccess: pagedSchema(
    Type.Object({ at: Type.String(), actorKind: Type.String(), actorId: Type.String(), actorUnit: Nullable(Type.String()), action: Type.String(), purposeCode: Nullable(Type.String()), summary: Type.String() }),
    ),
});

export type ApplicationDto = Static<typeof ApplicationSchema>;
export type ApplicationDetailDto = Static<typeof ApplicationDetailSchema>;
export type ApplicationQueueDto = Static<typeof ApplicationQueueSchema>;
export type AccountDto = Static<typeof AccountSchema>;
export type MeDto = Static<typeof MeSchema>;
export type SignInResultDto = Static<typeof SignInResultSchema>;
export type SessionDto = Static<typeof SessionSchema>;
export type HistoryDto = Static<typeof HistorySchema>;
export type OnlineApplicationBody = Static<typeof OnlineApplicationSchema>;
export type InPersonApplicationBody = Static<typeof InPersonApplicationSchema>;

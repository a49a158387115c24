/**
 * Request and response shapes of the dossiers API (shared with the web UI): submissions, the
 * work queue, a dossier in full, actions, attachments, the register and public tracking.
 * Dates are Vietnam dates `YYYY-MM-DD`, instants ISO-8601 UTC; dossier codes
 * `{agency code}-{yymmdd}-{sequence}`.
 */
import { Type, type Static } from 'typebox';
import { Nullable } from '../platform/http/schemas.js';
import { pageQueryProperties } from '../platform/http/pagination.js';
import { ACTIONS, CHANNELS, FORMS, STATES } from './model.js';
import { DOSSIER_CODE_PATTERN } from './codes.js';

const enumOf = <T extends string>(values: readonly T[], description?: string) => Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
const Day = Type.String({ format: 'date', 'x-form': 'YYYY-MM-DD' });
const Instant = Type.String({ description: 'ISO-8601 instant, UTC.' });
const UnitCode = Type.String({ pattern: '^[0-9]{2}([0-9]{3})?$', 'x-form': '2 hoặc 5 chữ số', description: 'GSO code of the receiving unit (commune, or province for a provincial centre).' });
const ServiceCode = Type.String({ pattern: '^(?:[0-9]\\.[0-9]{6}|P\\.[0-9]{6})$', 'x-form': '1.004222 hoặc P.000014', description: 'Procedure code in the catalog.' });
const JsonObject = Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true });

export const DossierCode = Type.String({ pattern: DOSSIER_CODE_PATTERN, maxLength: 80, 'x-form': 'H23.31.10888-260213-0001', description: 'Dossier code (mã hồ sơ): {agency code}-{yymmdd}-{sequence}.' });
export const StateSchema = enumOf(STATES, 'Workflow state (Decree 118/2025/NĐ-CP).');
export const ChannelSchema = enumOf(CHANNELS, 'online: a signed-in citizen; counter: an officer at the desk; on_behalf: filed for a present citizen; mobile: a campaign team.');
export const ActionSchema = enumOf(ACTIONS);
export const FormSchema = enumOf(FORMS, 'Form of Circular 03/2025/TT-VPCP Appendix I.');

export const SubmissionBodySchema = Type.Object(
  {
    serviceCode: ServiceCode,
    channel: ChannelSchema,
    unitCode: Type.Optional(UnitCode),
    data: Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, description: "The form data, checked against the service's form schema (GET /api/v1/services/{code}); pre-filled fields may be left out." }),
    applicant: Type.Optional(
      Type.Object(
        {
          fullName: Type.Optional(Type.String({ minLength: 2, maxLength: 100 })),
          pin: Type.Optional(Type.String({ pattern: '^[0-9]{12}$', 'x-form': '12 chữ số' })),
          phone: Type.Optional(Type.String({ pattern: '^(0|\\+84)[0-9]{9}$', 'x-form': '0xxxxxxxxx' })),
          email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
        },
        { additionalProperties: false, description: 'Staff channels: the applicant, when the form does not name them. Online: taken from the registry.' },
      ),
    ),
    assistance: Type.Optional(
      Type.Object(
        {
          site: Type.String({ minLength: 1, maxLength: 200, description: 'Desk or site where the help was given.' }),
          equipmentId: Type.String({ minLength: 1, maxLength: 100, description: 'Label of the equipment used.' }),
          consent: Type.Object(
            { given: Type.Boolean(), method: enumOf(['signed_paper', 'verbal_witnessed', 'vneid_confirmation'] as const) },
            { additionalProperties: false, description: "The citizen's consent to filing on their behalf (Decree 13/2023/NĐ-CP Art. 11)." },
          ),
          campaign: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Channel mobile: the campaign.' })),
        },
        { additionalProperties: false, description: 'Channels on_behalf and mobile (required there, refused elsewhere).' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SubmissionBody = Static<typeof SubmissionBodySchema>;

export const SubmissionReceiptSchema = Type.Object({
  code: DossierCode,
  state: Type.Literal('submitted'),
  channel: ChannelSchema,
  filedBy: enumOf(['self', 'on_behalf'] as const),
  service: Type.Object({ code: Type.String(), version: Type.Integer(), nameVi: Type.String(), sector: Type.String() }),
  unitCode: Type.String(),
  unitName: Nullable(Type.String({ description: 'The receiving unit as named on the filing day ("Xã Cẩm Giang"); null in a replay of an answer stored before names were given.' })),
  agencyCode: Type.String(),
  agencyName: Nullable(Type.String({ description: 'The receiving agency ("Trung tâm Phục vụ hành chính công xã Cẩm Giang"); null as unitName.' })),
  submittedAt: Instant,
  lockedFields: Type.Array(Type.String(), { description: 'Form fields filled from the population registry and locked.' }),
  trackingUrl: Type.String(),
});

export const IdempotencyHeadersSchema = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 200, description: 'A retried submission with the same key returns the first answer (draft-ietf-httpapi-idempotency-key-header).' })) });

const EventSchema = Type.Object({
  seq: Type.Integer(),
  action: Type.String(),
  fromState: Nullable(StateSchema),
  toState: StateSchema,
  at: Instant,
  actor: Type.Object({ kind: Type.String(), id: Type.String(), unitCode: Nullable(Type.String()) }),
  reason: Nullable(Type.String()),
  data: JsonObject,
  form: Nullable(FormSchema),
});

export const AssistanceSchema = Type.Object({
  helper: Type.String({ description: 'Staff username of the helper.' }),
  site: Type.String(),
  equipmentId: Type.String(),
  consent: Type.Object({ given: Type.Literal(true), method: enumOf(['signed_paper', 'verbal_witnessed', 'vneid_confirmation'] as const), at: Instant }),
  campaign: Type.Optional(Nullable(Type.String())),
});

export const AttachmentSchema = Type.Object({
  id: Type.Integer(),
  fileName: Type.String(),
  mediaType: enumOf(['application/pdf', 'image/jpeg', 'image/png'] as const),
  size: Type.Integer({ description: 'Bytes.' }),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  uploadedAt: Instant,
  uploadedBy: Type.String(),
});

export const DossierSchema = Type.Object({
  code: DossierCode,
  state: StateSchema,
  stateName: Type.String(),
  allowedActions: Type.Array(ActionSchema, { description: 'The actions the state allows that the viewer may take: a citizen gets only `resubmit` (on a dossier returned for completion).' }),
  service: Type.Object({ code: Type.String(), version: Type.Integer({ description: 'The catalog version the dossier was filed under.' }), nameVi: Type.String({ description: 'The procedure in Vietnamese, as filed.' }), nameEn: Nullable(Type.String({ description: 'The procedure in English, from the catalog version the dossier was filed under.' })), sector: Type.String() }),
  channel: ChannelSchema,
  filedBy: enumOf(['self', 'on_behalf'] as const),
  unitCode: Type.String(),
  unitDate: Day,
  agencyCode: Type.String(),
  applicant: Type.Object({ pin: Nullable(Type.String()), fullName: Type.String(), phone: Nullable(Type.String()), email: Nullable(Type.String()) }),
  formData: JsonObject,
  lockedFields: Type.Array(Type.String()),
  assistance: Nullable(AssistanceSchema),
  submittedAt: Instant,
  receivedAt: Nullable(Instant),
  startDate: Nullable(Day),
  workingDays: Type.Integer(),
  cutoff: Type.String(),
  dueDate: Nullable(Day),
  originalDueDate: Nullable(Day),
  clockPaused: Type.Boolean(),
  pausedRemaining: Nullable(Type.Integer()),
  handler: Nullable(Type.String()),
  overdueSince: Nullable(Day),
  overdue: Type.Boolean(),
  completedAt: Nullable(Instant),
  onTime: Nullable(Type.Boolean()),
  closedAt: Nullable(Instant),
  forms: Type.Array(FormSchema),
  events: Type.Array(EventSchema),
  attachments: Type.Array(AttachmentSchema),
  trackingUrl: Type.String(),
  version: Type.Integer(),
});

export const CodeParamsSchema = Type.Object({ code: DossierCode }, { additionalProperties: false });

export const ActionBodySchema = Type.Object(
  {
    action: ActionSchema,
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'Required for return_for_completion (what to supplement), refuse, reject, apologize and stop.' })),
    handler: Type.Optional(Type.String({ pattern: '^[a-z0-9._-]{3,64}$', 'x-form': 'tên đăng nhập', description: 'assign: staff username of the handler.' })),
    toUnit: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'assign: the department the dossier is handed to (form 06).' })),
    newDueDate: Type.Optional(Day),
    data: Type.Optional(Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, description: 'resubmit: the completed form data.' })),
    version: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1, description: 'The dossier version you saw; a later change answers 409.' })),
  },
  { additionalProperties: false },
);
export type ActionBody = Static<typeof ActionBodySchema>;

export const QueueQuerySchema = Type.Object(
  {
    state: Type.Optional(StateSchema),
    service: Type.Optional(ServiceCode),
    channel: Type.Optional(ChannelSchema),
    handler: Type.Optional(Type.String({ maxLength: 64 })),
    overdue: Type.Optional(Type.Boolean({ description: 'Only dossiers overdue today.' })),
    from: Type.Optional(Day),
    to: Type.Optional(Day),
    q: Type.Optional(Type.String({ maxLength: 80, description: 'Part of a dossier code.' })),
    ...pageQueryProperties,
  },
  { additionalProperties: false },
);

export const QueueItemSchema = Type.Object({
  code: DossierCode,
  state: StateSchema,
  stateName: Type.String(),
  serviceCode: Type.String(),
  serviceName: Type.String({ description: 'The procedure in Vietnamese, as filed.' }),
  serviceNameEn: Nullable(Type.String({ description: 'The procedure in English, from the catalog version the dossier was filed under.' })),
  channel: ChannelSchema,
  applicantName: Type.String(),
  applicantPinMasked: Nullable(Type.String()),
  submittedAt: Instant,
  dueDate: Nullable(Day),
  handler: Nullable(Type.String()),
  overdue: Type.Boolean(),
  clockPaused: Type.Boolean(),
});

export const QueueSchema = Type.Object({
  items: Type.Array(QueueItemSchema),
  total: Type.Integer({ minimum: 0 }),
  counts: Type.Record(Type.String(), Type.Integer(), { description: 'Dossiers per state within the other filters (the state filter left out).' }),
});

export const RegisterQuerySchema = Type.Object({ from: Day, to: Day, unit: Type.Optional(UnitCode) }, { additionalProperties: false });

export const TrackingQuerySchema = Type.Object({ phoneLast4: Type.Optional(Type.String({ pattern: '^[0-9]{4}$', 'x-form': '4 chữ số' })) }, { additionalProperties: false });

export const TrackingSchema = Type.Object({
  code: DossierCode,
  serviceName: Type.String(),
  state: StateSchema,
  stateName: Type.String(),
  submittedOn: Day,
  receivedOn: Nullable(Day),
  dueDate: Nullable(Day),
  clockPaused: Type.Boolean(),
  overdue: Type.Boolean(),
  applicant: Type.Object({ initials: Type.String(), fullName: Type.Optional(Type.String()) }),
  timeline: Type.Array(Type.Object({ at: Instant, state: StateSchema, stateName: Type.String(), form: Nullable(FormSchema) })),
});

export const AgencyBodySchema = Type.Object(
  {
    agencyCode: Type.String({ pattern: '^[A-Z0-9]{1,10}(\\.[A-Z0-9]{1,10}){0,5}$', 'x-form': 'H23.31.10888', description: 'Agency identifier code that dossier codes start with.' }),
    nameVi: Type.String({ minLength: 3, maxLength: 200, description: 'Name on the forms, e.g. "Trung tâm Phục vụ hành chính công xã Cẩm Giang".' }),
    headTitle: Type.String({ minLength: 3, maxLength: 200, description: 'How the head of unit is addressed in escalations.' }),
    headPhone: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
    headEmail: Type.Optional(Nullable(Type.String({ maxLength: 254 }))),
  },
  { additionalProperties: false },
);

export const AgencySchema = Type.Object({
  unitCode: Type.String(),
  agencyCode: Type.String(),
  nameVi: Type.String(),
  headTitle: Type.String(),
  headPhone: Type.Optional(Nullable(Type.String())),
  headEmail: Type.Optional(Nullable(Type.String())),
  updatedAt: Instant,
});

export const OverdueRunSchema = Type.Object({ date: Day, workingDay: Type.Boolean(), flagged: Type.Integer(), escalated: Type.Integer(), unreachable: Type.Integer() });

// --- a citizen's own dossiers (src/dossiers/mine.ts, GET /api/v1/me/dossiers) ---------------------------

export const MyDossiersQuerySchema = Type.Object({ ...pageQueryProperties }, { additionalProperties: false });

export const MyDossierItemSchema = Type.Object({
  code: DossierCode,
  serviceCode: Type.String(),
  serviceName: Type.String({ description: 'The procedure in Vietnamese, as filed.' }),
  serviceNameEn: Nullable(Type.String({ description: 'The procedure in English, from the catalog version the dossier was filed under.' })),
  state: StateSchema,
  stateName: Type.String(),
  channel: ChannelSchema,
  submittedAt: Instant,
  dueDate: Nullable(Day),
  clockPaused: Type.Boolean({ description: 'The deadline clock stands still until the citizen resubmits.' }),
  overdue: Type.Boolean({ description: 'Overdue today: the clock runs and the due date has passed.' }),
  actionAwaited: Type.Boolean({ description: 'The next step is the citizen\'s (`citizenActions` is not empty).' }),
  citizenActions: Type.Array(ActionSchema, { description: 'Actions the dossier awaits from the citizen: `resubmit` when returned for completion.' }),
});

export const MyDossiersSchema = Type.Object({
  items: Type.Array(MyDossierItemSchema),
  total: Type.Integer({ minimum: 0, description: 'All the citizen\'s dossiers, not only this page.' }),
  awaiting: Type.Integer({ minimum: 0, description: 'Of those, how many await an action of the citizen.' }),
});

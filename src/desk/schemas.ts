/**
 * Request and response shapes of the desk API (`/api/v1/desk/…`), shared with the web UI.
 * Codes are the English codes of src/desk/model.ts; dates `YYYY-MM-DD` and times of day `HH:MM`
 * in Vietnam time; instants ISO-8601 UTC. Identifiers are integers, except a collection
 * campaign's, a string (the e-ID module records it as `collectionPoint.campaignId`).
 */
import { Type, type Static, type TSchema } from 'typebox';
import { Nullable } from '../platform/http/schemas.js';
import { pageQueryProperties, pagedSchema } from '../platform/http/pagination.js';
import {
  CAMPAIGN_STATUSES,
  DEVICE_KINDS,
  DEVICE_STATUSES,
  FUNDING_SOURCES,
  HELP_KINDS,
  HELP_OUTCOMES,
  INTERNET_KINDS,
  MEMBER_KINDS,
  ORGANISATIONS,
  SHIFT_PERIODS,
  SITE_KINDS,
  codesOf,
  type CampaignStatus,
  type DeviceKind,
  type DeviceStatus,
  type FundingSource,
  type HelpKind,
  type HelpOutcome,
  type InternetKind,
  type MemberKind,
  type Organisation,
  type ShiftPeriod,
  type SiteKind,
  type Vocabulary,
} from './model.js';

const Opt = <T extends TSchema>(t: T) => Type.Optional(Nullable(t));
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Day = Type.String({ format: 'date', 'x-form': 'YYYY-MM-DD' });
const Instant = Type.String({ format: 'date-time', 'x-form': 'ISO-8601 instant with offset, e.g. 2023-02-15T09:30:00+07:00' });
const TimeOfDay = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', 'x-form': 'HH:MM' });
const UnitCode = Type.String({ pattern: '^([0-9]{2}|[0-9]{3}|[0-9]{5})$', 'x-form': '2, 3 or 5 digits', description: 'Administrative-unit code (mã đơn vị hành chính).' });
// Ids are bigint in the database; a larger number (`1e21`) would reach PostgreSQL as "1e+21" (a 500).
const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const Phone = Type.String({ pattern: '^0[35789][0-9]{8}$', 'x-form': '0 and 9 digits', description: 'Vietnamese mobile number.' });
const Username = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{2,63}$', description: 'A staff account username.' });

/** A string enum of a vocabulary's codes, with the Vietnamese labels in the description. */
function Enum<C extends string>(v: Vocabulary<C>, what: string) {
  const codes = codesOf(v);
  return Type.Unsafe<C>({ type: 'string', enum: codes, description: `${what}: ${codes.map((c) => `\`${c}\` (${v[c].vi})`).join(', ')}.` });
}

export const OrganisationSchema = Enum<Organisation>(ORGANISATIONS, 'Organisation');
export const MemberKindSchema = Enum<MemberKind>(MEMBER_KINDS, 'Member kind');
export const SiteKindSchema = Enum<SiteKind>(SITE_KINDS, 'Site kind');
export const InternetSchema = Enum<InternetKind>(INTERNET_KINDS, 'Internet connection');
export const DeviceKindSchema = Enum<DeviceKind>(DEVICE_KINDS, 'Device kind');
export const DeviceStatusSchema = Enum<DeviceStatus>(DEVICE_STATUSES, 'Device status');
export const FundingSchema = Enum<FundingSource>(FUNDING_SOURCES, 'Funding source');
export const HelpKindSchema = Enum<HelpKind>(HELP_KINDS, 'Help given');
export const HelpOutcomeSchema = Enum<HelpOutcome>(HELP_OUTCOMES, 'Outcome');
export const ShiftPeriodSchema = Enum<ShiftPeriod>(SHIFT_PERIODS, 'Half-day');
export const CampaignStatusSchema = Enum<CampaignStatus>(CAMPAIGN_STATUSES, 'Campaign status');

export const IdParamsSchema = Type.Object({ id: Id }, { additionalProperties: false });
const unitPlacement = {
  unitCode: Type.Optional(UnitCode),
  unitDate: Type.Optional({ ...Day, description: 'The date the unit code refers to (default: your account’s unit date for your own unit, else today).' }),
};
const unitView = { unitCode: Type.String(), unitDate: Type.String({ description: 'The date the unit code refers to.' }) };
/** `unit`: narrow a list to a unit inside yours (any level). */
const unitFilter = { unit: Type.Optional(UnitCode) };

// --- support teams ---------------------------------------------------------------------------------

export const TeamInputSchema = Type.Object(
  { ...unitPlacement, name: Text(200), foundedOn: Opt(Day), leadOrganisation: OrganisationSchema, note: Opt(Text(1000)) },
  { additionalProperties: false },
);
export const TeamPatchSchema = Type.Object({ name: Type.Optional(Text(200)), foundedOn: Opt(Day), leadOrganisation: Type.Optional(OrganisationSchema), note: Opt(Text(1000)) }, { additionalProperties: false, minProperties: 1 });

export const MemberInputSchema = Type.Object(
  {
    kind: MemberKindSchema,
    username: Type.Optional({ ...Username, description: 'Required for a staff member: their account.' }),
    fullName: Type.Optional({ ...Text(100), description: 'Required for a volunteer; a staff member defaults to the username.' }),
    phone: Opt(Phone),
    organisation: OrganisationSchema,
    joinedOn: Opt(Day),
    leftOn: Opt(Day),
  },
  { additionalProperties: false },
);
export const MemberPatchSchema = Type.Object({ fullName: Type.Optional(Text(100)), phone: Opt(Phone), organisation: Type.Optional(OrganisationSchema), joinedOn: Opt(Day), leftOn: Opt(Day) }, { additionalProperties: false, minProperties: 1 });

export const MemberSchema = Type.Object({
  id: Type.Integer(),
  teamId: Type.Integer(),
  kind: MemberKindSchema,
  username: Nullable(Type.String()),
  fullName: Type.String(),
  phone: Nullable(Type.String()),
  organisation: OrganisationSchema,
  joinedOn: Nullable(Type.String()),
  leftOn: Nullable(Type.String()),
  hasFeed: Type.Boolean({ description: 'Whether a calendar feed address was issued.' }),
});

export const TeamSchema = Type.Object({
  id: Type.Integer(),
  ...unitView,
  name: Type.String(),
  foundedOn: Nullable(Type.String()),
  leadOrganisation: OrganisationSchema,
  note: Nullable(Type.String()),
  memberCount: Type.Integer({ description: 'Members not left as of today.' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const TeamDetailSchema = Type.Object({ ...TeamSchema.properties, members: Type.Array(MemberSchema) });
export const TeamListQuerySchema = Type.Object({ ...unitFilter, ...pageQueryProperties }, { additionalProperties: false });
export const TeamListSchema = pagedSchema(TeamSchema);

// --- sites, desks and equipment --------------------------------------------------------------------

export const SiteInputSchema = Type.Object(
  { ...unitPlacement, kind: SiteKindSchema, name: Text(200), address: Opt(Text(300)), internet: InternetSchema, bandwidthMbps: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100000 }))), active: Type.Optional(Type.Boolean()), effectiveOn: Type.Optional({ ...Day, description: 'The day the site opened (default today, Vietnam; not in the future): the inventory figures of earlier days keep the old state.' }) },
  { additionalProperties: false },
);
export const SitePatchSchema = Type.Object(
  { kind: Type.Optional(SiteKindSchema), name: Type.Optional(Text(200)), address: Opt(Text(300)), internet: Type.Optional(InternetSchema), bandwidthMbps: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100000 }))), active: Type.Optional(Type.Boolean()), effectiveOn: Type.Optional({ ...Day, description: 'The day a change of connection, use or status took effect (default today, Vietnam; not in the future): the inventory figures of earlier days keep the old state.' }) },
  { additionalProperties: false, minProperties: 1 },
);
export const SiteSchema = Type.Object({
  id: Type.Integer(),
  ...unitView,
  kind: SiteKindSchema,
  name: Type.String(),
  address: Nullable(Type.String()),
  internet: InternetSchema,
  bandwidthMbps: Nullable(Type.Integer()),
  active: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const SiteListQuerySchema = Type.Object({ ...unitFilter, kind: Type.Optional(SiteKindSchema), ...pageQueryProperties }, { additionalProperties: false });
export const SiteListSchema = pagedSchema(SiteSchema);

const Hours = Type.Object(
  { morningStart: TimeOfDay, morningEnd: TimeOfDay, afternoonStart: TimeOfDay, afternoonEnd: TimeOfDay },
  { additionalProperties: false, description: 'Half-day hours, Vietnam time (default 07:30–11:30 and 13:30–17:00).' },
);
export const DeskInputSchema = Type.Object({ siteId: Id, name: Text(100), teamId: Opt(Id), hours: Type.Optional(Hours), active: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export const DeskPatchSchema = Type.Object({ name: Type.Optional(Text(100)), teamId: Opt(Id), hours: Type.Optional(Hours), active: Type.Optional(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 });
export const DeskSchema = Type.Object({
  id: Type.Integer(),
  siteId: Type.Integer(),
  siteName: Type.String(),
  unitCode: Type.String(),
  name: Type.String(),
  teamId: Nullable(Type.Integer()),
  hours: Hours,
  active: Type.Boolean(),
});
export const DeskListQuerySchema = Type.Object({ ...unitFilter, siteId: Type.Optional(Id), ...pageQueryProperties }, { additionalProperties: false });
export const DeskListSchema = pagedSchema(DeskSchema);

export const DeviceInputSchema = Type.Object(
  { siteId: Id, deskId: Opt(Id), kind: DeviceKindSchema, model: Opt(Text(200)), serial: Opt(Text(100)), status: DeviceStatusSchema, acquiredOn: Opt(Day), funding: FundingSchema, note: Opt(Text(500)) },
  { additionalProperties: false },
);
export const DevicePatchSchema = Type.Object(
  { deskId: Opt(Id), model: Opt(Text(200)), serial: Opt(Text(100)), status: Type.Optional(DeviceStatusSchema), acquiredOn: Opt(Day), funding: Type.Optional(FundingSchema), note: Opt(Text(500)), effectiveOn: Type.Optional({ ...Day, description: 'The day a change of connection, use or status took effect (default today, Vietnam; not in the future): the inventory figures of earlier days keep the old state.' }) },
  { additionalProperties: false, minProperties: 1 },
);
export const DeviceSchema = Type.Object({
  id: Type.Integer(),
  siteId: Type.Integer(),
  deskId: Nullable(Type.Integer()),
  kind: DeviceKindSchema,
  model: Nullable(Type.String()),
  serial: Nullable(Type.String()),
  status: DeviceStatusSchema,
  acquiredOn: Nullable(Type.String()),
  funding: FundingSchema,
  note: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const DeviceListQuerySchema = Type.Object({ ...unitFilter, siteId: Type.Optional(Id), kind: Type.Optional(DeviceKindSchema), status: Type.Optional(DeviceStatusSchema), ...pageQueryProperties }, { additionalProperties: false });
export const DeviceListSchema = pagedSchema(DeviceSchema);

// --- rosters ---------------------------------------------------------------------------------------

export const ShiftMemberSchema = Type.Object({ id: Type.Integer(), fullName: Type.String(), organisation: OrganisationSchema, kind: MemberKindSchema });
export const ShiftSchema = Type.Object({
  id: Type.Integer(),
  deskId: Type.Integer(),
  deskName: Type.String(),
  siteId: Type.Integer(),
  siteName: Type.String(),
  day: Type.String(),
  period: ShiftPeriodSchema,
  startsAt: Type.String({ description: 'UTC instant.' }),
  endsAt: Type.String({ description: 'UTC instant.' }),
  members: Type.Array(ShiftMemberSchema),
});
export const ConflictSchema = Type.Object({
  kind: Type.Unsafe<'double_booked' | 'unstaffed'>({ type: 'string', enum: ['double_booked', 'unstaffed'], description: '`double_booked`: one person on two overlapping shifts (two places at one time); `unstaffed`: a shift with nobody.' }),
  day: Type.String(),
  shiftIds: Type.Array(Type.Integer()),
  deskIds: Type.Array(Type.Integer()),
  person: Nullable(Type.Object({ fullName: Type.String(), memberIds: Type.Array(Type.Integer()) })),
});
export const DayInfoSchema = Type.Object({ date: Type.String(), working: Type.Boolean(), reasonVi: Nullable(Type.String()), reasonEn: Nullable(Type.String()) });
export const WeekInputSchema = Type.Object({ weekStart: { ...Day, description: 'The Monday of the week.' }, deskId: Type.Optional(Id), ...unitFilter }, { additionalProperties: false });
export const WeekGeneratedSchema = Type.Object({
  weekStart: Type.String(),
  created: Type.Integer({ description: 'Shifts created (existing ones are kept).' }),
  days: Type.Array(DayInfoSchema),
  shifts: Type.Array(ShiftSchema),
});
export const RosterQuerySchema = Type.Object({ weekStart: { ...Day, description: 'The Monday of the week.' }, deskId: Type.Optional(Id), ...unitFilter }, { additionalProperties: false });
export const RosterSchema = Type.Object({
  weekStart: Type.String(),
  weekEnd: Type.String(),
  days: Type.Array(DayInfoSchema),
  shifts: Type.Array(ShiftSchema),
  conflicts: Type.Array(ConflictSchema),
  coverage: Type.Object({ scheduled: Type.Integer(), staffed: Type.Integer(), share: Nullable(Type.Number()) }),
});
export const ShiftInputSchema = Type.Object({ day: Day, period: ShiftPeriodSchema }, { additionalProperties: false });
export const AssignmentInputSchema = Type.Object({ memberId: Id }, { additionalProperties: false });
export const AssignmentResultSchema = Type.Object({ shift: ShiftSchema, conflicts: Type.Array(ConflictSchema, { description: 'Conflicts the shift now takes part in (the assignment is kept).' }) });
export const AssignmentParamsSchema = Type.Object({ id: Id, memberId: Id }, { additionalProperties: false });
export const ConflictQuerySchema = Type.Object({ from: Day, to: Day, ...unitFilter }, { additionalProperties: false });
export const ConflictListSchema = Type.Object({ items: Type.Array(ConflictSchema), total: Type.Integer() });
export const OnDutyQuerySchema = Type.Object({ at: Type.Optional({ ...Instant, description: 'Default: now.' }), ...unitFilter }, { additionalProperties: false });
export const OnDutySchema = Type.Object({
  at: Type.String(),
  items: Type.Array(Type.Object({ deskId: Type.Integer(), deskName: Type.String(), siteName: Type.String(), shift: Nullable(ShiftSchema) })),
});
export const FeedSchema = Type.Object({ path: Type.String({ description: 'Path of the member’s calendar feed (iCalendar, RFC 5545); anyone with it can read the member’s shifts. Issuing a new one ends the old.' }) });
export const CalendarRangeQuerySchema = Type.Object({ from: Type.Optional(Day), to: Type.Optional(Day) }, { additionalProperties: false });

// --- help log --------------------------------------------------------------------------------------

export const HelpInputSchema = Type.Object(
  {
    deskId: Id,
    kind: HelpKindSchema,
    outcome: HelpOutcomeSchema,
    at: Type.Optional({ ...Instant, description: 'When the help was given (default: now).' }),
    deviceId: Opt(Id),
    helperMemberId: Opt({ ...Id, description: 'The member who helped (default: your own membership, if any).' }),
    serviceCode: Opt(Type.String({ pattern: '^[0-9A-Za-z][0-9A-Za-z._-]{0,59}$', 'x-form': 'procedure code, e.g. 1.001234 or 2.002345.000.00.00.H23', description: 'Code of the administrative procedure involved (free text until the services catalogue links it).' })),
    citizenPin: Opt(Type.String({ pattern: '^[0-9]{12}$', 'x-form': '12 digits', description: "The citizen's personal identification number, only with their consent." })),
    consent: Type.Optional(Type.Boolean({ description: 'The citizen agreed to their identification number being recorded (required with `citizenPin`).' })),
    note: Opt(Text(500)),
    clientRef: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$', description: 'Your id for this entry (e.g. a UUID): sending it again returns the entry already recorded instead of a second one.' })),
  },
  { additionalProperties: false },
);
export const HelpEntrySchema = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  day: Type.String(),
  deskId: Type.Integer(),
  deviceId: Nullable(Type.Integer()),
  helperMemberId: Nullable(Type.Integer()),
  helperName: Nullable(Type.String()),
  enteredBy: Type.String(),
  unitCode: Type.String(),
  kind: HelpKindSchema,
  outcome: HelpOutcomeSchema,
  serviceCode: Nullable(Type.String()),
  citizenPinMasked: Nullable(Type.String({ description: 'Masked; read it in full with GET /desk/help/{id}/citizen (audited).' })),
  note: Nullable(Type.String()),
  source: Type.String(),
  voidedAt: Nullable(Type.String()),
  voidReason: Nullable(Type.String()),
});
export const HelpListQuerySchema = Type.Object(
  { from: Type.Optional(Day), to: Type.Optional(Day), deskId: Type.Optional(Id), kind: Type.Optional(HelpKindSchema), outcome: Type.Optional(HelpOutcomeSchema), ...unitFilter, ...pageQueryProperties },
  { additionalProperties: false },
);
export const HelpListSchema = pagedSchema(HelpEntrySchema);
export const VoidInputSchema = Type.Object({ reason: Text(300) }, { additionalProperties: false });
export const HelpCitizenSchema = Type.Object({ id: Type.Integer(), citizenPin: Type.String() });

// --- campaigns -------------------------------------------------------------------------------------

const Officer = Type.Object({ fullName: Text(100), username: Type.Optional(Username), title: Opt(Text(100)) }, { additionalProperties: false });
export const CampaignInputSchema = Type.Object(
  {
    siteId: Id,
    day: Day,
    startTime: Opt(TimeOfDay),
    endTime: Opt(TimeOfDay),
    title: Text(200),
    status: Type.Optional(CampaignStatusSchema),
    officers: Type.Array(Officer, { maxItems: 50, description: 'Police officers collecting (cán bộ thu nhận).' }),
    deviceIds: Type.Optional(Type.Array(Id, { maxItems: 100, uniqueItems: true, description: 'Devices of the site’s inventory used.' })),
    equipmentNote: Opt(Text(500)),
    note: Opt(Text(1000)),
  },
  { additionalProperties: false },
);
export const CampaignPatchSchema = Type.Object(
  { day: Type.Optional(Day), startTime: Opt(TimeOfDay), endTime: Opt(TimeOfDay), title: Type.Optional(Text(200)), status: Type.Optional(CampaignStatusSchema), officers: Type.Optional(CampaignInputSchema.properties.officers), deviceIds: Type.Optional(CampaignInputSchema.properties.deviceIds), equipmentNote: Opt(Text(500)), note: Opt(Text(1000)) },
  { additionalProperties: false, minProperties: 1 },
);
export const CampaignParamsSchema = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,15}$', description: 'Campaign id (a string).' }) }, { additionalProperties: false });
export const CampaignSchema = Type.Object({
  id: Type.String({ description: 'The campaign id, a string: the e-ID module records it as `collectionPoint.campaignId`.' }),
  siteId: Type.Integer(),
  siteName: Type.String(),
  ...unitView,
  day: Type.String(),
  startTime: Nullable(Type.String()),
  endTime: Nullable(Type.String()),
  title: Type.String(),
  status: CampaignStatusSchema,
  officers: Type.Array(Type.Object({ fullName: Type.String(), username: Nullable(Type.String()), title: Nullable(Type.String()) })),
  devices: Type.Array(Type.Object({ id: Type.Integer(), kind: DeviceKindSchema, model: Nullable(Type.String()) })),
  equipmentNote: Nullable(Type.String()),
  note: Nullable(Type.String()),
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const CampaignListQuerySchema = Type.Object({ from: Type.Optional(Day), to: Type.Optional(Day), ...unitFilter, ...pageQueryProperties }, { additionalProperties: false });
export const CampaignListSchema = pagedSchema(CampaignSchema);
export const CampaignResultsSchema = Type.Object({
  campaignId: Type.String(),
  available: Type.Boolean({ description: 'Whether the e-ID module answered counts for the campaign; when false the figures are null, never guessed.' }),
  applications: Nullable(Type.Integer({ description: 'e-ID applications taken at the campaign (any status).' })),
  activations: Nullable(Type.Integer({ description: 'Of those, applications whose account was activated.' })),
  helpEntries: Type.Integer({ description: 'Help entries recorded at the campaign’s site on its day (from the help log).' }),
});

// --- indicators ------------------------------------------------------------------------------------

export const PeriodQuerySchema = Type.Object({ from: Day, to: Day, ...unitFilter }, { additionalProperties: false });
export const UnitQuerySchema = Type.Object({ ...unitFilter }, { additionalProperties: false });
/** An inventory figure of a unit as of a day (default today). */
export const InventoryQuerySchema = Type.Object({ ...unitFilter, at: Type.Optional({ ...Day, description: 'The day the inventory is read as of (default today, Vietnam): sites, connections and device statuses in effect that day.' }) }, { additionalProperties: false });
export const HelpIndicatorSchema = Type.Object({
  byKindOutcome: Type.Array(Type.Object({ unitCode: Type.String(), kind: HelpKindSchema, outcome: HelpOutcomeSchema, count: Type.Integer() })),
  selfService: Type.Array(
    Type.Object({
      unitCode: Type.String(),
      guidedAlone: Type.Integer(),
      filedOnBehalf: Type.Integer(),
      share: Nullable(Type.Number({ description: 'guidedAlone / (guidedAlone + filedOnBehalf); null when both are 0.' })),
      dossiersSelf: Type.Integer({ description: 'Dossiers filed online by the citizen alone (channel `online`).' }),
      dossiersOnBehalf: Type.Integer({ description: 'Dossiers filed through the online system on the citizen’s behalf (channels `on_behalf`, `mobile`).' }),
      dossierShare: Nullable(Type.Number({ description: 'dossiersSelf / (dossiersSelf + dossiersOnBehalf); null when both are 0. Paper counter dossiers are left out.' })),
    }),
  ),
});
export const DutyCoverageSchema = Type.Array(Type.Object({ unitCode: Type.String(), scheduled: Type.Integer(), staffed: Type.Integer(), share: Nullable(Type.Number()) }));
export const CoverageSchema = Type.Array(
  Type.Object({
    unitCode: Type.String(),
    villages: Type.Integer({ description: 'Active village or residential-area cultural houses (sites of kind cultural_house).' }),
    connected: Type.Integer({ description: 'Those with an internet connection and a working computer.' }),
    share: Nullable(Type.Number()),
  }),
);
export const EquipmentPerSiteSchema = Type.Array(
  Type.Object({ siteId: Type.Integer(), siteName: Type.String(), unitCode: Type.String(), kind: DeviceKindSchema, working: Type.Integer(), total: Type.Integer() }),
);

// --- imports ---------------------------------------------------------------------------------------

export const ImportKindSchema = Type.Unsafe<'roster' | 'equipment' | 'help'>({ type: 'string', enum: ['roster', 'equipment', 'help'], description: '`roster` (duty assignments), `equipment` (device list), `help` (help log).' });
export const ImportQuerySchema = Type.Object({ ...unitPlacement }, { additionalProperties: false });
export const ImportReportSchema = Type.Object({
  kind: ImportKindSchema,
  file: Type.String(),
  rowsRead: Type.Integer(),
  imported: Type.Integer(),
  badRows: Type.Integer(),
  errors: Type.Array(Type.Object({ row: Type.Integer(), column: Type.String(), code: Type.String(), message: Type.String(), value: Nullable(Type.String()) })),
});

export type TeamInput = Static<typeof TeamInputSchema>;
export type TeamPatch = Static<typeof TeamPatchSchema>;
export type Team = Static<typeof TeamSchema>;
export type TeamDetail = Static<typeof TeamDetailSchema>;
export type MemberInput = Static<typeof MemberInputSchema>;
export type MemberPatch = Static<typeof MemberPatchSchema>;
export type Member = Static<typeof MemberSchema>;
export type SiteInput = Static<typeof SiteInputSchema>;
export type SitePatch = Static<typeof SitePatchSchema>;
export type Site = Static<typeof SiteSchema>;
export type DeskInput = Static<typeof DeskInputSchema>;
export type DeskPatch = Static<typeof DeskPatchSchema>;
export type Desk = Static<typeof DeskSchema>;
export type DeviceInput = Static<typeof DeviceInputSchema>;
export type DevicePatch = Static<typeof DevicePatchSchema>;
export type Device = Static<typeof DeviceSchema>;
export type Shift = Static<typeof ShiftSchema>;
export type Conflict = Static<typeof ConflictSchema>;
export type DayInfo = Static<typeof DayInfoSchema>;
export type Roster = Static<typeof RosterSchema>;
export type HelpInput = Static<typeof HelpInputSchema>;
export type HelpEntry = Static<typeof HelpEntrySchema>;
export type CampaignInput = Static<typeof CampaignInputSchema>;
export type CampaignPatch = Static<typeof CampaignPatchSchema>;
export type Campaign = Static<typeof CampaignSchema>;
export type CampaignResults = Static<typeof CampaignResultsSchema>;
export type ImportReport = Static<typeof ImportReportSchema>;
export type ImportKind = Static<typeof ImportKindSchema>;

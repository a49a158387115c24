/**
 * Request and response shapes of the population API (shared with the web UI).
 * Identification numbers are 12-digit strings; dates of birth `YYYY`, `YYYY-MM` or `YYYY-MM-DD`;
 * places are a unit code with the date it refers to.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { Nullable } from '../platform/http/schemas.js';
import { pageQueryProperties, pagedSchema } from '../platform/http/pagination.js';
import { PURPOSES } from './purposes.js';
import { SEARCH_TOTAL_CAP } from './store.js';

const CAP = SEARCH_TOTAL_CAP.toLocaleString('en');
/** What a citizen search lists, for the route's description. */
export const CITIZEN_SEARCH_CAP_TEXT = `At most ${CAP} people are counted and listed, in name order: when more match, \`total\` is ${CAP} and \`totalCapped\` true, and pages past the ${CAP}th person are empty.`;

const Opt = <T extends TSchema>(t: T) => Type.Optional(Nullable(t));
const Pin = Type.String({ pattern: '^[0-9]{12}$', 'x-form': '12 digits', description: 'Personal identification number (số định danh cá nhân), 12 digits.' });
const Day = Type.String({ format: 'date', 'x-form': 'YYYY-MM-DD' });
const PartialDate = Type.String({ pattern: '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$', 'x-form': 'YYYY, YYYY-MM or YYYY-MM-DD', description: 'A date that may be known only to the year or the month.' });
const UnitCode = Type.String({ pattern: '^[0-9]{2,5}$', 'x-form': '2–5 digits' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Sex = Type.Unsafe<'male' | 'female'>({ type: 'string', enum: ['male', 'female'] });
const Status = Type.Unsafe<'living' | 'deceased' | 'cancelled' | 're_established'>({ type: 'string', enum: ['living', 'deceased', 'cancelled', 're_established'] });
const Relation = Type.Unsafe<'head' | 'spouse' | 'child' | 'parent' | 'grandchild' | 'grandparent' | 'sibling' | 'other'>({
  type: 'string',
  enum: ['head', 'spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'other'],
});

const Place = Type.Object({ unitCode: UnitCode, unitDate: Day, addressLine: Opt(Text(300)) }, { additionalProperties: false });
const Residence = Type.Object({ unitCode: UnitCode, unitDate: Day, addressLine: Opt(Text(300)), since: Opt(Day) }, { additionalProperties: false });

const citizenProperties = {
  pin: Pin,
  fullName: Type.String({ minLength: 2, maxLength: 100 }),
  otherNames: Opt(Text(200)),
  dateOfBirth: PartialDate,
  sex: Sex,
  nationality: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$', 'x-form': 'ISO 3166-1 alpha-2, e.g. VN' })),
  ethnicity: Opt(Text(50)),
  religion: Opt(Text(50)),
  birthRegistration: Opt(Place),
  homeTown: Opt(Place),
  permanentResidence: Opt(Residence),
  temporaryResidence: Opt(Residence),
  currentResidence: Opt(Residence),
  household: Opt(Type.Object({ number: Text(30), headPin: Pin, relation: Relation }, { additionalProperties: false })),
  fatherPin: Opt(Pin),
  motherPin: Opt(Pin),
  spousePin: Opt(Pin),
  phone: Opt(Type.String({ pattern: '^0[0-9]{9}$', 'x-form': '0 and 9 digits' })),
  email: Opt(Type.String({ format: 'email', maxLength: 200 })),
  identityCard: Opt(Type.Object({ number: Type.String({ pattern: '^[0-9]{9,12}$' }), issuedOn: Opt(Day), expiresOn: Opt(Day), chip: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
  status: Type.Optional(Status),
  deceasedOn: Opt(Day),
};

export const CitizenInputSchema = Type.Object(citizenProperties, { additionalProperties: false });
export const CitizenSchema = Type.Object({ ...citizenProperties, ref: Type.String(), nationality: Type.String(), status: Status, version: Type.Integer(), updatedAt: Type.String() });
export const CitizenListItemSchema = Type.Object({
  ref: Type.String({ description: 'Opaque reference: GET /api/v1/citizens/{ref} opens the record.' }),
  pinMasked: Type.String(),
  fullName: Type.String(),
  dateOfBirth: Type.String(),
  sex: Sex,
  residence: Nullable(Type.Object({ unitCode: Type.String(), unitDate: Type.String({ description: 'The date the unit code refers to.' }), addressLine: Nullable(Type.String()) })),
  phoneMasked: Nullable(Type.String()),
  status: Status,
});
export const CitizenListSchema = Type.Object({
  ...pagedSchema(CitizenListItemSchema).properties,
  total: Type.Integer({ minimum: 0, description: `People matching, counted up to ${CAP}.` }),
  totalCapped: Type.Boolean({ description: `More people match than \`total\` (${CAP}): only the first ${CAP} in name order are listed; narrow the search (year of birth, unit, more words).` }),
});

export const SaveOutcomeSchema = Type.Object({
  outcome: Type.Unsafe<'created' | 'updated' | 'unchanged' | 'duplicate'>({ type: 'string', enum: ['created', 'updated', 'unchanged', 'duplicate'] }),
  pin: Type.String(),
  version: Type.Optional(Type.Integer()),
  duplicateOf: Type.Optional(Type.String()),
  candidateId: Type.Optional(Type.Integer()),
});

export const PurposeHeadersSchema = Type.Object({
  'x-purpose': Type.Optional(Type.String({ maxLength: 40, description: `Purpose code: ${Object.keys(PURPOSES).join(', ')}` })),
  'x-purpose-note': Type.Optional(Type.String({ maxLength: 500 })),
  'x-dossier-code': Type.Optional(Type.String({ pattern: '^[A-Za-z0-9.\\-]{1,60}$', 'x-form': 'dossier code' })),
});

export const CitizenKeyParamsSchema = Type.Object(
  { key: Type.String({ pattern: '^([0-9]{12}|[0-9a-fA-F-]{36})$', 'x-form': '12-digit identification number or list reference' }) },
  { additionalProperties: false },
);
export const PinParamsSchema = Type.Object({ pin: Pin }, { additionalProperties: false });

export const CitizenListQuerySchema = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Words of the name; diacritics and đ/Đ folded.' })),
    birthYear: Type.Optional(Type.Integer({ minimum: 1880, maximum: 2200 })),
    unit: Type.Optional(UnitCode),
    ...pageQueryProperties,
  },
  { additionalProperties: false },
);

export const PinExplanationSchema = Type.Object({
  valid: Type.Boolean(),
  facts: Type.Optional(
    Type.Object({
      pin: Type.String(),
      provinceCode: Type.String(),
      provinceName: Nullable(Type.String()),
      century: Type.Integer(),
      sex: Sex,
      birthYearDigits: Type.String(),
      birthYear: Type.Integer(),
    }),
  ),
  breaches: Type.Array(Type.Object({ code: Type.String(), detail: Type.String() })),
});

export const HistorySchema = pagedSchema(Type.Object({ version: Type.Integer(), at: Type.String(), actor: Type.String(), source: Type.String(), changes: Type.Record(Type.String(), Type.Unknown()) }));
/**
 * A page of a record's access log. `seq` is the entry's place in the audit log (unique, rising);
 * `upTo` the snapshot the pages are read in: pass it back with the next pages (query `upTo`) so
 * that entries written since — this reading's own entry among them — shift nothing.
 */
export const AccessLogSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      seq: Type.Integer({ minimum: 1 }),
      at: Type.String(),
      actorKind: Type.String(),
      actorId: Type.String(),
      actorUnit: Nullable(Type.String()),
      sourceIp: Nullable(Type.String()),
      action: Type.String(),
      purposeCode: Nullable(Type.String()),
      purposeNote: Nullable(Type.String()),
      summary: Type.String(),
    }),
  ),
  total: Type.Integer({ minimum: 0, description: 'Entries up to `upTo`.' }),
  upTo: Type.Integer({ minimum: 0, description: 'The newest entry counted: as asked, else the newest about this record when read (0: none).' }),
});

/** Query of the access log: a page, and the snapshot of the first page (`upTo`) for the next ones. */
export const AccessLogQuerySchema = Type.Object(
  {
    ...pageQueryProperties,
    upTo: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Read the log as it stood at this entry (the `upTo` of the first page): later entries do not shift the pages.' })),
  },
  { additionalProperties: false },
);

/** A citizen-list import's status and counts. */
export const ImportStatusSchema = Type.Object({
  id: Type.Integer(),
  fileName: Type.String(),
  status: Type.Unsafe<'running' | 'done' | 'failed'>({ type: 'string', enum: ['running', 'done', 'failed'] }),
  referenceDate: Type.String(),
  rowsRead: Type.Integer(),
  rowsTotal: Type.Integer({ description: 'Data rows: an estimate from the line count while running (0 when unknown, e.g. XLSX); the rows read once done.' }),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  duplicates: Type.Integer(),
  badRows: Type.Integer(),
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  failure: Type.Union([Type.String(), Type.Null()], { description: 'Why a failed import stopped: a catalogue code (see /api/problems).' }),
});

export type ImportStatusDto = Static<typeof ImportStatusSchema>;
export type CitizenDto = Static<typeof CitizenSchema>;
export type CitizenListDto = Static<typeof CitizenListSchema>;
export type CitizenListItemDto = Static<typeof CitizenListItemSchema>;
export type PinExplanationDto = Static<typeof PinExplanationSchema>;

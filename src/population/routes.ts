/**
 * HTTP routes of the population registry, under `/api/v1`:
 * - `GET /pins/{pin}` — what an identification number says, or every rule it breaks (public).
 * - `GET /purposes` — the catalogue of lookup purposes.
 * - `POST /citizens` (citizen.write) — create a record: 201, or 202 when held as a duplicate candidate.
 * - `GET /citizens/{pin|ref}` (citizen.read, X-Purpose) — one record in full, audited.
 * - `GET /citizens?q=&birthYear=&unit=&page=&pageSize=` (citizen.read, X-Purpose) — masked list, audited.
 * - `GET /citizens/{pin|ref}/history` (citizen.read, X-Purpose) — the record's changes.
 * - `GET /citizens/{pin}/access-log` (citizen.access-log) — who read or changed the record.
 *
 * With a read replica (DATABASE_READ_URL) the lookup `GET /citizens/{pin|ref}` and the search
 * `GET /citizens` read there (`ctx.db.read`) and write their audit entries to the primary; a
 * record created or changed a moment before may show as before, or not yet at all, until the
 * replica has replayed the change (asynchronous streaming replication, usually milliseconds).
 * History, access log and duplicates read the primary.
 */
import { Type } from 'typebox';
import { actorOf, staffOf } from '../platform/auth.js';
import { auditEntriesFor, recordAuditNow } from '../platform/audit/audit.js';
import { AppError, messageOf } from '../platform/errors.js';
import { decodeHeaderText } from '../platform/http/headers.js';
import { languageOf } from '../platform/http/problem.js';
import { pageQueryProperties, pageWindow } from '../platform/http/pagination.js';
import type { Api, AppContext } from '../platform/module.js';
import { explainPin } from './pin.js';
import { PURPOSES } from './purposes.js';
import { createCitizen, findCitizens, readCitizen, type ReadPurpose } from './registry.js';
import { decideDuplicate, listDuplicates } from './duplicates.js';
import { citizenByPin, citizenByRef, historyOf, type PopulationTables } from './store.js';
import type { Database } from '../platform/db/database.js';
import { UnitCache, type UnitsTables } from '../units/index.js';
import {
  CITIZEN_SEARCH_CAP_TEXT,
  AccessLogQuerySchema,
  AccessLogSchema,
  CitizenInputSchema,
  CitizenKeyParamsSchema,
  CitizenListQuerySchema,
  CitizenListSchema,
  CitizenSchema,
  HistorySchema,
  PinExplanationSchema,
  PinParamsSchema,
  PurposeHeadersSchema,
  SaveOutcomeSchema,
} from './schemas.js';

/** C0 and C1 controls, DEL, and the bidirectional embedding, override and isolate characters (Unicode UAX #9). */
const CONTROL_OR_DIRECTION = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/**
 * The stated purpose of a read from its headers (`X-Purpose`, `X-Purpose-Note` RFC 8187-decoded,
 * `X-Dossier-Code`), for {@link checkPurpose}; other modules reading a person reuse it with
 * `PurposeHeadersSchema`. Error: VALIDATION_FAILED — a note over 500 characters
 * (FIELD_TOO_LONG), or one with a control or text-direction character (FIELD_CONTROL_CHARACTER:
 * a right-to-left override would make the access log show other text than was sent). Line breaks
 * and tabs are folded into single spaces, so the note stays one line in the log.
 */
export const purposeOf = (h: { 'x-purpose'?: string; 'x-purpose-note'?: string; 'x-dossier-code'?: string }): ReadPurpose => {
  // Line breaks and tabs (a note typed on several lines) become one space each run.
  const note = decodeHeaderText(h['x-purpose-note'])?.replace(/[\t\n\r]+/g, ' ');
  if (note !== undefined && [...note].length > 500) throw new AppError('VALIDATION_FAILED', { count: 1 }, { fieldErrors: [{ field: 'headers.x-purpose-note', code: 'FIELD_TOO_LONG', params: { limit: 500 } }] });
  const control = note === undefined ? undefined : CONTROL_OR_DIRECTION.exec(note)?.[0];
  if (control !== undefined) {
    const codePoint = `U+${control.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new AppError('VALIDATION_FAILED', { count: 1 }, { fieldErrors: [{ field: 'headers.x-purpose-note', code: 'FIELD_CONTROL_CHARACTER', params: { codePoint } }] });
  }
  return { code: h['x-purpose'], note, dossierCode: h['x-dossier-code'] };
};

export async function populationRoutes(api: Api, ctx: AppContext): Promise<void> {
  // Readers' areas through time, revalidated against the units registry like the units routes' answers.
  const units = new UnitCache(ctx.db.as<UnitsTables>(), { revalidateMs: ctx.config.unitsCacheMs });

  api.get(
    '/pins/:pin',
    {
      schema: {
        tags: ['population'],
        summary: 'Explain a personal identification number',
        description: 'Province of birth registration, century, sex and year of birth (Decree 137/2015/NĐ-CP Art. 13; Circular 07/2016/TT-BCA), or every rule the number breaks, each with its code. Holds no personal data.',
        params: Type.Object({ pin: Type.String({ maxLength: 40 }) }, { additionalProperties: false }),
        response: { 200: PinExplanationSchema },
      },
    },
    async (request) => {
      const lang = languageOf(request);
      const e = explainPin(request.params.pin);
      return { valid: e.valid, facts: e.facts, breaches: e.breaches.map((b) => ({ code: b.code, detail: messageOf(b.code, lang, b.params) })) };
    },
  );

  api.get('/purposes', { schema: { tags: ['population'], summary: 'Purposes a staff lookup may state (X-Purpose)' } }, async () =>
    Object.entries(PURPOSES).map(([code, label]) => ({ code, ...label })),
  );

  api.post(
    '/citizens',
    {
      config: { permission: 'citizen.write' },
      schema: {
        tags: ['population'],
        summary: 'Create a citizen record',
        description: 'Validates the identification number against sex and date of birth and every unit code against its date. A staff member creates residents of their own unit only (403 `CITIZEN_OUT_OF_SCOPE`). An existing number answers 409 `CITIZEN_EXISTS`; a record that looks like an existing person (same folded name, date of birth and place of birth registration) is held for review and answers 202 with `outcome: duplicate` and the other number masked.',
        body: CitizenInputSchema,
        response: { 201: SaveOutcomeSchema, 202: SaveOutcomeSchema },
      },
    },
    async (request, reply) => {
      const result = await createCitizen(ctx.db, request.body, actorOf(request), staffOf(request));
      if (result.outcome !== 'created' && result.outcome !== 'duplicate') throw new AppError('INTERNAL_ERROR', { requestId: request.id });
      return reply.code(result.outcome === 'duplicate' ? 202 : 201).send(result);
    },
  );

  api.get(
    '/citizens/:key',
    {
      config: { permission: 'citizen.read' },
      schema: {
        tags: ['population'],
        summary: "One citizen's full record",
        description: 'Requires `X-Purpose` (see `/api/v1/purposes`), optionally `X-Purpose-Note` and `X-Dossier-Code`. Audited. A person outside your unit answers 404 like a missing one.',
        params: CitizenKeyParamsSchema,
        headers: PurposeHeadersSchema,
        response: { 200: CitizenSchema },
      },
    },
    // Read from the replica when there is one (DATABASE_READ_URL); the audit entry goes to the primary.
    async (request) => readCitizen(ctx.db, request.params.key, staffOf(request), purposeOf(request.headers), actorOf(request), units, ctx.db.read),
  );

  api.get(
    '/citizens',
    {
      config: { permission: 'citizen.read' },
      schema: {
        tags: ['population'],
        summary: 'Search citizens within your unit',
        description: `Name words (diacritics folded), year of birth, unit. Requires \`X-Purpose\`. Identification and phone numbers are masked; open a record by its \`ref\`. Audited with every record returned. ${CITIZEN_SEARCH_CAP_TEXT}`,
        querystring: CitizenListQuerySchema,
        headers: PurposeHeadersSchema,
        response: { 200: CitizenListSchema },
      },
    },
    async (request) => {
      const { q, birthYear, unit } = request.query;
      return findCitizens(ctx.db, { q, birthYear, unit, ...pageWindow(request.query) }, staffOf(request), purposeOf(request.headers), actorOf(request), units, ctx.db.read);
    },
  );

  api.get(
    '/citizens/:key/history',
    {
      config: { permission: 'citizen.read' },
      schema: { tags: ['population'], summary: "A record's change history", params: CitizenKeyParamsSchema, headers: PurposeHeadersSchema, querystring: Type.Object(pageQueryProperties, { additionalProperties: false }), response: { 200: HistorySchema } },
    },
    async (request) => {
      const citizen = await readCitizen(ctx.db, request.params.key, staffOf(request), purposeOf(request.headers), actorOf(request), units, ctx.db, 'change history shown');
      const { offset, limit } = pageWindow(request.query);
      const h = await historyOf(ctx.db.as<PopulationTables>(), citizen.pin, offset, limit);
      return { total: h.total, items: h.items.map((r) => ({ version: r.version, at: r.at, actor: r.actor, source: r.source, changes: JSON.parse(r.changes) as Record<string, unknown> })) };
    },
  );

  api.get(
    '/citizens/:key/access-log',
    {
      config: { permission: 'citizen.access-log' },
      schema: {
        tags: ['population'],
        summary: 'Who read or changed a record (from the audit log); this read is itself audited',
        description: 'Newest first. The first page answers `upTo`, the newest entry it counts; pass it with the next pages so that entries written meanwhile (this reading’s own among them) do not shift them.',
        params: CitizenKeyParamsSchema,
        querystring: AccessLogQuerySchema,
        response: { 200: AccessLogSchema },
      },
    },
    async (request) => {
      const pin = await pinOfKey(ctx.db, request.params.key);
      const log = await auditEntriesFor(ctx.db, { type: 'citizen', id: pin }, pageWindow(request.query), request.query.upTo);
      await recordAuditNow(ctx.db, { actor: actorOf(request), action: 'citizen.access-log', subjects: [{ type: 'citizen', id: pin }], summary: `access log shown: ${log.items.length} of ${log.total} entries` });
      return log;
    },
  );
}


/**
 * Duplicate candidates (citizen.write): `GET /citizen-duplicates?status=open|distinct|same` and
 * `POST /citizen-duplicates/{id}/decision {decision: 'distinct'|'same'}`.
 */
export async function duplicateRoutes(api: Api, ctx: AppContext): Promise<void> {
  api.get(
    '/citizen-duplicates',
    {
      config: { permission: 'citizen.write' },
      schema: {
        tags: ['population'],
        summary: 'Records held back as possible duplicates, for review',
        querystring: Type.Object({ status: Type.Optional(Type.Unsafe<'open' | 'distinct' | 'same'>({ type: 'string', enum: ['open', 'distinct', 'same'], default: 'open' })), ...pageQueryProperties }, { additionalProperties: false }),
      },
    },
    async (request) => listDuplicates(ctx.db, request.query.status ?? 'open', pageWindow(request.query), actorOf(request)),
  );

  api.post(
    '/citizen-duplicates/:id/decision',
    {
      config: { permission: 'citizen.write' },
      schema: {
        tags: ['population'],
        summary: 'Decide a duplicate candidate: two people (the held record is created) or one person (it is dropped)',
        params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) }, { additionalProperties: false }),
        body: Type.Object({ decision: Type.Unsafe<'distinct' | 'same'>({ type: 'string', enum: ['distinct', 'same'] }) }, { additionalProperties: false }),
      },
    },
    async (request) => decideDuplicate(ctx.db, request.params.id, request.body.decision, actorOf(request)),
  );
}

/** The identification number of a record named by number or list reference. Error: CITIZEN_NOT_FOUND. */
async function pinOfKey(db: Database, key: string): Promise<string> {
  const k = db.as<PopulationTables>();
  const row = /^\d{12}$/.test(key) ? await citizenByPin(k, key) : await citizenByRef(k, key);
  if (!row) throw new AppError('CITIZEN_NOT_FOUND');
  return row.pin;
}

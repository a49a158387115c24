/**
 * The counter's pre-fill from the national population database (Project 06: a citizen does not
 * declare again what the registry already holds). Online filing fills and locks a service's
 * `prefill` fields from the signed-in citizen's record on submission (src/dossiers/intake.ts
 * `applyPrefill`); at the one-stop desk the officer asks for them before filing, for the citizen
 * standing at the counter, and may still correct them there (nothing is locked: the counter
 * dossier carries what the officer files, checked against the citizen's papers).
 *
 * `GET /api/v1/services/{code}/prefill?pin={12 digits}` (permission `citizen.read`; headers
 * `X-Purpose` required, `X-Purpose-Note`, `X-Dossier-Code` optional) answers 200:
 *
 * ```json
 * { "service": { "code": "1.004194", "version": 1 },
 *   "values": { "applicant/fullName": "Nguyễn Thị Hoa", "applicant/pin": "031190001234", … },
 *   "fields": [ { "pointer": "applicant/fullName", "source": "fullName" }, … ],
 *   "empty": [ "applicant/email" ],
 *   "applicant": { "fullName": "Nguyễn Thị Hoa", "pin": "031190001234", "phone": "0912345678", "email": null } }
 * ```
 *
 * `values` and `fields` hold only the service's pre-fill fields the registry holds a value for
 * (the same values online filing would lock, from the same mapping); `empty` the pre-fill fields
 * it holds nothing for, left to the officer. Nothing else of the record is answered.
 *
 * The read goes through the population registry's `readCitizen`, so it is purpose-bound,
 * limited to the officer's unit through time and audited exactly like `GET /citizens/{pin}`: one
 * `citizen.read` entry (or `citizen.read-refused`) with the officer, the purpose and a summary
 * naming the service whose form was pre-filled, committed before the answer.
 *
 * Errors (RFC 9457 problem+json): 401 UNAUTHENTICATED, 403 FORBIDDEN (no `citizen.read`),
 * 400 VALIDATION_FAILED (`query.pin` FIELD_FORMAT: not 12 digits), 400 PURPOSE_REQUIRED,
 * 400 PURPOSE_UNKNOWN, 404 SERVICE_NOT_FOUND (before any read of the person), 404
 * CITIZEN_NOT_FOUND (no such number, or a person outside the officer's unit: existence is not
 * revealed).
 *
 * Legal basis: Decree 13/2023/NĐ-CP on personal data protection (Art. 3: processed only for a
 * stated, lawful purpose and no more than it needs; Art. 11 and 17: processing for an
 * administrative procedure the person asked for); Law 91/2025/QH15 on personal data protection;
 * the purpose-bound, unit-scoped, audited lookup rule of the population registry
 * (src/population/registry.ts, src/population/purposes.ts); Decree 118/2025/NĐ-CP on the
 * one-stop mechanism (the desk receives the dossier).
 */
import { Type } from 'typebox';
import { actorOf, staffOf, type StaffPrincipal } from '../platform/auth.js';
import type { AuditActor } from '../platform/audit/audit.js';
import { AppError } from '../platform/errors.js';
import type { Api, AppContext } from '../platform/module.js';
import { purposeOf, PurposeHeadersSchema, readCitizen, type ReadPurpose } from '../population/index.js';
import { PREFILL_FIELDS, type PrefillField } from '../services/index.js';
import { dossierEnv, type DossierEnv } from './access.js';
import { prefillValues, registryApplicant } from './intake.js';

/** The answer of {@link counterPrefill}. */
export interface CounterPrefill {
  service: { code: string; version: number };
  /** Form pointer → the registry's value. */
  values: Record<string, string>;
  /** The pointers filled, with the registry field each came from. */
  fields: { pointer: string; source: PrefillField }[];
  /** The service's pre-fill pointers the registry holds nothing for. */
  empty: string[];
  /** The applicant as the registry knows them. */
  applicant: { fullName: string; pin: string; phone: string | null; email: string | null };
}

/**
 * The values the service `code` pre-fills for the citizen `pin`, for an officer filing at the
 * counter (see the module comment for the rules and errors).
 */
export async function counterPrefill(env: DossierEnv, principal: StaffPrincipal, actor: AuditActor, code: string, pin: string, purpose: ReadPurpose): Promise<CounterPrefill> {
  const service = await env.catalog.current(code);
  if (!service) throw new AppError('SERVICE_NOT_FOUND', { code });
  const pointers = Object.keys(service.prefill);
  const shown = `form of ${service.code} v${service.version} (${service.nameVi}) pre-filled at the counter: ${pointers.length > 0 ? pointers.join(', ') : 'no field'}`;
  // Purpose, unit scope and the audit entry: the registry's own lookup, on the replica when there is one.
  const record = await readCitizen(env.db, pin, principal, purpose, actor, env.units, env.db.read, shown);
  const filled = await prefillValues(env, service, record);
  const got = new Set(filled.map(([p]) => p));
  return {
    service: { code: service.code, version: service.version },
    values: Object.fromEntries(filled),
    fields: filled.map(([pointer]) => ({ pointer, source: service.prefill[pointer]! })),
    empty: pointers.filter((p) => !got.has(p)),
    applicant: await registryApplicant(env, record),
  };
}

const CounterPrefillSchema = Type.Object({
  service: Type.Object({ code: Type.String(), version: Type.Integer() }),
  values: Type.Record(Type.String(), Type.String(), { description: 'Form field (JSON pointer without the leading slash) → the registry value.' }),
  fields: Type.Array(Type.Object({ pointer: Type.String(), source: Type.Unsafe<PrefillField>({ type: 'string', enum: [...PREFILL_FIELDS] }) })),
  empty: Type.Array(Type.String(), { description: "The service's pre-fill fields the registry holds nothing for." }),
  applicant: Type.Object({ fullName: Type.String(), pin: Type.String(), phone: Type.Union([Type.String(), Type.Null()]), email: Type.Union([Type.String(), Type.Null()]) }),
});

/** `GET /services/{code}/prefill?pin=` (citizen.read, X-Purpose). */
export async function prefillRoutes(api: Api, ctx: AppContext): Promise<void> {
  const env = dossierEnv(ctx);
  api.get(
    '/services/:code/prefill',
    {
      config: { permission: 'citizen.read' },
      schema: {
        tags: ['dossiers'],
        summary: "A service's form pre-filled from the population registry, for filing at the counter",
        description:
          "The values of the service's pre-fill fields for the citizen `pin` (the fields online filing locks), for the officer to check and edit at the counter. Requires `X-Purpose` (see `/api/v1/purposes`), optionally `X-Purpose-Note` and `X-Dossier-Code`; audited like `GET /citizens/{pin}`, naming the service (Decree 13/2023/NĐ-CP). A person outside your unit answers 404 CITIZEN_NOT_FOUND like a missing one; 404 SERVICE_NOT_FOUND; 400 PURPOSE_REQUIRED, PURPOSE_UNKNOWN, VALIDATION_FAILED.",
        params: Type.Object({ code: Type.String({ pattern: '^(?:[0-9]\\.[0-9]{6}|P\\.[0-9]{6})$', 'x-form': '1.004222 hoặc P.000014' }) }, { additionalProperties: false }),
        querystring: Type.Object({ pin: Type.String({ pattern: '^[0-9]{12}$', 'x-form': '12 chữ số', description: 'Personal identification number of the citizen at the counter.' }) }, { additionalProperties: false }),
        headers: PurposeHeadersSchema,
        response: { 200: CounterPrefillSchema },
      },
    },
    async (request) => counterPrefill(env, staffOf(request), actorOf(request), request.params.code, request.query.pin, purposeOf(request.headers)),
  );
}

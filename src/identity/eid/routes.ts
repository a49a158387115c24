/**
 * The e-ID API under `/api/v1/eid` (Decree 69/2024/NĐ-CP). HTTP only: parse, authorize, call,
 * shape the reply. Every error is an RFC 9457 problem with a stable `code`.
 *
 * Citizens (public, rate-limited):
 * - `POST /eid/applications` — level-1 application online (JSON with base64 `faceImage`, or
 *   multipart/form-data: an `application` JSON field and a `faceImage` file) → 201.
 * - `POST /eid/activations {pin, phone}` → 202, the same answer whether or not a code was sent.
 * - `POST /eid/activations/confirm {pin, phone, code, password?, passcode?}` → 200.
 * - `POST /eid/sessions {pin, password, otp?, deviceName?}` → 201 session; 401 for any wrong combination.
 * - `POST /eid/unlock {pin, password, passcode}` — lift one's own lock.
 * Signed-in citizens (`self.account`, bearer token from `POST /eid/sessions`):
 * - `GET /eid/me`, `GET /eid/me/sessions`, `DELETE /eid/me/sessions/{id|current}`,
 *   `GET /eid/me/history`, `POST /eid/me/lock {passcode}`,
 *   `POST /eid/me/totp`, `POST /eid/me/totp/confirm {otp}`, `POST /eid/me/totp/disable {otp}`,
 *   `POST /eid/applications/dependants` — a parent's level-1 application for a child under 14.
 * Police:
 * - `POST /eid/applications/in-person` (`eid.collect`) — level 2 at a collection point (JSON, or
 *   multipart with `portrait` and `fingerprint.<position>` files).
 * - `GET /eid/applications` (`eid.decide`) — the queue, with counts per status;
 *   `GET /eid/applications/{id}`; `GET /eid/applications/{id}/face-image` (the face image or
 *   portrait, decrypted, audited); `POST /eid/applications/{id}/decision`.
 * - `GET /eid/accounts?pin=` (`eid.manage`); `POST /eid/accounts/{id}/lock|unlock|revoke {note?}`;
 *   `POST /eid/accounts/{id}/phone {phone, note?}`.
 */
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf, citizenOf, staffOf } from '../../platform/auth.js';
import { AppError, validationError, type FieldError } from '../../platform/errors.js';
import { multipartError } from '../../platform/http/multipart.js';
import { toAppError } from '../../platform/http/problem.js';
import { pageWindow } from '../../platform/http/pagination.js';
import type { Api, AppContext } from '../../platform/module.js';
import { changePhone, findAccount, lockOwnAccount, myAccount, myHistory, policeLock, policeRevoke, policeUnlock, unlockOwnAccount } from './accounts.js';
import { confirmActivation, requestActivationCode } from './activation.js';
import { applicationImage, applyForDependant, applyInPerson, applyOnline, decideApplication, getApplication, listApplications } from './applications.js';
import { decodeFingerprints, decodeImage, FINGERPRINT_MAX_BYTES, IMAGE_MAX_BYTES } from './biometrics.js';
import {
  AccountDetailSchema,
  AccountQuerySchema,
  AccountSchema,
  ActivationConfirmSchema,
  ActivationRequestSchema,
  ActivationResultSchema,
  ApplicationDetailSchema,
  ApplicationQuerySchema,
  ApplicationQueueSchema,
  ApplicationSchema,
  CodeRequestAnswerSchema,
  DecisionSchema,
  DependantApplicationSchema,
  HistorySchema,
  IdParamsSchema,
  InPersonApplicationSchema,
  MeSchema,
  NoteSchema,
  OnlineApplicationSchema,
  OtpBodySchema,
  PageQuerySchema,
  PasscodeBodySchema,
  PhoneChangeSchema,
  SessionListSchema,
  SessionParamsSchema,
  SignInResultSchema,
  SignInSchema,
  TotpEnrolmentSchema,
  UnlockSchema,
} from './schemas.js';
import { createEidService, type EidPlugins } from './service.js';
import { endSession, mySessions, signIn } from './sessions.js';
import { confirmTotp, disableTotp, enrollTotp } from './totp.js';

const TAG = ['e-ID'];
const CITIZEN_AUTH = 'Needs a citizen session: `Authorization: Bearer eid.…` from `POST /api/v1/eid/sessions`.';
/** Raw bytes in an OpenAPI response (`type: string, format: binary`). */
const BinarySchema = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });
/** JSON bodies carrying images: 2 MiB images in base64 and room for the other fields. */
const IMAGE_BODY_LIMIT = 4 * 1024 * 1024;
/** A level-2 body: a portrait and up to 10 fingerprint records of 512 KiB, in base64. */
const IN_PERSON_BODY_LIMIT = 12 * 1024 * 1024;

/**
 * multipart/form-data → the JSON body shape, before schema validation: an `application` field
 * holding JSON is merged in; other text fields are copied; files become base64 strings under their
 * field name, except `fingerprint.<position>` files, gathered into `fingerprints`. An oversize
 * file answers EID_IMAGE_TOO_LARGE naming its field; a body that is not readable multipart (no or
 * bad boundary, truncated, garbage) BODY_MALFORMED (400).
 */
async function multipartToBody(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  const body: Record<string, unknown> = {};
  const fingerprints: { position: number; template: string }[] = [];
  let field = '';
  try {
    for await (const part of request.parts()) {
      field = part.fieldname;
      if (part.type === 'file') {
        const fp = /^fingerprints?[.[](\d{1,2})\]?$/.exec(part.fieldname);
        const limit = fp ? FINGERPRINT_MAX_BYTES : IMAGE_MAX_BYTES;
        const bytes = await part.toBuffer();
        if (bytes.length > limit) throw new AppError('EID_IMAGE_TOO_LARGE', { field, limit });
        if (fp) fingerprints.push({ position: Number(fp[1]), template: bytes.toString('base64') });
        else body[part.fieldname] = bytes.toString('base64');
      } else if (part.fieldname === 'application') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(String(part.value));
        } catch {
          throw new AppError('BODY_MALFORMED', { reason: 'the "application" field is not JSON' });
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new AppError('BODY_MALFORMED', { reason: 'the "application" field is not a JSON object' });
        Object.assign(body, parsed);
      } else {
        body[part.fieldname] = part.value;
      }
    }
  } catch (e) {
    if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('EID_IMAGE_TOO_LARGE', { field, limit: field.startsWith('fingerprint') ? FINGERPRINT_MAX_BYTES : IMAGE_MAX_BYTES });
    if ((e as { code?: string }).code === 'FST_FILES_LIMIT' || (e as { code?: string }).code === 'FST_PARTS_LIMIT' || (e as { code?: string }).code === 'FST_FIELDS_LIMIT') throw new AppError('BODY_TOO_LARGE', { limit: IN_PERSON_BODY_LIMIT });
    // No or bad boundary, a truncated or garbage body: BODY_MALFORMED (400), never a 500.
    throw multipartError(e, request.headers['content-type']);
  }
  if (fingerprints.length > 0) body.fingerprints = fingerprints.sort((a, b) => a.position - b.position);
  request.body = body;
}

/**
 * The schema failures of a route declared with `attachValidation`, answered with the errors of its
 * image fields (those present as text and not already refused) judged as well, so that every
 * failing field is listed at once: 400 VALIDATION_FAILED whose items carry each field's own code
 * (DATE_INVALID on `body.dateOfBirth` beside EID_IMAGE_TYPE on `body.faceImage`, say). Returns
 * when the request passed its schemas.
 */
function refuseInvalid(request: FastifyRequest, imageFields: readonly string[]): void {
  if (!request.validationError) return;
  const schemaError = toAppError(request.validationError, request);
  if (schemaError.code !== 'VALIDATION_FAILED') throw schemaError;
  const fieldErrors: FieldError[] = [...schemaError.fieldErrors];
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
  for (const f of imageFields) {
    const value = body[f];
    if (typeof value !== 'string' || fieldErrors.some((e) => e.field === `body.${f}`)) continue;
    try {
      decodeImage(f, value);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      fieldErrors.push({ field: `body.${f}`, code: e.code, params: e.params });
    }
  }
  throw validationError(fieldErrors);
}

/** The e-ID routes with the given vendor plug-ins (built-in: store only, verify nothing). */
export function eidRoutes(plugins: EidPlugins = {}) {
  return async function routes(api: Api, ctx: AppContext): Promise<void> {
    const svc = createEidService(ctx, plugins);
    await api.register(async (eid: Api) => {
      await eid.register(multipart, { limits: { fileSize: IMAGE_MAX_BYTES + 1, files: 12, fields: 10, fieldSize: 256 * 1024, parts: 24 } });

      // --- applications ---------------------------------------------------------------------------
      eid.post(
        '/eid/applications',
        {
          bodyLimit: IMAGE_BODY_LIMIT,
          preValidation: multipartToBody,
          attachValidation: true,
          schema: {
            tags: TAG,
            summary: 'Apply online for a level-1 e-ID account',
            description:
              'Decree 69/2024/NĐ-CP Art. 10. The number, full name (diacritics and case ignored), date of birth and sex must match the population registry (422 `EID_IDENTITY_MISMATCH` otherwise, without saying which field). Eligibility refusals: `EID_GUARDIAN_REQUIRED` (under 14), `EID_CARD_REQUIRED`, `EID_CARD_EXPIRED`, `EID_PERSON_DECEASED`, `EID_NUMBER_CANCELLED`, `EID_NOT_VIETNAMESE`. `EID_PHONE_TAKEN`, `EID_ACCOUNT_EXISTS`, `EID_APPLICATION_OPEN` (409). Images: `EID_IMAGE_TYPE` (415), `EID_IMAGE_TOO_LARGE` (413), `EID_IMAGE_ENCODING`. A field the schema refuses (an impossible `dateOfBirth` such as 1979-02-30: `DATE_INVALID`) answers 400 `VALIDATION_FAILED` listing every failing field, the error of the image included. The face image is stored encrypted and the application marked `not_verified` unless a face-verification vendor is configured. 5 per number and 20 per address an hour (429 `RATE_LIMITED`). Also accepts multipart/form-data: field `application` (JSON of the other members) and file `faceImage`.',
            body: OnlineApplicationSchema,
            response: { 201: ApplicationSchema },
            security: [],
          },
        },
        async (request, reply) => {
          refuseInvalid(request, ['faceImage']);
          const b = request.body;
          const view = await applyOnline(svc, { ...b, faceImage: decodeImage('faceImage', b.faceImage) }, { kind: 'citizen', id: 'eid:applicant', sourceIp: request.ip, requestId: request.id });
          return reply.code(201).send(view);
        },
      );

      eid.post(
        '/eid/applications/dependants',
        {
          bodyLimit: IMAGE_BODY_LIMIT,
          preValidation: multipartToBody,
          attachValidation: true,
          config: { permission: 'self.account' },
          schema: {
            tags: TAG,
            summary: "A parent's level-1 application for a child under 14",
            description: `${CITIZEN_AUTH} The parent's account must be level 2 (403 \`EID_GUARDIAN_LEVEL2_REQUIRED\`) and the registry must name them father or mother (422 \`EID_GUARDIAN_NOT_RELATED\`); a child of 14 or over applies alone (422 \`EID_GUARDIAN_NOT_ALLOWED\`). Approved, the child's account is active at once and shown under the parent's \`GET /eid/me\`.`,
            body: DependantApplicationSchema,
            response: { 201: ApplicationSchema },
          },
        },
        async (request, reply) => {
          refuseInvalid(request, ['faceImage']);
          const b = request.body;
          const p = citizenOf(request);
          return reply.code(201).send(await applyForDependant(svc, p, { ...b, faceImage: decodeImage('faceImage', b.faceImage) }, actorOf(request)));
        },
      );

      eid.post(
        '/eid/applications/in-person',
        {
          bodyLimit: IN_PERSON_BODY_LIMIT,
          preValidation: multipartToBody,
          attachValidation: true,
          config: { permission: 'eid.collect' },
          schema: {
            tags: TAG,
            summary: 'Take a level-2 application at a collection point (police)',
            description:
              'The officer records number, phone, e-mail, portrait and fingerprints (ISO/IEC 19794-2/-4 records) with the citizen\'s consent (400 `EID_CONSENT_REQUIRED`) at the commune police office or a collection campaign (`collectionPoint.campaignId` required) within the officer\'s unit (403 `EID_COLLECTION_POINT_OUT_OF_SCOPE`). A chip identity card must be on record (422 `EID_CHIP_CARD_REQUIRED`); under 6: 422 `EID_AGE_LEVEL2_UNDER_6`. Biometrics are encrypted at rest and never returned. A level-1 holder\'s application upgrades the account after activation. Multipart: field `application` (JSON), files `portrait` and `fingerprint.<position>`.',
            body: InPersonApplicationSchema,
            response: { 201: ApplicationSchema },
          },
        },
        async (request, reply) => {
          refuseInvalid(request, ['portrait']);
          const b = request.body;
          const input = { ...b, portrait: decodeImage('portrait', b.portrait), fingerprints: decodeFingerprints(b.fingerprints), collectionPoint: { ...b.collectionPoint, campaignId: b.collectionPoint.campaignId ?? null } };
          return reply.code(201).send(await applyInPerson(svc, staffOf(request), input, actorOf(request)));
        },
      );

      eid.get(
        '/eid/applications',
        {
          config: { permission: 'eid.decide' },
          schema: {
            tags: TAG,
            summary: 'The police queue of applications',
            description: 'Applications handled within the officer\'s unit, oldest first, filtered by commune, status, level, channel or campaign, with `counts` per status under the same filters. Numbers masked; the read is audited.',
            querystring: ApplicationQuerySchema,
            response: { 200: ApplicationQueueSchema },
          },
        },
        async (request) => {
          const q = request.query;
          return listApplications(svc, staffOf(request), { commune: q.commune, status: q.status, level: q.level as 1 | 2 | undefined, channel: q.channel, campaignId: q.campaignId, ...pageWindow(q) }, actorOf(request));
        },
      );

      eid.get(
        '/eid/applications/:id',
        {
          config: { permission: 'eid.decide' },
          schema: { tags: TAG, summary: 'One application with its steps', description: '404 `EID_APPLICATION_NOT_FOUND` outside the officer\'s unit. Audited.', params: IdParamsSchema, response: { 200: ApplicationDetailSchema } },
        },
        async (request) => getApplication(svc, staffOf(request), request.params.id, actorOf(request)),
      );

      eid.get(
        '/eid/applications/:id/face-image',
        {
          config: { permission: 'eid.decide' },
          schema: {
            tags: TAG,
            summary: 'The face image sent with an application (police)',
            description:
              'The image the officer compares with the citizen before deciding: the face image sent with a level-1 application, or for level 2 the portrait taken at the collection point (Decree 69/2024/NĐ-CP Art. 10). Decrypted bytes as `image/jpeg` or `image/png` (judged by content), `Cache-Control: no-store`, `X-Content-SHA256` the SHA-256 of the bytes. Same scope as `GET /eid/applications/{id}`: 404 `EID_APPLICATION_NOT_FOUND` outside the officer\'s unit; 404 `EID_FACE_IMAGE_NOT_FOUND` when no image is stored. Fingerprint templates are never returned. Audited (`eid.application-face-read`).',
            params: IdParamsSchema,
            produces: ['image/jpeg', 'image/png'],
            response: {
              200: {
                description: 'The image bytes.',
                content: {
                  'image/jpeg': { schema: BinarySchema },
                  'image/png': { schema: BinarySchema },
                },
              },
            },
          },
        },
        async (request, reply) => {
          const image = await applicationImage(svc, staffOf(request), request.params.id, actorOf(request));
          return reply.type(image.mediaType).header('cache-control', 'no-store').header('x-content-sha256', image.sha256).header('content-length', String(image.bytes.length)).send(image.bytes);
        },
      );

      eid.post(
        '/eid/applications/:id/decision',
        {
          config: { permission: 'eid.decide' },
          schema: {
            tags: TAG,
            summary: 'Approve or reject a verified application',
            description:
              'Approval re-checks the registry, creates the account (or the pending upgrade) and queues the SMS inviting activation, in one transaction. Rejection needs `reasonCode` (and `note` for OTHER) and tells the applicant by SMS. A second decision or any other illegal step: 409 `EID_APPLICATION_STEP_INVALID`.',
            params: IdParamsSchema,
            body: DecisionSchema,
            response: { 200: ApplicationDetailSchema },
          },
        },
        async (request) => decideApplication(svc, staffOf(request), request.params.id, request.body, actorOf(request)),
      );

      // --- activation and sign-in -----------------------------------------------------------------
      eid.post(
        '/eid/activations',
        {
          schema: {
            tags: TAG,
            summary: 'Ask for an activation code by SMS',
            description: 'Sends a 6-digit code valid 5 minutes when an approved account awaits activation for this number and phone. Answers 202 the same way whether or not a code was sent. Malformed phone: 400 `EID_PHONE_INVALID`. One code a minute and 5 an hour per number, 5 an hour per phone, 20 per address (429 `RATE_LIMITED` with Retry-After).',
            body: ActivationRequestSchema,
            response: { 202: CodeRequestAnswerSchema },
            security: [],
          },
        },
        async (request, reply) => reply.code(202).send(await requestActivationCode(svc, request.body, request.ip)),
      );

      eid.post(
        '/eid/activations/confirm',
        {
          schema: {
            tags: TAG,
            summary: 'Activate with the SMS code, setting password and passcode',
            description:
              'Errors: `EID_CODE_INVALID` (wrong code, or nothing to activate), `EID_CODE_EXPIRED` (past 5 minutes or replaced), `EID_CODE_USED` (409, a replay), `EID_CODE_ATTEMPTS_EXCEEDED` (more than 5 wrong tries), `EID_PASSWORD_WEAK`, `EID_PASSCODE_WEAK`, `EID_PASSWORD_REQUIRED` (first activation). Wrong codes are limited per phone and per address (429).',
            body: ActivationConfirmSchema,
            response: { 200: ActivationResultSchema },
            security: [],
          },
        },
        async (request) => confirmActivation(svc, request.body, request.ip),
      );

      eid.post(
        '/eid/sessions',
        {
          schema: {
            tags: TAG,
            summary: 'Citizen sign-in',
            description:
              'Number + password (Argon2id), and `otp` when two-factor is on (401 `EID_OTP_REQUIRED` / `EID_OTP_INVALID`). Any wrong combination answers 401 `EID_CREDENTIALS_INVALID`, whether or not the account exists. A locked account (after a right password): 403 `EID_ACCOUNT_LOCKED` with `lockReason`. Failures: 5 per account in 5 minutes, then 10 in an hour, and 30 per address in 15 minutes, then 429 `RATE_LIMITED`. A new random token at every sign-in; a citizen bearer token sent with the request ends. A new sign-in ends the sessions of other devices unless `MOTCUA_EID_SINGLE_DEVICE=off`.',
            body: SignInSchema,
            response: { 201: SignInResultSchema },
            security: [],
          },
        },
        async (request, reply) => {
          const b = request.body;
          const device = b.deviceName ?? (typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null);
          // A citizen session the request came with (signing in again on this device) ends with the new sign-in.
          return reply.code(201).send(await signIn(svc, { pin: b.pin, password: b.password, otp: b.otp, device }, request.ip, request.principal?.kind === 'citizen' ? request.principal : undefined));
        },
      );

      eid.post(
        '/eid/unlock',
        {
          schema: { tags: TAG, summary: 'Lift the lock one asked for', description: 'Number, password and passcode; a police or automatic lock: 403 `EID_UNLOCK_NOT_ALLOWED`. Any wrong combination: 401 `EID_CREDENTIALS_INVALID` (sign-in limits apply).', body: UnlockSchema, response: { 200: AccountSchema }, security: [] },
        },
        async (request) => unlockOwnAccount(svc, request.body, request.ip),
      );

      // --- the signed-in citizen ------------------------------------------------------------------
      eid.get('/eid/me', { config: { permission: 'self.account' }, schema: { tags: TAG, summary: 'My e-ID account', description: `${CITIZEN_AUTH} Level, status, masked phone, two-factor, lock, and children's accounts.`, response: { 200: MeSchema } } }, async (request) => myAccount(svc, citizenOf(request)));

      eid.get('/eid/me/sessions', { config: { permission: 'self.account' }, schema: { tags: TAG, summary: 'My live sessions', description: CITIZEN_AUTH, response: { 200: SessionListSchema } } }, async (request) => mySessions(svc, citizenOf(request)));

      eid.delete(
        '/eid/me/sessions/:id',
        { config: { permission: 'self.account' }, schema: { tags: TAG, summary: 'End a session (`current` signs out)', description: `${CITIZEN_AUTH} 404 \`EID_SESSION_NOT_FOUND\` for a session not mine or already ended.`, params: SessionParamsSchema, response: { 204: Type.Null({ description: 'Ended.' }) } } },
        async (request, reply) => {
          await endSession(svc, citizenOf(request), request.params.id, request.ip);
          return reply.code(204).send(null);
        },
      );

      eid.get(
        '/eid/me/history',
        {
          config: { permission: 'self.account' },
          schema: { tags: TAG, summary: 'My usage history and who looked at my registry record', description: `${CITIZEN_AUTH} Sign-ins, uses and changes of the account (kept 5 years) and the registry's access log of my record, newest first.`, querystring: PageQuerySchema, response: { 200: HistorySchema } },
        },
        async (request) => myHistory(svc, citizenOf(request), pageWindow(request.query), request.ip),
      );

      eid.post(
        '/eid/me/lock',
        { config: { permission: 'self.account' }, schema: { tags: TAG, summary: 'Lock my account (lost phone)', description: `${CITIZEN_AUTH} Confirmed with the passcode (401 \`EID_PASSCODE_WRONG\`); every session ends.`, body: PasscodeBodySchema, response: { 200: AccountSchema } } },
        async (request) => lockOwnAccount(svc, citizenOf(request), request.body.passcode, request.ip),
      );

      eid.post('/eid/me/totp', { config: { permission: 'self.account' }, schema: { tags: TAG, summary: 'Start two-factor enrolment (TOTP)', description: `${CITIZEN_AUTH} Answers the secret once; confirm with a code. 409 \`EID_TOTP_ALREADY_ENABLED\`.`, response: { 201: TotpEnrolmentSchema } } }, async (request, reply) =>
        reply.code(201).send(await enrollTotp(svc, citizenOf(request))),
      );

      eid.post('/eid/me/totp/confirm', { config: { permission: 'self.account' }, schema: { tags: TAG, summary: 'Confirm two-factor enrolment', description: `${CITIZEN_AUTH} 401 \`EID_OTP_INVALID\`; 409 \`EID_TOTP_NOT_PENDING\`.`, body: OtpBodySchema, response: { 200: Type.Object({ enabled: Type.Literal(true) }) } } }, async (request) =>
        confirmTotp(svc, citizenOf(request), request.body.otp, request.ip),
      );

      eid.post('/eid/me/totp/disable', { config: { permission: 'self.account' }, schema: { tags: TAG, summary: 'Turn two-factor off', description: `${CITIZEN_AUTH} Needs a current code (401 \`EID_OTP_INVALID\`).`, body: OtpBodySchema, response: { 200: Type.Object({ enabled: Type.Literal(false) }) } } }, async (request) =>
        disableTotp(svc, citizenOf(request), request.body.otp, request.ip),
      );

      // --- police: accounts -----------------------------------------------------------------------
      eid.get(
        '/eid/accounts',
        { config: { permission: 'eid.manage' }, schema: { tags: TAG, summary: "Find a person's e-ID account (police)", description: '404 `EID_ACCOUNT_NOT_FOUND` when none within the officer\'s unit. Audited.', querystring: AccountQuerySchema, response: { 200: AccountDetailSchema } } },
        async (request) => findAccount(svc, staffOf(request), request.query.pin, actorOf(request)),
      );

      for (const [action, summary, fn] of [
        ['lock', 'Lock an account (police)', policeLock],
        ['unlock', 'Unlock an account (police); an automatic lock only once its reason is gone (409 `EID_LOCK_REASON_PERSISTS`)', policeUnlock],
        ['revoke', 'Revoke an account for good (police)', policeRevoke],
      ] as const) {
        eid.post(
          `/eid/accounts/:id/${action}`,
          { config: { permission: 'eid.manage' }, schema: { tags: TAG, summary, description: 'Scoped to the officer\'s unit (404 `EID_ACCOUNT_NOT_FOUND`); an impossible change: 409 `EID_ACCOUNT_STATE`.', params: IdParamsSchema, body: NoteSchema, response: { 200: AccountDetailSchema } } },
          async (request) => fn(svc, staffOf(request), request.params.id, request.body?.note?.trim() || null, actorOf(request)),
        );
      }

      eid.post(
        '/eid/accounts/:id/phone',
        {
          config: { permission: 'eid.manage' },
          schema: { tags: TAG, summary: "Change an account's phone number (commune police)", description: 'The account awaits activation again and the new phone gets the invitation; sessions end; the password stays. 409 `EID_PHONE_TAKEN`.', params: IdParamsSchema, body: PhoneChangeSchema, response: { 200: AccountDetailSchema } },
        },
        async (request) => changePhone(svc, staffOf(request), request.params.id, request.body.phone, request.body.note?.trim() || null, actorOf(request)),
      );
    });
  };
}

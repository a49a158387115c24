/**
 * HTTP routes of the dossiers module, under `/api/v1`:
 * - `POST /dossiers` — file a dossier (`online`: a citizen's `self.dossier`; `counter`, `on_behalf`,
 *   `mobile`: staff `dossier.intake`), `Idempotency-Key` honoured; 201 with the receipt;
 * - `GET /dossiers` (dossier.process) — the work queue of your unit, with counts per state;
 * - `GET /dossiers/register.xlsx|register.pdf?from=&to=` (dossier.process) — the register (form 07);
 * - `GET /dossiers/{code}` — one dossier in full (staff within reach, or its applicant), audited;
 * - `POST /dossiers/{code}/actions` — a workflow action (`{action, reason, …}`), 409 when illegal;
 * - `GET /dossiers/{code}/forms/{01–06}.pdf` — a form of Circular 03/2025/TT-VPCP;
 * - `POST /dossiers/{code}/attachments` (multipart, field `file`) and `GET …/attachments/{id}`;
 * - `GET /track/{code}[?phoneLast4=]` — public tracking (initials only unless the digits match);
 * - `GET /dossier-agencies`, `PUT /dossier-agencies/{unitCode}` (services.manage) — receiving agencies.
 *
 * Routes that both staff and citizens use declare no single permission: the principal's reach of
 * the dossier (src/dossiers/access.ts) and the action's permissions (workflow.ts) decide.
 */
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, staffOf } from '../platform/auth.js';
import { todayInVietnam } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';
import { multipartError } from '../platform/http/multipart.js';
import { pageWindow } from '../platform/http/pagination.js';
import type { Api, AppContext } from '../platform/module.js';
import { takeAction } from './actions.js';
import { agencies, saveAgency } from './agencies.js';
import { addAttachment, openAttachment } from './attachments.js';
import { dossierEnv, reachableDossier } from './access.js';
import { dossierFormPdf, registerLines, registerPdf, registerXlsx } from './documents.js';
import { submitDossier } from './intake.js';
import { readDossier, registerOf, workQueue } from './listing.js';
import type { FormNumber } from './model.js';
import {
  ActionBodySchema,
  AgencyBodySchema,
  AgencySchema,
  AttachmentSchema,
  CodeParamsSchema,
  DossierCode,
  DossierSchema,
  IdempotencyHeadersSchema,
  QueueQuerySchema,
  QueueSchema,
  RegisterQuerySchema,
  SubmissionBodySchema,
  SubmissionReceiptSchema,
  TrackingQuerySchema,
  TrackingSchema,
} from './schemas.js';
import { attachmentById, dossierSubjects, type DossiersTables } from './store.js';
import { trackDossier } from './tracking.js';
import { recordAuditNow } from '../platform/audit/audit.js';
import { attachmentView } from './views.js';

const TAGS = ['dossiers'];
const PDF = 'application/pdf';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266) for a Vietnamese file name. */
function disposition(kind: 'attachment' | 'inline', name: string): string {
  const ascii = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * For routes that staff and citizens share (no single `config.permission`): a caller without a
 * session is refused before the body or parameters are looked at, as the permission hook does.
 */
async function signedIn(request: FastifyRequest): Promise<void> {
  if (!request.principal) throw new AppError('UNAUTHENTICATED');
}

export async function dossiersRoutes(api: Api, ctx: AppContext): Promise<void> {
  const env = dossierEnv(ctx);

  api.post(
    '/dossiers',
    {
    onRequest: signedIn,
      schema: {
        tags: TAGS,
        summary: 'File a dossier',
        description:
          'Channels: `online` (a signed-in citizen; fields the service pre-fills from the population registry are filled and locked — a different value answers `DOSSIER_PREFILL_LOCKED`), `counter` (an officer at the desk), `on_behalf` (filed for a present citizen: `assistance` with site, equipment and consent), `mobile` (a campaign team). The form data is checked against the service version in force; every failing field is listed (400 `VALIDATION_FAILED`). The service must be deployed at the receiving unit (409 `SERVICE_NOT_DEPLOYED`) and the unit must have its agency code (409 `DOSSIER_AGENCY_NOT_CONFIGURED`). With `Idempotency-Key`, a retry answers the first result (header `Idempotency-Replayed: true`); the same key with another body answers 422 `IDEMPOTENCY_KEY_REUSED`. The code is `{agency code}-{yymmdd}-{sequence}`.',
        headers: IdempotencyHeadersSchema,
        body: SubmissionBodySchema,
        response: { 201: SubmissionReceiptSchema },
      },
    },
    async (request, reply) => {
      const { receipt, replayed } = await submitDossier(env, request.principal!, actorOf(request), request.body, { idempotencyKey: request.headers['idempotency-key'] });
      if (replayed) reply.header('idempotency-replayed', 'true');
      return reply.code(201).header('location', `/api/v1/dossiers/${receipt.code}`).send(receipt);
    },
  );

  api.get(
    '/dossiers',
    {
      config: { permission: 'dossier.process' },
      schema: {
        tags: TAGS,
        summary: 'The work queue of your unit',
        description: 'Dossiers received by units within yours, oldest first, with counts per state under the same filters (the state filter aside). `overdue=true`: overdue today. Audited with every dossier listed.',
        querystring: QueueQuerySchema,
        response: { 200: QueueSchema },
      },
    },
    async (request) => {
      const q = request.query;
      return workQueue(env, staffOf(request), { state: q.state, service: q.service, channel: q.channel, handler: q.handler, overdue: q.overdue, from: q.from, to: q.to, q: q.q, ...pageWindow(q) }, actorOf(request));
    },
  );

  for (const format of ['xlsx', 'pdf'] as const) {
    api.get(
      `/dossiers/register.${format}`,
      {
        config: { permission: 'dossier.process' },
        schema: {
          tags: TAGS,
          summary: `The dossier register (form 07) of a period, as ${format.toUpperCase()}`,
          description: 'Sổ theo dõi hồ sơ (Circular 03/2025/TT-VPCP, form 07): the dossiers submitted from `from` to `to` (Vietnam dates, at most 366 days) within your unit. The PDF is issued by the agency of `unit` (default: your unit).',
          querystring: RegisterQuerySchema,
        },
      },
      async (request, reply) => {
        const staff = staffOf(request);
        const { from, to } = request.query;
        const lines = registerLines(await registerOf(env, staff, from, to, actorOf(request)));
        const name = `so-theo-doi-ho-so-${from}-${to}.${format}`;
        if (format === 'xlsx') return reply.type(XLSX).header('content-disposition', disposition('attachment', name)).send(await registerXlsx(lines));
        const unit = request.query.unit ?? staff.unitCode;
        if (!unit) throw new AppError('DOSSIER_UNIT_REQUIRED');
        return reply.type(PDF).header('content-disposition', disposition('attachment', name)).send(await registerPdf(env, unit, from, to, lines, todayInVietnam()));
      },
    );
  }

  api.get(
    '/dossiers/:code',
    {
    onRequest: signedIn,
      schema: {
        tags: TAGS,
        summary: 'One dossier in full',
        description: 'For staff with a dossier permission within whose unit it was received, or for the citizen who filed it or is its applicant; anyone else gets 404 `DOSSIER_NOT_FOUND`. With its transitions (append-only), forms, attachments and the actions its state allows. Audited.',
        params: CodeParamsSchema,
        response: { 200: DossierSchema },
      },
    },
    async (request) => readDossier(env, request.principal, request.params.code, actorOf(request)),
  );

  api.post(
    '/dossiers/:code/actions',
    {
    onRequest: signedIn,
      schema: {
        tags: TAGS,
        summary: 'Take a workflow action',
        description:
          'Decree 118/2025/NĐ-CP: `receive` (form 01, the clock starts: day of receipt = day 0, after the service cut-off the next working day), `return_for_completion` (form 02, the clock stops), `resubmit` (the citizen or the desk; the clock resumes with the days left), `refuse` (form 03), `assign` (to a handler; hand-offs on form 06), `approve`, `reject`, `release_result` (completed: on time or not), `return_result`, `apologize` (form 04, before the due date passes, with `newDueDate`), `stop` (form 05). An action the state does not allow answers 409 `DOSSIER_ACTION_NOT_ALLOWED`; every action is a transition row with actor, time and reason, notifies the applicant and is audited.',
        params: CodeParamsSchema,
        body: ActionBodySchema,
        response: { 200: DossierSchema },
      },
    },
    async (request) => takeAction(env, request.principal, actorOf(request), request.params.code, request.body),
  );

  api.get(
    '/dossiers/:code/forms/:form',
    {
    onRequest: signedIn,
      schema: {
        tags: TAGS,
        summary: 'A form of the dossier as PDF (01–06)',
        description: 'Circular 03/2025/TT-VPCP Appendix I: 01 receipt and appointment slip, 02 request to supplement, 03 refusal, 04 apology and new date, 05 notice of stopping, 06 process control slip — with the national heading and a QR code to the public tracking page. `{form}` is `01.pdf` … `06.pdf`. 404 `DOSSIER_FORM_NOT_AVAILABLE` when no action issued the form.',
        params: Type.Object({ code: DossierCode, form: Type.Unsafe<string>({ type: 'string', enum: ['01.pdf', '02.pdf', '03.pdf', '04.pdf', '05.pdf', '06.pdf'] }) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const d = await reachableDossier(env, request.principal, request.params.code);
      const form = request.params.form.slice(0, 2) as FormNumber;
      const pdf = await dossierFormPdf(env, d, form);
      await recordAuditNow(env.db, { actor: actorOf(request), action: 'dossier.form', subjects: dossierSubjects(d), summary: `form ${form} printed` });
      return reply.type(PDF).header('content-disposition', disposition('inline', `${d.code}-mau-${form}.pdf`)).send(pdf);
    },
  );

  // Uploads live in their own scope: multipart parsing is for these routes only.
  await api.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    if (!scope.hasRequestDecorator('isMultipart')) {
      await scope.register(multipart, { limits: { files: 1, fields: 0, parts: 1, fileSize: ctx.config.attachmentMaxBytes + 1, headerPairs: 100 } });
    }
    scope.post(
      '/dossiers/:code/attachments',
      {
      onRequest: signedIn,
        schema: {
          tags: TAGS,
          summary: 'Attach a file (PDF, JPEG or PNG)',
          description: '`multipart/form-data` with one part `file`. The type is judged by the content (magic bytes), not the name: anything else answers 415 `ATTACHMENT_TYPE_NOT_ALLOWED` as soon as the first bytes show it. A body that is not readable multipart (no or bad boundary, truncated, more than the one part) answers 400 `BODY_MALFORMED`. Limits while streaming: `MOTCUA_ATTACHMENT_MAX_BYTES` per file (413 `ATTACHMENT_TOO_LARGE`), `MOTCUA_DOSSIER_MAX_BYTES` per dossier (413 `ATTACHMENTS_TOTAL_TOO_LARGE`). Stored once per content (SHA-256); 201, or 200 when the dossier already had this file.',
          consumes: ['multipart/form-data'],
          params: CodeParamsSchema,
          response: { 200: AttachmentSchema, 201: AttachmentSchema },
        },
      },
      async (request, reply) => {
        const d = await reachableDossier(env, request.principal, request.params.code);
        if (!request.isMultipart()) throw new AppError('MEDIA_TYPE_UNSUPPORTED', { mediaType: String(request.headers['content-type'] ?? '').slice(0, 100) });
        // A body busboy cannot read (no or bad boundary, truncated, garbage) is the client's fault: 400.
        const part = await request.file().catch((e: unknown) => {
          throw multipartError(e, request.headers['content-type']);
        });
        if (!part || part.fieldname !== 'file') {
          part?.file.resume();
          throw new AppError('ATTACHMENT_MISSING');
        }
        const { attachment, existed } = await addAttachment(env, d, part.file, part.filename, actorOf(request));
        return reply.code(existed ? 200 : 201).send(attachmentView(attachment));
      },
    );
  });

  api.get(
    '/dossiers/:code/attachments/:id',
    {
    onRequest: signedIn,
      schema: {
        tags: TAGS,
        summary: 'Download an attachment',
        params: Type.Object({ code: DossierCode, id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const d = await reachableDossier(env, request.principal, request.params.code);
      const a = await attachmentById(env.db.as<DossiersTables>(), d.id, request.params.id);
      if (!a) throw new AppError('ATTACHMENT_NOT_FOUND', { code: d.code, id: request.params.id });
      await recordAuditNow(env.db, { actor: actorOf(request), action: 'dossier.attachment-read', subjects: dossierSubjects(d), summary: `attachment ${a.id} (${a.media_type}, ${a.size} bytes)` });
      return reply.type(a.media_type).header('content-length', String(a.size)).header('x-content-sha256', a.sha256).header('content-disposition', disposition('attachment', a.file_name)).send(openAttachment(env, a));
    },
  );

  api.get(
    '/track/:code',
    {
      schema: {
        tags: TAGS,
        summary: 'Track a dossier (public)',
        description: 'The state, due date and timeline of a dossier by its code, for anyone (the QR code on every form points to the tracking page). Of the applicant only initials, unless `phoneLast4` matches the last four digits of their phone; wrong digits are limited to 5 an hour per dossier and address and 50 an hour per dossier from all addresses, and lookups (found or not) to 60 in 10 minutes per address (429 `RATE_LIMITED` with Retry-After), so the sequence of codes cannot be walked.',
        security: [],
        params: CodeParamsSchema,
        querystring: TrackingQuerySchema,
        response: { 200: TrackingSchema },
      },
    },
    async (request) => trackDossier(env, request.params.code, request.query.phoneLast4, actorOf(request), request.ip),
  );

  api.get(
    '/dossier-agencies',
    { config: { permission: 'services.manage' }, schema: { tags: TAGS, summary: 'Receiving agencies of units (agency codes of dossier codes)', response: { 200: Type.Array(AgencySchema) } } },
    async () => agencies(env),
  );

  api.put(
    '/dossier-agencies/:unitCode',
    {
      config: { permission: 'services.manage' },
      schema: {
        tags: TAGS,
        summary: 'Set the receiving agency of a unit',
        description: 'The agency identifier code its dossier codes start with (unique), its name on the forms and the head of unit to whom overdue dossiers are escalated (by e-mail, else SMS).',
        params: Type.Object({ unitCode: Type.String({ pattern: '^[0-9]{2}([0-9]{3})?$', 'x-form': '2 hoặc 5 chữ số' }) }, { additionalProperties: false }),
        body: AgencyBodySchema,
        response: { 200: AgencySchema },
      },
    },
    async (request) => saveAgency(env, request.params.unitCode, request.body, actorOf(request)),
  );
}

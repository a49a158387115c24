/**
 * Citizen-list imports over HTTP, under `/api/v1` (permission citizen.import):
 * - `GET /citizen-imports/template.{csv|xlsx}` — the template to fill in;
 * - `POST /citizen-imports?referenceDate=YYYY-MM-DD` — the file as the body (`text/csv`,
 *   `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` or
 *   `application/octet-stream`; name in `X-File-Name`), streamed to disk within
 *   MOTCUA_IMPORT_MAX_BYTES; answers 202 with the import's status; the import runs on;
 * - `GET /citizen-imports/{id}` — counts and status (poll it for progress);
 * - `GET /citizen-imports/{id}/errors.{csv|xlsx}` — the bad rows by row, column and code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { Type } from 'typebox';
import { actorOf, staffOf } from '../platform/auth.js';
import { AppError } from '../platform/errors.js';
import { languageOf } from '../platform/http/problem.js';
import type { Api, AppContext } from '../platform/module.js';
import { writeCitizenTemplate, writeErrorReport } from './import-file.js';
import { ImportStatusSchema } from './schemas.js';
import { beginImport, importCitizens, importErrors, importStatus } from './importer.js';
import { readerArea } from './registry.js';
import { decodeHeaderText } from '../platform/http/headers.js';

const Format = Type.Unsafe<'csv' | 'xlsx'>({ type: 'string', enum: ['csv', 'xlsx'] });
const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;

export async function importRoutes(api: Api, ctx: AppContext): Promise<void> {
  const uploads = path.resolve(ctx.config.dataDir, 'uploads');
  fs.mkdirSync(uploads, { recursive: true });
  api.addContentTypeParser(['text/csv', CONTENT_TYPES.xlsx, 'application/octet-stream'], (_req, payload, done) => done(null, payload));

  api.get(
    '/citizen-imports/template.:format',
    { config: { permission: 'citizen.import' }, schema: { tags: ['population'], summary: 'The citizen list template', params: Type.Object({ format: Format }, { additionalProperties: false }) } },
    async (request, reply) => {
      const { format } = request.params;
      return reply
        .type(CONTENT_TYPES[format])
        .header('content-disposition', `attachment; filename="mau-danh-sach-cong-dan.${format}"`)
        .send(await writeCitizenTemplate(format));
    },
  );

  api.post(
    '/citizen-imports',
    {
      config: { permission: 'citizen.import' },
      schema: {
        tags: ['population'],
        summary: 'Upload a citizen list to import',
        querystring: Type.Object({ referenceDate: Type.String({ format: 'date', 'x-form': 'YYYY-MM-DD' }) }, { additionalProperties: false }),
        headers: Type.Object({ 'x-file-name': Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 202: ImportStatusSchema },
      },
    },
    async (request, reply) => {
      const body = request.body as NodeJS.ReadableStream | undefined;
      if (!body || typeof (body as NodeJS.ReadableStream).pipe !== 'function') throw new AppError('MEDIA_TYPE_UNSUPPORTED', { mediaType: String(request.headers['content-type'] ?? '') });
      const file = path.join(uploads, `${randomUUID()}.upload`);
      let bytes = 0;
      const limit = ctx.config.importMaxBytes;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          bytes += chunk.length;
          cb(bytes > limit ? new AppError('BODY_TOO_LARGE', { limit }) : null, chunk);
        },
      });
      try {
        await pipeline(body, counter, fs.createWriteStream(file, { flags: 'wx' }));
      } catch (err) {
        fs.rmSync(file, { force: true });
        throw err instanceof AppError ? err : new AppError('BODY_MALFORMED', { reason: 'upload interrupted' });
      }
      const actor = actorOf(request);
      const name = path.basename(decodeHeaderText(request.headers['x-file-name']) ?? 'upload').replace(/[^\p{L}\p{N} ._-]/gu, '_');
      const { id } = await beginImport(ctx.db, file, { actor, referenceDate: request.query.referenceDate }, name);
      const area = await readerArea(ctx.db, staffOf(request));
      // The import runs on after the answer; its status row tells how far it got.
      void importCitizens(ctx.db, file, { actor, referenceDate: request.query.referenceDate, importId: id, area })
        .catch((err: unknown) => ctx.logger.warn({ err, importId: id }, 'citizen import failed'))
        .finally(() => fs.rmSync(file, { force: true }));
      return reply.code(202).send(await importStatus(ctx.db, id));
    },
  );

  api.get(
    '/citizen-imports/:id',
    { config: { permission: 'citizen.import' }, schema: { tags: ['population'], summary: 'An import’s status and counts', params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) }, { additionalProperties: false }), response: { 200: ImportStatusSchema } } },
    async (request) => importStatus(ctx.db, request.params.id),
  );

  api.get(
    '/citizen-imports/:id/errors.:format',
    { config: { permission: 'citizen.import' }, schema: { tags: ['population'], summary: 'The bad rows of an import', params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }), format: Format }, { additionalProperties: false }) } },
    async (request, reply) => {
      await importStatus(ctx.db, request.params.id);
      const { format } = request.params;
      return reply
        .type(CONTENT_TYPES[format])
        .header('content-disposition', `attachment; filename="loi-nhap-${request.params.id}.${format}"`)
        .send(await writeErrorReport(await importErrors(ctx.db, request.params.id), format, languageOf(request)));
    },
  );
}

/**
 * Errors raised while a `multipart/form-data` body (RFC 7578) is read through @fastify/multipart
 * and its parser busboy, mapped onto the error catalogue. Busboy reports a missing boundary, a
 * body cut short or a body that never shows its boundary as plain `Error`s without a code, and
 * @fastify/multipart some of its own errors with statuses the HTTP layer does not map (406): left
 * alone they would answer 500. Routes reading multipart bodies wrap the reading (`request.file()`,
 * `request.parts()`, a part's stream) with {@link multipartError}; only the reading, so that a
 * failure of the route's own work (database, disk) stays a 500.
 */
import { AppError } from '../errors.js';

/** busboy's messages for a boundary it cannot use (none, empty, over 256 bytes). */
const BAD_BOUNDARY = /boundary not found|boundary required|needle cannot/i;

/**
 * The catalogue error for `err`, raised while reading a multipart body:
 * - an {@link AppError} as it is;
 * - `FST_INVALID_MULTIPART_CONTENT_TYPE` → MEDIA_TYPE_UNSUPPORTED (415) with `contentType`;
 * - `FST_PARTS_LIMIT`, `FST_FILES_LIMIT`, `FST_FIELDS_LIMIT` (more parts than the route takes),
 *   `FST_PROTO_VIOLATION` (a field named like an Object prototype member), `FST_INVALID_JSON_FIELD_ERROR`
 *   (a part declared `application/json` that is not JSON), `FST_MP_PREMATURE_CLOSE` (the client
 *   went away mid-body), a missing or unusable boundary parameter (RFC 2046 §5.1.1: 1–70
 *   characters), and anything else busboy raises (truncated body, no boundary line, a part cut
 *   short) → BODY_MALFORMED (400) with an English reason naming the case.
 * `FST_REQ_FILE_TOO_LARGE` is the caller's to map first (it knows the field and the limit);
 * left here it answers BODY_TOO_LARGE (413) with `limit` when given.
 */
export function multipartError(err: unknown, contentType: string | undefined, limit?: number): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  const malformed = (reason: string) => new AppError('BODY_MALFORMED', { reason }, { cause: err });
  switch (code) {
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError('MEDIA_TYPE_UNSUPPORTED', { mediaType: String(contentType ?? '').slice(0, 100) }, { cause: err });
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return malformed('the multipart/form-data body has more parts than this address accepts');
    case 'FST_PROTO_VIOLATION':
      return malformed('a multipart/form-data part has a forbidden field name');
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return malformed('a multipart/form-data part declared application/json is not JSON');
    case 'FST_MP_PREMATURE_CLOSE':
      return malformed('the request ended before the multipart/form-data body was complete');
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('BODY_TOO_LARGE', { limit: limit ?? '' }, { cause: err });
    default:
      break;
  }
  if (BAD_BOUNDARY.test(message)) return malformed('multipart/form-data needs a boundary parameter of 1 to 70 characters');
  return malformed('the multipart/form-data body is truncated or malformed');
}

/**
 * Attachments of a dossier (thành phần hồ sơ): PDF, JPEG and PNG only, judged by their content
 * (magic bytes, the `file-type` package), never by name or declared type. Limits are enforced
 * while the upload streams, so memory stays flat and an oversize or wrong file is refused as soon
 * as its bytes show it: `MOTCUA_ATTACHMENT_MAX_BYTES` per file, `MOTCUA_DOSSIER_MAX_BYTES` for all
 * files of a dossier. A file is written to a temporary file in `MOTCUA_FILES_DIR/tmp` while its
 * SHA-256 is computed, flushed to disk (fsync) and then renamed to `MOTCUA_FILES_DIR/ab/abcdef…`
 * (its checksum): a crash leaves no half file under a checksum name, and the same content is
 * stored once. A full disk (ENOSPC, EDQUOT) answers 507 ATTACHMENT_STORAGE_FULL with the temporary
 * file removed and nothing recorded (checked by `npm run trials:faults`).
 * File names are sanitised (path parts, control and markup characters dropped, NFC, 150
 * characters at most, the extension matching the content).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromBuffer } from 'file-type';
import { recordAudit, type AuditActor } from '../platform/audit/audit.js';
import { nowUtc } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';
import type { DossierEnv } from './access.js';
import { FINAL_STATES } from './model.js';
import { attachmentBytes, dossierSubjects, insertAttachment, type AttachmentRow, type DossierRow, type DossiersTables } from './store.js';

export const ALLOWED_TYPES: Record<string, string[]> = {
  'application/pdf': ['pdf'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
};

/** Bytes file-type needs to decide (its `minimumBytes`). */
const SNIFF_BYTES = 4100;

/** A name as sent, reduced to its base name without control or markup characters (NFC, trimmed). */
function cleanName(raw: string | undefined): string {
  const base = (raw ?? '').normalize('NFC').split(/[\\/]/u).pop() ?? '';
  return base
    .replace(/[\p{Cc}\p{Cf}<>:"|?*]/gu, '')
    .replace(/\s+/gu, ' ')
    .replace(/^[.\s]+|[.\s]+$/gu, '');
}

/** A file name safe to store and show: {@link cleanName}, at most 150 characters, the extension matching the content (`ext`). */
export function sanitizeFileName(raw: string | undefined, ext: string): string {
  const name = cleanName(raw);
  const dot = name.lastIndexOf('.');
  const stem = (dot > 0 ? name.slice(0, dot) : name).trim();
  const given = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  const family = Object.values(ALLOWED_TYPES).find((exts) => exts.includes(ext)) ?? [ext];
  return `${[...(stem || 'tep-dinh-kem')].slice(0, 140).join('')}.${family.includes(given) ? given : ext}`;
}

/** True for a write refused because the file system (or the account's quota) is full. */
function isStorageFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** ATTACHMENT_STORAGE_FULL (507) for a full disk, `err` as it is otherwise. */
function storageError(err: unknown, displayName: string): unknown {
  return isStorageFull(err) ? new AppError('ATTACHMENT_STORAGE_FULL', { file: displayName }, { cause: err }) : err;
}

/** Where a file with checksum `sha256` lives. */
export function storedPath(filesDir: string, sha256: string): string {
  return path.join(path.resolve(filesDir), sha256.slice(0, 2), sha256);
}

interface Streamed {
  sha256: string;
  size: number;
  mediaType: string;
  ext: string;
  tmp: string;
}

/**
 * Streams `source` into a temporary file, hashing and measuring it and checking its type on the
 * first bytes; the file is flushed to disk before it is closed. Errors (the temporary file
 * removed): ATTACHMENT_TYPE_NOT_ALLOWED (415), ATTACHMENT_TOO_LARGE (413),
 * ATTACHMENTS_TOTAL_TOO_LARGE (413), ATTACHMENT_STORAGE_FULL (507), BODY_MALFORMED (400, the
 * upload was cut short).
 */
async function streamToTemp(env: DossierEnv, source: Readable, displayName: string, room: number): Promise<Streamed> {
  const tmpDir = path.join(path.resolve(env.config.filesDir), 'tmp');
  try {
    fs.mkdirSync(tmpDir, { recursive: true });
  } catch (err) {
    source.resume();
    throw storageError(err, displayName);
  }
  const tmp = path.join(tmpDir, `${randomUUID()}.part`);
  const hash = createHash('sha256');
  const perFile = env.config.attachmentMaxBytes;
  let size = 0;
  let head: Buffer[] = [];
  let headBytes = 0;
  let type: { mime: string; ext: string } | undefined;
  const decide = async () => {
    const sniff = Buffer.concat(head);
    head = [];
    const t = await fileTypeFromBuffer(sniff);
    if (!t || !(t.mime in ALLOWED_TYPES)) throw new AppError('ATTACHMENT_TYPE_NOT_ALLOWED', { file: displayName, detected: t?.mime ?? 'không nhận ra / unknown' });
    type = { mime: t.mime, ext: ALLOWED_TYPES[t.mime]![0]! };
  };
  const check = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > perFile) return cb(new AppError('ATTACHMENT_TOO_LARGE', { file: displayName, limit: perFile }));
      if (size > room) return cb(new AppError('ATTACHMENTS_TOTAL_TOO_LARGE', { limit: env.config.dossierMaxBytes }));
      hash.update(chunk);
      if (type) return cb(null, chunk);
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes < SNIFF_BYTES) return cb();
      const held = Buffer.concat(head);
      decide().then(() => cb(null, held), (e: unknown) => cb(e as Error));
    },
    flush(cb) {
      if (type) return cb();
      if (headBytes === 0) return cb(new AppError('ATTACHMENT_MISSING'));
      const held = Buffer.concat(head);
      decide().then(
        () => {
          this.push(held);
          cb();
        },
        (e: unknown) => cb(e as Error),
      );
    },
  });
  // `flush`: fsync before close, so the renamed file is whole on disk (a full disk shows here too).
  const out = fs.createWriteStream(tmp, { flags: 'wx', flush: true });
  try {
    await pipeline(source, check, out);
  } catch (err) {
    // The file may still be opening when the pipeline fails: remove it once the stream is closed.
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    fs.rmSync(tmp, { force: true });
    source.resume?.();
    if (err instanceof AppError) throw err;
    if (isStorageFull(err)) throw storageError(err, displayName);
    throw new AppError('BODY_MALFORMED', { reason: 'upload interrupted' }, { cause: err });
  }
  return { sha256: hash.digest('hex'), size, mediaType: type!.mime, ext: type!.ext, tmp };
}

/**
 * Stores one uploaded file for dossier `d` and records it (audited). The same content twice on
 * one dossier is stored once and answered with the first record.
 * Errors: DOSSIER_CLOSED (409), ATTACHMENT_STORAGE_FULL (507: no room for the file's directory),
 * those of the stream (see above).
 */
export async function addAttachment(env: DossierEnv, d: DossierRow, source: Readable, rawName: string | undefined, actor: AuditActor): Promise<{ attachment: AttachmentRow; existed: boolean }> {
  if (FINAL_STATES.includes(d.state)) {
    source.resume();
    throw new AppError('DOSSIER_CLOSED', { code: d.code, state: d.state });
  }
  const db = env.db.as<DossiersTables>();
  const room = env.config.dossierMaxBytes - (await attachmentBytes(db, d.id));
  const displayName = [...(cleanName(rawName) || 'tep-dinh-kem')].slice(0, 150).join('');
  const s = await streamToTemp(env, source, displayName, room);
  const target = storedPath(env.config.filesDir, s.sha256);
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (fs.existsSync(target)) fs.rmSync(s.tmp, { force: true });
    else fs.renameSync(s.tmp, target);
  } catch (err) {
    fs.rmSync(s.tmp, { force: true });
    throw storageError(err, displayName);
  }
  const fileName = sanitizeFileName(rawName, s.ext);
  return env.db.transaction(async (trx) => {
    const t = trx as typeof db;
    // Another upload may have finished meanwhile: the total is checked again under the transaction.
    if ((await attachmentBytes(t, d.id)) + s.size > env.config.dossierMaxBytes) throw new AppError('ATTACHMENTS_TOTAL_TOO_LARGE', { limit: env.config.dossierMaxBytes });
    const r = await insertAttachment(t, { dossier_id: d.id, sha256: s.sha256, size: s.size, media_type: s.mediaType, file_name: fileName, uploaded_at: nowUtc(), uploaded_by: actor.id });
    if (!r.existed) await recordAudit(trx, { actor, action: 'dossier.attach', subjects: dossierSubjects(d), summary: `${s.mediaType}, ${s.size} bytes, sha256 ${s.sha256.slice(0, 16)}…` });
    return { attachment: r.row, existed: r.existed };
  });
}

/** The stored file of an attachment as a stream (checked against its checksum's path). */
export function openAttachment(env: DossierEnv, a: AttachmentRow): fs.ReadStream {
  return fs.createReadStream(storedPath(env.config.filesDir, a.sha256));
}

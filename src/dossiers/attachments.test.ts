import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, expect, it, vi } from 'vitest';
import { forEachEngine } from '../platform/testing/engines.js';
import { SAMPLE_FORMS } from '../services/index.js';
import { dossierPlatform, OFFICER, OFFICER_ACTOR } from './fixtures.js';
import { submitDossier } from './intake.js';

const pdfOf = (bytes: number) => Buffer.concat([Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj << /Type /Catalog >> endobj\n'), Buffer.alloc(bytes, 0x20), Buffer.from('\n%%EOF\n')]);

function multipart(name: string, content: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----motcua-test-boundary';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`, 'utf8');
  return { payload: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Every file under `dir` (relative paths). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

afterEach(() => {
  vi.restoreAllMocks();
});

forEachEngine('dossier attachments on a full disk', dossierPlatform, (env) => {
  it('answers 507 ATTACHMENT_STORAGE_FULL when the disk fills mid-file (ENOSPC), leaving no file and no record; the same upload works once there is room', async () => {
    const r = await submitDossier(env().env, OFFICER, OFFICER_ACTOR, { serviceCode: 'P.000014', channel: 'counter', data: SAMPLE_FORMS['P.000014'] as Record<string, unknown> }, { now: '2026-02-13T02:00:00Z' });
    const code = r.receipt.code;
    const content = pdfOf(150_000);
    const sha = createHash('sha256').update(content).digest('hex');
    const m = multipart('Tờ khai.pdf', content);
    const upload = (language: string) =>
      env().app.inject({ method: 'POST', url: `/api/v1/dossiers/${code}/attachments`, payload: m.payload, headers: { ...m.headers, 'accept-language': language, authorization: `Bearer ${env().tokens['canbo.camgiang']}` } });
    const before = filesUnder(env().filesDir);

    // The disk fills 4 KiB into the file: those bytes are really written to the temporary file,
    // then the write fails as write(2) does on a full file system.
    const realCreate = fs.createWriteStream;
    const written: { file: string; bytes: number }[] = [];
    vi.spyOn(fs, 'createWriteStream').mockImplementation(((file: fs.PathLike, options?: Parameters<typeof fs.createWriteStream>[1]) => {
      const out = realCreate(file, options);
      const entry = { file: String(file), bytes: 0 };
      written.push(entry);
      const realWrite = out._write.bind(out);
      const full = (cb: (e?: Error | null) => void) => cb(Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', errno: -28, syscall: 'write' }));
      out._write = (chunk: Buffer, encoding: BufferEncoding, cb: (e?: Error | null) => void) => {
        if (entry.bytes > 0) return full(cb);
        const part = chunk.subarray(0, 4096);
        return realWrite(part, encoding, (e?: Error | null) => {
          entry.bytes += part.length;
          return e ? cb(e) : full(cb);
        });
      };
      out._writev = (_chunks, cb) => full(cb);
      return out;
    }) as typeof fs.createWriteStream);

    for (const [language, message] of [
      ['vi', 'Không còn chỗ lưu tệp "Tờ khai.pdf" trên máy chủ; tệp chưa được lưu. Vui lòng thử lại sau hoặc báo quản trị hệ thống.'],
      ['en', 'There is no room left on the server to store file "Tờ khai.pdf"; it was not stored. Try again later or tell the system administrator.'],
    ] as const) {
      const res = await upload(language);
      expect(res.statusCode).toBe(507);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 507, code: 'ATTACHMENT_STORAGE_FULL', detail: message });
    }
    // A part of the file did reach the temporary file before the disk was full; it is gone.
    expect(written).toHaveLength(2);
    expect(written[0]!.bytes).toBeGreaterThan(0);
    expect(written[0]!.file).toMatch(/[/\\]tmp[/\\][0-9a-f-]{36}\.part$/);
    expect(fs.existsSync(written[0]!.file)).toBe(false);
    expect(filesUnder(env().filesDir)).toEqual(before);
    const view = await env().app.inject({ method: 'GET', url: `/api/v1/dossiers/${code}`, headers: { authorization: `Bearer ${env().tokens['canbo.camgiang']}` } });
    expect(view.json().attachments).toEqual([]);

    // Room again: the same upload is stored whole.
    vi.restoreAllMocks();
    const ok = await upload('vi');
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ sha256: sha, size: content.length, fileName: 'Tờ khai.pdf' });
    expect(fs.readFileSync(path.join(env().filesDir, sha.slice(0, 2), sha))).toEqual(content);
    expect(filesUnder(path.join(env().filesDir, 'tmp'))).toEqual([]);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { forEachEngine } from '../platform/testing/engines.js';
import { SAMPLE_FORMS } from '../services/index.js';
import { sanitizeFileName } from './attachments.js';
import { dossierPlatform, OFFICER, OFFICER_ACTOR } from './fixtures.js';
import { submitDossier } from './intake.js';
import { takeAction } from './actions.js';
import { LOOKUPS_PER_ADDRESS, WRONG_DIGITS_PER_DOSSIER } from './tracking.js';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
/** The start of a JFIF JPEG. */
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]), Buffer.alloc(5000, 0x11), Buffer.from([0xff, 0xd9])]);
const pdfOf = (bytes: number) => Buffer.concat([Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj << /Type /Catalog >> endobj\n'), Buffer.alloc(bytes, 0x20), Buffer.from('\n%%EOF\n')]);

function multipart(name: string, content: Buffer, type = 'application/octet-stream', field = 'file'): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----motcua-test-boundary';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`, 'utf8');
  return { payload: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

it('sanitises file names and makes the extension match the content', () => {
  expect(sanitizeFileName('..\\..\\Giấy khai\u0000 sinh.PDF', 'jpg')).toBe('Giấy khai sinh.jpg');
  expect(sanitizeFileName('../../etc/passwd', 'pdf')).toBe('passwd.pdf');
  expect(sanitizeFileName('ảnh <script>.JPEG', 'jpg')).toBe('ảnh script.jpeg');
  expect(sanitizeFileName(undefined, 'png')).toBe('tep-dinh-kem.png');
  expect([...sanitizeFileName('a'.repeat(400) + '.pdf', 'pdf')].length).toBe(144);
});

forEachEngine('dossier attachments, tracking and register', dossierPlatform, (env) => {
  const upload = (code: string, who: string, name: string, content: Buffer, type?: string, field?: string) => {
    const m = multipart(name, content, type, field);
    return env().app.inject({ method: 'POST', url: `/api/v1/dossiers/${code}/attachments`, payload: m.payload, headers: { ...m.headers, authorization: `Bearer ${env().tokens[who]}` } });
  };
  const get = (url: string, who?: string) => env().app.inject({ method: 'GET', url, headers: who ? { authorization: `Bearer ${env().tokens[who]}` } : {} });
  let code = '';

  it('refuses an attachment id beyond 2^53 − 1 as 400 (the fuzzer\'s `1e21` reached PostgreSQL\'s bigint: a 500)', async () => {
    const r = await get('/api/v1/dossiers/H31.10888-260213-0001/attachments/1e21', 'canbo.camgiang');
    expect(r.statusCode).toBe(400);
    expect(r.json().errors).toMatchObject([{ field: 'params.id', code: 'FIELD_OUT_OF_RANGE' }]);
  });

  it('stores PDF, JPEG and PNG by content (SHA-256), once per content, with a sanitised name', async () => {
    const r = await submitDossier(env().env, OFFICER, OFFICER_ACTOR, { serviceCode: 'P.000014', channel: 'counter', data: SAMPLE_FORMS['P.000014'] as Record<string, unknown> }, { now: '2026-02-13T02:00:00Z' });
    code = r.receipt.code;
    const png = await upload(code, 'canbo.camgiang', 'Giấy chứng sinh.png', PNG, 'image/png');
    expect(png.statusCode).toBe(201);
    const sha = createHash('sha256').update(PNG).digest('hex');
    expect(png.json()).toMatchObject({ fileName: 'Giấy chứng sinh.png', mediaType: 'image/png', size: PNG.length, sha256: sha, uploadedBy: 'canbo.camgiang' });
    expect(fs.readFileSync(path.join(env().filesDir, sha.slice(0, 2), sha))).toEqual(PNG);
    const again = await upload(code, 'canbo.camgiang', 'copy.png', PNG);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(png.json().id);
    // A JPEG sent as "….PDF" is a JPEG: its name gets the extension of its content.
    const jpeg = await upload(code, 'canbo.camgiang', '..\\..\\Giấy khai sinh.PDF', JPEG, 'application/pdf');
    expect(jpeg.json()).toMatchObject({ fileName: 'Giấy khai sinh.jpg', mediaType: 'image/jpeg' });
    const pdf = await upload(code, 'canbo.camgiang', 'to-khai.pdf', pdfOf(10_000));
    expect(pdf.json()).toMatchObject({ mediaType: 'application/pdf', fileName: 'to-khai.pdf' });
    const down = await get(`/api/v1/dossiers/${code}/attachments/${png.json().id}`, 'canbo.camgiang');
    expect(down.statusCode).toBe(200);
    expect(down.headers['content-type']).toBe('image/png');
    expect(down.rawPayload).toEqual(PNG);
    expect(down.headers['content-disposition']).toBe(`attachment; filename="Giay chung sinh.png"; filename*=UTF-8''${encodeURIComponent('Giấy chứng sinh.png')}`);
    const view = await get(`/api/v1/dossiers/${code}`, 'canbo.camgiang');
    expect(view.json().attachments.map((a: { mediaType: string }) => a.mediaType)).toEqual(['image/png', 'image/jpeg', 'application/pdf']);
    expect((await get(`/api/v1/dossiers/${code}/attachments/999`, 'canbo.camgiang')).json().code).toBe('ATTACHMENT_NOT_FOUND');
  });

  it('refuses other types by content, oversize files and an oversize dossier while streaming, leaving no half file', async () => {
    const text = await upload(code, 'canbo.camgiang', 'giay-to.pdf', Buffer.from('Đây không phải PDF '.repeat(400)), 'application/pdf');
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ code: 'ATTACHMENT_TYPE_NOT_ALLOWED', detail: expect.stringContaining('giay-to.pdf') });
    const zip = await upload(code, 'canbo.camgiang', 'ho-so.zip', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(6000, 1)]));
    expect(zip.json().code).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');
    const big = await upload(code, 'canbo.camgiang', 'lon.pdf', pdfOf(250_000));
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ code: 'ATTACHMENT_TOO_LARGE', detail: 'Tệp "lon.pdf" vượt quá 200000 byte.' });
    expect((await upload(code, 'canbo.camgiang', 'a.pdf', pdfOf(150_000))).statusCode).toBe(201);
    const total = await upload(code, 'canbo.camgiang', 'b.pdf', pdfOf(150_001));
    expect(total.statusCode).toBe(413);
    expect(total.json().code).toBe('ATTACHMENTS_TOTAL_TOO_LARGE');
    expect(fs.readdirSync(path.join(env().filesDir, 'tmp'))).toEqual([]);
    expect((await upload(code, 'canbo.camgiang', 'x.png', PNG, 'image/png', 'other')).json().code).toBe('ATTACHMENT_MISSING');
    const notMultipart = await env().app.inject({ method: 'POST', url: `/api/v1/dossiers/${code}/attachments`, payload: { file: 'x' }, headers: { authorization: `Bearer ${env().tokens['canbo.camgiang']}` } });
    expect(notMultipart.statusCode).toBe(415);
    expect((await upload(code, 'canbo.camgiangx', 'x.png', PNG)).statusCode).toBe(404);
  });

  it('answers malformed multipart bodies with 400 BODY_MALFORMED, storing nothing', async () => {
    const b = '----motcua-test-boundary';
    const head = `--${b}\r\nContent-Disposition: form-data; name="file"; filename="Giấy chứng sinh.png"\r\nContent-Type: image/png\r\n\r\n`;
    const post = (contentType: string, payload: string | Buffer, url = `/api/v1/dossiers/${code}/attachments`) =>
      env().app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType, authorization: `Bearer ${env().tokens['canbo.camgiang']}`, 'accept-language': 'en' } });
    const before = (await get(`/api/v1/dossiers/${code}`, 'canbo.camgiang')).json().attachments.length;
    const cases: [string, string | Buffer, string][] = [
      // The closing boundary never comes: cut inside the part's headers, then inside the file.
      [`multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Disposition: form-da`, 'the multipart/form-data body is truncated or malformed'],
      [`multipart/form-data; boundary=${b}`, Buffer.concat([Buffer.from(head), PNG.subarray(0, 40)]), 'upload interrupted'],
      // No boundary parameter, or one longer than any parser takes (RFC 2046: at most 70 characters).
      ['multipart/form-data', multipart('Giấy chứng sinh.png', PNG).payload, 'multipart/form-data needs a boundary parameter of 1 to 70 characters'],
      [`multipart/form-data; boundary=${'x'.repeat(300)}`, multipart('Giấy chứng sinh.png', PNG).payload, 'multipart/form-data needs a boundary parameter of 1 to 70 characters'],
      // Garbage: text and bytes that never show the boundary, or a boundary other than the one declared.
      [`multipart/form-data; boundary=${b}`, 'Đây không phải multipart', 'the multipart/form-data body is truncated or malformed'],
      [`multipart/form-data; boundary=${b}`, Buffer.alloc(10_000, 0xff), 'the multipart/form-data body is truncated or malformed'],
      ['multipart/form-data; boundary=khac', multipart('Giấy chứng sinh.png', PNG).payload, 'the multipart/form-data body is truncated or malformed'],
      // A text field before the file: this address takes the one part `file`.
      [`multipart/form-data; boundary=${b}`, Buffer.concat([Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="note"\r\n\r\nbản sao\r\n`), multipart('Giấy chứng sinh.png', PNG).payload]), 'the multipart/form-data body has more parts than this address accepts'],
    ];
    for (const [contentType, payload, reason] of cases) {
      const r = await post(contentType, payload);
      expect(r.statusCode, `${contentType} → ${reason}`).toBe(400);
      expect(r.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(r.json()).toMatchObject({ status: 400, code: 'BODY_MALFORMED', detail: `The request body cannot be read: ${reason}` });
    }
    expect(fs.readdirSync(path.join(env().filesDir, 'tmp'))).toEqual([]);
    expect((await get(`/api/v1/dossiers/${code}`, 'canbo.camgiang')).json().attachments.length).toBe(before);
    // Filing takes JSON only: a multipart body there is an unsupported media type, not a 500.
    const filing = await post(`multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Disposition: form-da`, '/api/v1/dossiers');
    expect(filing.json()).toMatchObject({ status: 415, code: 'MEDIA_TYPE_UNSUPPORTED' });
  });

  it('tracks a dossier in public with initials only, the full name when the phone digits match, and throttles guesses', async () => {
    await takeAction(env().env, OFFICER, OFFICER_ACTOR, code, { action: 'receive' }, { now: '2026-02-13T09:00:00Z' });
    const t = await get(`/api/v1/track/${code}`);
    expect(t.statusCode).toBe(200);
    expect(t.json()).toEqual({
      code,
      serviceName: 'Đăng ký khai sinh',
      state: 'received',
      stateName: 'Đã tiếp nhận',
      submittedOn: '2026-02-13',
      receivedOn: '2026-02-13',
      // Same-day service received at 16:00: due the next working day, after Tết.
      dueDate: '2026-02-23',
      clockPaused: false,
      overdue: true,
      applicant: { initials: 'N.T.H.' },
      timeline: [
        { at: '2026-02-13T02:00:00Z', state: 'submitted', stateName: 'Mới nộp, chờ tiếp nhận', form: null },
        { at: '2026-02-13T09:00:00Z', state: 'received', stateName: 'Đã tiếp nhận', form: '01' },
      ],
    });
    expect(JSON.stringify(t.json())).not.toContain('031190001234');
    expect((await get(`/api/v1/track/${code}?phoneLast4=5678`)).json().applicant).toEqual({ initials: 'N.T.H.', fullName: 'Nguyễn Thị Hoa' });
    // Five wrong guesses an hour show initials; then even the right digits wait.
    for (let i = 0; i < 5; i++) expect((await get(`/api/v1/track/${code}?phoneLast4=000${i}`)).json().applicant).toEqual({ initials: 'N.T.H.' });
    const blocked = await get(`/api/v1/track/${code}?phoneLast4=5678`);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(3000);
    expect((await get(`/api/v1/track/${code}`)).statusCode).toBe(200);
    // The guesser's block is theirs: the applicant, from another address, still sees their name.
    const applicant = await env().app.inject({ method: 'GET', url: `/api/v1/track/${code}?phoneLast4=5678`, remoteAddress: '203.0.113.9' });
    expect(applicant.json().applicant).toEqual({ initials: 'N.T.H.', fullName: 'Nguyễn Thị Hoa' });
    // Many addresses guessing together: the dossier takes WRONG_DIGITS_PER_DOSSIER an hour in all.
    const guess = (ip: string, digits: string) => env().app.inject({ method: 'GET', url: `/api/v1/track/${code}?phoneLast4=${digits}`, remoteAddress: ip });
    for (let a = 1; a < WRONG_DIGITS_PER_DOSSIER / 5; a++) for (let i = 0; i < 5; i++) expect((await guess(`198.51.100.${a}`, `100${i}`)).statusCode).toBe(200);
    expect([(await guess('203.0.113.9', '5678')).statusCode, (await guess('203.0.113.10', '5678')).json().code]).toEqual([429, 'RATE_LIMITED']);
    expect((await get('/api/v1/track/H31.10888-260213-9999')).json().code).toBe('DOSSIER_NOT_FOUND');
    expect((await get('/api/v1/track/not-a-code')).json().errors[0]).toMatchObject({ field: 'params.code', code: 'FIELD_FORMAT' });
  });

  it('limits tracking lookups per address, found or not, so the sequence of codes cannot be walked', async () => {
    const from = (ip: string, n: number) => env().app.inject({ method: 'GET', url: `/api/v1/track/H31.10888-240102-${String(n).padStart(4, '0')}`, remoteAddress: ip });
    for (let n = 1; n <= LOOKUPS_PER_ADDRESS; n++) expect((await from('198.51.100.77', n)).statusCode).toBe(404);
    const walked = await from('198.51.100.77', LOOKUPS_PER_ADDRESS + 1);
    expect([walked.statusCode, walked.json().code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(walked.headers['retry-after'])).toBeGreaterThan(500);
    // Another address is not held up by it.
    expect((await from('198.51.100.78', 1)).json().code).toBe('DOSSIER_NOT_FOUND');
  });

  it('exports the register (form 07) of a period as XLSX and PDF', async () => {
    const x = await get('/api/v1/dossiers/register.xlsx?from=2026-02-01&to=2026-02-28', 'canbo.camgiang');
    expect(x.statusCode).toBe(200);
    expect(x.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const rows = wb.worksheets[0]!.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1));
    expect(rows[0]).toEqual(['STT', 'Mã hồ sơ', 'Thủ tục', 'Người nộp', 'Kênh', 'Ngày nộp', 'Ngày tiếp nhận', 'Ngày hẹn trả', 'Ngày có kết quả', 'Ngày trả kết quả', 'Trạng thái', 'Đúng hạn']);
    expect(rows.slice(1)).toEqual([['1', code, 'Đăng ký khai sinh', 'Nguyễn Thị Hoa', 'Trực tiếp tại Bộ phận Một cửa', '13/02/2026', '13/02/2026', '23/02/2026', '', '', 'Đã tiếp nhận', '']]);
    const p = await get('/api/v1/dossiers/register.pdf?from=2026-02-01&to=2026-02-28', 'canbo.camgiang');
    expect(p.statusCode).toBe(200);
    expect(p.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((await get('/api/v1/dossiers/register.xlsx?from=2026-01-01&to=2027-01-31', 'canbo.camgiang')).json().code).toBe('DOSSIER_RANGE_TOO_LONG');
    // Dates the wrong way round are said so, not called too long.
    expect((await get('/api/v1/dossiers/register.xlsx?from=2026-12-31&to=2026-01-01', 'canbo.camgiang')).json()).toMatchObject({ code: 'CALENDAR_RANGE_REVERSED', detail: 'Ngày bắt đầu 2026-12-31 sau ngày kết thúc 2026-01-01.' });
    expect((await get('/api/v1/dossiers/register.xlsx?from=2026-02-01&to=2026-02-28', 'hotro.camgiang')).statusCode).toBe(403);
    const other = await get('/api/v1/dossiers/register.xlsx?from=2026-02-01&to=2026-02-28', 'canbo.camgiangx');
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(other.rawPayload as unknown as ArrayBuffer);
    expect(wb2.worksheets[0]!.rowCount).toBe(1);
  });

  it('lets only administrators set receiving agencies, with unique codes', async () => {
    const put = (who: string, unit: string, body: unknown) => env().app.inject({ method: 'PUT', url: `/api/v1/dossier-agencies/${unit}`, payload: body as never, headers: { authorization: `Bearer ${env().tokens[who]}` } });
    const body = { agencyCode: 'H31.10903', nameVi: 'Bộ phận Một cửa UBND xã Cẩm Giàng', headTitle: 'Chủ tịch UBND xã Cẩm Giàng', headPhone: '0987654321' };
    expect((await put('canbo.camgiang', '10903', body)).statusCode).toBe(403);
    const ok = await put('admin', '10903', body);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ unitCode: '10903', agencyCode: 'H31.10903', headPhone: '+84987654321' });
    expect((await put('admin', '10903', { ...body, agencyCode: 'H31.10888' })).json()).toMatchObject({ status: 409, code: 'DOSSIER_AGENCY_CODE_TAKEN' });
    expect((await put('admin', '10903', { ...body, agencyCode: 'h31 10903' })).json().errors[0]).toMatchObject({ field: 'body.agencyCode', code: 'FIELD_FORMAT' });
    expect((await put('admin', '99999', body)).json().code).toBe('UNIT_NOT_FOUND');
    const list = await env().app.inject({ method: 'GET', url: '/api/v1/dossier-agencies', headers: { authorization: `Bearer ${env().tokens.admin}` } });
    expect(list.json().map((a: { unitCode: string; agencyCode: string }) => `${a.unitCode} ${a.agencyCode}`)).toEqual(['10888 H31.10888', '10903 H31.10903']);
  });

  it('documents every dossier route in OpenAPI', async () => {
    const spec = (await env().app.inject('/api/openapi.json')).json();
    const paths = Object.keys(spec.paths).filter((p) => p.includes('dossier') || p.includes('/track/'));
    expect(paths.sort()).toEqual([
      '/api/v1/dossier-agencies',
      '/api/v1/dossier-agencies/{unitCode}',
      '/api/v1/dossiers',
      '/api/v1/dossiers/register.pdf',
      '/api/v1/dossiers/register.xlsx',
      '/api/v1/dossiers/{code}',
      '/api/v1/dossiers/{code}/actions',
      '/api/v1/dossiers/{code}/attachments',
      '/api/v1/dossiers/{code}/attachments/{id}',
      '/api/v1/dossiers/{code}/forms/{form}',
      '/api/v1/me/dossiers',
      '/api/v1/track/{code}',
    ]);
    expect(spec.paths['/api/v1/dossiers'].post.summary).toBe('File a dossier');
  });
});

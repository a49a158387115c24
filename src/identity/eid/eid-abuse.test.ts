/**
 * Bad input and abuse of the e-ID API, on SQLite and PostgreSQL: eligibility refusals, registry
 * mismatches and unknown numbers, malformed phones, oversize and wrong-type images (JSON and
 * multipart), wrong, replayed and expired codes, code guessing from many addresses, sign-in
 * throttling with Retry-After, illegal workflow steps — each a clear code, nothing stored half-way,
 * no account state leaked.
 */
import { expect, it } from 'vitest';
import { forEachEngine } from '../../platform/testing/engines.js';
import type { CitizenInput } from '../../population/index.js';
import { IMAGE_MAX_BYTES } from './biometrics.js';
import { CAM_HOANG, CAM_VAN, lastCode, makeFmr, makeJpeg, makePng, person, pinFor, register, smsTo, startEidPlatform, yearsFromToday } from './testing/fixtures.js';
import type { Db } from './store.js';

const year = (d: string) => Number(d.slice(0, 4));
const tenYearsOld = yearsFromToday(-10);
const fourYearsOld = yearsFromToday(-4);
const people: Record<string, CitizenInput> = {
  dung: person({ pin: pinFor('male', 1988, 1001), fullName: 'Đỗ Văn Dũng', dateOfBirth: '1988-02-03', sex: 'male' }),
  giang: person({ pin: pinFor('female', 1995, 1002), fullName: 'Vũ Thị Giang', dateOfBirth: '1995-06-07', sex: 'female' }),
  hai: person({ pin: pinFor('male', 1979, 1003), fullName: 'Phạm Văn Hải', dateOfBirth: '1979-11-30', sex: 'male' }),
  khanh: person({ pin: pinFor('female', 2001, 1004), fullName: 'Hoàng Thị Khánh', dateOfBirth: '2001-01-21', sex: 'female' }),
  young: person({ pin: pinFor('male', year(tenYearsOld), 1005), fullName: 'Ngô Văn Long', dateOfBirth: tenYearsOld, sex: 'male' }),
  toddler: person({ pin: pinFor('female', year(fourYearsOld), 1006), fullName: 'Ngô Thị Mai', dateOfBirth: fourYearsOld, sex: 'female' }),
  nocard: person({ pin: pinFor('male', 1960, 1007), fullName: 'Bùi Văn Nam', dateOfBirth: '1960', sex: 'male', card: null }),
  expired: person({ pin: pinFor('female', 1970, 1008), fullName: 'Đặng Thị Oanh', dateOfBirth: '1970-09-09', sex: 'female', card: { number: pinFor('female', 1970, 1008), issuedOn: '2016-09-09', expiresOn: yearsFromToday(0, -1), chip: true } }),
  oldcard: person({ pin: pinFor('male', 1955, 1009), fullName: 'Lý Văn Phúc', dateOfBirth: '1955-03-03', sex: 'male', card: { number: '141234567', issuedOn: '2010-01-01', expiresOn: null, chip: false } }),
  deceased: person({ pin: pinFor('female', 1940, 1010), fullName: 'Trịnh Thị Quế', dateOfBirth: '1940', sex: 'female', status: 'deceased', deceasedOn: '2024-03-01' }),
  cancelled: person({ pin: pinFor('male', 1982, 1011), fullName: 'Cao Văn Sơn', dateOfBirth: '1982-04-04', sex: 'male', status: 'cancelled' }),
  foreigner: person({ pin: pinFor('male', 1985, 1012), fullName: 'Kim Min Su', dateOfBirth: '1985-05-05', sex: 'male', nationality: 'KR' }),
  lan: person({ pin: pinFor('female', 1999, 1014), fullName: 'Mạc Thị Lan', dateOfBirth: '1999-10-10', sex: 'female' }),
  vanresident: person({ pin: pinFor('female', 1991, 1013), fullName: 'Phan Thị Thu', dateOfBirth: '1991-12-12', sex: 'female', commune: CAM_VAN }),
};
const png = makePng(64, 64);

async function setup(t: Parameters<typeof startEidPlatform>[0]) {
  const p = await startEidPlatform(t);
  await register(p, ...Object.values(people));
  return p;
}

forEachEngine('e-ID bad input and abuse', setup, (env) => {
  let address = 1;
  /** A request from a fresh address unless one is given (address limits are tested on purpose only). */
  const call = (method: 'GET' | 'POST', url: string, opts: { who?: string; payload?: unknown; ip?: string; headers?: Record<string, string> } = {}) => {
    const token = opts.who ? (env().tokens[opts.who] ?? opts.who) : undefined;
    return env().app.inject({ method, url, payload: opts.payload as never, remoteAddress: opts.ip ?? `198.51.100.${address++ % 250}`, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...opts.headers } });
  };
  const k = () => env().ctx.db.as<any>() as Db;
  const counts = async () => {
    const n = async (table: 'eid_applications' | 'eid_biometrics' | 'eid_application_steps' | 'eid_accounts') => Number((await k().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    return { applications: await n('eid_applications'), biometrics: await n('eid_biometrics'), steps: await n('eid_application_steps'), accounts: await n('eid_accounts') };
  };
  const online = (c: CitizenInput, extra: Record<string, unknown> = {}) => ({ pin: c.pin, fullName: c.fullName, dateOfBirth: c.dateOfBirth, sex: c.sex, phone: `09${c.pin.slice(-8)}`, faceImage: png.toString('base64'), ...extra });
  const inPerson = (c: CitizenInput, extra: Record<string, unknown> = {}) => ({
    pin: c.pin,
    phone: `08${c.pin.slice(-8)}`,
    portrait: png.toString('base64'),
    fingerprints: [{ position: 2, template: makeFmr(2).toString('base64') }],
    consent: true,
    collectionPoint: { kind: 'police_office', unitCode: CAM_HOANG },
    ...extra,
  });
  const codeOf = async (r: Awaited<ReturnType<typeof call>>) => `${r.statusCode} ${r.json().code}`;

  /** An approved level-1 account awaiting activation for `c` with phone 09 + last 8 digits of the number. */
  const approved = async (c: CitizenInput) => {
    const a = await call('POST', '/api/v1/eid/applications', { payload: online(c) });
    expect(a.statusCode).toBe(201);
    expect((await call('POST', `/api/v1/eid/applications/${a.json().id}/decision`, { who: 'congan.camhoang', payload: { decision: 'approve' } })).statusCode).toBe(200);
    return { phone: `09${c.pin.slice(-8)}`, e164: `+849${c.pin.slice(-8)}` };
  };

  it('refuses each ineligible applicant with its own code and stores nothing', async () => {
    const before = await counts();
    expect(await codeOf(await call('POST', '/api/v1/eid/applications', { payload: online(people.young!) }))).toBe('422 EID_GUARDIAN_REQUIRED');
    expect(await codeOf(await call('POST', '/api/v1/eid/applications/in-person', { who: 'congan.camhoang', payload: inPerson(people.toddler!) }))).toBe('422 EID_AGE_LEVEL2_UNDER_6');
    expect(await codeOf(await call('POST', '/api/v1/eid/applications', { payload: online(people.nocard!) }))).toBe('422 EID_CARD_REQUIRED');
    const expired = await call('POST', '/api/v1/eid/applications', { payload: online(people.expired!) });
    expect(expired.json()).toMatchObject({ code: 'EID_CARD_EXPIRED', detail: `Thẻ căn cước của công dân đã hết hạn ngày ${yearsFromToday(0, -1)}; cần cấp đổi thẻ trước.` });
    expect(await codeOf(await call('POST', '/api/v1/eid/applications/in-person', { who: 'congan.camhoang', payload: inPerson(people.oldcard!) }))).toBe('422 EID_CHIP_CARD_REQUIRED');
    expect(await codeOf(await call('POST', '/api/v1/eid/applications', { payload: online(people.deceased!) }))).toBe('422 EID_PERSON_DECEASED');
    expect(await codeOf(await call('POST', '/api/v1/eid/applications', { payload: online(people.cancelled!) }))).toBe('422 EID_NUMBER_CANCELLED');
    expect(await codeOf(await call('POST', '/api/v1/eid/applications', { payload: online(people.foreigner!) }))).toBe('422 EID_NOT_VIETNAMESE');
    expect(await counts()).toEqual(before);
  });

  it('answers a mismatch and an unknown number alike, accepting the name without diacritics', async () => {
    const wrongDate = await call('POST', '/api/v1/eid/applications', { payload: online(people.dung!, { dateOfBirth: '1988-02-04' }) });
    const unknown = await call('POST', '/api/v1/eid/applications', { payload: online(people.dung!, { pin: pinFor('male', 1988, 999998) }) });
    const wrongSex = await call('POST', '/api/v1/eid/applications', { payload: online(people.dung!, { sex: 'female' }) });
    for (const r of [wrongDate, unknown, wrongSex]) expect(await codeOf(r)).toBe('422 EID_IDENTITY_MISMATCH');
    expect(wrongDate.json().detail).toBe(unknown.json().detail);
    const ok = await call('POST', '/api/v1/eid/applications', { payload: online(people.oldcard!, { fullName: 'ly van phuc' }) });
    expect(ok.json()).toMatchObject({ status: 'verified', fullName: 'Lý Văn Phúc' });
    expect(await codeOf(await call('POST', '/api/v1/eid/applications', { payload: online(people.oldcard!) }))).toBe('409 EID_APPLICATION_OPEN');
  });

  it('refuses malformed phones and a phone another person holds', async () => {
    for (const phone of ['12345', '0220 3851 234', '+1 202 555 0100', '091234567']) {
      const r = await call('POST', '/api/v1/eid/applications', { payload: online(people.giang!, { phone }) });
      expect(await codeOf(r)).toBe('400 EID_PHONE_INVALID');
    }
    const taken = await call('POST', '/api/v1/eid/applications', { payload: online(people.giang!, { phone: `09${people.oldcard!.pin.slice(-8)}` }) });
    expect(await codeOf(taken)).toBe('409 EID_PHONE_TAKEN');
    expect(await codeOf(await call('POST', '/api/v1/eid/activations', { payload: { pin: people.giang!.pin, phone: '0220 3851 234' } }))).toBe('400 EID_PHONE_INVALID');
  });

  it('judges images by content and size, in JSON and multipart, storing nothing on refusal', async () => {
    const before = await counts();
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
    const r1 = await call('POST', '/api/v1/eid/applications', { payload: online(people.giang!, { faceImage: gif.toString('base64') }) });
    expect(r1.json()).toMatchObject({ status: 415, code: 'EID_IMAGE_TYPE', detail: 'Tệp ở trường "faceImage" không phải ảnh JPEG hoặc PNG.' });
    const big = Buffer.concat([makeJpeg(1024), Buffer.alloc(IMAGE_MAX_BYTES, 0x22)]);
    const r2 = await call('POST', '/api/v1/eid/applications', { payload: online(people.giang!, { faceImage: big.toString('base64') }), headers: { 'accept-language': 'en' } });
    expect(r2.json()).toMatchObject({ status: 413, code: 'EID_IMAGE_TOO_LARGE', detail: `The file in field "faceImage" is larger than ${IMAGE_MAX_BYTES} bytes.` });
    expect(await codeOf(await call('POST', '/api/v1/eid/applications', { payload: online(people.giang!, { faceImage: 'not base64 at all!' }) }))).toBe('400 EID_IMAGE_ENCODING');
    const fp = await call('POST', '/api/v1/eid/applications/in-person', { who: 'congan.camhoang', payload: inPerson(people.giang!, { fingerprints: [{ position: 2, template: png.toString('base64') }] }) });
    expect(fp.json()).toMatchObject({ status: 415, code: 'EID_FINGERPRINT_FORMAT' });
    const twice = await call('POST', '/api/v1/eid/applications/in-person', { who: 'congan.camhoang', payload: inPerson(people.giang!, { fingerprints: [{ position: 7, template: makeFmr(1).toString('base64') }, { position: 7, template: makeFmr(2).toString('base64') }] }) });
    expect(await codeOf(twice)).toBe('400 EID_FINGERPRINT_DUPLICATE');

    const boundary = '----motcua-abuse';
    const multipart = (file: Buffer) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="application"\r\n\r\n${JSON.stringify({ pin: people.giang!.pin, fullName: 'Vũ Thị Giang', dateOfBirth: '1995-06-07', sex: 'female', phone: '0905 111 222' })}\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="faceImage"; filename="anh.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
        file,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
    const m1 = await call('POST', '/api/v1/eid/applications', { payload: multipart(big), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(m1.json()).toMatchObject({ status: 413, code: 'EID_IMAGE_TOO_LARGE', detail: `Tệp ở trường "faceImage" lớn hơn ${IMAGE_MAX_BYTES} byte.` });
    const m2 = await call('POST', '/api/v1/eid/applications', { payload: multipart(gif), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(m2.json()).toMatchObject({ status: 415, code: 'EID_IMAGE_TYPE' });
    const missing = await call('POST', '/api/v1/eid/applications', { payload: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="application"\r\n\r\n{"pin":"${people.giang!.pin}"}\r\n--${boundary}--\r\n`), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(missing.json().code).toBe('VALIDATION_FAILED');
    expect(missing.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.dateOfBirth', 'body.faceImage', 'body.fullName', 'body.phone', 'body.sex']);
    expect(await counts()).toEqual(before);
    const jpeg = await call('POST', '/api/v1/eid/applications', { payload: multipart(makeJpeg(4096)), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(jpeg.json()).toMatchObject({ status: 'verified', phoneMasked: '090****222', biometrics: { face: true } });
    expect((await k().selectFrom('eid_biometrics').select('media_type').where('application_id', '=', jpeg.json().id).executeTakeFirstOrThrow()).media_type).toBe('image/jpeg');
  });

  it('answers malformed multipart bodies on every multipart address with 400 BODY_MALFORMED, storing nothing', async () => {
    const before = await counts();
    const b = '----motcua-abuse';
    const application = `--${b}\r\nContent-Disposition: form-data; name="application"\r\n\r\n${JSON.stringify({ pin: people.lan!.pin, fullName: 'Mạc Thị Lan', dateOfBirth: '1999-10-10', sex: 'female', phone: '0905 333 444' })}\r\n`;
    const whole = Buffer.concat([Buffer.from(`${application}--${b}\r\nContent-Disposition: form-data; name="faceImage"; filename="anh.png"\r\nContent-Type: image/png\r\n\r\n`), png, Buffer.from(`\r\n--${b}--\r\n`)]);
    const cases: [string, string | Buffer, string][] = [
      [`multipart/form-data; boundary=${b}`, whole.subarray(0, whole.length - 200), 'the multipart/form-data body is truncated or malformed'],
      [`multipart/form-data; boundary=${b}`, `${application}--${b}\r\nContent-Disposition: form-da`, 'the multipart/form-data body is truncated or malformed'],
      ['multipart/form-data', whole, 'multipart/form-data needs a boundary parameter of 1 to 70 characters'],
      [`multipart/form-data; boundary=${b}`, 'Đây không phải multipart', 'the multipart/form-data body is truncated or malformed'],
      [`multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Disposition: form-data; name="application"\r\nContent-Type: application/json\r\n\r\n{"pin":\r\n--${b}--\r\n`, 'a multipart/form-data part declared application/json is not JSON'],
      [`multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\n{}\r\n--${b}--\r\n`, 'a multipart/form-data part has a forbidden field name'],
    ];
    const routes: [string, string | undefined][] = [['/api/v1/eid/applications', undefined], ['/api/v1/eid/applications/in-person', 'congan.camhoang']];
    for (const [url, who] of routes) {
      for (const [contentType, payload, reason] of cases) {
        const r = await call('POST', url, { who, payload, headers: { 'content-type': contentType, 'accept-language': 'en' } });
        expect(r.statusCode, `${url} ${contentType} → ${reason}`).toBe(400);
        expect(r.json()).toMatchObject({ status: 400, code: 'BODY_MALFORMED', detail: `The request body cannot be read: ${reason}` });
      }
    }
    expect(await counts()).toEqual(before);
  });

  it('checks collection points and consent for level 2', async () => {
    const c = people.vanresident!;
    expect(await codeOf(await call('POST', '/api/v1/eid/applications/in-person', { who: 'congan.camhoang', payload: inPerson(c, { consent: false }) }))).toBe('400 EID_CONSENT_REQUIRED');
    expect(await codeOf(await call('POST', '/api/v1/eid/applications/in-person', { who: 'congan.camhoang', payload: inPerson(c, { collectionPoint: { kind: 'police_office', unitCode: CAM_VAN } }) }))).toBe('403 EID_COLLECTION_POINT_OUT_OF_SCOPE');
    expect(await codeOf(await call('POST', '/api/v1/eid/applications/in-person', { who: 'pc06.haiduong', payload: inPerson(c, { collectionPoint: { kind: 'police_office', unitCode: '99999' } }) }))).toBe('400 EID_COLLECTION_POINT_INVALID');
    const noCampaign = await call('POST', '/api/v1/eid/applications/in-person', { who: 'congan.camvan', payload: inPerson(c, { collectionPoint: { kind: 'campaign', unitCode: CAM_VAN } }) });
    expect(noCampaign.json().errors).toEqual([expect.objectContaining({ field: 'body.collectionPoint.campaignId', code: 'FIELD_REQUIRED' })]);
    expect(await codeOf(await call('POST', '/api/v1/eid/applications/in-person', { who: 'canbo.camhoang', payload: inPerson(c) }))).toBe('403 FORBIDDEN');
    // Taken in Cẩm Văn by its police: handled there, so Cẩm Hoàng's police cannot decide it.
    const ok = await call('POST', '/api/v1/eid/applications/in-person', { who: 'congan.camvan', payload: inPerson(c, { collectionPoint: { kind: 'police_office', unitCode: CAM_VAN } }) });
    expect(ok.json()).toMatchObject({ status: 'verified', unit: { code: CAM_VAN } });
    expect(await codeOf(await call('POST', `/api/v1/eid/applications/${ok.json().id}/decision`, { who: 'congan.camhoang', payload: { decision: 'approve' } }))).toBe('404 EID_APPLICATION_NOT_FOUND');
  });

  it('needs a reason to reject, tells the applicant by SMS, and refuses illegal steps', async () => {
    const a = await call('POST', '/api/v1/eid/applications', { payload: online(people.lan!) });
    expect(a.statusCode).toBe(201);
    const id = a.json().id;
    const noReason = await call('POST', `/api/v1/eid/applications/${id}/decision`, { who: 'congan.camhoang', payload: { decision: 'reject' } });
    expect(noReason.json().errors).toEqual([expect.objectContaining({ field: 'body.reasonCode', code: 'FIELD_REQUIRED' })]);
    const other = await call('POST', `/api/v1/eid/applications/${id}/decision`, { who: 'congan.camhoang', payload: { decision: 'reject', reasonCode: 'OTHER' } });
    expect(other.json().errors).toEqual([expect.objectContaining({ field: 'body.note', code: 'FIELD_REQUIRED' })]);
    const unknownReason = await call('POST', `/api/v1/eid/applications/${id}/decision`, { who: 'congan.camhoang', payload: { decision: 'reject', reasonCode: 'BORED' } });
    expect(unknownReason.json().errors[0]).toMatchObject({ field: 'body.reasonCode', code: 'FIELD_NOT_ALLOWED_VALUE' });
    const rejected = await call('POST', `/api/v1/eid/applications/${id}/decision`, { who: 'congan.camhoang', payload: { decision: 'reject', reasonCode: 'PHOTO_UNUSABLE', note: 'Ảnh mờ' } });
    expect(rejected.json()).toMatchObject({ status: 'rejected', rejection: { code: 'PHOTO_UNUSABLE', label: { vi: 'Ảnh khuôn mặt, chân dung không đạt yêu cầu' }, note: 'Ảnh mờ' } });
    expect(rejected.json().steps.at(-1)).toMatchObject({ step: 'rejected', reasonCode: 'PHOTO_UNUSABLE', actor: { id: 'congan.camhoang' } });
    const approveRejected = await call('POST', `/api/v1/eid/applications/${id}/decision`, { who: 'congan.camhoang', payload: { decision: 'approve' } });
    expect(approveRejected.json()).toMatchObject({ status: 409, code: 'EID_APPLICATION_STEP_INVALID', detail: `Đề nghị số ${id} đang ở trạng thái "rejected", không chuyển sang "approved" được.` });
    const sms = await smsTo(env(), `+849${people.lan!.pin.slice(-8)}`);
    expect(sms.map((m) => m.text)).toEqual([`Đề nghị cấp tài khoản định danh điện tử số ${id} không được phê duyệt: Ảnh khuôn mặt, chân dung không đạt yêu cầu. Liên hệ Công an xã/phường để biết thêm.`]);
    // A rejected application does not block a new one.
    expect((await call('POST', '/api/v1/eid/applications', { payload: online(people.lan!) })).statusCode).toBe(201);
  });

  it('answers a code request the same whether or not an account awaits activation, and sends nothing for unknown ones', async () => {
    const { phone, e164 } = await approved(people.dung!);
    const wrongPhone = await call('POST', '/api/v1/eid/activations', { payload: { pin: people.dung!.pin, phone: '0977 000 111' } });
    const unknownPin = await call('POST', '/api/v1/eid/activations', { payload: { pin: pinFor('male', 1988, 999997), phone } });
    expect(wrongPhone.statusCode).toBe(202);
    expect(unknownPin.statusCode).toBe(202);
    expect({ ...wrongPhone.json(), phoneMasked: '' }).toEqual({ ...unknownPin.json(), phoneMasked: '' });
    expect(wrongPhone.json()).toEqual({ accepted: true, phoneMasked: '097****111', expiresInSeconds: 300, resendAfterSeconds: 60 });
    expect(await smsTo(env(), '+84977000111')).toEqual([]);
    expect((await smsTo(env(), e164)).map((m) => m.kind)).toEqual(['eid.activation-invite']);
    // Resends are spaced per number, whatever the phone given, for known and unknown numbers alike.
    for (const pin of [people.dung!.pin, pinFor('male', 1988, 999997)]) {
      const resend = await call('POST', '/api/v1/eid/activations', { payload: { pin, phone } });
      expect(resend.statusCode).toBe(429);
      expect(resend.json().code).toBe('RATE_LIMITED');
      expect(Number(resend.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(resend.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
    expect(await codeOf(await call('POST', '/api/v1/eid/activations/confirm', { payload: { pin: pinFor('male', 1988, 999997), phone, code: '123456', password: 'Dũng-1988-ok', passcode: '203040' } }))).toBe('400 EID_CODE_INVALID');
  });

  it('kills a code after 5 wrong tries; the right code then no longer works', async () => {
    const { phone, e164 } = await approved(people.hai!);
    await call('POST', '/api/v1/eid/activations', { payload: { pin: people.hai!.pin, phone } });
    const code = await lastCode(env(), e164);
    const wrong = code === '000000' ? '111111' : '000000';
    const body = (c: string) => ({ pin: people.hai!.pin, phone, code: c, password: 'Hải-1979-biển', passcode: '301179' });
    for (let i = 0; i < 5; i++) expect(await codeOf(await call('POST', '/api/v1/eid/activations/confirm', { payload: body(wrong) }))).toBe('400 EID_CODE_INVALID');
    expect(await codeOf(await call('POST', '/api/v1/eid/activations/confirm', { payload: body(wrong) }))).toBe('400 EID_CODE_ATTEMPTS_EXCEEDED');
    expect(await codeOf(await call('POST', '/api/v1/eid/activations/confirm', { payload: body(code) }))).toBe('400 EID_CODE_ATTEMPTS_EXCEEDED');
    expect((await k().selectFrom('eid_accounts').select('status').where('pin', '=', people.hai!.pin).executeTakeFirstOrThrow()).status).toBe('activation_pending');
  });

  it('refuses an expired code and a replayed one', async () => {
    const { phone, e164 } = await approved(people.khanh!);
    await call('POST', '/api/v1/eid/activations', { payload: { pin: people.khanh!.pin, phone } });
    const code = await lastCode(env(), e164);
    const body = { pin: people.khanh!.pin, phone, code, password: 'Khánh-2001-sen', passcode: '210101' };
    // The code was sent six minutes ago.
    const account = await k().selectFrom('eid_accounts').select('id').where('pin', '=', people.khanh!.pin).executeTakeFirstOrThrow();
    await k().updateTable('eid_codes').set({ expires_at: new Date(Date.now() - 60_000).toISOString() }).where('account_id', '=', Number(account.id)).execute();
    const expired = await call('POST', '/api/v1/eid/activations/confirm', { payload: body });
    expect(await codeOf(expired)).toBe('400 EID_CODE_EXPIRED');
    // Also said of a code replaced by a newer one, so the words cover both.
    expect(expired.json().detail).toBe('Mã xác thực đã hết hạn hoặc đã có mã mới hơn được gửi; hãy dùng mã mới nhất hoặc yêu cầu mã mới.');
    await k().updateTable('eid_codes').set({ expires_at: new Date(Date.now() + 240_000).toISOString() }).where('account_id', '=', Number(account.id)).execute();
    expect((await call('POST', '/api/v1/eid/activations/confirm', { payload: body })).json()).toMatchObject({ activated: true, level: 1 });
    expect(await codeOf(await call('POST', '/api/v1/eid/activations/confirm', { payload: body }))).toBe('409 EID_CODE_USED');
  });

  it('stops code guessing from many addresses at the phone’s limit', async () => {
    const c = person({ pin: pinFor('male', 1993, 1020), fullName: 'Tạ Văn Tài', dateOfBirth: '1993-03-13', sex: 'male' });
    await register(env(), c);
    const { phone } = await approved(c);
    await call('POST', '/api/v1/eid/activations', { payload: { pin: c.pin, phone } });
    const answers: string[] = [];
    for (let i = 0; i < 11; i++) {
      const r = await call('POST', '/api/v1/eid/activations/confirm', { ip: `192.0.2.${i + 1}`, payload: { pin: c.pin, phone, code: String(100000 + i * 7919), password: 'Tài-1993-vững', passcode: '130393' } });
      answers.push(r.json().code);
    }
    expect(answers).toEqual([...Array(5).fill('EID_CODE_INVALID'), ...Array(5).fill('EID_CODE_ATTEMPTS_EXCEEDED'), 'RATE_LIMITED']);
  });

  it('throttles sign-in per account with Retry-After, and per address across accounts', async () => {
    const pin = people.khanh!.pin;
    for (let i = 0; i < 5; i++) expect(await codeOf(await call('POST', '/api/v1/eid/sessions', { payload: { pin, password: `sai-mat-khau-${i}` } }))).toBe('401 EID_CREDENTIALS_INVALID');
    const blocked = await call('POST', '/api/v1/eid/sessions', { payload: { pin, password: 'Khánh-2001-sen' } });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    const failed = await k().selectFrom('eid_usage').select('action').where('action', '=', 'sign-in-failed').execute();
    expect(failed).toHaveLength(5);
    const ip = '203.0.113.99';
    const answers: string[] = [];
    for (let i = 0; i < 31; i++) answers.push((await call('POST', '/api/v1/eid/sessions', { ip, payload: { pin: pinFor('female', 1990, 500000 + i), password: 'doan-mo-1234' } })).json().code);
    expect(answers.slice(0, 30).every((c) => c === 'EID_CREDENTIALS_INVALID')).toBe(true);
    expect(answers[30]).toBe('RATE_LIMITED');
  });
});

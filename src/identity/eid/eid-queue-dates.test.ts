/**
 * Defects found in a trial, on SQLite and PostgreSQL: the police queue promised "oldest first"
 * but followed application ids (application 301 received 23/02/2023 came before 368 received
 * 20/12/2022); an impossible date of birth (1979-02-30) answered EID_IDENTITY_MISMATCH instead of
 * a field error listed with the others.
 */
import { expect, it } from 'vitest';
import { forEachEngine } from '../../platform/testing/engines.js';
import { makePng, person, pinFor, register, startEidPlatform } from './testing/fixtures.js';
import type { Db } from './store.js';

const people = [
  person({ pin: pinFor('male', 1979, 2001), fullName: 'Phạm Văn Hải', dateOfBirth: '1979-11-30', sex: 'male' }),
  person({ pin: pinFor('female', 1986, 2002), fullName: 'Đinh Thị Hoa', dateOfBirth: '1986-04-15', sex: 'female' }),
  person({ pin: pinFor('male', 1993, 2003), fullName: 'Lương Văn Tú', dateOfBirth: '1993-07-01', sex: 'male' }),
];
const face = makePng(64, 64).toString('base64');

async function setup(t: Parameters<typeof startEidPlatform>[0]) {
  const p = await startEidPlatform(t);
  await register(p, ...people);
  return p;
}

forEachEngine('e-ID queue order and dates of birth', setup, (env) => {
  let address = 1;
  const call = (method: 'GET' | 'POST', url: string, opts: { who?: string; payload?: unknown; lang?: 'vi' | 'en' } = {}) => {
    const token = opts.who ? env().tokens[opts.who] : undefined;
    return env().app.inject({ method, url, payload: opts.payload as never, remoteAddress: `198.51.100.${address++}`, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'accept-language': opts.lang ?? 'vi' } });
  };
  const k = () => env().ctx.db.as<any>() as Db;
  const online = (i: number, extra: Record<string, unknown> = {}) => ({ pin: people[i]!.pin, fullName: people[i]!.fullName, dateOfBirth: people[i]!.dateOfBirth, sex: people[i]!.sex, phone: `09${people[i]!.pin.slice(-8)}`, faceImage: face, ...extra });

  it('answers an impossible date of birth as DATE_INVALID on the field, listed with the other field errors, storing nothing', async () => {
    const bad = await call('POST', '/api/v1/eid/applications', { payload: online(0, { dateOfBirth: '1979-02-30' }) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'Dữ liệu gửi lên không hợp lệ (1 lỗi).' });
    expect(bad.json().errors).toEqual([{ field: 'body.dateOfBirth', code: 'DATE_INVALID', detail: 'Ngày "1979-02-30" không tồn tại (định dạng YYYY-MM-DD).' }]);
    const several = await call('POST', '/api/v1/eid/applications', { payload: online(0, { dateOfBirth: '1979-13', phone: undefined, sex: 'x' }), lang: 'en' });
    expect(several.json().detail).toBe('The request is not valid (3 errors).');
    expect(several.json().errors.map((e: { field: string; code: string }) => `${e.field} ${e.code}`).sort()).toEqual(['body.dateOfBirth DATE_INVALID', 'body.phone FIELD_REQUIRED', 'body.sex FIELD_NOT_ALLOWED_VALUE']);
    // A bad date with a bad image: both listed, each with its own code (the trial saw only the image's).
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1').toString('base64');
    const withImage = await call('POST', '/api/v1/eid/applications', { payload: online(0, { dateOfBirth: '1979-02-30', faceImage: gif }), lang: 'en' });
    expect(withImage.statusCode).toBe(400);
    expect(withImage.json()).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'The request is not valid (2 errors).' });
    expect(withImage.json().errors).toEqual([
      { field: 'body.dateOfBirth', code: 'DATE_INVALID', detail: 'Date "1979-02-30" does not exist (form YYYY-MM-DD).' },
      { field: 'body.faceImage', code: 'EID_IMAGE_TYPE', detail: 'The file in field "faceImage" is neither a JPEG nor a PNG image.' },
    ]);
    const notBase64 = await call('POST', '/api/v1/eid/applications', { payload: online(0, { dateOfBirth: '1979-02-30', faceImage: 'not base64 at all!' }) });
    expect(notBase64.json().errors.map((e: { field: string; code: string }) => `${e.field} ${e.code}`)).toEqual(['body.dateOfBirth DATE_INVALID', 'body.faceImage EID_IMAGE_ENCODING']);
    // A bad image alone keeps its own answer (415), as before.
    expect((await call('POST', '/api/v1/eid/applications', { payload: online(0, { faceImage: gif }) })).json()).toMatchObject({ status: 415, code: 'EID_IMAGE_TYPE' });
    // Partial dates as registered are still accepted as such: a year alone goes on to the registry check.
    expect((await call('POST', '/api/v1/eid/applications', { payload: online(0, { dateOfBirth: '1979' }) })).json().code).toBe('EID_IDENTITY_MISMATCH');
    expect(Number((await k().selectFrom('eid_applications').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(0);
  });

  it('lists the queue oldest received first, then by id, whatever the order of the ids', async () => {
    const ids: number[] = [];
    for (const i of [0, 1, 2]) {
      const r = await call('POST', '/api/v1/eid/applications', { payload: online(i) });
      expect(r.statusCode).toBe(201);
      ids.push(r.json().id);
    }
    const [first, second, third] = ids as [number, number, number];
    // As in the trial: the first id received 23/02/2023, the later ids on 20/12/2022 (same instant).
    await k().updateTable('eid_applications').set({ created_at: '2023-02-23T02:00:00.000Z' }).where('id', '=', first).execute();
    await k().updateTable('eid_applications').set({ created_at: '2022-12-20T03:00:00.000Z' }).where('id', 'in', [second, third]).execute();
    const q = await call('GET', '/api/v1/eid/applications', { who: 'congan.camhoang' });
    expect(q.statusCode).toBe(200);
    expect(q.json().items.map((a: { id: number; createdAt: string }) => [a.id, a.createdAt])).toEqual([
      [second, '2022-12-20T03:00:00.000Z'],
      [third, '2022-12-20T03:00:00.000Z'],
      [first, '2023-02-23T02:00:00.000Z'],
    ]);
    const page2 = await call('GET', '/api/v1/eid/applications?page=2&pageSize=2', { who: 'congan.camhoang' });
    expect(page2.json()).toMatchObject({ total: 3 });
    expect(page2.json().items.map((a: { id: number }) => a.id)).toEqual([first]);
  });
});

/**
 * `GET /api/v1/eid/applications/{id}/face-image` on SQLite and PostgreSQL: the police of the
 * application's unit see the exact image the citizen sent (level 1) or the portrait taken at the
 * collection point (level 2), never the fingerprints; everyone else is refused as by the detail
 * route; every read is audited with its actor.
 */
import { expect, it } from 'vitest';
import { auditEntriesFor } from '../../platform/audit/audit.js';
import { forEachEngine } from '../../platform/testing/engines.js';
import { activeAccount, CAM_HOANG, makeFmr, makeJpeg, makePng, person, pinFor, register, startEidPlatform } from './testing/fixtures.js';
import type { Db } from './store.js';

const an = person({ pin: pinFor('male', 1990, 2101), fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-12', sex: 'male' });
const binh = person({ pin: pinFor('female', 1992, 2102), fullName: 'Trần Thị Bình', dateOfBirth: '1992-08-20', sex: 'female' });
const chi = person({ pin: pinFor('female', 1988, 2103), fullName: 'Phạm Thị Chi', dateOfBirth: '1988-03-03', sex: 'female' });
const dung = person({ pin: pinFor('male', 1985, 2104), fullName: 'Đỗ Văn Dũng', dateOfBirth: '1985-11-11', sex: 'male' });
const face = makeJpeg(3000);
const portrait = makePng(120, 160, 0x60);
const fingerprint = makeFmr(2);
const CHI_PASSWORD = 'Chi-Cẩm-Hoàng-1988';

async function setup(t: Parameters<typeof startEidPlatform>[0]) {
  const p = await startEidPlatform(t);
  await register(p, an, binh, chi, dung);
  await activeAccount(p, chi, 1, CHI_PASSWORD);
  const signIn = await p.app.inject({ method: 'POST', url: '/api/v1/eid/sessions', payload: { pin: chi.pin, password: CHI_PASSWORD } });
  p.tokens.chi = signIn.json().token;
  return p;
}

forEachEngine('e-ID: the face image of an application for the deciding police', setup, (env) => {
  const get = (url: string, who?: string) => {
    const token = who ? (env().tokens[who] ?? who) : undefined;
    return env().app.inject({ method: 'GET', url, remoteAddress: '203.0.113.20', headers: token ? { authorization: `Bearer ${token}` } : {} });
  };
  const faceReads = async (id: number) =>
    (await auditEntriesFor(env().ctx.db, { type: 'eid-application', id: String(id) }, { offset: 0, limit: 100 })).items
      .filter((e) => e.action === 'eid.application-face-read')
      .map((e) => ({ actor: `${e.actorKind}:${e.actorId}`, unit: e.actorUnit, subjects: e.subjects, purpose: e.purposeCode, summary: e.summary }))
      .reverse();
  const ids = { an: 0, binh: 0 };

  it('answers the police of the unit the exact JPEG the citizen sent, not cached, and audits the read', async () => {
    const r = await env().app.inject({ method: 'POST', url: '/api/v1/eid/applications', remoteAddress: '203.0.113.21', payload: { pin: an.pin, fullName: an.fullName, dateOfBirth: an.dateOfBirth, sex: an.sex, phone: '0912 000 101', faceImage: face.toString('base64') } });
    expect(r.statusCode).toBe(201);
    ids.an = r.json().id;
    const img = await get(`/api/v1/eid/applications/${ids.an}/face-image`, 'congan.camhoang');
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/jpeg');
    expect(img.headers['cache-control']).toBe('no-store');
    expect(img.headers['content-length']).toBe('3000');
    expect(img.rawPayload.equals(face)).toBe(true);
    // The province police covers the commune as well.
    const province = await get(`/api/v1/eid/applications/${ids.an}/face-image`, 'pc06.haiduong');
    expect(province.statusCode).toBe(200);
    expect(province.rawPayload.equals(face)).toBe(true);
    expect(await faceReads(ids.an)).toEqual([
      { actor: 'staff:congan.camhoang', unit: CAM_HOANG, subjects: [`citizen:${an.pin}`, `eid-application:${ids.an}`], purpose: 'EID_APPLICATION', summary: `face image of application ${ids.an} shown (image/jpeg, 3000 bytes)` },
      { actor: 'staff:pc06.haiduong', unit: '30', subjects: [`citizen:${an.pin}`, `eid-application:${ids.an}`], purpose: 'EID_APPLICATION', summary: `face image of application ${ids.an} shown (image/jpeg, 3000 bytes)` },
    ]);
  });

  it('refuses police of another unit (as the detail route), a desk officer, a citizen and anyone anonymous, auditing no read', async () => {
    const url = `/api/v1/eid/applications/${ids.an}/face-image`;
    const other = await get(url, 'congan.camvan');
    expect(other.statusCode).toBe(404);
    expect(other.json()).toMatchObject({ status: 404, code: 'EID_APPLICATION_NOT_FOUND' });
    expect((await get(`/api/v1/eid/applications/${ids.an}`, 'congan.camvan')).json().code).toBe('EID_APPLICATION_NOT_FOUND');
    const officer = await get(url, 'canbo.camhoang');
    expect(officer.statusCode).toBe(403);
    expect(officer.json().code).toBe('FORBIDDEN');
    const citizen = await get(url, 'chi');
    expect(citizen.statusCode).toBe(403);
    expect(citizen.json().code).toBe('FORBIDDEN');
    const anonymous = await get(url);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe('UNAUTHENTICATED');
    for (const refused of [other, officer, citizen, anonymous]) expect(refused.rawPayload.includes(face.subarray(0, 64))).toBe(false);
    expect((await faceReads(ids.an)).map((e) => e.actor)).toEqual(['staff:congan.camhoang', 'staff:pc06.haiduong']);
  });

  it('answers the portrait of a level-2 application as PNG, never a fingerprint template', async () => {
    const r = await env().app.inject({
      method: 'POST',
      url: '/api/v1/eid/applications/in-person',
      headers: { authorization: `Bearer ${env().tokens['congan.camhoang']}` },
      payload: { pin: binh.pin, phone: '0987 000 102', portrait: portrait.toString('base64'), fingerprints: [{ position: 2, template: fingerprint.toString('base64') }], consent: true, collectionPoint: { kind: 'police_office', unitCode: CAM_HOANG } },
    });
    expect(r.statusCode).toBe(201);
    ids.binh = r.json().id;
    const img = await get(`/api/v1/eid/applications/${ids.binh}/face-image`, 'congan.camhoang');
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.rawPayload.equals(portrait)).toBe(true);
    expect(img.rawPayload.includes(fingerprint)).toBe(false);
    expect((await faceReads(ids.binh)).map((e) => `${e.actor} ${e.summary}`)).toEqual([`staff:congan.camhoang portrait image of application ${ids.binh} shown (image/png, ${portrait.length} bytes)`]);
  });

  it('answers 404 EID_FACE_IMAGE_NOT_FOUND for an application with no image stored (only a fingerprint left)', async () => {
    const r = await env().app.inject({ method: 'POST', url: '/api/v1/eid/applications', remoteAddress: '203.0.113.22', payload: { pin: dung.pin, fullName: dung.fullName, dateOfBirth: dung.dateOfBirth, sex: dung.sex, phone: '0912 000 104', faceImage: makePng(64, 64).toString('base64') } });
    expect(r.statusCode).toBe(201);
    const k = env().ctx.db.as<any>() as Db;
    // Move a fingerprint row onto the application and drop its face: a template must not be served in its place.
    await k.updateTable('eid_biometrics').set({ application_id: r.json().id }).where('application_id', '=', ids.binh).where('kind', '=', 'fingerprint').execute();
    await k.deleteFrom('eid_biometrics').where('application_id', '=', r.json().id).where('kind', '=', 'face').execute();
    const none = await get(`/api/v1/eid/applications/${r.json().id}/face-image`, 'congan.camhoang');
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ status: 404, code: 'EID_FACE_IMAGE_NOT_FOUND' });
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect(await faceReads(r.json().id)).toEqual([]);
  });

  it('documents the route in OpenAPI with its image media types', async () => {
    const doc = (await get('/api/openapi.json')).json();
    const op = doc.paths['/api/v1/eid/applications/{id}/face-image'].get;
    expect(op.tags).toEqual(['e-ID']);
    expect(Object.keys(op.responses['200'].content).sort()).toEqual(['image/jpeg', 'image/png']);
    expect(op.responses['200'].content['image/png'].schema).toEqual({ type: 'string', format: 'binary' });
  });
});

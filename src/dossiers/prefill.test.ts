import { expect, it } from 'vitest';
import { auditEntriesFor } from '../platform/audit/audit.js';
import { forEachEngine } from '../platform/testing/engines.js';
import { createCitizen, type CitizenInput } from '../population/index.js';
import { generatePopulation } from '../population/generator.js';
import { BUILTIN_CATALOG } from '../services/index.js';
import { CLI, dossierPlatform, HOA } from './fixtures.js';

/** Three people generated the way the demo population is, living in Xã Cẩm Giang (10888) on 2025-07-01. */
function generatedPeople(): CitizenInput[] {
  return [...generatePopulation({ communes: [{ code: '10888', districtCode: null, provinceCode: '31' }], count: 3, seed: 606, referenceDate: '2025-07-01' })];
}

async function setup(t: Parameters<typeof dossierPlatform>[0]) {
  const p = await dossierPlatform(t);
  const people = generatedPeople();
  for (const c of people) expect((await createCitizen(p.ctx.db, c, CLI)).outcome).toBe('created');
  return { ...p, people };
}

const SERVICE = '1.004194'; // Đăng ký tạm trú: pre-fills the applicant's name, number, birth, sex, phone, e-mail, address
const PURPOSE = { 'x-purpose': 'DOSSIER_PROCESSING' };

forEachEngine('counter pre-fill from the registry', setup, (env) => {
  const get = (url: string, who: string | undefined, headers: Record<string, string> = PURPOSE) =>
    env().app.inject({ method: 'GET', url, headers: { ...(who ? { authorization: `Bearer ${env().tokens[who]}` } : {}), ...headers } });

  it("answers the service's pre-fill fields with a generated citizen's registry values, and audits the read with the purpose, the officer and the service", async () => {
    const person = env().people[0]!;
    const r = await get(`/api/v1/services/${SERVICE}/prefill?pin=${person.pin}`, 'canbo.camgiang');
    expect(r.statusCode).toBe(200);
    const body = r.json();
    const service = BUILTIN_CATALOG.find((s) => s.code === SERVICE)!;
    expect(body.service).toEqual({ code: SERVICE, version: 1 });
    expect(body.values['applicant/fullName']).toBe(person.fullName);
    expect(body.values['applicant/pin']).toBe(person.pin);
    expect(body.values['applicant/dateOfBirth']).toBe(person.dateOfBirth);
    expect(body.values['applicant/sex']).toBe(person.sex);
    // The address as one line with the commune and province names of its date.
    expect(body.values['applicant/permanentAddress']).toMatch(/Xã Cẩm Giang, Thành phố Hải Phòng$/);
    expect(body.applicant).toEqual({ fullName: person.fullName, pin: person.pin, phone: person.phone ?? null, email: person.email ?? null });
    // Every pre-fill pointer is either filled (with its source) or said to be empty; nothing else of the record.
    expect([...body.fields.map((f: { pointer: string }) => f.pointer), ...body.empty].sort()).toEqual(Object.keys(service.prefill).sort());
    expect(body.fields).toContainEqual({ pointer: 'applicant/fullName', source: 'fullName' });
    expect(Object.keys(body.values).sort()).toEqual(body.fields.map((f: { pointer: string }) => f.pointer).sort());
    expect(JSON.stringify(body)).not.toContain('householdNumber');

    const log = await auditEntriesFor(env().ctx.db, { type: 'citizen', id: person.pin }, { offset: 0, limit: 5 });
    expect(log.items[0]).toMatchObject({ action: 'citizen.read', actorKind: 'staff', actorId: 'canbo.camgiang', actorUnit: '10888', purposeCode: 'DOSSIER_PROCESSING', subjects: [`citizen:${person.pin}`] });
    expect(log.items[0]!.summary).toContain(`form of ${SERVICE} v1 (Đăng ký tạm trú) pre-filled at the counter`);
  });

  it('keeps the purpose note and dossier code in the audit entry', async () => {
    const r = await get(`/api/v1/services/${SERVICE}/prefill?pin=${HOA.pin}`, 'hotro.camgiang', { 'x-purpose': 'SUPPORT_DESK', 'x-dossier-code': 'H31.10888-260213-0001' });
    expect(r.statusCode).toBe(200);
    expect(r.json().values['applicant/fullName']).toBe('Nguyễn Thị Hoa');
    expect(r.json().values['applicant/phone']).toBe('0912345678');
    const log = await auditEntriesFor(env().ctx.db, { type: 'citizen', id: HOA.pin }, { offset: 0, limit: 1 });
    expect(log.items[0]).toMatchObject({ action: 'citizen.read', actorId: 'hotro.camgiang', purposeCode: 'SUPPORT_DESK', purposeNote: 'dossier H31.10888-260213-0001' });
  });

  it('refuses a lookup without a stated purpose (400 PURPOSE_REQUIRED, problem+json) and reads nothing', async () => {
    const person = env().people[1]!;
    const before = (await auditEntriesFor(env().ctx.db, { type: 'citizen', id: person.pin }, { offset: 0, limit: 1 })).total;
    const r = await get(`/api/v1/services/${SERVICE}/prefill?pin=${person.pin}`, 'canbo.camgiang', {});
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json()).toMatchObject({ status: 400, code: 'PURPOSE_REQUIRED' });
    expect((await auditEntriesFor(env().ctx.db, { type: 'citizen', id: person.pin }, { offset: 0, limit: 1 })).total).toBe(before);
    const unknown = await get(`/api/v1/services/${SERVICE}/prefill?pin=${person.pin}`, 'canbo.camgiang', { 'x-purpose': 'CURIOSITY' });
    expect(unknown.json().code).toBe('PURPOSE_UNKNOWN');
  });

  it("answers 404 CITIZEN_NOT_FOUND for a person outside the officer's unit, like a missing one, and audits the refusal", async () => {
    const person = env().people[2]!;
    const r = await get(`/api/v1/services/${SERVICE}/prefill?pin=${person.pin}`, 'canbo.camgiangx');
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ status: 404, code: 'CITIZEN_NOT_FOUND' });
    expect(JSON.stringify(r.json())).not.toContain(person.fullName);
    const log = await auditEntriesFor(env().ctx.db, { type: 'citizen', id: person.pin }, { offset: 0, limit: 1 });
    expect(log.items[0]).toMatchObject({ action: 'citizen.read-refused', actorId: 'canbo.camgiangx', purposeCode: 'DOSSIER_PROCESSING' });
    const missing = await get(`/api/v1/services/${SERVICE}/prefill?pin=031190009999`, 'canbo.camgiang');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('CITIZEN_NOT_FOUND');
  });

  it('answers 404 SERVICE_NOT_FOUND for a procedure not in the catalog, before reading the person', async () => {
    const person = env().people[0]!;
    const before = (await auditEntriesFor(env().ctx.db, { type: 'citizen', id: person.pin }, { offset: 0, limit: 1 })).total;
    const r = await get(`/api/v1/services/P.999999/prefill?pin=${person.pin}`, 'canbo.camgiang');
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ code: 'SERVICE_NOT_FOUND' });
    expect((await auditEntriesFor(env().ctx.db, { type: 'citizen', id: person.pin }, { offset: 0, limit: 1 })).total).toBe(before);
  });

  it('refuses a malformed number (400 VALIDATION_FAILED, query.pin), a caller without a session (401) and the public (no citizen.read)', async () => {
    const bad = await get(`/api/v1/services/${SERVICE}/prefill?pin=03119000123`, 'canbo.camgiang');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(bad.json().errors).toEqual([expect.objectContaining({ field: 'query.pin', code: 'FIELD_FORMAT' })]);
    const anonymous = await get(`/api/v1/services/${SERVICE}/prefill?pin=${HOA.pin}`, undefined);
    expect(anonymous.statusCode).toBe(401);
  });
});

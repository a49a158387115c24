import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStaff, signInStaff } from '../identity/index.js';
import { startTestPlatform } from '../platform/testing/app.js';
import { importUnitList } from '../units/index.js';
import { forEachEngine } from '../platform/testing/engines.js';
import { BUILTIN_CATALOG } from './catalog/index.js';
import { formSchemaProblem, validateFormData } from './forms.js';
import { Database } from '../platform/db/database.js';
import { CatalogCache, currentServiceVersion, deployedCount, deployService, isServiceDeployed, saveServiceDefinition, serviceVersion, withdrawService } from './index.js';
import { SAMPLE_FORMS } from './samples.js';
import { seedCatalog } from './versions.js';

interface SharedService {
  no: number;
  name_vi: string;
  name_en: string;
}
const shared = JSON.parse(fs.readFileSync(new URL('../../../shared/data/essential-services.json', import.meta.url), 'utf8')) as SharedService[];
const byCode = (code: string) => BUILTIN_CATALOG.find((s) => s.code === code)!;
const birth = byCode('P.000014');

/** A valid birth-registration form (Xã Cẩm Giang, Hải Phòng). */
function birthForm() {
  return {
    applicant: { fullName: 'Nguyễn Thị Hoa', pin: '031190001234', dateOfBirth: '1990-05-12', sex: 'female', phone: '0912345678', permanentAddress: 'Thôn Hoàng Đào, xã Cẩm Giang' },
    relationToChild: 'mother',
    child: { fullName: 'Trần Minh Khôi', dateOfBirth: '2025-10-20', sex: 'male', placeOfBirth: 'Bệnh viện Đa khoa tỉnh Hải Dương', ethnicity: 'Kinh', nationality: 'Việt Nam' },
    mother: { fullName: 'Nguyễn Thị Hoa', pin: '031190001234' },
  };
}

describe('built-in catalog', () => {
  it('covers every confirmed entry of the shared essential-services list by name and number', () => {
    const confirmed = shared.filter((s) => !s.name_vi.startsWith('UNCONFIRMED'));
    expect(confirmed).toHaveLength(24);
    for (const s of confirmed) {
      const entry = BUILTIN_CATALOG.find((e) => e.nameVi === s.name_vi.normalize('NFC'));
      expect(entry, s.name_vi).toBeDefined();
      expect(entry!.essentialNo, s.name_vi).toBe(s.no);
      expect(entry!.nameEn).toBe(s.name_en);
    }
    expect(BUILTIN_CATALOG.filter((e) => e.essentialNo !== null)).toHaveLength(24);
  });

  it('uses the national codes domain.md gives and marks every other code provisional', () => {
    expect(byCode('1.004222').nameVi).toBe('Đăng ký thường trú');
    expect(byCode('1.004194').nameVi).toBe('Đăng ký tạm trú');
    expect(byCode('1.003677').nameVi).toBe('Khai báo tạm vắng');
    expect(byCode('2.001159').nameVi).toBe('Thông báo lưu trú');
    for (const e of BUILTIN_CATALOG) expect(e.provisionalCode, e.code).toBe(e.code.startsWith('P.'));
    expect(new Set(BUILTIN_CATALOG.map((e) => e.code)).size).toBe(BUILTIN_CATALOG.length);
  });

  it('lists the members of the two Decree 63/2024 bundles', () => {
    const names = (code: string) => byCode(code).members.map((m) => byCode(m).nameVi);
    expect(names('P.000017')).toEqual(['Đăng ký khai sinh', 'Đăng ký thường trú', 'Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi']);
    expect(names('P.000018')).toEqual(['Đăng ký khai tử', 'Xóa đăng ký thường trú', 'Giải quyết trợ cấp mai táng']);
  });

  it('has a compilable form schema for every entry', () => {
    for (const e of BUILTIN_CATALOG) expect(formSchemaProblem(e.formSchema), e.code).toBeUndefined();
  });
});

describe('form validation', () => {
  it('accepts a complete birth registration', () => {
    expect(validateFormData(birth, birthForm())).toEqual([]);
  });

  it('lists every failing field, not only the first', () => {
    const data = birthForm() as Record<string, any>;
    delete data.child.sex;
    data.child.dateOfBirth = '2025-02-30';
    data.applicant.dateOfBirth = '1990-02-30'; // a partial date of birth (YYYY, YYYY-MM or YYYY-MM-DD) must still exist in the calendar
    data.mother.pin = '03119000123';
    data.applicant.phone = '12345';
    data.relationToChild = 'neighbour';
    data.nickname = 'Bin';
    const errors = validateFormData(birth, data).map((e) => `${e.field} ${e.code}`).sort();
    expect(errors).toEqual([
      'data.applicant.dateOfBirth DATE_INVALID',
      'data.applicant.phone FIELD_FORMAT',
      'data.child.dateOfBirth DATE_INVALID',
      'data.child.sex FIELD_REQUIRED',
      'data.mother.pin FIELD_FORMAT',
      'data.nickname FIELD_UNKNOWN',
      'data.relationToChild FIELD_NOT_ALLOWED_VALUE',
    ]);
  });

  it('accepts a realistic filled-in form for every entry, and the pre-filled fields are in it', () => {
    for (const e of BUILTIN_CATALOG) {
      const sample = SAMPLE_FORMS[e.code];
      expect(sample, e.code).toBeDefined();
      expect(validateFormData(e, sample), e.code).toEqual([]);
      for (const target of Object.keys(e.prefill)) {
        const value = target.split('/').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], sample);
        expect(value, `${e.code} ${target}`).toBeDefined();
      }
    }
  });

  it('reports a missing form and wrong types with catalogue codes', () => {
    expect(validateFormData(birth, 'not an object')).toEqual([{ field: 'data', code: 'FIELD_TYPE', params: { expected: 'object' } }]);
    const temp = byCode('1.004194');
    const errors = validateFormData(temp, { applicant: birthForm().applicant, temporaryResidence: { unitCode: 10888, addressLine: '' }, from: '2025-10-01', until: '2025-13-01', ground: 'own_home' });
    expect(errors.map((e) => `${e.field} ${e.code}`).sort()).toEqual(['data.temporaryResidence.addressLine FIELD_TOO_SHORT', 'data.temporaryResidence.unitCode FIELD_TYPE', 'data.until DATE_INVALID']);
  });

  it('refuses the end of a period before its start, and a temporary residence beyond two years (Law on Residence 2020 Art. 27)', () => {
    const temp = byCode('1.004194');
    const residence = (from: string, until: string) => validateFormData(temp, { ...(SAMPLE_FORMS['1.004194'] as Record<string, unknown>), from, until });
    expect(residence('2025-10-01', '2027-10-01')).toEqual([]);
    expect(residence('2025-10-01', '2025-09-30')).toEqual([{ field: 'data.until', code: 'FIELD_OUT_OF_RANGE', params: { expected: '2025-10-01–2027-10-01' } }]);
    expect(residence('2025-10-01', '2027-10-02')).toEqual([{ field: 'data.until', code: 'FIELD_OUT_OF_RANGE', params: { expected: '2025-10-01–2027-10-01' } }]);
    // Two years from 31 December end on the last day of the month.
    expect(residence('2025-12-31', '2028-01-01')).toEqual([{ field: 'data.until', code: 'FIELD_OUT_OF_RANGE', params: { expected: '2025-12-31–2027-12-31' } }]);
    // A start that is itself wrong is reported once, as itself.
    expect(residence('2025-02-30', '2024-01-01')).toEqual([{ field: 'data.from', code: 'DATE_INVALID', params: { value: '2025-02-30' } }]);

    const lodging = byCode('2.001159');
    expect(validateFormData(lodging, { ...(SAMPLE_FORMS['2.001159'] as Record<string, unknown>), from: '2026-11-30', until: '2026-11-29' })).toEqual([{ field: 'data.until', code: 'FIELD_OUT_OF_RANGE', params: { expected: '≥ 2026-11-30' } }]);

    // Partial dates compare on the precision both have: "2009" ends before "2010-05", "2010" does not.
    const record = byCode(BUILTIN_CATALOG.find((e) => JSON.stringify(e.formSchema).includes('residenceHistory'))!.code);
    const history = (until: string) => validateFormData(record, { ...(SAMPLE_FORMS[record.code] as Record<string, unknown>), residenceHistory: [{ from: '2010-05', until, place: 'Thôn Phú Lộc, xã Cẩm Giang' }] });
    expect(history('2010')).toEqual([]);
    expect(history('2009')).toEqual([{ field: 'data.residenceHistory.0.until', code: 'FIELD_OUT_OF_RANGE', params: { expected: '≥ 2010-05' } }]);
  });
});

async function platformWithStaff(t: Parameters<typeof startTestPlatform>[0]) {
  const p = await startTestPlatform(t);
  const cli = { kind: 'cli' as const, id: 'test' };
  // The real two-level list in force from 2025-07-01 (Xã Cẩm Giang 10888 in Thành phố Hải Phòng 31).
  await importUnitList(p.ctx.db, path.resolve(import.meta.dirname, '../../../shared/data/admin-units/post2025/vn-units-2level-2025-07-01.json'), { validFrom: '2025-07-01', source: 'Quyết định 19/2025/QĐ-TTg', actor: cli });
  await createStaff(p.ctx.db, { username: 'admin', password: 'Mot-cua-2025!', role: 'ADMIN', unitCode: null }, cli, async () => true);
  await createStaff(p.ctx.db, { username: 'vanphong.camgiang', password: 'Mot-cua-2025!', role: 'COMMUNE_OFFICER', unitCode: '10888', unitDate: '2025-07-01' }, cli, async () => true);
  const admin = { authorization: `Bearer ${(await signInStaff(p.ctx.db, 'admin', 'Mot-cua-2025!', null)).token}` };
  const officer = { authorization: `Bearer ${(await signInStaff(p.ctx.db, 'vanphong.camgiang', 'Mot-cua-2025!', null)).token}` };
  return { ...p, admin, officer };
}

function bodyOf(v: Record<string, unknown>) {
  const { code: _c, version: _v, createdAt: _a, createdBy: _b, provisionalCode: _p, ...rest } = v;
  return rest;
}

forEachEngine('services catalog', platformWithStaff, (env) => {
  it('seeds the catalog at first start, once', async () => {
    const { ctx, app } = env();
    const list = await app.inject('/api/v1/services?essential=true&pageSize=100');
    expect(list.statusCode).toBe(200);
    expect(list.json().total).toBe(24);
    expect(list.json().items.map((s: { essentialNo: number }) => s.essentialNo)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(await seedCatalog(ctx.db, BUILTIN_CATALOG)).toBe(0);
    const all = await app.inject('/api/v1/services?pageSize=100');
    expect(all.json().total).toBe(BUILTIN_CATALOG.length);
  });

  it('filters by sector and searches names without diacritics, with pages', async () => {
    const { app } = env();
    const justice = await app.inject('/api/v1/services?sector=justice');
    expect(justice.json().items.map((s: { nameVi: string }) => s.nameVi)).toEqual(['Đăng ký khai sinh', 'Đăng ký khai tử', 'Đăng ký kết hôn']);
    const page2 = await app.inject('/api/v1/services?sector=police&page=2&pageSize=5');
    expect(page2.json().total).toBe(14);
    expect(page2.json().items.map((s: { essentialNo: number }) => s.essentialNo)).toEqual([6, 7, 8, 9, 10]);
    const q = await app.inject(`/api/v1/services?q=${encodeURIComponent('tam tru')}`);
    expect(q.json().items.map((s: { code: string }) => s.code)).toEqual(['1.004194']);
    const bad = await app.inject('/api/v1/services?sector=space&pageSize=1000');
    expect(bad.json().errors.map((e: { field: string; code: string }) => `${e.field} ${e.code}`).sort()).toEqual(['query.pageSize FIELD_OUT_OF_RANGE', 'query.sector FIELD_NOT_ALLOWED_VALUE']);
  });

  it('serves one entry with its form, and 404 for unknown codes and versions', async () => {
    const { app } = env();
    const r = await app.inject('/api/v1/services/1.004222');
    expect(r.json()).toMatchObject({ code: '1.004222', version: 1, nameVi: 'Đăng ký thường trú', processingDays: 7, cutoff: '15:00', agencyLevel: 'police', requiredAssuranceLevel: 2, createdBy: 'system:catalog' });
    expect(r.json().formSchema.properties.newResidence.required).toEqual(['unitCode', 'addressLine']);
    expect(r.json().prefill['applicant/fullName']).toBe('fullName');
    expect((await app.inject('/api/v1/services/1.999999')).json()).toMatchObject({ status: 404, code: 'SERVICE_NOT_FOUND' });
    expect((await app.inject('/api/v1/services/1.004222?version=9')).json()).toMatchObject({ status: 404, code: 'SERVICE_VERSION_NOT_FOUND' });
    expect((await app.inject('/api/v1/services/abc')).json().errors[0]).toMatchObject({ field: 'params.code', code: 'FIELD_FORMAT' });
  });

  it('versions an edit and keeps the old version readable', async () => {
    const { app, admin, ctx } = env();
    const v1 = (await app.inject('/api/v1/services/1.004194')).json();
    const edited = { ...bodyOf(v1), processingDays: 2, fees: [{ label: 'Lệ phí đăng ký tạm trú', amountVnd: 15_000 }], baseVersion: 1 };
    const put = await app.inject({ method: 'PUT', url: '/api/v1/services/1.004194', headers: admin, payload: edited });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ outcome: 'updated', service: { version: 2, processingDays: 2, createdBy: 'admin' } });
    expect((await currentServiceVersion(ctx.db.kysely, '1.004194'))?.processingDays).toBe(2);
    expect((await serviceVersion(ctx.db.kysely, '1.004194', 1))?.processingDays).toBe(3);
    expect((await app.inject('/api/v1/services/1.004194?version=1')).json().fees).toHaveLength(2);
    const same = await app.inject({ method: 'PUT', url: '/api/v1/services/1.004194', headers: admin, payload: { ...edited, baseVersion: undefined } });
    expect(same.json()).toMatchObject({ outcome: 'unchanged', service: { version: 2 } });
    const stale = await app.inject({ method: 'PUT', url: '/api/v1/services/1.004194', headers: admin, payload: { ...edited, processingDays: 4, baseVersion: 1 } });
    expect(stale.json()).toMatchObject({ status: 409, code: 'SERVICE_VERSION_CONFLICT' });
    const versions = await app.inject('/api/v1/services/1.004194/versions');
    expect(versions.json()).toMatchObject({ current: 2, total: 2 });
    // A newer built-in catalog never overwrites an administrator's edit.
    expect(await seedCatalog(ctx.db, BUILTIN_CATALOG)).toBe(0);
    expect((await currentServiceVersion(ctx.db.kysely, '1.004194'))?.version).toBe(2);
  });

  it('gives an entry nobody edited a new version when the built-in catalog changes', async () => {
    const { ctx } = env();
    const newer = BUILTIN_CATALOG.map((e) => (e.code === '1.003677' ? { ...e, processingDays: 2, notes: 'Changed in a later release.' } : e));
    expect(await seedCatalog(ctx.db, newer)).toBe(1);
    expect(await currentServiceVersion(ctx.db.kysely, '1.003677')).toMatchObject({ version: 2, processingDays: 2, createdBy: 'system:catalog' });
    expect((await serviceVersion(ctx.db.kysely, '1.003677', 1))?.processingDays).toBe(1);
    expect(await seedCatalog(ctx.db, newer)).toBe(0);
  });

  it('documents every services route in OpenAPI', async () => {
    const doc = (await env().app.inject('/api/openapi.json')).json();
    expect(Object.keys(doc.paths).filter((p: string) => p.startsWith('/api/v1/services')).sort()).toEqual([
      '/api/v1/services',
      '/api/v1/services/deployments',
      '/api/v1/services/{code}',
      '/api/v1/services/{code}/deployments/{unitCode}',
      '/api/v1/services/{code}/prefill',
      '/api/v1/services/{code}/versions',
    ]);
    expect(doc.paths['/api/v1/services/{code}'].put.tags).toEqual(['services']);
    // The counter's pre-fill is the dossiers module's (src/dossiers/prefill.ts), beside the mapping it shares with online filing.
    expect(doc.paths['/api/v1/services/{code}/prefill'].get.tags).toEqual(['dossiers']);
  });

  it('creates a new entry and refuses a bad one listing every problem', async () => {
    const { app, admin } = env();
    const base = bodyOf((await app.inject('/api/v1/services/1.003677')).json());
    const created = await app.inject({ method: 'PUT', url: '/api/v1/services/P.200001', headers: admin, payload: { ...base, essentialNo: null, nameVi: 'Thủ tục thử nghiệm', baseVersion: 0 } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ outcome: 'created', service: { code: 'P.200001', version: 1, provisionalCode: true } });
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/v1/services/P.200002',
      headers: admin,
      payload: { ...base, essentialNo: null, kind: 'bundle', members: ['1.004222', 'P.999999'], formSchema: { type: 'object', properties: { a: { type: 'strin' } } }, prefill: { 'applicant/fullName': 'fullName' } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string; code: string }) => `${e.field} ${e.code}`)).toEqual(['body.formSchema SERVICE_FORM_SCHEMA_INVALID', 'body.members.1 SERVICE_MEMBER_INVALID']);
    const taken = await app.inject({ method: 'PUT', url: '/api/v1/services/P.200003', headers: admin, payload: { ...base, essentialNo: 5 } });
    expect(taken.json()).toMatchObject({ status: 409, code: 'SERVICE_ESSENTIAL_NO_TAKEN' });
    expect((await app.inject('/api/v1/services/P.200002')).statusCode).toBe(404);
  });

  it('lets only holders of services.manage edit', async () => {
    const { app, officer } = env();
    const base = bodyOf((await app.inject('/api/v1/services/1.003677')).json());
    expect((await app.inject({ method: 'PUT', url: '/api/v1/services/1.003677', payload: base })).statusCode).toBe(401);
    expect((await app.inject({ method: 'PUT', url: '/api/v1/services/1.003677', headers: officer, payload: base })).json().code).toBe('FORBIDDEN');
  });

  it('deploys services per unit with dates, inherits province deployments and counts x of 25', async () => {
    const { app, admin, ctx } = env();
    const db = ctx.db.kysely;
    // Xã Cẩm Giang (10888) deploys birth registration from 2025-07-01; Hải Phòng (31) temporary residence from 2025-10-01.
    const a = await app.inject({ method: 'PUT', url: '/api/v1/services/P.000014/deployments/10888', headers: admin, payload: { from: '2025-07-01' } });
    expect(a.json()).toEqual({ serviceCode: 'P.000014', unitCode: '10888', periods: [{ from: '2025-07-01', until: null }] });
    await app.inject({ method: 'PUT', url: '/api/v1/services/1.004194/deployments/31', headers: admin, payload: { from: '2025-10-01' } });
    expect(await isServiceDeployed(db, 'P.000014', '10888', '2025-07-01')).toBe(true);
    expect(await isServiceDeployed(db, 'P.000014', '10888', '2025-06-30')).toBe(false);
    expect(await isServiceDeployed(db, '1.004194', '10888', '2025-10-01')).toBe(true);
    expect(await isServiceDeployed(db, '1.004194', '10888', '2025-09-30')).toBe(false);
    expect(await deployedCount(db, ['10888', '31'], '2025-10-01')).toEqual([
      { unitCode: '10888', deployed: 2, of: 25, catalogued: 24, codes: ['1.004194', 'P.000014'] },
      { unitCode: '31', deployed: 1, of: 25, catalogued: 24, codes: ['1.004194'] },
    ]);
    const summary = await app.inject('/api/v1/services/deployments?unit=10888&on=2025-10-01');
    expect(summary.json()).toMatchObject({ unitCode: '10888', on: '2025-10-01', deployed: 2, of: 25, catalogued: 24 });
    expect(summary.json().items.filter((i: { deployed: boolean }) => i.deployed).map((i: { essentialNo: number }) => i.essentialNo)).toEqual([4, 14]);
    const listed = await app.inject('/api/v1/services?unit=10888&on=2025-09-01');
    expect(listed.json().items.map((s: { code: string }) => s.code)).toEqual(['P.000014']);

    // Withdrawn from 2026-01-01: deployed on the last day of 2025, not after; reopened later.
    const w = await app.inject({ method: 'DELETE', url: '/api/v1/services/P.000014/deployments/10888?from=2026-01-01', headers: admin });
    expect(w.json().periods).toEqual([{ from: '2025-07-01', until: '2026-01-01' }]);
    expect(await isServiceDeployed(db, 'P.000014', '10888', '2025-12-31')).toBe(true);
    expect(await isServiceDeployed(db, 'P.000014', '10888', '2026-01-01')).toBe(false);
    const again = await app.inject({ method: 'DELETE', url: '/api/v1/services/P.000014/deployments/10888?from=2026-02-01', headers: admin });
    expect(again.json()).toMatchObject({ status: 409, code: 'SERVICE_NOT_DEPLOYED' });
    const overlap = await app.inject({ method: 'PUT', url: '/api/v1/services/P.000014/deployments/10888', headers: admin, payload: { from: '2025-01-01' } });
    expect(overlap.json()).toMatchObject({ status: 409, code: 'SERVICE_DEPLOYMENT_OVERLAP' });
    const second = await app.inject({ method: 'PUT', url: '/api/v1/services/P.000014/deployments/10888', headers: admin, payload: { from: '2026-03-02' } });
    expect(second.json().periods).toEqual([{ from: '2025-07-01', until: '2026-01-01' }, { from: '2026-03-02', until: null }]);
    expect(await isServiceDeployed(db, 'P.000014', '10888', '2026-02-15')).toBe(false);
    expect(await isServiceDeployed(db, 'P.000014', '10888', '2026-03-02')).toBe(true);
  });

  it('refuses unknown units and services, and units outside the staff member’s own', async () => {
    const { app, admin, officer, ctx } = env();
    expect((await app.inject({ method: 'PUT', url: '/api/v1/services/P.000014/deployments/99999', headers: admin, payload: { from: '2025-07-01' } })).json()).toMatchObject({ status: 404, code: 'SERVICE_UNIT_UNKNOWN' });
    expect((await app.inject({ method: 'PUT', url: '/api/v1/services/1.999999/deployments/10888', headers: admin, payload: { from: '2025-07-01' } })).json()).toMatchObject({ status: 404, code: 'SERVICE_NOT_FOUND' });
    expect((await app.inject({ method: 'PUT', url: '/api/v1/services/P.000014/deployments/10888', headers: officer, payload: { from: '2025-07-01' } })).json().code).toBe('FORBIDDEN');
    expect((await app.inject({ method: 'PUT', url: '/api/v1/services/P.000014/deployments/10888', headers: admin, payload: { from: '2025-02-30' } })).json().errors[0]).toMatchObject({ field: 'body.from', code: 'DATE_INVALID' });
    expect(await isServiceDeployed(ctx.db.kysely, 'P.000016', '10888', '2025-10-01')).toBe(false);
    // An administrator of Hải Phòng (31) manages its communes but not Hà Nội (01).
    await createStaff(ctx.db, { username: 'admin.haiphong', password: 'Mot-cua-2025!', role: 'ADMIN', unitCode: '31', unitDate: '2025-07-01' }, { kind: 'cli', id: 'test' }, async () => true);
    const provincial = { authorization: `Bearer ${(await signInStaff(ctx.db, 'admin.haiphong', 'Mot-cua-2025!', null)).token}` };
    expect((await app.inject({ method: 'PUT', url: '/api/v1/services/P.000016/deployments/10888', headers: provincial, payload: { from: '2025-10-01' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'PUT', url: '/api/v1/services/P.000016/deployments/01', headers: provincial, payload: { from: '2025-10-01' } })).json()).toMatchObject({ status: 403, code: 'SERVICE_UNIT_OUT_OF_SCOPE' });
    expect(await isServiceDeployed(ctx.db.kysely, 'P.000016', '10888', '2025-10-01')).toBe(true);
  });
  it('caches the catalog per app copy: a change is seen at once by the copy that made it, by the others within their revalidation time', async () => {
    const { ctx, t } = env();
    const cli = { kind: 'cli' as const, id: 'test' };
    // Another copy of the app: its own connection to the same database.
    const other = await Database.open(t.url, { searchPath: t.schema });
    try {
      const here = new CatalogCache(ctx.db.kysely, { revalidateMs: 60_000 });
      const there = new CatalogCache(other.kysely, { revalidateMs: 200 });
      // Thành phố Hải Phòng (31) → Xã Cẩm Giang (10888), as the units registry gives the path.
      const chain = ['31', '10888'];
      for (const cache of [here, there]) {
        expect(await cache.deployedAt('P.000016', chain, '2025-10-01')).toBe(true);
        expect(await cache.deployedAt('P.000016', chain, '2025-09-30')).toBe(false);
        expect(await cache.current('1.004194')).toMatchObject({ version: 2, processingDays: 2, nameVi: 'Đăng ký tạm trú' });
        expect(await cache.current('1.999999')).toBeUndefined();
      }
      await withdrawService(ctx.db, 'P.000016', '10888', '2025-10-01', cli);
      const { version: _v, createdAt: _a, createdBy: _b, ...definition } = (await currentServiceVersion(ctx.db.kysely, '1.004194'))!;
      await saveServiceDefinition(ctx.db, { ...definition, processingDays: 5 }, cli);
      expect(await here.deployedAt('P.000016', chain, '2025-10-01')).toBe(false);
      expect(await here.current('1.004194')).toMatchObject({ version: 3, processingDays: 5 });
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await there.deployedAt('P.000016', chain, '2025-10-01')).toBe(false);
      expect(await there.current('1.004194')).toMatchObject({ version: 3, processingDays: 5 });
      // Deployed again through the other copy: this one sees it at its next revalidation.
      await deployService(other, 'P.000016', '10888', '2025-11-01', cli);
      expect(await there.deployedAt('P.000016', chain, '2025-11-01')).toBe(true);
      here.expire();
      expect(await here.deployedAt('P.000016', chain, '2025-11-01')).toBe(true);
      expect(await here.deployedAt('P.000016', chain, '2025-10-31')).toBe(false);
    } finally {
      await other.close();
    }
  });
});

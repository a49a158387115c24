/**
 * Test fixtures of the dossiers module (used by its tests only): a platform with the 2025 unit
 * list (Xã Cẩm Giang, GSO 10888, Thành phố Hải Phòng, from 2025-07-01), every catalog service
 * deployed there, the commune's receiving agency, staff of the commune and of a neighbour
 * (Xã Cẩm Giàng, 10903), and the citizen of the catalog's sample forms in the registry.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CITIZEN_PERMISSIONS, type CitizenPrincipal, type StaffPrincipal, type StaffRole } from '../platform/auth.js';
import { startTestPlatform } from '../platform/testing/app.js';
import type { TestDatabase } from '../platform/testing/engines.js';
import { createStaff, ROLE_PERMISSIONS, signInStaff } from '../identity/index.js';
import { createCitizen } from '../population/index.js';
import { BUILTIN_CATALOG, deployService, SAMPLE_FORMS } from '../services/index.js';
import { importUnitList, unitCodeExists, type UnitsTables } from '../units/index.js';
import { dossierEnv } from './access.js';
import { saveAgency } from './agencies.js';

export const CLI = { kind: 'cli' as const, id: 'cli:test' };
export const UNIT_LIST_2025 = path.resolve(import.meta.dirname, '../../../shared/data/admin-units/post2025/vn-units-2level-2025-07-01.json');
/** The agency code configured for Xã Cẩm Giang in the tests. */
export const AGENCY = 'H31.10888';
export const PASSWORD = 'Mot-cua-2026!';

/** Nguyễn Thị Hoa of the catalog's sample forms, registered in Xã Cẩm Giang. */
export const HOA = {
  pin: '031190001234',
  fullName: 'Nguyễn Thị Hoa',
  dateOfBirth: '1990-05-12',
  sex: 'female' as const,
  ethnicity: 'Kinh',
  permanentResidence: { unitCode: '10888', unitDate: '2025-07-01', addressLine: 'Số 12, thôn Hoàng Đào', since: '2015-03-01' },
  phone: '0912345678',
  email: 'hoa.nguyen@example.vn',
};

/** Hoa signed in with a level-2 e-ID account. */
export const HOA_ONLINE: CitizenPrincipal = { kind: 'citizen', accountId: 7, pin: HOA.pin, level: 2, sessionId: 'test-session', amr: ['pwd', 'otp'], permissions: CITIZEN_PERMISSIONS };

/** The one-stop officer of Xã Cẩm Giang, as a principal for calls to the logic functions. */
export const OFFICER: StaffPrincipal = { kind: 'staff', id: 2, username: 'canbo.camgiang', displayName: 'Cán bộ một cửa xã Cẩm Giang', role: 'COMMUNE_OFFICER', unitCode: '10888', unitDate: '2025-07-01', permissions: new Set(ROLE_PERMISSIONS.COMMUNE_OFFICER) };
export const OFFICER_ACTOR = { kind: 'staff' as const, id: 'canbo.camgiang', unitCode: '10888' };
export const HOA_ACTOR = { kind: 'citizen' as const, id: 'eid:7' };

/** A sample form with the fields the service pre-fills from the registry left out (online filing). */
export function sampleWithoutPrefill(code: string): Record<string, unknown> {
  const service = BUILTIN_CATALOG.find((s) => s.code === code)!;
  const data = structuredClone(SAMPLE_FORMS[code] ?? {}) as Record<string, unknown>;
  for (const pointer of Object.keys(service.prefill)) {
    const segs = pointer.split('/');
    let cur = data as Record<string, unknown> | undefined;
    for (const s of segs.slice(0, -1)) cur = cur?.[s] as Record<string, unknown> | undefined;
    if (cur) delete cur[segs[segs.length - 1]!];
  }
  return data;
}

export async function dossierPlatform(t: TestDatabase) {
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-files-'));
  const p = await startTestPlatform(t, {
    MOTCUA_FILES_DIR: filesDir,
    MOTCUA_PUBLIC_URL: 'https://dichvucong.haiphong.gov.vn',
    MOTCUA_ATTACHMENT_MAX_BYTES: '200000',
    MOTCUA_DOSSIER_MAX_BYTES: '300000',
  });
  const db = p.ctx.db;
  await importUnitList(db, UNIT_LIST_2025, { validFrom: '2025-07-01', source: 'Quyết định 19/2025/QĐ-TTg', actor: CLI });
  const staff: [string, StaffRole, string | null][] = [
    ['admin', 'ADMIN', null],
    ['canbo.camgiang', 'COMMUNE_OFFICER', '10888'],
    ['hotro.camgiang', 'SUPPORT_TEAM', '10888'],
    ['canbo.camgiangx', 'COMMUNE_OFFICER', '10903'],
  ];
  const tokens: Record<string, string> = {};
  for (const [username, role, unit] of staff) {
    await createStaff(db, { username, password: PASSWORD, role, unitCode: unit, unitDate: '2025-07-01' }, CLI, (c) => unitCodeExists(db.as<UnitsTables>(), c));
    tokens[username] = (await signInStaff(db, username, PASSWORD, '127.0.0.1')).token;
  }
  for (const s of BUILTIN_CATALOG) await deployService(db, s.code, '10888', '2025-07-01', CLI);
  const env = dossierEnv(p.ctx);
  await saveAgency(env, '10888', { agencyCode: AGENCY, nameVi: 'Trung tâm Phục vụ hành chính công xã Cẩm Giang', headTitle: 'Chủ tịch UBND xã Cẩm Giang', headEmail: 'chutich.camgiang@haiphong.gov.vn' }, CLI);
  await createCitizen(db, HOA, CLI);
  return { ...p, env, tokens, filesDir };
}

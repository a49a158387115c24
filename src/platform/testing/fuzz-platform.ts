/**
 * The platform the fuzzer (./fuzz.ts) runs against: the test platform with its built-in units
 * (Tỉnh Hải Dương '30', Xã Cẩm Hoàng '10897', Xã Cẩm Văn '10900' as of 2023-02-28), one staff
 * account of every role signed in, every catalog procedure deployed at Cẩm Hoàng with its receiving
 * agency, and a citizen (Nguyễn Văn An, 030090000001) with an active level-2 e-ID account signed in.
 *
 * `refresh()` keeps a token per principal usable while the fuzzer signs sessions out, locks the
 * e-ID account or locks accounts out by wrong passwords: a token that no longer works is replaced
 * by a new sign-in, and an account that cannot sign in any more by a fresh one of the same kind.
 */
import type { StaffRole } from '../auth.js';
import { STAFF_ROLES } from '../auth.js';
import { createStaff, signInStaff } from '../../identity/index.js';
import { activeAccount, CAM_HOANG, CAM_VAN, cli, person, pinFor, register, startEidPlatform, STAFF_PASSWORD, UNIT_DATE, type EidPlatform } from '../../identity/eid/testing/fixtures.js';
import { BUILTIN_CATALOG, deployService } from '../../services/index.js';
import { importUnitList, unitCodeExists, type UnitsTables } from '../../units/index.js';
import { UNIT_LIST_2025 } from '../../dossiers/fixtures.js';
import { dossierEnv } from '../../dossiers/access.js';
import { saveAgency } from '../../dossiers/agencies.js';
import type { TestDatabase } from './engines.js';
import type { RealValues } from './fuzz.js';

const UNIT_OF: Record<StaffRole, string | null> = {
  ADMIN: null,
  COMMUNE_OFFICER: CAM_HOANG,
  COMMUNE_POLICE: CAM_HOANG,
  PROVINCIAL_POLICE: '30',
  SUPPORT_TEAM: CAM_HOANG,
  WORKING_GROUP: '30',
};
const CITIZEN_PASSWORD = 'Hoàng-Xá-1990!';

export interface FuzzPlatform {
  platform: EidPlatform;
  /** Principal key (a staff role, `citizen`) → bearer token. */
  tokens: Record<string, string>;
  real: RealValues;
  refresh(): Promise<void>;
  close(): Promise<void>;
}

/** `env`: configuration over the test platform's (e.g. `LOG_LEVEL: 'error'` to see why a 5xx happened). */
export async function startFuzzPlatform(t: TestDatabase, env: Record<string, string> = {}): Promise<FuzzPlatform> {
  const p = await startEidPlatform(t, env);
  const db = p.ctx.db;
  const usernames: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  let serial = 0;
  const newStaff = async (role: StaffRole) => {
    const username = `fuzz.${role.toLowerCase().replace(/_/g, '')}${serial++ > 0 ? `.${serial}` : ''}`;
    await createStaff(db, { username, password: STAFF_PASSWORD, role, unitCode: UNIT_OF[role], unitDate: UNIT_DATE }, cli, (c) => unitCodeExists(db.as<UnitsTables>(), c));
    usernames[role] = username;
  };
  for (const role of STAFF_ROLES) {
    await newStaff(role);
    tokens[role] = (await signInStaff(db, usernames[role]!, STAFF_PASSWORD, '127.0.0.1')).token;
  }
  p.tokens['congan.camhoang'] = tokens.COMMUNE_POLICE!;
  // The 2025 unit list (Xã Cẩm Giang 10888, Thành phố Hải Phòng, from 2025-07-01) for dossiers.
  await importUnitList(db, UNIT_LIST_2025, { validFrom: '2025-07-01', source: 'Quyết định 19/2025/QĐ-TTg', actor: cli });
  for (const s of BUILTIN_CATALOG) await deployService(db, s.code, '10888', '2025-07-01', cli);
  await saveAgency(dossierEnv(p.ctx), '10888', { agencyCode: 'H31.10888', nameVi: 'Trung tâm Phục vụ hành chính công xã Cẩm Giang', headTitle: 'Chủ tịch UBND xã Cẩm Giang', headEmail: 'chutich.camgiang@haiphong.gov.vn' }, cli);

  let citizenSerial = 0;
  let citizenPin = '';
  let accountId = 0;
  const newCitizen = async () => {
    citizenSerial++;
    const names = ['Nguyễn Văn An', 'Trần Văn Bình', 'Lê Văn Cường', 'Phạm Văn Dũng', 'Hoàng Văn Em', 'Vũ Văn Giang', 'Đặng Văn Hải'];
    const day = String(1 + (citizenSerial % 28)).padStart(2, '0');
    const month = String(1 + (Math.floor(citizenSerial / 28) % 12)).padStart(2, '0');
    const c = person({ pin: pinFor('male', 1990, citizenSerial), fullName: `${names[citizenSerial % names.length]}${citizenSerial > names.length ? ` ${citizenSerial}` : ''}`.replace(/ \d+$/, ''), dateOfBirth: `1990-${month}-${day}`, sex: 'male' });
    await register(p, c);
    accountId = (await activeAccount(p, c, 2, CITIZEN_PASSWORD)).accountId;
    citizenPin = c.pin;
  };
  const signInCitizen = async () => {
    const r = await p.app.inject({ method: 'POST', url: '/api/v1/eid/sessions', payload: { pin: citizenPin, password: CITIZEN_PASSWORD }, remoteAddress: '192.0.2.10' });
    if (r.statusCode !== 201) return false;
    tokens.citizen = r.json().token as string;
    return true;
  };
  await newCitizen();
  if (!(await signInCitizen())) throw new Error('fuzz citizen cannot sign in');

  const works = async (url: string, token: string | undefined) => token !== undefined && (await p.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })).statusCode === 200;
  const refresh = async () => {
    for (const role of STAFF_ROLES) {
      if (await works('/api/v1/staff/me', tokens[role])) continue;
      try {
        tokens[role] = (await signInStaff(db, usernames[role]!, STAFF_PASSWORD, '127.0.0.1')).token;
      } catch {
        await newStaff(role);
        tokens[role] = (await signInStaff(db, usernames[role]!, STAFF_PASSWORD, '127.0.0.1')).token;
      }
    }
    p.tokens['congan.camhoang'] = tokens.COMMUNE_POLICE!;
    if (!(await works('/api/v1/eid/me', tokens.citizen)) && !(await signInCitizen())) {
      try {
        await newCitizen();
        await signInCitizen();
      } catch (err) {
        console.error(`fuzz: no new citizen (${(err as Error).message}); the citizen's requests go out with the last token`);
      }
    }
    real.pin = real.key = [citizenPin, '031190001234', '030090000099'];
    real.username = real.handler = Object.values(usernames);
  };

  const units = [CAM_HOANG, CAM_VAN, '30', '10888', '01', '79'];
  const ids = ['1', '2', '3', String(accountId)];
  const real: RealValues = {
    code: [...BUILTIN_CATALOG.slice(0, 5).map((s) => s.code), ...units, 'H31.10888-261130-0001'],
    serviceCode: BUILTIN_CATALOG.slice(0, 5).map((s) => s.code),
    service: BUILTIN_CATALOG.slice(0, 5).map((s) => s.code),
    unitCode: units,
    unit: units,
    commune: units,
    parent: units,
    toUnit: units,
    pin: [citizenPin, '031190001234', '030090000099'],
    key: [citizenPin],
    id: ids,
    memberId: ids,
    teamId: ids,
    siteId: ids,
    deskId: ids,
    deviceId: ids,
    campaignId: ids,
    helperMemberId: ids,
    username: Object.values(usernames),
    handler: Object.values(usernames),
    password: [STAFF_PASSWORD, CITIZEN_PASSWORD],
    at: [UNIT_DATE, '2025-07-01'],
    on: [UNIT_DATE, '2025-07-01'],
    unitDate: [UNIT_DATE],
    from: ['2023-01-01', '2025-07-01'],
    to: ['2023-12-31', '2026-12-31'],
    weekStart: ['2023-02-27', '2026-11-30'],
    month: ['2023-02', '2026-10'],
    format: ['csv', 'xlsx', 'pdf'],
    name: ['30', 'provinces', 'communes-30'],
    'x-purpose': ['DOSSIER_PROCESSING', 'SUPPORT_DESK', 'STATISTICS'],
  };
  return {
    platform: p,
    tokens,
    real,
    refresh,
    async close() {
      await p.app.close();
    },
  };
}

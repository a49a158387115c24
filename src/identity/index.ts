/**
 * The identity module: staff accounts and roles now; citizens' e-ID accounts (level 1 and 2),
 * activation, sign-in and MFA come with the e-ID issue (Decree 69/2024/NĐ-CP).
 */
import { randomBytes } from 'node:crypto';
import type { StaffRole } from '../platform/auth.js';
import type { AppContext, PlatformModule } from '../platform/module.js';
import { unitCodeExists, type UnitsTables } from '../units/index.js';
import { identityCli } from './cli.js';
import { identityRoutes } from './routes.js';
import { createStaff } from './staff.js';
import { countStaff, identityMigrations, type IdentityTables } from './store.js';

export { createStaff, changeStaffPassword, signInStaff, staffAuthProvider, principalOf } from './staff.js';
export { ROLE_PERMISSIONS } from './roles.js';

/** Demo accounts of a commune (Xã Cẩm Hoàng) and its province (Tỉnh Hải Dương) as of February 2023. */
const DEMO_STAFF: [string, StaffRole, string | null, string][] = [
  ['admin', 'ADMIN', null, 'Quản trị hệ thống'],
  ['pc06.haiduong', 'PROVINCIAL_POLICE', '30', 'Phòng PC06 Công an tỉnh Hải Dương'],
  ['congan.camhoang', 'COMMUNE_POLICE', '10897', 'Công an xã Cẩm Hoàng'],
  ['canbo.camhoang', 'COMMUNE_OFFICER', '10897', 'Bộ phận một cửa xã Cẩm Hoàng'],
  ['hotro.camhoang', 'SUPPORT_TEAM', '10897', 'Tổ hỗ trợ dịch vụ công xã Cẩm Hoàng'],
  ['bcd06.haiduong', 'WORKING_GROUP', '30', 'Tổ công tác Đề án 06 tỉnh Hải Dương'],
];

/** At the first start of a demo (MOTCUA_DEMO=on, no staff yet): demo accounts, printed once on the console. */
async function seedDemoStaff(ctx: AppContext): Promise<void> {
  if (!ctx.config.demo || (await countStaff(ctx.db.as<IdentityTables>())) > 0) return;
  const lines: string[] = [];
  for (const [username, role, unitCode, displayName] of DEMO_STAFF) {
    const password = randomBytes(9).toString('base64url');
    await createStaff(ctx.db, { username, password, role, unitCode, unitDate: '2023-02-28', displayName }, { kind: 'system', id: 'demo' }, (c) => unitCodeExists(ctx.db.as<UnitsTables>(), c));
    lines.push(`  ${username.padEnd(16)} ${password}  ${role}${unitCode ? ` @ ${unitCode}` : ''}`);
  }
  process.stderr.write(`\nmotcua demo staff accounts (shown once; change one with \`echo NEW | motcua staff password --username NAME\`):\n${lines.join('\n')}\n\n`);
}

export const identityModule: PlatformModule = {
  name: 'identity',
  migrations: identityMigrations,
  routes: identityRoutes,
  seed: seedDemoStaff,
  cli: identityCli,
};

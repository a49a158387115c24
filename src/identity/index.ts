/**
 * The identity module: staff accounts and roles, sign-in with a TOTP second factor (staff.ts,
 * totp.ts; `MOTCUA_STAFF_TOTP`), and citizens' electronic
 * identification accounts, level 1 and 2 (eid/: applications, police approval, activation,
 * sign-in with optional TOTP, sessions, locking, usage history; Decree 69/2024/NĐ-CP).
 *
 * The HTTP layer resolves bearer tokens through {@link identityAuthProvider}: `eid.…` tokens to a
 * citizen principal, others to a staff principal.
 */
import { randomBytes } from 'node:crypto';
import type { AuthProvider, StaffRole } from '../platform/auth.js';
import type { Database } from '../platform/db/database.js';
import type { AppContext, PlatformModule } from '../platform/module.js';
import { unitCodeExists, type UnitsTables } from '../units/index.js';
import { identityCli } from './cli.js';
import { identityRoutes } from './routes.js';
import { createStaff, staffAuthProvider } from './staff.js';
import { countStaff, identityMigrations, staffSealedColumns, type IdentityTables } from './store.js';
import { eidCli } from './eid/cli.js';
import { eidRoutes } from './eid/routes.js';
import { checkSignIn, eidAuthProvider, isEidToken, openSession, type SignInResult } from './eid/sessions.js';
import { accountById, eidMigrations, eidSealedColumns, insertUsage, rehashPassword, revokeSessions, signInAccountOf, type Db as EidDb, type EidTables } from './eid/store.js';
import { hashPassword, needsRehash } from './passwords.js';
import { createEidService, type EidPlugins } from './eid/service.js';
import { EID_ROLLUP_INDICATORS, recountEidIndicators } from './eid/rollups.js';
import { scheduleDailyJob } from '../platform/jobs/index.js';
import { nowUtc, todayInVietnam, vietnamDateOf } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';
import type { CitizenPrincipal } from '../platform/auth.js';
import { registryFacts } from '../population/index.js';
import { applyAutoLock } from './eid/accounts.js';
import { lockReasonParams, type LockReason } from './eid/model.js';
import { PURGE_SESSIONS_JOB, PURGE_SESSIONS_TIME, purgeSessionsJob } from './purge.js';

export { createStaff, changeStaffPassword, signInStaff, signInOrEnrolStaff, confirmStaffTotpEnrolment, resetStaffTotp, signOutStaff, staffAuthProvider, principalOf, staffAccount, type StaffSignInOptions, type StaffTotpEnrolment, type StaffTotpPolicy } from './staff.js';
export { ROLE_PERMISSIONS } from './roles.js';
export { eidAuthProvider } from './eid/sessions.js';
export { eidApplicationCountsByCampaign, EID_INDICATORS, type CampaignCounts } from './eid/reports.js';
export { sweepAutoLocks, purgeUsageHistory, recordAccountUse } from './eid/accounts.js';
export { createEidService, type EidPlugins, type CollectionCampaign, type CollectionCampaigns } from './eid/service.js';
export type { FaceVerifier, BiometricCapture, BiometricOutcome, DecodedImage, DecodedFingerprint } from './eid/biometrics.js';
export * from './eid/model.js';

/**
 * Bearer token → principal for the HTTP layer: a citizen's e-ID session (`eid.…`) or a staff
 * session (`staffOptions`: the staff session cache). Citizen sessions are read on every request,
 * so a lock, a revocation or a sign-in elsewhere takes effect at once. Undefined for an unknown,
 * expired or revoked token.
 */
export function identityAuthProvider(db: Database, staffOptions?: Parameters<typeof staffAuthProvider>[1]): AuthProvider {
  const staff = staffAuthProvider(db, staffOptions);
  const eid = eidAuthProvider(db);
  return { authenticate: (token) => (isEidToken(token) ? eid.authenticate(token) : staff.authenticate(token)) };
}

/**
 * For the single sign-on (src/sso): checks a citizen's sign-in — identification number, password
 * and, when two-factor is on, the TOTP code — with the rules and the per-account and per-address
 * limits of `POST /api/v1/eid/sessions` (failures counted together), without opening an e-ID
 * session; a password hash at older Argon2id parameters is upgraded as by an e-ID sign-in. Answers
 * the account, its level and the RFC 8176 factors used (`pwd`, `otp`). Errors:
 * EID_CREDENTIALS_INVALID, EID_OTP_REQUIRED, EID_OTP_INVALID (401), EID_ACCOUNT_LOCKED (403),
 * RATE_LIMITED (429).
 */
export async function verifyCitizenSignIn(ctx: AppContext, input: { pin: string; password: string; otp?: string; device?: string | null }, sourceIp: string | null): Promise<{ accountId: number; pin: string; level: 1 | 2; amr: string[] }> {
  const svc = createEidService(ctx);
  const { account, amr } = await checkSignIn(svc, input, sourceIp);
  // As an e-ID sign-in does: a hash made with older Argon2id parameters is replaced by one at the
  // current parameters (only if nobody changed the password meanwhile).
  if (account.password_hash && needsRehash(account.password_hash)) await rehashPassword(svc.k, account.id, account.password_hash, await hashPassword(input.password), nowUtc());
  return { accountId: account.id, pin: account.pin, level: account.level as 1 | 2, amr };
}

/**
 * For motcua's own citizen pages signing in through the single sign-on (src/portal): opens an e-ID
 * session (the bearer token of `POST /api/v1/eid/sessions`) for the account with identification
 * number `pin`, whose holder the provider has just signed in with the factors `amr`. The account is
 * read again — it must still be active and not managed by a guardian, and the registry's automatic
 * locks apply as at any sign-in. `replacing` (the citizen session the request came with) ends, and
 * in single-device mode the sessions of other devices too. Errors: EID_CREDENTIALS_INVALID (401:
 * no such account, or not active), EID_ACCOUNT_LOCKED (403, with the reason).
 */
export async function openCitizenSession(ctx: AppContext, input: { pin: string; amr: string[]; sourceIp: string | null; device: string | null; replacing?: CitizenPrincipal; via: string }): Promise<SignInResult> {
  const svc = createEidService(ctx);
  const found = await signInAccountOf(svc.k, input.pin);
  const account = found?.account;
  if (!account || account.guardian_account_id !== null || account.status === 'activation_pending' || account.status === 'revoked') throw new AppError('EID_CREDENTIALS_INVALID');
  const lockReason = await applyAutoLock(svc, account, await registryFacts(svc.db, account.pin), vietnamDateOf(nowUtc()));
  if (lockReason) throw new AppError('EID_ACCOUNT_LOCKED', lockReasonParams(lockReason as LockReason), { extensions: { lockReason } });
  return openSession(svc, account, input.amr, { sourceIp: input.sourceIp, device: input.device, replacing: input.replacing, applicantName: found?.applicantName, via: input.via });
}

/**
 * Ends every live e-ID session of an account, in the caller's transaction (`db` may be one): for
 * the single sign-on when the citizen withdraws the consent given to motcua's own citizen pages,
 * whose sessions came through it. Each ended session gets a `session-ended` entry in the usage
 * history with `detail`. Answers how many ended.
 */
export async function endCitizenSessions(db: Database['kysely'], accountId: number, reason: string, detail: string): Promise<number> {
  const k = db as unknown as EidDb;
  const now = nowUtc();
  const ended = await revokeSessions(k, accountId, now, reason);
  for (const id of ended) await insertUsage(k, { account_id: accountId, at: now, action: 'session-ended', source_ip: null, device: null, session_id: id, detail });
  return ended.length;
}

/** An e-ID account as other modules may see it: its number, level and whether it can be used now (active), or undefined. */
export async function eidAccountById(db: Database, id: number): Promise<{ id: number; pin: string; level: 1 | 2; active: boolean } | undefined> {
  const a = await accountById(db.as<EidTables>() as unknown as Parameters<typeof accountById>[0], id);
  return a ? { id: a.id, pin: a.pin, level: a.level as 1 | 2, active: a.status === 'active' } : undefined;
}

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
  const totp = ctx.config.staffTotp === 'required' ? 'at the first sign-in each account adds itself to an authenticator app (QR code) and from then on signs in with its code; ' : '';
  process.stderr.write(`\nmotcua demo staff accounts (shown once; ${totp}change a password with \`echo NEW | motcua staff password --username NAME\`):\n${lines.join('\n')}\n\n`);
}

/**
 * The identity module with e-ID vendor plug-ins (a face verifier, a biometric capture); the
 * built-in ones store the data encrypted and verify nothing ("not biometrically verified").
 */
export function createIdentityModule(plugins: EidPlugins = {}): PlatformModule {
  const eid = eidRoutes(plugins);
  return {
    name: 'identity',
    migrations: { ...identityMigrations, ...eidMigrations },
    sealed: [...eidSealedColumns, ...staffSealedColumns],
    routes: async (api, ctx) => {
      await identityRoutes(api, ctx, plugins.cipher);
      await eid(api, ctx);
    },
    seed: async (ctx) => {
      await seedDemoStaff(ctx);
      await scheduleDailyJob(ctx.db.kysely, PURGE_SESSIONS_JOB, todayInVietnam(), PURGE_SESSIONS_TIME);
    },
    jobs: { [PURGE_SESSIONS_JOB]: purgeSessionsJob },
    // e-ID applications, decisions and activations, recounted from the applications' steps.
    rollups: { indicators: EID_ROLLUP_INDICATORS, recount: recountEidIndicators },
    cli: (program, open) => {
      identityCli(program, open);
      eidCli(program, open);
    },
  };
}

export const identityModule: PlatformModule = createIdentityModule();

/**
 * What every e-ID operation works with: the app context, the data cipher, the rate limits and
 * the biometric extension points. Built once per app (see `eidRoutes`), or by tests and the CLI
 * with {@link createEidService}.
 */
import type { AuditActor } from '../../platform/audit/audit.js';
import { inScope, type StaffPrincipal, type ScopePeriod } from '../../platform/auth.js';
import { dataCipherFromEnv, type DataCipher } from '../../platform/crypto.js';
import { todayInVietnam } from '../../platform/dates.js';
import type { Database } from '../../platform/db/database.js';
import type { AppContext } from '../../platform/module.js';
import { unitAreaThroughTime, type UnitsTables } from '../../units/index.js';
import { storeOnlyBiometricCapture, storeOnlyFaceVerifier, type BiometricCapture, type FaceVerifier } from './biometrics.js';
import { eidLimits, type EidLimits } from './limits.js';
import type { Db } from './store.js';

/** A police collection campaign as the e-ID module needs to check it (kept by the desk module). */
export interface CollectionCampaign {
  /** Commune it is held in (GSO code as of `unitDate`). */
  unitCode: string;
  unitDate: string;
  /** Day it is held, YYYY-MM-DD (Vietnam). */
  day: string;
  status: 'planned' | 'held' | 'cancelled';
}

/**
 * Where the e-ID module finds collection campaigns (the desk module, wired in src/app/modules.ts:
 * identity cannot import desk, which reads e-ID figures). Without it a campaign id is stored unchecked.
 */
export interface CollectionCampaigns {
  /** The campaign `id` (the desk's numeric id as text), or undefined when there is none. */
  campaign(db: Database, id: string): Promise<CollectionCampaign | undefined>;
}

/** The vendor plug-ins of the e-ID module (built-in: store only, verify nothing). */
export interface EidPlugins {
  faceVerifier?: FaceVerifier;
  biometricCapture?: BiometricCapture;
  /** Collection campaigns, to check the one an in-person application names. */
  campaigns?: CollectionCampaigns;
  /** The data cipher (default: `MOTCUA_DATA_KEY`). */
  cipher?: DataCipher;
}

export interface EidService {
  ctx: AppContext;
  db: Database;
  k: Db;
  cipher: DataCipher;
  limits: EidLimits;
  faceVerifier: FaceVerifier;
  biometricCapture: BiometricCapture;
  campaigns: CollectionCampaigns | undefined;
}

/** One set of limits per app context, so every caller of `createEidService` (the e-ID routes, the single sign-on) counts failures together even without Redis. */
const limitsByContext = new WeakMap<AppContext, EidLimits>();

function limitsOf(ctx: AppContext): EidLimits {
  let limits = limitsByContext.get(ctx);
  if (!limits) {
    limits = eidLimits(ctx.config.redisUrl);
    limitsByContext.set(ctx, limits);
  }
  return limits;
}

export function createEidService(ctx: AppContext, plugins: EidPlugins = {}): EidService {
  return {
    ctx,
    db: ctx.db,
    k: ctx.db.as<any>() as Db,
    cipher: plugins.cipher ?? dataCipherFromEnv(process.env, (m) => ctx.logger.warn(m)),
    limits: limitsOf(ctx),
    faceVerifier: plugins.faceVerifier ?? storeOnlyFaceVerifier,
    biometricCapture: plugins.biometricCapture ?? storeOnlyBiometricCapture,
    campaigns: plugins.campaigns,
  };
}

/** The staff member's unit through time (null: an account with no unit, the whole system). */
export async function staffArea(db: Database, staff: StaffPrincipal): Promise<ScopePeriod[] | null> {
  if (staff.unitCode === null) return null;
  return unitAreaThroughTime(db.as<UnitsTables>(), staff.unitCode, staff.unitDate ?? todayInVietnam());
}

/** True when a record handled by a unit (path province → … → commune as of `unitDate`) lies in the staff member's area. */
export async function staffCovers(db: Database, staff: StaffPrincipal, scope: { scope_province: string | null; scope_district: string | null; scope_commune: string | null; unit_date: string }): Promise<boolean> {
  return inScope(await staffArea(db, staff), [scope.scope_province, scope.scope_district, scope.scope_commune], scope.unit_date);
}

/** The audit actor of a citizen acting on their own account. */
export function citizenActor(accountId: number, sourceIp: string | null, requestId?: string): AuditActor {
  return { kind: 'citizen', id: `eid:${accountId}`, sourceIp, requestId: requestId ?? null };
}

/** The audit actor of an applicant who has no account yet (an online level-1 application). */
export function applicantActor(sourceIp: string | null, requestId?: string): AuditActor {
  return { kind: 'citizen', id: 'eid:applicant', sourceIp, requestId: requestId ?? null };
}

/** The system actor of automatic steps (registry checks, automatic locks). */
export const SYSTEM_ACTOR: AuditActor = { kind: 'system', id: 'eid' };

/** `+84912345678` → `0912345678` (the national form people read). */
export function nationalPhone(e164: string): string {
  return e164.startsWith('+84') ? `0${e164.slice(3)}` : e164;
}

/** `+84912345678` → `091****678`. */
export function maskedPhone(e164: string | null): string | null {
  if (!e164) return null;
  const n = nationalPhone(e164);
  return `${n.slice(0, 3)}${'*'.repeat(Math.max(0, n.length - 6))}${n.slice(-3)}`;
}

/** The usage history and account events are kept 5 years from each use (Decree 69/2024/NĐ-CP; domain.md §1.5). */
export const USAGE_RETENTION_YEARS = 5;

/**
 * Who is asking, and may they. Staff and citizens are separate kinds of principal (DESIGN.md §5).
 * Every route declares the permission it needs in its `config.permission`; one hook in the HTTP
 * layer checks it against the principal, so no handler checks roles itself. Unit scoping (a
 * commune officer sees their commune) is checked by the module that knows where a record is,
 * with {@link inScope}.
 *
 * The platform does not know how principals are stored: the identity module supplies an
 * {@link AuthProvider} to the composition root.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

export const PERMISSIONS = [
  'citizen.read',
  'citizen.write',
  'citizen.import',
  'citizen.access-log',
  'staff.manage',
  'units.manage',
  'reports.read',
  // managers entering indicator targets per unit and period (src/reports)
  'reports.targets',
  // e-ID (identity module, Decree 69/2024/NĐ-CP)
  'eid.collect',
  'eid.decide',
  'eid.manage',
  // public services and dossiers (Decree 118/2025/NĐ-CP)
  'services.manage',
  'dossier.intake',
  'dossier.process',
  // the one-stop desk's own work
  'desk.manage',
  'desk.help-log',
  // single sign-on: the registry of portals (OpenID Connect clients, src/sso)
  'sso.manage',
  // citizens acting for themselves (granted to citizen principals only)
  'self.account',
  'self.dossier',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const STAFF_ROLES = ['ADMIN', 'COMMUNE_OFFICER', 'COMMUNE_POLICE', 'PROVINCIAL_POLICE', 'SUPPORT_TEAM', 'WORKING_GROUP'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffPrincipal {
  kind: 'staff';
  id: number;
  username: string;
  displayName: string;
  role: StaffRole;
  /** The unit the account acts for (a commune, district or province code); null: the whole system. */
  unitCode: string | null;
  /** The date `unitCode` refers to. */
  unitDate: string | null;
  permissions: ReadonlySet<Permission>;
}

/**
 * A citizen signed in with their electronic identification account (tài khoản định danh điện tử),
 * level 1 or level 2 (Decree 69/2024/NĐ-CP Art. 12). Never scoped to a unit: a citizen acts on
 * their own records only, which each route checks against `pin`.
 */
export interface CitizenPrincipal {
  kind: 'citizen';
  /** The e-ID account's id. */
  accountId: number;
  /** The personal identification number (số định danh cá nhân), 12 digits. */
  pin: string;
  /** The account's level (mức độ 1 | 2). */
  level: 1 | 2;
  /** The session's id (for listing and ending sessions). */
  sessionId: string;
  /** Factors used at sign-in (RFC 8176 values: `pwd`, `otp`). */
  amr: readonly string[];
  permissions: ReadonlySet<Permission>;
}

export type Principal = StaffPrincipal | CitizenPrincipal;

/** Permissions every signed-in citizen holds. */
export const CITIZEN_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>(['self.account', 'self.dossier']);

/** The staff principal of a request behind a staff-only permission; FORBIDDEN for anyone else. */
export function staffOf(request: FastifyRequest): StaffPrincipal {
  const p = request.principal;
  if (!p) throw new AppError('UNAUTHENTICATED');
  if (p.kind !== 'staff') throw new AppError('FORBIDDEN');
  return p;
}

/** The citizen principal of a request behind a citizen permission; FORBIDDEN for anyone else. */
export function citizenOf(request: FastifyRequest): CitizenPrincipal {
  const p = request.principal;
  if (!p) throw new AppError('UNAUTHENTICATED');
  if (p.kind !== 'citizen') throw new AppError('FORBIDDEN');
  return p;
}

export interface AuthProvider {
  /** The principal a bearer token or session cookie stands for, or undefined. */
  authenticate(token: string): Promise<Principal | undefined>;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** The permission this route requires; routes without one are public. */
    permission?: Permission;
  }
}

/** The bearer token of a request (`Authorization: Bearer …`), if any. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer ([A-Za-z0-9._~+/-]{16,512}=*)$/.exec(h.trim());
  return m?.[1];
}

/** A unit code with the period it holds (inclusive; `validUntil` null while in force). */
export interface ScopePeriod {
  code: string;
  validFrom: string;
  validUntil: string | null;
}

/**
 * True when a record whose unit path (province → … → commune codes) was recorded as of
 * `recordDate` lies within `area`, the reader's unit through time (see the units module's
 * `unitAreaThroughTime`). A code counts only inside the period its version held: unit codes
 * were reused for other areas in 2025. `area` null: the whole system (an administrator).
 */
export function inScope(area: readonly ScopePeriod[] | null, recordUnitPath: readonly (string | null | undefined)[], recordDate: string | null): boolean {
  if (area === null) return true;
  if (!recordDate) return false;
  return area.some((a) => recordUnitPath.includes(a.code) && a.validFrom <= recordDate && (a.validUntil === null || recordDate <= a.validUntil));
}

/** The audit actor of a request. */
export function actorOf(request: FastifyRequest) {
  const p = request.principal;
  return {
    kind: p ? p.kind : ('system' as const),
    id: p ? (p.kind === 'staff' ? p.username : `eid:${p.accountId}`) : 'anonymous',
    unitCode: p?.kind === 'staff' ? p.unitCode : null,
    sourceIp: request.ip,
    requestId: request.id,
  };
}

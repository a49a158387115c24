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

export const PERMISSIONS = [
  'citizen.read',
  'citizen.write',
  'citizen.import',
  'citizen.access-log',
  'staff.manage',
  'units.manage',
  'reports.read',
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

export type Principal = StaffPrincipal;

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

/**
 * True when a record whose unit path (province → … → commune codes, as of the record's date)
 * is `recordUnitPath` lies within the principal's unit. A principal with no unit sees everything.
 */
export function inScope(principal: Principal, recordUnitPath: readonly (string | null | undefined)[]): boolean {
  if (principal.unitCode === null) return true;
  return recordUnitPath.includes(principal.unitCode);
}

/** The audit actor of a request. */
export function actorOf(request: FastifyRequest) {
  const p = request.principal;
  return {
    kind: p ? ('staff' as const) : ('system' as const),
    id: p ? p.username : 'anonymous',
    unitCode: p?.unitCode ?? null,
    sourceIp: request.ip,
    requestId: request.id,
  };
}

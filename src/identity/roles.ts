/**
 * Staff roles and what each may do. Roles are scoped to a unit (the account's `unitCode`): a
 * commune officer reads residents of their commune, provincial police their province, the working
 * group reads aggregates only and never a personal record (DESIGN.md §5).
 */
import type { Permission, StaffRole } from '../platform/auth.js';

export const ROLE_PERMISSIONS: Record<StaffRole, readonly Permission[]> = {
  ADMIN: ['citizen.read', 'citizen.write', 'citizen.import', 'citizen.access-log', 'staff.manage', 'units.manage', 'reports.read'],
  PROVINCIAL_POLICE: ['citizen.read', 'citizen.write', 'citizen.import', 'reports.read'],
  COMMUNE_POLICE: ['citizen.read', 'citizen.write', 'reports.read'],
  COMMUNE_OFFICER: ['citizen.read', 'reports.read'],
  SUPPORT_TEAM: ['citizen.read'],
  WORKING_GROUP: ['reports.read'],
};

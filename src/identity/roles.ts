/**
 * Staff roles and what each may do. Roles are scoped to a unit (the account's `unitCode`): a
 * commune officer reads residents of their commune, provincial police their province, the working
 * group reads aggregates only and never a personal record (DESIGN.md §5). The one-stop desk's
 * work (src/desk): `desk.manage` for teams, rosters, sites, equipment and collection campaigns
 * (commune police hold the campaigns), `desk.help-log` for recording help given at a desk.
 * e-ID (src/identity/eid, Decree 69/2024/NĐ-CP): police collect applications (`eid.collect`), decide
 * them (`eid.decide`) and lock, unlock, revoke accounts and change their phone number (`eid.manage`).
 * Dossiers (src/dossiers, Decree 118/2025/NĐ-CP): `dossier.intake` files a dossier for a citizen
 * (at the counter, on their behalf, on a mobile campaign), `dossier.process` receives and settles it.
 * Reports (src/reports): `reports.read` reads the aggregates of one's unit; `reports.targets` enters
 * targets per indicator, unit and period (administrators and the Project 06 working group).
 * Single sign-on (src/sso): administrators register the portals (`sso.manage`).
 */
import type { Permission, StaffRole } from '../platform/auth.js';

export const ROLE_PERMISSIONS: Record<StaffRole, readonly Permission[]> = {
  ADMIN: ['citizen.read', 'citizen.write', 'citizen.import', 'citizen.access-log', 'staff.manage', 'units.manage', 'reports.read', 'reports.targets', 'desk.manage', 'desk.help-log', 'services.manage', 'dossier.intake', 'dossier.process', 'eid.collect', 'eid.decide', 'eid.manage', 'sso.manage'],
  PROVINCIAL_POLICE: ['citizen.read', 'citizen.write', 'citizen.import', 'reports.read', 'eid.collect', 'eid.decide', 'eid.manage'],
  COMMUNE_POLICE: ['citizen.read', 'citizen.write', 'reports.read', 'desk.manage', 'eid.collect', 'eid.decide', 'eid.manage'],
  COMMUNE_OFFICER: ['citizen.read', 'reports.read', 'desk.manage', 'desk.help-log', 'dossier.intake', 'dossier.process'],
  SUPPORT_TEAM: ['citizen.read', 'desk.help-log', 'dossier.intake'],
  WORKING_GROUP: ['reports.read', 'reports.targets'],
};

/**
 * The claims a portal receives about a signed-in citizen, read from their own record in the
 * population registry (src/population `citizenRecord`) with the names of administrative units as
 * they were on the date each residence refers to (src/units). Mapping: src/sso/scopes.ts.
 *
 * Every release of personal claims writes one audit entry (`sso.claims-released`, purpose
 * CITIZEN_REQUEST, the portal's stated purpose as note) whose subject is the citizen — and the
 * head of household when their name is released — before the claims leave, so it shows in the
 * citizen's access log (`GET /api/v1/eid/me/history`, "who looked at my record").
 */
import { recordAuditNow } from '../platform/audit/audit.js';
import type { Database } from '../platform/db/database.js';
import { citizenRecord } from '../population/index.js';
import { getUnit, type UnitsTables } from '../units/index.js';
import { PERSONAL_CLAIMS } from './scopes.js';

/** OpenID Connect Core §5.1.1 address, plus the unit code and the date it refers to. */
export interface AddressClaim {
  formatted: string;
  street_address: string | null;
  /** The commune (xã/phường/thị trấn). */
  locality: string | null;
  /** The province or centrally-run city. */
  region: string | null;
  country: 'VN';
  unit_code: string;
  unit_date: string;
  since: string | null;
}

interface ResidenceLike {
  unitCode: string;
  unitDate: string;
  addressLine?: string | null;
  since?: string | null;
}

/** A residence as an address claim: the address line, then commune → district → province names as of the residence's date. */
async function addressOf(db: Database, r: ResidenceLike | null | undefined): Promise<AddressClaim | null> {
  if (!r) return null;
  let path: { level: string; fullName: string }[] = [];
  try {
    path = (await getUnit(db.as<UnitsTables>(), r.unitCode, r.unitDate)).path;
  } catch {
    path = []; // a unit code unknown on its date: the code is still given
  }
  const names = [...path].reverse().map((u) => u.fullName);
  const line = r.addressLine?.trim() || null;
  return {
    formatted: [line, ...names].filter(Boolean).join(', ') || r.unitCode,
    street_address: line,
    locality: path.length > 0 ? path[path.length - 1]!.fullName : null,
    region: path.length > 0 ? path[0]!.fullName : null,
    country: 'VN',
    unit_code: r.unitCode,
    unit_date: r.unitDate,
    since: r.since ?? null,
  };
}

export interface ReleaseContext {
  db: Database;
  clientId: string;
  clientName: string;
  purpose: string;
  /** `id_token` or `userinfo`. */
  use: string;
  sourceIp: string | null;
  requestId: string | null;
}

/**
 * The personal claims named in `names` for the citizen `pin` (claims not personal are ignored),
 * audited before they are answered. Nothing is read or audited when no personal claim is named.
 */
export async function releaseClaims(pin: string, names: ReadonlySet<string>, rc: ReleaseContext): Promise<Record<string, unknown>> {
  const wanted = [...names].filter((n) => PERSONAL_CLAIMS.has(n)).sort();
  if (wanted.length === 0) return {};
  const c = await citizenRecord(rc.db, pin);
  if (!c) return {};
  const out: Record<string, unknown> = {};
  const subjects = [{ type: 'citizen', id: pin }];
  for (const n of wanted) {
    switch (n) {
      case 'name':
        out.name = c.fullName;
        break;
      case 'birthdate':
        out.birthdate = c.dateOfBirth;
        break;
      case 'gender':
        out.gender = c.sex;
        break;
      case 'vn_pin':
        out.vn_pin = c.pin;
        break;
      case 'address':
        out.address = (await addressOf(rc.db, c.currentResidence)) ?? (await addressOf(rc.db, c.permanentResidence));
        break;
      case 'vn_residences':
        out.vn_residences = {
          permanent: await addressOf(rc.db, c.permanentResidence),
          temporary: await addressOf(rc.db, c.temporaryResidence),
          current: await addressOf(rc.db, c.currentResidence),
        };
        break;
      case 'vn_household': {
        const h = c.household;
        let headName: string | null = null;
        if (h) {
          if (h.headPin === c.pin) headName = c.fullName;
          else {
            headName = (await citizenRecord(rc.db, h.headPin))?.fullName ?? null;
            if (headName !== null) subjects.push({ type: 'citizen', id: h.headPin });
          }
        }
        out.vn_household = h ? { number: h.number, relation: h.relation, head_name: headName } : null;
        break;
      }
    }
  }
  await recordAuditNow(rc.db, {
    actor: { kind: 'system', id: `sso:${rc.clientId}`, sourceIp: rc.sourceIp, requestId: rc.requestId },
    action: 'sso.claims-released',
    subjects,
    purposeCode: 'CITIZEN_REQUEST',
    purposeNote: rc.purpose.slice(0, 500),
    summary: `${rc.clientName} (${rc.clientId}) received by ${rc.use}, with the citizen's consent: ${wanted.join(', ')}`,
  });
  return out;
}

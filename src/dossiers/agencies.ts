/**
 * The receiving agency of a unit (cơ quan tiếp nhận hồ sơ): the identifier code its dossier codes
 * start with (mã định danh điện tử of the agency, commonly after QCVN 102:2016/BTTTT — a standard
 * shared/domain.md §3.4 leaves unconfirmed, so the code is set by an administrator, never guessed),
 * its name on the forms, and the head of unit (thủ trưởng) to whom overdue dossiers are escalated.
 * A unit without these settings cannot receive dossiers (DOSSIER_AGENCY_NOT_CONFIGURED).
 */
import { recordAudit, type AuditActor } from '../platform/audit/audit.js';
import { nowUtc, todayInVietnam } from '../platform/dates.js';
import { AppError, validationError, type FieldError } from '../platform/errors.js';
import { normalizeEmail, toE164Phone } from '../platform/jobs/index.js';
import { normalizeText } from '../platform/text.js';
import type { DossierEnv } from './access.js';
import { AGENCY_CODE_RE } from './codes.js';
import { agencyByCode, listAgencies, upsertAgency, type AgencyRow, type DossiersTables } from './store.js';

export interface AgencyInput {
  agencyCode: string;
  nameVi: string;
  /** How the head is addressed in the escalation, e.g. "Chủ tịch UBND xã Cẩm Giang". */
  headTitle: string;
  headPhone?: string | null;
  headEmail?: string | null;
}

export interface AgencyView extends AgencyInput {
  unitCode: string;
  updatedAt: string;
}

function view(r: AgencyRow): AgencyView {
  return { unitCode: r.unit_code, agencyCode: r.agency_code, nameVi: r.name_vi, headTitle: r.head_title, headPhone: r.head_phone, headEmail: r.head_email, updatedAt: r.updated_at };
}

export async function agencies(env: DossierEnv): Promise<AgencyView[]> {
  return (await listAgencies(env.db.as<DossiersTables>())).map(view);
}

/**
 * Creates or replaces the agency settings of `unitCode` (a unit in force on `at`, default today:
 * the demo sets up the agencies of Tỉnh Hải Dương's communes as of 2023-02-28). Errors:
 * UNIT_NOT_FOUND (404), VALIDATION_FAILED (400: code form, phone, e-mail), DOSSIER_AGENCY_CODE_TAKEN (409).
 */
export async function saveAgency(env: DossierEnv, unitCode: string, input: AgencyInput, actor: AuditActor, at: string = todayInVietnam()): Promise<AgencyView> {
  await env.units.get(unitCode, at);
  const errors: FieldError[] = [];
  if (!AGENCY_CODE_RE.test(input.agencyCode)) errors.push({ field: 'body.agencyCode', code: 'FIELD_FORMAT', params: { expected: 'H23.31.10888 (A–Z, 0–9, dot-separated groups)' } });
  const phone = input.headPhone ? toE164Phone(input.headPhone) : null;
  if (input.headPhone && !phone) errors.push({ field: 'body.headPhone', code: 'FIELD_FORMAT', params: { expected: '0xxxxxxxxx' } });
  const email = input.headEmail ? normalizeEmail(input.headEmail) : null;
  if (input.headEmail && !email) errors.push({ field: 'body.headEmail', code: 'FIELD_FORMAT', params: { expected: 'name@domain.vn' } });
  if (errors.length > 0) throw validationError(errors);
  const db = env.db.as<DossiersTables>();
  const row: AgencyRow = { unit_code: unitCode, agency_code: input.agencyCode, name_vi: normalizeText(input.nameVi), head_title: normalizeText(input.headTitle), head_phone: phone ?? null, head_email: email ?? null, updated_at: nowUtc() };
  await env.db.transaction(async (trx) => {
    const other = await agencyByCode(trx as typeof db, input.agencyCode);
    if (other && other.unit_code !== unitCode) throw new AppError('DOSSIER_AGENCY_CODE_TAKEN', { agencyCode: input.agencyCode, unitCode: other.unit_code });
    await upsertAgency(trx as typeof db, row);
    await recordAudit(trx, { actor, action: 'dossier.agency', subjects: [{ type: 'unit', id: unitCode }], summary: `agency ${input.agencyCode} "${row.name_vi}", head ${row.head_title}` });
  });
  return view(row);
}

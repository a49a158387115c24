/**
 * The public-services catalog (danh mục thủ tục hành chính / dịch vụ công): one entry per
 * administrative procedure (thủ tục hành chính) or inter-agency bundle (nhóm thủ tục liên thông),
 * kept in versions. A dossier (hồ sơ) keeps the version it was filed under, so a later change of
 * time limit, fee or form never shifts an old dossier's deadline (domain.md §3.5).
 *
 * Sources: Directive 24/CT-TTg (13 Sep 2025) and Plan 02-KH/BCĐTW — the 25 essential public
 * services offered fully online ("toàn trình"); Decree 63/2024/NĐ-CP — the two inter-agency
 * bundles; Decree 118/2025/NĐ-CP — the one-stop mechanism; Decree 69/2024/NĐ-CP — the assurance
 * levels of electronic identification accounts (mức độ 1 | 2).
 */

/** Who receives the dossier: the commune People's Committee, a provincial body, or the police. */
export type AgencyLevel = 'commune' | 'province' | 'police';

/** Online level: fully online (toàn trình) or partly online (một phần). */
export type OnlineLevel = 'full' | 'partial';

/** A single procedure, or a bundle (nhóm thủ tục liên thông) whose members are procedures. */
export type ServiceKind = 'procedure' | 'bundle';

/** Stable sector keys (lĩnh vực). */
export const SECTORS = ['police', 'justice', 'social_insurance', 'land', 'education', 'labour', 'electricity', 'inter_agency', 'health'] as const;
export type Sector = (typeof SECTORS)[number];

/**
 * Registry fields a form field may be pre-filled from (the citizen's record in the population
 * registry, src/population). A signed-in citizen is never asked for these (issue 6 §3).
 */
export const PREFILL_FIELDS = [
  'pin',
  'fullName',
  'dateOfBirth',
  'sex',
  'nationality',
  'ethnicity',
  'religion',
  'phone',
  'email',
  'permanentAddress',
  'permanentUnitCode',
  'temporaryAddress',
  'currentAddress',
  'homeTownUnitCode',
  'householdNumber',
  'idCardNumber',
  'idCardIssuedOn',
] as const;
export type PrefillField = (typeof PREFILL_FIELDS)[number];

export interface ServiceFee {
  /** What is charged, in Vietnamese. */
  label: string;
  /** Amount in Vietnamese đồng. */
  amountVnd: number;
}

export interface RequiredDocument {
  /** Stable key of the attachment slot. */
  key: string;
  nameVi: string;
  nameEn: string;
  /** False: needed only in some cases (the name says when). */
  required: boolean;
}

/** A catalog entry as authored (the built-in catalog) or sent by an administrator. */
export interface ServiceDefinition {
  /**
   * Procedure code (mã thủ tục hành chính) on the national public-service portal, e.g. `1.004222`;
   * a code starting `P.` is provisional (the national code is not confirmed in domain.md) and
   * {@link ServiceDefinition.provisionalCode} is true.
   */
  code: string;
  provisionalCode: boolean;
  kind: ServiceKind;
  /** Number (1–25) in the list of essential public services of Directive 24/CT-TTg; null: not one of them. */
  essentialNo: number | null;
  nameVi: string;
  nameEn: string;
  sector: Sector;
  /** The agency that decides, in Vietnamese and English. */
  agencyVi: string;
  agencyEn: string;
  agencyLevel: AgencyLevel;
  onlineLevel: OnlineLevel;
  /** Time limit in working days (ngày làm việc); 0: on the day of receipt. */
  processingDays: number;
  /** Cut-off time of day in Vietnam time ('HH:MM'): received later, counting starts the next working day. */
  cutoff: string;
  fees: ServiceFee[];
  requiredDocuments: RequiredDocument[];
  /** JSON Schema (draft 2020-12) of the form data; `{}`-like object schema with no properties when there is no form. */
  formSchema: Record<string, unknown>;
  /** Whether the service has a form the citizen fills in (false: e.g. a payment). */
  hasForm: boolean;
  /** Minimum e-ID assurance level to file online (Decree 69/2024/NĐ-CP Art. 12). */
  requiredAssuranceLevel: 1 | 2;
  /** Form field (JSON pointer without the leading slash, `/` between levels) → registry field. */
  prefill: Record<string, PrefillField>;
  /** Codes of the member procedures of a bundle (empty for a procedure). */
  members: string[];
  resultVi: string;
  resultEn: string;
  /** Legal instruments the entry rests on. */
  legalBasis: string[];
  /** What is unconfirmed or to verify, in English; empty when nothing. */
  notes: string;
}

/** One stored version of a catalog entry. */
export interface ServiceVersion extends ServiceDefinition {
  /** 1, 2, … — raised by every change. */
  version: number;
  /** When this version was created (ISO instant, UTC). */
  createdAt: string;
  /** Who created it (`system:catalog` for the built-in catalog, else a staff username). */
  createdBy: string;
}

/** The number of essential public services set by Directive 24/CT-TTg (13 Sep 2025). */
export const ESSENTIAL_SERVICES_TOTAL = 25;

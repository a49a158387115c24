/**
 * The citizen record of the population registry (Cơ sở dữ liệu quốc gia về dân cư, as a province
 * keeps its extract). Keyed by the 12-digit personal identification number. Dates of birth may be
 * partial (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) and stay partial everywhere. Every place is an
 * administrative-unit code together with the date the code refers to (codes change meaning across
 * the 2025 reform). Text is Unicode NFC. Sources: Law on Residence 68/2020/QH14 (permanent,
 * temporary and current residence; household), Law on Identity 2023 Art. 9 (information in the
 * national population database), Decree 13/2023/NĐ-CP (basic personal data).
 */
import type { Sex } from './pin.js';

/** A date that may be known only to the year or month: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
export type PartialDate = string;

/** A place: a unit code, the date the code refers to, and an optional address line. */
export interface Place {
  unitCode: string;
  /** The date the unit code refers to (`YYYY-MM-DD`). */
  unitDate: string;
  addressLine?: string | null;
}

/** A residence (nơi thường trú / tạm trú / ở hiện tại) with the day it began. */
export interface Residence extends Place {
  since?: string | null;
}

export type CitizenStatus = 'living' | 'deceased' | 'cancelled' | 're_established';

/** Relationship to the head of household (quan hệ với chủ hộ). */
export type HouseholdRelation = 'head' | 'spouse' | 'child' | 'parent' | 'grandchild' | 'grandparent' | 'sibling' | 'other';

export interface Household {
  /** Household number (số hộ khẩu / mã hộ). */
  number: string;
  headPin: string;
  relation: HouseholdRelation;
}

export interface IdentityCard {
  number: string;
  issuedOn?: string | null;
  expiresOn?: string | null;
  /** True for a chip card (CCCD gắn chip / thẻ căn cước). */
  chip?: boolean;
}

/** A citizen as written to the registry. */
export interface CitizenInput {
  pin: string;
  fullName: string;
  otherNames?: string | null;
  dateOfBirth: PartialDate;
  sex: Sex;
  nationality?: string;
  ethnicity?: string | null;
  religion?: string | null;
  birthRegistration?: Place | null;
  homeTown?: Place | null;
  permanentResidence?: Residence | null;
  temporaryResidence?: Residence | null;
  currentResidence?: Residence | null;
  household?: Household | null;
  fatherPin?: string | null;
  motherPin?: string | null;
  spousePin?: string | null;
  phone?: string | null;
  email?: string | null;
  identityCard?: IdentityCard | null;
  status?: CitizenStatus;
  deceasedOn?: string | null;
}

/**
 * What other modules may learn from the registry about one person without reading the record:
 * the facts the e-ID module (Decree 69/2024/NĐ-CP Art. 10–11, 15) needs to check an application
 * against the national population database and to lock an account when the identity card
 * expires or the person dies or the number is cancelled.
 *
 * These functions read; they do not audit: the caller writes one audit entry for the check it
 * makes (e.g. `eid.registry-check` with purpose EID_APPLICATION) in its own transaction.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/database.js';
import { foldForSearch } from '../platform/text.js';
import type { CitizenStatus } from './model.js';
import type { Sex } from './pin.js';
import { citizenByPin, citizensByPins, type CitizenRow, type PopulationTables } from './store.js';

/** The registry's facts about one person, as the e-ID module needs them. */
export interface RegistryFacts {
  pin: string;
  /** Unicode NFC, as registered. */
  fullName: string;
  /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (partial dates stay partial). */
  dateOfBirth: string;
  sex: Sex;
  /** ISO 3166-1 alpha-2, `VN` for Vietnamese citizens. */
  nationality: string;
  status: CitizenStatus;
  deceasedOn: string | null;
  /** The identity card on record (thẻ căn cước / CCCD), if any. */
  identityCard: { number: string; expiresOn: string | null; chip: boolean } | null;
  /** The residence the record is scoped by (current, else permanent): province → (district) → commune codes as of `unitDate`. */
  residence: { path: string[]; unitDate: string } | null;
  /** Parents' identification numbers, for a guardian's application for a child. */
  fatherPin: string | null;
  motherPin: string | null;
}

function factsOf(r: CitizenRow): RegistryFacts {
  const path = [r.scope_province, r.scope_district, r.scope_commune].filter((c): c is string => c !== null);
  return {
    pin: r.pin,
    fullName: r.full_name,
    dateOfBirth: r.date_of_birth,
    sex: r.sex as Sex,
    nationality: r.nationality,
    status: r.status as CitizenStatus,
    deceasedOn: r.deceased_on,
    identityCard: r.id_card_number ? { number: r.id_card_number, expiresOn: r.id_card_expires, chip: r.id_card_chip === 1 } : null,
    residence: path.length > 0 && r.scope_date ? { path, unitDate: r.scope_date } : null,
    fatherPin: r.father_pin,
    motherPin: r.mother_pin,
  };
}

function kysely(db: Database | Kysely<any>): Kysely<PopulationTables> {
  return ('kysely' in db ? db.kysely : db) as Kysely<PopulationTables>;
}

/** The registry facts of one number, or undefined when the number is not registered. */
export async function registryFacts(db: Database | Kysely<any>, pin: string): Promise<RegistryFacts | undefined> {
  const row = await citizenByPin(kysely(db), pin);
  return row ? factsOf(row) : undefined;
}

/** The registry facts of many numbers (missing ones are absent from the map). */
export async function registryFactsMany(db: Database | Kysely<any>, pins: readonly string[]): Promise<Map<string, RegistryFacts>> {
  const rows = await citizensByPins(kysely(db), [...new Set(pins)]);
  return new Map(rows.map((r) => [r.pin, factsOf(r)]));
}

/** What an applicant declares about themself. */
export interface DeclaredIdentity {
  pin: string;
  fullName: string;
  dateOfBirth: string;
  sex: Sex;
}

/**
 * Checks declared identity data against the registry: the number must be registered and the
 * folded full name (diacritics, đ/Đ, case and spacing ignored), the date of birth (exactly as
 * registered, partial or not) and the sex must all match. Answers only whether they match and,
 * if so, the facts; a mismatch does not say which field differs (so the check cannot be used to
 * find out a stranger's data field by field).
 */
export async function matchCitizen(db: Database | Kysely<any>, declared: DeclaredIdentity): Promise<{ matched: true; facts: RegistryFacts } | { matched: false }> {
  const facts = await registryFacts(db, declared.pin);
  if (!facts) return { matched: false };
  const same = foldForSearch(facts.fullName) === foldForSearch(declared.fullName) && facts.dateOfBirth === declared.dateOfBirth && facts.sex === declared.sex;
  return same ? { matched: true, facts } : { matched: false };
}

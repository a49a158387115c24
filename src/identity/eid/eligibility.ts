/**
 * Who may hold which e-ID account level (Decree 69/2024/NĐ-CP Art. 7; domain.md §1.3):
 *
 * | applicant | level 1 | level 2 |
 * | --- | --- | --- |
 * | Vietnamese citizen aged 14 or older with a valid identity card | yes | yes (chip card) |
 * | aged 6 to under 14 with an identity card | on request, by a parent or guardian | on request, in person |
 * | under 6 with an identity card | on request, by a parent or guardian | no |
 * | foreigner | through the immigration authority, not this system | |
 *
 * Each refusal has its own error code. Ages are counted in whole years on the Vietnam date
 * `today`; a partial date of birth (`YYYY` or `YYYY-MM`) counts from the latest day it may
 * mean, so nobody is taken for older than they can be.
 */
import { Temporal } from 'temporal-polyfill';
import { AppError } from '../../platform/errors.js';
import type { RegistryFacts } from '../../population/index.js';

/** The latest calendar date a possibly partial date of birth may stand for. */
export function latestDateOf(partial: string): string {
  if (partial.length === 10) return partial;
  const year = Number(partial.slice(0, 4));
  if (partial.length === 7) {
    const month = Number(partial.slice(5, 7));
    return Temporal.PlainDate.from({ year, month, day: Temporal.PlainYearMonth.from({ year, month }).daysInMonth }).toString();
  }
  return `${year}-12-31`;
}

/** Whole years from a (possibly partial) date of birth to `today` (both Vietnam dates), at the youngest the person can be. */
export function ageOn(dateOfBirth: string, today: string): number {
  const born = latestDateOf(dateOfBirth);
  const years = Number(today.slice(0, 4)) - Number(born.slice(0, 4));
  return today.slice(5) < born.slice(5) ? years - 1 : years;
}

export interface EligibilityRequest {
  level: 1 | 2;
  /** Level 1 made by a parent or guardian with their level-2 account. */
  viaGuardian: boolean;
  /** Made in person at a collection point (level 2). */
  inPerson: boolean;
}

/**
 * Throws the first rule the applicant does not meet: EID_PERSON_DECEASED, EID_NUMBER_CANCELLED,
 * EID_NOT_VIETNAMESE, EID_AGE_LEVEL2_UNDER_6, EID_GUARDIAN_REQUIRED (under 14 applying online
 * alone), EID_GUARDIAN_NOT_ALLOWED (14 or older through a guardian), EID_CARD_REQUIRED,
 * EID_CARD_EXPIRED, EID_CHIP_CARD_REQUIRED (level 2). All 422.
 */
export function checkEligibility(facts: RegistryFacts, request: EligibilityRequest, today: string): void {
  if (facts.status === 'deceased') throw new AppError('EID_PERSON_DECEASED');
  if (facts.status === 'cancelled') throw new AppError('EID_NUMBER_CANCELLED');
  if (facts.nationality !== 'VN') throw new AppError('EID_NOT_VIETNAMESE', { nationality: facts.nationality });
  const age = ageOn(facts.dateOfBirth, today);
  if (request.level === 2 && age < 6) throw new AppError('EID_AGE_LEVEL2_UNDER_6');
  if (!request.inPerson && !request.viaGuardian && age < 14) throw new AppError('EID_GUARDIAN_REQUIRED');
  if (request.viaGuardian && age >= 14) throw new AppError('EID_GUARDIAN_NOT_ALLOWED');
  const card = facts.identityCard;
  if (!card) throw new AppError('EID_CARD_REQUIRED');
  if (card.expiresOn && card.expiresOn < today) throw new AppError('EID_CARD_EXPIRED', { expiresOn: card.expiresOn });
  if (request.level === 2 && !card.chip) throw new AppError('EID_CHIP_CARD_REQUIRED');
}

/** Why an account must be locked now by the registry's facts (Decree 69/2024/NĐ-CP Art. 15), or undefined. */
export type AutoLockReason = 'deceased' | 'number_cancelled' | 'card_expired';

export function autoLockReason(facts: RegistryFacts | undefined, today: string): AutoLockReason | undefined {
  if (!facts) return 'number_cancelled';
  if (facts.status === 'deceased') return 'deceased';
  if (facts.status === 'cancelled') return 'number_cancelled';
  if (facts.identityCard?.expiresOn && facts.identityCard.expiresOn < today) return 'card_expired';
  return undefined;
}

export const AUTO_LOCK_REASONS: readonly string[] = ['deceased', 'number_cancelled', 'card_expired'];

/**
 * Public tracking of a dossier by its code (tra cứu hồ sơ), for the page the QR code of every form
 * points to. It shows the service, the state, the due date and the timeline of state changes, and
 * of the applicant only initials ("N.V.A.") — the full name only when the last four digits of the
 * applicant's phone are given and match (Decree 13/2023/NĐ-CP: no personal data beyond what the
 * purpose needs). Wrong digits are throttled per dossier and address (5 an hour, then an hour's
 * block: 429) and per dossier from all addresses together ({@link WRONG_DIGITS_PER_DOSSIER} an
 * hour), so the four digits cannot be guessed, and a stranger's five wrong guesses do not lock the
 * applicant out of their own dossier; lookups are limited per address ({@link LOOKUPS_PER_ADDRESS}
 * in 10 minutes), so the sequence of codes cannot be walked; a shown name is audited.
 */
import { recordAudit, type AuditActor } from '../platform/audit/audit.js';
import { todayInVietnam, vietnamDateOf } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';
import { Throttle } from '../platform/throttle.js';
import type { DossierEnv } from './access.js';
import { STATE_NAMES_VI, type DossierState, type FormNumber } from './model.js';
import { dossierByCode, dossierSubjects, eventsOf, type DossiersTables } from './store.js';
import { initials, isOverdue, type TrackingView } from './views.js';

interface TrackingThrottles {
  digits: Throttle;
  dossierDigits: Throttle;
  address: Throttle;
}
const throttles = new WeakMap<DossierEnv, TrackingThrottles>();

/**
 * Wrong phone digits per dossier and address: 5 an hour; per dossier from every address:
 * {@link WRONG_DIGITS_PER_DOSSIER} an hour. Lookups of any code per address:
 * {@link LOOKUPS_PER_ADDRESS} in 10 minutes.
 */
function throttleOf(env: DossierEnv): TrackingThrottles {
  let t = throttles.get(env);
  if (!t) {
    t = {
      digits: new Throttle({ name: 'dossier-track', points: 5, windowSeconds: 3600, blockSeconds: 3600 }, env.config.redisUrl),
      dossierDigits: new Throttle({ name: 'dossier-track-dossier', points: WRONG_DIGITS_PER_DOSSIER, windowSeconds: 3600, blockSeconds: 3600 }, env.config.redisUrl),
      address: new Throttle({ name: 'dossier-track-address', points: LOOKUPS_PER_ADDRESS, windowSeconds: 600, blockSeconds: 600 }, env.config.redisUrl),
    };
    throttles.set(env, t);
  }
  return t;
}

/**
 * Wrong phone digits one dossier takes in an hour from all addresses together: with at most five
 * an address, guessing one of 10,000 endings would take many addresses and, at this pace, days —
 * while the applicant is locked out only if many addresses guess in the same hour.
 */
export const WRONG_DIGITS_PER_DOSSIER = 50;

/**
 * Lookups one address may make in 10 minutes, found or not: dossier codes run in sequence
 * (`H30.10897-230215-0002`), so without a limit anyone could list a commune's dossiers — their
 * services, dates and applicants' initials (a trial did, 30 in a row). A citizen checks a few; a
 * commune hall's shared address, a few dozen.
 */
export const LOOKUPS_PER_ADDRESS = 60;

/**
 * The public view of dossier `code`, looked up from `sourceIp`. Errors: DOSSIER_NOT_FOUND (404),
 * RATE_LIMITED (429) after too many wrong `phoneLast4` or too many lookups from one address.
 */
export async function trackDossier(env: DossierEnv, code: string, phoneLast4: string | undefined, actor: AuditActor, sourceIp: string | null = null): Promise<TrackingView> {
  const db = env.db.as<DossiersTables>();
  if (sourceIp) {
    const { address } = throttleOf(env);
    await address.check(sourceIp);
    await address.fail(sourceIp);
  }
  const d = await dossierByCode(db, code);
  if (!d) throw new AppError('DOSSIER_NOT_FOUND', { code });
  let showName = false;
  if (phoneLast4 !== undefined) {
    const { digits, dossierDigits } = throttleOf(env);
    const key = `${code}|${sourceIp ?? ''}`;
    await digits.check(key);
    await dossierDigits.check(code);
    showName = d.applicant_phone !== null && d.applicant_phone.replace(/\D/g, '').endsWith(phoneLast4);
    if (!showName) {
      await digits.fail(key);
      await dossierDigits.fail(code);
    }
  }
  const events = await eventsOf(db, d.id);
  const timeline = events
    .filter((e) => e.from_state !== e.to_state || e.form !== null)
    .map((e) => ({ at: e.at, state: e.to_state as DossierState, stateName: STATE_NAMES_VI[e.to_state as DossierState], form: e.form as FormNumber | null }));
  if (showName) {
    await env.db.transaction((trx) => recordAudit(trx, { actor, action: 'dossier.track', subjects: dossierSubjects(d), summary: 'public tracking with matching phone digits: full name shown' }));
  }
  return {
    code: d.code,
    serviceName: d.service_name,
    state: d.state,
    stateName: STATE_NAMES_VI[d.state],
    submittedOn: vietnamDateOf(d.submitted_at),
    receivedOn: d.received_at ? vietnamDateOf(d.received_at) : null,
    dueDate: d.due_date,
    clockPaused: d.paused_at !== null,
    overdue: isOverdue(d, todayInVietnam()),
    applicant: showName ? { initials: initials(d.applicant_name), fullName: d.applicant_name } : { initials: initials(d.applicant_name) },
    timeline,
  };
}

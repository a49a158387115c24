/**
 * Reading dossiers: the work queue of a unit (with counts per state), one dossier in full, and the
 * register of a period (form 07). Every read that shows a person's data is audited (DESIGN.md §3):
 * the queue with each dossier listed, a dossier with its applicant.
 */
import { Temporal } from 'temporal-polyfill';
import { recordAuditNow, type AuditActor } from '../platform/audit/audit.js';
import type { Principal, StaffPrincipal } from '../platform/auth.js';
import { addDays, todayInVietnam, VIETNAM_TIME_ZONE } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';
import { readDossierView } from './actions.js';
import { reachableDossier, staffArea, type DossierEnv } from './access.js';
import type { Channel, DossierState } from './model.js';
import { dossierSubjects, queue, registerRows, type DossierRow, type DossiersTables } from './store.js';
import { queueItem, serviceNamesEn, type DossierView, type QueueItem } from './views.js';

/** The UTC instant at which Vietnam date `date` begins. */
export function vietnamDayStart(date: string): string {
  return Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: VIETNAM_TIME_ZONE }).toInstant().toString();
}

export interface QueueQuery {
  state?: DossierState;
  service?: string;
  channel?: Channel;
  handler?: string;
  overdue?: boolean;
  from?: string;
  to?: string;
  q?: string;
  offset: number;
  limit: number;
}

/**
 * The work queue within the staff member's unit: oldest submission first, with counts per state
 * for the same filters. Audited with every dossier listed (the lines show applicants' names).
 */
export async function workQueue(env: DossierEnv, principal: StaffPrincipal, q: QueueQuery, actor: AuditActor): Promise<{ items: QueueItem[]; total: number; counts: Record<string, number> }> {
  const today = todayInVietnam();
  const area = await staffArea(env, principal);
  const r = await queue(
    env.db.as<DossiersTables>(),
    { area, state: q.state, serviceCode: q.service, channel: q.channel, handler: q.handler, overdueOn: q.overdue ? today : undefined, code: q.q, offset: q.offset, limit: q.limit },
    q.from ? vietnamDayStart(q.from) : undefined,
    q.to ? vietnamDayStart(addDays(q.to, 1)) : undefined,
  );
  if (r.items.length > 0) {
    await recordAuditNow(env.db, { actor, action: 'dossier.queue', subjects: r.items.flatMap(dossierSubjects), summary: `work queue: ${r.items.length} of ${r.total} shown${q.state ? `, state ${q.state}` : ''}` });
  }
  const nameEn = await serviceNamesEn(env.db.kysely, r.items);
  return { items: r.items.map((d) => queueItem(d, today, nameEn(d))), total: r.total, counts: r.counts };
}

/** One dossier in full for a principal within reach, audited. Errors: UNAUTHENTICATED, DOSSIER_NOT_FOUND. */
export async function readDossier(env: DossierEnv, principal: Principal | undefined, code: string, actor: AuditActor): Promise<DossierView> {
  const d = await reachableDossier(env, principal, code);
  await recordAuditNow(env.db, { actor, action: 'dossier.read', subjects: dossierSubjects(d), summary: 'dossier shown in full' });
  return readDossierView(env, code, principal);
}

export const MAX_REGISTER_DAYS = 366;

/**
 * The dossiers submitted from `from` to `to` (Vietnam dates, inclusive) within the staff member's
 * unit, for the register (form 07). At most 366 days and 50,000 dossiers.
 * Errors: CALENDAR_RANGE_REVERSED (400, `from` after `to`), DOSSIER_RANGE_TOO_LONG (400).
 */
export async function registerOf(env: DossierEnv, principal: StaffPrincipal, from: string, to: string, actor: AuditActor): Promise<DossierRow[]> {
  const days = Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to)).days;
  if (days < 0) throw new AppError('CALENDAR_RANGE_REVERSED', { from, to });
  if (days >= MAX_REGISTER_DAYS) throw new AppError('DOSSIER_RANGE_TOO_LONG', { max: MAX_REGISTER_DAYS });
  const area = await staffArea(env, principal);
  const rows = await registerRows(env.db.as<DossiersTables>(), area, vietnamDayStart(from), vietnamDayStart(addDays(to, 1)), 50_000);
  await recordAuditNow(env.db, { actor, action: 'dossier.register', subjects: rows.flatMap(dossierSubjects), summary: `register ${from}–${to}: ${rows.length} dossiers${principal.unitCode ? ` within ${principal.unitCode}` : ''}` });
  return rows;
}

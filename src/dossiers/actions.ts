/**
 * The workflow actions on a dossier (Decree 118/2025/NĐ-CP; Circular 03/2025/TT-VPCP forms 01–07),
 * each one transaction: the dossier row changes under its version (a concurrent change answers
 * DOSSIER_CHANGED_CONCURRENTLY, 409), one append-only transition row records actor, time, reason
 * and particulars, the applicant's notification is queued, indicators are counted and the audit
 * entry written. Which action may follow which state is {@link ACTION_RULES}; the clock is
 * src/dossiers/clock.ts on the calendar module's working days.
 */
import type { Kysely } from 'kysely';
import { recordAudit, type AuditActor } from '../platform/audit/audit.js';
import type { Principal } from '../platform/auth.js';
import { nowUtc, vietnamDateOf } from '../platform/dates.js';
import { AppError, validationError, type FieldError } from '../platform/errors.js';
import { countIndicator } from '../platform/rollups.js';
import { normalizeNote, normalizeText } from '../platform/text.js';
import { workingCalendar } from '../calendar/index.js';
import { staffAccount } from '../identity/index.js';
import { serviceVersion, validateFormData } from '../services/index.js';
import { canReach, type DossierEnv } from './access.js';
import { resumeClock, startClock, validNewDueDate, workingDaysLeft } from './clock.js';
import { dataField } from './intake.js';
import type { DossierAction, DossierState } from './model.js';
import { queueStatusNotice } from './notify.js';
import { attachmentsOf, dossierSubjects, dossierByCode, eventsOf, insertEvent, lastEventSeq, updateDossier, type DossierRow, type DossiersTables } from './store.js';
import { dossierView, serviceNamesEn, type DossierView } from './views.js';
import { ACTION_RULES, mayTake, nextState } from './workflow.js';

type Db = Kysely<DossiersTables>;

/** The body of `POST /api/v1/dossiers/{code}/actions`. */
export interface ActionInput {
  action: DossierAction;
  /** Why: what to supplement (02), why refused (03), rejected, late (04) or stopped (05). */
  reason?: string;
  /** `assign`: the staff username of the handler (cán bộ xử lý). */
  handler?: string;
  /** `assign`: the unit or department the dossier is handed to, as shown on the control slip (form 06). */
  toUnit?: string;
  /** `apologize`: the new appointment date (a working day after the current due date). */
  newDueDate?: string;
  /** `resubmit`: the completed form data (replaces the old; pre-filled fields stay locked). */
  data?: Record<string, unknown>;
  /** The dossier version the actor saw (optional optimistic check). */
  version?: number;
}

export interface ActionOptions {
  /** The instant of the action (tests; default now). */
  now?: string;
}

const HANDLER_RE = /^[a-z0-9._-]{3,64}$/;

/**
 * Checks the handler named by `assign`: an existing, enabled staff account that may process
 * dossiers and whose unit through time covers the dossier (the reach rule of {@link canReach}).
 * Errors (422): DOSSIER_HANDLER_UNKNOWN, DOSSIER_HANDLER_DISABLED, DOSSIER_HANDLER_NOT_PROCESSOR,
 * DOSSIER_HANDLER_OUT_OF_SCOPE.
 */
async function checkHandler(env: DossierEnv, d: DossierRow, handler: string): Promise<void> {
  const account = await staffAccount(env.db, handler);
  if (!account) throw new AppError('DOSSIER_HANDLER_UNKNOWN', { handler });
  if (account.disabled) throw new AppError('DOSSIER_HANDLER_DISABLED', { handler });
  if (!account.principal.permissions.has('dossier.process')) throw new AppError('DOSSIER_HANDLER_NOT_PROCESSOR', { handler });
  if (!(await canReach(env, account.principal, d))) throw new AppError('DOSSIER_HANDLER_OUT_OF_SCOPE', { handler, code: d.code });
}

/** Form data of a resubmission: the service version's schema, locked fields unchanged. */
async function resubmittedData(env: DossierEnv, d: DossierRow, data: Record<string, unknown>, errors: FieldError[]): Promise<string> {
  const service = await serviceVersion(env.db.kysely, d.service_code, d.service_version);
  if (!service) throw new AppError('SERVICE_VERSION_NOT_FOUND', { code: d.service_code, version: d.service_version });
  const old = JSON.parse(d.form_data) as Record<string, unknown>;
  const merged = structuredClone(data);
  for (const pointer of JSON.parse(d.locked_fields) as string[]) {
    const segs = pointer.split('/').filter(Boolean);
    const read = (o: unknown) => segs.reduce<unknown>((cur, s) => (cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[s] : undefined), o);
    const given = read(merged);
    const locked = read(old);
    if (given !== undefined && normalizeText(String(given)) !== normalizeText(String(locked))) errors.push({ field: dataField(pointer), code: 'DOSSIER_PREFILL_LOCKED', params: { field: segs.join('.') } });
    let cur = merged;
    for (const s of segs.slice(0, -1)) cur = (cur[s] && typeof cur[s] === 'object' ? cur[s] : (cur[s] = {})) as Record<string, unknown>;
    cur[segs[segs.length - 1]!] = locked;
  }
  errors.push(...validateFormData(service, merged));
  return JSON.stringify(merged);
}

/**
 * Takes `input.action` on dossier `code` for `principal`. Returns the dossier as it is afterwards.
 * Errors: UNAUTHENTICATED (401), DOSSIER_NOT_FOUND (404, also outside the actor's reach),
 * DOSSIER_ACTION_FORBIDDEN (403), VALIDATION_FAILED (400: reason, handler, newDueDate, data),
 * DOSSIER_ACTION_NOT_ALLOWED (409, not from this state), DOSSIER_APOLOGY_TOO_LATE (409),
 * DOSSIER_NEW_DUE_DATE_INVALID (400), DOSSIER_CHANGED_CONCURRENTLY (409); for `assign`
 * DOSSIER_HANDLER_UNKNOWN, DOSSIER_HANDLER_DISABLED, DOSSIER_HANDLER_NOT_PROCESSOR and
 * DOSSIER_HANDLER_OUT_OF_SCOPE (422: the handler must be an enabled account that processes
 * dossiers within whose unit the dossier was received). The answer's `allowedActions` are those
 * left to `principal`.
 */
export async function takeAction(env: DossierEnv, principal: Principal | undefined, actor: AuditActor, code: string, input: ActionInput, options: ActionOptions = {}): Promise<DossierView> {
  if (!principal) throw new AppError('UNAUTHENTICATED');
  const db = env.db.as<DossiersTables>();
  const d = await dossierByCode(db, code);
  if (!d || !(await canReach(env, principal, d))) throw new AppError('DOSSIER_NOT_FOUND', { code });
  const action = input.action;
  const rule = ACTION_RULES[action];
  // Who: the action's permissions (a citizen may only hand in a supplement to their own dossier).
  if (!mayTake(principal, action)) throw new AppError('DOSSIER_ACTION_FORBIDDEN', { action });
  if (input.version !== undefined && input.version !== d.version) throw new AppError('DOSSIER_CHANGED_CONCURRENTLY', { code });

  const reason = normalizeNote(input.reason) || null;
  const errors: FieldError[] = [];
  if (rule.reasonRequired && !reason) errors.push({ field: 'body.reason', code: 'FIELD_REQUIRED' });
  if (action === 'assign' && !input.handler) errors.push({ field: 'body.handler', code: 'FIELD_REQUIRED' });
  if (action === 'assign' && input.handler && !HANDLER_RE.test(input.handler)) errors.push({ field: 'body.handler', code: 'FIELD_FORMAT', params: { expected: 'a staff username' } });
  if (action === 'apologize' && !input.newDueDate) errors.push({ field: 'body.newDueDate', code: 'FIELD_REQUIRED' });
  if (input.data !== undefined && action !== 'resubmit') errors.push({ field: 'body.data', code: 'FIELD_UNKNOWN' });
  // The state machine: an action not allowed from this state is a 409, before anything else is checked.
  const to: DossierState = nextState(d.state, action, d.resume_state);
  const formData = action === 'resubmit' && input.data !== undefined ? await resubmittedData(env, d, input.data, errors) : undefined;
  if (errors.length > 0) throw validationError(errors);
  if (action === 'assign') await checkHandler(env, d, input.handler!);

  const now = options.now ?? nowUtc();
  const today = vietnamDateOf(now);
  const cal = await workingCalendar(env.db);
  const changes: Partial<DossierRow> = { state: to, updated_at: now };
  const data: Record<string, unknown> = {};
  let completed: { onTime: boolean } | undefined;
  switch (action) {
    case 'receive': {
      // Form 01: day of receipt = day 0; after the cut-off, counting starts the next working day.
      const clock = startClock(cal, now, d.working_days, d.cutoff);
      Object.assign(changes, { received_at: now, start_date: clock.startDate, due_date: clock.dueDate, original_due_date: clock.dueDate });
      Object.assign(data, { startDate: clock.startDate, dueDate: clock.dueDate, workingDays: d.working_days });
      break;
    }
    case 'return_for_completion': {
      // Form 02: the clock, if it runs, stops with the working days still left.
      changes.resume_state = d.state;
      if (d.state !== 'submitted' && d.due_date) {
        const remaining = workingDaysLeft(cal, today, d.due_date);
        Object.assign(changes, { paused_at: now, paused_remaining: remaining });
        Object.assign(data, { clockStopped: true, workingDaysLeft: remaining, dueDate: d.due_date });
      }
      break;
    }
    case 'resubmit': {
      changes.resume_state = null;
      if (formData !== undefined) changes.form_data = formData;
      if (d.paused_at !== null && d.paused_remaining !== null) {
        // The clock starts again with the days that were left: the slip shows the new date.
        const due = resumeClock(cal, now, d.paused_remaining, d.cutoff);
        Object.assign(changes, { paused_at: null, paused_remaining: null, due_date: due });
        Object.assign(data, { previousDueDate: d.due_date, dueDate: due, workingDaysLeft: d.paused_remaining, form: '01' });
      }
      if (formData !== undefined) data.formDataReplaced = true;
      break;
    }
    case 'refuse':
    case 'stop':
    case 'return_result':
      changes.closed_at = now;
      if (d.paused_at !== null) Object.assign(changes, { paused_at: null });
      break;
    case 'assign':
      Object.assign(changes, { handler: input.handler });
      Object.assign(data, { handler: input.handler, previousHandler: d.handler, toUnit: normalizeText(input.toUnit) || null, handOff: d.state === 'in_processing' });
      break;
    case 'release_result': {
      const onTime = d.due_date === null || today <= d.due_date;
      completed = { onTime };
      Object.assign(changes, { completed_at: now, on_time: onTime ? 1 : 0 });
      Object.assign(data, { onTime, dueDate: d.due_date });
      break;
    }
    case 'apologize': {
      // Form 04: issued before the due date passes, with a new date that is a working day after it.
      if (!d.due_date || today > d.due_date) throw new AppError('DOSSIER_APOLOGY_TOO_LATE', { dueDate: d.due_date ?? '' });
      if (!validNewDueDate(cal, d.due_date, input.newDueDate!)) throw new AppError('DOSSIER_NEW_DUE_DATE_INVALID', { newDueDate: input.newDueDate!, dueDate: d.due_date });
      changes.due_date = input.newDueDate!;
      Object.assign(data, { previousDueDate: d.due_date, newDueDate: input.newDueDate });
      break;
    }
    case 'approve':
    case 'reject':
      break;
  }

  await env.db.transaction(async (trx) => {
    const t = trx as Db;
    if (!(await updateDossier(t, d.id, d.version, changes))) throw new AppError('DOSSIER_CHANGED_CONCURRENTLY', { code });
    const seq = (await lastEventSeq(t, d.id)) + 1;
    const form = rule.form ?? (action === 'resubmit' && data.form === '01' ? '01' : null);
    delete data.form;
    await insertEvent(t, {
      dossier_id: d.id,
      seq,
      action,
      from_state: d.state,
      to_state: to,
      at: now,
      actor_kind: actor.kind,
      actor_id: actor.id,
      actor_unit: actor.unitCode ?? null,
      reason,
      data: JSON.stringify(data),
      form,
    });
    if (completed) await countIndicator(trx, { indicator: 'dossiers.completed', unitCode: d.unit_code, day: today, dims: { onTime: completed.onTime ? 'yes' : 'no' } });
    if (action === 'apologize') await countIndicator(trx, { indicator: 'dossiers.apologies', unitCode: d.unit_code, day: today });
    // The applicant hears of every change of state, and of an apology (form 04).
    if (to !== d.state || action === 'apologize') {
      await queueStatusNotice(trx, env.config, { phone: d.applicant_phone, email: d.applicant_email }, {
        code,
        serviceName: d.service_name,
        event: action,
        state: to,
        seq,
        reason,
        dueDate: (changes.due_date ?? d.due_date) || null,
        previousDueDate: d.due_date,
        clockRunning: changes.due_date !== undefined,
      });
    }
    await recordAudit(trx, {
      actor,
      action: `dossier.${action}`,
      subjects: dossierSubjects(d),
      summary: `${d.state} → ${to}${form ? `, form ${form}` : ''}${changes.due_date ? `, due ${changes.due_date}` : ''}${input.handler ? `, handler ${input.handler}` : ''}`,
    });
  });
  return readDossierView(env, code, principal);
}

/**
 * A dossier as the API shows it to `viewer` (`allowedActions`: only the actions the viewer may
 * take; without a viewer, all the state allows). No reach check, no audit: callers do both.
 */
export async function readDossierView(env: DossierEnv, code: string, viewer?: Principal): Promise<DossierView> {
  const db = env.db.as<DossiersTables>();
  const d = await dossierByCode(db, code);
  if (!d) throw new AppError('DOSSIER_NOT_FOUND', { code });
  const [events, attachments, namesEn] = await Promise.all([eventsOf(db, d.id), attachmentsOf(db, d.id), serviceNamesEn(env.db.kysely, [d])]);
  return dossierView(env.config, d, events, attachments, undefined, viewer, namesEn(d));
}

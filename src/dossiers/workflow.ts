/**
 * The dossier state machine (Decree 118/2025/NĐ-CP; Circular 03/2025/TT-VPCP forms 01–07): which
 * action may follow which state, what state it leads to, the permission it needs, whether it needs
 * a reason, and the form it issues. Everything else (the clock, notifications, indicators) hangs on
 * this one table; an action not listed for a state is refused with DOSSIER_ACTION_NOT_ALLOWED (409).
 */
import type { Permission, Principal } from '../platform/auth.js';
import { AppError } from '../platform/errors.js';
import type { DossierAction, DossierState, FormNumber } from './model.js';

export interface ActionRule {
  /** States the action may be taken from. */
  from: readonly DossierState[];
  /** The state it leads to; `resume` returns to the state the dossier left for completion. */
  to: DossierState | 'same' | 'resume';
  /** Permissions any one of which allows the action (citizens act only on their own dossiers). */
  permissions: readonly Permission[];
  /** A reason is required (what to supplement, why refused, rejected, late or stopped). */
  reasonRequired: boolean;
  /** The form the action issues. */
  form?: FormNumber;
}

export const ACTION_RULES: Record<DossierAction, ActionRule> = {
  // Form 01: the desk accepts a complete dossier; the clock starts (day of receipt = day 0).
  receive: { from: ['submitted'], to: 'received', permissions: ['dossier.process'], reasonRequired: false, form: '01' },
  // Form 02: incomplete; the clock (if running) stops until the citizen resubmits.
  return_for_completion: { from: ['submitted', 'received', 'in_processing'], to: 'returned_for_completion', permissions: ['dossier.process'], reasonRequired: true, form: '02' },
  // The citizen (online) or the desk (brought in person) hands in what was asked; the clock resumes.
  resubmit: { from: ['returned_for_completion'], to: 'resume', permissions: ['self.dossier', 'dossier.intake'], reasonRequired: false },
  // Form 03: not eligible, or not for this agency.
  refuse: { from: ['submitted', 'returned_for_completion'], to: 'refused', permissions: ['dossier.process'], reasonRequired: true, form: '03' },
  // Assignment to a handler; from in_processing it is a hand-off, listed on form 06.
  assign: { from: ['received', 'in_processing'], to: 'in_processing', permissions: ['dossier.process'], reasonRequired: false },
  approve: { from: ['in_processing'], to: 'approved', permissions: ['dossier.process'], reasonRequired: false },
  reject: { from: ['in_processing'], to: 'rejected', permissions: ['dossier.process'], reasonRequired: true },
  // The result (or the written refusal of the request) is at the desk: the dossier is completed.
  release_result: { from: ['approved', 'rejected'], to: 'result_ready', permissions: ['dossier.process'], reasonRequired: false },
  return_result: { from: ['result_ready'], to: 'result_returned', permissions: ['dossier.process'], reasonRequired: false },
  // Form 04: apology and a new date, issued before the due date passes.
  apologize: { from: ['received', 'in_processing', 'approved', 'rejected'], to: 'same', permissions: ['dossier.process'], reasonRequired: true, form: '04' },
  // Form 05: processing stops, e.g. at the applicant's request.
  stop: { from: ['submitted', 'returned_for_completion', 'received', 'in_processing'], to: 'stopped', permissions: ['dossier.process'], reasonRequired: true, form: '05' },
};

/**
 * The state `action` leads to from `state` (`resumeState`: where a dossier returned for
 * completion goes back to). Errors: DOSSIER_ACTION_NOT_ALLOWED (409) naming the action and state.
 */
export function nextState(state: DossierState, action: DossierAction, resumeState: DossierState | null = null): DossierState {
  const rule = ACTION_RULES[action];
  if (!rule.from.includes(state)) throw new AppError('DOSSIER_ACTION_NOT_ALLOWED', { action, state });
  if (rule.to === 'same') return state;
  if (rule.to === 'resume') return resumeState ?? 'submitted';
  return rule.to;
}

/**
 * The actions allowed from `state`; with `viewer`, only those the viewer holds a permission for
 * ({@link mayTake}): a citizen gets `resubmit` on a dossier returned for completion and nothing
 * else, an officer who processes dossiers gets the desk's actions. The API's `allowedActions`.
 */
export function allowedActions(state: DossierState, viewer?: Principal): DossierAction[] {
  return (Object.keys(ACTION_RULES) as DossierAction[]).filter((a) => ACTION_RULES[a].from.includes(state) && (!viewer || mayTake(viewer, a)));
}

/** Whether `principal` holds a permission the action accepts (citizens act only on their own dossiers, which reach checks). */
export function mayTake(principal: Principal, action: DossierAction): boolean {
  return ACTION_RULES[action].permissions.some((p) => principal.permissions.has(p));
}

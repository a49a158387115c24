/**
 * "My dossiers" (hồ sơ của tôi): the dossiers of a citizen signed in with their e-ID account
 * (Decree 69/2024/NĐ-CP), for their own follow-up of what they filed (Decree 118/2025/NĐ-CP: the
 * citizen follows their dossier and hands in what the one-stop desk asks for).
 *
 * - Which dossiers: those the citizen filed online with their account or in which they are the
 *   applicant (their personal identification number) — the very rule by which a citizen reaches a
 *   dossier (`canReach`, src/dossiers/access.ts), so every line opens.
 * - Newest submission first, paged like every list (`page`, `pageSize`; DESIGN.md §4).
 * - Each line says which actions the dossier awaits from the citizen: the actions its state allows
 *   that a citizen may take (src/dossiers/workflow.ts `ACTION_RULES`, permission `self.dossier`) —
 *   today `resubmit` when it was returned for completion (Circular 03/2025/TT-VPCP form 02: the
 *   deadline clock stands still until the citizen resubmits). `awaiting` counts those dossiers
 *   across all pages.
 * - Audited like the other lists (DESIGN.md §3): one entry naming every dossier shown.
 *
 * `GET /api/v1/me/dossiers` is registered here (permission `self.dossier`: 401 UNAUTHENTICATED
 * without a session, 403 FORBIDDEN for staff, who have the work queue instead). The partial index
 * `dossiers_account` (online dossiers only, so the counter-channel intake does not pay for it)
 * serves the account half of the rule; `dossiers_applicant` (0600) the applicant half.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { recordAuditNow, type AuditActor } from '../platform/audit/audit.js';
import { actorOf, citizenOf, type CitizenPrincipal } from '../platform/auth.js';
import { todayInVietnam } from '../platform/dates.js';
import { pageWindow } from '../platform/http/pagination.js';
import type { Api, AppContext } from '../platform/module.js';
import { dossierEnv, type DossierEnv } from './access.js';
import { STATE_NAMES_VI, STATES, type Channel, type DossierAction, type DossierState } from './model.js';
import { MyDossiersQuerySchema, MyDossiersSchema } from './schemas.js';
import { dossierRow, type DossierRow, type DossiersTables } from './store.js';
import { isOverdue, serviceNamesEn } from './views.js';
import { ACTION_RULES, allowedActions } from './workflow.js';

export const myDossiersMigrations: Record<string, Migration> = {
  '0601_dossiers_account': {
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('dossiers_account')
        .on('dossiers')
        .columns(['applicant_account', 'submitted_at'])
        .where(sql.ref('applicant_account'), 'is not', null)
        .execute();
    },
  },
};

/** The actions a dossier in `state` awaits from its citizen (allowed now, and open to `self.dossier`). */
export function citizenActionsOf(state: DossierState): DossierAction[] {
  return allowedActions(state).filter((a) => ACTION_RULES[a].permissions.includes('self.dossier'));
}

/** States in which the dossier waits for its citizen. */
const AWAITING_STATES: readonly DossierState[] = STATES.filter((s) => citizenActionsOf(s).length > 0);

export interface MyDossierItem {
  code: string;
  serviceCode: string;
  /** The procedure's name in Vietnamese, as filed. */
  serviceName: string;
  /** Its English name in the catalog version the dossier was filed under (null if that version is gone). */
  serviceNameEn: string | null;
  state: DossierState;
  stateName: string;
  channel: Channel;
  /** ISO-8601 instant, UTC. */
  submittedAt: string;
  /** Vietnam date `YYYY-MM-DD` the result is due; null until the dossier is received. */
  dueDate: string | null;
  /** The deadline clock stands still (returned for completion after receipt). */
  clockPaused: boolean;
  /** Overdue today: the clock runs and the due date has passed. */
  overdue: boolean;
  /** Whether the next step is the citizen's ({@link citizenActions} is not empty). */
  actionAwaited: boolean;
  /** The actions awaited from the citizen: `resubmit` when returned for completion. */
  citizenActions: DossierAction[];
}

export interface MyDossiers {
  items: MyDossierItem[];
  /** All the citizen's dossiers, not only this page. */
  total: number;
  /** Of those, how many await an action of the citizen. */
  awaiting: number;
}

/** A page of the dossiers `principal` filed or is the applicant of, newest first, with the counts per state. */
async function ownDossiers(db: Kysely<DossiersTables>, principal: CitizenPrincipal, page: { offset: number; limit: number }): Promise<{ rows: DossierRow[]; counts: Map<string, number> }> {
  const base = db.selectFrom('dossiers').where((eb) => eb.or([eb('applicant_account', '=', principal.accountId), eb('applicant_pin', '=', principal.pin)]));
  const [rows, countRows] = await Promise.all([
    base.selectAll().orderBy('submitted_at', 'desc').orderBy('id', 'desc').offset(page.offset).limit(page.limit).execute(),
    base.select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute(),
  ]);
  return { rows: rows.map(dossierRow), counts: new Map(countRows.map((r) => [r.state, Number(r.n)])) };
}

function myDossierItem(d: DossierRow, serviceNameEn: string | null, today: string): MyDossierItem {
  const citizenActions = citizenActionsOf(d.state);
  return {
    code: d.code,
    serviceCode: d.service_code,
    serviceName: d.service_name,
    serviceNameEn,
    state: d.state,
    stateName: STATE_NAMES_VI[d.state],
    channel: d.channel,
    submittedAt: d.submitted_at,
    dueDate: d.due_date,
    clockPaused: d.paused_at !== null,
    overdue: isOverdue(d, today),
    actionAwaited: citizenActions.length > 0,
    citizenActions,
  };
}

/**
 * The dossiers of the signed-in citizen (see the module comment), newest submission first.
 * `page`: offset and limit (1–200) from {@link pageWindow}. Returns `{items, total, awaiting}`.
 * Audited (`dossier.own-list`, the dossiers shown) when the page shows any. No errors of its own:
 * the route's permission answers 401 / 403 before it runs.
 */
export async function myDossiers(env: DossierEnv, principal: CitizenPrincipal, page: { offset: number; limit: number }, actor: AuditActor): Promise<MyDossiers> {
  const { rows, counts } = await ownDossiers(env.db.as<DossiersTables>(), principal, page);
  // English names from the catalog version each dossier was filed under (one read per version shown).
  const nameEn = await serviceNamesEn(env.db.kysely, rows);
  if (rows.length > 0) {
    await recordAuditNow(env.db, { actor, action: 'dossier.own-list', subjects: rows.map((d) => ({ type: 'dossier', id: d.code })), summary: `own dossiers: ${rows.length} shown` });
  }
  const today = todayInVietnam();
  return {
    items: rows.map((d) => myDossierItem(d, nameEn(d), today)),
    total: [...counts.values()].reduce((a, b) => a + b, 0),
    awaiting: AWAITING_STATES.reduce((n, s) => n + (counts.get(s) ?? 0), 0),
  };
}

/** `GET /me/dossiers` (under `/api/v1`): see the module comment. */
export async function myDossiersRoutes(api: Api, ctx: AppContext): Promise<void> {
  const env = dossierEnv(ctx);
  api.get(
    '/me/dossiers',
    {
      config: { permission: 'self.dossier' },
      schema: {
        tags: ['dossiers'],
        summary: 'My dossiers (a signed-in citizen)',
        description:
          'Needs a citizen session (`Authorization: Bearer eid.…` from `POST /api/v1/eid/sessions`): 401 `UNAUTHENTICATED` without one, 403 `FORBIDDEN` for staff (they have `GET /api/v1/dossiers`). The dossiers the citizen filed online or is the applicant of — those `GET /api/v1/dossiers/{code}` opens for them — newest submission first, paged (`page`, `pageSize`). `citizenActions` lists what a dossier awaits from the citizen (`resubmit` once returned for completion, form 02 of Circular 03/2025/TT-VPCP, through `POST /api/v1/dossiers/{code}/actions`); `awaiting` counts such dossiers across all pages. Due dates are Vietnam dates. Audited.',
        querystring: MyDossiersQuerySchema,
        response: { 200: MyDossiersSchema },
      },
    },
    async (request) => myDossiers(env, citizenOf(request), pageWindow(request.query), actorOf(request)),
  );
}

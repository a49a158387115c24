/**
 * Read functions for reports (the reports module and the desk module's campaign pages call these
 * through src/identity/index.ts). Counts only: no personal data leaves.
 *
 * Indicators kept in the platform's roll-ups (src/platform/rollups.ts) in the transaction of the
 * counted change, per handling commune (as of the record's unit date) and Vietnam date:
 * - `eid.applications` — applications received, dims `channel` (online | police_desk | campaign), `level` (1 | 2);
 * - `eid.decisions` — decisions, dims `outcome` (approved | rejected), `level`;
 * - `eid.activations` — accounts activated, dims `level`, `channel` (of the application).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import { APPLICATION_STATUSES, type ApplicationStatus } from './model.js';
import { countsByCampaign, type Db } from './store.js';

export const EID_INDICATORS = ['eid.applications', 'eid.decisions', 'eid.activations'] as const;

export interface CampaignCounts {
  campaignId: string;
  /** All applications taken at the campaign. */
  total: number;
  byStatus: Record<ApplicationStatus, number>;
  /** Applications whose account is active (activated). */
  activated: number;
  byLevel: { 1: number; 2: number };
}

/**
 * Applications taken at each collection campaign (ids as the desk module stores them), by status
 * and level; a campaign with none answers zeros.
 */
export async function eidApplicationCountsByCampaign(db: Database | Kysely<any>, campaignIds: readonly string[]): Promise<CampaignCounts[]> {
  const k = ('kysely' in db ? db.kysely : db) as Db;
  const rows = await countsByCampaign(k, campaignIds);
  return campaignIds.map((campaignId) => {
    const byStatus = Object.fromEntries(APPLICATION_STATUSES.map((s) => [s, 0])) as Record<ApplicationStatus, number>;
    const byLevel = { 1: 0, 2: 0 };
    for (const r of rows.filter((r) => r.campaign === campaignId)) {
      byStatus[r.status] += r.n;
      byLevel[r.level as 1 | 2] += r.n;
    }
    const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
    return { campaignId, total, byStatus, activated: byStatus.active, byLevel };
  });
}

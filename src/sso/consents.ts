/**
 * Citizens' consent to share registry data with a portal (sự đồng ý của chủ thể dữ liệu, Decree
 * 13/2023/NĐ-CP Art. 11; Personal Data Protection Law 91/2025/QH15): given on the consent page for
 * exactly the scopes (and `claims`-parameter claims) the portal asked for and may ask for,
 * remembered per portal for {@link CONSENT_DAYS} days, listed by the citizen and revocable at any
 * time (`GET/DELETE /api/v1/sso/consents…`). Revoking ends every grant, code and token the portal
 * holds for the citizen at once; the next sign-in asks again. Granting and revoking are audited
 * with the citizen as subject.
 */
import { recordAudit, type AuditActor } from '../platform/audit/audit.js';
import { nowUtc } from '../platform/dates.js';
import type { Database } from '../platform/db/database.js';
import { AppError } from '../platform/errors.js';
import { endCitizenSessions } from '../identity/index.js';
import { instantIn } from './adapter.js';
import { OWN_PAGES_CLIENT_ID } from './clients.js';
import { fieldLabels, isPortalScope, type PortalScope } from './scopes.js';
import { clientsByIds, consentById, deleteGrantEverywhere, grantsOf, insertConsent, liveConsent, liveConsentsOf, revokeConsents, type ConsentRow, type Db } from './store.js';

/** How long a consent is remembered, days. */
export const CONSENT_DAYS = 180;

export interface ConsentView {
  id: number;
  client: { id: string; name: string; logoUri: string | null; purpose: string; purposeEn: string | null };
  /** Scopes agreed to (beyond `openid`). */
  scopes: PortalScope[];
  /** Claims agreed to one by one (the `claims` request parameter), if any. */
  claims: string[];
  /** The registry fields those release, labelled. */
  fields: { vi: string[]; en: string[] };
  grantedAt: string;
  expiresAt: string;
}

function k(db: Database): Db {
  return db.as<any>() as Db;
}

/** The live consent of a citizen to a portal, if any. */
export function consentOf(db: Database, accountId: number, clientId: string): Promise<ConsentRow | undefined> {
  return liveConsent(k(db), accountId, clientId, nowUtc());
}

/**
 * Records the citizen's consent to `clientId` for `scopes` and `claims` (replacing a live one),
 * audited in the same transaction. Answers its id and expiry.
 */
export async function recordConsent(
  db: Database,
  c: { accountId: number; pin: string; clientId: string; clientName: string; scopes: string[]; claims: string[] },
  actor: AuditActor,
): Promise<{ id: number; expiresAt: string }> {
  const now = nowUtc();
  const expiresAt = instantIn(CONSENT_DAYS * 86_400);
  const scopes = c.scopes.filter(isPortalScope);
  return db.transaction(async (trx) => {
    const t = trx as unknown as Db;
    await revokeConsents(t, c.accountId, c.clientId, now, 'replaced');
    const id = await insertConsent(t, { account_id: c.accountId, client_id: c.clientId, scopes: scopes.join(' '), claims: JSON.stringify(c.claims), granted_at: now, expires_at: expiresAt, revoked_at: null, revoke_reason: null });
    await recordAudit(trx, {
      actor,
      action: 'sso.consent-granted',
      subjects: [{ type: 'citizen', id: c.pin }, { type: 'sso-client', id: c.clientId }],
      purposeCode: 'CITIZEN_REQUEST',
      summary: `consent ${id} to ${c.clientName} (${c.clientId}): ${[...scopes, ...c.claims].join(', ') || 'sign-in only'} until ${expiresAt}`,
    });
    return { id, expiresAt };
  });
}

/** The citizen's live consents, newest first. */
export async function myConsents(db: Database, accountId: number, page: { offset: number; limit: number }): Promise<{ items: ConsentView[]; total: number }> {
  const { items, total } = await liveConsentsOf(k(db), accountId, nowUtc(), page.offset, page.limit);
  const clients = new Map((await clientsByIds(k(db), [...new Set(items.map((i) => i.client_id))])).map((c) => [c.id, c]));
  return {
    total,
    items: items.map((row) => {
      const c = clients.get(row.client_id);
      const scopes = row.scopes.split(' ').filter(isPortalScope);
      const claims = JSON.parse(row.claims) as string[];
      return {
        id: Number(row.id),
        client: { id: row.client_id, name: c?.name ?? row.client_id, logoUri: c?.logo_uri ?? null, purpose: c?.purpose ?? '', purposeEn: c?.purpose_en ?? null },
        scopes,
        claims,
        fields: { vi: fieldLabels(scopes, 'vi', claims), en: fieldLabels(scopes, 'en', claims) },
        grantedAt: row.granted_at,
        expiresAt: row.expires_at,
      };
    }),
  };
}

/**
 * The citizen revokes consent `id`: it ends, and every grant, code and token the portal holds for
 * them is revoked in the same transaction; for motcua's own citizen pages (client `motcua`), every
 * e-ID session of the citizen ends too (`endedSessions`). Errors: SSO_CONSENT_NOT_FOUND (404: not theirs, ended
 * or expired).
 */
export async function revokeMyConsent(db: Database, who: { accountId: number; pin: string }, id: number, actor: AuditActor): Promise<{ revokedGrants: number; endedSessions: number }> {
  const row = await consentById(k(db), id);
  const now = nowUtc();
  if (!row || Number(row.account_id) !== who.accountId || row.revoked_at !== null || row.expires_at <= now) throw new AppError('SSO_CONSENT_NOT_FOUND', { id });
  return db.transaction(async (trx) => {
    const t = trx as unknown as Db;
    if ((await revokeConsents(t, who.accountId, row.client_id, now, 'revoked-by-citizen', id)) === 0) throw new AppError('SSO_CONSENT_NOT_FOUND', { id });
    const grants = await grantsOf(t, String(who.accountId), row.client_id);
    for (const g of grants) await deleteGrantEverywhere(t, String((JSON.parse(g.payload) as { jti: string }).jti), g.id);
    // motcua's own citizen pages hold e-ID sessions, not the provider's tokens: those end too, as the page promises.
    const endedSessions = row.client_id === OWN_PAGES_CLIENT_ID ? await endCitizenSessions(trx, who.accountId, 'consent-withdrawn', 'consent to the citizen pages withdrawn') : 0;
    await recordAudit(trx, {
      actor,
      action: 'sso.consent-revoked',
      subjects: [{ type: 'citizen', id: who.pin }, { type: 'sso-client', id: row.client_id }],
      summary: `consent ${id} to ${row.client_id} revoked by the citizen; ${grants.length} grant(s) and their tokens revoked${endedSessions > 0 ? `; ${endedSessions} e-ID session(s) of the citizen pages ended` : ''}`,
    });
    return { revokedGrants: grants.length, endedSessions };
  });
}

/**
 * What a portal may ask for: scopes and the claims they carry (OpenID Connect Core §5.4, with
 * motcua's own scopes and `vn_` claims), each mapped to fields of the citizen's record in the
 * population registry (src/population) and labelled in Vietnamese and English for the consent
 * page and the consent list. Shared by the server and any UI: no server imports here.
 *
 * | scope | claims | registry fields |
 * | --- | --- | --- |
 * | `openid` | `sub` (pairwise per sector, never the identification number) | – |
 * | `profile` | `name`, `birthdate` (partial dates stay partial: `1990`, `1990-05`), `gender` (`male` / `female`) | full name, date of birth, sex |
 * | `vn_pin` | `vn_pin` | personal identification number (số định danh cá nhân) |
 * | `address` | `address` (the current residence, else the permanent one, OIDC form), `vn_residences` (permanent, temporary, current) | residences (Law on Residence 68/2020/QH14) |
 * | `household` | `vn_household` (`number`, `relation` to the head, `head_name`) | household (hộ gia đình) |
 */

export const PORTAL_SCOPES = ['profile', 'vn_pin', 'address', 'household'] as const;
export type PortalScope = (typeof PORTAL_SCOPES)[number];

/** Claims of each scope (oidc-provider's `claims` configuration). */
export const SCOPE_CLAIMS: Record<PortalScope, readonly string[]> = {
  profile: ['name', 'birthdate', 'gender'],
  vn_pin: ['vn_pin'],
  address: ['address', 'vn_residences'],
  household: ['vn_household'],
};

/** Claims that carry personal data (their release is audited). */
export const PERSONAL_CLAIMS: ReadonlySet<string> = new Set(Object.values(SCOPE_CLAIMS).flat());

/** Claims about the sign-in itself, never personal data of the registry. */
export const SESSION_CLAIMS: ReadonlySet<string> = new Set(['sub', 'acr', 'amr', 'auth_time', 'sid', 'iss', 'nonce']);

/** The scope a personal claim belongs to. */
export function scopeOfClaim(claim: string): PortalScope | undefined {
  return PORTAL_SCOPES.find((s) => SCOPE_CLAIMS[s].includes(claim));
}

export function isPortalScope(s: string): s is PortalScope {
  return (PORTAL_SCOPES as readonly string[]).includes(s);
}

/** Labels of the registry fields each claim releases (consent page, consent list). */
export const CLAIM_FIELDS: Record<string, { vi: string[]; en: string[] }> = {
  name: { vi: ['Họ, chữ đệm và tên'], en: ['Full name'] },
  birthdate: { vi: ['Ngày, tháng, năm sinh'], en: ['Date of birth'] },
  gender: { vi: ['Giới tính'], en: ['Sex'] },
  vn_pin: { vi: ['Số định danh cá nhân'], en: ['Personal identification number'] },
  address: { vi: ['Nơi ở hiện tại (hoặc nơi thường trú)'], en: ['Current residence (or permanent residence)'] },
  vn_residences: { vi: ['Nơi thường trú', 'Nơi tạm trú', 'Nơi ở hiện tại'], en: ['Permanent residence', 'Temporary residence', 'Current residence'] },
  vn_household: { vi: ['Số hộ (mã hộ gia đình)', 'Quan hệ với chủ hộ', 'Họ tên chủ hộ'], en: ['Household number', 'Relation to the head of household', 'Name of the head of household'] },
};

/** The labels of what `scopes` and claims asked for by name release, in order, without repeats. */
export function fieldLabels(scopes: Iterable<string>, lang: 'vi' | 'en', claims: Iterable<string> = []): string[] {
  const names: string[] = [];
  for (const s of scopes) if (isPortalScope(s)) names.push(...SCOPE_CLAIMS[s]);
  names.push(...claims);
  const out: string[] = [];
  for (const n of names) for (const l of CLAIM_FIELDS[n]?.[lang] ?? []) if (!out.includes(l)) out.push(l);
  return out;
}

/**
 * Assurance levels of the single sign-on (OpenID Connect Core §2 `acr`, RFC 8176 `amr`):
 * `urn:motcua:loa:1` and `urn:motcua:loa:2` stand for sign-in with a level-1 and a level-2
 * electronic identification account (tài khoản định danh điện tử mức độ 1 / mức độ 2, Decree
 * 69/2024/NĐ-CP Art. 12). The levels are ordered: level 2 meets a request for level 1.
 *
 * What a request needs ({@link levelsOfRequest}):
 * - `required`: the portal's registered level, raised by an `acr` claim requested as essential
 *   (`claims={"id_token":{"acr":{"essential":true,"values":[…]}}}`; the lowest listed value,
 *   since any of them is acceptable). The answer carries this level or is an error, never lower.
 * - `wanted`: the highest level named in `acr_values` or a voluntary `acr` claim; it is used when
 *   the account can meet it ("among several requested values the highest the account can meet").
 */

export const ACR_PREFIX = 'urn:motcua:loa:';
export const ACR_VALUES = [`${ACR_PREFIX}1`, `${ACR_PREFIX}2`] as const;
export type Level = 1 | 2;

export function acrOf(level: Level): string {
  return `${ACR_PREFIX}${level}`;
}

/** The level an `acr` value stands for; undefined for a value of another scheme. */
export function levelOfAcr(acr: unknown): Level | undefined {
  if (acr === ACR_VALUES[0]) return 1;
  if (acr === ACR_VALUES[1]) return 2;
  return undefined;
}

interface AcrClaimRequest {
  essential?: boolean;
  value?: unknown;
  values?: unknown;
}

/** The levels named by an `acr` claim request (`value` or `values`), unknown values left out. */
function levelsNamed(req: AcrClaimRequest | null | undefined): Level[] {
  if (!req || typeof req !== 'object') return [];
  const raw = Array.isArray(req.values) ? req.values : req.value !== undefined ? [req.value] : [];
  return raw.map(levelOfAcr).filter((l): l is Level => l !== undefined);
}

export interface RequestLevels {
  /** The level the answer must carry at least. */
  required: Level;
  /** The highest level asked for without insisting; used when the account can meet it. */
  wanted: Level;
}

/**
 * The levels an authorization request asks for. `clientLevel`: the portal's registered level;
 * `acrValues`: the space-separated `acr_values` parameter; `acrClaim`: the `id_token.acr` member
 * of the `claims` parameter.
 */
export function levelsOfRequest(clientLevel: Level, acrValues: string | undefined, acrClaim: AcrClaimRequest | null | undefined): RequestLevels {
  let required: Level = clientLevel;
  const claimLevels = levelsNamed(acrClaim);
  if (acrClaim?.essential && claimLevels.length > 0) required = Math.max(required, Math.min(...claimLevels)) as Level;
  const voluntary = [...(acrValues ?? '').split(' ').map(levelOfAcr).filter((l): l is Level => l !== undefined), ...claimLevels];
  const wanted = Math.max(required, ...voluntary) as Level;
  return { required, wanted };
}

/**
 * The level a request is answered at for an account of level `accountLevel`: the highest asked
 * for that the account meets, at least `required`; undefined when the account cannot meet
 * `required` (the request must fail, never be answered lower).
 */
export function targetLevel(levels: RequestLevels, accountLevel: Level): Level | undefined {
  if (accountLevel < levels.required) return undefined;
  return Math.min(levels.wanted, accountLevel) as Level; // wanted ≥ required, so this is ≥ required
}

/**
 * Dossier codes (mã hồ sơ), shared/domain.md §3.4: `{agency identifier code}-{yymmdd}-{daily sequence}`,
 * e.g. `H15.50.05.13-261008-0975`, as set by Circular 01/2018/TT-VPCP (now Circular 03/2025/TT-VPCP).
 * The agency identifier is the receiving agency's code (widely the QCVN 102:2016/BTTTT agency code,
 * which domain.md leaves unconfirmed: it is configuration, see `dossier_agencies`); the middle part
 * is the receipt date in Vietnam time; the sequence counts that agency's dossiers of the day from
 * 1, written with at least 4 digits (provincial portals), more when a day passes 9,999.
 */
import type { Kysely } from 'kysely';
import { nextSequence, type DossiersTables } from './store.js';

/** An agency identifier: upper-case letters and digits in dot-separated groups (`000.00.31.H23`, `H15.50.05.13`). */
export const AGENCY_CODE_RE = /^[A-Z0-9]{1,10}(?:\.[A-Z0-9]{1,10}){0,5}$/;
/** A whole dossier code. */
export const DOSSIER_CODE_RE = /^([A-Z0-9]{1,10}(?:\.[A-Z0-9]{1,10}){0,5})-([0-9]{6})-([0-9]{4,7})$/;
export const DOSSIER_CODE_PATTERN = DOSSIER_CODE_RE.source;

/** `2026-02-13` → `260213`. */
export function yymmdd(date: string): string {
  return `${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)}`;
}

/** The code of the `sequence`-th dossier of `agencyCode` received on `date` (YYYY-MM-DD, Vietnam time). */
export function formatDossierCode(agencyCode: string, date: string, sequence: number): string {
  return `${agencyCode}-${yymmdd(date)}-${String(sequence).padStart(4, '0')}`;
}

/** The parts of a dossier code, or undefined when it is not one. */
export function parseDossierCode(code: string): { agencyCode: string; yymmdd: string; sequence: number } | undefined {
  const m = DOSSIER_CODE_RE.exec(code);
  return m ? { agencyCode: m[1]!, yymmdd: m[2]!, sequence: Number(m[3]) } : undefined;
}

/**
 * Takes the next code of an agency for a Vietnam date inside the caller's transaction: unique
 * under concurrent submissions on both engines (see {@link nextSequence}).
 */
export async function takeDossierCode(trx: Kysely<any>, agencyCode: string, date: string): Promise<string> {
  const [code] = await takeDossierCodes(trx, agencyCode, date, 1);
  return code!;
}

/** `count` consecutive codes of an agency for a Vietnam date, taken at once inside the caller's transaction. */
export async function takeDossierCodes(trx: Kysely<any>, agencyCode: string, date: string, count: number): Promise<string[]> {
  const last = await nextSequence(trx as Kysely<DossiersTables>, agencyCode, date, count);
  return Array.from({ length: count }, (_, i) => formatDossierCode(agencyCode, date, last - count + 1 + i));
}

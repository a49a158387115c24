import { hrefOf } from './router.js';

/** The state of the units page lives in its URL, so that back, reload and sharing work. */
export interface UnitsView {
  /** "As of" date, `YYYY-MM-DD`; absent means today. */
  at?: string;
  /** Search words; when present the page lists search results. */
  q?: string;
  /** Selected unit: its detail and its subordinate units. */
  unit?: string;
}

export function unitsHref(view: UnitsView): string {
  return hrefOf('/units', { at: view.at, q: view.q, unit: view.unit });
}

/** How the population pages write a person's facts. */
import type { CitizenStatus, HouseholdRelation, Sex } from './api.js';
import type { MessageKey } from './i18n.js';

export const sexKey = (sex: Sex): MessageKey => `sex.${sex}`;
export const statusKey = (status: CitizenStatus): MessageKey => `status.${status}`;
export const relationKey = (relation: HouseholdRelation): MessageKey => `relation.${relation}`;

/** Class of a status tag (colours in styles.css, with AA contrast; Ant Design's presets lack it). */
export function statusClass(status: CitizenStatus): string {
  return `status-tag status-${status}`;
}

/** A country's name from its ISO code ("VN" → "Việt Nam"), or the code. */
export function countryName(code: string, lang: 'vi' | 'en'): string {
  try {
    return new Intl.DisplayNames([lang], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** The last search of the session, so that a record can lead back to it. */
let lastSearch = '/citizens';
export const lastSearchHref = () => lastSearch;
export const rememberSearch = (href: string) => {
  lastSearch = href;
};

/**
 * The desk module: the one-stop desk's own work at a commune (and a district or province where it
 * has one) — support teams and their members, duty rosters following the working-day calendar, the
 * help log, sites and equipment with village coverage, and police collection campaigns — with
 * spreadsheet imports and the indicators the reports module reads.
 */
import type { PlatformModule } from '../platform/module.js';
import { deskRoutes } from './routes.js';
import { DESK_INDICATORS, recountDeskIndicators } from './rollups.js';
import { deskMigrations } from './store.js';

export { HELP_INDICATOR } from './help.js';
export { deskCollectionCampaigns } from './campaigns.js';
export { helpByKindAndOutcome, selfServiceShare, dutyCoverage, coveragePerUnit, equipmentPerSite, resultsPerCampaign, type PeriodFilter, type SelfServiceShare } from './indicators.js';
export type { SiteFilter } from './sites.js';
export { HELP_KINDS, HELP_OUTCOMES, ORGANISATIONS, SITE_KINDS, DEVICE_KINDS, DEVICE_STATUSES, FUNDING_SOURCES, INTERNET_KINDS, CAMPAIGN_STATUSES } from './model.js';

export const deskModule: PlatformModule = {
  name: 'desk',
  migrations: deskMigrations,
  routes: deskRoutes,
  // Help given at desks, recounted from the help log (voided entries left out).
  rollups: { indicators: DESK_INDICATORS, recount: recountDeskIndicators },
};

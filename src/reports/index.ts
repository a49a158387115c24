/**
 * The reports module: the provincial Project 06 dashboard and reports (issue 8). Indicators by
 * unit and period from the roll-ups other modules keep in their own transactions, re-aggregated
 * on historical or current boundaries; targets; the monthly report as XLSX and PDF, generated at
 * month end; `motcua reports rebuild|verify` to prove the roll-ups agree with the records.
 */
import { addDays, todayInVietnam } from '../platform/dates.js';
import type { PlatformModule } from '../platform/module.js';
import { reportsCli } from './cli.js';
import { MONTHLY_JOB, monthlyJob, scheduleMonthlyReports } from './monthly.js';
import { geoApiRoutes, geoFileRoutes } from './geo.js';
import { reportsRoutes } from './routes.js';
import { reportsMigrations } from './store.js';
import { FOLD_JOB, foldJob, scheduleFold } from './rebuild.js';

export { INDICATORS, findIndicator, rollupIndicatorsRead, BREAKDOWN_LABELS, type IndicatorDefinition, type Measure, type Text } from './catalogue.js';
export { openScope, indicatorAnswer, reportsEnv, type ReportsEnv, type IndicatorAnswer, type Figure } from './compute.js';
export { dashboard, DASHBOARD_CARDS, DASHBOARD_RANKING, DASHBOARD_SERIES, type DashboardAnswer } from './dashboard.js';
export { monthlyReport, monthlyXlsx, monthlyPdf, generateMonthlyReports, scheduleMonthlyReports, MONTHLY_JOB } from './monthly.js';
export { rebuildRollups, verifyRollups, recountAll, scheduleFold, FOLD_JOB, type RollupDifference, type VerifyResult } from './rebuild.js';
export * as ReportSchemas from './schemas.js';

export const reportsModule: PlatformModule = {
  name: 'reports',
  migrations: reportsMigrations,
  routes: async (api, ctx) => {
    await reportsRoutes(api, ctx);
    await geoApiRoutes(api, ctx);
  },
  // Boundary files for the dashboard map (MOTCUA_GEO_DIR), at /geo/….
  rootRoutes: geoFileRoutes,
  // The month-end generation: queued once per month for 00:30 on the next month's first day; the
  // nightly fold of the roll-ups' month rows (src/platform/rollups.ts): through yesterday at once,
  // then each night at 00:15. Queued (if missing) whenever a copy starts its job loop, the only
  // place they run.
  schedule: async (ctx) => {
    await scheduleMonthlyReports(ctx.db.kysely, todayInVietnam().slice(0, 7));
    await scheduleFold(ctx.db.kysely, addDays(todayInVietnam(), -1));
  },
  cli: reportsCli,
  jobs: { [MONTHLY_JOB]: monthlyJob, [FOLD_JOB]: foldJob },
};

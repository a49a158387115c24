/**
 * The dossiers module (hồ sơ thủ tục hành chính): intake on four channels, the one-stop workflow
 * of Decree 118/2025/NĐ-CP with its forms (Circular 03/2025/TT-VPCP 01–07), the deadline clock on
 * the calendar module's working days, attachments, public tracking, notifications through the
 * outbox and the `dossiers.*` indicators. Other modules use what is exported here.
 */
import type { Command } from 'commander';
import { dateArg, printJson } from '../platform/cli.js';
import { todayInVietnam } from '../platform/dates.js';
import type { AppContext, PlatformModule } from '../platform/module.js';
import { dossiersRoutes } from './routes.js';
import { FLAG_OVERDUE_JOB, flagOverdue, flagOverdueJob, scheduleOverdueFlagging } from './overdue.js';
import { DOSSIER_INDICATORS, recountDossierIndicators } from './rollups.js';
import { dossiersMigrations } from './store.js';
import { myDossiersMigrations, myDossiersRoutes } from './mine.js';
import { prefillRoutes } from './prefill.js';

export { submitDossier, type SubmissionInput, type SubmissionReceipt } from './intake.js';
export { counterPrefill, type CounterPrefill } from './prefill.js';
export { takeAction, type ActionInput } from './actions.js';
export { flagOverdue, type OverdueRun } from './overdue.js';
export { dossierEnv, type DossierEnv } from './access.js';
export { saveAgency, type AgencyInput } from './agencies.js';
export { formatDossierCode, parseDossierCode, DOSSIER_CODE_PATTERN } from './codes.js';
export { ACTIONS, CHANNELS, STATES, FORMS, STATE_NAMES_VI, type Channel, type DossierState, type DossierAction, type FormNumber } from './model.js';
export * as DossierSchemas from './schemas.js';

function dossiersCli(program: Command, open: () => Promise<AppContext>): void {
  program
    .command('dossiers')
    .description('Dossiers of the one-stop desk')
    .command('flag-overdue')
    .description('Flag the dossiers overdue on a day and escalate them to the heads of their units (run daily by the job loop)')
    .option('--date <date>', 'the Vietnam date, YYYY-MM-DD (default: today)', dateArg)
    .action(async (opts: { date?: string }) => {
      const ctx = await open();
      printJson(await flagOverdue(ctx, opts.date ?? todayInVietnam()));
    });
}

export const dossiersModule: PlatformModule = {
  name: 'dossiers',
  migrations: { ...dossiersMigrations, ...myDossiersMigrations },
  // The dossier routes, a citizen's own list (`GET /me/dossiers`, src/dossiers/mine.ts) and the
  // counter's pre-fill from the registry (`GET /services/{code}/prefill`, src/dossiers/prefill.ts).
  routes: async (api, ctx) => {
    await dossiersRoutes(api, ctx);
    await myDossiersRoutes(api, ctx);
    await prefillRoutes(api, ctx);
  },
  // The daily overdue flagging: queued once per date; the job queues the next day's run.
  seed: (ctx) => scheduleOverdueFlagging(ctx.db.kysely, todayInVietnam()),
  cli: dossiersCli,
  jobs: { [FLAG_OVERDUE_JOB]: flagOverdueJob },
  // Received, completed, apologies and overdue, recounted from the dossiers and their transitions.
  rollups: { indicators: DOSSIER_INDICATORS, recount: recountDossierIndicators },
};

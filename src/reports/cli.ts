/**
 * `motcua reports …`: `rebuild` and `verify` the roll-ups against the records of every module that
 * declares them (`PlatformModule.rollups`), and `monthly` to generate a month's reports by hand.
 */
import type { Command } from 'commander';
import { cliActor, printJson } from '../platform/cli.js';
import { AppError } from '../platform/errors.js';
import type { AppContext, PlatformModule } from '../platform/module.js';
import { reportsEnv } from './compute.js';
import { generateMonthlyReports } from './monthly.js';
import { monthRange } from './periods.js';
import { rebuildRollups, verifyRollups } from './rebuild.js';

/** The composition root's modules (imported when a command runs: the root itself lists this module). */
async function allModules(): Promise<PlatformModule[]> {
  return (await import('../app/modules.js')).modules;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function reportsCli(program: Command, open: () => Promise<AppContext>): void {
  const reports = program.command('reports').description('Project 06 indicators: roll-ups and monthly reports');
  reports
    .command('rebuild')
    .description('Recount the roll-up indicators from the records of their modules and replace the stored counters in one transaction (run when writes are quiet)')
    .option('--indicator <id>', 'only this roll-up indicator (repeatable)', collect)
    .action(async (opts: { indicator?: string[] }) => {
      const ctx = await open();
      printJson(await rebuildRollups(ctx.db, await allModules(), cliActor(), opts.indicator));
    });
  reports
    .command('verify')
    .description('Recount the roll-up indicators and compare with the stored counters; exit 1 listing every row that differs')
    .option('--indicator <id>', 'only this roll-up indicator (repeatable)', collect)
    .action(async (opts: { indicator?: string[] }) => {
      const ctx = await open();
      const result = await verifyRollups(ctx.db, await allModules(), opts.indicator);
      printJson(result);
      if (!result.ok) throw new AppError('REPORTS_ROLLUPS_DIFFER', { count: result.differences.length, indicators: [...new Set(result.differences.map((d) => d.indicator))].join(', ') });
    });
  reports
    .command('monthly')
    .argument('<month>', 'the month, YYYY-MM')
    .description("Generate and archive a month's reports (XLSX and PDF) for every province with records, as the month-end job does")
    .action(async (month: string) => {
      monthRange(month);
      const ctx = await open();
      printJson({ month, archived: await generateMonthlyReports(reportsEnv(ctx), ctx.config.filesDir, month) });
    });
}

/**
 * The calendar module: Vietnamese working days of state agencies (weekends, statutory and lunar
 * holidays, substitute days, the yearly official schedule) and deadlines in working days.
 */
import type { Command } from 'commander';
import { cliActor, printJson } from '../platform/cli.js';
import type { AppContext, PlatformModule } from '../platform/module.js';
import { calendarRoutes } from './routes.js';
import { importCalendarFile, seedCalendar } from './service.js';
import { calendarMigrations } from './store.js';

export { workingCalendar } from './service.js';
export { WorkingCalendar, type Deadline } from './working-days.js';

function calendarCli(program: Command, open: () => Promise<AppContext>): void {
  program
    .command('calendar')
    .description('The working-day calendar')
    .command('import')
    .description('Import a yearly day-off schedule (JSON array of {date, kind, basis, name_vi, name_en, source})')
    .argument('<file>', 'the schedule')
    .action(async (file: string) => {
      const ctx = await open();
      printJson(await importCalendarFile(ctx.db, file, cliActor()));
    });
}

export const calendarModule: PlatformModule = {
  name: 'calendar',
  migrations: calendarMigrations,
  routes: calendarRoutes,
  seed: (ctx) => seedCalendar(ctx.db),
  cli: calendarCli,
};

/**
 * `motcua units …` commands: import a unit list, import a succession mapping, list units.
 */
import type { Command } from 'commander';
import type { AppContext } from '../platform/module.js';
import { cliActor, cliProgress, dateArg, intArg, oneOfArg, printJson } from '../platform/cli.js';
import { todayInVietnam } from '../platform/dates.js';
import { importSuccessions, importUnitList } from './importer.js';
import { listUnits } from './registry.js';
import type { UnitsTables } from './store.js';


export function unitsCli(program: Command, open: () => Promise<AppContext>): void {
  const units = program.command('units').description('Administrative units: import official lists and mappings, list units');

  units
    .command('import')
    .description('Import a unit list (2- or 3-level JSON, GSO 915/1027 CSV, GSO export CSV) as in force from --valid-from; a file with a bad row imports nothing')
    .argument('<file>', 'the list file')
    .requiredOption('--valid-from <date>', 'first day the list is in force, YYYY-MM-DD', dateArg)
    .option('--valid-until <date>', 'last day the list is in force, YYYY-MM-DD (default: until a later list)', dateArg)
    .option('--complete', 'the file lists every unit of its levels: units of those levels in force on --valid-from but absent from the file end the day before')
    .option('--source <text>', 'legal or data source recorded with each version (default: the file name)')
    .action(async (file: string, opts: { validFrom: string; validUntil?: string; source?: string; complete?: boolean }) => {
      const ctx = await open();
      const result = await importUnitList(ctx.db, file, { ...opts, complete: opts.complete === true, actor: cliActor(), progress: cliProgress() });
      printJson(result);
    });

  units
    .command('import-succession')
    .description('Import an old ↔ new mapping (new-to-old-merges.json or old-to-new-splits.json) as succession links')
    .argument('<file>', 'the mapping file')
    .option('--effective <date>', 'first day of the new units, YYYY-MM-DD', dateArg, '2025-07-01')
    .option('--source <text>', 'source recorded with each link (default: the file name)')
    .action(async (file: string, opts: { effective: string; source?: string }) => {
      const ctx = await open();
      printJson(await importSuccessions(ctx.db, file, { effectiveDate: opts.effective, source: opts.source, actor: cliActor() }));
    });

  units
    .command('list')
    .description('List units in force on a date, in Vietnamese collation')
    .option('--parent <code>', 'children of this unit')
    .option('--level <level>', 'province, district or commune', oneOfArg(['province', 'district', 'commune'] as const))
    .option('-q, --query <words>', 'words of the name, diacritics folded')
    .option('--at <date>', 'date, YYYY-MM-DD (default: today in Vietnam)', dateArg)
    .option('--limit <n>', 'at most this many (1–100000)', intArg(1, 100_000), 100)
    .action(async (opts: { parent?: string; level?: 'province' | 'district' | 'commune'; query?: string; at?: string; limit: number }) => {
      const ctx = await open();
      const at = opts.at ?? todayInVietnam();
      const { items, total } = await listUnits(ctx.db.as<UnitsTables>(), { parent: opts.parent, level: opts.level, q: opts.query, at, offset: 0, limit: opts.limit });
      for (const u of items) process.stdout.write(`${u.code}\t${u.fullName}\t${u.path.slice(0, -1).map((p) => p.fullName).reverse().join(', ')}\n`);
      process.stderr.write(`${items.length} of ${total} units in force on ${at}\n`);
    });
}

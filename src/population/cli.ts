/**
 * `motcua citizens …` and `motcua seed population` commands.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { cliActor, cliProgress, dateArg, intArg, printJson } from '../platform/cli.js';
import type { AppContext } from '../platform/module.js';
import { seedPopulation } from './demo.js';
import { writeCitizenTemplate, writeErrorReport } from './import-file.js';
import { importCitizens, importErrors } from './importer.js';


export function populationCli(program: Command, open: () => Promise<AppContext>): void {
  const citizens = program.command('citizens').description('The population registry: import citizen lists, templates');

  citizens
    .command('import')
    .description('Import a citizen list (CSV or XLSX): good rows are kept, bad rows reported by row, column and code; re-running the same file resumes or changes nothing')
    .argument('<file>', 'the list (see `motcua citizens template`)')
    .requiredOption('--reference-date <date>', 'the date the unit codes of the file refer to, YYYY-MM-DD', dateArg)
    .option('--errors-out <file>', 'write the bad-row report here (.csv or .xlsx)')
    .option('--batch <n>', 'rows per transaction (1–20000)', intArg(1, 20_000), 1000)
    .action(async (file: string, opts: { referenceDate: string; errorsOut?: string; batch: number }) => {
      const ctx = await open();
      const status = await importCitizens(ctx.db, file, { actor: cliActor(), referenceDate: opts.referenceDate, batchSize: opts.batch, progress: cliProgress() });
      if (opts.errorsOut) {
        const errors = await importErrors(ctx.db, status.id);
        fs.writeFileSync(opts.errorsOut, await writeErrorReport(errors, opts.errorsOut.endsWith('.xlsx') ? 'xlsx' : 'csv', 'vi'));
      }
      printJson(status);
    });

  citizens
    .command('template')
    .description('Write the citizen list template (CSV with BOM, or XLSX with text columns)')
    .requiredOption('--out <file>', 'template.csv or template.xlsx')
    .action(async (opts: { out: string }) => {
      fs.writeFileSync(opts.out, await writeCitizenTemplate(opts.out.endsWith('.xlsx') ? 'xlsx' : 'csv'));
    });

  const seed = program.commands.find((c) => c.name() === 'seed');
  (seed ?? program)
    .command('population')
    .description('Generate a deterministic synthetic population in real communes of a province')
    .requiredOption('--province <code>', 'province code (2 digits), e.g. 30 for Tỉnh Hải Dương before 2025')
    .requiredOption('--count <n>', 'number of people (1–10000000)', intArg(1, 10_000_000))
    .option('--seed <n>', 'random seed: the same seed gives the same people', intArg(0, 4_294_967_295), 1)
    .option('--at <date>', 'the date unit codes refer to and ages count from', dateArg, '2023-02-28')
    .action(async (opts: { province: string; count: number; seed: number; at: string }) => {
      const ctx = await open();
      const created = await seedPopulation(ctx.db, { provinceCode: opts.province, count: opts.count, seed: opts.seed, at: opts.at, actor: cliActor(), progress: cliProgress() });
      printJson({ created });
    });
}

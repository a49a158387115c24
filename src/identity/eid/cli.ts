/**
 * `motcua eid …` commands for scheduled jobs:
 * - `motcua eid sweep` — automatic locks from the registry (card expired, deceased, number
 *   cancelled) and lifting those whose reason is gone; run daily.
 * - `motcua eid purge-history` — deletes usage history older than 5 years (Decree 69/2024/NĐ-CP).
 */
import type { Command } from 'commander';
import { printJson } from '../../platform/cli.js';
import type { AppContext } from '../../platform/module.js';
import { purgeUsageHistory, sweepAutoLocks } from './accounts.js';
import { createEidService } from './service.js';

export function eidCli(program: Command, open: () => Promise<AppContext>): void {
  const eid = program.command('eid').description('Electronic identification accounts (scheduled jobs)');
  eid
    .command('sweep')
    .description('Lock e-ID accounts whose identity card expired or whose holder died or number was cancelled; unlock those whose reason is gone')
    .action(async () => {
      const ctx = await open();
      printJson(await sweepAutoLocks(createEidService(ctx)));
    });
  eid
    .command('purge-history')
    .description('Delete e-ID usage history older than 5 years')
    .action(async () => {
      const ctx = await open();
      printJson({ deleted: await purgeUsageHistory(createEidService(ctx)) });
    });
}

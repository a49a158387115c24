/** `motcua staff …` commands. */
import type { Command } from 'commander';
import { STAFF_ROLES, type StaffRole } from '../platform/auth.js';
import { cliActor, printJson } from '../platform/cli.js';
import type { AppContext } from '../platform/module.js';
import { unitCodeExists, type UnitsTables } from '../units/index.js';
import { createStaff } from './staff.js';

export function identityCli(program: Command, open: () => Promise<AppContext>): void {
  const staff = program.command('staff').description('Staff accounts');
  staff
    .command('create')
    .description(`Create a staff account; roles: ${STAFF_ROLES.join(', ')}`)
    .requiredOption('--username <name>', 'lower-case letters, digits, . _ -')
    .requiredOption('--password <password>', 'at least 8 characters, not a common password')
    .requiredOption('--role <role>', STAFF_ROLES.join(' | '))
    .option('--unit <code>', 'administrative unit the account acts for (required except for ADMIN)')
    .option('--name <display name>', 'name shown in the interface')
    .action(async (opts: { username: string; password: string; role: string; unit?: string; name?: string }) => {
      const ctx = await open();
      const p = await createStaff(
        ctx.db,
        { username: opts.username, password: opts.password, role: opts.role as StaffRole, unitCode: opts.unit ?? null, displayName: opts.name },
        cliActor(),
        (code) => unitCodeExists(ctx.db.as<UnitsTables>(), code),
      );
      printJson({ username: p.username, role: p.role, unitCode: p.unitCode, permissions: [...p.permissions] });
    });
}

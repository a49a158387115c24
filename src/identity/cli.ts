/** `motcua staff …` commands. */
import type { Command } from 'commander';
import { STAFF_ROLES, type StaffRole } from '../platform/auth.js';
import { cliActor, printJson } from '../platform/cli.js';
import type { AppContext } from '../platform/module.js';
import { unitCodeExists, type UnitsTables } from '../units/index.js';
import { changeStaffPassword, createStaff, resetStaffTotp } from './staff.js';

export function identityCli(program: Command, open: () => Promise<AppContext>): void {
  const staff = program.command('staff').description('Staff accounts');
  staff
    .command('create')
    .description(`Create a staff account; roles: ${STAFF_ROLES.join(', ')}`)
    .requiredOption('--username <name>', 'lower-case letters, digits, . _ -')
    .requiredOption('--password <password>', 'at least 8 characters, not a common password')
    .requiredOption('--role <role>', STAFF_ROLES.join(' | '))
    .option('--unit <code>', 'administrative unit the account acts for (required except for ADMIN): a province (2 digits) for PROVINCIAL_POLICE and WORKING_GROUP, a commune (5 digits) for the commune roles')
    .option('--unit-date <date>', 'the date the unit code refers to, YYYY-MM-DD (default: today)')
    .option('--name <display name>', 'name shown in the interface')
    .action(async (opts: { username: string; password: string; role: string; unit?: string; unitDate?: string; name?: string }) => {
      const ctx = await open();
      const p = await createStaff(
        ctx.db,
        { username: opts.username, password: opts.password, role: opts.role as StaffRole, unitCode: opts.unit ?? null, unitDate: opts.unitDate, displayName: opts.name },
        cliActor(),
        (code) => unitCodeExists(ctx.db.as<UnitsTables>(), code),
      );
      printJson({ username: p.username, role: p.role, unitCode: p.unitCode, unitDate: p.unitDate, permissions: [...p.permissions] });
    });

  staff
    .command('password')
    .description('Set a new password for an account (read from standard input, so it stays out of shell history); ends its sessions')
    .requiredOption('--username <name>', 'the account')
    .action(async (opts: { username: string }) => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
      const ctx = await open();
      await changeStaffPassword(ctx.db, opts.username, password, cliActor());
      printJson({ username: opts.username.toLowerCase(), passwordChanged: true });
    });

  staff
    .command('reset-totp')
    .description('Remove the second factor of an account whose phone (authenticator app) is lost or replaced, and end its sessions; it sets up a new one at its next sign-in. Check who is asking first: until then, whoever has the password can.')
    .argument('<username>', 'the account')
    .action(async (username: string) => {
      const ctx = await open();
      await resetStaffTotp(ctx.db, username, cliActor());
      printJson({ username: username.trim().toLowerCase(), totpReset: true });
    });
}

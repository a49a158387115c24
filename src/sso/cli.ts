/**
 * `motcua sso …` commands:
 * - `motcua sso client add --id … --name … --redirect-uri … --purpose … [--scope …]` — registers a
 *   portal; prints it with its client secret (shown once);
 * - `motcua sso client list`;
 * - `motcua sso rotate-keys` — new ES256 and RS256 signing keys; the old ones stay published
 *   until the ID tokens they signed have expired; running servers pick them up within 30 s;
 * - `motcua sso purge` — deletes expired codes, tokens, sessions and keys no longer published
 *   (run daily).
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { cliActor, intArg, oneOfArg, printJson } from '../platform/cli.js';
import { nowUtc } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';
import type { AppContext } from '../platform/module.js';
import type { ClientInput } from './clients.js';
import { rotateSigningKeys } from './keys.js';
import type { Level } from './levels.js';
import { ssoRuntime } from './runtime.js';
import { PORTAL_SCOPES, type PortalScope } from './scopes.js';
import { deleteUnpublishedKeys, purgeExpired, type Db } from './store.js';

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

export function ssoCli(program: Command, open: () => Promise<AppContext>): void {
  const sso = program.command('sso').description('Single sign-on (OpenID Connect provider at /oidc): portals, signing keys');
  const client = sso.command('client').description('Portals registered as OpenID Connect clients');
  client
    .command('add')
    .description('Register a portal; prints it with its client secret (shown once)')
    .requiredOption('--id <client_id>', 'a-z, 0-9, . _ - (3–64 characters)')
    .requiredOption('--name <name>', 'name shown to citizens')
    .requiredOption('--redirect-uri <uri>', 'exact redirect URI (repeat for more)', collect)
    .requiredOption('--purpose <text>', 'why the portal needs the data (Vietnamese), shown on the consent page')
    .option('--purpose-en <text>', 'the purpose in English')
    .option('--scope <scope>', `scopes it may ask for (repeat or comma-separate): ${PORTAL_SCOPES.join(', ')}`, collect)
    .option('--post-logout-uri <uri>', 'exact post-logout redirect URI (repeat for more)', collect)
    .option('--sector <domain>', 'sector of the pairwise subject (default: host of the first redirect URI)')
    .option('--level <1|2>', 'assurance level required', intArg(1, 2), 1)
    .option('--logo <https-url>', 'logo URL')
    .option('--auth <method>', 'client_secret_basic | private_key_jwt', oneOfArg(['client_secret_basic', 'private_key_jwt'] as const), 'client_secret_basic')
    .option('--jwks-file <path>', 'JSON file of the portal’s public keys (private_key_jwt)')
    .option('--id-token-alg <alg>', 'ES256 | RS256', oneOfArg(['ES256', 'RS256'] as const), 'ES256')
    .action(async (o: { id: string; name: string; redirectUri: string[]; purpose: string; purposeEn?: string; scope?: string[]; postLogoutUri?: string[]; sector?: string; level: number; logo?: string; auth: 'client_secret_basic' | 'private_key_jwt'; jwksFile?: string; idTokenAlg: 'ES256' | 'RS256' }) => {
      let jwks: ClientInput['jwks'];
      if (o.jwksFile) {
        try {
          jwks = JSON.parse(fs.readFileSync(o.jwksFile, 'utf8')) as ClientInput['jwks'];
        } catch (e) {
          throw new AppError('SSO_JWKS_INVALID', { reason: `${o.jwksFile}: ${(e as Error).message}` });
        }
      }
      const ctx = await open();
      const out = await ssoRuntime(ctx).clients.create(
        {
          id: o.id,
          name: o.name,
          redirectUris: o.redirectUri,
          postLogoutRedirectUris: o.postLogoutUri ?? [],
          sector: o.sector,
          requiredLevel: o.level as Level,
          scopes: (o.scope ?? []) as PortalScope[],
          purpose: o.purpose,
          purposeEn: o.purposeEn ?? null,
          logoUri: o.logo ?? null,
          authMethod: o.auth,
          jwks,
          idTokenAlg: o.idTokenAlg,
        },
        cliActor(),
      );
      printJson({ ...out, issuer: `${ctx.config.publicUrl}/oidc` });
    });
  client
    .command('list')
    .description('The registered portals')
    .action(async () => {
      const ctx = await open();
      printJson(await ssoRuntime(ctx).clients.list({ offset: 0, limit: 10_000 }));
    });
  sso
    .command('rotate-keys')
    .description('Make new ES256 and RS256 signing keys; the old ones stay published until the ID tokens they signed expire')
    .action(async () => {
      const ctx = await open();
      printJson(await rotateSigningKeys(ctx.db, ssoRuntime(ctx).cipher));
    });
  sso
    .command('purge')
    .description('Delete expired codes, tokens, sessions and interactions, and signing keys no longer published')
    .action(async () => {
      const ctx = await open();
      const k = ctx.db.as<any>() as Db;
      const now = nowUtc();
      printJson({ artifacts: await purgeExpired(k, now), keys: await deleteUnpublishedKeys(k, now) });
    });
}

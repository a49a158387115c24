/**
 * What a domain module hands to the composition root (`src/app`): its migrations, its routes
 * (mounted under `/api/v1`), its built-in first-run data and its CLI commands. Modules call each
 * other only through their `index.ts`; the platform never imports a module.
 */
import type { FastifyInstance, FastifyBaseLogger, RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { Migrations } from './db/migrations.js';
import type { JobHandlers } from './jobs/jobs.js';
import type { IndicatorCount } from './rollups.js';
import type { SealedColumn } from './keys.js';

/** Everything a module needs at run time. */
export interface AppContext {
  config: Config;
  db: Database;
  logger: Logger;
}

export type Api = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** Reports progress of long work (seeding, imports) to a CLI progress bar or a log. */
export interface Progress {
  start(label: string, total: number): void;
  update(done: number): void;
  stop(): void;
}

export const silentProgress: Progress = { start() {}, update() {}, stop() {} };

export interface PlatformModule {
  name: string;
  migrations?: Migrations;
  /** Registers the module's routes; the app mounts them under `/api/v1`. */
  routes?: (api: Api, ctx: AppContext) => Promise<void>;
  /**
   * Registers routes outside `/api/v1`, at the root of the app (the OpenID Connect provider at
   * `/oidc` and its HTML pages); they get the same security headers and principal hook.
   */
  rootRoutes?: (app: Api, ctx: AppContext) => Promise<void>;
  /** Loads built-in first-run data if it is not there yet; must be idempotent. */
  seed?: (ctx: AppContext, progress: Progress) => Promise<void>;
  /** Adds the module's commands to the `motcua` CLI. `open` gives a migrated context. */
  cli?: (program: Command, open: () => Promise<AppContext>) => void;
  /** Handlers of the module's background jobs by kind (`reports.export`, …), run by every copy's job loop (src/platform/jobs). */
  jobs?: JobHandlers;
  /**
   * Queues the module's recurring jobs (the chain each run of them continues) when a copy starts
   * its job loop, with or without built-in data (`MOTCUA_SEED=none`); must be idempotent (the
   * jobs' dedupe keys).
   */
  schedule?: (ctx: AppContext) => Promise<void>;
  /**
   * The roll-up indicators the module counts (src/platform/rollups.ts) and how to count them again
   * from its records: `recount` answers every counter row those indicators should hold (rows of
   * one indicator, unit, day and breakdown may repeat: they are added up). `motcua reports
   * rebuild` replaces the stored rows of `indicators` by the recount; `motcua reports verify`
   * compares them.
   */
  rollups?: { indicators: string[]; recount(db: Database): Promise<IndicatorCount[]> };
  /** The module's columns of values sealed under the data key, re-sealed by `motcua keys rotate` (src/platform/keys.ts). */
  sealed?: readonly SealedColumn[];
}

/**
 * Slow work outside the request (DESIGN.md §1): the notification outbox (SMS and e-mail) with its
 * delivery loop, and generic background jobs with theirs. Modules import from here; a module's
 * job handlers go in its `PlatformModule.jobs`, run by every copy's job loop.
 */
import type { Migrations } from '../db/migrations.js';
import { jobTableMigrations } from './jobs.js';
import { outboxMigrations } from './outbox.js';

export {
  enqueueMessage,
  enqueueMessages,
  deliverDueMessages,
  startOutboxWorker,
  countPendingMessages,
  outboxStats,
  messageState,
  type Channel,
  type OutboxMessage,
  type OutboxMessageState,
  type OutboxStats,
  type OutboxStatus,
} from './outbox.js';
export { toE164Phone, normalizeEmail, maskPhone, maskEmail } from './recipients.js';
export { readSinkFile, type SinkLine } from './transports.js';
export {
  enqueueJob,
  scheduleDailyJob,
  dailyJob,
  runDueJobs,
  startJobWorker,
  countPendingJobs,
  jobState,
  type JobInput,
  type JobHandler,
  type JobHandlers,
  type JobRun,
  type JobState,
  type JobStatus,
} from './jobs.js';

/** Migrations of the platform's jobs tables (merged by src/app/modules.ts). */
export const jobsMigrations: Migrations = { ...outboxMigrations, ...jobTableMigrations };

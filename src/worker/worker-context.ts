import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Customer } from '../db/customers.repository.js';
import type { Database } from '../db/database.js';
import type { EventBus } from '../events/event-bus.js';
import type { ServiceMetrics } from './metrics.js';
import type { SheetSource } from '../sources/types.js';
import type { GoogleLimiters } from './google-rate-limit.js';
import type { StopReason } from './run-claimed.js';

/** What a worker and each of its runs share. */
export interface WorkerContext {
  db: Kysely<Database>;
  config: Readonly<Config>;
  bus: EventBus;
  metrics: ServiceMetrics;
  clock: () => Date;
  /** Unique per process and start: `<host>:<pid>:<random>`. */
  workerId: string;
  leaseMs: number;
  autoPauseFailures: number;
  limiters: GoogleLimiters;
  /** Source of a customer's sheet (tests inject). Default sourceForCustomer. */
  sourceFor?: (customer: Customer) => SheetSource;
  /** Asks the sync of `customerId` (if this worker runs it) to stop at its next batch boundary. */
  stop(customerId: string, reason: StopReason): void;
  log(message: string): void;
  /** A sync's progress events are published at most this often (ms); default 500 (PROGRESS_EVERY_MS). */
  progressEveryMs?: number;
  /** The engine's backoff sleep; the worker's gives the sync's slot back while it sleeps. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

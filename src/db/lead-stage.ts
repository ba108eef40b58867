import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import type { SheetLead } from '../sheet/types.js';
import { nativeOf } from './native.js';
import { openPostgresStage } from './lead-stage.postgres.js';
import { openSqliteStage } from './lead-stage.sqlite.js';

/**
 * A sync's bulk write. While the sheet downloads, the leads to write are staged in a table of the
 * sync's own (SQLite: a temporary table, multi-row INSERTs whose prepared statement is reused
 * for the whole sync; PostgreSQL: an UNLOGGED table filled by COPY … FROM STDIN), so nothing is
 * held in memory and no lock on `leads` is taken. Then `commit` opens the one write transaction, and
 * `apply` merges the staged rows into `leads` with set-based statements, a chunk at a time (for
 * progress, cancellation and lease renewal between chunks): insert, update of the sheet-owned
 * columns only, restore, soft delete. CRM-owned columns (status, score, …) and `manual` leads
 * are never touched. The staging is dropped on every path (dispose).
 */
export interface LeadStage {
  /** Stages a lead to insert, update or restore (matched on its key). */
  add(lead: SheetLead): Promise<void>;
  /**
   * Gives the staged row of key `from` the key `to` (applied before the merge): a repeated
   * identity's first row re-keyed once the sheet is read (src/sync/repeat-matching.ts).
   */
  rename(from: string, to: string): void;
  /** Stages keys of sheet leads to soft-delete. */
  addDeletes(keys: readonly string[]): Promise<void>;
  readonly upserts: number;
  readonly deletes: number;
  /**
   * Runs `work` in one transaction; `work` calls `apply` to write the
   * staged rows, and records the run on the same `trx`, so all of it commits or none does.
   */
  commit<T>(
    work: (trx: Kysely<Database>, apply: (options: ApplyOptions) => Promise<MergeResult>) => Promise<T>,
  ): Promise<T>;
  /** Drops the staging and gives the connection back; safe to call more than once, on every path. */
  dispose(): Promise<void>;
}

export interface ApplyOptions {
  /** The time written to firstSeenAt (new leads), updatedAt and deletedAt. */
  now: string;
  /** The change batch (src/db/change-batches.repository.ts) the changes are recorded in: the run id. */
  batchId: string;
  /** Every staged upsert is a new lead (the diff found none stored): changes are recorded without a join. */
  insertsOnly: boolean;
  /**
   * Called before the first chunk and after each one (rows done of total): progress, and the
   * place to throw (cancellation) or renew the lease, between statements of the transaction.
   */
  onChunk: (done: number, total: number, phase: 'write' | 'delete') => Promise<void> | void;
}

export interface MergeResult {
  /** Leads soft-deleted. */
  deleted: number;
  /** lead_changes rows recorded (one per lead written). */
  changes: number;
  /** The largest seq a recorded change may have: the staged upserts and deletes. */
  lastSeq: number;
}

export interface StageOptions {
  customerId: string;
  /**
   * Leads per statement: per merge statement of the transaction (progress, cancellation and, on
   * SQLite, the event loop's turn come between two), and per staging INSERT on SQLite (bounded
   * again by the bind-parameter limit, so any size works).
   */
  batchSize: number;
}

/** A stage for one sync; nothing is opened until the first lead is staged. */
export function openLeadStage(db: Kysely<Database>, options: StageOptions): LeadStage {
  const native = nativeOf(db);
  return native.dialect === 'sqlite'
    ? openSqliteStage(db, options)
    : openPostgresStage(db, native.pool, options);
}

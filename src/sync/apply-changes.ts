import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { softDeleteSheetLeads, upsertSheetLeads } from '../db/leads-sync.repository.js';
import { LeadsyncError } from '../errors.js';
import type { ChangeSet } from './change-set.js';
import type { ProgressTracker } from './progress.js';

export interface ApplyInput {
  customerId: string;
  changes: ChangeSet;
  deleteKeys: readonly string[];
  batchSize: number;
  now: string;
  progress: ProgressTracker;
  signal?: AbortSignal;
}

/**
 * Writes a run's changes inside the caller's transaction, batch by batch, reporting progress
 * after each one and stopping at a batch boundary when the run is cancelled (the caller's
 * transaction then rolls everything back). Returns the number of leads soft-deleted.
 */
export async function applyChanges(trx: Kysely<Database>, input: ApplyInput): Promise<number> {
  const total = input.changes.size + input.deleteKeys.length;
  let done = 0;
  const step = (n: number, what: string) => {
    done += n;
    input.progress.update(
      'applying',
      total ? done / total : 1,
      `${what} ${done.toLocaleString('en')} of ${total.toLocaleString('en')}`,
    );
    if (input.signal?.aborted)
      throw new LeadsyncError('SYNC_CANCELLED', 'The sync was cancelled; nothing was written');
  };
  step(0, 'Writing');
  for await (const batch of input.changes.batches(input.batchSize)) {
    await upsertSheetLeads(trx, input.customerId, batch, input.now);
    step(batch.length, 'Wrote');
  }
  let deleted = 0;
  for (let i = 0; i < input.deleteKeys.length; i += input.batchSize) {
    const keys = input.deleteKeys.slice(i, i + input.batchSize);
    deleted += await softDeleteSheetLeads(trx, input.customerId, keys, input.now);
    step(keys.length, 'Deleted');
  }
  return deleted;
}

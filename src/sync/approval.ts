import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findLatestFinishedRun, type SyncRun } from '../db/sync-runs.repository.js';
import { LeadsyncError } from '../errors.js';

/**
 * The held run an approval run applies, when the approval still stands: that run (`approvedRunId`,
 * or when none is named the latest finished one) is the customer's, ended `needs_review` and is
 * still the customer's latest finished run (a run that ended since supersedes it). Null
 * otherwise: the run is then a plain run, and the mass-delete guard applies to it as to any other.
 */
export async function standingApproval(
  db: Kysely<Database>,
  customerId: string,
  approvedRunId: string | null,
  currentRunId: string,
): Promise<string | null> {
  const latest = await findLatestFinishedRun(db, customerId, currentRunId);
  if (!latest || latest.outcome !== 'needs_review') return null;
  return approvedRunId === null || approvedRunId === latest.id ? latest.id : null;
}

/** The held message of an approval run whose sheet would now delete leads it did not approve. */
export function changedSinceApprovalMessage(moreDeletes: number): string {
  return `the sheet changed since the approval: ${moreDeletes} more ${moreDeletes === 1 ? 'delete' : 'deletes'}`;
}

/**
 * Throws unless `run` may be approved now: RUN_NOT_APPROVABLE for a run still in progress or a
 * latest run that was not held, RUN_NOT_LATEST for any finished run but the customer's latest
 * (a later run superseded it: what a person reviewed is no longer what a sync would do).
 */
export async function assertApprovable(db: Kysely<Database>, run: SyncRun): Promise<void> {
  if (run.outcome === null) {
    throw new LeadsyncError(
      'RUN_NOT_APPROVABLE',
      `Run ${run.id} is still in progress; only a needs_review run can be approved`,
    );
  }
  const latest = await findLatestFinishedRun(db, run.customerId);
  if (latest && latest.id !== run.id) {
    throw new LeadsyncError(
      'RUN_NOT_LATEST',
      `Run ${run.id} is not the customer's latest finished run (run ${latest.id} ended ${latest.outcome} after it); only the latest can be approved`,
      { details: { latestRunId: latest.id } },
    );
  }
  if (run.outcome !== 'needs_review') {
    throw new LeadsyncError(
      'RUN_NOT_APPROVABLE',
      `Run ${run.id} ended ${run.outcome}; only a needs_review run can be approved`,
    );
  }
}

import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { massDeleteBaseline } from '../db/delete-guard.repository.js';
import { countOutsideHeldDeletes } from '../db/held-deletes.repository.js';
import { describeSheetLeads } from '../db/leads-sync.repository.js';
import { LeadsyncError } from '../errors.js';
import { changedSinceApprovalMessage, standingApproval } from './approval.js';
import { deleteSetFingerprint } from './delete-set.js';
import { isMassDelete, massDeleteMessage } from './diff.js';

/** How many of a held run's deletes are named on the run, for a person to check before approving. */
const HELD_SAMPLE = 25;

export interface HoldInput {
  customerId: string;
  deleteThresholdPercent: number;
  /** The run deciding (excluded when looking for the latest finished run). */
  runId: string;
  /** An approval run: bound to the approved held run, if it still stands. */
  approval: boolean;
  /** The held run named by the approval (CLI or state); null lets the latest held run stand. */
  approvedRunId: string | null;
  /** Tests and tools: no guard at all (SyncRequest.allowDeletes). */
  allowDeletes: boolean;
  deleteKeys: readonly string[];
  sheetLeads: number;
  now: Date;
  windowDays: number;
}

export interface Hold {
  /** MASS_DELETE_HELD, with the message a person reads. */
  error: LeadsyncError;
  liveLeads: number;
  /** What the held run's details add: a sample of the deletes, the counts, the set's fingerprint. */
  details: Record<string, unknown>;
}

/**
 * Whether a run that read its sheet must be held instead of writing. An approval whose held run
 * still stands deletes that run's set or a subset of it, and is held when the sheet would now
 * delete any lead outside it; any other run is held by the mass-delete guard (diff.ts).
 * Null: write.
 */
export async function decideHold(db: Kysely<Database>, input: HoldInput): Promise<Hold | null> {
  const { customerId, deleteKeys } = input;
  const deletes = deleteKeys.length;
  const guard = await massDeleteBaseline(db, customerId, input.now, input.windowDays);
  const { liveLeads, baseline } = guard;
  const approved = input.approval
    ? await standingApproval(db, customerId, input.approvedRunId, input.runId)
    : null;
  const moreDeletes =
    approved !== null && deletes > 0
      ? await countOutsideHeldDeletes(db, customerId, approved, deleteKeys)
      : 0;
  const massDelete = {
    deletes,
    liveLeads,
    baseline,
    sheetLeads: input.sheetLeads,
    thresholdPercent: input.deleteThresholdPercent,
  };
  const message =
    approved !== null
      ? moreDeletes > 0
        ? changedSinceApprovalMessage(moreDeletes)
        : null
      : !input.allowDeletes && isMassDelete(massDelete)
        ? massDeleteMessage(massDelete, { days: input.windowDays, sinceApproval: guard.sinceApproval })
        : null;
  if (message === null) return null;
  const approval = approved !== null ? { approvedRunId: approved, moreDeletes } : {};
  const error = new LeadsyncError('MASS_DELETE_HELD', message, {
    details: {
      pendingDeletes: deletes,
      liveLeads,
      recentLiveLeads: baseline,
      recentSince: guard.since,
      ...approval,
    },
  });
  const pendingDeleteSample = await describeSheetLeads(db, customerId, deleteKeys.slice(0, HELD_SAMPLE));
  return {
    error,
    liveLeads,
    details: {
      pendingDeleteSample,
      liveLeads,
      recentLiveLeads: baseline,
      deleteSet: deleteSetFingerprint(deleteKeys),
      ...approval,
    },
  };
}

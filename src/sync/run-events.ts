import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { failingSinceOf } from '../db/failure-streak.repository.js';
import { recordEvent } from '../events/record-event.js';
import { inTransaction } from '../db/repository-helpers.js';
import { findRunById, insertRun, type NewSyncRun, type SyncRun } from '../db/sync-runs.repository.js';
import type { SyncState } from '../db/sync-states.repository.js';
import type { Ending } from './run-ending.js';
import { lastPlaceOfBatch, listLeadChanges } from '../db/change-feed.repository.js';
import { encodeFeedCursor } from '../db/change-cursor.js';
import { toChangeJson } from '../feed/change-json.js';
import type { NewEvent } from '../events/event-types.js';
import { headerChanges } from '../sheet/header-changes.js';

/**
 * Inserts a run and its `sync.started` event in one transaction (the engine's start of a run),
 * with `alsoWrite` (the state marked running) in it: one commit, not two, for every run.
 */
export function startRun(
  db: Kysely<Database>,
  input: NewSyncRun,
  alsoWrite: (trx: Kysely<Database>) => Promise<unknown> = () => Promise.resolve(),
): Promise<SyncRun> {
  return inTransaction(db, async (trx) => {
    const run = await insertRun(trx, input);
    await alsoWrite(trx);
    await recordEvent(
      trx,
      {
        type: 'sync.started',
        customerId: run.customerId,
        payload: { runId: run.id, trigger: run.trigger, startedAt: run.startedAt },
      },
      new Date(run.startedAt),
    );
    return run;
  });
}

/**
 * Writes the events a run's ending causes, with `previous` the customer's state before the run.
 * Called by recordEnding inside its transaction, so the events commit with the run and state.
 */
export async function recordRunEvents(
  db: Kysely<Database>,
  end: Ending,
  previous: SyncState | undefined,
): Promise<void> {
  // A run another worker already closed (reaped as WORKER_LOST) kept that ending: say nothing new.
  const run = await findRunById(db, end.runId);
  if (run?.finishedAt !== end.finishedAt.toISOString() || run.outcome !== end.outcome) return;
  for (const event of await eventsOf(db, end, previous)) await recordEvent(db, event, end.finishedAt);
}

async function eventsOf(
  db: Kysely<Database>,
  end: Ending,
  previous: SyncState | undefined,
): Promise<NewEvent[]> {
  const { customerId, runId, figures: f } = end;
  const priorFailures = previous?.consecutiveFailures ?? 0;
  if (end.outcome === 'failed') {
    const since =
      priorFailures === 0 ? null : await failingSinceOf(db, customerId, previous?.lastSuccessAt ?? null);
    const error = { code: end.error?.code ?? 'INTERNAL', message: end.error?.message ?? '' };
    const failingSince = since ?? end.finishedAt.toISOString();
    return [
      {
        type: 'sync.failed',
        customerId,
        payload: { runId, error, attempt: priorFailures + 1, failingSince },
      },
    ];
  }
  if (end.outcome === 'needs_review') {
    const liveLeads = typeof f.details?.liveLeads === 'number' ? f.details.liveLeads : null;
    return [
      {
        type: 'sync.needs_review',
        customerId,
        payload: { runId, pendingDeletes: f.pendingDeletes ?? 0, liveLeads },
      },
    ];
  }
  if (end.outcome !== 'success' && end.outcome !== 'unchanged') return [];
  const figures = {
    rowsProcessed: f.rowsProcessed,
    rowsInserted: f.rowsInserted,
    rowsUpdated: f.rowsUpdated,
    rowsDeleted: f.rowsDeleted,
    rowsUnchanged: f.rowsUnchanged,
    durationMs: end.finishedAt.getTime() - end.startedAt.getTime(),
  };
  const leadsChanged = end.outcome === 'success' && f.rowsInserted + f.rowsUpdated + f.rowsDeleted > 0;
  const events: NewEvent[] = [
    { type: 'sync.completed', customerId, payload: { runId, outcome: end.outcome, leadsChanged, figures } },
  ];
  if (priorFailures > 0) {
    const failingSince = await failingSinceOf(db, customerId, previous?.lastSuccessAt ?? null);
    events.push({
      type: 'customer.recovered',
      customerId,
      payload: { runId, failedRuns: priorFailures, failingSince },
    });
  }
  const changes = headerChanges(previous?.lastHeaders ?? null, end.success?.headers ?? null);
  if (changes) events.push({ type: 'sheet.headers_changed', customerId, payload: { runId, ...changes } });
  if (end.changes) events.push(await leadsChangedEvent(db, customerId, runId, end.changes));
  return events;
}

/** Changes a `leads.changed` event carries itself; receivers fetch the rest from the feed. */
export const LEADS_CHANGED_INLINE = 100;

async function leadsChangedEvent(
  db: Kysely<Database>,
  customerId: string,
  runId: string,
  { batch, counts }: NonNullable<Ending['changes']>,
): Promise<NewEvent> {
  // Read inside the run's transaction: its own batch is the newest (it holds the counter's lock).
  const since = { position: batch.position, seq: 0 };
  const page = await listLeadChanges(db, { customerId, since, limit: LEADS_CHANGED_INLINE });
  const inline = page.changes.filter((c) => c.place.position === batch.position);
  const last = await lastPlaceOfBatch(db, batch);
  return {
    type: 'leads.changed',
    customerId,
    payload: {
      runId,
      counts,
      fromCursor: encodeFeedCursor(since),
      toCursor: encodeFeedCursor(last),
      changes: inline.map(toChangeJson),
      changesOmitted: Math.max(0, batch.changes - inline.length),
    },
  };
}

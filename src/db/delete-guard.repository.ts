import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { countLiveSheetLeads } from './leads-sync.repository.js';

/** What the mass-delete guard compares a run with (src/sync/diff.ts, isMassDelete). */
export interface DeleteBaseline {
  /** Live sheet leads now, before this run. */
  liveLeads: number;
  /** The most live sheet leads seen since `since`: at least `liveLeads`. */
  baseline: number;
  /** Where the window starts: `now` minus the window, or the last approval run if later. */
  since: string;
  /** True when an approval run started the window. */
  sinceApproval: boolean;
}

/**
 * The highest live sheet-lead count of the customer's recent successful runs (and now), so a
 * sheet that shrinks over several clean runs is measured against where it stood before the
 * first of them, not against the count the previous shrink left. An approval resets the
 * window: what a person approved is the new standard. Runs are sequential per customer, so
 * "started at or after the approval run" is "after it"; the window bound is on startedAt so
 * the (customerId, startedAt) index serves both queries.
 */
export async function massDeleteBaseline(
  db: Kysely<Database>,
  customerId: string,
  now: Date,
  windowDays: number,
): Promise<DeleteBaseline> {
  const windowStart = new Date(now.getTime() - windowDays * 86_400_000).toISOString();
  const approval = await db
    .selectFrom('lead_sync_runs')
    .select('startedAt')
    .where('customerId', '=', customerId)
    .where('startedAt', '>=', windowStart)
    .where('trigger', '=', 'approval')
    .where('outcome', 'in', ['success', 'unchanged'])
    .orderBy('startedAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  const since = approval?.startedAt ?? windowStart;
  const recent = await db
    .selectFrom('lead_sync_runs')
    .select((eb) => eb.fn.max('liveLeadsAfter').as('most'))
    .where('customerId', '=', customerId)
    .where('startedAt', '>=', since)
    .where('outcome', 'in', ['success', 'unchanged'])
    .executeTakeFirstOrThrow();
  const liveLeads = await countLiveSheetLeads(db, customerId);
  const most = recent.most === null ? 0 : Number(recent.most);
  return { liveLeads, baseline: Math.max(liveLeads, most), since, sinceApproval: approval !== undefined };
}

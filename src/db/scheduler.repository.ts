import { sql, type CompiledQuery, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { Database, RunTrigger } from './database.js';
import { traitsOf } from './dialect.js';
import { ERROR_CODES } from '../errors.js';

/**
 * The worker's side of lead_sync_states: claiming due customers, and giving them back with
 * their next run time. A customer is due when it is not paused, nobody holds a live lease, and
 * either a run was asked for (`pendingTrigger`), a dead worker left its claimed run unfinished
 * (`claimedTrigger`), or its `nextRunAt` has passed.
 */
export interface Claim {
  customerId: string;
  /** What the run serves: the pending trigger, or `schedule`. */
  trigger: RunTrigger;
  /**
   * Taken over from a lease that ran out (a worker died or stalled): the only claims that can
   * find a run left without an outcome (reapUnfinishedRuns). A released customer has no owner.
   */
  orphaned: boolean;
}

/**
 * Leases up to `limit` due customers to `owner` in one statement, in the order they became due:
 * a scheduled run at its `nextRunAt`, an asked-for one when it was asked (`askedAt`), a push at
 * its `pushRunAt`, a dead worker's run when its lease ran out. First come, first served: a
 * customer triggered over and over queues behind the schedules that were due before each trigger
 * instead of taking the next free slot every time. The pending trigger moves to `claimedTrigger`
 * in the same UPDATE (SET reads the old row), so a trigger that arrives during the run queues
 * exactly one follow-up.
 *
 * Two small candidate sets, each read from its own partial index (migration 0011) and cut at
 * `limit` before they meet, keep the cost flat however many customers there are: the scheduled
 * branch walks `nextRunAt` in order and stops after `limit` free rows; the asked branch only
 * sees customers something is waiting for. On PostgreSQL the candidates are locked with SKIP
 * LOCKED, so concurrent workers take disjoint sets instead of queueing on each other's rows
 * (up to twice `limit` are locked for the statement; the ones not picked are free at its end);
 * SQLite has one writer, which makes the statement atomic anyway.
 */
export async function claimDueCustomers(
  db: Kysely<Database>,
  owner: string,
  options: { leaseMs: number; limit: number; now: Date },
): Promise<Claim[]> {
  if (options.limit <= 0) return [];
  const rows = await claimStatement(db, owner, options).execute();
  return rows.map((r) => ({
    customerId: r.customerId,
    trigger: r.claimedTrigger ?? 'schedule',
    orphaned: Number(r.orphaned) === 1,
  }));
}

/** The claim's SQL, for the test that reads its plan (EXPLAIN) and the due-query bench. */
export function compileDueClaim(
  db: Kysely<Database>,
  owner: string,
  options: { leaseMs: number; limit: number; now: Date },
): CompiledQuery {
  return claimStatement(db, owner, options).compile();
}

function claimStatement(
  db: Kysely<Database>,
  owner: string,
  options: { leaseMs: number; limit: number; now: Date },
) {
  const at = options.now.toISOString();
  const { supportsSkipLocked, flagOff } = traitsOf(db);
  // Literals, not parameters, and the migration's words: what lets each branch use its index.
  const unpaused = sql<SqlBool>`${sql.ref('isPaused')} = ${sql.lit(flagOff)}`;
  const waiting = sql<SqlBool>`(${sql.ref('pendingTrigger')} is not null or ${sql.ref('claimedTrigger')} is not null or ${sql.ref('pushRunAt')} is not null)`;
  return (
    db
      .with('asked', (qb) => {
        const query = qb
          .selectFrom('lead_sync_states')
          .select((eb) => [
            'customerId',
            eb
              .case()
              .when('pendingTrigger', 'is not', null)
              .then(eb.fn.coalesce('askedAt', 'updatedAt'))
              // A claimedTrigger under an expired lease is a dead worker's run: due when it expired.
              .when('claimedTrigger', 'is not', null)
              .then(eb.fn.coalesce('leaseExpiresAt', 'updatedAt'))
              .else(eb.ref('pushRunAt'))
              .end()
              .as('dueAt'),
            orphanFlag(eb),
          ])
          .where(unpaused)
          .where(waiting)
          .where(leaseFree(at))
          .where((eb) =>
            eb.or([
              eb('pendingTrigger', 'is not', null),
              eb('claimedTrigger', 'is not', null),
              eb('pushRunAt', '<=', at),
            ]),
          )
          .orderBy('dueAt')
          .limit(options.limit);
        return supportsSkipLocked ? query.forUpdate().skipLocked() : query;
      })
      .with('scheduled', (qb) => {
        const query = qb
          .selectFrom('lead_sync_states')
          .select((eb) => ['customerId', 'nextRunAt as dueAt', orphanFlag(eb)])
          .where(unpaused)
          .where('nextRunAt', '<=', at)
          .where(leaseFree(at))
          .orderBy('nextRunAt')
          .limit(options.limit);
        return supportsSkipLocked ? query.forUpdate().skipLocked() : query;
      })
      .with('picked', (qb) =>
        qb
          .selectFrom((sub) =>
            sub
              .selectFrom('asked')
              .select(['customerId', 'dueAt', 'orphaned'])
              .unionAll(sub.selectFrom('scheduled').select(['customerId', 'dueAt', 'orphaned']))
              .as('candidates'),
          )
          .select((eb) => ['customerId', eb.fn.max('orphaned').as('orphaned')])
          .groupBy('customerId')
          .orderBy((eb) => eb.fn.min('dueAt'))
          .orderBy('customerId')
          .limit(options.limit),
      )
      .updateTable('lead_sync_states')
      .set((eb) => {
        const pushDue = eb('pushRunAt', '<=', at);
        return {
          leaseOwner: owner,
          leaseExpiresAt: new Date(options.now.getTime() + options.leaseMs).toISOString(),
          // A leftover claimedTrigger is a crashed worker's: its run never finished, so it is served
          // again. A due push is served by whatever run this is (it reads the sheet as it is now);
          // clearing it here is what lets pushes during the run queue one follow-up, no more.
          claimedTrigger: eb.fn.coalesce(
            'pendingTrigger',
            'claimedTrigger',
            eb.case().when(pushDue).then(eb.val<RunTrigger>('push')).end(),
          ),
          pendingTrigger: null,
          askedAt: null,
          pushRunAt: eb
            .case()
            .when(pushDue)
            .then(eb.val<string | null>(null))
            .else(eb.ref('pushRunAt'))
            .end(),
          updatedAt: at,
        };
      })
      .where('customerId', 'in', (qb) => qb.selectFrom('picked').select('customerId'))
      // Checked again on the row itself: on PostgreSQL a row we waited for may have changed.
      .where('isPaused', '=', 0)
      .where(leaseFree(at))
      .returning((eb) => [
        'customerId',
        'claimedTrigger',
        eb
          .selectFrom('picked')
          .select('picked.orphaned')
          .whereRef('picked.customerId', '=', 'lead_sync_states.customerId')
          .as('orphaned'),
      ])
  );
}

/** 1 when the row still names an owner: its lease ran out without being given back. */
function orphanFlag(eb: ExpressionBuilder<Database, 'lead_sync_states'>) {
  return eb.case().when('leaseOwner', 'is not', null).then(1).else(0).end().as('orphaned');
}

/** Nobody holds a live lease on the row. */
function leaseFree(at: string) {
  return (eb: ExpressionBuilder<Database, 'lead_sync_states'>) =>
    eb.or([eb('leaseExpiresAt', 'is', null), eb('leaseExpiresAt', '<=', at)]);
}

/**
 * Leases one customer to `owner` for a run started outside the worker loop (the CLI's), when
 * nobody else holds a live lease (its own, taken at creation, it takes again); true when taken. The run serves what was asked for, as a worker's
 * claim would: the pending trigger (or a dead worker's claimed one) moves to `claimedTrigger`, so
 * endClaim clears it after the run (no second sync for it) or puts it back when the run was
 * interrupted. An approval stays pending unless this run may delete (`servesApproval`): a run
 * that may not delete cannot serve it.
 */
export async function claimCustomer(
  db: Kysely<Database>,
  customerId: string,
  owner: string,
  options: { leaseMs: number; now: Date; servesApproval: boolean },
): Promise<boolean> {
  const at = options.now.toISOString();
  const result = await db
    .updateTable('lead_sync_states')
    .set((eb) => {
      const asked = eb.fn.coalesce('pendingTrigger', 'claimedTrigger');
      const approval = eb.or([eb('pendingTrigger', '=', 'approval'), eb('claimedTrigger', '=', 'approval')]);
      return {
        leaseOwner: owner,
        leaseExpiresAt: new Date(options.now.getTime() + options.leaseMs).toISOString(),
        updatedAt: at,
        ...(options.servesApproval
          ? { claimedTrigger: asked, pendingTrigger: null }
          : {
              claimedTrigger: eb.case().when(approval).then(null).else(asked).end(),
              pendingTrigger: eb.case().when(approval).then(eb.val<RunTrigger>('approval')).else(null).end(),
            }),
      };
    })
    .where('customerId', '=', customerId)
    .where((eb) =>
      eb.or([eb('leaseExpiresAt', 'is', null), eb('leaseExpiresAt', '<=', at), eb('leaseOwner', '=', owner)]),
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface ClaimEnding {
  nextRunAt: Date;
  /** Put the claimed trigger back (the run was interrupted by a shutdown, not finished). */
  requeue: boolean;
  /** Pause the customer with this reason (too many failures in a row). */
  autoPauseReason: string | null;
  now: Date;
}

/** Gives a claimed customer back: lease released, next run set. False when the lease was lost. */
export async function endClaim(
  db: Kysely<Database>,
  customerId: string,
  owner: string,
  ending: ClaimEnding,
): Promise<boolean> {
  const result = await db
    .updateTable('lead_sync_states')
    .set((eb) => ({
      leaseOwner: null,
      leaseExpiresAt: null,
      isRunning: 0,
      claimedTrigger: null,
      nextRunAt: ending.nextRunAt.toISOString(),
      updatedAt: ending.now.toISOString(),
      ...(ending.requeue && {
        pendingTrigger: eb.fn.coalesce('pendingTrigger', 'claimedTrigger'),
        // An interrupted run queues from when it was put back (or keeps a trigger's earlier turn).
        askedAt: eb.fn.coalesce('askedAt', eb.val(ending.now.toISOString())),
      }),
      ...(ending.autoPauseReason !== null && { isPaused: 1, pausedReason: ending.autoPauseReason }),
    }))
    .where('customerId', '=', customerId)
    .where('leaseOwner', '=', owner)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Closes the runs of a customer left without an outcome by a worker that died (its transaction
 * was rolled back by the database). Called by the worker that holds the lease now, so no live run
 * can be among them. Returns how many were closed.
 */
export async function reapUnfinishedRuns(
  db: Kysely<Database>,
  customerId: string,
  now: Date,
): Promise<number> {
  const result = await db
    .updateTable('lead_sync_runs')
    .set({
      outcome: 'failed',
      finishedAt: now.toISOString(),
      errorCode: 'WORKER_LOST',
      errorMessage: ERROR_CODES.WORKER_LOST.message,
    })
    .where('customerId', '=', customerId)
    .where('outcome', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

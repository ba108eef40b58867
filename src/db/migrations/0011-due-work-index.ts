import { sql, type Kysely } from 'kysely';
import { traitsOf } from '../dialect.js';

/**
 * Finding due work in time that does not grow with the fleet (issue 15).
 * - `lead_sync_states.askedAt`: when the run waiting in `pendingTrigger` was asked for, so asked
 *   runs and scheduled ones are served in the order they became due (a burst of triggers for
 *   one customer cannot keep the others waiting); backfilled from `updatedAt`.
 * - `lead_sync_states_due_idx`: `nextRunAt` of unpaused customers, walked in order by the claim's
 *   scheduled branch, which stops after the few rows it needs.
 * - `lead_sync_states_asked_idx`: the few customers with an asked, pushed or orphaned run.
 * Both are partial, so the claim's WHERE repeats their predicates word for word (SQLite only
 * uses a partial index whose terms it finds in the query).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { columnTypes: t, flagOff } = traitsOf(db);
  await db.schema.alterTable('lead_sync_states').addColumn('askedAt', t.timestamp).execute();
  await sql`update lead_sync_states set "askedAt" = "updatedAt" where "pendingTrigger" is not null`.execute(
    db,
  );
  const unpaused = sql<boolean>`${sql.ref('isPaused')} = ${sql.lit(flagOff)}`;
  await db.schema
    .createIndex('lead_sync_states_due_idx')
    .on('lead_sync_states')
    .column('nextRunAt')
    .where(unpaused)
    .execute();
  await db.schema
    .createIndex('lead_sync_states_asked_idx')
    .on('lead_sync_states')
    .column('askedAt')
    .where(
      sql<boolean>`${unpaused} and (${sql.ref('pendingTrigger')} is not null or ${sql.ref('claimedTrigger')} is not null or ${sql.ref('pushRunAt')} is not null)`,
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('lead_sync_states_asked_idx').execute();
  await db.schema.dropIndex('lead_sync_states_due_idx').execute();
  await db.schema.alterTable('lead_sync_states').dropColumn('askedAt').execute();
}

import type { Kysely } from 'kysely';
import type { Database } from './database.js';

/**
 * When a customer's current run of failures began: the end of its first failed run after its
 * last success (or ever, when it never succeeded). Null when no failed run follows the success.
 */
export async function failingSinceOf(
  db: Kysely<Database>,
  customerId: string,
  lastSuccessAt: string | null,
): Promise<string | null> {
  let query = db
    .selectFrom('lead_sync_runs')
    .select((eb) => eb.fn.min('finishedAt').as('since'))
    .where('customerId', '=', customerId)
    .where('outcome', '=', 'failed');
  if (lastSuccessAt !== null) query = query.where('startedAt', '>=', lastSuccessAt);
  const row = await query.executeTakeFirst();
  return row?.since ?? null;
}

import type { Kysely } from 'kysely';
import type { Database } from './database.js';

export interface HourActivity {
  /** The hour's start, ISO. */
  hour: string;
  /** Runs started in that hour. */
  syncs: number;
  /** Of those, the ones that ended `failed`. */
  failures: number;
}

const HOUR_MS = 3_600_000;

/**
 * Runs started and failed per hour, for the `hours` whole hours up to and including the current
 * one, oldest first. One range count per hour on the (startedAt) index: the same SQL for both
 * dialects, and cheap at fleet scale (it counts rows, never reads them out). Runs retention
 * folded into daily totals are not counted (they are older than the retention window).
 */
export async function countRunsByHour(
  db: Kysely<Database>,
  options: { now: Date; hours: number; customerId?: string },
): Promise<HourActivity[]> {
  const current = Math.floor(options.now.getTime() / HOUR_MS) * HOUR_MS;
  const out: HourActivity[] = [];
  for (let i = options.hours - 1; i >= 0; i--) {
    const from = new Date(current - i * HOUR_MS).toISOString();
    const to = new Date(current - (i - 1) * HOUR_MS).toISOString();
    let query = db
      .selectFrom('lead_sync_runs')
      .select((eb) => [
        eb.fn.countAll<number | string>().as('syncs'),
        eb.fn
          .sum<number | string | null>(eb.case().when('outcome', '=', 'failed').then(1).else(0).end())
          .as('failures'),
      ])
      .where('startedAt', '>=', from)
      .where('startedAt', '<', to);
    if (options.customerId !== undefined) query = query.where('customerId', '=', options.customerId);
    const row = await query.executeTakeFirstOrThrow();
    out.push({ hour: from, syncs: Number(row.syncs), failures: Number(row.failures ?? 0) });
  }
  return out;
}

import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';

/** A reservation of one request slot: when it may be sent, and how long from now that is. */
export interface QuotaSlot {
  /** Epoch ms (the database's clock) at which the request may go. */
  sendAtMs: number;
  waitMs: number;
}

/**
 * Reserves the next request slot of limiter `name` in one statement (PostgreSQL): the pacing of
 * PacedLimiter (worker/google-rate-limit.ts), computed by the database under the row's lock, so
 * every process reserves from one sequence. A slot may lie up to `burst - 1` gaps in the past
 * (a short burst is allowed); such a request goes at once. The clock is read once per statement
 * (`clock_timestamp()` in a CTE) so the slot and "now" agree; the caller's pace keeps one
 * request of each window back for what that reading and the network may be late by.
 */
export async function reserveQuotaSlot(
  db: Kysely<Database>,
  name: string,
  pace: { gapMs: number; burst: number },
): Promise<QuotaSlot> {
  const gap = sql`${pace.gapMs}::double precision`;
  const credit = sql`${pace.gapMs * (pace.burst - 1)}::double precision`;
  const { rows } = await sql<{ sendAtMs: number; nowMs: number }>`
    with clock as (select extract(epoch from clock_timestamp())::double precision * 1000 as now)
    insert into google_quota as q (name, "nextFreeMs", "sendAtMs")
      select ${name}, clock.now - ${credit} + ${gap}, clock.now from clock
    on conflict (name) do update
      set ("nextFreeMs", "sendAtMs") = (
        select greatest(q."nextFreeMs", clock.now - ${credit}) + ${gap}, greatest(q."nextFreeMs", clock.now)
        from clock
      )
    returning "sendAtMs", (select now from clock) as "nowMs"`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('reserveQuotaSlot: the upsert returned no row');
  const sendAtMs = Number(row.sendAtMs);
  return { sendAtMs, waitMs: Math.max(0, sendAtMs - Number(row.nowMs)) };
}

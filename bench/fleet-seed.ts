import type { Kysely } from 'kysely';
import type { Database } from '../src/db/database.js';
import { initialSyncState } from '../src/db/sync-states.repository.js';

/** What one seeded customer looks like: its sheet and when it is next due. */
export interface SeedCustomer {
  sheetUrl: string;
  sourceKind: 'google_export' | 'csv_url';
  spreadsheetId?: string;
  gid?: string;
  nextRunAt: Date;
  intervalMinutes: number;
}

const BATCH = 500;

/**
 * Inserts `count` customers and their states directly (500 per statement), far faster than
 * createCustomer one by one: the due-query plan test and the fleet benches need 10^4-10^5 of
 * them. No first run is queued; each is due at its `nextRunAt`. Ids are `c000001`, … in order (`idPrefix` replaces the `c`).
 */
export async function seedCustomers(
  db: Kysely<Database>,
  count: number,
  customerAt: (i: number) => SeedCustomer,
  now: Date,
  idPrefix = 'c',
): Promise<string[]> {
  const at = now.toISOString();
  const ids: string[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      const c = customerAt(i);
      const id = `${idPrefix}${String(i + 1).padStart(6, '0')}`;
      ids.push(id);
      rows.push({ id, c });
    }
    await db
      .insertInto('customers')
      .values(
        rows.map(({ id, c }) => ({
          id,
          name: `Customer ${id}`,
          sheetUrl: c.sheetUrl,
          sourceKind: c.sourceKind,
          spreadsheetId: c.spreadsheetId ?? null,
          gid: c.gid ?? null,
          dateOrder: 'DMY' as const,
          deleteThresholdPercent: 50,
          fieldOverrides: '{}',
          scheduleIntervalMinutes: c.intervalMinutes,
          createdAt: at,
          updatedAt: at,
        })),
      )
      .execute();
    await db
      .insertInto('lead_sync_states')
      .values(
        rows.map(({ id, c }) => ({ ...initialSyncState(id, now), nextRunAt: c.nextRunAt.toISOString() })),
      )
      .execute();
  }
  return ids;
}

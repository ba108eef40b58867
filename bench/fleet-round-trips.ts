// The database round trips of one unchanged 300-row sync on the worker's path (claim, run,
// give back), counted at the pg driver and listed with their SQL:
//   node bin/run-ts.js bench/fleet-round-trips.ts
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { createCustomer } from '../src/db/customers.repository.js';
import { claimDueCustomers } from '../src/db/scheduler.repository.js';
import { updateSyncState } from '../src/db/sync-states.repository.js';
import { LocalEventBus } from '../src/events/local-bus.js';
import { ServiceMetrics } from '../src/worker/metrics.js';
import { createGoogleLimiters } from '../src/worker/google-rate-limit.js';
import { runClaimed } from '../src/worker/run-claimed.js';
import type { WorkerContext } from '../src/worker/worker-context.js';
import { scratchPostgres } from './fleet-db.js';
import { fleetSheetId, startFleetGoogle } from './fleet-google.js';

const seen: string[] = [];
const query = pg.Client.prototype.query;
let counting = false;
pg.Client.prototype.query = function counted(this: pg.Client, ...args: unknown[]) {
  if (counting) {
    const first = args[0];
    const text =
      typeof first === 'string' ? first : ((first as { text?: string } | null)?.text ?? '(stream)');
    seen.push(text.replace(/\s+/g, ' ').slice(0, 110));
  }
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

/** Round trips of one unchanged sync, claim to release, with the statements in order. */
export async function unchangedSyncRoundTrips(): Promise<{ count: number; statements: string[] }> {
  const google = await startFleetGoogle({
    rowsOf: () => 300,
    ttfbMs: [0, 0],
    quotaPerMinute: 0,
    changeChance: 0,
  });
  const db = await scratchPostgres('trips');
  const handle = await openDatabase(db.url);
  try {
    const config = loadConfig({
      DATABASE_URL: db.url,
      GOOGLE_SHEETS_BASE_URL: google.baseUrl,
      LEADSYNC_ALLOW_HOSTS: '127.0.0.1',
    });
    const customer = await createCustomer(
      handle.db,
      {
        name: 'Trips',
        sheetUrl: `https://docs.google.com/spreadsheets/d/${fleetSheetId(1)}/edit#gid=0`,
        sourceKind: 'google_export',
        spreadsheetId: fleetSheetId(1),
        gid: '0',
      },
      new Date(),
    );
    const ctx: WorkerContext = {
      db: handle.db,
      config,
      bus: new LocalEventBus(),
      metrics: new ServiceMetrics({ processMetrics: false }),
      clock: () => new Date(),
      workerId: 'trips',
      leaseMs: 60_000,
      autoPauseFailures: 20,
      limiters: createGoogleLimiters(60_000, 60_000),
      stop: () => {},
      log: (m) => console.error(m),
    };
    const once = async () => {
      const [claim] = await claimDueCustomers(handle.db, 'trips', {
        leaseMs: 60_000,
        limit: 1,
        now: new Date(),
      });
      if (!claim) throw new Error('nothing to claim');
      return runClaimed(ctx, claim, new AbortController(), () => null);
    };
    await once(); // the import
    await updateSyncState(handle.db, customer.id, { nextRunAt: new Date(Date.now() - 1000) }, new Date());
    counting = true;
    const run = await once();
    counting = false;
    if (run?.outcome !== 'unchanged') throw new Error(`expected unchanged, got ${String(run?.outcome)}`);
    return { count: seen.length, statements: [...seen] };
  } finally {
    await handle.close();
    await db.drop();
    await google.close();
  }
}

if (process.argv[1]?.endsWith('fleet-round-trips.ts')) {
  const { count, statements } = await unchangedSyncRoundTrips();
  statements.forEach((s, i) => console.log(`${String(i + 1).padStart(2)} ${s}`));
  console.log(`${count} round trips`);
}

/**
 * Seeds a database for the API load measurements in docs/PERFORMANCE.md: one customer with
 * `leads` manual leads (default 1,000) and a finished-looking sync state. Prints the customer id.
 *
 *   DATABASE_URL=sqlite:/tmp/perf/leadsync.db node bin/run-ts.js scripts/perf-seed.ts 1000
 *
 * A PostgreSQL URL names a database that is dropped and created first (loopback test server only).
 */
import pg from 'pg';
import { openDatabase } from '../src/db/connection.js';
import { createCustomer } from '../src/db/customers.repository.js';
import { createManualLead } from '../src/db/leads.repository.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('set DATABASE_URL');
const leads = Number(process.argv[2] ?? 1000);

if (url.startsWith('postgres')) {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  if (!/^leadsync_perf\w*$/.test(name)) throw new Error('the database name must start with leadsync_perf');
  const admin = new pg.Client({
    connectionString: Object.assign(target, { pathname: '/postgres' }).toString(),
  });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}

const handle = await openDatabase(url);
const now = new Date();
const customer = await createCustomer(
  handle.db,
  { name: 'Perf', sheetUrl: 'https://example.com/perf.csv', sourceKind: 'csv_url' },
  now,
);
for (let i = 0; i < leads; i++) {
  await createManualLead(
    handle.db,
    customer.id,
    { fullName: `Person ${i}`, email: `person${i}@example.com`, company: `Company ${i % 50}` },
    now,
  );
}
// As after a successful sync: not queued, next run in ten minutes.
await handle.db
  .updateTable('lead_sync_states')
  .set({
    pendingTrigger: null,
    lastOutcome: 'success',
    lastSyncAt: now.toISOString(),
    lastSuccessAt: now.toISOString(),
    nextRunAt: new Date(now.getTime() + 600_000).toISOString(),
  })
  .where('customerId', '=', customer.id)
  .execute();
await handle.close();
console.log(customer.id);

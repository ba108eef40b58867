import { expect, it } from 'vitest';
import { claimDueCustomers } from '../../src/db/scheduler.repository.js';
import type { SyncRun } from '../../src/db/sync-runs.repository.js';
import { claimLease, releaseLease } from '../../src/db/sync-leases.repository.js';
import { describeEachDialect } from '../helpers/databases.js';
import { generatedSheet } from '../sync/generated-sheet.js';
import { useSyncBed, type TestCustomer } from '../sync/support.js';
import { leadsyncInProcess, startLeadsyncInProcess } from './in-process.js';
import { jsonOf, startLeadsync, type CliTarget } from './support.js';
import { heldBody } from '../fake-google/server.js';

/**
 * The CLI beside the service: `sync` and `approve` run under the customer's lease like a worker,
 * wait while someone else holds it (or exit 4 with `--no-wait`), and leave the customer so the
 * worker neither runs it beside them nor syncs it again right after. The commands run in the
 * test's process (a waiting one polls every 20 ms instead of every second); Ctrl-C is sent to a
 * real process.
 */
const FAKE_WORKER = 'worker:fake:1';
const OTHER_WORKER = 'worker:fake:2';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEachDialect('leadsync sync beside a worker', (dialect) => {
  const bed = useSyncBed(dialect);
  const target = (env: Record<string, string> = {}) => ({
    databaseUrl: bed.url,
    fake: bed.fake,
    env: { LEADSYNC_LEASE_WAIT_POLL_MS: '20', ...env },
  });
  const processTarget = (): CliTarget => ({ databaseUrl: bed.url, fake: bed.fake });
  const syncArgs = (customer: TestCustomer, ...more: string[]) => [
    'sync',
    customer.sheetUrl,
    '--customer',
    customer.name,
    ...more,
  ];
  /** A sheet of `rows` leads (about 300 bytes each) the fake sends 4 KiB at a time, `delayMs` apart. */
  const slowCustomer = async (rows: number, delayMs: number) => {
    const customer = await bed.customer(generatedSheet(rows));
    bed.fake.fault(customer.sheetId, { slowBody: { chunkBytes: 4096, delayMs } });
    return customer;
  };
  /** A sheet of `rows` leads whose download stops after its first 4 KiB until `release()`. */
  const heldCustomer = async (rows: number) => {
    const customer = await bed.customer(generatedSheet(rows));
    const held = heldBody(4096);
    bed.fake.fault(customer.sheetId, held.fault, { times: 1 });
    return { customer, release: held.release };
  };
  const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 20_000) => {
    const end = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await pause(20);
    }
  };

  it('waits while a worker holds the customer, says so, then syncs once the lease is released', async () => {
    const customer = await bed.customer('Name,Email\nAda,ada@example.com\nBob,bob@example.com\n');
    expect(await claimLease(bed.db, customer.id, FAKE_WORKER, 60_000, new Date())).toBe(true);

    const cli = startLeadsyncInProcess(syncArgs(customer, '--json'), target());
    await cli.waitForStderr(
      `customer ${customer.name} is being synced by ${FAKE_WORKER}; waiting for it to finish (Ctrl-C to stop, --no-wait to exit)`,
    );
    // The lease changes hands: the CLI names the new holder only after one more look at the
    // lease, so it polled again and still waits, with nothing written.
    await bed.db
      .updateTable('lead_sync_states')
      .set({ leaseOwner: OTHER_WORKER })
      .where('customerId', '=', customer.id)
      .where('leaseOwner', '=', FAKE_WORKER)
      .execute();
    await cli.waitForStderr(`customer ${customer.name} is being synced by ${OTHER_WORKER}; waiting`);
    expect(await bed.runs(customer)).toEqual([]);
    expect((await bed.state(customer)).leaseOwner).toBe(OTHER_WORKER);

    expect(await releaseLease(bed.db, customer.id, OTHER_WORKER)).toBe(true);
    const result = await cli.done;

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/waited \d+\.\d s; syncing /);
    expect(jsonOf<SyncRun>(result)).toMatchObject({ outcome: 'success', trigger: 'cli', rowsInserted: 2 });
    expect(await bed.runs(customer)).toHaveLength(1);
    expect((await bed.leads(customer)).map((l) => l.email)).toEqual(['ada@example.com', 'bob@example.com']);
    expect((await bed.state(customer)).leaseOwner).toBeNull();
  }, 60_000);

  it('with --no-wait exits 4 naming the holder, and writes nothing', async () => {
    const customer = await bed.customer('Name,Email\nAda,ada@example.com\n');
    expect(await claimLease(bed.db, customer.id, FAKE_WORKER, 60_000, new Date())).toBe(true);
    const customerRow = () =>
      bed.db.selectFrom('customers').selectAll().where('id', '=', customer.id).executeTakeFirstOrThrow();
    const before = { customer: await customerRow(), state: await bed.state(customer) };

    const text = await leadsyncInProcess(syncArgs(customer, '--no-wait', '--key', 'Email'), target());
    const json = await leadsyncInProcess(syncArgs(customer, '--no-wait', '--json'), target());

    expect(text.code).toBe(4);
    expect(text.stderr).toContain(
      `error CUSTOMER_BUSY: Customer ${customer.name} is being synced by ${FAKE_WORKER}`,
    );
    expect(json.code).toBe(4);
    expect(jsonOf<{ error: { code: string; details: { holder: string } } }>(json).error).toMatchObject({
      code: 'CUSTOMER_BUSY',
      details: { holder: FAKE_WORKER },
    });
    expect(await bed.runs(customer)).toEqual([]);
    expect(await bed.leads(customer)).toEqual([]);
    // Not even the customer's settings (--key) changed under the worker's sync.
    expect(await customerRow()).toEqual(before.customer);
    expect(await bed.state(customer)).toEqual(before.state);
    await releaseLease(bed.db, customer.id, FAKE_WORKER);
  }, 60_000);

  it("holds the lease while it syncs, so the worker's claim skips the customer, and leaves nothing for a second sync", async () => {
    // A new customer: its first run is queued (`create`), which the CLI's run serves.
    const { customer, release } = await heldCustomer(300);
    expect((await bed.state(customer)).pendingTrigger).toBe('create');
    const cli = startLeadsyncInProcess(syncArgs(customer, '--json'), target());
    await until('the CLI to start its run', async () => (await bed.runs(customer)).length > 0);

    const state = await bed.state(customer);
    expect(state.leaseOwner).toMatch(/^cli:[^:]+:\d+$/);
    expect(Date.parse(state.leaseExpiresAt ?? '')).toBeGreaterThan(Date.now());
    const during = await claimDueCustomers(bed.db, 'worker:test', {
      leaseMs: 60_000,
      limit: 100,
      now: new Date(),
    });
    // Other customers of this file may be due; they are not this test's concern.
    for (const claim of during) await releaseLease(bed.db, claim.customerId, 'worker:test');
    expect(during.map((c) => c.customerId)).not.toContain(customer.id);
    expect((await bed.runs(customer))[0]?.outcome).toBeNull(); // Still running.

    release();
    const result = await cli.done;
    expect(result.code).toBe(0);
    const run = jsonOf<SyncRun>(result);
    expect(run).toMatchObject({ outcome: 'success', rowsInserted: 300, workerId: state.leaseOwner });

    const after = await bed.state(customer);
    expect(after).toMatchObject({ leaseOwner: null, leaseExpiresAt: null, pendingTrigger: null });
    // The next run is one interval (10 minutes) after the CLI's run, as after a worker's.
    expect(Date.parse(after.nextRunAt ?? '')).toBe(Date.parse(run.finishedAt ?? '') + 10 * 60_000);
    const later = await claimDueCustomers(bed.db, 'worker:test', {
      leaseMs: 60_000,
      limit: 100,
      now: new Date(),
    });
    for (const claim of later) await releaseLease(bed.db, claim.customerId, 'worker:test');
    expect(later.map((c) => c.customerId)).not.toContain(customer.id);
    expect(await bed.runs(customer)).toHaveLength(1);
  }, 60_000);

  it('commits a sync that takes several lease periods: the heartbeat renews the lease (no false WORKER_LOST)', async () => {
    // 300 rows = 92 KiB, 24 pieces of 4 KiB each followed by 90 ms: at least 2.16 s of download
    // against a 1 s lease. (A 300 ms lease proved too tight for a loaded machine: beats renewed
    // every 100 ms landed up to 270 ms apart on an idle one, so an event-loop stall of 200 ms more
    // lost the lease for real.)
    const customer = await slowCustomer(300, 90);
    const started = Date.now();

    const result = await leadsyncInProcess(
      syncArgs(customer, '--json'),
      target({ LEADSYNC_LEASE_MS: '1000' }),
    );

    const run = jsonOf<SyncRun>(result);
    expect(run.error).toBeNull();
    expect(run).toMatchObject({ outcome: 'success', rowsInserted: 300 });
    expect(result.code).toBe(0);
    expect(Date.parse(run.finishedAt ?? '') - Date.parse(run.startedAt)).toBeGreaterThan(2 * 1000);
    expect(Date.now() - started).toBeGreaterThan(2 * 1000);
    expect((await bed.state(customer)).leaseOwner).toBeNull();
  }, 60_000);

  it('on Ctrl-C cancels the sync, releases the customer and exits 130', async () => {
    const { customer, release } = await heldCustomer(300); // Ctrl-C lands mid-download.
    const cli = startLeadsync(syncArgs(customer), processTarget());
    await cli.waitForStderr('fetching');
    await until('the CLI to hold the lease', async () =>
      Boolean((await bed.state(customer)).leaseOwner?.startsWith('cli:')),
    );

    cli.kill('SIGINT');
    const result = await cli.done;
    release();

    expect(result.code).toBe(130);
    expect(result.stderr).toContain('interrupted by SIGINT: the run was cancelled');
    expect((await bed.runs(customer)).map((r) => r.outcome)).toEqual(['cancelled']);
    expect(await bed.leads(customer)).toEqual([]);
    const state = await bed.state(customer);
    expect(state.leaseOwner).toBeNull();
    // The queued first run it was serving is queued again, for the worker.
    expect(state.pendingTrigger).toBe('create');
  }, 60_000);

  it('approve waits for the worker too, then applies the held deletes', async () => {
    const customer = await bed.seeded('Name,Email\nAda,ada@example.com\nBob,bob@example.com\n');
    bed.setSheet(customer, 'Name,Email\n');
    const held = (await bed.sync(customer)).run;
    expect(held.outcome).toBe('needs_review');
    expect(await claimLease(bed.db, customer.id, FAKE_WORKER, 60_000, new Date())).toBe(true);

    const busy = await leadsyncInProcess(['approve', held.id, '--no-wait'], target());
    expect(busy.code).toBe(4);
    const cli = startLeadsyncInProcess(['approve', held.id, '--json'], target());
    await cli.waitForStderr(`is being synced by ${FAKE_WORKER}; waiting`);
    await releaseLease(bed.db, customer.id, FAKE_WORKER);
    const result = await cli.done;

    expect(result.code).toBe(0);
    expect(jsonOf<SyncRun>(result)).toMatchObject({
      outcome: 'success',
      trigger: 'approval',
      rowsDeleted: 2,
    });
  }, 60_000);
});

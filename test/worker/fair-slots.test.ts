import { afterAll, beforeAll, expect, it } from 'vitest';
import { listRuns } from '../../src/db/sync-runs.repository.js';
import { Worker } from '../../src/worker/worker.js';
import { describeEachDialect } from '../helpers/databases.js';
import { leadsCsv, sheetId, startHarness, type Harness } from '../api/harness.js';

// A failing sheet's retries sleep in backoff without their slot: with one slot, a customer whose
// Google answers 503 must not keep another customer from syncing while it waits to retry.
const link = (n: number) => `https://docs.google.com/spreadsheets/d/${sheetId(n)}/edit#gid=0`;

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeEachDialect('worker slots', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    // Backoff of 15-30 s: far longer than the test, so the failing run is asleep throughout.
    h = await startHarness(dialect, {
      LEADSYNC_FETCH_RETRIES: '5',
      LEADSYNC_RETRY_BASE_MS: '30000',
      LEADSYNC_RETRY_MAX_MS: '30000',
    });
  });
  afterAll(async () => h?.close());

  const create = async (name: string, n: number) => {
    h.google.setSheet(sheetId(n), [{ gid: '0', title: 'Leads', csv: leadsCsv(3) }]);
    const res = await h.call('POST', '/api/customers', { name, sheetUrl: link(n) });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  };
  const status = async (id: string) =>
    (await h.call('GET', `/api/leads/sync/status?customerId=${id}`)).json();

  it('lends a sleeping retry’s slot to another customer, which syncs meanwhile', async () => {
    h.google.fault(sheetId(1), { status: 503 });
    const failing = await create('Failing', 1);
    const worker = new Worker({
      db: h.t.db,
      config: h.config,
      bus: h.bus,
      metrics: h.metrics,
      concurrency: 1,
      pollIntervalMs: 20,
      // Nothing here waits for a lease to run out: a long one, so no late heartbeat can lose it.
      leaseMs: 30_000,
      autoPauseFailures: 3,
    });
    worker.start();
    try {
      // The failing customer holds the one slot first: Google has been asked for its sheet (and
      // answered 503). Its progress ("retry 1 of 5") is stored only after a second, so it is not
      // what the test waits for: the healthy customer can only sync in a slot lent by its sleep.
      await until(
        async () => h.google.requests.filter((r) => r.path.includes(sheetId(1))).length,
        (n) => n > 0,
      );
      const healthy = await create('Healthy', 2);
      await until(
        () => status(healthy),
        (s) => s.status === 'success',
      );
      // The failing customer's run is still open: asleep in its backoff, lease held.
      const [run] = await listRuns(h.t.db, { customerId: failing, limit: 1 });
      expect(run?.outcome).toBeNull();
      expect(worker.active).toEqual([failing]);
    } finally {
      await worker.close();
    }
  });
});

import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { Worker } from '../../src/worker/worker.js';
import { describeEachDialect } from '../helpers/databases.js';
import { openEventStream, type ReceivedEvent } from '../service/sse-client.js';
import { until } from '../service/until.js';
import { startLeadsync } from '../service/worker-process.js';
import { ADMIN_TOKEN, leadsCsv, sheetId, startHarness, type Harness } from './harness.js';

const link = (n: number) => `https://docs.google.com/spreadsheets/d/${sheetId(n)}/edit#gid=0`;

/** The progress and final events of one run, as an SSE client sees them. */
function expectOneRun(events: ReceivedEvent[], customerId: string) {
  expect(events[0]).toMatchObject({ event: 'status', data: { customerId } });
  const names = events.map((e) => e.event);
  const started = names.indexOf('run-started');
  const finished = names.indexOf('run-finished');
  expect(started).toBeGreaterThan(0);
  expect(finished).toBeGreaterThan(started);
  const progress = events.slice(started, finished).filter((e) => e.event === 'progress');
  const reports = progress.map((e) => e.data.progress as { percent: number; phase: string });
  const percents = reports.map((p) => p.percent);
  // The run reports while it runs, not just when queued and at its end.
  expect(reports.some((p) => p.phase !== 'queued' && p.percent < 100)).toBe(true);
  expect(percents).toEqual([...percents].sort((a, b) => a - b));
  expect(percents.at(-1)).toBe(100);
  expect(events[finished]!.data).toMatchObject({ customerId, outcome: 'success' });
  for (const e of events) expect(e.data.customerId).toBe(customerId);
}

describeEachDialect('sync events over SSE', (dialect) => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await startHarness(dialect);
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => h?.close());

  /** A customer of 2,000 rows whose first sync is queued; its download takes `slowMs` or so. */
  const slowCustomer = async (name: string, n: number, slowMs = 0) => {
    h.google.setSheet(sheetId(n), [{ gid: '0', title: 'Leads', csv: leadsCsv(2000) }]);
    // The body is some 100 KB: 2,000 bytes every slowMs / 50.
    if (slowMs > 0)
      h.google.fault(sheetId(n), { slowBody: { chunkBytes: 2000, delayMs: slowMs / 50 } }, { times: 1 });
    const res = await h.call('POST', '/api/customers', { name, sheetUrl: link(n) });
    return res.json().id as string;
  };

  it('streams the status, progress during a sync, and the run-finished event', async () => {
    const id = await slowCustomer('Streamed', 31);
    const stream = await openEventStream(`${base}/api/leads/sync/events?customerId=${id}`, ADMIN_TOKEN);
    const worker = new Worker({
      db: h.t.db,
      config: h.config,
      bus: h.bus,
      metrics: h.metrics,
      concurrency: 1,
      pollIntervalMs: 20,
      leaseMs: 1000,
      autoPauseFailures: 20,
      // Every report published (each phase change is one), so no slow download is needed.
      progressEveryMs: 0,
    });
    try {
      expect(stream.status).toBe(200);
      expect(stream.contentType).toMatch(/^text\/event-stream/);
      await until(
        async () => stream.events.length,
        (n) => n >= 1,
      );
      expect(stream.events[0]!.data).toMatchObject({ status: 'queued', isRunning: false });
      worker.start();
      await until(
        async () => stream.events.some((e) => e.event === 'run-finished'),
        (done) => done,
      );
      expectOneRun(stream.events, id);
    } finally {
      stream.close();
      await worker.close();
    }
  });

  it('refuses a stream without a token (401) or for an unknown customer (404)', async () => {
    const url = `${base}/api/leads/sync/events?customerId=01J000000000000000000000AA`;
    const unknown = await openEventStream(url, ADMIN_TOKEN);
    unknown.close();
    expect(unknown.status).toBe(404);
    const anonymous = await openEventStream(url, 'wrong-token-0123456789');
    anonymous.close();
    expect(anonymous.status).toBe(401);
  });

  it('ends open streams when the server shuts down, so a graceful stop does not hang', async () => {
    const id = await slowCustomer('Shutdown', 33);
    const app = await buildApp({ db: h.t.db, dialect, config: h.config, bus: h.bus, metrics: h.metrics });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    const stream = await openEventStream(
      `http://127.0.0.1:${port}/api/leads/sync/events?customerId=${id}`,
      ADMIN_TOKEN,
    );
    try {
      expect(stream.status).toBe(200);
      const closed = await Promise.race([
        app.close().then(() => 'closed'),
        new Promise((resolve) => setTimeout(() => resolve('still open after 3 s'), 3000)),
      ]);
      expect(closed).toBe('closed');
    } finally {
      stream.close();
    }
  });

  if (dialect === 'postgres') {
    it('delivers events from a worker in another process (LISTEN/NOTIFY)', async () => {
      // That process publishes at most one report per 500 ms: a download of about 0.8 s has one inside.
      const id = await slowCustomer('Elsewhere', 32, 800);
      const stream = await openEventStream(`${base}/api/leads/sync/events?customerId=${id}`, ADMIN_TOKEN);
      const worker = await startLeadsync(['worker'], {
        DATABASE_URL: h.t.url,
        GOOGLE_SHEETS_BASE_URL: h.google.baseUrl,
        GOOGLE_SHEETS_API_BASE_URL: h.google.apiBaseUrl,
        LEADSYNC_ALLOW_HOSTS: '127.0.0.1',
        LEADSYNC_FETCH_RETRIES: '0',
        LEADSYNC_POLL_INTERVAL_MS: '50',
        LEADSYNC_LEASE_MS: '3000',
      });
      try {
        await until(
          async () => stream.events.some((e) => e.event === 'run-finished'),
          (done) => done,
          20_000,
        );
        expectOneRun(stream.events, id);
        expect(stream.events.find((e) => e.event === 'run-started')!.data.workerId).toBe(worker.workerId);
      } finally {
        stream.close();
        await worker.stop();
      }
    });
  }
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { Worker } from '../../src/worker/worker.js';
import { describeEachDialect } from '../helpers/databases.js';
import { until } from '../service/until.js';
import { sheetId, startHarness, type Harness } from './harness.js';

const link = (n: number) => `https://docs.google.com/spreadsheets/d/${sheetId(n)}/edit#gid=0`;

interface Warning {
  code: string;
  message: string;
  column?: string;
  count: number;
  samples?: (string | number)[];
}
interface RunJson {
  id: string;
  outcome: string | null;
  rowsInserted: number;
  warnings: Warning[];
}

/** Bad data passes with a word: each run's warnings, in the runs list, the run and the status. */
describeEachDialect('run warnings through the API', (dialect) => {
  let h: Harness;
  let worker: Worker;
  beforeAll(async () => {
    h = await startHarness(dialect);
    worker = new Worker({
      db: h.t.db,
      config: h.config,
      bus: h.bus,
      metrics: h.metrics,
      concurrency: 2,
      pollIntervalMs: 20,
      leaseMs: 1000,
      autoPauseFailures: 20,
    });
    worker.start();
  });
  afterAll(async () => {
    await worker?.close();
    await h?.close();
  });

  const setSheet = (n: number, csv: string) =>
    h.google.setSheet(sheetId(n), [{ gid: '0', title: 'Leads', csv }]);
  const runsOf = async (id: string) =>
    (await h.call('GET', `/api/leads/sync/runs?customerId=${id}`)).json().runs as RunJson[];
  const finished = async (id: string, count: number) => {
    const runs = await until(
      () => runsOf(id),
      (r) => r.length === count && r[0]?.outcome !== null,
    );
    await until(
      async () => (await h.call('GET', `/api/leads/sync/status?customerId=${id}`)).json(),
      (s) => s.isRunning === false && s.status !== 'queued',
    );
    return runs[0]!;
  };
  const create = async (name: string, n: number, csv: string, options: Record<string, unknown> = {}) => {
    setSheet(n, csv);
    const res = await h.call('POST', '/api/customers', { name, sheetUrl: link(n), ...options });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  };
  const trigger = async (id: string) =>
    expect((await h.call('POST', `/api/leads/sync/trigger?customerId=${id}`)).statusCode).toBe(202);

  it('lists what is wrong with the data on the run, the run detail and the status; the run still succeeds', async () => {
    const csv =
      'Name,Email,Phone,Date,Shoe size\n' +
      'Ada,ada@example.com,12,13/02/2026,9\n' +
      'Bob,bob-at-example,020 7946 0958,02/03/2026,10\n' +
      'Ada,ada@example.com,12,13/02/2026,9\n';
    const id = await create('Messy', 31, csv, { dateOrder: 'MDY' });
    const run = await finished(id, 1);

    expect(run).toMatchObject({ outcome: 'success', rowsInserted: 3 });
    const byCode = new Map(run.warnings.map((w) => [w.code, w]));
    expect([...byCode.keys()].sort()).toEqual([
      'COLUMNS_UNMAPPED',
      'DATE_UNREADABLE',
      'DUPLICATE_KEYS',
      'EMAIL_INVALID',
      'PHONE_UNREADABLE',
    ]);
    expect(byCode.get('DATE_UNREADABLE')).toMatchObject({
      column: 'Date',
      count: 2,
      samples: ['13/02/2026', '13/02/2026'],
    });
    expect(byCode.get('DATE_UNREADABLE')?.message).toContain('13/02/2026 is not a date in month/day/year');
    expect(byCode.get('DUPLICATE_KEYS')).toMatchObject({ count: 1, samples: [2, 4] });
    expect(byCode.get('EMAIL_INVALID')).toMatchObject({
      column: 'Email',
      count: 1,
      samples: ['bob-at-example'],
    });
    expect(byCode.get('COLUMNS_UNMAPPED')).toMatchObject({ count: 1, samples: ['Shoe size'] });

    const detail = (await h.call('GET', `/api/leads/sync/runs/${run.id}`)).json<RunJson>();
    expect(detail.warnings).toEqual(run.warnings);
    const status = (await h.call('GET', `/api/leads/sync/status?customerId=${id}`)).json();
    expect(status).toMatchObject({ status: 'success', warnings: run.warnings });

    // The same sheet again is not even parsed, and its warnings still stand.
    await trigger(id);
    const again = await finished(id, 2);
    expect(again).toMatchObject({ outcome: 'unchanged', warnings: run.warnings });
  });

  it('reports a sheet with a header and no rows as SHEET_EMPTY, and a changed header as HEADER_CHANGED', async () => {
    const id = await create('Columns', 32, 'Name,Email\nAda,ada@example.com\n');
    expect((await finished(id, 1)).warnings).toEqual([]);

    setSheet(32, 'Name,Email,Company\nAda,ada@example.com,Acme\n');
    await trigger(id);
    const changed = await finished(id, 2);
    expect(changed.warnings).toEqual([
      {
        code: 'HEADER_CHANGED',
        message: 'The header changed since the last successful sync: added "Company"',
        count: 1,
        samples: ['Company'],
      },
    ]);

    setSheet(32, 'Name,Email,Company\n');
    await trigger(id);
    const empty = await finished(id, 3);
    expect(empty.outcome).toBe('needs_review');
    expect(empty.warnings.map((w) => w.code)).toEqual(['SHEET_EMPTY']);
    const status = (await h.call('GET', `/api/leads/sync/status?customerId=${id}`)).json();
    expect(status.warnings.map((w: Warning) => w.code)).toEqual(['SHEET_EMPTY']);
  });
});

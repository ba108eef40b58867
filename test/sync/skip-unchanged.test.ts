import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCustomer, updateCustomer } from '../../src/db/customers.repository.js';
import { sumSkips } from '../../src/db/run-totals.repository.js';
import { ServiceMetrics } from '../../src/worker/metrics.js';
import { describeEachDialect } from '../helpers/databases.js';
import { NOW, expectOutcome, peopleCsv, useSyncBed, type SyncOptions, type TestCustomer } from './support.js';

// Issue 14: a sheet that did not change is not downloaded. With a service account the engine
// asks Drive for the revision first; plain HTTP sources are asked conditionally (ETag /
// Last-Modified) and a 304 ends the run. The fake Google counts what was really requested.
const CSV = peopleCsv(['Ada', 'Bob', 'Cyd']);

describeEachDialect('runs that skip the download of an unchanged sheet', (dialect) => {
  const bed = useSyncBed(dialect);
  let dir = '';
  let keyFile = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'leadsync-skip-'));
    keyFile = join(dir, 'key.json');
    await writeFile(keyFile, JSON.stringify(await bed.fake.generateServiceAccountKey()));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Syncs through the Sheets API with the service account, Drive on the fake. */
  const viaApi = (customer: TestCustomer, options: SyncOptions = {}) =>
    bed.sync(customer, {
      retries: 0,
      ...options,
      env: {
        GOOGLE_APPLICATION_CREDENTIALS: keyFile,
        GOOGLE_DRIVE_API_BASE_URL: bed.fake.driveApiBaseUrl,
        ...options.env,
      },
    });
  const plain = (customer: TestCustomer) =>
    bed.sync(customer, { retries: 0, env: { LEADSYNC_ALLOW_HOSTS: '127.0.0.1' } });

  it('asks Drive for the revision and downloads nothing when it is the last good run’s', async () => {
    const customer = await bed.customer(CSV);
    expectOutcome((await viaApi(customer)).run, 'success');
    const downloads = bed.fake.downloadRequests();
    const checks = bed.fake.revisionRequests();

    const { run, leadWrites } = await viaApi(customer);
    expectOutcome(run, 'unchanged');
    expect(run.details).toMatchObject({ skipped: 'revision', googleRequestsSaved: 1 });
    expect(run.rowsProcessed).toBe(3);
    expect(leadWrites).toBe(0);
    expect(bed.fake.downloadRequests()).toBe(downloads);
    expect(bed.fake.revisionRequests()).toBe(checks + 1);
    // A run that does download after a skip says nothing of a skip.
    bed.fake.fault(`${customer.sheetId}/drive`, { status: 503 }, { times: 1 });
    const downloaded = (await viaApi(customer)).run;
    expect(downloaded.details).toMatchObject({ identicalBody: true });
    expect(downloaded.details?.skipped).toBeUndefined();
    const state = await bed.state(customer);
    expect({ skips: state.revisionSkips, saved: state.googleRequestsSaved }).toEqual({ skips: 1, saved: 1 });
    expect(state.bytesSaved).toBeGreaterThan(0);
    // Per customer (the metrics endpoint's sums) and in Prometheus.
    expect(await sumSkips(bed.db, customer.id)).toEqual({
      skippedByRevision: 1,
      skippedByNotModified: 0,
      googleRequestsSaved: 1,
      bytesSaved: state.bytesSaved,
    });
    const metrics = new ServiceMetrics({ processMetrics: false });
    metrics.recordRun(run);
    metrics.recordRun(downloaded);
    const text = await metrics.registry.metrics();
    expect(text).toContain('leadsync_runs_skipped_total{reason="revision"} 1');
    expect(text).toContain('leadsync_google_requests_saved_total 1');
    expect(text).toContain(`leadsync_download_bytes_saved_total ${state.bytesSaved}`);
  });

  it('downloads once the sheet changed (Drive’s version went up)', async () => {
    const customer = await bed.customer(CSV);
    expectOutcome((await viaApi(customer)).run, 'success');
    bed.setSheet(customer, peopleCsv(['Ada', 'Bob', 'Cyd', 'Dee']));
    const downloads = bed.fake.downloadRequests();
    const { run } = await viaApi(customer);
    expectOutcome(run, 'success');
    expect(run.rowsInserted).toBe(1);
    expect(bed.fake.downloadRequests()).toBe(downloads + 1);
  });

  it('falls back to a normal download when the revision check fails', async () => {
    const customer = await bed.customer(CSV);
    expectOutcome((await viaApi(customer)).run, 'success');
    bed.fake.fault(`${customer.sheetId}/drive`, { status: 500 }, { times: 1 });
    const downloads = bed.fake.downloadRequests();
    const { run } = await viaApi(customer);
    // Downloaded, and then found byte for byte what the last run read.
    expectOutcome(run, 'unchanged');
    expect(run.details).toMatchObject({ identicalBody: true });
    expect(run.details?.skipped).toBeUndefined();
    expect(bed.fake.downloadRequests()).toBe(downloads + 1);
    expect(run.error).toBeNull();
  });

  it('downloads after a mapping option changed, though the revision did not', async () => {
    const customer = await bed.customer(CSV);
    expectOutcome((await viaApi(customer)).run, 'success');
    await updateCustomer(bed.db, customer.id, { dateOrder: 'MDY' }, NOW);
    const downloads = bed.fake.downloadRequests();
    const { run } = await viaApi(customer);
    // Read in full under the new options (what it then writes is the reader's business).
    expect(['success', 'unchanged']).toContain(run.outcome);
    expect(run.details?.skipped).toBeUndefined();
    expect(run.details?.identicalBody).toBeUndefined();
    expect(bed.fake.downloadRequests()).toBe(downloads + 1);
    // And the next run, under the new options, may skip again.
    expect((await viaApi(customer)).run.details).toMatchObject({ skipped: 'revision' });
  });

  it('ends unchanged on a 304 to If-None-Match, and downloads again once the ETag differs', async () => {
    const customer = await bed.customer(CSV, { sheet: { conditional: 'etag' } });
    expectOutcome((await plain(customer)).run, 'success');
    const before = bed.fake.requests.length;
    const { run, leadWrites } = await plain(customer);
    expectOutcome(run, 'unchanged');
    expect(run.details).toMatchObject({ skipped: 'not_modified' });
    expect(run.bytes).toBe(0);
    expect(leadWrites).toBe(0);
    const asked = bed.fake.requests.slice(before);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.headers['if-none-match']).toMatch(/^"[0-9a-f]{40}"$/);
    expect((await bed.state(customer)).notModifiedSkips).toBe(1);

    bed.setSheet(customer, peopleCsv(['Ada', 'Bob', 'Cyd', 'Dee']), { conditional: 'etag' });
    const changed = await plain(customer);
    expectOutcome(changed.run, 'success');
    expect(changed.run.rowsInserted).toBe(1);
  });

  it('sends If-Modified-Since to a CSV URL that gave Last-Modified, and a 304 ends the run', async () => {
    const path = `/files/leads-${customerCount++}.csv`;
    bed.fake.setFile(path, CSV, { conditional: 'last-modified' });
    const created = await createCustomer(
      bed.db,
      { name: `csv ${path}`, sheetUrl: `${bed.fake.baseUrl}${path}`, sourceKind: 'csv_url' },
      NOW,
    );
    const customer = { ...created, sheetId: '' };
    expectOutcome((await plain(customer)).run, 'success');
    const before = bed.fake.requests.length;
    const { run } = await plain(customer);
    expectOutcome(run, 'unchanged');
    expect(run.details).toMatchObject({ skipped: 'not_modified' });
    expect(bed.fake.requests[before]?.headers['if-modified-since']).toMatch(/GMT$/);
  });

  it('sends no validators after a mapping option changed, so the sheet is read again', async () => {
    const customer = await bed.customer(CSV, { sheet: { conditional: 'both' } });
    expectOutcome((await plain(customer)).run, 'success');
    await updateCustomer(bed.db, customer.id, { keyColumn: 'Email' }, NOW);
    const before = bed.fake.requests.length;
    const { run } = await plain(customer);
    expect(run.details?.skipped).toBeUndefined();
    expect(bed.fake.requests[before]?.headers['if-none-match']).toBeUndefined();
    expect(bed.fake.requests[before]?.headers['if-modified-since']).toBeUndefined();
    // Downloaded and read (a new key column re-keys every lead, so the guard holds it).
    expect(run.bytes).toBeGreaterThan(0);
    expect(run.outcome).toBe('needs_review');
  });
});

let customerCount = 0;

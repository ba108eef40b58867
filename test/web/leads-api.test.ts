import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualLead } from '../../src/db/leads.repository.js';
import { createLeadsApi, LeadsApiError, type LeadsApi, type SyncEvent } from '../../web/client/index.js';
import { ADMIN_TOKEN, leadsCsv, sheetId, startHarness, type Harness } from '../api/harness.js';

/** The typed client against a real API listening on 127.0.0.1 (SQLite), over real HTTP. */
describe('leadsApi client', () => {
  let h: Harness;
  let api: LeadsApi;
  let baseUrl: string;
  let customerId: string;
  beforeAll(async () => {
    h = await startHarness('sqlite');
    baseUrl = await h.app.listen({ port: 0, host: '127.0.0.1' });
    api = createLeadsApi({ baseUrl, token: ADMIN_TOKEN });
    h.google.setSheet(sheetId(1), [{ gid: '0', title: 'Sheet1', csv: leadsCsv(3) }]);
    h.google.setSheet(sheetId(2), [{ gid: '0', title: 'Sheet1', csv: leadsCsv(1) }], { private: true });
    const created = await api.createCustomer({
      name: 'Acme',
      sheetUrl: `https://docs.google.com/spreadsheets/d/${sheetId(1)}/edit#gid=0`,
    });
    customerId = created.id;
  });
  afterAll(async () => h?.close());

  it('creates, reads, lists and updates customers', async () => {
    expect((await api.getCustomer(customerId)).name).toBe('Acme');
    expect((await api.listAllCustomers()).map((c) => c.id)).toEqual([customerId]);
    const updated = await api.updateCustomer(customerId, { schedule: { intervalMinutes: 30 } });
    expect(updated.schedule).toEqual({ intervalMinutes: 30 });
  });

  it('reads statuses with the seed names and queues, pauses and resumes syncs', async () => {
    const status = await api.getSyncStatus(customerId);
    expect(status.customerId).toBe(customerId);
    expect((await api.getAllSyncStatuses()).map((s) => s.customerId)).toEqual([customerId]);
    expect(status.customer.id).toBe(customerId);
    expect(await api.triggerSync(customerId)).toEqual({
      success: true,
      message: 'Sync queued',
      customerId,
      runId: null,
      status: 'queued',
    });
    const paused = await api.pauseSync(customerId, 'holiday');
    expect(paused).toMatchObject({ success: true, customerId, status: 'paused', pausedReason: 'holiday' });
    const refused = await api.triggerSync(customerId).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LeadsApiError);
    expect(refused).toMatchObject({ code: 'SYNC_PAUSED', status: 409 });
    expect(await api.resumeSync(customerId)).toMatchObject({ success: true, isPaused: false });
    const metrics = await api.getSyncMetrics(customerId);
    expect(metrics).toMatchObject({ customerId, summary: { totalSyncs: 0, successRate: 0 } });
    expect((await api.getSyncMetrics()).customerId).toBe('all');
    expect((await api.listRuns(customerId)).runs).toEqual([]);
  });

  it("surfaces the API's error code, status and message", async () => {
    const wrongToken = createLeadsApi({ baseUrl, token: 'not-a-valid-token-at-all' });
    await expect(wrongToken.getAllSyncStatuses()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      status: 401,
    });
    await expect(api.getSyncStatus('01ARZ3NDEKTSV4RRFFQ69G5FAV')).rejects.toMatchObject({
      code: 'CUSTOMER_NOT_FOUND',
      status: 404,
    });
    await expect(api.approveRun('01ARZ3NDEKTSV4RRFFQ69G5FAV')).rejects.toMatchObject({
      code: 'RUN_NOT_FOUND',
    });
    await expect(api.getRun('01ARZ3NDEKTSV4RRFFQ69G5FAV')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    const offline = createLeadsApi({ baseUrl: 'http://127.0.0.1:1', token: ADMIN_TOKEN });
    await expect(offline.getSyncMetrics()).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });

  it('checks a sheet before saving, naming a private sheet by its code', async () => {
    const check = await api.validateSheet({
      sheetUrl: `https://docs.google.com/spreadsheets/d/${sheetId(1)}/edit`,
    });
    expect(check).toMatchObject({ headers: ['Name', 'Email', 'Company'], rowCount: 3 });
    expect(check.mappedFields).toMatchObject({ email: 'Email' });
    const e = await api
      .validateSheet({ sheetUrl: `https://docs.google.com/spreadsheets/d/${sheetId(2)}/edit` })
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'SHEET_NOT_PUBLIC', status: 422 });
  });

  it('fetches leads, caches them for the TTL and drops the cache on its own trigger', async () => {
    const lead = await createManualLead(
      h.t.db,
      customerId,
      { fullName: 'Ann', email: 'ann@x.io' },
      new Date(),
    );
    await createManualLead(h.t.db, customerId, { fullName: 'Bob' }, new Date());
    const leadRequests: string[] = [];
    const counted = createLeadsApi({
      baseUrl,
      token: ADMIN_TOKEN,
      fetch: (input, init) => {
        const url = input instanceof Request ? input.url : input.toString();
        if (url.includes('/api/leads?')) leadRequests.push(url);
        return fetch(input, init);
      },
    });
    const first = await counted.fetchLeadsFromApiCached(customerId, { limit: 10 });
    expect(first.total).toBe(2);
    expect(await counted.fetchLeadsFromApiCached(customerId, { limit: 10 })).toBe(first);
    expect(leadRequests).toHaveLength(1);
    await counted.triggerSync(customerId);
    expect(await counted.fetchLeadsFromApiCached(customerId, { limit: 10 })).not.toBe(first);
    expect(leadRequests).toHaveLength(2);
    expect((await api.fetchLeadsFromApi(customerId, { q: 'bob' })).leads.map((l) => l.fullName)).toEqual([
      'Bob',
    ]);
    const edited = await api.updateLead(lead.id, { status: 'won', score: 90 });
    expect(edited).toMatchObject({ status: 'won', score: 90 });
    const csv = await (await api.downloadLeadsCsv(customerId)).text();
    expect(csv).toContain('ann@x.io');
    expect(api.leadsCsvUrl(customerId)).toBe(
      `${baseUrl}/api/leads/export.csv?customerId=${customerId}&includeDeleted=false`,
    );
  });

  it('streams events over SSE and drops cached leads when a sync finishes', async () => {
    const before = await api.fetchLeadsFromApiCached(customerId);
    const events: SyncEvent[] = [];
    const sub = api.subscribeToEvents(customerId, (e) => events.push(e));
    await waitFor(() => events.some((e) => e.type === 'status'));
    h.bus.publish({
      type: 'progress',
      customerId,
      progress: { percent: 40, phase: 'fetching', message: 'Downloading' },
    });
    h.bus.publish({ type: 'run-finished', customerId, runId: 'r1', outcome: 'success' });
    await waitFor(() => events.some((e) => e.type === 'run-finished'));
    sub.close();
    expect(events.find((e) => e.type === 'progress')).toMatchObject({
      progress: { percent: 40, phase: 'fetching' },
    });
    expect(await api.fetchLeadsFromApiCached(customerId)).not.toBe(before);
  });
});

async function waitFor(ok: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

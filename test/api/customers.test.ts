import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.js';
import { leadsCsv, sheetId, startHarness, type Harness } from './harness.js';

describeEachDialect('customers API', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect);
    h.google.setSheet(sheetId(1), [{ gid: '0', title: 'Leads', csv: leadsCsv(3) }]);
  });
  afterAll(async () => h?.close());

  const link = (n: number) => `https://docs.google.com/spreadsheets/d/${sheetId(n)}/edit#gid=0`;

  it('creates a customer, queues its first run and shows it', async () => {
    const res = await h.call('POST', '/api/customers', { name: 'Acme', sheetUrl: link(1) });
    expect(res.statusCode).toBe(201);
    const customer = res.json();
    expect(customer).toMatchObject({
      name: 'Acme',
      sourceKind: 'google_export',
      schedule: { intervalMinutes: 10 },
      dateOrder: 'DMY',
    });
    const status = await h.call('GET', `/api/leads/sync/status?customerId=${customer.id}`);
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({
      customerId: customer.id,
      status: 'queued',
      isPaused: false,
      isRunning: false,
      lastError: null,
      lastErrorCode: null,
      customer: { id: customer.id, name: 'Acme', leadsReportingUrl: customer.sheetUrl },
    });
    expect((await h.call('GET', `/api/customers/${customer.id}`)).json().name).toBe('Acme');
  });

  it('refuses a second customer with the same name (409 CUSTOMER_EXISTS)', async () => {
    const res = await h.call('POST', '/api/customers', { name: 'Acme', sheetUrl: link(1) });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('CUSTOMER_EXISTS');
  });

  it('checks the link form and SSRF rules without fetching', async () => {
    const before = h.google.requests.length;
    const bad = await h.call('POST', '/api/customers', { name: 'Bad', sheetUrl: 'not a link' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('SHEET_URL_INVALID');
    const ssrf = await h.call('POST', '/api/customers', {
      name: 'Evil',
      sheetUrl: 'https://10.0.0.1/leads.csv',
    });
    expect(ssrf.statusCode).toBe(400);
    expect(ssrf.json().error.code).toBe('SOURCE_FORBIDDEN');
    const file = await h.call('POST', '/api/customers', { name: 'File', sheetUrl: 'file:///etc/passwd' });
    expect(file.json().error.code).toBe('SHEET_URL_INVALID');
    expect(h.google.requests.length).toBe(before);
  });

  it('rejects unknown fields, bad schedules and malformed bodies with 400, never 500', async () => {
    const extra = await h.call('POST', '/api/customers', { name: 'X', sheetUrl: link(1), color: 'red' });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.code).toBe('VALIDATION_FAILED');
    const cron = await h.call('POST', '/api/customers', {
      name: 'X',
      sheetUrl: link(1),
      schedule: { cron: 'nope', timezone: 'Europe/Paris' },
    });
    expect(cron.statusCode).toBe(400);
    const zone = await h.call('POST', '/api/customers', {
      name: 'X',
      sheetUrl: link(1),
      schedule: { cron: '0 * * * *', timezone: 'Mars/Base' },
    });
    expect(zone.statusCode).toBe(400);
    const broken = await h.app.inject({
      method: 'POST',
      url: '/api/customers',
      payload: '{"name":',
      headers: { authorization: 'Bearer test-admin-token-0123456789', 'content-type': 'application/json' },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a cron with a seconds field on create and update (400 VALIDATION_FAILED, minute-granular)', async () => {
    const everySecond = { cron: '* * * * * *', timezone: 'UTC' };
    const create = await h.call('POST', '/api/customers', {
      name: 'Tick',
      sheetUrl: link(1),
      schedule: everySecond,
    });
    expect(create.statusCode).toBe(400);
    expect(create.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('minute-granular'),
      details: { field: 'schedule' },
    });
    expect(
      (await h.call('GET', '/api/customers')).json().customers.map((c: { name: string }) => c.name),
    ).not.toContain('Tick');
    const created = (await h.call('POST', '/api/customers', { name: 'Tock', sheetUrl: link(1) })).json();
    const update = await h.call('PATCH', `/api/customers/${created.id}`, { schedule: everySecond });
    expect(update.statusCode).toBe(400);
    expect(update.json().error.code).toBe('VALIDATION_FAILED');
    expect((await h.call('GET', `/api/customers/${created.id}`)).json().schedule).toEqual({
      intervalMinutes: 10,
    });
  });

  it('answers 404 for unknown and malformed ids', async () => {
    for (const id of ['0190a4d2-0000-7000-8000-000000000000', 'nope', "1' or 1=1"]) {
      const res = await h.call('GET', `/api/customers/${encodeURIComponent(id)}`);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('CUSTOMER_NOT_FOUND');
    }
  });

  it('changes the schedule to cron and recomputes nextRunAt', async () => {
    const created = (await h.call('POST', '/api/customers', { name: 'Cron Co', sheetUrl: link(1) })).json();
    const res = await h.call('PATCH', `/api/customers/${created.id}`, {
      schedule: { cron: '0 9 * * *', timezone: 'Europe/Paris' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().schedule).toEqual({ cron: '0 9 * * *', timezone: 'Europe/Paris' });
    const status = (await h.call('GET', `/api/leads/sync/status?customerId=${created.id}`)).json();
    expect(new Date(status.nextRunAt).getUTCMinutes()).toBe(0);
  });

  it('validates a sheet by fetching it, without writing', async () => {
    const res = await h.call('POST', '/api/customers/validate-sheet', { sheetUrl: link(1) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ headerRow: 1, headers: ['Name', 'Email', 'Company'], rowCount: 3 });
    expect(body.mappedFields.email).toBe('Email');
    expect(body.sample).toHaveLength(3);
    // The dashboard shows the sample under the sheet's headers: each row's cells are keyed by them.
    expect(Object.keys(body.sample[0].cells)).toEqual(['Name', 'Email', 'Company']);
    expect(body.sample[0].cells.Email).toBe(body.sample[0].values.email);
    const missing = await h.call('POST', '/api/customers/validate-sheet', { sheetUrl: link(99) });
    expect(missing.statusCode).toBe(422);
  });

  it('deletes a customer (204) and then knows it no more', async () => {
    const created = (await h.call('POST', '/api/customers', { name: 'Gone', sheetUrl: link(1) })).json();
    expect((await h.call('DELETE', `/api/customers/${created.id}`)).statusCode).toBe(204);
    expect((await h.call('DELETE', `/api/customers/${created.id}`)).statusCode).toBe(404);
    expect((await h.call('GET', `/api/leads/sync/status?customerId=${created.id}`)).statusCode).toBe(404);
  });

  it('lists customers with a cursor', async () => {
    const page = (await h.call('GET', '/api/customers?limit=1')).json();
    expect(page.customers).toHaveLength(1);
    expect(page.nextCursor).toBe(page.customers[0].id);
    expect((await h.call('GET', '/api/customers?limit=0')).statusCode).toBe(400);
    expect((await h.call('GET', '/api/customers?limit=1001')).statusCode).toBe(400);
  });
});

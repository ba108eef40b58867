import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCustomerToken } from '../../src/service/admin-token.js';
import { describeEachDialect } from '../helpers/databases.js';
import { leadsCsv, sheetId, startHarness, type Harness } from '../api/harness.js';
import { startReceiver, type Receiver } from './support.js';

describeEachDialect('webhooks API', (dialect) => {
  let h: Harness;
  let receiver: Receiver;
  let customerId: string;
  let customerToken: string;
  beforeAll(async () => {
    h = await startHarness(dialect);
    receiver = await startReceiver([200]);
    h.google.setSheet(sheetId(1), [{ gid: '0', title: 'Leads', csv: leadsCsv(2) }]);
    const res = await h.call('POST', '/api/customers', {
      name: 'Acme',
      sheetUrl: `https://docs.google.com/spreadsheets/d/${sheetId(1)}/edit#gid=0`,
      notifyEmails: ['ops@acme.example'],
    });
    expect(res.json()).toMatchObject({ notifyEmails: ['ops@acme.example'] });
    customerId = res.json().id;
    customerToken = await createCustomerToken(h.t.db, customerId, 'test', new Date());
  });
  afterAll(async () => {
    await receiver?.close();
    await h?.close();
  });

  it('refuses targets the SSRF rules forbid, with stable codes', async () => {
    const cases: [string, string][] = [
      ['http://hooks.example.com/in', 'WEBHOOK_URL_FORBIDDEN'],
      ['https://10.0.0.7/in', 'WEBHOOK_URL_FORBIDDEN'],
      ['https://169.254.169.254/latest', 'WEBHOOK_URL_FORBIDDEN'],
      ['https://[::1]/in', 'WEBHOOK_URL_FORBIDDEN'],
      ['https://localhost/in', 'WEBHOOK_URL_FORBIDDEN'],
      ['ftp://hooks.example.com/in', 'WEBHOOK_URL_FORBIDDEN'],
      ['not a url', 'WEBHOOK_URL_INVALID'],
    ];
    for (const [url, code] of cases) {
      const res = await h.call('POST', '/api/webhooks', { url, events: ['sync.failed'] });
      expect({ url, status: res.statusCode, code: res.json().error.code }).toEqual({
        url,
        status: 400,
        code,
      });
    }
    const badEvent = await h.call('POST', '/api/webhooks', { url: receiver.url, events: ['sync.exploded'] });
    expect(badEvent.statusCode).toBe(400);
    expect(badEvent.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('shows the secret once, rotates it, sends a signed test event and logs the delivery', async () => {
    const created = await h.call('POST', '/api/webhooks', {
      url: receiver.url,
      events: ['sync.failed', 'customer.paused'],
    });
    expect(created.statusCode).toBe(201);
    const webhook = created.json();
    expect(webhook).toMatchObject({
      url: receiver.url,
      enabled: true,
      customerId: null,
      disabledReason: null,
    });
    expect(webhook.secret).toMatch(/^whsec_/);
    expect((await h.call('GET', `/api/webhooks/${webhook.id}`)).json()).not.toHaveProperty('secret');
    expect((await h.call('GET', '/api/webhooks')).json().webhooks[0]).not.toHaveProperty('secret');

    const rotated = (await h.call('POST', `/api/webhooks/${webhook.id}/rotate-secret`)).json();
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(webhook.secret);

    const test = await h.call('POST', `/api/webhooks/${webhook.id}/test`);
    expect(test.statusCode).toBe(200);
    expect(test.json()).toMatchObject({ delivered: true, statusCode: 200, error: null });
    const [request] = receiver.requests.slice(-1);
    expect(request!.headers['x-leadsync-event']).toBe('webhook.test');
    const timestamp = String(request!.headers['x-leadsync-timestamp']);
    const expected = `sha256=${createHmac('sha256', rotated.secret).update(`${timestamp}.${request!.body}`).digest('hex')}`;
    expect(request!.headers['x-leadsync-signature']).toBe(expected);

    const log = (await h.call('GET', `/api/webhooks/${webhook.id}/deliveries`)).json().deliveries;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      eventType: 'webhook.test',
      state: 'delivered',
      attempt: 1,
      statusCode: 200,
      error: null,
    });
    expect(log[0].latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('changes and deletes a webhook; customer tokens cannot see any of it', async () => {
    const { id } = (
      await h.call('POST', '/api/webhooks', { url: receiver.url, events: ['*'], customerId })
    ).json();
    const patched = await h.call('PATCH', `/api/webhooks/${id}`, {
      enabled: false,
      events: ['sync.completed'],
    });
    expect(patched.json()).toMatchObject({ enabled: false, events: ['sync.completed'], customerId });
    const http = await h.call('PATCH', `/api/webhooks/${id}`, { url: 'http://example.com/x' });
    expect(http.json().error.code).toBe('WEBHOOK_URL_FORBIDDEN');
    for (const [method, url] of [
      ['GET', '/api/webhooks'],
      ['GET', `/api/webhooks/${id}`],
      ['POST', `/api/webhooks/${id}/test`],
      ['DELETE', `/api/webhooks/${id}`],
    ] as const) {
      expect((await h.call(method, url, undefined, customerToken)).statusCode).toBe(404);
    }
    expect((await h.call('DELETE', `/api/webhooks/${id}`)).statusCode).toBe(204);
    const gone = await h.call('GET', `/api/webhooks/${id}`);
    expect([gone.statusCode, gone.json().error.code]).toEqual([404, 'WEBHOOK_NOT_FOUND']);
    expect((await h.call('GET', '/api/webhooks/not-an-id')).statusCode).toBe(404);
  });

  it('lists pauses and resumes as notifications with unread state', async () => {
    await h.call('POST', `/api/leads/sync/pause?customerId=${customerId}&reason=Holiday`);
    await h.call('POST', `/api/leads/sync/resume?customerId=${customerId}`);
    const list = (await h.call('GET', '/api/notifications')).json();
    expect(list.unread).toBe(2);
    expect(list.notifications.map((n: { type: string }) => n.type)).toEqual([
      'customer.resumed',
      'customer.paused',
    ]);
    expect(list.notifications[1]).toMatchObject({
      customerId,
      read: false,
      payload: { reason: 'person', message: 'Holiday' },
    });
    const read = await h.call('POST', '/api/notifications/read', { upTo: list.notifications[1].id });
    expect(read.json()).toEqual({ unread: 1 });
    const after = (await h.call('GET', '/api/notifications')).json();
    expect(after.notifications.map((n: { read: boolean }) => n.read)).toEqual([false, true]);
    // A customer token has its own marker and sees its customer's events only.
    expect((await h.call('GET', '/api/notifications', undefined, customerToken)).json().unread).toBe(2);
    expect((await h.call('GET', `/api/customers/${customerId}`)).json().notifyEmails).toEqual([
      'ops@acme.example',
    ]);
    const bad = await h.call('PATCH', `/api/customers/${customerId}`, { notifyEmails: ['not-an-address'] });
    expect(bad.statusCode).toBe(400);
  });
});

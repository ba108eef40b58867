import { sql } from 'kysely';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualLead } from '../../src/db/leads.repository.js';
import { newId } from '../../src/ids.js';
import { describeEachDialect } from '../helpers/databases.js';
import { ADMIN_TOKEN, leadsCsv, sheetId, startHarness, type Harness } from './harness.js';

/*
 * Issue 9, items 7 and 10: bad input of every kind, on every route that takes it, answers
 * `400 {error: {code: VALIDATION_FAILED, message}}` and writes nothing; never a 5xx, never
 * Fastify's own body. Table-driven: each row is one request.
 */

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
interface Case {
  method: Method;
  url: string;
  body?: unknown;
}

const NUL = '\u0000';
/** Read-back of every table a request could write, to prove a rejected one wrote nothing. */
const TABLES = [
  'customers',
  'leads',
  'lead_sync_states',
  'lead_sync_runs',
  'outbox_events',
  'webhooks',
  'webhook_deliveries',
  'notification_reads',
];

const BAD_LIMITS = ['Infinity', '-Infinity', '1e400', 'NaN', '-1', '0', '1001', '1.5', 'abc', '', '1,2'];
const BAD_CURSORS = [
  'abc',
  '0',
  "' OR 1=1 --",
  'x'.repeat(100),
  'x'.repeat(101),
  'ffffffff-ffff-ffff-ffff-fffffffffffg',
  `0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b${NUL}`,
  NUL,
];
const BLANKS = [' ', '   ', '\t\n ', '\u00a0'];
const BAD_TIMESTAMPS = [
  '0000-01-01T00:00:00Z',
  '0000-06-15T12:00:00.000Z',
  '0001-01-01T00:30:00+01:00', // year 0000 in UTC
  '10000-01-01T00:00:00Z',
  '+010000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2020-13-01T00:00:00Z',
  '2020-02-30T00:00:00Z',
  'yesterday',
  '',
];
const LONG_ID_LENGTHS = [101, 1000, 10000];
const q = encodeURIComponent;

describeEachDialect('bad input: 400 VALIDATION_FAILED with the error shape, nothing written', (dialect) => {
  let h: Harness;
  let customerId: string;
  let leadId: string;
  let webhookId: string;
  let baseline: string;
  const inputs = new Set<string>();
  const fiveHundreds: string[] = [];

  const link = (n: number) => `https://docs.google.com/spreadsheets/d/${sheetId(n)}/edit#gid=0`;

  async function send(options: InjectOptions & { method: Method; url: string }) {
    inputs.add(
      JSON.stringify([options.method, options.url, options.payload ?? null, options.headers ?? null]),
    );
    const res = await h.app.inject({
      ...options,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...options.headers },
    });
    if (res.statusCode >= 500) fiveHundreds.push(`${options.method} ${options.url.slice(0, 120)}`);
    return res;
  }
  const call = (c: Case) =>
    send({ method: c.method, url: c.url, ...(c.body !== undefined && { payload: c.body as object }) });

  async function snapshot(): Promise<string> {
    const parts: string[] = [];
    for (const table of TABLES) {
      const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(h.t.db);
      parts.push(
        `${table}:${rows
          .map((r) => JSON.stringify(r))
          .sort()
          .join('\n')}`,
      );
    }
    return parts.join('\n\n');
  }

  function expectErrorShape(res: LightMyRequestResponse, status: number, code: string) {
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error).toMatchObject({ code, message: expect.any(String) });
    expect([res.statusCode, body.error.code]).toEqual([status, code]);
  }

  async function expectRejected(c: Case) {
    const res = await call(c);
    expectErrorShape(res, 400, 'VALIDATION_FAILED');
    expect(await snapshot()).toBe(baseline);
  }

  beforeAll(async () => {
    h = await startHarness(dialect);
    h.google.setSheet(sheetId(1), [{ gid: '0', title: 'Leads', csv: leadsCsv(2) }]);
    const created = await h.call('POST', '/api/customers', { name: 'Acme', sheetUrl: link(1) });
    customerId = created.json().id;
    leadId = (await createManualLead(h.t.db, customerId, { fullName: 'Ann' }, new Date())).id;
    const hook = await h.call('POST', '/api/webhooks', { url: `${h.google.baseUrl}/hook`, events: ['*'] });
    webhookId = hook.json().id;
    await h.call('POST', `/api/leads/sync/pause?customerId=${customerId}`);
    await h.call('POST', `/api/leads/sync/resume?customerId=${customerId}`);
    baseline = await snapshot();
  });
  afterAll(async () => {
    // The figures the issue asks for (see the report); the assertion on 5xx is the test below.
    console.log(
      `[${dialect}] bad-input: ${inputs.size} distinct inputs, ${fiveHundreds.length} answered 5xx`,
    );
    await h?.close();
  });

  const listRoutes = () => [
    '/api/customers?',
    `/api/leads?customerId=${customerId}&`,
    '/api/leads/sync/status/all?',
    '/api/leads/sync/runs?',
    '/api/notifications?',
    `/api/webhooks/${webhookId}/deliveries?`,
  ];
  const pagedRoutes = () => [
    '/api/customers?cursor=',
    `/api/leads?customerId=${customerId}&cursor=`,
    '/api/leads/sync/status/all?cursor=',
    '/api/leads/sync/runs?before=',
    `/api/leads/sync/runs?customerId=${customerId}&before=`,
    '/api/notifications?before=',
  ];
  /** Every route with an id in its path, as a function of that id. */
  const idRoutes = (): ((id: string) => Case)[] => [
    (id) => ({ method: 'GET', url: `/api/customers/${id}` }),
    (id) => ({ method: 'PATCH', url: `/api/customers/${id}`, body: { name: 'Renamed' } }),
    (id) => ({ method: 'DELETE', url: `/api/customers/${id}` }),
    (id) => ({ method: 'PATCH', url: `/api/leads/${id}`, body: { status: 'won' } }),
    (id) => ({ method: 'POST', url: `/api/leads/sync/runs/${id}/approve` }),
    (id) => ({ method: 'GET', url: `/api/webhooks/${id}` }),
    (id) => ({ method: 'PATCH', url: `/api/webhooks/${id}`, body: { enabled: false } }),
    (id) => ({ method: 'DELETE', url: `/api/webhooks/${id}` }),
    (id) => ({ method: 'POST', url: `/api/webhooks/${id}/rotate-secret` }),
    (id) => ({ method: 'GET', url: `/api/webhooks/${id}/deliveries` }),
    (id) => ({ method: 'POST', url: `/api/webhooks/${id}/test` }),
  ];
  /** Every route with a customerId in its querystring. */
  const customerIdRoutes = (): ((id: string) => Case)[] => [
    (id) => ({ method: 'GET', url: `/api/leads?customerId=${id}` }),
    (id) => ({ method: 'GET', url: `/api/leads/count?customerId=${id}` }),
    (id) => ({ method: 'GET', url: `/api/leads/export.csv?customerId=${id}` }),
    (id) => ({ method: 'GET', url: `/api/leads/sync/status?customerId=${id}` }),
    (id) => ({ method: 'GET', url: `/api/leads/sync/metrics?customerId=${id}` }),
    (id) => ({ method: 'GET', url: `/api/leads/sync/runs?customerId=${id}` }),
    (id) => ({ method: 'GET', url: `/api/leads/sync/events?customerId=${id}` }),
    (id) => ({ method: 'POST', url: `/api/leads/sync/trigger?customerId=${id}` }),
    (id) => ({ method: 'POST', url: `/api/leads/sync/pause?customerId=${id}` }),
    (id) => ({ method: 'POST', url: `/api/leads/sync/resume?customerId=${id}` }),
  ];
  /** Every text field of every body, as a function of its value. */
  const textFields = (): [string, (v: string) => Case][] => {
    const customer = { name: 'New', sheetUrl: link(1) };
    return [
      ['customer name', (v) => ({ method: 'POST', url: '/api/customers', body: { ...customer, name: v } })],
      [
        'customer sheetUrl',
        (v) => ({ method: 'POST', url: '/api/customers', body: { ...customer, sheetUrl: v } }),
      ],
      [
        'customer keyColumn',
        (v) => ({ method: 'POST', url: '/api/customers', body: { ...customer, keyColumn: v } }),
      ],
      [
        'customer cron',
        (v) => ({
          method: 'POST',
          url: '/api/customers',
          body: { ...customer, schedule: { cron: v, timezone: 'UTC' } },
        }),
      ],
      [
        'customer timezone',
        (v) => ({
          method: 'POST',
          url: '/api/customers',
          body: { ...customer, schedule: { cron: '0 * * * *', timezone: v } },
        }),
      ],
      ['patch name', (v) => ({ method: 'PATCH', url: `/api/customers/${customerId}`, body: { name: v } })],
      [
        'patch sheetUrl',
        (v) => ({ method: 'PATCH', url: `/api/customers/${customerId}`, body: { sheetUrl: v } }),
      ],
      [
        'patch keyColumn',
        (v) => ({ method: 'PATCH', url: `/api/customers/${customerId}`, body: { keyColumn: v } }),
      ],
      [
        'validate sheetUrl',
        (v) => ({ method: 'POST', url: '/api/customers/validate-sheet', body: { sheetUrl: v } }),
      ],
      [
        'validate keyColumn',
        (v) => ({
          method: 'POST',
          url: '/api/customers/validate-sheet',
          body: { sheetUrl: link(1), keyColumn: v },
        }),
      ],
      ['lead status', (v) => ({ method: 'PATCH', url: `/api/leads/${leadId}`, body: { status: v } })],
      ['webhook url', (v) => ({ method: 'POST', url: '/api/webhooks', body: { url: v, events: ['*'] } })],
      [
        'patch webhook url',
        (v) => ({ method: 'PATCH', url: `/api/webhooks/${webhookId}`, body: { url: v } }),
      ],
    ];
  };

  describe('limits', () => {
    it.each(BAD_LIMITS)('limit=%j on every list route', async (limit) => {
      for (const route of listRoutes())
        await expectRejected({ method: 'GET', url: `${route}limit=${q(limit)}` });
    });

    it('still coerces good querystrings: limit=1, limit=1000, includeDeleted=true', async () => {
      for (const route of listRoutes()) {
        for (const limit of ['1', '1000']) {
          expect((await send({ method: 'GET', url: `${route}limit=${limit}` })).statusCode).toBe(200);
        }
      }
      const leads = await send({
        method: 'GET',
        url: `/api/leads?customerId=${customerId}&includeDeleted=true`,
      });
      expect(leads.json().total).toBe(1);
    });
  });

  describe('cursors', () => {
    it.each(BAD_CURSORS.map((c) => [c.length > 40 ? `${c.slice(0, 20)}… (${c.length})` : c, c]))(
      'cursor %j on every paged route',
      async (_label, cursor) => {
        for (const route of pagedRoutes())
          await expectRejected({ method: 'GET', url: `${route}${q(cursor)}` });
      },
    );

    it('still pages with the cursors it hands out, and with ids it has not issued yet', async () => {
      const first = (
        await send({ method: 'GET', url: `/api/leads?customerId=${customerId}&limit=1` })
      ).json();
      expect(first.nextCursor).toBeNull();
      const later = newId();
      for (const route of [
        '/api/customers?cursor=',
        '/api/leads/sync/status/all?cursor=',
        '/api/notifications?before=',
      ]) {
        expect((await send({ method: 'GET', url: `${route}${later}` })).statusCode).toBe(200);
      }
      // Runs need the cursor's own row (its startedAt): an id that is no run says so.
      await expectRejected({ method: 'GET', url: `/api/leads/sync/runs?before=${later}` });
    });
  });

  describe('NUL bytes', () => {
    it.each(['a\u0000b', NUL, `x${NUL}`])('%j in every text field of every body', async (value) => {
      for (const [, make] of textFields()) await expectRejected(make(value));
      await expectRejected({
        method: 'POST',
        url: '/api/customers',
        body: { name: 'New', sheetUrl: link(1), notifyEmails: [`ops${value}@acme.example`] },
      });
      await expectRejected({ method: 'PATCH', url: `/api/leads/${leadId}`, body: { convertedAt: value } });
      await expectRejected({ method: 'POST', url: '/api/notifications/read', body: { upTo: value } });
      await expectRejected({
        method: 'POST',
        url: '/api/webhooks',
        body: { url: `${h.google.baseUrl}/x`, events: ['*'], customerId: value },
      });
    });

    it.each(['a\u0000b', NUL])('%j in every querystring text and path id', async (value) => {
      await expectRejected({ method: 'GET', url: `/api/leads?customerId=${customerId}&q=${q(value)}` });
      await expectRejected({
        method: 'POST',
        url: `/api/leads/sync/pause?customerId=${customerId}&reason=${q(value)}`,
      });
      for (const make of customerIdRoutes()) await expectRejected(make(q(value)));
      for (const make of idRoutes()) await expectRejected(make(q(value)));
    });
  });

  it('takes odd but valid text literally: search for %, _, \\, quotes, emoji, control characters', async () => {
    const terms = ['%', '_', '\\', "'", '"', '💥', '\u0001', '\u001f', ' a '].map(q);
    // Bytes that are not UTF-8 (a lone surrogate, an overlong `/`, a bare continuation byte).
    for (const term of [...terms, '%ED%A0%80', '%C0%AF', '%80', '%']) {
      const res = await send({ method: 'GET', url: `/api/leads?customerId=${customerId}&q=${term}` });
      expect([term, res.statusCode]).toEqual([term, 200]);
    }
  });

  describe('blank text', () => {
    it.each(BLANKS)('%j as a name, key column, sheet link, lead status or webhook url', async (value) => {
      for (const [, make] of textFields()) await expectRejected(make(value));
    });
  });

  describe('JSON types are not coerced in bodies', () => {
    const cases = (): Case[] => {
      const customer = { name: 'New', sheetUrl: link(1) };
      const lead = `/api/leads/${leadId}`;
      const hook = `/api/webhooks/${webhookId}`;
      return [
        { method: 'POST', url: '/api/customers', body: { ...customer, name: 123 } },
        { method: 'POST', url: '/api/customers', body: { ...customer, name: true } },
        { method: 'POST', url: '/api/customers', body: { ...customer, name: ['Acme 2'] } },
        { method: 'POST', url: '/api/customers', body: { ...customer, name: null } },
        { method: 'POST', url: '/api/customers', body: { ...customer, sheetUrl: 5 } },
        { method: 'POST', url: '/api/customers', body: { ...customer, keyColumn: 5 } },
        { method: 'POST', url: '/api/customers', body: { ...customer, deleteThresholdPercent: '50' } },
        { method: 'POST', url: '/api/customers', body: { ...customer, schedule: { intervalMinutes: '10' } } },
        { method: 'POST', url: '/api/customers', body: { ...customer, dateOrder: ['MDY'] } },
        { method: 'POST', url: '/api/customers', body: { ...customer, notifyEmails: 'ops@acme.example' } },
        { method: 'PATCH', url: `/api/customers/${customerId}`, body: { name: 123 } },
        { method: 'PATCH', url: `/api/customers/${customerId}`, body: { deleteThresholdPercent: '5' } },
        { method: 'PATCH', url: `/api/customers/${customerId}`, body: { keyColumn: false } },
        { method: 'PATCH', url: lead, body: { status: 5 } },
        { method: 'PATCH', url: lead, body: { score: '5' } },
        { method: 'PATCH', url: lead, body: { score: true } },
        { method: 'PATCH', url: lead, body: { score: [5] } },
        { method: 'PATCH', url: lead, body: { score: 1.5 } },
        { method: 'PATCH', url: lead, body: { convertedAt: 0 } },
        { method: 'POST', url: '/api/webhooks', body: { url: 5, events: ['*'] } },
        { method: 'POST', url: '/api/webhooks', body: { url: `${h.google.baseUrl}/x`, events: '*' } },
        {
          method: 'POST',
          url: '/api/webhooks',
          body: { url: `${h.google.baseUrl}/x`, events: ['*'], enabled: 'true' },
        },
        { method: 'PATCH', url: hook, body: { enabled: 'false' } },
        { method: 'PATCH', url: hook, body: { enabled: 0 } },
        { method: 'POST', url: '/api/notifications/read', body: { upTo: 5 } },
        { method: 'POST', url: '/api/customers/validate-sheet', body: { sheetUrl: 5 } },
      ];
    };
    it('refuses a number, boolean, array or string where the schema says otherwise', async () => {
      for (const c of cases()) await expectRejected(c);
    });
  });

  describe('timestamps', () => {
    it.each(BAD_TIMESTAMPS)('convertedAt %j', async (value) => {
      await expectRejected({ method: 'PATCH', url: `/api/leads/${leadId}`, body: { convertedAt: value } });
    });

    it('still takes the earliest and latest years it can store', async () => {
      for (const convertedAt of ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z']) {
        const res = await send({ method: 'PATCH', url: `/api/leads/${leadId}`, payload: { convertedAt } });
        expect([res.statusCode, res.json().convertedAt]).toEqual([200, new Date(convertedAt).toISOString()]);
      }
      await send({ method: 'PATCH', url: `/api/leads/${leadId}`, payload: { convertedAt: null } });
      baseline = await snapshot();
    });
  });

  describe('ids', () => {
    it.each(LONG_ID_LENGTHS)(
      'a %i-character id on every :id route and customerId parameter',
      async (length) => {
        const id = 'a'.repeat(length);
        for (const make of idRoutes()) await expectRejected(make(id));
        for (const make of customerIdRoutes()) await expectRejected(make(id));
      },
    );

    it('a malformed % escape in a path', async () => {
      for (const url of ['/api/customers/%E0%A4%A', '/api/webhooks/%ZZ', '/api/leads/%C0%AF']) {
        await expectRejected({ method: 'GET', url });
      }
    });

    it('answers 404 with its code for short ids that are not ours, never 5xx', async () => {
      const codes = [
        'CUSTOMER_NOT_FOUND',
        'CUSTOMER_NOT_FOUND',
        'CUSTOMER_NOT_FOUND',
        'LEAD_NOT_FOUND',
        'RUN_NOT_FOUND',
        ...Array<string>(6).fill('WEBHOOK_NOT_FOUND'),
      ];
      for (const id of ['abc', 'x'.repeat(100), "'%20OR%201=1", '..%2F..%2Fetc', q('💥'), newId()]) {
        const routes = idRoutes();
        for (const [i, make] of routes.entries()) {
          const res = await call(make(id));
          expectErrorShape(res, 404, codes[i]!);
        }
      }
      expect(await snapshot()).toBe(baseline);
    });
  });

  describe('notifications/read', () => {
    const ids = async (): Promise<string[]> =>
      (await send({ method: 'GET', url: '/api/notifications' }))
        .json()
        .notifications.map((n: { id: string }) => n.id);

    it('refuses ids that are no notification: from the future, unknown, of another kind', async () => {
      const [newest] = await ids();
      const future = `ffffffff-${newest!.slice(9)}`;
      const cases = [future, newId(), customerId, leadId, 'ffffffff-ffff-7fff-bfff-ffffffffffff'];
      for (const upTo of cases)
        await expectRejected({ method: 'POST', url: '/api/notifications/read', body: { upTo } });
    });

    it('marks read up to an id, and back to an older one (the newer are unread again)', async () => {
      const [resumed, paused] = await ids();
      const read = (upTo: string) =>
        send({ method: 'POST', url: '/api/notifications/read', payload: { upTo } });
      expect((await read(resumed!)).json()).toEqual({ unread: 0 });
      expect((await read(paused!)).json()).toEqual({ unread: 1 });
      const list = (await send({ method: 'GET', url: '/api/notifications' })).json();
      expect(list.notifications.map((n: { read: boolean }) => n.read)).toEqual([false, true]);
      expect(list.unread).toBe(1);
    });
  });

  describe('bodiless POST routes accept an empty body whatever the Content-Type (CONTRACT)', () => {
    const CONTENT_TYPES = [
      undefined,
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/octet-stream',
      'multipart/form-data; boundary=x',
    ];
    it.each(CONTENT_TYPES)('content-type %j', async (type) => {
      const routes: [string, number][] = [
        [`/api/leads/sync/trigger?customerId=${customerId}`, 202],
        [`/api/leads/sync/pause?customerId=${customerId}`, 200],
        [`/api/leads/sync/resume?customerId=${customerId}`, 200],
        [`/api/leads/sync/runs/${newId()}/approve`, 404], // the handler ran: RUN_NOT_FOUND, not a body error
        [`/api/webhooks/${webhookId}/rotate-secret`, 200],
        [`/api/webhooks/${webhookId}/test`, 200],
      ];
      for (const [url, status] of routes) {
        const res = await send({
          method: 'POST',
          url,
          payload: '',
          headers: type === undefined ? {} : { 'content-type': type },
        });
        expect([url, res.statusCode]).toEqual([url, status]);
        if (status === 404) expect(res.json().error.code).toBe('RUN_NOT_FOUND');
      }
    });

    it('still refuses an empty body where a body is required, and a non-empty one of an unknown type', async () => {
      const empty = await send({
        method: 'POST',
        url: '/api/customers',
        payload: '',
        headers: { 'content-type': 'application/json' },
      });
      expectErrorShape(empty, 400, 'VALIDATION_FAILED');
      const xml = await send({
        method: 'POST',
        url: '/api/customers',
        payload: '<customer/>',
        headers: { 'content-type': 'application/xml' },
      });
      expect(xml.statusCode).toBeGreaterThanOrEqual(400);
      expect(xml.statusCode).toBeLessThan(500);
      expect(xml.json().error.code).toBe('VALIDATION_FAILED');
    });
  });

  it('answered no input with a 5xx', () => {
    expect(fiveHundreds).toEqual([]);
    expect(inputs.size).toBeGreaterThan(500);
  });
});

import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRouteAccess, type RouteAccess, type RouteAccessEntry } from '../../src/api/auth.js';
import { createCustomer } from '../../src/db/customers.repository.js';
import { createManualLead } from '../../src/db/leads.repository.js';
import { insertRun } from '../../src/db/sync-runs.repository.js';
import { createCustomerToken } from '../../src/service/admin-token.js';
import { describeEachDialect } from '../helpers/databases.js';
import { ADMIN_TOKEN, startHarness, type Harness } from './harness.js';
import { listenOnLoopback, rawRequest, type RawResponse } from './raw-http.js';

type Caller = 'none' | 'wrong' | 'customer' | 'admin';
/** What a caller must get from a route of each access. */
type Outcome = 'unauthorized' | 'hidden' | 'allowed';
const EXPECTED: Record<RouteAccess, Record<Caller, Outcome>> = {
  public: { none: 'allowed', wrong: 'allowed', customer: 'allowed', admin: 'allowed' },
  scoped: { none: 'unauthorized', wrong: 'unauthorized', customer: 'allowed', admin: 'allowed' },
  admin: { none: 'unauthorized', wrong: 'unauthorized', customer: 'hidden', admin: 'allowed' },
};

/** `/api/webhooks` → `/%61pi/%77ebhooks`: what the router decodes and a prefix check does not. */
const encodeLiterals = (pattern: string) =>
  pattern
    .split('/')
    .map((segment) =>
      /^[a-z]/i.test(segment) ? `%${segment.charCodeAt(0).toString(16)}${segment.slice(1)}` : segment,
    )
    .join('/');

describeEachDialect('every route, by its declared access, over real HTTP', (dialect) => {
  let h: Harness;
  let port: number;
  const ids: Record<string, string> = {};
  const tokens: Record<Caller, string | null> = {
    none: null,
    wrong: 'not-a-token-at-all',
    customer: '',
    admin: ADMIN_TOKEN,
  };
  beforeAll(async () => {
    // Each push-URL call below spends the customer's trigger allowance.
    h = await startHarness(dialect, { LEADSYNC_TRIGGER_RATE_PER_MINUTE: '1000' });
    const now = new Date();
    const customer = (k: string) =>
      createCustomer(
        h.t.db,
        { name: k, sheetUrl: `https://example.com/${k}.csv`, sourceKind: 'csv_url' },
        now,
      );
    ids.customer = (await customer('mine')).id;
    await customer('theirs');
    tokens.customer = await createCustomerToken(h.t.db, ids.customer, 'walk', now);
    ids.lead = (await createManualLead(h.t.db, ids.customer, { fullName: 'Ann' }, now)).id;
    ids.run = (await insertRun(h.t.db, { customerId: ids.customer, trigger: 'manual', startedAt: now })).id;
    const hook = await h.call('POST', '/api/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['*'] });
    ids.webhook = hook.json().id;
    port = await listenOnLoopback(h.app);
  });
  afterAll(async () => h?.close());

  /** The route's pattern with real ids in it (unknown ones well-formed), `*` as a file name. */
  const fill = (path: string, url: string) =>
    path
      .replace(
        ':id',
        url.startsWith('/api/webhooks')
          ? ids.webhook!
          : url.startsWith('/api/leads')
            ? ids.lead!
            : ids.customer!,
      )
      .replace(':runId', ids.run!)
      .replace('*', 'index.css');

  /** A push URL's customer and secret, made afresh: a caller before may have rotated or deleted it. */
  async function pushSecret(): Promise<{ customerId: string; secret: string }> {
    const res = await h.call('POST', `/api/customers/${ids.customer}/push-url`, { debounceSeconds: 300 });
    const [, , , customerId = '', secret = ''] = new URL(res.json().pushUrl as string).pathname.split('/');
    return { customerId, secret };
  }

  async function call(entry: RouteAccessEntry, encoded: boolean, caller: Caller): Promise<RawResponse> {
    let path = fill(encoded ? encodeLiterals(entry.url) : entry.url, entry.url);
    if (entry.url.includes(':secret')) {
      const push = await pushSecret();
      path = path.replace(':customerId', push.customerId).replace(':secret', push.secret);
    }
    const query = path.startsWith('/%61pi/') || path.startsWith('/api/') ? `?customerId=${ids.customer}` : '';
    const token = tokens[caller];
    const withBody = entry.method === 'POST' || entry.method === 'PATCH';
    return rawRequest(
      port,
      entry.method,
      path + query,
      {
        ...(token !== null && { authorization: `Bearer ${token}` }),
        ...(withBody && { 'content-type': 'application/json' }),
      },
      withBody ? '{}' : undefined,
    );
  }

  it('knows every route, declared and encodable', () => {
    const urls = h.app.routeAccess.map((r) => r.url);
    expect(urls).toEqual(
      expect.arrayContaining(['/api/webhooks', '/api/customers/:id', '/healthz', '/metrics', '/docs']),
    );
    expect(h.app.routeAccess.filter((r) => r.url.startsWith('/api/')).length).toBeGreaterThan(30);
    for (const r of h.app.routeAccess) expect(['public', 'scoped', 'admin']).toContain(r.access);
  });

  it('refuses the reported bypasses: /%61pi/webhooks without a token, /api/%77ebhooks as a customer', async () => {
    const json = { 'content-type': 'application/json' };
    const hook = JSON.stringify({ url: 'http://127.0.0.1:9/steal', events: ['*'] });
    expect((await rawRequest(port, 'GET', '/%61pi/webhooks')).status).toBe(401);
    expect((await rawRequest(port, 'POST', '/%61pi/webhooks', json, hook)).status).toBe(401);
    expect((await rawRequest(port, 'POST', `/%61pi/webhooks/${ids.webhook}/rotate-secret`)).status).toBe(401);
    const asCustomer = { ...json, authorization: `Bearer ${tokens.customer}` };
    expect((await rawRequest(port, 'GET', '/api/%77ebhooks', asCustomer)).status).toBe(404);
    expect((await rawRequest(port, 'POST', '/api/%77ebhooks', asCustomer, hook)).status).toBe(404);
    const listed = await h.call('GET', '/api/webhooks');
    expect(listed.json().webhooks.map((w: { id: string }) => w.id)).toEqual([ids.webhook]);
  });

  it('answers each caller as the route declares, with the path as is and percent-encoded', async () => {
    // Destructive routes last, so the reads still find what they read; admin last, so the
    // customer's token is not deleted with its customer before the customer's turn.
    const routes = [...h.app.routeAccess].sort(
      (a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'),
    );
    const failures: string[] = [];
    for (const caller of ['none', 'wrong', 'customer', 'admin'] as const) {
      for (const entry of routes) {
        for (const encoded of entry.url === '/' ? [false] : [false, true]) {
          const res = await call(entry, encoded, caller);
          const outcome = EXPECTED[entry.access][caller];
          const where = `${entry.method} ${encoded ? encodeLiterals(entry.url) : entry.url} as ${caller} (${entry.access}): ${res.status} ${res.body.slice(0, 120)}`;
          // HEAD answers have no body: their 404 is the not-found handler's by status alone.
          const noRoute =
            res.status === 404 && (entry.method === 'HEAD' || /"message":"No route /.test(res.body));
          // A wildcard's file server looks at the raw URL: its encoded form finds no file (still no 401).
          const wildcard = entry.url.includes('*');
          if (res.status >= 500) failures.push(`5xx: ${where}`);
          else if (outcome === 'unauthorized' && res.status !== 401) failures.push(`expected 401: ${where}`);
          else if (outcome === 'hidden' && !noRoute) failures.push(`expected the no-route 404: ${where}`);
          else if (outcome === 'allowed') {
            if (res.status === 401 || (noRoute && !wildcard)) failures.push(`expected the handler: ${where}`);
            // A read with real ids succeeds (a wildcard's file may not exist).
            const read = entry.method === 'GET' || entry.method === 'HEAD';
            if (read && !wildcard && (res.status < 200 || res.status >= 400))
              failures.push(`expected 2xx/3xx: ${where}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('route access declarations', () => {
  it('refuses an /api route that declares no access, at registration', async () => {
    const app = Fastify();
    registerRouteAccess(app);
    expect(() => app.get('/api/undeclared', async () => 'x')).toThrow(/declares no config.access/);
    app.get('/api/declared', { config: { access: 'scoped' } }, async () => 'x');
    app.get('/elsewhere', async () => 'x');
    await app.ready();
    const table = (app as unknown as { routeAccess: RouteAccessEntry[] }).routeAccess;
    expect(table.find((r) => r.url === '/elsewhere' && r.method === 'GET')?.access).toBe('scoped');
    await app.close();
  });
});

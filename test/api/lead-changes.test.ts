import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCustomer } from '../../src/db/customers.repository.js';
import { createManualLead } from '../../src/db/leads.repository.js';
import { createCustomerToken } from '../../src/service/admin-token.js';
import { runSync } from '../../src/sync/engine.js';
import { describeEachDialect } from '../helpers/databases.js';
import { leadsCsv, sheetId, startHarness, type Harness } from './harness.js';

interface ChangeJson {
  op: string;
  lead: { id: string; customerId: string; fullName: string | null; status: string };
  changedFields?: string[];
  runId?: string;
  at: string;
  cursor: string;
}
interface Page {
  changes: ChangeJson[];
  nextCursor: string;
  hasMore: boolean;
}

describeEachDialect('change feed and history API', (dialect) => {
  let h: Harness;
  let mine: string;
  let theirs: string;
  let token: string;
  let runId: string;
  beforeAll(async () => {
    h = await startHarness(dialect);
    const now = new Date();
    h.google.setSheet(sheetId(7), [{ gid: '0', title: 'Leads', csv: leadsCsv(5) }]);
    const sheetUrl = `https://docs.google.com/spreadsheets/d/${sheetId(7)}/edit#gid=0`;
    const customer = {
      name: 'Mine',
      sheetUrl,
      sourceKind: 'google_export' as const,
      spreadsheetId: sheetId(7),
    };
    mine = (await createCustomer(h.t.db, customer, now)).id;
    const other = { name: 'Theirs', sheetUrl: 'https://example.com/b.csv', sourceKind: 'csv_url' as const };
    theirs = (await createCustomer(h.t.db, other, now)).id;
    token = await createCustomerToken(h.t.db, mine, 'test', now);
    const run = await runSync({ db: h.t.db, config: h.config }, { customerId: mine, trigger: 'manual' });
    if (run.outcome !== 'success') throw new Error(`seed sync: ${run.outcome} ${run.error?.message}`);
    runId = run.id;
    await createManualLead(h.t.db, theirs, { fullName: 'Manual Mo' }, now);
  });
  afterAll(async () => h?.close());

  const page = async (query: string, as?: string): Promise<Page> => {
    const res = await h.call('GET', `/api/leads/changes?${query}`, undefined, as);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Page>();
  };

  it("serves a customer's sync as inserts, oldest first, each with the lead as GET /api/leads shows it", async () => {
    const all = await page(`customerId=${mine}`);
    expect(all.changes.map((c) => [c.op, c.lead.fullName, c.runId])).toEqual(
      [0, 1, 2, 3, 4].map((i) => ['insert', `Person ${i}`, runId]),
    );
    expect(all.hasMore).toBe(false);
    expect(all.nextCursor).toBe(all.changes.at(-1)!.cursor);
    const listed = (await h.call('GET', `/api/leads?customerId=${mine}&limit=1`)).json<{
      leads: unknown[];
    }>();
    expect(all.changes[0]!.lead).toEqual(listed.leads[0]);
  });

  it('pages with nextCursor and hasMore, and answers an empty page with the same cursor to poll', async () => {
    const first = await page(`customerId=${mine}&limit=2`);
    expect(first.changes).toHaveLength(2);
    expect(first.hasMore).toBe(true);
    const second = await page(`customerId=${mine}&limit=2&since=${first.nextCursor}`);
    expect(second.changes.map((c) => c.lead.fullName)).toEqual(['Person 2', 'Person 3']);
    const end = (await page(`customerId=${mine}`)).nextCursor;
    expect(await page(`customerId=${mine}&since=${end}`)).toEqual({
      changes: [],
      nextCursor: end,
      hasMore: false,
    });
  });

  it('lets the admin read every customer without customerId, and a customer token only its own', async () => {
    const everyone = await page('');
    expect(new Set(everyone.changes.map((c) => c.lead.customerId))).toEqual(new Set([mine, theirs]));
    expect(everyone.changes.at(-1)).toMatchObject({ op: 'insert', lead: { fullName: 'Manual Mo' } });
    expect(everyone.changes.at(-1)!.runId).toBeUndefined();
    const own = await page('', token);
    expect(new Set(own.changes.map((c) => c.lead.customerId))).toEqual(new Set([mine]));
    for (const query of [`customerId=${theirs}`, 'customerId=00000000-0000-0000-0000-000000000000']) {
      const res = await h.call('GET', `/api/leads/changes?${query}`, undefined, token);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('CUSTOMER_NOT_FOUND');
    }
  });

  it('refuses a limit outside 1-1000 and a cursor it did not issue with 400', async () => {
    for (const query of ['limit=0', 'limit=1001', 'since=nope', 'since=1-zzzzzzzz', "since=1'--"]) {
      const res = await h.call('GET', `/api/leads/changes?customerId=${mine}&${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('serves a CRM edit as an edit naming the changed fields, and the history from/to, newest first', async () => {
    const before = (await page(`customerId=${mine}`)).nextCursor;
    const lead = (await page(`customerId=${mine}&limit=1`)).changes[0]!.lead;
    const patched = await h.call('PATCH', `/api/leads/${lead.id}`, { status: 'won', score: 7 });
    expect(patched.statusCode).toBe(200);
    // The same values again change nothing, so they add nothing.
    await h.call('PATCH', `/api/leads/${lead.id}`, { status: 'won' });
    const after = await page(`customerId=${mine}&since=${before}`);
    expect(after.changes.map((c) => [c.op, c.lead.id, c.changedFields, c.runId])).toEqual([
      ['edit', lead.id, ['status', 'score'], undefined],
    ]);
    expect(after.changes[0]!.lead.status).toBe('won');

    const history = await h.call('GET', `/api/leads/${lead.id}/history`, undefined, token);
    expect(history.statusCode).toBe(200);
    const entries = history.json<{ op: string; runId?: string; fields: object; cursor: string }[]>();
    expect(entries.map(({ op, runId, fields }) => ({ op, runId, fields }))).toEqual([
      {
        op: 'edit',
        runId: undefined,
        fields: { status: { from: 'new', to: 'won' }, score: { from: null, to: 7 } },
      },
      { op: 'insert', runId, fields: {} },
    ]);
    const older = await h.call('GET', `/api/leads/${lead.id}/history?before=${entries[0]!.cursor}`);
    expect(older.json<{ op: string }[]>().map((e) => e.op)).toEqual(['insert']);
  });

  it("answers 404 for another customer's lead's history and for a lead that does not exist", async () => {
    const theirLead = (await page(`customerId=${theirs}`)).changes[0]!.lead;
    for (const id of [theirLead.id, '00000000-0000-0000-0000-000000000000', 'not-an-id']) {
      const res = await h.call('GET', `/api/leads/${id}/history`, undefined, token);
      expect(res.statusCode, id).toBe(404);
      expect(res.json().error.code).toBe('LEAD_NOT_FOUND');
    }
  });
});

import { expect, it } from 'vitest';
import { createCustomer } from '../../src/db/customers.repository.js';
import type { NewLeadRow } from '../../src/db/database.js';
import {
  countLeads,
  createManualLead,
  findLeadById,
  listLeads,
  updateLeadCrmFields,
  type Lead,
} from '../../src/db/leads.repository.js';
import { newId } from '../../src/ids.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';
import { newLeadFields } from '../helpers/lead-values.js';

const NOW = new Date('2026-11-29T16:56:54.123Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);
let seq = 0;

describeEachDialect('leads repository', (dialect) => {
  const t = useTestDatabase(dialect);
  const newCustomer = async () =>
    (await createCustomer(t.db, { name: `Leads ${++seq}`, sheetUrl: 'x.csv', sourceKind: 'file' }, NOW)).id;
  /** A lead as a sync would have written it. */
  const sheetLead = async (customerId: string, values: Partial<NewLeadRow> = {}): Promise<string> => {
    const id = newId();
    await t.db
      .insertInto('leads')
      .values({
        id,
        customerId,
        origin: 'sheet',
        externalKey: `key:${id}`,
        rowHash: 'h',
        data: '{}',
        firstSeenAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
        ...values,
      })
      .execute();
    return id;
  };

  it('creates a manual lead that a sync cannot mistake for a sheet row', async () => {
    const customerId = await newCustomer();
    const lead = await createManualLead(
      t.db,
      customerId,
      {
        fullName: 'Zoë Ångström',
        email: 'zoe@example.com',
        phone: '+33 6 12 34 56 78',
        occurredAt: '2026-02-04',
        score: 7,
        data: { Source: 'Salon «Tech» 🚀', 'Note\nmultiligne': 'ligne 1\nligne 2' },
      },
      NOW,
    );
    expect(lead).toEqual({
      id: expect.any(String),
      customerId,
      origin: 'manual',
      externalKey: `manual:${lead.id}`,
      ...newLeadFields(),
      fullName: 'Zoë Ångström',
      firstName: null,
      lastName: null,
      email: 'zoe@example.com',
      phone: '+33 6 12 34 56 78',
      company: null,
      jobTitle: null,
      source: null,
      owner: null,
      occurredAt: '2026-02-04',
      notes: null,
      status: 'new',
      score: 7,
      convertedAt: null,
      data: { Source: 'Salon «Tech» 🚀', 'Note\nmultiligne': 'ligne 1\nligne 2' },
      sheetRow: null,
      firstSeenAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      deletedAt: null,
    } satisfies Lead);
    expect(await findLeadById(t.db, lead.id)).toEqual(lead);
  });

  it('refuses a manual lead for a customer that does not exist with CUSTOMER_NOT_FOUND', async () => {
    await expect(
      createManualLead(t.db, '0190c0de-0000-7000-8000-000000000000', { fullName: 'X' }, NOW),
    ).rejects.toMatchObject({ code: 'CUSTOMER_NOT_FOUND' });
  });

  it("updates a lead's status, score and conversion time, and nothing else", async () => {
    const customerId = await newCustomer();
    const id = await sheetLead(customerId, { fullName: 'Ada', sheetRow: 4 });
    const before = await findLeadById(t.db, id);
    const updated = await updateLeadCrmFields(
      t.db,
      id,
      { status: 'won', score: 90, convertedAt: '2026-12-01T10:00:00+01:00', fullName: 'Hacked' } as never,
      at(60_000),
    );
    expect(updated).toEqual({
      ...before,
      status: 'won',
      score: 90,
      convertedAt: '2026-12-01T09:00:00.000Z',
      updatedAt: at(60_000).toISOString(),
    });
    const cleared = await updateLeadCrmFields(t.db, id, { score: null, convertedAt: null }, at(70_000));
    expect(cleared).toMatchObject({ status: 'won', score: null, convertedAt: null });
    expect(await updateLeadCrmFields(t.db, 'no-such-lead', { status: 'won' }, NOW)).toBeUndefined();
  });

  it('refuses a fractional score or an empty status with VALIDATION_FAILED', async () => {
    const customerId = await newCustomer();
    const id = await sheetLead(customerId);
    await expect(updateLeadCrmFields(t.db, id, { score: 4.5 }, NOW)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(updateLeadCrmFields(t.db, id, { status: ' ' }, NOW)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('pages through leads in id order without gaps or repeats, skipping deleted ones unless asked', async () => {
    const customerId = await newCustomer();
    const other = await newCustomer();
    const ids: string[] = [];
    const deleted = new Set<string>();
    for (let i = 0; i < 11; i++) {
      const id = await sheetLead(customerId, i % 4 === 3 ? { deletedAt: at(i).toISOString() } : {});
      ids.push(id);
      if (i % 4 === 3) deleted.add(id);
    }
    await sheetLead(other);
    // Ids are time-ordered to the millisecond only: within one, their order is random.
    ids.sort();
    const live = ids.filter((id) => !deleted.has(id));

    const paged: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await listLeads(t.db, { customerId, limit: 3, ...(cursor !== undefined && { cursor }) });
      paged.push(...page.leads.map((l) => l.id));
      pages++;
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(paged).toEqual(live);
    expect(pages).toBe(3); // 9 live leads: 3 + 3 + 3, and the third page knows it is the last
    const everything = await listLeads(t.db, { customerId, limit: 100, includeDeleted: true });
    expect(everything.leads.map((l) => l.id)).toEqual(ids);
    expect(everything.nextCursor).toBeNull();
    expect(await countLeads(t.db, customerId)).toBe(9);
    expect(await countLeads(t.db, customerId, { includeDeleted: true })).toBe(11);
  });

  it('gives a null cursor when the last page is exactly full', async () => {
    const customerId = await newCustomer();
    for (let i = 0; i < 4; i++) await sheetLead(customerId);
    const first = await listLeads(t.db, { customerId, limit: 2 });
    expect(first.nextCursor).not.toBeNull();
    const second = await listLeads(t.db, { customerId, limit: 2, cursor: first.nextCursor ?? '' });
    expect(second.leads).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
  });

  it('searches names, email, company and phone for a substring, ignoring case', async () => {
    const customerId = await newCustomer();
    const ada = await sheetLead(customerId, { fullName: 'Ada Lovelace', email: 'ada@analytical.example' });
    const grace = await sheetLead(customerId, { firstName: 'Grace', lastName: 'HOPPER', company: 'Navy' });
    const phone = await sheetLead(customerId, { phone: '+44 20 7946 0958' });
    const search = async (q: string) =>
      (await listLeads(t.db, { customerId, limit: 50, q })).leads.map((l) => l.id).sort();
    expect(await search('lovelace')).toEqual([ada]);
    expect(await search('ANALYTICAL')).toEqual([ada]);
    expect(await search('hopper')).toEqual([grace]);
    expect(await search('navy')).toEqual([grace]);
    expect(await search('7946')).toEqual([phone]);
    expect(await search('  ada  ')).toEqual([ada]);
    expect(await search('')).toEqual([ada, grace, phone].sort());
    expect(await countLeads(t.db, customerId, { q: 'A' })).toBe(2); // Ada, Grace (Navy)
  });

  it('takes % and _ in a search literally', async () => {
    const customerId = await newCustomer();
    const percent = await sheetLead(customerId, { company: '100% Leads' });
    const underscore = await sheetLead(customerId, { email: 'first_last@example.com' });
    const backslash = await sheetLead(customerId, { notes: null, company: 'C:\\Leads' });
    await sheetLead(customerId, { company: '1000 Leads', email: 'firstXlast@example.com' });
    const search = async (q: string) =>
      (await listLeads(t.db, { customerId, limit: 50, q })).leads.map((l) => l.id);
    expect(await search('0% L')).toEqual([percent]);
    expect(await search('%')).toEqual([percent]);
    expect(await search('t_l')).toEqual([underscore]);
    expect(await search('_')).toEqual([underscore]);
    expect(await search('C:\\L')).toEqual([backslash]);
  });

  it('searches deleted leads only when asked to include them', async () => {
    const customerId = await newCustomer();
    const gone = await sheetLead(customerId, { fullName: 'Gone Girl', deletedAt: NOW.toISOString() });
    expect((await listLeads(t.db, { customerId, limit: 10, q: 'gone' })).leads).toEqual([]);
    const found = await listLeads(t.db, { customerId, limit: 10, q: 'gone', includeDeleted: true });
    expect(found.leads.map((l) => l.id)).toEqual([gone]);
  });
});

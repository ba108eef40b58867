import { expect, it } from 'vitest';
import {
  createCustomer,
  deleteCustomer,
  findCustomerById,
  findCustomerByName,
  listCustomers,
  updateCustomer,
  type NewCustomer,
} from '../../src/db/customers.repository.js';
import { createManualLead, countLeads } from '../../src/db/leads.repository.js';
import { findRunById, insertRun } from '../../src/db/sync-runs.repository.js';
import { getSyncState } from '../../src/db/sync-states.repository.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';

const NOW = new Date('2026-11-29T16:56:54.123Z');
const LATER = new Date('2026-11-30T08:00:00.000Z');
let seq = 0;
const acme = (overrides: Partial<NewCustomer> = {}): NewCustomer => ({
  name: `Acme ${++seq}`,
  sheetUrl: 'https://docs.google.com/spreadsheets/d/abc/edit#gid=0',
  sourceKind: 'google_export',
  ...overrides,
});

describeEachDialect('customers repository', (dialect) => {
  const t = useTestDatabase(dialect);

  it('creates a customer with the documented defaults and reads it back by id and by name', async () => {
    const created = await createCustomer(t.db, acme({ spreadsheetId: 'abc', gid: '0' }), NOW);
    expect(created).toEqual({
      id: expect.any(String),
      name: created.name,
      sheetUrl: 'https://docs.google.com/spreadsheets/d/abc/edit#gid=0',
      sourceKind: 'google_export',
      spreadsheetId: 'abc',
      gid: '0',
      keyColumn: null,
      dateOrder: 'DMY',
      deleteThresholdPercent: 50,
      fieldOverrides: {},
      schedule: { intervalMinutes: 10 },
      createdAt: '2026-11-29T16:56:54.123Z',
      updatedAt: '2026-11-29T16:56:54.123Z',
    });
    expect(await findCustomerById(t.db, created.id)).toEqual(created);
    expect(await findCustomerByName(t.db, created.name)).toEqual(created);
  });

  it("creates the customer's sync state with it, due at once with a create trigger", async () => {
    const created = await createCustomer(t.db, acme(), NOW);
    expect(await getSyncState(t.db, created.id)).toMatchObject({
      customerId: created.id,
      isPaused: false,
      isRunning: false,
      nextRunAt: NOW.toISOString(),
      pendingTrigger: 'create',
      leaseOwner: null,
      lastHeaders: null,
      updatedAt: NOW.toISOString(),
    });
  });

  it('keeps field overrides and a cron schedule, unicode included', async () => {
    const created = await createCustomer(
      t.db,
      acme({
        fieldOverrides: { email: 'Courriel 📧', fullName: 'Nom complet «client»' },
        schedule: { cron: '0 8 * * 1-5', timezone: 'Europe/Paris' },
        keyColumn: 'Référence',
        dateOrder: 'MDY',
        deleteThresholdPercent: 10,
      }),
      NOW,
    );
    const found = await findCustomerById(t.db, created.id);
    expect(found).toEqual(created);
    expect(found).toMatchObject({
      fieldOverrides: { email: 'Courriel 📧', fullName: 'Nom complet «client»' },
      schedule: { cron: '0 8 * * 1-5', timezone: 'Europe/Paris' },
      keyColumn: 'Référence',
    });
  });

  it('refuses a second customer with the same name with CUSTOMER_EXISTS, leaving nothing behind', async () => {
    const first = await createCustomer(t.db, acme(), NOW);
    await expect(createCustomer(t.db, acme({ name: first.name }), NOW)).rejects.toMatchObject({
      code: 'CUSTOMER_EXISTS',
      status: 409,
    });
    const all = await listCustomers(t.db, { limit: 1000 });
    expect(all.filter((c) => c.name === first.name)).toHaveLength(1);
  });

  it("refuses a duplicate name inside a caller's transaction too, rolling it back", async () => {
    const first = await createCustomer(t.db, acme(), NOW);
    const otherName = `Other ${++seq}`;
    await expect(
      t.db.transaction().execute(async (trx) => {
        await createCustomer(trx, acme({ name: otherName }), NOW);
        await createCustomer(trx, acme({ name: first.name }), NOW);
      }),
    ).rejects.toMatchObject({ code: 'CUSTOMER_EXISTS' });
    expect(await findCustomerByName(t.db, otherName)).toBeUndefined();
  });

  it('returns undefined for an id or name that does not exist, malformed ids included', async () => {
    expect(await findCustomerById(t.db, '0190c0de-0000-7000-8000-000000000000')).toBeUndefined();
    expect(await findCustomerById(t.db, "not-an-id'; drop table customers; --")).toBeUndefined();
    expect(await findCustomerByName(t.db, 'Nobody')).toBeUndefined();
  });

  it('updates only the given fields and updatedAt', async () => {
    const created = await createCustomer(t.db, acme({ keyColumn: 'ID' }), NOW);
    const updated = await updateCustomer(
      t.db,
      created.id,
      { deleteThresholdPercent: 25, schedule: { intervalMinutes: 60 }, fieldOverrides: { phone: 'Tél.' } },
      LATER,
    );
    expect(updated).toEqual({
      ...created,
      deleteThresholdPercent: 25,
      schedule: { intervalMinutes: 60 },
      fieldOverrides: { phone: 'Tél.' },
      updatedAt: LATER.toISOString(),
    });
    expect(await findCustomerById(t.db, created.id)).toEqual(updated);
  });

  it('switches between interval and cron schedules', async () => {
    const created = await createCustomer(
      t.db,
      acme({ schedule: { cron: '*/5 * * * *', timezone: 'UTC' } }),
      NOW,
    );
    const updated = await updateCustomer(t.db, created.id, { schedule: { intervalMinutes: 15 } }, LATER);
    expect(updated.schedule).toEqual({ intervalMinutes: 15 });
  });

  it('cannot be tricked into writing columns that are not in a patch', async () => {
    const created = await createCustomer(t.db, acme(), NOW);
    const sneaky = {
      sheetUrl: 'https://example.com/a.csv',
      id: 'other',
      createdAt: '2000-01-01T00:00:00.000Z',
    };
    const updated = await updateCustomer(t.db, created.id, sneaky, LATER);
    expect(updated).toMatchObject({
      id: created.id,
      createdAt: created.createdAt,
      sheetUrl: sneaky.sheetUrl,
    });
  });

  it('reports CUSTOMER_EXISTS when renaming onto a taken name, and CUSTOMER_NOT_FOUND for an unknown id', async () => {
    const a = await createCustomer(t.db, acme(), NOW);
    const b = await createCustomer(t.db, acme(), NOW);
    await expect(updateCustomer(t.db, b.id, { name: a.name }, LATER)).rejects.toMatchObject({
      code: 'CUSTOMER_EXISTS',
    });
    await expect(
      updateCustomer(t.db, '0190c0de-0000-7000-8000-000000000000', { name: 'x' }, LATER),
    ).rejects.toMatchObject({ code: 'CUSTOMER_NOT_FOUND' });
  });

  it('lists customers in creation order, page by page, without gaps or repeats', async () => {
    for (let i = 0; i < 7; i++) await createCustomer(t.db, acme(), new Date(NOW.getTime() + i));
    const everyone = await listCustomers(t.db, { limit: 1000 });
    const paged = [];
    let after: string | undefined;
    for (;;) {
      const page = await listCustomers(t.db, { limit: 3, ...(after !== undefined && { after }) });
      paged.push(...page);
      if (page.length < 3) break;
      after = page.at(-1)?.id;
    }
    expect(paged.map((c) => c.id)).toEqual(everyone.map((c) => c.id));
    expect(new Set(paged.map((c) => c.id)).size).toBe(paged.length);
    expect(everyone.map((c) => c.id)).toEqual([...everyone.map((c) => c.id)].sort());
  });

  it('deletes a customer with its leads, runs and sync state', async () => {
    const created = await createCustomer(t.db, acme(), NOW);
    await createManualLead(t.db, created.id, { fullName: 'Ada' }, NOW);
    const run = await insertRun(t.db, { customerId: created.id, trigger: 'manual', startedAt: NOW });
    expect(await deleteCustomer(t.db, created.id)).toBe(true);
    expect(await findCustomerById(t.db, created.id)).toBeUndefined();
    expect(await getSyncState(t.db, created.id)).toBeUndefined();
    expect(await findRunById(t.db, run.id)).toBeUndefined();
    expect(await countLeads(t.db, created.id, { includeDeleted: true })).toBe(0);
    expect(await deleteCustomer(t.db, created.id)).toBe(false);
  });
});

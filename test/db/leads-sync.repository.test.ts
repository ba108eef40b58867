import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { createCustomer, type Customer } from '../../src/db/customers.repository.js';
import {
  countLiveSheetLeads,
  loadLeadIndex,
  softDeleteSheetLeads,
  upsertSheetLeads,
} from '../../src/db/leads-sync.repository.js';
import {
  createManualLead,
  findLeadById,
  listLeads,
  updateLeadCrmFields,
} from '../../src/db/leads.repository.js';
import type { SheetLead } from '../../src/sheet/types.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';

const NOW = '2026-03-16T09:00:00.000Z';
const LATER = '2026-03-17T09:00:00.000Z';

function lead(key: string, hash: string, name: string): SheetLead {
  return {
    key,
    hash,
    sheetRow: 2,
    data: { Name: name },
    values: {
      fullName: name,
      firstName: null,
      lastName: null,
      email: null,
      phone: null,
      phoneNormalized: null,
      company: null,
      jobTitle: null,
      source: null,
      owner: null,
      occurredAt: null,
      notes: null,
    },
  };
}

describeEachDialect('leads-sync repository', (dialect) => {
  const t = useTestDatabase(dialect);
  let customer: Customer;
  beforeEach(async () => {
    customer = await createCustomer(
      t.db,
      { name: `c-${Math.random()}`, sheetUrl: 'https://example.com/a.csv', sourceKind: 'csv_url' },
      new Date(NOW),
    );
  });

  it('indexes only sheet leads, marking the soft-deleted ones', async () => {
    await upsertSheetLeads(t.db, customer.id, [lead('id:1', 'h1', 'Ann'), lead('id:2', 'h2', 'Bob')], NOW);
    await softDeleteSheetLeads(t.db, customer.id, ['id:2'], NOW);
    await createManualLead(t.db, customer.id, { fullName: 'Made by hand' }, new Date(NOW));
    const index = await loadLeadIndex(t.db, customer.id);
    expect([...index.entries()].sort()).toEqual([
      ['id:1', 'h1'],
      ['id:2', '~h2'],
    ]);
    expect(await countLiveSheetLeads(t.db, customer.id)).toBe(1);
  });

  it("rewrites a changed lead's sheet columns but keeps its id, CRM fields and first sighting", async () => {
    await upsertSheetLeads(t.db, customer.id, [lead('id:1', 'h1', 'Ann')], NOW);
    const [before] = (await listLeads(t.db, { customerId: customer.id, limit: 10 })).leads;
    await updateLeadCrmFields(t.db, before!.id, { status: 'won', score: 90 }, new Date(NOW));
    await upsertSheetLeads(t.db, customer.id, [lead('id:1', 'h1b', 'Ann Lee')], LATER);
    const after = await findLeadById(t.db, before!.id);
    expect(after).toMatchObject({
      fullName: 'Ann Lee',
      status: 'won',
      score: 90,
      firstSeenAt: NOW,
      updatedAt: LATER,
    });
    expect(after?.data).toEqual({ Name: 'Ann Lee' });
  });

  it('restores a soft-deleted lead when its key comes back', async () => {
    await upsertSheetLeads(t.db, customer.id, [lead('id:1', 'h1', 'Ann')], NOW);
    expect(await softDeleteSheetLeads(t.db, customer.id, ['id:1'], NOW)).toBe(1);
    expect(await softDeleteSheetLeads(t.db, customer.id, ['id:1'], NOW)).toBe(0);
    await upsertSheetLeads(t.db, customer.id, [lead('id:1', 'h1', 'Ann')], LATER);
    const { leads } = await listLeads(t.db, { customerId: customer.id, limit: 10 });
    expect(leads).toHaveLength(1);
    expect(leads[0]?.deletedAt).toBeNull();
  });

  it('never deletes a lead made by hand, even when asked for its key', async () => {
    const manual = await createManualLead(t.db, customer.id, { fullName: 'Made by hand' }, new Date(NOW));
    expect(await softDeleteSheetLeads(t.db, customer.id, [manual.externalKey], LATER)).toBe(0);
    expect((await findLeadById(t.db, manual.id))?.deletedAt).toBeNull();
  });

  if (dialect === 'sqlite') {
    it('loads the index from the covering index, without reading lead rows', async () => {
      const plan = await sql<{
        detail: string;
      }>`explain query plan select "externalKey", "rowHash", "deletedAt" from "leads" where "customerId" = ${customer.id} and "origin" = 'sheet'`.execute(
        t.db,
      );
      expect(plan.rows.map((r) => r.detail).join(' ')).toContain('COVERING INDEX leads_sync_index_idx');
    });
  }
});

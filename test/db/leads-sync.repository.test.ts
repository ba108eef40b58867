import { newId } from '../../src/ids.js';
import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { createCustomer, type Customer } from '../../src/db/customers.repository.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/database.js';
import { openLeadStage } from '../../src/db/lead-stage.js';
import { countLiveSheetLeads } from '../../src/db/leads-sync.repository.js';
import {
  createManualLead,
  findLeadById,
  listLeads,
  updateLeadCrmFields,
} from '../../src/db/leads.repository.js';
import type { SheetLead } from '../../src/sheet/types.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';
import { loadLeadIndex } from '../../src/sync/lead-index.js';
import { emptyValues } from '../helpers/lead-values.js';

const NOW = '2026-03-16T09:00:00.000Z';
const LATER = '2026-03-17T09:00:00.000Z';

function lead(key: string, hash: string, name: string): SheetLead {
  return {
    key,
    identity: key,
    hash,
    sheetRow: 2,
    data: { Name: name },
    values: { ...emptyValues(), fullName: name },
  };
}

/** One sync's write through the stage: these leads upserted, these keys soft-deleted; returns how many were deleted. */
async function writeThroughStage(
  db: Kysely<Database>,
  customerId: string,
  leads: readonly SheetLead[],
  deleteKeys: readonly string[],
  now: string,
  batchSize = 500,
): Promise<number> {
  const stage = openLeadStage(db, { customerId, batchSize });
  try {
    for (const l of leads) await stage.add(l);
    await stage.addDeletes(deleteKeys);
    const batchId = newId();
    const merged = await stage.commit((_trx, apply) =>
      apply({ now, batchId, insertsOnly: false, onChunk: () => {} }),
    );
    return merged.deleted;
  } finally {
    await stage.dispose();
  }
}
const upsertSheetLeads = (db: Kysely<Database>, customerId: string, leads: SheetLead[], now: string) =>
  writeThroughStage(db, customerId, leads, [], now);
const softDeleteSheetLeads = (db: Kysely<Database>, customerId: string, keys: string[], now: string) =>
  writeThroughStage(db, customerId, [], keys, now);

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

  it('carries every character through staging exactly, for any batch size above the bind-parameter limit', async () => {
    const tricky = 'tab\there, back\\slash \\N, "quotes", line\r\nbreak\u2028, Zoë 王 😀';
    const leads = Array.from({ length: 2_500 }, (_, i) => {
      const l = lead(`id:${i}`, `h${i}`, `${tricky} ${i}`);
      l.data = { Name: `${tricky} ${i}`, Notes: i % 2 ? '' : '\\N' };
      l.values.notes = i % 3 ? null : `${tricky}`;
      return l;
    });
    // 5,000 leads a statement would be 85,000 bind parameters: past both dialects' limits.
    await writeThroughStage(t.db, customer.id, leads, [], NOW, 5_000);
    const rows = await t.db
      .selectFrom('leads')
      .select(['externalKey', 'fullName', 'notes', 'data'])
      .where('customerId', '=', customer.id)
      .execute();
    expect(rows).toHaveLength(2_500);
    const byKey = new Map(rows.map((r) => [r.externalKey, r]));
    for (const [i, l] of leads.entries()) {
      const row = byKey.get(`id:${i}`)!;
      expect(row.fullName).toBe(l.values.fullName);
      expect(row.notes).toBe(l.values.notes);
      expect(JSON.parse(row.data)).toEqual(l.data);
    }
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

import { describe, expect, it } from 'vitest';
import type { SheetLead } from '../../src/sheet/types.js';
import { ChangeSet } from '../../src/sync/change-set.js';

const lead = (i: number): SheetLead => ({
  key: `email:lead${i}@example.com`,
  sheetRow: i + 2,
  hash: `h${i}`,
  // What a spill file must carry through unchanged: newlines, quotes, separators, non-ASCII.
  data: { Name: `Zoë 王 ${i}`, Notes: `line one\r\nline "two"\u2028three, ${i}` },
  values: {
    fullName: `Zoë 王 ${i}`,
    firstName: null,
    lastName: null,
    email: `lead${i}@example.com`,
    phone: null,
    phoneNormalized: null,
    company: null,
    jobTitle: null,
    source: null,
    owner: null,
    occurredAt: '2026-02-04',
    notes: `line one\r\nline "two"\u2028three, ${i}`,
  },
});

async function batchesOf(changes: ChangeSet, size: number): Promise<SheetLead[][]> {
  const out: SheetLead[][] = [];
  for await (const batch of changes.batches(size)) out.push(batch);
  return out;
}

describe('ChangeSet', () => {
  it('yields every lead in the order added, in batches, whether kept in memory or spilled to disk', async () => {
    const leads = Array.from({ length: 23 }, (_, i) => lead(i));
    for (const memoryLimit of [100, 10, 0]) {
      const changes = new ChangeSet(memoryLimit);
      for (const l of leads) await changes.add(l);
      expect(changes.size).toBe(23);

      const batches = await batchesOf(changes, 4);

      expect(batches.map((b) => b.length).reduce((a, b) => a + b)).toBe(23);
      expect(batches.every((b) => b.length <= 4 && b.length > 0)).toBe(true);
      expect(batches.flat()).toEqual(leads);
      await changes.dispose();
      await changes.dispose();
    }
  });
});

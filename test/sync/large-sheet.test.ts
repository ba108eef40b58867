import { expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.js';
import { generatedKey, generatedSheet, generator, TEN_EDITED } from './generated-sheet.js';
import { useSyncBed } from './support.js';

const ROWS = 10_000;

describeEachDialect('a 10,000-row sheet', (dialect) => {
  const bed = useSyncBed(dialect);

  it('syncs, re-syncs unchanged with no write, and writes exactly the 10 edited rows', async () => {
    const customer = await bed.customer(generatedSheet(ROWS));

    const first = await bed.sync(customer);
    expect(first.run).toMatchObject({ outcome: 'success', rowsProcessed: ROWS, rowsInserted: ROWS });
    expect(first.leadWrites).toBe(ROWS);
    const sample = (await bed.leads(customer)).find((l) => l.externalKey === generatedKey(1234));
    const row = generator.genRow(1234);
    expect(JSON.parse(sample?.data ?? '{}')).toEqual(
      Object.fromEntries(generator.HEADER.map((h, c) => [h, row[c]?.trim()])),
    );

    const unchanged = await bed.sync(customer);
    expect(unchanged.run).toMatchObject({ outcome: 'unchanged', rowsUnchanged: ROWS, rowsUpdated: 0 });
    expect(unchanged.leadWrites).toBe(0);

    bed.setSheet(customer, generatedSheet(ROWS, TEN_EDITED));
    const edited = await bed.sync(customer);
    expect(edited.run).toMatchObject({
      outcome: 'success',
      rowsInserted: 0,
      rowsUpdated: 10,
      rowsDeleted: 0,
    });
    expect(edited.leadWrites).toBe(10);
    const changed = (await bed.leads(customer)).filter((l) => l.notes?.includes('re-engaged'));
    expect(changed.map((l) => l.externalKey).sort()).toEqual([...TEN_EDITED].map(generatedKey).sort());
  });
});

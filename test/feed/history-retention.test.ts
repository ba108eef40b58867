import { expect, it } from 'vitest';
import { FEED_START } from '../../src/db/change-cursor.js';
import { listLeadChanges } from '../../src/db/change-feed.repository.js';
import { listLeadHistory } from '../../src/db/lead-history.repository.js';
import { HistoryRetention, PRUNE_EVERY_MS } from '../../src/worker/history-retention.js';
import { describeEachDialect } from '../helpers/databases.js';
import { NOW, peopleCsv, useSyncBed } from '../sync/support.js';

const DAY = 24 * 60 * 60 * 1000;

describeEachDialect('history retention (LEADSYNC_HISTORY_DAYS)', (dialect) => {
  const bed = useSyncBed(dialect);

  it("removes old history but keeps every lead's latest change, so the feed from the start still has every lead", async () => {
    const customer = await bed.seeded(peopleCsv(['Ada', 'Bob', 'Cyd', 'Dee', 'Eve']));
    bed.setSheet(customer, peopleCsv(['Ada', 'Bob', 'Cyd', 'Dee']).replace('Met Bob', 'Called Bob'));
    await bed.sync(customer);
    let clock = NOW.getTime() + 3 * DAY;
    const retention = new HistoryRetention(bed.db, 1, () => new Date(clock));

    expect(await retention.tick()).toBe(2); // the inserts of Bob and Eve, who changed since
    const page = await listLeadChanges(bed.db, { customerId: customer.id, since: FEED_START, limit: 100 });
    expect(page.changes.map((c) => `${c.op} ${c.lead.fullName}`)).toEqual([
      'insert Ada',
      'insert Cyd',
      'insert Dee',
      'update Bob',
      'delete Eve',
    ]);
    const bob = page.changes.find((c) => c.lead.fullName === 'Bob')!.lead;
    expect((await listLeadHistory(bed.db, bob.id, { limit: 10 })).map((h) => h.op)).toEqual(['update']);

    expect(await retention.tick()).toBeNull(); // not due again within the hour
    clock += PRUNE_EVERY_MS;
    expect(await retention.tick()).toBe(0);
  });
});

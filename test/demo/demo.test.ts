import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createCustomer } from '../../src/db/customers.repository.js';
import { DEMO_SHEETS, demoSheetUrl } from '../../src/demo/demo-sheets.js';
import { startDemoSheetServer, type DemoSheetServer } from '../../src/demo/demo-server.js';
import { parseSheetLink, sourceKindOf } from '../../src/sources/sheet-link.js';
import { runSync } from '../../src/sync/engine.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';

// The demo must show every kind of run a newcomer should see: first syncs, changes over time,
// and a sheet that stopped being shared.
describeEachDialect('npm run demo sheets', (dialect) => {
  const t = useTestDatabase(dialect);
  let tick = 0;
  let server: DemoSheetServer;
  beforeAll(async () => {
    server = await startDemoSheetServer(() => tick, { slow: false });
  });
  afterAll(async () => server.close());

  it('syncs every shared demo sheet, fails the unshared one, and shows changes as time moves on', async () => {
    const config = loadConfig({ GOOGLE_SHEETS_BASE_URL: server.baseUrl });
    const customers = [];
    for (const sheet of DEMO_SHEETS) {
      const sheetUrl = demoSheetUrl(sheet);
      const link = parseSheetLink(sheetUrl);
      const customer = await createCustomer(
        t.db,
        {
          name: sheet.customerName,
          sheetUrl,
          sourceKind: sourceKindOf(link),
          schedule: { intervalMinutes: 1 },
        },
        new Date(),
      );
      customers.push({ sheet, customer });
    }
    const sync = (customerId: string) => runSync({ db: t.db, config }, { customerId, trigger: 'manual' });

    for (const { sheet, customer } of customers) {
      const run = await sync(customer.id);
      if (sheet.private) {
        expect(run.outcome).toBe('failed');
        expect(run.error?.code).toBe('SHEET_NOT_PUBLIC');
      } else {
        expect(run.outcome).toBe('success');
        expect(run.rowsInserted).toBeGreaterThan(0);
      }
    }

    tick = 3;
    const changed = await Promise.all(
      customers.filter((c) => !c.sheet.private).map((c) => sync(c.customer.id)),
    );
    for (const run of changed) expect(run.outcome).toBe('success');
    expect(changed.some((run) => run.rowsInserted > 0)).toBe(true);
    expect(changed.some((run) => run.rowsUpdated > 0)).toBe(true);
    expect(changed.some((run) => run.rowsDeleted > 0)).toBe(true);
  });
});

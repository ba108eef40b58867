import { loadConfig } from '../config.js';
import { openDatabase } from '../db/connection.js';
import { createCustomer, findCustomerByName } from '../db/customers.repository.js';
import { linkFields, parseSheetLink } from '../sources/sheet-link.js';
import { closeOnSignals, startService } from '../service/server.js';
import { DEMO_SHEETS, demoSheetUrl } from './demo-sheets.js';
import { startDemoSheetServer } from './demo-server.js';

/** How often the demo sheets move on (a lead appears, a note changes, a form entry rolls off). */
const TICK_MS = 15_000;

/**
 * `npm run demo`: leadsync with no sheet of your own and no internet. Serves a few realistic
 * sheets from a local Google look-alike, registers a demo customer for each (synced every
 * minute), and runs the service on them, so syncs, progress and history show within a minute.
 */
async function main(): Promise<void> {
  const print = (line: string) => process.stderr.write(`${line}\n`);
  const started = Date.now();
  const sheets = await startDemoSheetServer(() => Math.floor((Date.now() - started) / TICK_MS));
  const env = {
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL ?? 'sqlite:./data/demo.db',
    GOOGLE_SHEETS_BASE_URL: sheets.baseUrl,
    LEADSYNC_ADMIN_TOKEN: process.env.LEADSYNC_ADMIN_TOKEN ?? 'leadsync-demo-token',
  };
  const config = loadConfig(env);

  const handle = await openDatabase(config.databaseUrl);
  try {
    for (const sheet of DEMO_SHEETS) {
      if (await findCustomerByName(handle.db, sheet.customerName)) continue;
      const sheetUrl = demoSheetUrl(sheet);
      const link = parseSheetLink(sheetUrl);
      await createCustomer(
        handle.db,
        {
          name: sheet.customerName,
          sheetUrl,
          ...linkFields(link),
          schedule: { intervalMinutes: 1 },
        },
        new Date(),
      );
    }
  } finally {
    await handle.close();
  }

  print(
    `Demo sheets served by a local Google look-alike at ${sheets.baseUrl} (they change every ${TICK_MS / 1000} s)`,
  );
  const service = await startService({
    config,
    api: true,
    worker: true,
    print,
    logger: false,
    demoToken: env.LEADSYNC_ADMIN_TOKEN,
  });
  print(`Demo customers sync every minute. Admin token: ${env.LEADSYNC_ADMIN_TOKEN}`);
  if (service.url)
    print(
      `Open ${service.url}/ (sign in with the token) or: curl -H "Authorization: Bearer ${env.LEADSYNC_ADMIN_TOKEN}" ${service.url}/api/leads/sync/status/all`,
    );
  await closeOnSignals(service, print);
  await sheets.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

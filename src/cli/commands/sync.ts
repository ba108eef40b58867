import path from 'node:path';
import { serviceConfigOf } from '../../config.js';
import { createCustomer, findCustomerByName, updateCustomer } from '../../db/customers.repository.js';
import { linkFields, parseSheetLink } from '../../sources/sheet-link.js';
import type { SheetLink } from '../../sources/types.js';
import { withContext } from '../context.js';
import { cliOwner, runUnderLease, type WaitChoice } from '../leased-run.js';
import { progressPrinter, type Io } from '../output.js';
import { finishLeasedRun } from './run-output.js';
import type { DateOrder } from '../../sheet/types.js';

export interface SyncCommandOptions extends WaitChoice {
  customer?: string;
  key?: string;
  dateOrder?: DateOrder;
  json?: boolean;
}

/**
 * `leadsync sync <source>`: one sync into the configured database, creating the customer if new.
 * It runs under the customer's lease, so it waits while a worker (or another CLI) syncs it.
 */
export async function syncCommand(
  input: string,
  options: SyncCommandOptions,
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const link = parseSheetLink(input, { allowFiles: true });
  const sheetUrl = link.kind === 'file' ? path.resolve(link.path) : input.trim();
  return withContext(async (ctx) => {
    const { config, handle } = ctx;
    const name = options.customer ?? defaultName(link);
    const fields = {
      sheetUrl,
      ...linkFields(link, config.google.credentialsFile !== null),
      ...(options.key !== undefined && { keyColumn: options.key }),
      ...(options.dateOrder !== undefined && { dateOrder: options.dateOrder }),
    };
    const existing = await findCustomerByName(handle.db, name);
    // A new customer is created already leased to this CLI: the service's worker, which would
    // take a new customer at once, cannot run its first sync before (or instead of) the CLI.
    const leasedTo = { owner: cliOwner(), leaseMs: serviceConfigOf(config).worker.leaseMs };
    const customer =
      existing ?? (await createCustomer(handle.db, { name, ...fields }, new Date(), { leasedTo }));
    const printer = progressPrinter(io);
    const result = await runUnderLease(
      ctx,
      io,
      customer,
      { trigger: 'cli', onProgress: options.json && !io.isTty ? undefined : printer.update },
      options,
      // An existing customer's settings change only once the CLI holds it, never under a worker's sync.
      () =>
        existing ? updateCustomer(handle.db, existing.id, fields, new Date()) : Promise.resolve(customer),
    );
    printer.done();
    return finishLeasedRun(io, result, customer.name, Boolean(options.json));
  }, env);
}

function defaultName(link: SheetLink): string {
  switch (link.kind) {
    case 'google':
      return `sheet-${link.spreadsheetId.slice(0, 12)}${link.gid ? `-${link.gid}` : ''}`;
    case 'google_published':
      return `published-${link.publishedId.slice(-12)}`;
    case 'csv_url': {
      const url = new URL(link.url);
      return `${url.host}${url.pathname}`;
    }
    case 'file':
      return path.basename(link.path).replace(/\.csv$/i, '');
  }
}

import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database, DateOrder } from '../../db/database.js';
import {
  createCustomer,
  findCustomerByName,
  updateCustomer,
  type Customer,
} from '../../db/customers.repository.js';
import { linkFields, parseSheetLink, type LinkFields } from '../../sources/sheet-link.js';
import type { SheetLink } from '../../sources/types.js';
import { runSync } from '../../sync/engine.js';
import type { SyncRun } from '../../db/sync-runs.repository.js';
import { withContext } from '../context.js';
import { progressPrinter, type Io } from '../output.js';
import { printRun, runExitCode } from './run-output.js';

export interface SyncCommandOptions {
  customer?: string;
  key?: string;
  dateOrder?: DateOrder;
  json?: boolean;
}

/** `leadsync sync <source>`: one sync into the configured database, creating the customer if new. */
export async function syncCommand(input: string, options: SyncCommandOptions, io: Io): Promise<number> {
  const link = parseSheetLink(input, { allowFiles: true });
  const sheetUrl = link.kind === 'file' ? path.resolve(link.path) : input.trim();
  return withContext(async ({ config, handle }) => {
    const customer = await ensureCustomer(
      handle.db,
      options.customer ?? defaultName(link),
      sheetUrl,
      linkFields(link, config.google.credentialsFile !== null),
      options,
    );
    const printer = progressPrinter(io);
    const run: SyncRun = await runSync(
      { db: handle.db, config, workerId: `cli:${process.pid}` },
      {
        customerId: customer.id,
        trigger: 'cli',
        onProgress: options.json && !io.isTty ? undefined : printer.update,
      },
    );
    printer.done();
    printRun(io, run, customer.name, Boolean(options.json));
    return runExitCode(run);
  });
}

async function ensureCustomer(
  db: Kysely<Database>,
  name: string,
  sheetUrl: string,
  source: LinkFields,
  options: SyncCommandOptions,
): Promise<Customer> {
  const now = new Date();
  const fields = {
    sheetUrl,
    ...source,
    ...(options.key !== undefined && { keyColumn: options.key }),
    ...(options.dateOrder !== undefined && { dateOrder: options.dateOrder }),
  };
  const existing = await findCustomerByName(db, name);
  if (!existing) return createCustomer(db, { name, ...fields }, now);
  return updateCustomer(db, existing.id, fields, now);
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

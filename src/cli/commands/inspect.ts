import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { findCustomerByName, type Customer } from '../../db/customers.repository.js';
import { listLeads } from '../../db/leads.repository.js';
import { listRuns } from '../../db/sync-runs.repository.js';
import { findLastSyncAt } from '../../db/status-rows.repository.js';
import { LeadsyncError } from '../../errors.js';
import { withContext } from '../context.js';
import { formatTable, type Io } from '../output.js';
import { n, seconds } from './run-output.js';

async function customerNamed(db: Kysely<Database>, name: string): Promise<Customer> {
  const customer = await findCustomerByName(db, name);
  if (!customer) throw new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer named "${name}"`);
  return customer;
}

/** `leadsync runs --customer NAME`: the run history, newest first. */
export async function runsCommand(
  options: { customer: string; limit: number; json?: boolean },
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return withContext(async ({ handle }) => {
    const customer = await customerNamed(handle.db, options.customer);
    const runs = await listRuns(handle.db, { customerId: customer.id, limit: options.limit });
    if (options.json) {
      io.out(JSON.stringify({ runs }) + '\n');
      return 0;
    }
    // Numbers as the one-line summary writes them ("200,000", "15.2 s"), warnings by code.
    const rows = runs.map((r) => ({
      ...r,
      duration: seconds(r.durationMs),
      rowsProcessed: n(r.rowsProcessed),
      rowsInserted: n(r.rowsInserted),
      rowsUpdated: n(r.rowsUpdated),
      rowsDeleted: n(r.rowsDeleted),
      warnings: r.warnings.map((w) => `${w.code} (${n(w.count)})`).join(', '),
      error: r.error ? `${r.error.code}: ${r.error.message}` : '',
    }));
    io.out(
      formatTable(rows, [
        'id',
        'trigger',
        'outcome',
        'startedAt',
        'duration',
        'rowsProcessed',
        'rowsInserted',
        'rowsUpdated',
        'rowsDeleted',
        'warnings',
        'error',
      ]),
    );
    return 0;
  }, env);
}

/** `leadsync leads --customer NAME`: the first leads, as a table (`--json`: GET /api/leads's fields). */
export async function leadsCommand(
  options: { customer: string; limit: number; search?: string; includeDeleted?: boolean; json?: boolean },
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return withContext(async ({ handle }) => {
    const customer = await customerNamed(handle.db, options.customer);
    const page = await listLeads(handle.db, {
      customerId: customer.id,
      limit: options.limit,
      ...(options.search !== undefined && { q: options.search }),
      includeDeleted: Boolean(options.includeDeleted),
    });
    if (options.json) {
      const lastSyncAt = (await findLastSyncAt(handle.db, customer.id))?.lastSyncAt ?? null;
      io.out(JSON.stringify({ leads: page.leads, lastSyncAt, nextCursor: page.nextCursor }) + '\n');
      return 0;
    }
    io.out(
      formatTable(
        page.leads,
        [
          'externalKey',
          'fullName',
          'email',
          'phone',
          'company',
          'occurredAt',
          'status',
          'sheetRow',
          'deletedAt',
        ],
        32,
      ),
    );
    return 0;
  }, env);
}

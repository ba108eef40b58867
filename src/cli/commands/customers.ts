import { toStatusView } from '../../api/status-view.js';
import { deleteCustomer } from '../../db/customers.repository.js';
import { countLeads } from '../../db/leads.repository.js';
import { listRuns } from '../../db/sync-runs.repository.js';
import { findStatusRow, listStatusRows } from '../../db/status-rows.repository.js';
import { withContext } from '../context.js';
import { customerByNameOrId } from '../customer-lookup.js';
import { formatTable, type Io } from '../output.js';
import { n, seconds } from './run-output.js';

type Env = NodeJS.ProcessEnv;
/** Status rows read per query while listing (the API's page maximum). */
const PAGE = 1000;

/** `leadsync customers list`: every customer with its status word, last and next sync, and last error. */
export async function customersListCommand(options: { json?: boolean }, io: Io, env?: Env): Promise<number> {
  return withContext(async ({ handle }) => {
    const now = new Date();
    const statuses = [];
    for (let after: string | undefined; ;) {
      const { rows } = await listStatusRows(handle.db, { limit: PAGE, ...(after && { after }) });
      statuses.push(...rows.map((row) => toStatusView(row, now)));
      if (rows.length < PAGE) break;
      after = rows.at(-1)?.customerId;
    }
    if (options.json) {
      io.out(`${JSON.stringify({ customers: statuses })}\n`);
      return 0;
    }
    if (statuses.length === 0) {
      io.err('No customers yet. Add one with `leadsync sync <sheet link>` or the dashboard.\n');
      return 0;
    }
    const rows = statuses.map((s) => ({
      name: s.customer.name,
      id: s.customerId,
      status: s.status,
      leads: n(s.metrics.rowCount),
      lastSyncAt: s.lastSyncAt ?? 'never',
      nextRunAt: s.isPaused ? 'paused' : (s.nextRunAt ?? ''),
      lastError: s.lastErrorCode ?? '',
    }));
    io.out(formatTable(rows, ['name', 'id', 'status', 'leads', 'lastSyncAt', 'nextRunAt', 'lastError']));
    return 0;
  }, env);
}

/** `leadsync customers show <nameOrId>`: its settings, status, lead count and last runs. */
export async function customersShowCommand(
  nameOrId: string,
  options: { json?: boolean },
  io: Io,
  env?: Env,
): Promise<number> {
  return withContext(async ({ handle }) => {
    const customer = await customerByNameOrId(handle.db, nameOrId);
    const row = await findStatusRow(handle.db, customer.id);
    const status = row ? toStatusView(row, new Date()) : null;
    const leads = await countLeads(handle.db, customer.id);
    const runs = await listRuns(handle.db, { customerId: customer.id, limit: 5 });
    if (options.json) {
      io.out(`${JSON.stringify({ customer, status, leads, runs })}\n`);
      return 0;
    }
    const schedule =
      'intervalMinutes' in customer.schedule
        ? `every ${customer.schedule.intervalMinutes} min`
        : `${customer.schedule.cron} (${customer.schedule.timezone})`;
    const lines = [
      `${customer.name} (${customer.id})`,
      `  sheet:      ${customer.sheetUrl}`,
      `  schedule:   ${schedule}${status?.isPaused ? `, paused${status.pausedReason ? `: ${status.pausedReason}` : ''}` : ''}`,
      `  status:     ${status?.status ?? 'never_synced'}`,
      `  leads:      ${n(leads)}`,
      `  last sync:  ${status?.lastSyncAt ?? 'never'}`,
      `  next run:   ${status?.nextRunAt ?? '—'}`,
      ...(status?.lastErrorCode ? [`  last error: ${status.lastErrorCode}: ${status.lastError ?? ''}`] : []),
      ...(status?.warnings ?? []).map((w) => `  warning:    ${w.code}: ${w.message}`),
      '',
    ];
    io.out(lines.join('\n'));
    if (runs.length > 0)
      io.out(
        formatTable(
          runs.map((r) => ({ ...r, duration: seconds(r.durationMs), rowsProcessed: n(r.rowsProcessed) })),
          ['id', 'trigger', 'outcome', 'startedAt', 'duration', 'rowsProcessed'],
        ),
      );
    return 0;
  }, env);
}

/**
 * `leadsync customers remove <nameOrId> --yes`: deletes the customer with its leads, runs and
 * schedule (what a failed experiment leaves behind). Without --yes it only says what would go.
 */
export async function customersRemoveCommand(
  nameOrId: string,
  options: { yes?: boolean; json?: boolean },
  io: Io,
  env?: Env,
): Promise<number> {
  return withContext(async ({ handle }) => {
    const customer = await customerByNameOrId(handle.db, nameOrId);
    const leads = await countLeads(handle.db, customer.id, { includeDeleted: true });
    if (!options.yes) {
      io.err(
        `This removes "${customer.name}" (${customer.id}) with its ${n(leads)} leads and its run history; ` +
          `nothing is synced for it again. Run again with --yes to remove it.\n`,
      );
      return 2;
    }
    await deleteCustomer(handle.db, customer.id);
    if (options.json) io.out(`${JSON.stringify({ removed: customer.id, name: customer.name, leads })}\n`);
    else io.err(`Removed "${customer.name}" (${customer.id}) and its ${n(leads)} leads.\n`);
    return 0;
  }, env);
}

import { findRunById } from '../../db/sync-runs.repository.js';
import { LeadsyncError } from '../../errors.js';
import { runSync } from '../../sync/engine.js';
import { findCustomerById } from '../../db/customers.repository.js';
import { withContext } from '../context.js';
import { progressPrinter, type Io } from '../output.js';
import { printRun, runExitCode } from './run-output.js';

/** `leadsync approve <runId>`: re-runs a held sync with deletions allowed. */
export async function approveCommand(runId: string, options: { json?: boolean }, io: Io): Promise<number> {
  return withContext(async ({ config, handle }) => {
    const held = await findRunById(handle.db, runId);
    if (!held) throw new LeadsyncError('RUN_NOT_FOUND', `No run with id ${runId}`);
    if (held.outcome !== 'needs_review') {
      throw new LeadsyncError(
        'RUN_NOT_APPROVABLE',
        `Run ${runId} is ${held.outcome ?? 'in progress'}; only a needs_review run can be approved`,
      );
    }
    const customer = await findCustomerById(handle.db, held.customerId);
    const printer = progressPrinter(io);
    const run = await runSync(
      { db: handle.db, config, workerId: `cli:${process.pid}` },
      {
        customerId: held.customerId,
        trigger: 'approval',
        allowDeletes: true,
        onProgress: options.json && !io.isTty ? undefined : printer.update,
      },
    );
    printer.done();
    printRun(io, run, customer?.name ?? held.customerId, Boolean(options.json));
    return runExitCode(run);
  });
}

import { findRunById } from '../../db/sync-runs.repository.js';
import { LeadsyncError } from '../../errors.js';
import { findCustomerById } from '../../db/customers.repository.js';
import { withContext } from '../context.js';
import { runUnderLease, type WaitChoice } from '../leased-run.js';
import { progressPrinter, type Io } from '../output.js';
import { finishLeasedRun } from './run-output.js';
import { assertApprovable } from '../../sync/approval.js';

/** `leadsync approve <runId>`: re-runs a held sync with deletions allowed, under the customer's lease. */
export async function approveCommand(
  runId: string,
  options: WaitChoice & { json?: boolean | undefined },
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return withContext(async ({ config, handle }) => {
    const held = await findRunById(handle.db, runId);
    if (!held) throw new LeadsyncError('RUN_NOT_FOUND', `No run with id ${runId}`);
    await assertApprovable(handle.db, held);
    const customer = await findCustomerById(handle.db, held.customerId);
    if (!customer) throw new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer with id ${held.customerId}`);
    const printer = progressPrinter(io);
    const result = await runUnderLease(
      { config, handle },
      io,
      customer,
      {
        trigger: 'approval',
        approvedRunId: held.id,
        onProgress: options.json && !io.isTty ? undefined : printer.update,
      },
      options,
    );
    printer.done();
    return finishLeasedRun(io, result, customer.name, Boolean(options.json));
  }, env);
}

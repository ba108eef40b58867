import { setTimeout as sleep } from 'node:timers/promises';
import { decodeFeedCursor, encodeFeedCursor } from '../../db/change-cursor.js';
import { listLeadChanges } from '../../db/change-feed.repository.js';
import { findCustomerById, findCustomerByName } from '../../db/customers.repository.js';
import { LeadsyncError } from '../../errors.js';
import { toChangeJson } from '../../feed/change-json.js';
import { isId } from '../../ids.js';
import { withContext } from '../context.js';
import type { Io } from '../output.js';

export interface ChangesOptions {
  customer: string;
  since?: string;
  follow?: boolean;
  /** How often --follow looks for new changes. */
  intervalMs: number;
}

/** Changes read per query; the feed's own page limit. */
const PAGE = 1000;

/**
 * `leadsync changes --customer X [--since CURSOR] [--follow]`: the customer's change feed as
 * NDJSON on stdout, one change per line, oldest first (each line's `cursor` resumes after it).
 * With --follow it keeps polling until SIGINT or SIGTERM; the last cursor goes to stderr.
 */
export async function changesCommand(
  options: ChangesOptions,
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let since = decodeFeedCursor(options.since);
  return withContext(async ({ handle }) => {
    const customer = isId(options.customer)
      ? await findCustomerById(handle.db, options.customer)
      : await findCustomerByName(handle.db, options.customer);
    if (!customer)
      throw new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer named or with id "${options.customer}"`);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      for (;;) {
        const page = await listLeadChanges(handle.db, { customerId: customer.id, since, limit: PAGE });
        if (page.changes.length > 0)
          io.out(page.changes.map((change) => JSON.stringify(toChangeJson(change))).join('\n') + '\n');
        since = page.next;
        if (page.hasMore) continue;
        if (!options.follow || stop.signal.aborted) break;
        await sleep(options.intervalMs, undefined, { signal: stop.signal }).catch(() => {});
        if (stop.signal.aborted) break;
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    io.err(`next cursor: ${encodeFeedCursor(since)}\n`);
    return 0;
  }, env);
}

import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { claimCustomer } from '../db/scheduler.repository.js';
import { getSyncState } from '../db/sync-states.repository.js';
import { LeadsyncError } from '../errors.js';
import { sleep as realSleep } from '../sync/sleep.js';

/** How often a waiting CLI looks whether the holder has let the customer go. */
export const LEASE_POLL_MS = 1000;

export interface LeaseWaitOptions {
  db: Kysely<Database>;
  customer: { id: string; name: string };
  owner: string;
  leaseMs: number;
  /** The run may delete (an approval), so it also serves a queued approval. */
  servesApproval: boolean;
  /** false (`--no-wait`): fail at once with CUSTOMER_BUSY instead of waiting. */
  wait: boolean;
  /** Give up (CUSTOMER_BUSY) after waiting this long. */
  waitTimeoutMs: number;
  /** Aborted by Ctrl-C: stop waiting (SYNC_CANCELLED). */
  signal: AbortSignal;
  /** Told once per holder, when the CLI starts waiting for it. */
  onWait: (holder: string) => void;
  clock?: () => Date;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  pollMs?: number;
}

/**
 * Takes the customer's lease for the CLI, waiting while someone else (a worker, another CLI)
 * holds a live one. A dead holder's lease expires within one lease period, so waiting ends on
 * its own; the timeout bounds a live but very long sync. Resolves to how long it waited (ms).
 */
export async function takeLeaseWhenFree(options: LeaseWaitOptions): Promise<number> {
  const clock = options.clock ?? (() => new Date());
  const sleep = options.sleep ?? realSleep;
  const started = clock().getTime();
  let told: string | null = null;
  for (;;) {
    const now = clock();
    const claim = { leaseMs: options.leaseMs, now, servesApproval: options.servesApproval };
    if (await claimCustomer(options.db, options.customer.id, options.owner, claim))
      return now.getTime() - started;
    const state = await getSyncState(options.db, options.customer.id);
    if (!state)
      throw new LeadsyncError('CUSTOMER_NOT_FOUND', `Customer ${options.customer.name} was deleted`);
    // The lease expired between the claim and the read: try again at once.
    if (
      state.leaseOwner === null ||
      state.leaseExpiresAt === null ||
      state.leaseExpiresAt <= now.toISOString()
    )
      continue;
    const holder = state.leaseOwner;
    const waited = now.getTime() - started;
    if (!options.wait || waited >= options.waitTimeoutMs) {
      const after = options.wait ? ` after waiting ${Math.round(waited / 1000)} s` : '';
      throw new LeadsyncError(
        'CUSTOMER_BUSY',
        `Customer ${options.customer.name} is being synced by ${holder}${after}; try again when it has finished`,
        { details: { holder, leaseExpiresAt: state.leaseExpiresAt } },
      );
    }
    if (told !== holder) options.onWait(holder);
    told = holder;
    await sleep(Math.min(options.pollMs ?? LEASE_POLL_MS, options.waitTimeoutMs - waited), options.signal);
  }
}

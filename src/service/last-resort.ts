import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toLeadsyncError } from '../errors.js';
import type { Worker } from '../worker/worker.js';

/**
 * The process's last line of defence: an error that escaped every handler (an 'error' event
 * without a listener, a rejected promise nobody awaited) is logged with its stack, and the
 * syncs running at that moment are failed with it (recorded as INTERNAL, rolled back), instead
 * of the process dying and a restarted one claiming the same customer into the same crash.
 * Returns the function that removes the handlers.
 */
export function installLastResort(print: (line: string) => void, worker: Worker | null): () => void {
  const onError = (caught: unknown, kind: string) => {
    const error = toLeadsyncError(caught);
    const stack = caught instanceof Error ? caught.stack : String(caught);
    print(`${kind}: ${stack ?? error.message}`);
    worker?.failRunning(error);
  };
  const onException = (error: unknown) => onError(error, 'uncaught exception');
  const onRejection = (error: unknown) => onError(error, 'unhandled rejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}

/**
 * Removes what versions before the staging tables left in the temp folder (`leadsync-changes-*`
 * spill folders). Bodies spooled to disk now are unlinked as they are opened and leave nothing.
 */
export async function removeStaleSpills(dir = tmpdir()): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const stale = names.filter((name) => name.startsWith('leadsync-changes-'));
  await Promise.all(stale.map((name) => rm(path.join(dir, name), { recursive: true, force: true })));
  return stale.length;
}

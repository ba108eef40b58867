import type { SyncRun } from '../../db/sync-runs.repository.js';
import type { Io } from '../output.js';

const n = (v: number) => v.toLocaleString('en');

/** One line a run for people, or the run's JSON (the API's Run JSON) for scripts. */
export function printRun(io: Io, run: SyncRun, customerName: string, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(run) + '\n');
    return;
  }
  const seconds = ((run.durationMs ?? 0) / 1000).toFixed(2);
  const figures = `${n(run.rowsProcessed)} rows: ${n(run.rowsInserted)} inserted, ${n(run.rowsUpdated)} updated, ${n(run.rowsDeleted)} deleted, ${n(run.rowsUnchanged)} unchanged`;
  const retries = run.retryCount ? `, ${run.retryCount} retries` : '';
  io.out(`${customerName}: ${run.outcome} in ${seconds} s, ${figures}${retries} (run ${run.id})\n`);
  if (run.error) io.err(`error ${run.error.code}: ${run.error.message}\n`);
  if (run.outcome === 'needs_review') io.err(`To apply it: leadsync approve ${run.id}\n`);
}

/** 0 when the sheet is in the database; non-zero otherwise (3 for a held mass delete). */
export function runExitCode(run: SyncRun): number {
  if (run.outcome === 'success' || run.outcome === 'unchanged') return 0;
  if (run.outcome === 'needs_review') return 3;
  return 1;
}

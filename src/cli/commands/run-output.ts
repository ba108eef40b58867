import type { SyncRun } from '../../db/sync-runs.repository.js';
import type { LeasedRunResult } from '../leased-run.js';
import type { Io } from '../output.js';

/** Counts as the CLI writes them everywhere: "200,000". */
export const n = (v: number) => v.toLocaleString('en');
/** A run's duration: "15.2 s" ("—" while it runs). */
export const seconds = (ms: number | null) =>
  ms === null
    ? '—'
    : `${(ms / 1000).toLocaleString('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} s`;

/** One line a run for people, or the run's JSON (the API's Run JSON) for scripts. */
export function printRun(io: Io, run: SyncRun, customerName: string, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(run) + '\n');
    return;
  }
  // Measured from the run's start to its ending, whatever the outcome (a failure after 15 s of retries says so).
  const took = run.finishedAt
    ? seconds(run.durationMs ?? Date.parse(run.finishedAt) - Date.parse(run.startedAt))
    : '—';
  const verb = run.outcome === 'success' || run.outcome === 'unchanged' ? 'in' : 'after';
  const figures = `${n(run.rowsProcessed)} rows: ${n(run.rowsInserted)} inserted, ${n(run.rowsUpdated)} updated, ${n(run.rowsDeleted)} deleted, ${n(run.rowsUnchanged)} unchanged`;
  const retries = run.retryCount ? `, ${run.retryCount} retries` : '';
  io.out(`${customerName}: ${run.outcome} ${verb} ${took}, ${figures}${retries} (run ${run.id})\n`);
  if (run.error) io.err(`error ${run.error.code}: ${run.error.message}\n`);
  // What is wrong with the data: never a failure, but worth fixing in the sheet.
  for (const w of run.warnings) {
    const samples = w.samples?.length ? ` (e.g. ${w.samples.join(', ')})` : '';
    io.out(`warning ${w.code}: ${w.message}${samples}\n`);
  }
  if (run.outcome === 'needs_review') io.err(`To apply it: leadsync approve ${run.id}\n`);
}

/**
 * The CLI's exit codes: 0 the sheet is in the database, 1 failed or cancelled, 2 bad input, 3 held
 * for review, 4 another process is syncing the customer (`--no-wait`, or the wait timed out),
 * 130 / 143 interrupted by SIGINT / SIGTERM.
 */
export const EXIT_BUSY = 4;

export function interruptedExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/** 0 when the sheet is in the database; non-zero otherwise (3 for a held mass delete). */
export function runExitCode(run: SyncRun): number {
  if (run.outcome === 'success' || run.outcome === 'unchanged') return 0;
  if (run.outcome === 'needs_review') return 3;
  return 1;
}

/** Prints a leased run's result and returns the exit code. */
export function finishLeasedRun(
  io: Io,
  result: LeasedRunResult,
  customerName: string,
  json: boolean,
): number {
  if (result.run) printRun(io, result.run, customerName, json);
  if (result.kind === 'ran') return runExitCode(result.run);
  io.err(
    result.run
      ? `interrupted by ${result.signal}: the run was cancelled (nothing was written) and ${customerName} released\n`
      : `interrupted by ${result.signal} while waiting; nothing was synced\n`,
  );
  return interruptedExitCode(result.signal);
}

import type { SyncRun } from '../db/sync-runs.repository.js';
import type { SyncState } from '../db/sync-states.repository.js';
import { headerChanges } from '../sheet/header-changes.js';
import { capWarnings, headerChangedWarning, type RunWarning } from '../sheet/warnings.js';
import type { SpooledBody } from './body-spool.js';
import type { ReadChangesResult } from './read-changes.js';
import { NO_FIGURES, type RunFigures } from './run-ending.js';

import type { SkipReason } from './source-version.js';

/** What a run that read its sheet counted, its warnings included. */
export function figuresOf(
  read: ReadChangesResult,
  body: SpooledBody,
  retries: number,
  fingerprint: string,
  state: SyncState | undefined,
): RunFigures {
  return {
    warnings: runWarnings(read, state),
    rowsProcessed: read.stats.leads,
    rowsInserted: read.inserts,
    rowsUpdated: read.updates + read.restores,
    rowsDeleted: read.deleteKeys.length,
    rowsUnchanged: read.unchanged,
    duplicateKeys: read.stats.duplicateCount,
    retryCount: retries,
    bytes: body.bytes,
    checksum: read.checksum,
    headerRow: read.mapping?.header.sheetRow ?? null,
    pendingDeletes: null,
    details: {
      restored: read.restores,
      blankRows: read.stats.blankRows,
      identity: read.mapping?.identity ?? null,
      headers: read.mapping?.header.names ?? [],
      duplicates: read.stats.duplicates,
      fingerprint,
    },
  };
}

/** An identical body: the last good run's figures stand, nothing was parsed or written. */
export function unchangedFigures(
  last: SyncRun,
  body: SpooledBody,
  retries: number,
  fingerprint: string,
): RunFigures {
  return {
    ...NO_FIGURES,
    rowsProcessed: last.rowsProcessed,
    rowsUnchanged: last.rowsProcessed,
    duplicateKeys: last.duplicateKeys,
    retryCount: retries,
    bytes: body.bytes,
    checksum: last.checksum,
    headerRow: last.headerRow,
    details: { ...readDetails(last), restored: 0, identicalBody: true, fingerprint },
    // The same sheet read the same way: what was wrong with it still is.
    warnings: last.warnings,
  };
}

/** Nothing downloaded (an unchanged revision, a 304): the last good run's figures stand. */
export function skippedFigures(
  last: SyncRun,
  skip: { reason: SkipReason; requestsSaved: number; bytesSaved: number },
  retries: number,
): RunFigures {
  return {
    ...NO_FIGURES,
    rowsProcessed: last.rowsProcessed,
    rowsUnchanged: last.rowsProcessed,
    duplicateKeys: last.duplicateKeys,
    retryCount: retries,
    checksum: last.checksum,
    headerRow: last.headerRow,
    details: {
      ...readDetails(last),
      restored: 0,
      identicalBody: false,
      skipped: skip.reason,
      googleRequestsSaved: skip.requestsSaved,
      bytesSaved: skip.bytesSaved,
    },
    warnings: last.warnings,
  };
}

/** What the last good run found in the sheet, without what it says about its own skip. */
function readDetails(last: SyncRun): Record<string, unknown> {
  const {
    skipped: _skipped,
    googleRequestsSaved: _requests,
    bytesSaved: _bytes,
    ...read
  } = last.details ?? {};
  return read;
}

/** The sheet's warnings, with HEADER_CHANGED when the columns differ from the last good run's. */
function runWarnings(read: ReadChangesResult, state: SyncState | undefined): RunWarning[] {
  const changes = headerChanges(state?.lastHeaders ?? null, read.mapping?.header.names ?? null);
  if (!changes) return read.warnings;
  return capWarnings([headerChangedWarning(changes.added, changes.removed), ...read.warnings]);
}

export function lastHeaders(state: SyncState | undefined): string[] {
  return state?.lastHeaders ?? [];
}

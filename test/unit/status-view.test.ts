import { describe, expect, it } from 'vitest';
import { statusOf, toStatusView } from '../../src/api/status-view.js';
import type { StatusRow } from '../../src/db/status-rows.repository.js';

const now = new Date('2026-03-02T09:00:00.000Z');
const later = '2026-03-02T10:00:00.000Z';
const earlier = '2026-03-02T08:00:00.000Z';

/** An idle customer, synced once successfully, next run in an hour. */
function row(patch: Partial<StatusRow> = {}): StatusRow {
  return {
    customerId: 'c1',
    customerName: 'Acme',
    sheetUrl: 'https://docs.google.com/spreadsheets/d/x/edit#gid=0',
    isPaused: 0,
    pausedReason: null,
    rowCount: 12,
    lastWarnings: null,
    syncDuration: 300,
    rowsProcessed: 12,
    rowsInserted: 1,
    rowsUpdated: 2,
    rowsDeleted: 0,
    errorCount: 0,
    retryCount: 0,
    progressPercent: 100,
    progressPhase: 'finishing',
    progressMessage: 'Wrote 3 and deleted 0 leads',
    lastSyncAt: earlier,
    lastSuccessAt: earlier,
    lastOutcome: 'success',
    lastErrorCode: null,
    lastErrorMessage: null,
    leaseOwner: null,
    leaseExpiresAt: null,
    nextRunAt: later,
    pendingTrigger: null,
    ...patch,
  };
}

describe('the status word, in the seed’s words first (issue 12)', () => {
  it.each([
    [{ lastOutcome: null }, 'never_synced'],
    [{ lastOutcome: 'success' }, 'success'],
    [{ lastOutcome: 'unchanged' }, 'unchanged'],
    [{ lastOutcome: 'failed' }, 'error'],
    [{ lastOutcome: 'cancelled' }, 'error'],
    [{ lastOutcome: 'needs_review' }, 'needs_review'],
    [{ pendingTrigger: 'manual' }, 'queued'],
    [{ nextRunAt: earlier }, 'queued'],
    [{ leaseOwner: 'w1', leaseExpiresAt: later, pendingTrigger: 'manual' }, 'running'],
    [{ isPaused: 1, leaseOwner: 'w1', leaseExpiresAt: later }, 'paused'],
  ] as const)('%j reads %s', (patch, word) => {
    expect(statusOf(row(patch), now)).toBe(word);
  });

  it('reads an expired lease as not running', () => {
    expect(statusOf(row({ leaseOwner: 'w1', leaseExpiresAt: earlier, lastOutcome: 'failed' }), now)).toBe(
      'error',
    );
  });
});

describe('toStatusView', () => {
  it('gives lastError as the message and lastErrorCode beside it', () => {
    const view = toStatusView(
      row({ lastOutcome: 'failed', lastErrorCode: 'SHEET_NOT_PUBLIC', lastErrorMessage: 'Not shared' }),
      now,
    );
    expect(view).toMatchObject({
      status: 'error',
      lastError: 'Not shared',
      lastErrorCode: 'SHEET_NOT_PUBLIC',
    });
  });

  it('falls back to the code when a stored error has no message, and to null without an error', () => {
    expect(toStatusView(row({ lastErrorCode: 'INTERNAL' }), now).lastError).toBe('INTERNAL');
    expect(toStatusView(row(), now)).toMatchObject({ lastError: null, lastErrorCode: null });
  });

  it('names the customer and its sheet, and reads rowCount 0 before the first success', () => {
    expect(toStatusView(row(), now).customer).toEqual({
      id: 'c1',
      name: 'Acme',
      leadsReportingUrl: 'https://docs.google.com/spreadsheets/d/x/edit#gid=0',
    });
    expect(toStatusView(row(), now).metrics.rowCount).toBe(12);
    expect(toStatusView(row({ rowCount: null, lastOutcome: null }), now).metrics.rowCount).toBe(0);
  });
});

// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createElement as h } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncRun } from '../../web/client/index.js';
import { App } from '../../web/src/app.js';
import {
  customerFixture,
  fakeApi,
  leadFixture,
  notificationFixture,
  statusFixture,
  TOKEN,
  type FakeApi,
} from './fake-api.js';

const base = 'http://leadsync.test';
const run = (patch: Partial<SyncRun>): SyncRun => ({
  id: 'run1',
  customerId: 'c1',
  trigger: 'schedule',
  outcome: 'success',
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:01.000Z',
  durationMs: 1000,
  rowsProcessed: 10,
  rowsInserted: 1,
  rowsUpdated: 2,
  rowsDeleted: 0,
  rowsUnchanged: 7,
  retryCount: 0,
  error: null,
  warnings: [],
  ...patch,
});

/** The main views in happy-dom, over an in-memory API and a pushed events stream. */
describe('dashboard views', () => {
  let api: FakeApi;
  beforeEach(() => {
    // An en-GB browser: the dashboard follows the browser's locale (issue 16, finding 6).
    Object.defineProperty(window.navigator, 'languages', { value: ['en-GB'], configurable: true });
    window.localStorage.clear();
    window.location.hash = '#/';
    api = fakeApi();
    for (const [id, name] of [
      ['c1', 'Acme'],
      ['c2', 'Globex'],
    ] as const) {
      api.customers.set(id, customerFixture(id, name));
      api.statuses.set(id, statusFixture(id));
    }
  });
  afterEach(cleanup);

  const signedIn = async (hash = '#/') => {
    window.location.hash = hash;
    window.localStorage.setItem('leadsync.token', TOKEN);
    render(h(App, { baseUrl: base, fetch: api.fetch }));
    await waitFor(() => expect(api.openStreams()).toBeGreaterThan(0));
  };
  const rowOf = (name: string) => screen.getByRole('link', { name }).closest('tr') as HTMLElement;

  it('signs in with a token, refusing a wrong one in plain words, and signs out', async () => {
    render(h(App, { baseUrl: base, fetch: api.fetch }));
    const input = screen.getByLabelText('API token');
    fireEvent.change(input, { target: { value: 'wrong-token-123456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/token was not accepted/);
    fireEvent.change(input, { target: { value: TOKEN } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('link', { name: 'Globex' });
    expect(window.localStorage.getItem('leadsync.token')).toBe(TOKEN);
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByLabelText('API token')).toBeTruthy();
    expect(window.localStorage.getItem('leadsync.token')).toBeNull();
  });

  it('lists every customer, pauses one, filters by state and searches by name', async () => {
    await signedIn();
    await screen.findByRole('link', { name: 'Acme' });
    fireEvent.click(within(rowOf('Globex')).getByRole('button', { name: 'Pause Globex' }));
    await within(rowOf('Globex')).findByRole('button', { name: 'Resume Globex' });
    fireEvent.click(screen.getByLabelText('Paused'));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Acme' })).toBeNull());
    expect(screen.getByRole('link', { name: 'Globex' })).toBeTruthy();
    fireEvent.click(screen.getByLabelText('All'));
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'acm' } });
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Globex' })).toBeNull());
    expect(screen.getByText('1 of 2 customers')).toBeTruthy();
  });

  it('moves the progress bar of one row from the events stream', async () => {
    await signedIn();
    await screen.findByRole('link', { name: 'Acme' });
    const progress = { percent: 42, phase: 'applying', message: 'Writing batch 3' };
    api.push('progress', { type: 'progress', customerId: 'c1', progress });
    const bar = await within(rowOf('Acme')).findByRole('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('42');
    expect(within(rowOf('Acme')).getByText('Writing batch 3')).toBeTruthy();
    expect(within(rowOf('Globex')).queryByRole('progressbar')).toBeNull();
  });

  it('shows a banner and a badge when a sync fails, without reloading', async () => {
    await signedIn();
    await screen.findByRole('link', { name: 'Acme' });
    const lastError = { lastErrorCode: 'SHEET_NOT_PUBLIC', lastError: 'private' };
    api.statuses.set('c1', statusFixture('c1', { status: 'error', ...lastError }));
    // The outbox row commits with the run's ending, before the event: the badge's count includes it.
    api.notifications.unshift(notificationFixture('n1', 'c1', 'sync.failed'));
    api.push('run-finished', { type: 'run-finished', customerId: 'c1', runId: 'r', outcome: 'failed' });
    const banner = await screen.findByText(/Sync failed: Acme/);
    expect(banner.closest('[role=alert]')?.textContent).toMatch(/SHEET_NOT_PUBLIC: The sheet is private/);
    expect(screen.getByLabelText('Notifications, 1 unread')).toBeTruthy();
    await within(rowOf('Acme')).findByText('SHEET_NOT_PUBLIC');
  });

  it('shows a held run with what it would delete, and approves it', async () => {
    api.runs.push(
      run({
        id: 'held',
        outcome: 'needs_review',
        pendingDeletes: 812,
        error: { code: 'MASS_DELETE_HELD', message: 'held' },
      }),
    );
    api.runs.push(run({ id: 'old', startedAt: '2025-12-31T00:00:00.000Z' }));
    await signedIn('#/customers/c1');
    await screen.findByRole('heading', { name: 'Acme' });
    expect(await screen.findByText('812')).toBeTruthy();
    expect(screen.getByText('75 %')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Approve deletion' }));
    await screen.findByText(/Approved: a new sync is queued/);
    expect(api.approved).toEqual(['held']);
  });

  it('offers no Approve button for a held run a later run superseded', async () => {
    api.runs.push(run({ id: 'later', startedAt: '2026-01-02T00:00:00.000Z' }));
    api.runs.push(
      run({
        id: 'held',
        outcome: 'needs_review',
        pendingDeletes: 812,
        error: { code: 'MASS_DELETE_HELD', message: 'held' },
      }),
    );
    await signedIn('#/customers/c1');
    await screen.findByRole('heading', { name: 'Acme' });
    expect(await screen.findByText('812')).toBeTruthy();
    expect(screen.getByText(/A later run superseded this one/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Approve deletion' })).toBeNull();
  });

  it("lists the last sync's warnings on the customer page and each run's in the history", async () => {
    const warning = {
      code: 'DATE_UNREADABLE',
      message: '13/02/2026 is not a date in month/day/year (column Date, 3 cells; stored without a date)',
      column: 'Date',
      count: 3,
      samples: ['13/02/2026', '31/01/2026'],
    };
    api.statuses.set('c1', statusFixture('c1', { warnings: [warning] }));
    api.runs.push(run({ id: 'warned', warnings: [warning] }));
    await signedIn('#/customers/c1');
    const last = await screen.findByRole('list', { name: 'Warnings of the last sync' });
    expect(last.textContent).toContain('DATE_UNREADABLE');
    expect(last.textContent).toContain('13/02/2026 is not a date in month/day/year');
    const ofRun = screen.getByRole('list', { name: 'Warnings of the run warned' });
    expect(ofRun.textContent).toContain('e.g. 13/02/2026, 31/01/2026');
  });

  it('checks a sheet before saving: header, mapped fields and rows, or why it cannot be read', async () => {
    api.sheets.set('https://docs.google.com/private', {
      code: 'SHEET_NOT_PUBLIC',
      message: 'Sheet is not public',
    });
    api.sheets.set('https://docs.google.com/ok', {
      sourceKind: 'google_export',
      headerRow: 1,
      headers: ['Name', 'Email'],
      mappedFields: { fullName: 'Name', email: 'Email' },
      identity: 'email',
      rowCount: 4,
      // As the API answers: `values` by lead field, `cells` by sheet header (issue 16, finding 1).
      sample: [
        {
          key: 'k',
          sheetRow: 2,
          values: { fullName: 'Ann', email: 'ann@x.io' },
          cells: { Name: 'Ann', Email: 'ann@x.io' },
        },
      ],
    });
    await signedIn('#/customers/new');
    await screen.findByRole('heading', { name: 'Add a customer' });
    const link = screen.getByLabelText(/Google Sheet link/);
    fireEvent.change(link, { target: { value: 'https://docs.google.com/private' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check sheet' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/The sheet is private/);
    fireEvent.change(link, { target: { value: 'https://docs.google.com/ok' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check sheet' }));
    const result = await screen.findByRole('status', { name: 'Sheet check result' });
    expect(result.textContent).toMatch(/4 lead rows/);
    expect(result.textContent).toMatch(/leads are recognised by email address \(column “Email”\)/);
    expect(result.textContent).not.toMatch(/identified by|id_column|email\./);
    // Each cell under its header: the row reads Ann, ann@x.io.
    const cells = within(result).getAllByRole('row')[1]?.querySelectorAll('td') ?? [];
    expect([...cells].map((td) => td.textContent)).toEqual(['2', 'Ann', 'ann@x.io']);
  });

  it('opens a lead in a side panel with its history as a timeline, newest first', async () => {
    api.leads.push(leadFixture('l1', 'c1', { fullName: 'Ada Lovelace', notes: 'Called Ada', status: 'won' }));
    api.history.set('l1', [
      {
        at: '2026-12-03T10:05:00.000Z',
        op: 'edit',
        fields: { status: { from: 'new', to: 'won' } },
        cursor: '3-1',
      },
      {
        at: '2026-12-03T10:02:00.000Z',
        runId: 'run2',
        op: 'update',
        fields: { notes: { from: 'Met Ada', to: 'Called Ada' }, company: { from: null, to: 'Acme' } },
        cursor: '2-1',
      },
      { at: '2026-12-01T09:00:00.000Z', runId: 'run1', op: 'insert', fields: {}, cursor: '1-1' },
    ]);
    await signedIn('#/customers/c1/leads');
    const opener = await screen.findByRole('button', { name: 'Open Ada Lovelace' });
    opener.focus();
    fireEvent.click(opener);
    const panel = await screen.findByRole('complementary', { name: 'Lead Ada Lovelace' });
    // Keyboard users land in the panel (and go back to the lead's button when it closes).
    expect(document.activeElement).toBe(within(panel).getByRole('heading', { name: 'Ada Lovelace' }));
    const timeline = await within(panel).findByRole('list', { name: 'History' });
    const items = within(timeline)
      .getAllByRole('listitem')
      .map((li) => li.textContent ?? '');
    expect(items).toHaveLength(3);
    expect(items[0]).toMatch(/^Status changed from “new” to “won” by an edit on 3 Dec, \d\d:\d\d$/);
    expect(items[1]).toMatch(/Notes changed from “Met Ada” to “Called Ada” by the sync of 3 Dec, \d\d:\d\d/);
    expect(items[1]).toMatch(/Company changed from empty to “Acme”/);
    expect(items[2]).toMatch(/^Added by the sync of 1 Dec/);
    fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() =>
      expect(screen.queryByRole('complementary', { name: 'Lead Ada Lovelace' })).toBeNull(),
    );
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Open Ada Lovelace' }));
  });
});

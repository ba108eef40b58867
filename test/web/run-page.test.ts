// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createElement as h } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncRun } from '../../web/client/index.js';
import { App } from '../../web/src/app.js';
import { customerFixture, fakeApi, statusFixture, TOKEN, type FakeApi } from './fake-api.js';

const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 9, 0, s)).toISOString();
const run = (patch: Partial<SyncRun>): SyncRun => ({
  id: 'run1',
  customerId: 'c1',
  trigger: 'schedule',
  outcome: 'failed',
  startedAt: at(0),
  finishedAt: at(15),
  durationMs: 15_000,
  rowsProcessed: 1200,
  rowsInserted: 0,
  rowsUpdated: 0,
  rowsDeleted: 0,
  rowsUnchanged: 0,
  retryCount: 2,
  error: { code: 'SHEET_NOT_PUBLIC', message: 'Google asked for a sign-in' },
  warnings: [],
  phases: [
    { phase: 'queued', at: at(0) },
    { phase: 'fetching', at: at(1) },
    { phase: 'parsing', at: at(11) },
  ],
  ...patch,
});

/** The run detail page (`#/runs/:id`): timeline, figures, warnings, error words, held deletes. */
describe('run detail page', () => {
  let api: FakeApi;
  beforeEach(() => {
    Object.defineProperty(window.navigator, 'languages', { value: ['en-GB'], configurable: true });
    window.localStorage.setItem('leadsync.token', TOKEN);
    api = fakeApi();
    api.customers.set('c1', customerFixture('c1', 'Acme'));
    api.statuses.set('c1', statusFixture('c1'));
  });
  afterEach(cleanup);
  const open = (id: string) => {
    window.location.hash = `#/runs/${id}`;
    render(h(App, { baseUrl: 'http://leadsync.test', fetch: api.fetch }));
  };

  it('shows a failed run as a timeline with durations, its figures, and what to do', async () => {
    api.runs.push(
      run({
        warnings: [
          {
            code: 'DATE_UNREADABLE',
            message: 'not a date',
            column: 'Date',
            count: 3,
            samples: ['13/13/2026'],
          },
        ],
      }),
    );
    open('run1');
    const timeline = await screen.findByRole('list', { name: 'Timeline' });
    const steps = within(timeline)
      .getAllByRole('listitem')
      .map((li) => li.textContent ?? '');
    expect(steps).toHaveLength(4);
    expect(steps[0]).toMatch(/^Started .* · 1\.0 s$/);
    expect(steps[1]).toMatch(/^Downloading the sheet .* · 10\.0 s$/);
    expect(steps[2]).toMatch(/^Reading rows .* · 4\.0 s$/);
    expect(steps[3]).toMatch(/^Finished: failed/);
    const figures = document.querySelector('dl[aria-label="Figures"]')?.textContent ?? '';
    expect(figures).toContain('Rows read1,200');
    expect(figures).toContain('Duration15.0 s');
    expect(figures).toContain('Retries2');
    const error = screen.getByRole('group', { name: 'Error' });
    expect(error.textContent).toMatch(/SHEET_NOT_PUBLIC Google asked for a sign-in/);
    expect(error.textContent).toMatch(/What to do: The sheet is private\. In Google Sheets choose Share/);
    expect(screen.getByRole('list', { name: 'Warnings of this run' }).textContent).toContain(
      'e.g. 13/13/2026',
    );
    await waitFor(() =>
      expect(document.querySelector('.crumbs')?.textContent).toBe('All customers / Acme /'),
    );
  });

  it('shows a held run with its sample and approves it when it is the latest', async () => {
    api.runs.push(
      run({
        id: 'held',
        outcome: 'needs_review',
        error: { code: 'MASS_DELETE_HELD', message: 'held' },
        pendingDeletes: 812,
        pendingDeleteSample: [{ externalKey: 'k1', fullName: 'Ada', email: 'ada@x.io', company: 'Acme' }],
      }),
    );
    open('held');
    await screen.findByRole('heading', { name: 'Held deletes' });
    expect(screen.getByText('812')).toBeTruthy();
    expect(screen.getByText('Ada <ada@x.io>, Acme')).toBeTruthy();
    fireEvent.click(await screen.findByRole('button', { name: 'Approve deletion' }));
    await screen.findByText(/Approved: a new sync is queued/);
    expect(api.approved).toEqual(['held']);
  });
});

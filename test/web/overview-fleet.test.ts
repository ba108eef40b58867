// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createElement as h } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../web/src/app.js';
import { PAGE_SIZE } from '../../web/src/pages/overview-page.js';
import { customerFixture, fakeApi, statusFixture, TOKEN, type FakeApi } from './fake-api.js';

const CUSTOMERS = 250;

/** The overview at fleet scale: counts by state, the last 24 h, sorting by any column, pages. */
describe('overview of a fleet', () => {
  let api: FakeApi;
  beforeEach(() => {
    Object.defineProperty(window.navigator, 'languages', { value: ['en-GB'], configurable: true });
    window.localStorage.setItem('leadsync.token', TOKEN);
    window.location.hash = '#/';
    api = fakeApi();
    for (let i = 0; i < CUSTOMERS; i++) {
      const id = `c${String(i).padStart(3, '0')}`;
      api.customers.set(id, customerFixture(id, `Customer ${String(i).padStart(3, '0')}`));
      const failing = i % 50 === 7;
      api.statuses.set(
        id,
        statusFixture(id, {
          ...(failing && { status: 'error', lastErrorCode: 'SHEET_NOT_PUBLIC', lastError: 'private' }),
          ...(i % 100 === 3 && { status: 'paused', isPaused: true, pausedReason: 'Paused by request' }),
          metrics: { ...statusFixture(id).metrics, rowsProcessed: (i * 37) % 1000 },
        }),
      );
    }
    api.activity[23] = { ...api.activity[23]!, syncs: 1200, failures: 5 };
    api.activity[22] = { ...api.activity[22]!, syncs: 800, failures: 0 };
  });
  afterEach(cleanup);
  const bodyRows = () => document.querySelectorAll('table.overview tbody tr');
  const firstNames = (n: number) =>
    [...bodyRows()].slice(0, n).map((tr) => tr.querySelector('th')?.textContent);

  it('counts customers by state at the top, and a count filters the table', async () => {
    render(h(App, { baseUrl: 'http://leadsync.test', fetch: api.fetch }));
    const counts = await screen.findByRole('list', { name: 'Customers by state' });
    const words = within(counts)
      .getAllByRole('button')
      .map((b) => b.textContent);
    expect(words).toEqual(['5 Failing', '3 Paused', '0 Running', '0 Needs review']);
    fireEvent.click(within(counts).getByRole('button', { name: '5 Failing' }));
    await waitFor(() => expect(bodyRows()).toHaveLength(5));
    expect(within(counts).getByRole('button', { name: '5 Failing' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    expect(screen.getByText('5 of 250 customers')).toBeTruthy();
  });

  it('charts the last 24 h of syncs and failures, with the figures in words', async () => {
    render(h(App, { baseUrl: 'http://leadsync.test', fetch: api.fetch }));
    expect((await screen.findByText(/^Last 24 h:/)).textContent).toBe('Last 24 h: 2,000 syncs, 5 failed');
    const table = screen.getByRole('table', { name: 'Syncs and failures per hour' });
    expect(within(table).getAllByRole('row')).toHaveLength(25);
  });

  it('shows one page at a time and sorts by any column, both ways', async () => {
    render(h(App, { baseUrl: 'http://leadsync.test', fetch: api.fetch }));
    await screen.findByRole('link', { name: 'Customer 000' });
    expect(bodyRows()).toHaveLength(PAGE_SIZE);
    expect(screen.getByText('Page 1 of 3')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByRole('link', { name: 'Customer 100' });
    expect(screen.queryByRole('link', { name: 'Customer 000' })).toBeNull();

    const header = (label: string) => screen.getByRole('button', { name: new RegExp(`^${label}`) });
    fireEvent.click(header('Rows'));
    await screen.findByText('Page 1 of 3');
    const rows = () =>
      [...bodyRows()].map((tr) => Number(tr.querySelector('td.num')?.textContent?.replace(/,/g, '')));
    expect(rows()).toEqual([...rows()].sort((a, b) => a - b));
    expect(rows()[0]).toBe(0);
    expect(header('Rows').closest('th')?.getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(header('Rows'));
    const most = Math.max(...Array.from({ length: CUSTOMERS }, (_, i) => (i * 37) % 1000));
    await waitFor(() => expect(rows()[0]).toBe(most));
    expect(rows()).toEqual([...rows()].sort((a, b) => b - a));
    expect(header('Rows').closest('th')?.getAttribute('aria-sort')).toBe('descending');

    fireEvent.click(header('Status'));
    // Most pressing first: the failing ones, then paused…
    await waitFor(() => expect(firstNames(1)).toEqual(['Customer 007']));
    expect(firstNames(5)).toEqual([
      'Customer 007',
      'Customer 057',
      'Customer 107',
      'Customer 157',
      'Customer 207',
    ]);
    fireEvent.click(header('Customer'));
    fireEvent.click(header('Customer'));
    await waitFor(() => expect(firstNames(1)).toEqual(['Customer 249']));
  });
});

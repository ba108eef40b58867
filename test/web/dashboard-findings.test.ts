// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createElement as h } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../web/src/app.js';
import { count, dayTime, duration, relativeTime } from '../../web/src/format.js';
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
const setLocale = (tag: string) =>
  Object.defineProperty(window.navigator, 'languages', { value: [tag], configurable: true });

/** Issue 16's findings in the dashboard, each as a new user met it, in happy-dom over a fake API. */
describe('dashboard: what a new user tripped over', () => {
  let api: FakeApi;
  beforeEach(() => {
    setLocale('en-GB');
    window.localStorage.clear();
    window.location.hash = '#/';
    api = fakeApi();
    api.customers.set('c1', customerFixture('c1', 'Acme'));
    api.statuses.set('c1', statusFixture('c1'));
  });
  afterEach(cleanup);

  const signedIn = async (hash = '#/') => {
    window.location.hash = hash;
    window.localStorage.setItem('leadsync.token', TOKEN);
    render(h(App, { baseUrl: base, fetch: api.fetch }));
    await waitFor(() => expect(api.openStreams()).toBeGreaterThan(0));
  };

  it('2: shows a banner and the unread count on load for failures from before the page opened', async () => {
    api.statuses.set('c1', statusFixture('c1', { status: 'error', lastErrorCode: 'SHEET_NOT_PUBLIC' }));
    api.notifications.push(
      notificationFixture('n3', 'c1', 'sync.failed'),
      notificationFixture('n2', 'c1', 'customer.paused', { reason: 'automatic', message: '3 failures' }),
      notificationFixture('n1', 'c1', 'sync.failed'),
    );
    await signedIn();
    const banner = await screen.findByText(/Sync failed: Acme/);
    expect(banner.closest('[role=alert]')?.textContent).toMatch(/SHEET_NOT_PUBLIC: The sheet is private/);
    expect(banner.closest('[role=alert]')?.textContent).toMatch(/3 in a row/);
    // One banner per customer, the badge counts every unread one.
    expect(screen.getAllByText(/Sync failed: Acme/)).toHaveLength(1);
    expect(screen.getByRole('link', { name: 'Notifications, 3 unread' })).toBeTruthy();
    // The next successful sync ends it: the banner goes, the notification stays in the list.
    api.push('run-finished', { type: 'run-finished', customerId: 'c1', runId: 'r', outcome: 'success' });
    await waitFor(() => expect(screen.queryByText(/Sync failed: Acme/)).toBeNull());
  });

  it('2: lists the notifications, says which are new in words, and marks them read', async () => {
    api.notifications.push(
      notificationFixture('n2', 'c1', 'sync.needs_review', { runId: 'r9', pendingDeletes: 812 }),
      notificationFixture('n1', 'c1', 'customer.recovered', { runId: 'r8', failedRuns: 4 }),
    );
    api.readUpTo = 'n1';
    await signedIn('#/notifications');
    const list = await screen.findByRole('list', { name: 'Notifications, newest first' });
    const items = within(list).getAllByRole('listitem');
    expect(items[0]?.textContent).toMatch(/^New Mass delete held: Acme\. It would delete 812 leads/);
    expect(items[1]?.textContent).toMatch(/^\s*Recovered: Acme\. Synced again after 4 failed runs/);
    expect(
      within(items[0] as HTMLElement)
        .getByRole('link', { name: 'Open run' })
        .getAttribute('href'),
    ).toBe('#/runs/r9');
    fireEvent.click(screen.getByRole('button', { name: 'Mark all as read' }));
    await screen.findByRole('link', { name: 'Notifications, 0 unread' });
    expect(api.readUpTo).toBe('n2');
    expect(screen.queryByText('New')).toBeNull();
  });

  it('3: keeps the bar at 100 % when a run ends, instead of making it vanish at its last report', async () => {
    await signedIn();
    await screen.findByRole('link', { name: 'Acme' });
    const row = () => screen.getByRole('link', { name: 'Acme' }).closest('tr') as HTMLElement;
    api.push('progress', {
      type: 'progress',
      customerId: 'c1',
      progress: { percent: 80, phase: 'applying', message: 'Writing 8,000 of 10,000' },
    });
    await within(row()).findByText('applying');
    api.push('run-finished', { type: 'run-finished', customerId: 'c1', runId: 'r', outcome: 'success' });
    await waitFor(() =>
      expect(within(row()).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100'),
    );
    expect(within(row()).getByText('finishing')).toBeTruthy();
  });

  it('3: shows an indeterminate bar with the count while the download size is unknown', async () => {
    await signedIn();
    await screen.findByRole('link', { name: 'Acme' });
    api.push('progress', {
      type: 'progress',
      customerId: 'c1',
      progress: { percent: 0, phase: 'fetching', message: 'Downloaded 1,048,576 bytes' },
    });
    const bar = await screen.findByRole('progressbar');
    expect(bar.hasAttribute('aria-valuenow')).toBe(false);
    expect(bar.getAttribute('aria-valuetext')).toBe('Downloaded 1,048,576 bytes');
    expect(bar.closest('.progress')?.classList.contains('progress-indeterminate')).toBe(true);
    expect(screen.queryByText('0%')).toBeNull();
  });

  it('5: leads page names the customer, shows each column once, keeps phones on one line', async () => {
    const data = { Name: 'Ada Lovelace', Email: 'ada@x.io', Phone: '+44 20 7946 0958', Region: 'EMEA' };
    api.leads.push(
      leadFixture('l1', 'c1', { fullName: 'Ada Lovelace', email: 'ada@x.io', phone: data.Phone, data }),
      leadFixture('l2', 'c1', {
        fullName: 'Bob',
        status: 'qualified',
        data: { Name: 'Bob', Region: 'APAC' },
      }),
    );
    await signedIn('#/customers/c1/leads');
    await screen.findByRole('button', { name: 'Open Ada Lovelace' });
    const crumbs = document.querySelector('.crumbs') as HTMLElement;
    await waitFor(() => expect(crumbs.textContent).toBe('All customers / Acme /'));
    const headers = () => screen.getAllByRole('columnheader').map((th) => th.textContent);
    // Job title, Score… have no value on the page: left out until asked for.
    expect(headers()).toEqual(['Name', 'Email', 'Phone', 'Status', 'Deleted', 'Edit']);
    fireEvent.click(screen.getByLabelText('Show sheet columns'));
    expect(headers()).toEqual(['Name', 'Email', 'Phone', 'Status', 'Region', 'Deleted', 'Edit']);
    fireEvent.click(screen.getByLabelText('Show empty columns'));
    expect(headers()).toContain('Job title');
    expect(headers()).toContain('Score');
    expect(screen.getByText(data.Phone).classList.contains('nowrap')).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Edit status and score of Ada Lovelace' }));
    const status = screen.getByLabelText<HTMLInputElement>('Status of Ada Lovelace');
    const options = [...(document.getElementById(status.getAttribute('list') ?? '')?.children ?? [])];
    expect(options.map((o) => o.getAttribute('value'))).toEqual([
      'new',
      'contacted',
      'qualified',
      'won',
      'lost',
    ]);
    // A suggestion list, not a closed one: any text is still allowed.
    expect(status.tagName).toBe('INPUT');
  });

  it('6: follows the browser locale for dates, times and numbers', () => {
    const iso = '2026-12-01T21:19:00.000Z';
    setLocale('en-GB');
    expect(dayTime(iso)).toMatch(/^1 Dec, \d\d:19$/);
    expect(count(200_000)).toBe('200,000');
    setLocale('de-DE');
    expect(count(200_000)).toBe('200.000');
    expect(duration(15_300)).toBe('15,3 s');
    expect(relativeTime('2026-12-01T21:18:00.000Z', Date.parse(iso))).toBe('vor 1 Minute');
    setLocale('en-US');
    expect(dayTime(iso)).toMatch(/^Dec 1, \d{1,2}:19 [AP]M$/);
  });

  it('7: the sign-in page of the demo names its token and fills it in', async () => {
    api.demoToken = TOKEN;
    render(h(App, { baseUrl: base, fetch: api.fetch }));
    const note = await screen.findByRole('note', { name: 'Demo' });
    expect(note.textContent).toContain(TOKEN);
    fireEvent.click(within(note).getByRole('button', { name: 'Use the demo token' }));
    expect(screen.getByLabelText<HTMLInputElement>('API token').value).toBe(TOKEN);
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('link', { name: 'Acme' });
  });

  it('7: outside the demo the sign-in page names no token', async () => {
    // The page's read of GET /api/dashboard, observed: the assertion follows the answer, not a pause.
    let answered!: () => void;
    const read = new Promise<void>((resolve) => (answered = resolve));
    const fetch: typeof api.fetch = async (input, init) => {
      const res = await api.fetch(input, init);
      if (new URL(input instanceof Request ? input.url : input).pathname !== '/api/dashboard') return res;
      const json = res.json.bind(res);
      return Object.assign(res, {
        json: async () => {
          const body: unknown = await json();
          answered();
          return body;
        },
      });
    };
    render(h(App, { baseUrl: base, fetch }));
    await screen.findByLabelText('API token');
    // Then one turn of the event loop: the page's promise chain after the body settles.
    await act(async () => {
      await read;
      await new Promise((resolve) => setImmediate(resolve));
    });
    expect(screen.queryByRole('note', { name: 'Demo' })).toBeNull();
  });
});

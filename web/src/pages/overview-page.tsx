import { startTransition, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { useCustomerNames, useLive, useStatusListVersion } from '../live-status.js';
import { href } from '../router.js';
import { FILTERS, filterRows, type Filter } from './overview-filter.js';
import { OverviewRow } from './overview-row.js';

/** Rows in the first paint; the rest follow in a transition, so 1,000 customers show at once. */
const FIRST_ROWS = 60;

/** Every customer in one live table, with filters and search. */
export function OverviewPage() {
  const { store, loaded, loadError } = useLive();
  const customers = useCustomerNames();
  const version = useStatusListVersion();
  const [filter, setFilter] = useState<Filter>('all');
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search);
  const rows = useMemo(
    () => filterRows(store.all(), customers.data, filter, deferredSearch),
    // `version` stands for the store's contents (it changes whenever a filter could change).
    [store, version, customers.data, filter, deferredSearch],
  );

  const [shown, setShown] = useState(FIRST_ROWS);
  useEffect(() => {
    if (rows.length > shown) startTransition(() => setShown(Number.POSITIVE_INFINITY));
  }, [rows.length, shown]);

  if (loadError) return <p role="alert">Could not load the statuses: {loadError.message}</p>;
  if (!loaded) return <p aria-busy="true">Loading customers…</p>;
  const total = store.all().length;

  return (
    <section aria-labelledby="overview-title">
      <div className="page-head">
        <h1 id="overview-title">Customers</h1>
        <a className="button primary" href={href.newCustomer()}>
          Add customer
        </a>
      </div>
      {total === 0 ? (
        <p className="empty">
          No customers yet. <a href={href.newCustomer()}>Add a customer</a> by pasting the link of their
          Google Sheet.
        </p>
      ) : (
        <>
          <div className="toolbar" role="search">
            <label>
              Search{' '}
              <input
                type="search"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                placeholder="Name or id"
              />
            </label>
            <fieldset className="filters">
              <legend className="visually-hidden">Show</legend>
              {FILTERS.map((f) => (
                <label key={f.value} className={filter === f.value ? 'chip chip-on' : 'chip'}>
                  <input
                    type="radio"
                    name="filter"
                    value={f.value}
                    checked={filter === f.value}
                    onChange={() => setFilter(f.value)}
                  />
                  {f.label}
                </label>
              ))}
            </fieldset>
            <span className="muted" aria-live="polite">
              {rows.length} of {total} customers
            </span>
          </div>
          {rows.length === 0 ? (
            <p className="empty">No customer matches. Clear the search or choose “All”.</p>
          ) : (
            <div className="table-wrap">
              <table className="overview">
                <thead>
                  <tr>
                    <th scope="col">Customer</th>
                    <th scope="col">Status</th>
                    <th scope="col">Progress</th>
                    <th scope="col">Last sync</th>
                    <th scope="col">Next run</th>
                    <th scope="col">Rows</th>
                    <th scope="col">Last error</th>
                    <th scope="col">Paused</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.slice(0, shown).map((r) => (
                    <OverviewRow key={r.id} id={r.id} name={r.name} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

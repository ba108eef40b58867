import { useDeferredValue, useMemo, useState } from 'react';
import { count } from '../format.js';
import { useCustomerNames, useLive, useStatusListVersion } from '../live-status.js';
import { href } from '../router.js';
import { ActivityChart } from './activity-chart.js';
import {
  countByFilter,
  FILTERS,
  filterRows,
  type Filter,
  type Sort,
  type SortKey,
} from './overview-filter.js';
import { OverviewRow } from './overview-row.js';

/**
 * Rows per page: a fleet of 5,000 customers paints one page at once and scrolls smoothly
 * (each row subscribes to its own customer, so a page of live rows costs what it shows).
 */
export const PAGE_SIZE = 100;

const COLUMNS: { key: SortKey | null; label: string }[] = [
  { key: 'name', label: 'Customer' },
  { key: 'status', label: 'Status' },
  { key: 'progress', label: 'Progress' },
  { key: 'lastSync', label: 'Last sync' },
  { key: 'nextRun', label: 'Next run' },
  { key: 'rows', label: 'Rows' },
  { key: 'lastError', label: 'Last error' },
  { key: 'paused', label: 'Paused' },
  { key: null, label: 'Actions' },
];

/** Every customer in one live table: counts by state, the last 24 h, filters, search, sorting, pages. */
export function OverviewPage() {
  const { store, loaded, loadError } = useLive();
  const customers = useCustomerNames();
  const version = useStatusListVersion();
  const [filter, setFilter] = useState<Filter>('all');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<Sort>({ key: 'name', descending: false });
  const [page, setPage] = useState(0);
  const deferredSearch = useDeferredValue(search);
  const rows = useMemo(
    () => filterRows(store.all(), customers.data, filter, deferredSearch, sort),
    // `version` stands for the store's contents (it changes whenever a filter could change).
    [store, version, customers.data, filter, deferredSearch, sort],
  );
  const counts = useMemo(() => countByFilter(store.all()), [store, version]);

  if (loadError) return <p role="alert">Could not load the statuses: {loadError.message}</p>;
  if (!loaded) return <p aria-busy="true">Loading customers…</p>;
  const total = counts.all;
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const choose = (f: Filter) => (setFilter(f), setPage(0));
  const sortBy = (key: SortKey) => {
    setSort((s) => ({ key, descending: s.key === key ? !s.descending : false }));
    setPage(0);
  };

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
          <div className="fleet">
            <ul className="counts" aria-label="Customers by state">
              {FILTERS.filter((f) => f.value !== 'all').map((f) => (
                <li key={f.value}>
                  <button
                    type="button"
                    className={`count count-${f.value}${counts[f.value] > 0 ? ' count-some' : ''}`}
                    aria-pressed={filter === f.value}
                    onClick={() => choose(filter === f.value ? 'all' : f.value)}
                  >
                    <span className="count-n">{count(counts[f.value])}</span> {f.label}
                  </button>
                </li>
              ))}
            </ul>
            <ActivityChart />
          </div>
          <div className="toolbar" role="search">
            <label>
              Search{' '}
              <input
                type="search"
                value={search}
                onChange={(e) => (setSearch(e.target.value), setPage(0))}
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
                    onChange={() => choose(f.value)}
                  />
                  {f.label}
                </label>
              ))}
            </fieldset>
            <span className="muted" aria-live="polite">
              {count(rows.length)} of {count(total)} customers
            </span>
          </div>
          {rows.length === 0 ? (
            <p className="empty">No customer matches. Clear the search or choose “All”.</p>
          ) : (
            <>
              <div className="table-wrap">
                <table className="overview">
                  <thead>
                    <tr>
                      {COLUMNS.map((c) => (
                        <th
                          key={c.label}
                          scope="col"
                          aria-sort={
                            c.key === sort.key ? (sort.descending ? 'descending' : 'ascending') : undefined
                          }
                        >
                          {c.key === null ? (
                            c.label
                          ) : (
                            <SortButton column={c.key} label={c.label} sort={sort} onSort={sortBy} />
                          )}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {rows.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE).map((r) => (
                      <OverviewRow key={r.id} id={r.id} name={r.name} />
                    ))}
                  </tbody>
                </table>
              </div>
              {pages > 1 && (
                <nav className="pager" aria-label="Pages of customers">
                  <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
                    Previous
                  </button>
                  <span className="muted">
                    Page {count(current + 1)} of {count(pages)}
                  </span>
                  <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
                    Next
                  </button>
                </nav>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}

/** A column header that sorts by it (again: the other way); the arrow is also said by aria-sort. */
function SortButton(props: { column: SortKey; label: string; sort: Sort; onSort: (key: SortKey) => void }) {
  const { column, label, sort, onSort } = props;
  return (
    <button type="button" className="sort" onClick={() => onSort(column)}>
      {label}
      <span aria-hidden="true">{column === sort.key ? (sort.descending ? ' ▼' : ' ▲') : ' ↕'}</span>
    </button>
  );
}

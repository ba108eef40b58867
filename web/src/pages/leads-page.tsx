import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useCallback, useDeferredValue, useId, useState } from 'react';
import type { Lead } from '../../client/index.js';
import { useApi } from '../auth.js';
import { count } from '../format.js';
import { href } from '../router.js';
import { LeadPanel } from './lead-panel.js';
import { extraSheetColumns, filledColumns, statusOptions } from './lead-columns.js';
import { LeadRow, MAPPED_COLUMNS, MAPPED_LABELS } from './lead-row.js';

const PAGE_SIZE = 50;

/** A customer's leads: search, pages, deleted leads on request, sheet columns on request, CSV. */
export function LeadsPage({ id }: { id: string }) {
  const api = useApi();
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search.trim());
  const [includeDeleted, setIncludeDeleted] = useState(false);
  const [showSheet, setShowSheet] = useState(false);
  const [showEmpty, setShowEmpty] = useState(false);
  const statusListId = useId();
  const customer = useQuery({ queryKey: ['customer', id, 'details'], queryFn: () => api.getCustomer(id) });
  const [cursors, setCursors] = useState<string[]>([]);
  const [openId, setOpenId] = useState<string | null>(null);
  const cursor = cursors.at(-1);
  const opts = { limit: PAGE_SIZE, includeDeleted, ...(q && { q }), ...(cursor && { cursor }) };
  const leads = useQuery({
    queryKey: ['leads', id, opts],
    // Fresh for 5 minutes unless a sync or an edit invalidates ['leads', id] (live-status.tsx).
    queryFn: () => api.fetchLeadsFromApi(id, opts),
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
  });
  const restart = () => setCursors([]);
  // The row's current copy (an edit refetches the page), so the panel shows what the table shows.
  const open: Lead | undefined = leads.data?.leads.find((l) => l.id === openId);
  const onOpen = useCallback((lead: Lead) => setOpenId(lead.id), []);
  const onClose = useCallback(() => setOpenId(null), []);
  const page = leads.data?.leads ?? [];
  const sheetColumns = showSheet ? extraSheetColumns(page) : [];
  const columns = showEmpty ? MAPPED_COLUMNS : filledColumns(page);
  const showScore = showEmpty || page.some((l) => l.score !== null);

  const exportCsv = async () => {
    const blob = await api.downloadLeadsCsv(id, includeDeleted);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `leads-${id}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  };

  return (
    <section aria-labelledby="leads-title">
      <p className="crumbs">
        <a href={href.overview()}>All customers</a> /{' '}
        <a href={href.customer(id)}>{customer.data?.name ?? 'Customer'}</a> /
      </p>
      <div className="page-head">
        <h1 id="leads-title">Leads{customer.data ? ` of ${customer.data.name}` : ''}</h1>
        <span className="spacer" />
        <button type="button" onClick={() => void exportCsv()}>
          Export CSV
        </button>
      </div>
      <div className="toolbar" role="search">
        <label>
          Search leads{' '}
          <input
            type="search"
            value={search}
            placeholder="Name, email, company…"
            onChange={(e) => (setSearch(e.target.value), restart())}
          />
        </label>
        <label>
          <input
            type="checkbox"
            checked={includeDeleted}
            onChange={(e) => (setIncludeDeleted(e.target.checked), restart())}
          />{' '}
          Show deleted
        </label>
        <label>
          <input type="checkbox" checked={showSheet} onChange={(e) => setShowSheet(e.target.checked)} /> Show
          sheet columns
        </label>
        <label>
          <input type="checkbox" checked={showEmpty} onChange={(e) => setShowEmpty(e.target.checked)} /> Show
          empty columns
        </label>
        <span className="muted" aria-live="polite">
          {leads.data ? `${count(leads.data.total)} leads` : ''}
        </span>
      </div>
      {leads.error && <p role="alert">{leads.error.message}</p>}
      {!leads.data ? (
        <p aria-busy="true">Loading leads…</p>
      ) : leads.data.leads.length === 0 ? (
        <p className="empty">
          {q ? 'No lead matches that search.' : 'No leads yet. They appear after the first successful sync.'}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="leads">
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {MAPPED_LABELS[c]}
                  </th>
                ))}
                <th scope="col">Status</th>
                {showScore && <th scope="col">Score</th>}
                {sheetColumns.map((c) => (
                  <th key={`sheet:${c}`} scope="col" className="sheet-col">
                    {c}
                  </th>
                ))}
                <th scope="col">Deleted</th>
                <th scope="col">Edit</th>
              </tr>
            </thead>
            <tbody>
              {leads.data.leads.map((lead) => (
                <LeadRow
                  key={lead.id}
                  lead={lead}
                  columns={columns}
                  showScore={showScore}
                  statusListId={statusListId}
                  sheetColumns={sheetColumns}
                  onOpen={onOpen}
                />
              ))}
            </tbody>
          </table>
          <datalist id={statusListId}>
            {statusOptions(page).map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </div>
      )}
      {open && <LeadPanel lead={open} onClose={onClose} />}
      <nav className="pager" aria-label="Pages">
        <button
          type="button"
          disabled={cursors.length === 0}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          Previous
        </button>
        <span className="muted">Page {cursors.length + 1}</span>
        <button
          type="button"
          disabled={!leads.data?.nextCursor}
          onClick={() => leads.data?.nextCursor && setCursors((c) => [...c, leads.data.nextCursor as string])}
        >
          Next
        </button>
      </nav>
    </section>
  );
}

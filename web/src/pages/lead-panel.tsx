import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { Lead } from '../../client/index.js';
import { useApi } from '../auth.js';
import { historyLines } from '../history-words.js';

/** One lead in a side panel: its fields and, as a timeline, what each sync or edit changed. */
export function LeadPanel({ lead, onClose }: { lead: Lead; onClose: () => void }) {
  const api = useApi();
  const history = useQuery({
    queryKey: ['lead-history', lead.id, lead.updatedAt],
    queryFn: () => api.getLeadHistory(lead.id, { limit: 100 }),
  });
  const heading = useRef<HTMLHeadingElement>(null);
  // Keyboard users land in the panel, and go back where they were when it closes.
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    heading.current?.focus();
    return () => before?.focus();
  }, [lead.id]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const who = lead.fullName ?? lead.email ?? lead.externalKey;
  const facts: [string, string | number | null][] = [
    ['Email', lead.email],
    ['Phone', lead.phone],
    ['Company', lead.company],
    ['Status', lead.status],
    ['Score', lead.score],
    ['Notes', lead.notes],
  ];
  return (
    <aside className="side-panel" aria-label={`Lead ${who}`}>
      <div className="page-head">
        <h2 ref={heading} tabIndex={-1}>
          {who}
        </h2>
        <span className="spacer" />
        <button type="button" onClick={onClose} aria-label="Close lead">
          Close
        </button>
      </div>
      {lead.deletedAt && <p className="muted">No longer in the sheet.</p>}
      <dl className="facts">
        {facts.map(([label, v]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{v ?? '—'}</dd>
          </div>
        ))}
      </dl>
      <h3>History</h3>
      {history.error && <p role="alert">{history.error.message}</p>}
      {!history.data ? (
        <p aria-busy="true">Loading history…</p>
      ) : history.data.length === 0 ? (
        <p className="empty">No changes recorded.</p>
      ) : (
        <ol className="timeline" aria-label="History">
          {history.data.map((entry) => (
            <li key={entry.cursor} className={`op-${entry.op}`}>
              {historyLines(entry).map((line) => (
                <p key={line}>{line}</p>
              ))}
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}

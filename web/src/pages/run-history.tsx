import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { SyncRun } from '../../client/index.js';
import { useApi } from '../auth.js';
import { count, duration, errorWords, relativeTime } from '../format.js';
import { WarningList } from '../components/warning-list.js';

/**
 * The run history table; a held (`needs_review`) run says what it would delete, and can be
 * approved while it is the customer's latest finished run (the API answers RUN_NOT_LATEST
 * otherwise: a later run superseded what a person would review). Each run lists its warnings.
 */
export function RunHistory({ runs, customerId }: { runs: SyncRun[]; customerId: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const approve = useMutation({
    mutationFn: (runId: string) => api.approveRun(runId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['customer', customerId] }),
  });
  if (runs.length === 0) return <p className="empty">No runs yet. Use “Sync now” to run the first sync.</p>;
  // Newest first: the first finished run is the latest, the only one that can be approved.
  const latestFinished = runs.find((run) => run.outcome !== null)?.id;
  return (
    <div className="table-wrap">
      <table className="runs">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Trigger</th>
            <th scope="col">Outcome</th>
            <th scope="col">Duration</th>
            <th scope="col">Processed</th>
            <th scope="col">Inserted</th>
            <th scope="col">Updated</th>
            <th scope="col">Deleted</th>
            <th scope="col">Retries</th>
            <th scope="col">Error</th>
            <th scope="col">Warnings</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} className={run.outcome === 'needs_review' ? 'row-review' : undefined}>
              <td title={run.startedAt}>{relativeTime(run.startedAt)}</td>
              <td>{run.trigger}</td>
              <td>{run.outcome ?? 'running…'}</td>
              <td className="num">{duration(run.durationMs)}</td>
              <td className="num">{count(run.rowsProcessed)}</td>
              <td className="num">{count(run.rowsInserted)}</td>
              <td className="num">{count(run.rowsUpdated)}</td>
              <td className="num">{count(run.rowsDeleted)}</td>
              <td className="num">{run.retryCount}</td>
              <td className="cell-error">
                {run.outcome === 'needs_review' ? (
                  <div className="review">
                    <p>
                      Held: this sync would delete <strong>{count(run.pendingDeletes ?? 0)}</strong> leads
                      that are no longer in the sheet.{' '}
                      {run.error ? errorWords(run.error.code, run.error.message) : ''}
                    </p>
                    {run.pendingDeleteSample && run.pendingDeleteSample.length > 0 && (
                      <details>
                        <summary>Leads it would delete (first {run.pendingDeleteSample.length})</summary>
                        <ul className="held-leads">
                          {run.pendingDeleteSample.map((lead) => (
                            <li key={lead.externalKey}>
                              {lead.fullName ?? lead.externalKey}
                              {lead.email ? ` <${lead.email}>` : ''}
                              {lead.company ? `, ${lead.company}` : ''}
                            </li>
                          ))}
                        </ul>
                      </details>
                    )}
                    {run.id === latestFinished ? (
                      <button
                        type="button"
                        className="primary"
                        disabled={approve.isPending || approve.isSuccess}
                        onClick={() => approve.mutate(run.id)}
                      >
                        Approve deletion
                      </button>
                    ) : (
                      <p className="muted">A later run superseded this one; it can no longer be approved.</p>
                    )}
                    {approve.isSuccess && <span role="status"> Approved: a new sync is queued.</span>}
                    {approve.error && <span role="alert"> {approve.error.message}</span>}
                  </div>
                ) : run.error ? (
                  <>
                    <code>{run.error.code}</code> {run.error.message}
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td className="cell-warnings">
                {run.warnings.length === 0 ? (
                  '—'
                ) : (
                  <WarningList warnings={run.warnings} label={`Warnings of the run ${run.id}`} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

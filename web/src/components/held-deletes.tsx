import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { SyncRun } from '../../client/index.js';
import { useApi } from '../auth.js';
import { count, errorWords } from '../format.js';

/**
 * A held (`needs_review`) run: what it would delete, a sample of those leads, and Approve while
 * it is the customer's latest finished run (the API answers RUN_NOT_LATEST otherwise: a later
 * run superseded what a person would review).
 */
export function HeldDeletes({ run, isLatest }: { run: SyncRun; isLatest: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const approve = useMutation({
    mutationFn: () => api.approveRun(run.id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['customer', run.customerId] });
      await queryClient.invalidateQueries({ queryKey: ['run'] });
    },
  });
  return (
    <div className="review">
      <p>
        Held: this sync would delete <strong>{count(run.pendingDeletes ?? 0)}</strong> leads that are no
        longer in the sheet. {run.error ? errorWords(run.error.code, run.error.message) : ''}
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
      {isLatest ? (
        <button
          type="button"
          className="primary"
          disabled={approve.isPending || approve.isSuccess}
          onClick={() => approve.mutate()}
        >
          Approve deletion
        </button>
      ) : (
        <p className="muted">A later run superseded this one; it can no longer be approved.</p>
      )}
      {approve.isSuccess && <span role="status"> Approved: a new sync is queued.</span>}
      {approve.error && <span role="alert"> {approve.error.message}</span>}
    </div>
  );
}

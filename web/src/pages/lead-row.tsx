import { useMutation, useQueryClient } from '@tanstack/react-query';
import { memo, useState } from 'react';
import type { Lead } from '../../client/index.js';
import type { DashboardField, LeadFieldLabel } from '../../../src/sheet/lead-fields.js';
import { useApi } from '../auth.js';

/**
 * The mapped fields, shown first and in this order: the `dashboard` fields of
 * src/sheet/lead-fields.ts, labelled as there (checked by type here and by
 * test/unit/lead-fields.test.ts; the bundle takes no server code, so they are listed).
 */
export const MAPPED_COLUMNS = [
  'fullName',
  'email',
  'phone',
  'company',
  'jobTitle',
  'source',
  'owner',
  'occurredAt',
] as const satisfies readonly DashboardField[];
export const MAPPED_LABELS: { [K in DashboardField]: LeadFieldLabel<K> } = {
  fullName: 'Name',
  email: 'Email',
  phone: 'Phone',
  company: 'Company',
  jobTitle: 'Job title',
  source: 'Source',
  owner: 'Owner',
  occurredAt: 'Date',
};

/** One lead; status and score (owned by the CRM, not the sheet) are editable in place. */
export const LeadRow = memo(function LeadRow({
  lead,
  columns,
  showScore,
  statusListId,
  sheetColumns,
  onOpen,
}: {
  lead: Lead;
  /** The mapped columns shown (empty ones may be hidden). */
  columns: readonly (typeof MAPPED_COLUMNS)[number][];
  /** Whether the Score column is shown; when not, its input sits beside the status while editing. */
  showScore: boolean;
  /** The id of the page's datalist of statuses (suggestions; any text is allowed). */
  statusListId: string;
  sheetColumns: string[];
  /** Opens the lead's side panel (its history). */
  onOpen: (lead: Lead) => void;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [status, setStatus] = useState(lead.status);
  const [score, setScore] = useState(lead.score === null ? '' : String(lead.score));
  const save = useMutation({
    mutationFn: () => api.updateLead(lead.id, { status, score: score.trim() === '' ? null : Number(score) }),
    onSuccess: async () => {
      setEditing(false);
      await queryClient.invalidateQueries({ queryKey: ['leads', lead.customerId] });
    },
  });
  const who = lead.fullName ?? lead.email ?? lead.externalKey;
  const scoreInput = (
    <input
      aria-label={`Score of ${who}`}
      type="number"
      value={score}
      onChange={(e) => setScore(e.target.value)}
      className="narrow"
    />
  );
  return (
    <tr className={lead.deletedAt ? 'row-deleted' : undefined}>
      {columns.map((c) =>
        c === 'fullName' ? (
          <td key={c}>
            <button type="button" className="link" onClick={() => onOpen(lead)} aria-label={`Open ${who}`}>
              {lead.fullName ?? lead.email ?? lead.externalKey}
            </button>
          </td>
        ) : (
          <td key={c} className={c === 'phone' || c === 'occurredAt' ? 'nowrap' : undefined}>
            {lead[c] ?? ''}
          </td>
        ),
      )}
      {editing ? (
        <>
          <td className="nowrap">
            <input
              aria-label={`Status of ${who}`}
              list={statusListId}
              value={status}
              onChange={(e) => setStatus(e.target.value)}
              size={10}
            />
            {!showScore && <> {scoreInput}</>}
          </td>
          {showScore && <td>{scoreInput}</td>}
        </>
      ) : (
        <>
          <td>{lead.status}</td>
          {showScore && <td className="num">{lead.score ?? ''}</td>}
        </>
      )}
      {sheetColumns.map((c) => (
        <td key={`sheet:${c}`}>{lead.data[c] ?? ''}</td>
      ))}
      <td>{lead.deletedAt ? 'Deleted' : ''}</td>
      <td>
        {editing ? (
          <>
            <button type="button" className="primary" disabled={save.isPending} onClick={() => save.mutate()}>
              Save
            </button>{' '}
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
            {save.error && (
              <span role="alert" className="error-text">
                {' '}
                {save.error.message}
              </span>
            )}
          </>
        ) : (
          <button
            type="button"
            onClick={() => setEditing(true)}
            aria-label={`Edit status and score of ${who}`}
          >
            Edit
          </button>
        )}
      </td>
    </tr>
  );
});

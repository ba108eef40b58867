import type { SyncRun } from '../../client/index.js';
import { HeldDeletes } from '../components/held-deletes.js';
import { OutcomeWord } from '../components/outcome-word.js';
import { WarningList } from '../components/warning-list.js';
import { count, dateTime, duration, relativeTime } from '../format.js';
import { href } from '../router.js';

/**
 * The run history table; a held (`needs_review`) run says what it would delete, and can be
 * approved while it is the customer's latest finished run (the API answers RUN_NOT_LATEST
 * otherwise: a later run superseded what a person would review). Each run lists its warnings.
 */
export function RunHistory({ runs }: { runs: SyncRun[] }) {
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
              <td title={dateTime(run.startedAt)}>
                <a href={href.run(run.id)}>{relativeTime(run.startedAt)}</a>
              </td>
              <td>{run.trigger}</td>
              <td>
                <OutcomeWord outcome={run.outcome} />
              </td>
              <td className="num">{duration(run.durationMs)}</td>
              <td className="num">{count(run.rowsProcessed)}</td>
              <td className="num">{count(run.rowsInserted)}</td>
              <td className="num">{count(run.rowsUpdated)}</td>
              <td className="num">{count(run.rowsDeleted)}</td>
              <td className="num">{run.retryCount}</td>
              <td className="cell-error">
                {run.outcome === 'needs_review' ? (
                  <HeldDeletes run={run} isLatest={run.id === latestFinished} />
                ) : run.error ? (
                  <>
                    <code>{run.error.code}</code> {run.error.message}{' '}
                    <a href={href.run(run.id)}>What to do</a>
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

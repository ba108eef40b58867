import { useQuery } from '@tanstack/react-query';
import { useApi } from '../auth.js';
import { HeldDeletes } from '../components/held-deletes.js';
import { OutcomeWord } from '../components/outcome-word.js';
import { WarningList } from '../components/warning-list.js';
import { count, dateTime, duration, errorWords } from '../format.js';
import { href } from '../router.js';
import { runTimeline } from './run-timeline.js';

/** One run: its timeline with durations, its figures, warnings, error and held deletes. */
export function RunPage({ id }: { id: string }) {
  const api = useApi();
  const run = useQuery({ queryKey: ['run', id], queryFn: () => api.getRun(id) });
  const customerId = run.data?.customerId;
  const customer = useQuery({
    queryKey: ['customer', customerId, 'details'],
    queryFn: () => api.getCustomer(customerId as string),
    enabled: customerId !== undefined,
  });
  // Only the latest finished run can be approved: the first finished one of the newest few.
  const latest = useQuery({
    queryKey: ['customer', customerId, 'runs', 'latest'],
    queryFn: () => api.listRuns(customerId, { limit: 10 }),
    enabled: run.data?.outcome === 'needs_review',
  });
  if (run.error)
    return (
      <p role="alert">
        {run.error.message}. <a href={href.overview()}>Back to all customers</a>
      </p>
    );
  if (!run.data) return <p aria-busy="true">Loading run…</p>;
  const r = run.data;
  const name = customer.data?.name ?? 'Customer';
  const latestFinished = latest.data?.runs.find((x) => x.outcome !== null)?.id;
  const figures: [string, string][] = [
    ['Trigger', r.trigger],
    ['Duration', duration(r.durationMs)],
    ['Rows read', count(r.rowsProcessed)],
    ['Inserted', count(r.rowsInserted)],
    ['Updated', count(r.rowsUpdated)],
    ['Deleted', count(r.rowsDeleted)],
    ['Unchanged', count(r.rowsUnchanged)],
    ['Retries', count(r.retryCount)],
  ];
  return (
    <section aria-labelledby="run-title">
      <p className="crumbs">
        <a href={href.overview()}>All customers</a> / <a href={href.customer(r.customerId)}>{name}</a> /
      </p>
      <div className="page-head">
        <h1 id="run-title">Run of {dateTime(r.startedAt)}</h1>
        <OutcomeWord outcome={r.outcome} />
      </div>
      <h2>Timeline</h2>
      <ol className="run-timeline" aria-label="Timeline">
        {runTimeline(r).map((step) => (
          <li key={step.phase}>
            <strong>{step.label}</strong> <span className="muted">{dateTime(step.at)}</span>
            {step.durationMs !== null && <span className="num"> · {duration(step.durationMs)}</span>}
          </li>
        ))}
      </ol>
      <h2>Figures</h2>
      <dl className="metrics" aria-label="Figures">
        {figures.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {r.error && r.outcome !== 'needs_review' && (
        <>
          <h2>Error</h2>
          <div className="card error-card" role="group" aria-label="Error">
            <p>
              <code>{r.error.code}</code> {r.error.message}
            </p>
            <p>
              <strong>What to do:</strong>{' '}
              {errorWords(r.error.code, 'Try again; if it keeps failing, check the sheet.')}
            </p>
          </div>
        </>
      )}
      {r.outcome === 'needs_review' && (
        <>
          <h2>Held deletes</h2>
          <HeldDeletes run={r} isLatest={r.id === latestFinished} />
        </>
      )}
      <h2>Warnings</h2>
      {r.warnings.length === 0 ? (
        <p className="muted">None: every row was read as expected.</p>
      ) : (
        <WarningList warnings={r.warnings} label="Warnings of this run" />
      )}
    </section>
  );
}

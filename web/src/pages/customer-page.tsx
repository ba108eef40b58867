import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { ProgressBar } from '../components/progress-bar.js';
import { StatusBadge } from '../components/status-badge.js';
import { SyncControls } from '../components/sync-controls.js';
import { useApi } from '../auth.js';
import { errorWords, relativeTime } from '../format.js';
import { useStatus } from '../live-status.js';
import { href } from '../router.js';
import { MetricsPanel } from './metrics-panel.js';
import { PushPanel } from './push-panel.js';
import { RunHistory } from './run-history.js';
import { WarningList } from '../components/warning-list.js';
import { ScheduleForm } from './schedule-form.js';

/** The charts pull in recharts (most of the bundle): loaded with the first customer page, not the overview. */
const RunCharts = lazy(() => import('./run-charts.js').then((m) => ({ default: m.RunCharts })));

/** Runs shown in the charts and the history table. */
const RUNS = 50;

/** One customer: live progress, controls, figures, charts, runs and settings. */
export function CustomerPage({ id }: { id: string }) {
  const api = useApi();
  const status = useStatus(id);
  const customer = useQuery({ queryKey: ['customer', id, 'details'], queryFn: () => api.getCustomer(id) });
  const runs = useQuery({
    queryKey: ['customer', id, 'runs'],
    queryFn: () => api.listRuns(id, { limit: RUNS }),
  });
  const metrics = useQuery({ queryKey: ['customer', id, 'metrics'], queryFn: () => api.getSyncMetrics(id) });

  if (customer.error)
    return (
      <p role="alert">
        {customer.error.message}. <a href={href.overview()}>Back to all customers</a>
      </p>
    );
  if (!customer.data || !status) return <p aria-busy="true">Loading customer…</p>;
  const c = customer.data;
  return (
    <section aria-labelledby="customer-title">
      <p className="crumbs">
        <a href={href.overview()}>All customers</a> /
      </p>
      <div className="page-head">
        <h1 id="customer-title">{c.name}</h1>
        <StatusBadge status={status.status} />
        <span className="spacer" />
        <a className="button" href={href.leads(id)}>
          Leads
        </a>
        <a className="button" href={href.editCustomer(id)}>
          Edit
        </a>
      </div>
      <div className="card live">
        <ProgressBar status={status} />
        <SyncControls status={status} name={c.name} />
        <p className="muted">
          Last sync {relativeTime(status.lastSyncAt)} · next run{' '}
          {status.isPaused ? 'paused' : relativeTime(status.nextRunAt)}
          {status.pausedReason ? ` · ${status.pausedReason}` : ''}
        </p>
        {status.lastErrorCode && (
          <p className="error-text" role="status">
            <code>{status.lastErrorCode}</code> {errorWords(status.lastErrorCode, status.lastError ?? '')}
          </p>
        )}
        <WarningList warnings={status.warnings} label="Warnings of the last sync" />
      </div>
      <h2>Figures</h2>
      <MetricsPanel status={status} metrics={metrics.data} />
      <h2>History</h2>
      <Suspense fallback={<p aria-busy="true">Loading charts…</p>}>
        {runs.data ? <RunCharts runs={runs.data.runs} /> : <p aria-busy="true">Loading runs…</p>}
      </Suspense>
      <h2>Runs</h2>
      {runs.data && <RunHistory runs={runs.data.runs} />}
      <h2>Instant sync (push)</h2>
      <PushPanel customerId={id} />
      <h2>Schedule and options</h2>
      <ScheduleForm key={c.updatedAt} customer={c} />
      <p className="muted">Sheet: {c.sheetUrl}</p>
    </section>
  );
}

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SyncRun } from '../db/sync-runs.repository.js';

/**
 * The Prometheus metrics of one process, in their own registry (not prom-client's global one),
 * so two apps in one test process do not collide and each counts only its own work.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly syncDuration = new Histogram({
    name: 'leadsync_sync_duration_seconds',
    help: 'Duration of finished sync runs',
    labelNames: ['outcome'] as const,
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });
  readonly rows = new Counter({
    name: 'leadsync_rows_total',
    help: 'Sheet rows handled by finished runs, by what happened to them',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly failures = new Counter({
    name: 'leadsync_sync_failures_total',
    help: 'Sync runs that ended failed, by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: 'leadsync_sync_retries_total',
    help: 'Download attempts retried within runs',
    registers: [this.registry],
  });
  readonly runsInProgress = new Gauge({
    name: 'leadsync_runs_in_progress',
    help: 'Syncs this process is running now',
    registers: [this.registry],
  });
  readonly fetchLatency = new Histogram({
    name: 'leadsync_fetch_latency_seconds',
    help: 'Time from opening a sheet source until its response started',
    labelNames: ['source'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'leadsync_http_requests_total',
    help: 'HTTP requests answered, by route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly runsSkipped = new Counter({
    name: 'leadsync_runs_skipped_total',
    help: 'Runs that ended unchanged without a download: an unchanged Drive revision, or a 304',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly googleRequestsSaved = new Counter({
    name: 'leadsync_google_requests_saved_total',
    help: 'Google requests those skipped runs did not make (net of the revision checks)',
    registers: [this.registry],
  });
  readonly bytesSaved = new Counter({
    name: 'leadsync_download_bytes_saved_total',
    help: 'Bytes those skipped runs did not download (the last body size each time)',
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: 'leadsync_' });
  }

  recordRun(run: SyncRun): void {
    if (run.outcome === null) return;
    this.syncDuration.observe({ outcome: run.outcome }, (run.durationMs ?? 0) / 1000);
    this.rows.inc({ kind: 'processed' }, run.rowsProcessed);
    this.rows.inc({ kind: 'inserted' }, run.rowsInserted);
    this.rows.inc({ kind: 'updated' }, run.rowsUpdated);
    this.rows.inc({ kind: 'deleted' }, run.rowsDeleted);
    this.retries.inc(run.retryCount);
    if (run.outcome === 'failed') this.failures.inc({ code: run.error?.code ?? 'INTERNAL' });
    const skipped = run.details?.skipped;
    if (run.outcome === 'unchanged' && (skipped === 'revision' || skipped === 'not_modified')) {
      this.runsSkipped.inc({ reason: skipped });
      this.googleRequestsSaved.inc(numberOr0(run.details?.googleRequestsSaved));
      this.bytesSaved.inc(numberOr0(run.details?.bytesSaved));
    }
  }
}

const numberOr0 = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

import { Type, type Static, type TSchema } from 'typebox';
import { WarningSchema } from './schemas.js';

/**
 * The JSON of the six `/api/leads/sync/*` endpoints. Their public shape is the seed system's
 * (field names, the status words, percentages 0-100), so its front end works unchanged
 * (issue 12, docs/MIGRATING.md); leadsync's richer fields sit beside them.
 */
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Timestamp = Type.String({ format: 'date-time' });
const Percent = (description: string) => Type.Number({ minimum: 0, maximum: 100, description });

/** The last run's figures, in the status's `metrics` and in each of the metrics' `details`. */
const lastRunFigures = {
  syncDuration: Type.Number({ description: 'The last run’s duration, milliseconds' }),
  rowsProcessed: Type.Integer(),
  rowsInserted: Type.Integer(),
  rowsUpdated: Type.Integer(),
  rowsDeleted: Type.Integer(),
  errorCount: Type.Integer(),
  retryCount: Type.Integer(),
};

export const SyncStatusWord = Type.Union(
  [
    Type.Literal('never_synced'),
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('success'),
    Type.Literal('unchanged'),
    Type.Literal('error'),
    Type.Literal('needs_review'),
    Type.Literal('paused'),
  ],
  {
    description:
      'The seed’s never_synced / success / error (error: the last run failed or was cancelled), plus queued, running, paused, needs_review and unchanged. Run outcomes keep `failed`.',
  },
);

export const SyncStatusSchema = Type.Object({
  customerId: Type.String(),
  /** Who the status is about, so a list can be labelled without another call. */
  customer: Type.Object({
    id: Type.String(),
    name: Type.String(),
    leadsReportingUrl: Type.String({ description: 'The sheet link, as it was pasted (customers.sheetUrl)' }),
  }),
  status: SyncStatusWord,
  isPaused: Type.Boolean(),
  pausedReason: Nullable(Type.String()),
  isRunning: Type.Boolean(),
  lastSyncAt: Nullable(Timestamp),
  lastSuccessAt: Nullable(Timestamp),
  nextRunAt: Nullable(Timestamp),
  lastError: Nullable(Type.String({ description: 'The last error’s message (the seed’s string)' })),
  lastErrorCode: Nullable(Type.String({ description: 'Its stable code, e.g. SHEET_NOT_PUBLIC' })),
  progress: Type.Object({
    percent: Type.Integer({ minimum: 0, maximum: 100, description: 'Percent, 0-100' }),
    phase: Nullable(Type.String()),
    message: Nullable(Type.String()),
  }),
  metrics: Type.Object(
    {
      rowCount: Type.Integer({ description: 'Leads the sheet held at the last successful sync (0 before)' }),
      ...lastRunFigures,
    },
    { description: 'The last run’s figures' },
  ),
  /** The last finished run's warnings. */
  warnings: Type.Array(WarningSchema),
});
export type SyncStatusView = Static<typeof SyncStatusSchema>;

export const StatusesPageSchema = Type.Object({
  total: Type.Integer({ description: 'Every visible customer, whatever the page size' }),
  statuses: Type.Array(SyncStatusSchema),
  nextCursor: Nullable(Type.String()),
});

/** What trigger, pause and resume add for the seed's client: it reads these three. */
const controlFields = {
  success: Type.Literal(true),
  message: Type.String(),
  customerId: Type.String(),
};

/** `202` of trigger and approve. */
export const TriggerAcceptedSchema = Type.Object({
  ...controlFields,
  runId: Nullable(Type.String()),
  status: Type.Union([Type.Literal('queued'), Type.Literal('running')]),
});

/** Pause and resume answer with the customer's status and the seed's three fields. */
export const ControlStatusSchema = Type.Object({ ...SyncStatusSchema.properties, ...controlFields });

const MetricsDetailSchema = Type.Object({
  customerId: Type.String(),
  ...lastRunFigures,
  lastSuccessAt: Nullable(Timestamp),
  lastSyncAt: Nullable(Timestamp),
});

export const MetricsSchema = Type.Object({
  timestamp: Timestamp,
  customerId: Type.String({ description: 'The customer, or `all` when none was given (admin token)' }),
  summary: Type.Object({
    totalSyncs: Type.Integer(),
    successfulSyncs: Type.Integer({ description: 'Runs that ended success or unchanged' }),
    failedSyncs: Type.Integer(),
    successRate: Percent('Percent of finished runs that succeeded, 0-100'),
    avgDuration: Type.Number({ description: 'Milliseconds, over finished runs; 0 when there are none' }),
    p95DurationMs: Nullable(Type.Number({ description: 'Nearest-rank 95th percentile; null without runs' })),
  }),
  metrics: Type.Object({
    totalRowsProcessed: Type.Integer(),
    totalRowsInserted: Type.Integer(),
    totalRowsUpdated: Type.Integer(),
    totalRowsDeleted: Type.Integer(),
    totalErrors: Type.Integer({ description: 'Runs that ended with an error code' }),
    totalRetries: Type.Integer(),
    errorRate: Percent('Percent of finished runs that failed, 0-100'),
  }),
  details: Type.Array(MetricsDetailSchema, { description: 'Each customer’s last run, by customer id' }),
  // leadsync's flat fields, kept for its own earlier clients; same figures as above.
  totalSyncs: Type.Integer(),
  successfulSyncs: Type.Integer(),
  failedSyncs: Type.Integer(),
  successRate: Percent('Same as summary.successRate: percent, 0-100 (a fraction before issue 12)'),
  errorRate: Percent('Same as metrics.errorRate: percent, 0-100 (a fraction before issue 12)'),
  avgDurationMs: Nullable(Type.Number({ description: 'Milliseconds; null when no run finished' })),
  p95DurationMs: Nullable(Type.Number()),
  rowsProcessed: Type.Integer(),
  rowsInserted: Type.Integer(),
  rowsUpdated: Type.Integer(),
  rowsDeleted: Type.Integer(),
  errors: Type.Integer(),
  retries: Type.Integer(),
  /** Runs that ended `unchanged` without a download (Drive revision or HTTP 304), and what that saved. */
  skippedByRevision: Type.Integer(),
  skippedByNotModified: Type.Integer(),
  googleRequestsSaved: Type.Integer(),
  bytesSaved: Type.Integer(),
});
export type SyncMetricsView = Static<typeof MetricsSchema>;

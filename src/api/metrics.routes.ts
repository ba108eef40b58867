import { Type } from 'typebox';
import { sumRunFigures, sumSkips } from '../db/run-totals.repository.js';
import { runStats } from '../db/sync-runs.repository.js';
import { findStatusRow, listLastRunFigures } from '../db/status-rows.repository.js';
import { LeadsyncError } from '../errors.js';
import { assertCustomerVisible, scopedCustomerId } from './auth.js';
import type { App, AppContext } from './context.js';
import { CustomerIdHeaders, CustomerIdQueryOrHeader } from './customer-id-header.js';
import { withErrors } from './schemas.js';
import { MetricsSchema, type SyncMetricsView } from './sync.schemas.js';

/** A share of `whole` in percent (0-100, two decimals), 0 for nothing. */
const percentOf = (part: number, whole: number) =>
  whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 100;

/** `GET /api/leads/sync/metrics`: the seed's summary, totals and per-customer details. */
export function registerMetricsRoute(app: App, ctx: AppContext): void {
  app.get(
    '/api/leads/sync/metrics',
    {
      config: { access: 'scoped', customerIdHeader: true },
      schema: {
        tags: ['sync'],
        description:
          'Run statistics of one customer, or of every visible one without `customerId`. Rates are percentages, 0-100.',
        querystring: Type.Partial(CustomerIdQueryOrHeader),
        headers: CustomerIdHeaders,
        response: withErrors({ 200: MetricsSchema }),
      },
    },
    async (request): Promise<SyncMetricsView> => {
      const customerId = request.query.customerId ?? scopedCustomerId(request.scope);
      if (customerId !== undefined) {
        assertCustomerVisible(request.scope, customerId);
        if (!(await findStatusRow(ctx.db, customerId))) {
          throw new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer with id ${customerId}`);
        }
      }
      const [stats, totals, details, skips] = await Promise.all([
        runStats(ctx.db, customerId),
        sumRunFigures(ctx.db, customerId),
        listLastRunFigures(ctx.db, customerId),
        sumSkips(ctx.db, customerId),
      ]);
      const finished = stats.total - stats.running;
      const successes = stats.byOutcome.success + stats.byOutcome.unchanged;
      const failures = stats.byOutcome.failed;
      const successRate = percentOf(successes, finished);
      const errorRate = percentOf(failures, finished);
      return {
        timestamp: ctx.clock().toISOString(),
        customerId: customerId ?? 'all',
        summary: {
          totalSyncs: stats.total,
          successfulSyncs: successes,
          failedSyncs: failures,
          successRate,
          avgDuration: stats.avgDurationMs ?? 0,
          p95DurationMs: stats.p95DurationMs,
        },
        metrics: {
          totalRowsProcessed: totals.rowsProcessed,
          totalRowsInserted: totals.rowsInserted,
          totalRowsUpdated: totals.rowsUpdated,
          totalRowsDeleted: totals.rowsDeleted,
          totalErrors: totals.errors,
          totalRetries: totals.retries,
          errorRate,
        },
        details,
        totalSyncs: stats.total,
        successfulSyncs: successes,
        failedSyncs: failures,
        successRate,
        errorRate,
        avgDurationMs: stats.avgDurationMs,
        p95DurationMs: stats.p95DurationMs,
        ...totals,
        ...skips,
      };
    },
  );
}

import { Type } from 'typebox';
import { sumRunFigures, sumSkips } from '../db/run-totals.repository.js';
import { runStats } from '../db/sync-runs.repository.js';
import { findStatusRow, listStatusRows } from '../db/sync-status.repository.js';
import { LeadsyncError } from '../errors.js';
import { assertCustomerVisible, scopedCustomerId } from './auth.js';
import type { App, AppContext } from './context.js';
import { Cursor, CustomerIdQuery, Limit, SyncStatusSchema, withErrors } from './schemas.js';
import { toStatusView } from './status-view.js';

const MetricsSchema = Type.Object({
  customerId: Type.Union([Type.String(), Type.Null()]),
  totalSyncs: Type.Integer(),
  successfulSyncs: Type.Integer(),
  failedSyncs: Type.Integer(),
  successRate: Type.Number(),
  errorRate: Type.Number(),
  avgDurationMs: Type.Union([Type.Number(), Type.Null()]),
  p95DurationMs: Type.Union([Type.Number(), Type.Null()]),
  rowsProcessed: Type.Integer(),
  rowsInserted: Type.Integer(),
  rowsUpdated: Type.Integer(),
  rowsDeleted: Type.Integer(),
  errors: Type.Integer(),
  retries: Type.Integer(),
  /** Runs that ended `unchanged` without a download (issue 14), and what that saved. */
  skippedByRevision: Type.Integer(),
  skippedByNotModified: Type.Integer(),
  googleRequestsSaved: Type.Integer(),
  bytesSaved: Type.Integer(),
});

/** The seed's status endpoints (same paths and `customerId` parameter) and sync metrics. */
export function registerStatusRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/leads/sync/status',
    {
      config: { access: 'scoped' },
      schema: {
        tags: ['sync'],
        querystring: CustomerIdQuery,
        response: withErrors({ 200: SyncStatusSchema }),
      },
    },
    async (request) => {
      const { customerId } = request.query;
      assertCustomerVisible(request.scope, customerId);
      const row = await findStatusRow(ctx.db, customerId);
      if (!row) throw new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer with id ${customerId}`);
      return toStatusView(row, ctx.clock(), ctx.liveProgress.of(row.customerId));
    },
  );

  app.get(
    '/api/leads/sync/status/all',
    {
      config: { access: 'scoped' },
      schema: {
        tags: ['sync'],
        querystring: Type.Object({ limit: Limit, cursor: Cursor }),
        response: withErrors({
          200: Type.Object({
            total: Type.Integer(),
            statuses: Type.Array(SyncStatusSchema),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        }),
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const customerId = scopedCustomerId(request.scope);
      const { rows, total } = await listStatusRows(ctx.db, { limit: limit + 1, after: cursor, customerId });
      const now = ctx.clock();
      const page = rows.slice(0, limit);
      return {
        total,
        statuses: page.map((row) => toStatusView(row, now, ctx.liveProgress.of(row.customerId))),
        nextCursor: rows.length > limit ? (page.at(-1)?.customerId ?? null) : null,
      };
    },
  );

  app.get(
    '/api/leads/sync/metrics',
    {
      config: { access: 'scoped' },
      schema: {
        tags: ['sync'],
        querystring: Type.Partial(CustomerIdQuery),
        response: withErrors({ 200: MetricsSchema }),
      },
    },
    async (request) => {
      const customerId = request.query.customerId ?? scopedCustomerId(request.scope);
      if (customerId !== undefined) {
        assertCustomerVisible(request.scope, customerId);
        if (!(await findStatusRow(ctx.db, customerId))) {
          throw new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer with id ${customerId}`);
        }
      }
      const [stats, rows, skips] = await Promise.all([
        runStats(ctx.db, customerId),
        sumRunFigures(ctx.db, customerId),
        sumSkips(ctx.db, customerId),
      ]);
      const finished = stats.total - stats.running;
      const successes = stats.byOutcome.success + stats.byOutcome.unchanged;
      const failures = stats.byOutcome.failed;
      return {
        customerId: customerId ?? null,
        totalSyncs: stats.total,
        successfulSyncs: successes,
        failedSyncs: failures,
        successRate: finished === 0 ? 0 : successes / finished,
        errorRate: finished === 0 ? 0 : failures / finished,
        avgDurationMs: stats.avgDurationMs,
        p95DurationMs: stats.p95DurationMs,
        ...rows,
        ...skips,
      };
    },
  );
}

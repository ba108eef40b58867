import { Type } from 'typebox';
import { findStatusRow, listStatusRows } from '../db/status-rows.repository.js';
import { LeadsyncError } from '../errors.js';
import { assertCustomerVisible, scopedCustomerId } from './auth.js';
import type { App, AppContext } from './context.js';
import { CustomerIdHeaders, CustomerIdQueryOrHeader } from './customer-id-header.js';
import { Cursor, Limit, withErrors } from './schemas.js';
import { toStatusView } from './status-view.js';
import { StatusesPageSchema, SyncStatusSchema } from './sync.schemas.js';

/** The seed's status endpoints (same paths, `customerId` parameter and JSON fields). */
export function registerStatusRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/leads/sync/status',
    {
      config: { access: 'scoped', customerIdHeader: true },
      schema: {
        tags: ['sync'],
        querystring: CustomerIdQueryOrHeader,
        headers: CustomerIdHeaders,
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
        description:
          'Every visible customer, by id. Without `limit` the first 50 (the default page size; `total` counts them all): pass `limit` up to 1000 or follow `nextCursor` for more.',
        querystring: Type.Object({ limit: Limit, cursor: Cursor }),
        response: withErrors({ 200: StatusesPageSchema }),
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
}

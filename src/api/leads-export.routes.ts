import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { listLeads } from '../db/leads.repository.js';
import { assertCustomerVisible } from './auth.js';
import type { App, AppContext } from './context.js';
import { EXPORT_COLUMNS, csvLine, leadCsvLines } from './csv-export.js';
import { assertCustomerExists } from './leads.routes.js';
import { CustomerIdQuery } from './schemas.js';

/** Leads read per query while exporting: big enough to be quick, small enough to stream. */
const EXPORT_PAGE = 1000;

/** `GET /api/leads/export.csv`: every lead of a customer, streamed page by page (keyset). */
export function registerLeadExportRoute(app: App, ctx: AppContext): void {
  app.get(
    '/api/leads/export.csv',
    {
      config: { access: 'scoped' },
      schema: {
        tags: ['leads'],
        produces: ['text/csv'],
        querystring: Type.Intersect([
          CustomerIdQuery,
          Type.Object({ includeDeleted: Type.Boolean({ default: false }) }),
        ]),
        // No response schema: the body is a CSV stream, which a JSON serializer must not touch.
        description: 'CSV, one lead per row, cells that would run as formulas prefixed with an apostrophe',
      },
    },
    async (request, reply) => {
      const { customerId, includeDeleted } = request.query;
      assertCustomerVisible(request.scope, customerId);
      await assertCustomerExists(ctx, customerId);
      async function* lines(): AsyncGenerator<string> {
        yield `\uFEFF${csvLine(EXPORT_COLUMNS)}`;
        let cursor: string | undefined;
        do {
          const page = await listLeads(ctx.db, { customerId, limit: EXPORT_PAGE, cursor, includeDeleted });
          yield leadCsvLines(page.leads);
          cursor = page.nextCursor ?? undefined;
        } while (cursor !== undefined);
      }
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="leads-${customerId}.csv"`)
        .header('cache-control', 'private, no-store')
        .send(Readable.from(lines()));
    },
  );
}

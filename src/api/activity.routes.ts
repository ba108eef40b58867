import { Type } from 'typebox';
import { countRunsByHour } from '../db/run-activity.repository.js';
import { scopedCustomerId } from './auth.js';
import type { App, AppContext } from './context.js';
import { withErrors } from './schemas.js';

/**
 * `GET /api/leads/sync/activity`: syncs started and failed per hour over the last `hours`
 * (default 24), for the overview's chart. Scoped tokens count their customer's runs only.
 */
export function registerActivityRoute(app: App, ctx: AppContext): void {
  app.get(
    '/api/leads/sync/activity',
    {
      config: { access: 'scoped' },
      schema: {
        tags: ['runs'],
        querystring: Type.Object({ hours: Type.Integer({ minimum: 1, maximum: 168, default: 24 }) }),
        response: withErrors({
          200: Type.Object({
            hours: Type.Array(
              Type.Object({
                hour: Type.String({ format: 'date-time', description: 'The hour’s start' }),
                syncs: Type.Integer({ description: 'Runs started in that hour' }),
                failures: Type.Integer({ description: 'Of those, the ones that failed' }),
              }),
              { description: 'Oldest first, the current hour last' },
            ),
          }),
        }),
      },
    },
    async (request) => {
      const customerId = scopedCustomerId(request.scope);
      return {
        hours: await countRunsByHour(ctx.db, {
          now: ctx.clock(),
          hours: request.query.hours,
          ...(customerId !== undefined && { customerId }),
        }),
      };
    },
  );
}

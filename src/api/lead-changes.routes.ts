import { Type } from 'typebox';
import { decodeFeedCursor, encodeFeedCursor } from '../db/change-cursor.js';
import { listLeadChanges } from '../db/change-feed.repository.js';
import { listLeadHistory } from '../db/lead-history.repository.js';
import { findLeadById } from '../db/leads.repository.js';
import { LeadsyncError } from '../errors.js';
import { toChangeJson, toFieldsJson } from '../feed/change-json.js';
import { isId } from '../ids.js';
import { assertCustomerVisible, scopedCustomerId } from './auth.js';
import type { App, AppContext } from './context.js';
import { ChangesPageSchema, HistoryEntrySchema } from './lead-changes.schemas.js';
import { assertCustomerExists } from './leads.routes.js';
import { Cursor, Id, Limit, withErrors } from './schemas.js';

/** The change feed (every write to a lead, in commit order, resumable) and a lead's history. */
export function registerLeadChangeRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/leads/changes',
    {
      config: { access: 'scoped' },
      schema: {
        tags: ['leads'],
        description:
          'Changes to leads after `since` (a cursor this API gave; omitted = from the beginning), oldest ' +
          'first; a lead changed several times may appear once, at its latest change. Without customerId ' +
          'an admin token reads every customer; a customer token reads its own.',
        querystring: Type.Object({
          customerId: Type.Optional(Id),
          since: Cursor,
          limit: Limit,
        }),
        response: withErrors({ 200: ChangesPageSchema }),
      },
    },
    async (request) => {
      const { limit } = request.query;
      const since = decodeFeedCursor(request.query.since);
      const customerId = request.query.customerId ?? scopedCustomerId(request.scope);
      if (customerId !== undefined) {
        assertCustomerVisible(request.scope, customerId);
        await assertCustomerExists(ctx, customerId);
      }
      const page = await listLeadChanges(ctx.db, { customerId, since, limit });
      return {
        changes: page.changes.map(toChangeJson),
        nextCursor: encodeFeedCursor(page.next),
        hasMore: page.hasMore,
      };
    },
  );

  app.get(
    '/api/leads/:id/history',
    {
      config: { access: 'scoped' },
      schema: {
        tags: ['leads'],
        description:
          'What each write changed on this lead, newest first: per field its value before and after ' +
          '(sync updates and restores, CRM edits; inserts and deletes list no fields). `before` = an ' +
          "entry's cursor, for the entries older than it.",
        params: Type.Object({ id: Id }),
        querystring: Type.Object({ limit: Limit, before: Cursor }),
        response: withErrors({ 200: Type.Array(HistoryEntrySchema) }),
      },
    },
    async (request) => {
      const { id } = request.params;
      const lead = isId(id) ? await findLeadById(ctx.db, id) : undefined;
      const scoped = scopedCustomerId(request.scope);
      if (!lead || (scoped !== undefined && scoped !== lead.customerId))
        throw new LeadsyncError('LEAD_NOT_FOUND', `No lead with id ${id}`);
      const before = request.query.before === undefined ? undefined : decodeFeedCursor(request.query.before);
      const entries = await listLeadHistory(ctx.db, id, { limit: request.query.limit, before });
      return entries.map((entry) => ({
        at: entry.at,
        ...(entry.runId !== null && { runId: entry.runId }),
        op: entry.op,
        fields: toFieldsJson(entry.fields),
        cursor: encodeFeedCursor(entry.place),
      }));
    },
  );
}

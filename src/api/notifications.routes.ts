import { Type } from 'typebox';
import type { TokenScope } from '../db/api-tokens.repository.js';
import {
  countUnread,
  findReadMarker,
  listNotifications,
  markReadUpTo,
} from '../db/notifications.repository.js';
import { LeadsyncError } from '../errors.js';
import { isId } from '../ids.js';
import { scopedCustomerId } from './auth.js';
import type { App, AppContext } from './context.js';
import { Limit, withErrors } from './schemas.js';

const NotificationSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  customerId: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Object({}, { additionalProperties: true }),
  createdAt: Type.String({ format: 'date-time' }),
  read: Type.Boolean(),
});
const Unread = Type.Object({ unread: Type.Integer() });
const tags = ['notifications'];

/** Whose read marker: the admin's, or one per customer token. */
const readerOf = (scope: TokenScope) => (scope.kind === 'admin' ? 'admin' : `customer:${scope.customerId}`);

/**
 * Recent failures, held deletes, pauses, resumes, recoveries and header changes, newest first,
 * with unread state (the dashboard's notification area). Scoped tokens see their customer's only.
 */
export function registerNotificationRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/notifications',
    {
      config: { access: 'scoped' },
      schema: {
        tags,
        querystring: Type.Object({ limit: Limit, before: Type.Optional(Type.String({ maxLength: 100 })) }),
        response: withErrors({
          200: Type.Object({
            notifications: Type.Array(NotificationSchema),
            unread: Type.Integer(),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        }),
      },
    },
    async (request) => {
      const { limit, before } = request.query;
      const customerId = scopedCustomerId(request.scope);
      const marker = await findReadMarker(ctx.db, readerOf(request.scope));
      const rows = await listNotifications(ctx.db, { limit: limit + 1, before, customerId });
      const page = rows.slice(0, limit);
      return {
        notifications: page.map((n) => ({ ...n, read: marker !== null && n.id <= marker })),
        unread: await countUnread(ctx.db, marker, customerId),
        nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
      };
    },
  );

  app.post(
    '/api/notifications/read',
    {
      config: { access: 'scoped' },
      schema: {
        tags,
        body: Type.Object({ upTo: Type.String({ maxLength: 100 }) }, { additionalProperties: false }),
        response: withErrors({ 200: Unread }),
      },
    },
    async (request) => {
      const { upTo } = request.body;
      if (!isId(upTo)) throw new LeadsyncError('VALIDATION_FAILED', `Not a notification id: ${upTo}`);
      const reader = readerOf(request.scope);
      await markReadUpTo(ctx.db, reader, upTo, ctx.clock());
      const marker = await findReadMarker(ctx.db, reader);
      return { unread: await countUnread(ctx.db, marker, scopedCustomerId(request.scope)) };
    },
  );
}

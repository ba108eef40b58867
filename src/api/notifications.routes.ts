import { Type } from 'typebox';
import type { TokenScope } from '../db/api-tokens.repository.js';
import {
  countUnread,
  findReadMarker,
  isNotification,
  listNotifications,
  markReadUpTo,
} from '../db/notifications.repository.js';
import { LeadsyncError } from '../errors.js';
import { isId } from '../ids.js';
import { scopedCustomerId } from './auth.js';
import type { App, AppContext } from './context.js';
import { Cursor, Id, Limit, withErrors } from './schemas.js';

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
        querystring: Type.Object({ limit: Limit, before: Cursor }),
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
        description:
          'Marks every notification up to `upTo` (an id from the list) read and every newer one unread, ' +
          'so marking up to an older id makes the newer ones unread again. Unknown ids: 400.',
        body: Type.Object({ upTo: Id }, { additionalProperties: false }),
        response: withErrors({ 200: Unread }),
      },
    },
    async (request) => {
      const { upTo } = request.body;
      const customerId = scopedCustomerId(request.scope);
      // Only an id the reader was shown: a made-up one (say, newer than every event) would
      // otherwise mark all future notifications read.
      if (!isId(upTo) || !(await isNotification(ctx.db, upTo, customerId)))
        throw new LeadsyncError('VALIDATION_FAILED', `No notification with id ${upTo}`);
      await markReadUpTo(ctx.db, readerOf(request.scope), upTo, ctx.clock());
      return { unread: await countUnread(ctx.db, upTo, customerId) };
    },
  );
}

import { Type } from 'typebox';
import { findStatusRow } from '../db/status-rows.repository.js';
import { LeadsyncError } from '../errors.js';
import { assertCustomerVisible, scopedCustomerId } from './auth.js';
import type { App, AppContext } from './context.js';
import { Id } from './schemas.js';
import { toStatusView } from './status-view.js';
import type { LiveEvent } from '../events/event-types.js';

/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;
/** SQLite has no NOTIFY: a stream re-reads the stored status (progress is persisted ~1/s) this often. */
const SQLITE_POLL_MS = 1000;

/**
 * `GET /api/leads/sync/events`: Server-Sent Events with a customer's progress and state changes
 * (all visible customers when `customerId` is left out). The first event is the current status,
 * so a client needs no separate request to start.
 */
export function registerEventRoutes(app: App, ctx: AppContext): void {
  // An open stream never completes on its own, and the server's close waits for every response:
  // without ending them, SIGTERM would hang as long as one dashboard is open.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });
  app.get(
    '/api/leads/sync/events',
    {
      config: { access: 'scoped' },
      // A HEAD of an endless stream would never send its headers (Node drops HEAD bodies, and
      // they are flushed with the first body bytes): the connection would hang open.
      exposeHeadRoute: false,
      schema: {
        tags: ['sync'],
        description:
          'text/event-stream: events `status`, `progress`, `run-started`, `run-finished`, `queued`, `paused`, `resumed`',
        querystring: Type.Object({ customerId: Type.Optional(Id) }),
      },
    },
    async (request, reply) => {
      const customerId = request.query.customerId ?? scopedCustomerId(request.scope);
      let initial: string | null = null;
      if (customerId !== undefined) {
        assertCustomerVisible(request.scope, customerId);
        const row = await findStatusRow(ctx.db, customerId);
        if (!row) throw new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer with id ${customerId}`);
        initial = JSON.stringify(toStatusView(row, ctx.clock(), ctx.liveProgress.of(row.customerId)));
      }
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const send = (event: string, data: string) => out.write(`event: ${event}\ndata: ${data}\n\n`);
      // Node sends the headers only with the first bytes: without this comment a stream of all
      // customers stays silent (the client cannot tell it is connected) until the first event.
      out.write(': connected\n\n');
      if (initial) send('status', initial);
      let last = initial;
      const unsubscribe = ctx.bus.subscribe((event: LiveEvent) => {
        if (customerId === undefined || event.customerId === customerId)
          send(event.type, JSON.stringify(event));
      });
      const timers = [setInterval(() => out.write(': keep-alive\n\n'), KEEPALIVE_MS)];
      if (ctx.dialect === 'sqlite' && customerId !== undefined) {
        timers.push(
          setInterval(() => {
            findStatusRow(ctx.db, customerId)
              .then((row) => {
                const now =
                  row && JSON.stringify(toStatusView(row, ctx.clock(), ctx.liveProgress.of(row.customerId)));
                if (now && now !== last) send('status', (last = now));
              })
              .catch(() => {});
          }, SQLITE_POLL_MS),
        );
      }
      const end = () => {
        if (!open.delete(end)) return;
        unsubscribe();
        for (const t of timers) clearInterval(t);
        out.end();
      };
      open.add(end);
      request.raw.on('close', end);
    },
  );
}

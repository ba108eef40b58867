import { Type } from 'typebox';
import { findCustomerById } from '../db/customers.repository.js';
import { reapUnfinishedRuns } from '../db/scheduler.repository.js';
import { findRunById } from '../db/sync-runs.repository.js';
import { findStatusRow } from '../db/status-rows.repository.js';
import { findRunningRunId, requestRun } from '../db/sync-requests.repository.js';
import { pauseWithEvent, resumeWithEvent } from '../notify/customer-events.js';
import { LeadsyncError } from '../errors.js';
import { isId } from '../ids.js';
import { nextRunOnResume } from '../worker/next-run.js';
import { assertCustomerVisible } from './auth.js';
import type { App, AppContext } from './context.js';
import { CustomerIdHeaders, CustomerIdQueryOrHeader } from './customer-id-header.js';
import { ErrorSchema, Id, Text, withErrors } from './schemas.js';
import { hasLiveLease, toStatusView } from './status-view.js';
import { ControlStatusSchema, TriggerAcceptedSchema as Accepted } from './sync.schemas.js';
import { assertApprovable } from '../sync/approval.js';

/** The seed's `{success, message, customerId}`, which its client reads from trigger, pause and resume. */
const done = (customerId: string, message: string) => ({ success: true as const, message, customerId });
const notFound = (id: string) => new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer with id ${id}`);

/** Trigger, pause, resume and approve: each a change to the customer's sync state that workers act on. */
export function registerControlRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/api/leads/sync/trigger',
    {
      config: { access: 'scoped', customerIdHeader: true },
      schema: {
        tags: ['sync'],
        querystring: CustomerIdQueryOrHeader,
        headers: CustomerIdHeaders,
        response: withErrors({ 202: Accepted, 409: ErrorSchema, 429: ErrorSchema }),
      },
    },
    async (request, reply) => {
      const { customerId } = request.query;
      assertCustomerVisible(request.scope, customerId);
      await ctx.limits.trigger(request);
      const now = ctx.clock();
      const state = await requestRun(ctx.db, customerId, 'manual', now);
      if (!state) throw notFound(customerId);
      if (state.isPaused) throw new LeadsyncError('SYNC_PAUSED', state.pausedReason ?? undefined);
      ctx.bus.publish({ type: 'queued', customerId, trigger: 'manual' });
      // Coalesced: while a run is in progress the trigger queues (at most) one follow-up.
      if (hasLiveLease(state, now)) {
        return reply.status(202).send({
          ...done(customerId, 'A sync is running; another will follow it'),
          runId: await findRunningRunId(ctx.db, customerId),
          status: 'running',
        });
      }
      return reply.status(202).send({ ...done(customerId, 'Sync queued'), runId: null, status: 'queued' });
    },
  );

  app.post(
    '/api/leads/sync/pause',
    {
      config: { access: 'scoped', customerIdHeader: true },
      schema: {
        tags: ['sync'],
        querystring: Type.Intersect([
          CustomerIdQueryOrHeader,
          Type.Object({ reason: Type.Optional(Text({ maxLength: 500 })) }),
        ]),
        headers: CustomerIdHeaders,
        response: withErrors({ 200: ControlStatusSchema }),
      },
    },
    async (request) => {
      const { customerId, reason } = request.query;
      assertCustomerVisible(request.scope, customerId);
      const why = reason?.trim() || 'Paused by request';
      const now = ctx.clock();
      if (!(await pauseWithEvent(ctx.db, customerId, why, now))) throw notFound(customerId);
      // A worker running this customer cancels at its next batch boundary.
      ctx.bus.publish({ type: 'paused', customerId, reason: why });
      // A run left open by a dead worker would otherwise read as in progress for as long as the
      // customer stays paused (no worker claims a paused customer, and claiming is what closes it).
      const row = await findStatusRow(ctx.db, customerId);
      if (row && !hasLiveLease(row, now)) await reapUnfinishedRuns(ctx.db, customerId, now);
      return { ...(await statusView(ctx, customerId)), ...done(customerId, 'Sync paused') };
    },
  );

  app.post(
    '/api/leads/sync/resume',
    {
      config: { access: 'scoped', customerIdHeader: true },
      schema: {
        tags: ['sync'],
        querystring: CustomerIdQueryOrHeader,
        headers: CustomerIdHeaders,
        response: withErrors({ 200: ControlStatusSchema }),
      },
    },
    async (request) => {
      const { customerId } = request.query;
      assertCustomerVisible(request.scope, customerId);
      const [customer, row] = await Promise.all([
        findCustomerById(ctx.db, customerId),
        findStatusRow(ctx.db, customerId),
      ]);
      if (!customer || !row) throw notFound(customerId);
      const now = ctx.clock();
      const lastSyncAt = row.lastSyncAt === null ? null : new Date(row.lastSyncAt);
      await resumeWithEvent(ctx.db, customerId, nextRunOnResume(customer.schedule, lastSyncAt, now), now);
      ctx.bus.publish({ type: 'resumed', customerId });
      return { ...(await statusView(ctx, customerId)), ...done(customerId, 'Sync resumed') };
    },
  );

  app.post(
    '/api/leads/sync/runs/:runId/approve',
    {
      config: { access: 'scoped' },
      schema: {
        tags: ['runs'],
        params: Type.Object({ runId: Id }),
        response: withErrors({ 202: Accepted, 409: ErrorSchema }),
      },
    },
    async (request, reply) => {
      const { runId } = request.params;
      const run = isId(runId) ? await findRunById(ctx.db, runId) : undefined;
      const visible = run && (request.scope.kind === 'admin' || request.scope.customerId === run.customerId);
      if (!run || !visible) throw new LeadsyncError('RUN_NOT_FOUND', `No run with id ${runId}`);
      await assertApprovable(ctx.db, run);
      const state = await requestRun(ctx.db, run.customerId, 'approval', ctx.clock(), run.id);
      if (!state) throw notFound(run.customerId);
      if (state.isPaused) throw new LeadsyncError('SYNC_PAUSED', state.pausedReason ?? undefined);
      ctx.bus.publish({ type: 'queued', customerId: run.customerId, trigger: 'approval' });
      return reply
        .status(202)
        .send({ ...done(run.customerId, 'Approval queued'), runId: null, status: 'queued' });
    },
  );
}

async function statusView(ctx: AppContext, customerId: string) {
  const row = await findStatusRow(ctx.db, customerId);
  if (!row) throw notFound(customerId);
  return toStatusView(row, ctx.clock(), ctx.liveProgress.of(row.customerId));
}

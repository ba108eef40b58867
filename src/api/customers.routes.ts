import { Type } from 'typebox';
import {
  createCustomer,
  deleteCustomer,
  findCustomerById,
  listCustomers,
  updateCustomer,
  type CustomerPatch,
} from '../db/customers.repository.js';
import { mailTargetOf, setNotifyEmails } from '../db/mail-queue.repository.js';
import { findStatusRow } from '../db/status-rows.repository.js';
import { updateSyncState } from '../db/sync-states.repository.js';
import { LeadsyncError } from '../errors.js';
import { nextRunOnResume, validateSchedule } from '../worker/next-run.js';
import { assertAdmin, assertCustomerVisible, scopedCustomerId } from './auth.js';
import type { App, AppContext } from './context.js';
import {
  CustomerBody,
  CustomerPatchBody,
  CustomerSchema,
  Cursor,
  ErrorSchema,
  Id,
  Limit,
  withErrors,
} from './schemas.js';
import { checkSheetLink } from './sheet-validation.js';

const IdParams = Type.Object({ id: Id });
const notFound = (id: string) => new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer with id ${id}`);

/** Customers CRUD. A sheet URL is checked for form and SSRF rules here, never fetched. */
export function registerCustomerRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/customers',
    {
      config: { access: 'scoped' },
      schema: {
        tags: ['customers'],
        querystring: Type.Object({ limit: Limit, cursor: Cursor }),
        response: withErrors({
          200: Type.Object({
            customers: Type.Array(CustomerSchema),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        }),
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const only = scopedCustomerId(request.scope);
      if (only !== undefined) {
        const customer = await findCustomerById(ctx.db, only);
        return { customers: customer ? [customer] : [], nextCursor: null };
      }
      const rows = await listCustomers(ctx.db, { limit: limit + 1, after: cursor });
      const customers = rows.slice(0, limit);
      return { customers, nextCursor: rows.length > limit ? (customers.at(-1)?.id ?? null) : null };
    },
  );

  app.get(
    '/api/customers/:id',
    {
      config: { access: 'scoped' },
      schema: { tags: ['customers'], params: IdParams, response: withErrors({ 200: CustomerSchema }) },
    },
    async (request) => {
      assertCustomerVisible(request.scope, request.params.id);
      const customer = await findCustomerById(ctx.db, request.params.id);
      if (!customer) throw notFound(request.params.id);
      return { ...customer, notifyEmails: (await mailTargetOf(ctx.db, customer.id))?.notifyEmails ?? null };
    },
  );

  app.post(
    '/api/customers',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['customers'],
        body: CustomerBody,
        response: withErrors({ 201: CustomerSchema, 409: ErrorSchema }),
      },
    },
    async (request, reply) => {
      assertAdmin(request.scope);
      const { sheetUrl, schedule, notifyEmails = null, ...rest } = request.body;
      const link = checkSheetLink(sheetUrl, ctx.config);
      if (schedule) validateSchedule(schedule);
      const customer = await createCustomer(
        ctx.db,
        {
          ...rest,
          name: rest.name.trim(),
          sheetUrl: sheetUrl.trim(),
          sourceKind: link.sourceKind,
          spreadsheetId: link.spreadsheetId,
          gid: link.gid,
          schedule: schedule ?? { intervalMinutes: ctx.config.service?.defaultIntervalMinutes ?? 10 },
        },
        ctx.clock(),
      );
      if (notifyEmails !== null) await setNotifyEmails(ctx.db, customer.id, notifyEmails);
      // createCustomer queued the first run; wake a worker now rather than at its next poll.
      ctx.bus.publish({ type: 'queued', customerId: customer.id, trigger: 'create' });
      return reply.status(201).send({ ...customer, notifyEmails });
    },
  );

  app.patch(
    '/api/customers/:id',
    {
      config: { access: 'scoped' },
      schema: {
        tags: ['customers'],
        params: IdParams,
        body: CustomerPatchBody,
        response: withErrors({ 200: CustomerSchema, 409: ErrorSchema }),
      },
    },
    async (request) => {
      const { id } = request.params;
      assertCustomerVisible(request.scope, id);
      const { sheetUrl, schedule, name, notifyEmails, ...rest } = request.body;
      const patch: CustomerPatch = { ...rest, ...(name !== undefined && { name: name.trim() }) };
      if (sheetUrl !== undefined) {
        const link = checkSheetLink(sheetUrl, ctx.config);
        Object.assign(patch, {
          sheetUrl: sheetUrl.trim(),
          sourceKind: link.sourceKind,
          spreadsheetId: link.spreadsheetId,
          gid: link.gid,
        });
      }
      if (schedule !== undefined) {
        validateSchedule(schedule);
        patch.schedule = schedule;
      }
      const now = ctx.clock();
      const customer = await updateCustomer(ctx.db, id, patch, now);
      if (notifyEmails !== undefined) await setNotifyEmails(ctx.db, id, notifyEmails);
      if (schedule !== undefined) {
        // The next run follows the new schedule, counted from the last sync.
        const row = await findStatusRow(ctx.db, id);
        const last = row?.lastSyncAt ? new Date(row.lastSyncAt) : null;
        await updateSyncState(ctx.db, id, { nextRunAt: nextRunOnResume(schedule, last, now) }, now);
      }
      return { ...customer, notifyEmails: (await mailTargetOf(ctx.db, id))?.notifyEmails ?? null };
    },
  );

  app.delete(
    '/api/customers/:id',
    {
      config: { access: 'admin' },
      schema: { tags: ['customers'], params: IdParams, response: withErrors({ 204: Type.Null() }) },
    },
    async (request, reply) => {
      assertAdmin(request.scope);
      assertCustomerVisible(request.scope, request.params.id);
      if (!(await deleteCustomer(ctx.db, request.params.id))) throw notFound(request.params.id);
      ctx.cache.invalidate(request.params.id);
      ctx.bus.publish({ type: 'customer-deleted', customerId: request.params.id });
      return reply.status(204).send(null);
    },
  );
}

import { Type } from 'typebox';
import { findCustomerById } from '../db/customers.repository.js';
import {
  countLeads,
  findLeadById,
  listLeads,
  updateLeadCrmFields,
  type Lead,
} from '../db/leads.repository.js';
import { findLastSyncAt } from '../db/status-rows.repository.js';
import { LeadsyncError } from '../errors.js';
import { isId } from '../ids.js';
import { assertCustomerVisible } from './auth.js';
import type { App, AppContext } from './context.js';
import { CustomerIdHeaders, CustomerIdQueryOrHeader } from './customer-id-header.js';
import type { CacheState } from './lead-cache.js';
import {
  Cursor,
  CustomerIdQuery,
  Id,
  LeadSchema,
  Limit,
  NonBlankText,
  Text,
  TimestampInput,
  withErrors,
} from './schemas.js';

/** Leads of a customer: pages (the first one cached), counts (cached) and CRM edits. */
export function registerLeadRoutes(app: App, ctx: AppContext): void {
  const cacheHeaders = (state: CacheState) => ({
    'x-cache': state,
    'cache-control': state === 'off' ? 'private, no-cache' : `private, max-age=${ctx.cache.ttlSeconds}`,
  });

  app.get(
    '/api/leads',
    {
      config: { access: 'scoped', customerIdHeader: true },
      schema: {
        tags: ['leads'],
        headers: CustomerIdHeaders,
        querystring: Type.Object({
          customerId: CustomerIdQueryOrHeader.properties.customerId,
          limit: Limit,
          cursor: Cursor,
          q: Type.Optional(Text({ maxLength: 200 })),
          includeDeleted: Type.Boolean({ default: false }),
        }),
        response: withErrors({
          200: Type.Object({
            leads: Type.Array(LeadSchema),
            lastSyncAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
              description: 'When the customer was last synced (the seed’s field); null before its first sync',
            }),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
            total: Type.Integer(),
          }),
        }),
      },
    },
    async (request, reply) => {
      const { customerId, limit, cursor, includeDeleted } = request.query;
      const q = request.query.q?.trim() || undefined;
      assertCustomerVisible(request.scope, customerId);
      // Read on every call, beside the cache: an `unchanged` run moves it without changing a lead.
      const state = await findLastSyncAt(ctx.db, customerId);
      if (!state) throw new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer with id ${customerId}`);
      const load = async () => {
        const [page, total] = await Promise.all([
          listLeads(ctx.db, { customerId, limit, cursor, q, includeDeleted }),
          countLeads(ctx.db, customerId, { q, includeDeleted }),
        ]);
        return { ...page, total };
      };
      // Only the unfiltered first page is what dashboards ask for again and again.
      if (cursor !== undefined || q !== undefined)
        return reply.headers(cacheHeaders('off')).send({ ...(await load()), ...state });
      const { value, cache } = await ctx.cache.get(customerId, `page:${limit}:${includeDeleted}`, load);
      return reply.headers(cacheHeaders(cache)).send({ ...value, ...state });
    },
  );

  app.get(
    '/api/leads/count',
    {
      config: { access: 'scoped' },
      schema: {
        tags: ['leads'],
        querystring: Type.Intersect([
          CustomerIdQuery,
          Type.Object({ includeDeleted: Type.Boolean({ default: false }) }),
        ]),
        response: withErrors({ 200: Type.Object({ customerId: Type.String(), count: Type.Integer() }) }),
      },
    },
    async (request, reply) => {
      const { customerId, includeDeleted } = request.query;
      assertCustomerVisible(request.scope, customerId);
      await assertCustomerExists(ctx, customerId);
      const { value, cache } = await ctx.cache.get(customerId, `count:${includeDeleted}`, () =>
        countLeads(ctx.db, customerId, { includeDeleted }),
      );
      return reply.headers(cacheHeaders(cache)).send({ customerId, count: value });
    },
  );

  app.patch(
    '/api/leads/:id',
    {
      config: { access: 'scoped' },
      schema: {
        tags: ['leads'],
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            status: Type.Optional(NonBlankText({ maxLength: 100 })),
            score: Type.Optional(
              Type.Union([Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 }), Type.Null()]),
            ),
            convertedAt: Type.Optional(Type.Union([TimestampInput, Type.Null()])),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: withErrors({ 200: LeadSchema }),
      },
    },
    async (request) => {
      const { id } = request.params;
      const lead = isId(id) ? await findLeadById(ctx.db, id) : undefined;
      if (!lead || !visible(request.scope, lead))
        throw new LeadsyncError('LEAD_NOT_FOUND', `No lead with id ${id}`);
      const updated = await updateLeadCrmFields(ctx.db, id, request.body, ctx.clock());
      if (!updated) throw new LeadsyncError('LEAD_NOT_FOUND', `No lead with id ${id}`);
      // Locally at once (a read right after the write must see it), elsewhere through the bus.
      ctx.cache.invalidate(updated.customerId);
      ctx.bus.publish({ type: 'leads-changed', customerId: updated.customerId });
      return updated;
    },
  );
}

function visible(scope: { kind: string; customerId?: string }, lead: Lead): boolean {
  return scope.kind === 'admin' || scope.customerId === lead.customerId;
}

export async function assertCustomerExists(ctx: AppContext, customerId: string): Promise<void> {
  if (!(await findCustomerById(ctx.db, customerId))) {
    throw new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer with id ${customerId}`);
  }
}

import { Type } from 'typebox';
import { notifyConfigOf } from '../config.js';
import { findCustomerById } from '../db/customers.repository.js';
import { listDeliveries } from '../db/webhook-deliveries.repository.js';
import {
  createWebhook,
  deleteWebhook,
  findWebhook,
  listWebhooks,
  updateWebhook,
  type WebhookWithSecret,
} from '../db/webhooks.repository.js';
import { LeadsyncError } from '../errors.js';
import { isId } from '../ids.js';
import { createSecretBox } from '../db/secret-box.js';
import { newWebhookSecret } from '../notify/signature.js';
import { checkWebhookUrl } from '../notify/webhook-target.js';
import { sendTestEvent } from '../notify/webhook-test.js';
import { createWebhookSender } from '../notify/webhook-sender.js';
import type { App, AppContext } from './context.js';
import { Id, Limit, withErrors } from './schemas.js';
import {
  DeliverySchema,
  TestResultSchema,
  WebhookBody,
  WebhookPatchBody,
  WebhookSchema,
  WebhookWithSecretSchema,
} from './webhooks.schemas.js';

const IdParams = Type.Object({ id: Id });
const tags = ['webhooks'];

/** Webhooks CRUD, secret rotation, the delivery log and test events. Admin token only (others: 404, `config.access`). */
export function registerWebhookRoutes(app: App, ctx: AppContext): void {
  const send = createWebhookSender({
    allowHosts: ctx.config.allowHosts,
    timeoutMs: notifyConfigOf(ctx.config).webhookTimeoutMs,
    clock: ctx.clock,
  });
  const secrets = createSecretBox(notifyConfigOf(ctx.config).secretKeyHex);
  const load = async (id: string): Promise<WebhookWithSecret> => {
    const webhook = isId(id) ? await findWebhook(ctx.db, id, secrets) : undefined;
    if (!webhook) throw new LeadsyncError('WEBHOOK_NOT_FOUND', `No webhook with id ${id}`);
    return webhook;
  };
  const checkCustomer = async (customerId: string | null | undefined) => {
    if (customerId == null) return;
    if (!isId(customerId) || !(await findCustomerById(ctx.db, customerId)))
      throw new LeadsyncError('VALIDATION_FAILED', `No customer with id ${customerId}`);
  };
  app.get(
    '/api/webhooks',
    {
      config: { access: 'admin' },
      schema: { tags, response: withErrors({ 200: Type.Object({ webhooks: Type.Array(WebhookSchema) }) }) },
    },
    async () => ({
      webhooks: await listWebhooks(ctx.db),
    }),
  );

  app.get(
    '/api/webhooks/:id',
    {
      config: { access: 'admin' },
      schema: { tags, params: IdParams, response: withErrors({ 200: WebhookSchema }) },
    },
    (request) => load(request.params.id),
  );

  app.post(
    '/api/webhooks',
    {
      config: { access: 'admin' },
      schema: { tags, body: WebhookBody, response: withErrors({ 201: WebhookWithSecretSchema }) },
    },
    async (request, reply) => {
      const { url, events, customerId = null, enabled = true } = request.body;
      const checked = checkWebhookUrl(url, ctx.config.allowHosts);
      await checkCustomer(customerId);
      const webhook = await createWebhook(
        ctx.db,
        { url: checked, events, customerId, enabled, secret: newWebhookSecret() },
        ctx.clock(),
        secrets,
      );
      return reply.status(201).send(webhook);
    },
  );

  app.patch(
    '/api/webhooks/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        params: IdParams,
        body: WebhookPatchBody,
        response: withErrors({ 200: WebhookSchema }),
      },
    },
    async (request) => {
      await load(request.params.id);
      const { url, ...rest } = request.body;
      await checkCustomer(rest.customerId);
      const patch = {
        ...rest,
        ...(url !== undefined && { url: checkWebhookUrl(url, ctx.config.allowHosts) }),
      };
      return (
        (await updateWebhook(ctx.db, request.params.id, patch, ctx.clock(), secrets)) ??
        load(request.params.id)
      );
    },
  );

  app.delete(
    '/api/webhooks/:id',
    {
      config: { access: 'admin' },
      schema: { tags, params: IdParams, response: withErrors({ 204: Type.Null() }) },
    },
    async (request, reply) => {
      await load(request.params.id);
      await deleteWebhook(ctx.db, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/webhooks/:id/rotate-secret',
    {
      config: { access: 'admin' },
      schema: { tags, params: IdParams, response: withErrors({ 200: WebhookWithSecretSchema }) },
    },
    async (request) => {
      await load(request.params.id);
      return (
        (await updateWebhook(
          ctx.db,
          request.params.id,
          { secret: newWebhookSecret() },
          ctx.clock(),
          secrets,
        )) ?? load(request.params.id)
      );
    },
  );

  app.get(
    '/api/webhooks/:id/deliveries',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        params: IdParams,
        querystring: Type.Object({ limit: Limit }),
        response: withErrors({ 200: Type.Object({ deliveries: Type.Array(DeliverySchema) }) }),
      },
    },
    async (request) => {
      await load(request.params.id);
      return { deliveries: await listDeliveries(ctx.db, request.params.id, request.query.limit) };
    },
  );

  app.post(
    '/api/webhooks/:id/test',
    {
      config: { access: 'admin' },
      schema: { tags, params: IdParams, response: withErrors({ 200: TestResultSchema }) },
    },
    async (request) => {
      const result = await sendTestEvent(ctx.db, await load(request.params.id), send, ctx.clock);
      return { ...result, delivered: result.ok, latencyMs: Math.round(result.latencyMs) };
    },
  );
}

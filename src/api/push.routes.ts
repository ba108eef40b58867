import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Type } from 'typebox';
import { findCustomerById } from '../db/customers.repository.js';
import { deletePushUrl, findPushUrl, recordPush, savePushUrl } from '../db/push-urls.repository.js';
import { LeadsyncError } from '../errors.js';
import { isId } from '../ids.js';
import { hashToken } from './tokens.js';
import { assertCustomerVisible } from './auth.js';
import type { App, AppContext } from './context.js';
import { ErrorSchema, Id, Text, withErrors } from './schemas.js';

const IdParams = Type.Object({ id: Id });
const PushParams = Type.Object({ customerId: Text({ maxLength: 100 }), secret: Text({ maxLength: 100 }) });
const PushUrlBody = Type.Object(
  { debounceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 300, default: 10 })) },
  { additionalProperties: false },
);
const PushUrlCreated = Type.Object({
  pushUrl: Type.String({ description: 'Shown once: only its hash is stored' }),
  debounceSeconds: Type.Integer(),
});
const PushUrlState = Type.Object({
  enabled: Type.Boolean(),
  debounceSeconds: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastPushAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  pushCount: Type.Integer(),
});
const PushAccepted = Type.Object({
  queued: Type.Boolean({ description: 'False when the customer is paused: the push is recorded only' }),
  runAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

/** Compared with when there is no push URL, so a miss costs what a wrong secret does. */
const NO_SECRET_HASH = Buffer.alloc(32);
/** 32 random bytes: 256 bits, far past guessing (the issue asks for at least 128). */
const newSecret = () => randomBytes(32).toString('base64url');
const notFound = (id: string) => new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer with id ${id}`);

/**
 * A request URL fit for the log: a push URL's secret is its credential, so it is left out, also
 * when the path was percent-encoded (`/%61pi/push/…` reaches the same route).
 */
export function redactPushSecret(url: string): string {
  const cut = url.search(/[?#]/);
  const path = cut === -1 ? url : url.slice(0, cut);
  const segments = path.split('/');
  const decoded = segments.map((segment) => {
    try {
      return decodeURIComponent(segment).toLowerCase();
    } catch {
      return segment;
    }
  });
  for (let i = 1; i + 2 < segments.length; i++) {
    if (decoded[i - 1] === 'api' && decoded[i] === 'push') segments[i + 2] = '[secret]';
  }
  return segments.join('/') + (cut === -1 ? '' : url.slice(cut));
}

/**
 * Push URLs (issue 14): a sheet's Apps Script calls one when the sheet changes, and the run
 * starts `debounceSeconds` later instead of at the next scheduled time. Managing one needs the
 * admin or the customer's token; calling one needs only its secret.
 */
export function registerPushRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/api/customers/:id/push-url',
    {
      config: { access: 'scoped' },
      // An empty body means every default (CONTRACT: bodiless POSTs are fine whatever the type).
      preValidation: async (request) => {
        if (request.body === undefined) request.body = {};
      },
      schema: {
        tags: ['push'],
        params: IdParams,
        body: PushUrlBody,
        response: withErrors({ 201: PushUrlCreated }),
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      assertCustomerVisible(request.scope, id);
      if (!(await findCustomerById(ctx.db, id))) throw notFound(id);
      const debounceSeconds = request.body.debounceSeconds ?? 10;
      const secret = newSecret();
      await savePushUrl(
        ctx.db,
        { customerId: id, secretHash: hashToken(secret), debounceSeconds },
        ctx.clock(),
      );
      const origin = ctx.config.service?.publicUrl ?? `${request.protocol}://${request.host}`;
      return reply.status(201).send({ pushUrl: `${origin}/api/push/${id}/${secret}`, debounceSeconds });
    },
  );

  app.get(
    '/api/customers/:id/push-url',
    {
      config: { access: 'scoped' },
      schema: { tags: ['push'], params: IdParams, response: withErrors({ 200: PushUrlState }) },
    },
    async (request) => {
      const { id } = request.params;
      assertCustomerVisible(request.scope, id);
      if (!(await findCustomerById(ctx.db, id))) throw notFound(id);
      const push = await findPushUrl(ctx.db, id);
      return {
        enabled: push !== undefined,
        debounceSeconds: push?.debounceSeconds ?? null,
        createdAt: push?.createdAt ?? null,
        lastPushAt: push?.lastPushAt ?? null,
        pushCount: push?.pushCount ?? 0,
      };
    },
  );

  app.delete(
    '/api/customers/:id/push-url',
    {
      config: { access: 'scoped' },
      schema: { tags: ['push'], params: IdParams, response: withErrors({ 204: Type.Null() }) },
    },
    async (request, reply) => {
      const { id } = request.params;
      assertCustomerVisible(request.scope, id);
      if (!(await findCustomerById(ctx.db, id))) throw notFound(id);
      await deletePushUrl(ctx.db, id);
      return reply.status(204).send(null);
    },
  );

  app.route({
    // GET too, for tools that can only GET (a browser bookmark, some form services).
    method: ['POST', 'GET'],
    url: '/api/push/:customerId/:secret',
    // A HEAD (a link preview, a monitor) must not start a sync.
    exposeHeadRoute: false,
    config: { access: 'public' },
    schema: {
      tags: ['push'],
      // The secret in the path is the credential: no bearer token.
      security: [],
      params: PushParams,
      response: withErrors({ 202: PushAccepted, 429: ErrorSchema }),
    },
    handler: async (request, reply) => {
      const { customerId, secret } = request.params;
      // The same work whatever is wrong: one lookup, one hash, one constant-time comparison.
      const stored = await findPushUrl(ctx.db, isId(customerId) ? customerId : '');
      const expected = stored ? Buffer.from(stored.secretHash, 'hex') : NO_SECRET_HASH;
      const given = Buffer.from(hashToken(secret), 'hex');
      if (!timingSafeEqual(expected, given) || !stored) {
        throw new LeadsyncError('PUSH_URL_NOT_FOUND', 'No such push URL');
      }
      // After the secret: a stranger must not be able to spend the customer's trigger allowance.
      await ctx.limits.trigger(request);
      const outcome = await recordPush(
        ctx.db,
        { customerId, debounceSeconds: stored.debounceSeconds },
        ctx.clock(),
      );
      if (outcome.queued) ctx.bus.publish({ type: 'queued', customerId, trigger: 'push' });
      return reply.status(202).send(outcome);
    },
  });
}

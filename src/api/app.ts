import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyRequest } from 'fastify';
import { serviceConfigOf } from '../config.js';
import { registerActivityRoute } from './activity.routes.js';
import { markPublic, registerAuth, registerRouteAccess } from './auth.js';
import type { App, AppContext, AppDeps } from './context.js';
import { registerControlRoutes } from './control.routes.js';
import { registerDashboard } from './dashboard-files.js';
import { registerDashboardInfoRoute } from './dashboard-info.routes.js';
import { closeUnusedConnections } from './close-unused-connections.js';
import { acceptCustomerIdHeader } from './customer-id-header.js';
import { registerCustomerRoutes } from './customers.routes.js';
import { registerErrorHandling } from './errors.js';
import { registerEventRoutes } from './events.routes.js';
import { registerHealthRoutes } from './health.routes.js';
import { LeadCache } from './lead-cache.js';
import { LiveProgress } from './live-progress.js';
import { registerLeadExportRoute } from './leads-export.routes.js';
import { registerLeadChangeRoutes } from './lead-changes.routes.js';
import { registerLeadRoutes } from './leads.routes.js';
import { registerMetricsRoute } from './metrics.routes.js';
import { registerNotificationRoutes } from './notifications.routes.js';
import { openApiInfo } from './openapi.js';
import { registerRateLimits } from './rate-limit.js';
import { registerBodyParsers, requestValidationOptions } from './request-validation.js';
import { redactPushSecret, registerPushRoutes } from './push.routes.js';
import { registerRunRoutes } from './runs.routes.js';
import { registerStatusRoutes } from './status.routes.js';
import { registerValidateSheetRoute } from './validate-sheet.routes.js';
import { registerWebhookRoutes } from './webhooks.routes.js';

/**
 * Builds the HTTP API on the given dependencies and never listens (service/server.ts does), so
 * tests drive it with `app.inject()`. Call `await app.ready()` before reading `app.swagger()`.
 */
export async function buildApp(deps: AppDeps): Promise<App> {
  const service = serviceConfigOf(deps.config);
  const clock = deps.clock ?? (() => new Date());
  const app: App = Fastify({
    logger: deps.logger === true ? { serializers: { req: logRequest } } : (deps.logger ?? false),
    bodyLimit: service.bodyLimitBytes,
    // A client trickling its headers or body (one byte every few seconds) would otherwise hold
    // a connection open for ever; Node checks these every `connectionsCheckingInterval`.
    requestTimeout: service.requestTimeoutMs,
    http: {
      requestTimeout: service.requestTimeoutMs,
      headersTimeout: service.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.ceil(service.headersTimeoutMs / 4)),
    },
    ...requestValidationOptions(),
  }).withTypeProvider<TypeBoxTypeProvider>();
  const ctx: AppContext = {
    db: deps.db,
    dialect: deps.dialect,
    config: deps.config,
    bus: deps.bus,
    metrics: deps.metrics,
    clock,
    sourceFor: deps.sourceFor,
    demoToken: deps.demoToken ?? null,
    cache: new LeadCache(service.cacheTtlSeconds, deps.bus),
    liveProgress: new LiveProgress(deps.bus),
    limits: await registerRateLimits(
      app,
      {
        trigger: service.rateLimits.triggerPerMinute,
        validate: service.rateLimits.validatePerMinute,
      },
      () => clock().getTime(),
    ),
  };

  // First: it must see every route that follows, to collect it and to refuse an undeclared one.
  registerRouteAccess(app);
  registerErrorHandling(app);
  app.addHook('onClose', async () => ctx.liveProgress.close());
  registerBodyParsers(app);
  await app.register(helmet, securityHeaders);
  await app.register(swagger, openApiInfo());
  await app.register(async (docs) => {
    docs.addHook('onRoute', markPublic);
    // swagger-ui has no inline script either, so the dashboard's policy suits it as is.
    await docs.register(swaggerUi, { routePrefix: '/docs' });
  });
  registerAuth(app, ctx);
  acceptCustomerIdHeader(app);
  closeWhenBodyUnread(app);
  closeUnusedConnections(app);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    ctx.metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
  });

  registerHealthRoutes(app, ctx);
  registerStatusRoutes(app, ctx);
  registerMetricsRoute(app, ctx);
  registerControlRoutes(app, ctx);
  registerRunRoutes(app, ctx);
  registerActivityRoute(app, ctx);
  registerEventRoutes(app, ctx);
  registerLeadRoutes(app, ctx);
  registerLeadChangeRoutes(app, ctx);
  registerLeadExportRoute(app, ctx);
  registerCustomerRoutes(app, ctx);
  registerPushRoutes(app, ctx);
  registerValidateSheetRoute(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerNotificationRoutes(app, ctx);
  registerDashboardInfoRoute(app, ctx);
  await app.register(async (dashboard) => {
    dashboard.addHook('onRoute', markPublic);
    await registerDashboard(dashboard);
  });
  return app;
}

/** Fastify's own request fields, with a push URL's secret left out of `url`. */
function logRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactPushSecret(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket.remotePort,
  };
}

/**
 * The dashboard's policy: its own scripts, styles and API only. `style-src 'unsafe-inline'`
 * because React and recharts set `style` attributes; no inline script is needed. No
 * `upgrade-insecure-requests`: the service is often reached over plain http on a LAN.
 */
const securityHeaders = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      connectSrc: ["'self'"],
      fontSrc: ["'self'", 'data:'],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      imgSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
    },
  },
  frameguard: { action: 'deny' as const },
  referrerPolicy: { policy: 'no-referrer' as const },
  // Served over http on a LAN as often as behind TLS; a TLS proxy can add HSTS itself.
  strictTransportSecurity: false,
};

/**
 * A request answered before its body arrived (a 401 from onRequest, a 413) closes its
 * connection: otherwise Node reads and discards the rest of the body, and a client trickling
 * it keeps the connection (and the socket) for as long as it likes.
 */
function closeWhenBodyUnread(app: App): void {
  app.addHook('onSend', async (request, reply) => {
    if (!request.raw.complete) reply.header('connection', 'close');
  });
}

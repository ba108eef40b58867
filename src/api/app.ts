import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serviceConfigOf } from '../config.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { registerAuth } from './auth.js';
import type { App, AppContext, AppDeps } from './context.js';
import { registerControlRoutes } from './control.routes.js';
import { registerCustomerRoutes } from './customers.routes.js';
import { registerErrorHandling } from './errors.js';
import { registerEventRoutes } from './events.routes.js';
import { registerHealthRoutes } from './health.routes.js';
import { LeadCache } from './lead-cache.js';
import { registerLeadExportRoute } from './leads-export.routes.js';
import { registerLeadRoutes } from './leads.routes.js';
import { registerNotificationRoutes } from './notifications.routes.js';
import { openApiInfo } from './openapi.js';
import { RateLimiter } from './rate-limit.js';
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
  const ctx: AppContext = {
    db: deps.db,
    dialect: deps.dialect,
    config: deps.config,
    bus: deps.bus,
    metrics: deps.metrics,
    clock,
    sourceFor: deps.sourceFor,
    cache: new LeadCache(service.cacheTtlSeconds, deps.bus),
    triggerLimiter: new RateLimiter(service.rateLimits.triggerPerMinute, () => clock().getTime()),
    validateLimiter: new RateLimiter(service.rateLimits.validatePerMinute, () => clock().getTime()),
  };
  const app: App = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: service.bodyLimitBytes,
    // Unknown body fields are an error (400), not silently dropped: `PATCH /api/leads/:id` with
    // a sheet-owned field must say so instead of pretending it worked.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerErrorHandling(app);
  await app.register(swagger, openApiInfo());
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerAuth(app, ctx);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    ctx.metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
  });

  registerHealthRoutes(app, ctx);
  registerStatusRoutes(app, ctx);
  registerControlRoutes(app, ctx);
  registerRunRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerLeadRoutes(app, ctx);
  registerLeadExportRoute(app, ctx);
  registerCustomerRoutes(app, ctx);
  registerValidateSheetRoute(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerNotificationRoutes(app, ctx);
  await registerDashboard(app);
  return app;
}

/** Where `npm run build` puts the dashboard (web/vite.config.ts). */
const DASHBOARD_DIR = join(PACKAGE_ROOT, 'dist/web/');

/**
 * The dashboard (issue 4) at `/`: index.html and its hashed assets from dist/web, public like any
 * static page (the API behind it still needs the token). Only the built files get routes
 * (`wildcard: false`), so unknown paths keep the API's JSON 404. Without a build, `/` says how
 * to make one.
 */
async function registerDashboard(app: App): Promise<void> {
  if (!existsSync(`${DASHBOARD_DIR}index.html`)) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><title>leadsync</title><p>The dashboard is not built. Run <code>npm run build</code> ' +
            '(or <code>npm start</code>, which builds it), then reload. The API is at <a href="/docs">/docs</a>.</p>',
        ),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: DASHBOARD_DIR,
    wildcard: false,
    index: 'index.html',
    cacheControl: false,
    // index.html names the hashed assets: it must be re-read; the assets never change.
    setHeaders: (res, path) =>
      res.setHeader(
        'cache-control',
        path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
      ),
  });
}

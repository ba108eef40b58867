import type { SwaggerOptions } from '@fastify/swagger';
import { PACKAGE_VERSION } from '../package-root.js';

/** The OpenAPI document's frame; the paths come from the routes' schemas. */
export function openApiInfo(): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'leadsync',
        description:
          'Keeps a database of sales leads in step with Google Sheets. Every /api route needs `Authorization: Bearer <token>`; errors are `{error: {code, message, details?}}`.',
        version: PACKAGE_VERSION,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
      tags: [
        { name: 'sync', description: 'Status and control of each customer’s sync' },
        { name: 'runs', description: 'Run history and approvals' },
        { name: 'leads', description: 'The synced leads' },
        { name: 'customers', description: 'Customers and their sheets' },
        {
          name: 'push',
          description: 'Push URLs: the sheet says it changed (the push URL itself needs no token)',
        },
        { name: 'health', description: 'Probes and metrics (no token)' },
        { name: 'webhooks', description: 'Webhooks and their deliveries (admin token)' },
        { name: 'notifications', description: 'Recent events people act on, with unread state' },
      ],
    },
  };
}

import { Type } from 'typebox';
import type { App, AppContext } from './context.js';

/**
 * `GET /api/dashboard`: what the sign-in page may know before it has a token. Only the demo
 * (`npm run demo`, a local service with made-up sheets) names its admin token here, so a new
 * user can sign in without reading the terminal; `leadsync serve` always answers null.
 */
export function registerDashboardInfoRoute(app: App, ctx: AppContext): void {
  app.get(
    '/api/dashboard',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        description: 'Public: the demo’s admin token under `npm run demo`, else null.',
        response: { 200: Type.Object({ demoToken: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async () => ({ demoToken: ctx.demoToken }),
  );
}

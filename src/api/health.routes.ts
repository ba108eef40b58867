import { sql } from 'kysely';
import { Type } from 'typebox';
import { LeadsyncError } from '../errors.js';
import type { App, AppContext } from './context.js';
import { ErrorSchema } from './schemas.js';

/** How long readyz waits for the database's answer before saying not ready. */
const READY_TIMEOUT_MS = 2000;

/** Liveness, readiness (the database answers) and Prometheus metrics; no token needed. */
export function registerHealthRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: { tags: ['health'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        response: {
          200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }),
          503: ErrorSchema,
        },
      },
    },
    async () => {
      let timer: NodeJS.Timeout | undefined;
      // A database that hangs (a failover in progress) must make readyz answer "not ready" in
      // time, not hang the probe until the load balancer's own timeout.
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)),
          READY_TIMEOUT_MS,
        );
      });
      try {
        await Promise.race([sql`select 1`.execute(ctx.db), timeout]);
      } catch (error) {
        throw new LeadsyncError('NOT_READY', 'The database does not answer', { cause: error });
      } finally {
        clearTimeout(timer);
      }
      return { status: 'ready' as const, database: ctx.dialect };
    },
  );

  app.get(
    '/metrics',
    { config: { access: 'public' }, schema: { tags: ['health'], hide: true } },
    async (_request, reply) => {
      const body = await ctx.metrics.registry.metrics();
      return reply.header('content-type', ctx.metrics.registry.contentType).send(body);
    },
  );
}

import { serviceConfigOf, type Config } from '../config.js';
import { openDatabase, type DatabaseHandle } from '../db/connection.js';
import type { EventBus } from '../events/event-bus.js';
import { createEventBus } from '../events/postgres-bus.js';
import { buildApp } from '../api/app.js';
import type { App } from '../api/context.js';
import { Worker } from '../worker/worker.js';
import { dropStalePostgresStages } from '../db/lead-stage.postgres.js';
import { nativeOf } from '../db/native.js';
import { installLastResort, removeStaleSpills } from './last-resort.js';
import { NotifyDispatcher } from '../notify/dispatcher.js';
import { RetentionPruner } from '../worker/retention.js';
import { ensureAdminToken } from './admin-token.js';
import { ServiceMetrics } from '../worker/metrics.js';

export interface ServiceOptions {
  config: Readonly<Config>;
  /** Serve the HTTP API. */
  api: boolean;
  /** Run a worker (claims and syncs due customers). */
  worker: boolean;
  /** Where start-up lines go (the URL, a generated token). */
  print: (line: string) => void;
  /** Fastify logging. Default true. */
  logger?: boolean;
  /** `npm run demo`: the admin token the sign-in page offers (never set by `leadsync serve`). */
  demoToken?: string;
}

export interface RunningService {
  /** `http://host:port` when the API listens. */
  url: string | null;
  worker: Worker | null;
  /** Graceful: stop accepting requests and claims, cancel running syncs at a batch boundary, release leases, close. */
  close(): Promise<void>;
}

/** `leadsync serve` (API, and a worker unless --no-worker) and `leadsync worker` (worker only). */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { config } = options;
  const service = serviceConfigOf(config);
  // A sync holds one PostgreSQL connection at a time (its stage's COPY, then its write transaction):
  // the pool leaves room for every slot plus the claims, heartbeats, quota and dispatcher, so a
  // busy worker never fails syncs waiting for a pooled connection.
  const poolSize = options.worker ? Math.max(10, service.worker.concurrency + 6) : 10;
  const handle: DatabaseHandle = await openDatabase(config.databaseUrl, { poolSize });
  const spills = await removeStaleSpills();
  if (spills > 0) options.print(`removed ${spills} spill folders an earlier version left in the temp folder`);
  const bus: EventBus = await createEventBus(handle.dialect, handle.url);
  const metrics = new ServiceMetrics();
  let app: App | null = null;
  let worker: Worker | null = null;
  let dispatcher: NotifyDispatcher | null = null;
  let retention: RetentionPruner | null = null;
  let url: string | null = null;
  try {
    if (options.api) {
      const token = await ensureAdminToken(handle.db, config, new Date());
      app = await buildApp({
        db: handle.db,
        dialect: handle.dialect,
        config,
        bus,
        metrics,
        logger: options.logger ?? true,
        demoToken: options.demoToken ?? null,
      });
      await app.listen({ port: service.port, host: service.host });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : service.port;
      url = `http://${service.host.includes(':') ? `[${service.host}]` : service.host}:${port}`;
      options.print(`leadsync API on ${url} (OpenAPI at ${url}/docs, database ${handle.dialect})`);
      if (token) {
        options.print(
          `Admin token (shown once, stored hashed; set LEADSYNC_ADMIN_TOKEN to choose your own):\n  ${token}`,
        );
        options.print(`Try: curl -H "Authorization: Bearer ${token}" ${url}/api/customers`);
      } else if (!service.adminToken) {
        options.print(
          'Authenticate with the admin token printed on first start, or set LEADSYNC_ADMIN_TOKEN.',
        );
      }
    }
    if (options.worker) {
      const native = nativeOf(handle.db);
      const stages = native.dialect === 'postgres' ? await dropStalePostgresStages(native.pool) : 0;
      if (stages > 0) options.print(`dropped ${stages} staging tables a crashed sync left behind`);
      worker = new Worker({
        db: handle.db,
        config,
        bus,
        metrics,
        concurrency: service.worker.concurrency,
        pollIntervalMs: service.worker.pollIntervalMs,
        leaseMs: service.worker.leaseMs,
        autoPauseFailures: service.worker.autoPauseFailures,
        log: (m) => options.print(`worker: ${m}`),
      });
      worker.start();
      // Worker processes also deliver the notification outbox (webhooks, mail).
      dispatcher = new NotifyDispatcher({ db: handle.db, config, log: (m) => options.print(`notify: ${m}`) });
      dispatcher.start();
      retention = new RetentionPruner({ db: handle.db, config, log: (m) => options.print(m) });
      retention.start();
      options.print(`leadsync worker ${worker.id} (concurrency ${service.worker.concurrency})`);
    }
  } catch (error) {
    await app?.close();
    await bus.close();
    await handle.close();
    throw error;
  }
  const uninstall = installLastResort(options.print, worker);
  let closing: Promise<void> | null = null;
  return {
    url,
    worker,
    close: () =>
      (closing ??= (async () => {
        await app?.close();
        await worker?.close();
        uninstall();
        await dispatcher?.close();
        await retention?.close();
        await bus.close();
        await handle.close();
      })()),
  };
}

/** Closes the service on SIGTERM or SIGINT (once; a second signal exits at once). */
export function closeOnSignals(service: RunningService, print: (line: string) => void): Promise<void> {
  return new Promise((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) process.exit(130);
      signalled = true;
      print(`${signal}: stopping (running syncs are cancelled at their next batch and rolled back)`);
      service.close().then(resolve, (error: unknown) => {
        print(`shutdown failed: ${(error as Error).message}`);
        process.exitCode = 1;
        resolve();
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

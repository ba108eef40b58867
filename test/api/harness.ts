import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import type { App } from '../../src/api/context.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { EventBus } from '../../src/events/event-bus.js';
import { LocalEventBus } from '../../src/events/local-bus.js';
import { PostgresEventBus } from '../../src/events/postgres-bus.js';
import { ServiceMetrics } from '../../src/worker/metrics.js';
import { startFakeGoogle, type FakeGoogle } from '../fake-google/server.js';
import { createTestDatabase, type TestDatabase, type TestDialect } from '../helpers/databases.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** A service on a real database of `dialect`, the fake Google, and an API built on both. */
export interface Harness {
  t: TestDatabase;
  google: FakeGoogle;
  config: Readonly<Config>;
  bus: EventBus;
  metrics: ServiceMetrics;
  app: App;
  /** Calls the API as the admin (or with `token`; null sends no Authorization). */
  call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    token?: string | null,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** `clock`: the API's clock (default the real one), for a test that moves time on by itself. */
export async function startHarness(
  dialect: TestDialect,
  env: Record<string, string> = {},
  options: { clock?: () => Date } = {},
): Promise<Harness> {
  const t = await createTestDatabase(dialect);
  const google = await startFakeGoogle();
  const config = loadConfig({
    DATABASE_URL: t.url,
    GOOGLE_SHEETS_BASE_URL: google.baseUrl,
    GOOGLE_SHEETS_API_BASE_URL: google.apiBaseUrl,
    LEADSYNC_ALLOW_HOSTS: '127.0.0.1',
    LEADSYNC_ADMIN_TOKEN: ADMIN_TOKEN,
    LEADSYNC_FETCH_RETRIES: '0',
    LEADSYNC_LEASE_MS: '1000',
    LEADSYNC_POLL_INTERVAL_MS: '20',
    ...env,
  });
  let bus: EventBus;
  if (dialect === 'postgres') {
    const pgBus = new PostgresEventBus(t.url);
    await pgBus.start();
    bus = pgBus;
  } else bus = new LocalEventBus();
  const metrics = new ServiceMetrics({ processMetrics: false });
  const app = await buildApp({ db: t.db, dialect, config, bus, metrics, ...options });
  await app.ready();
  return {
    t,
    google,
    config,
    bus,
    metrics,
    app,
    call: (method, url, body, token = ADMIN_TOKEN) =>
      app.inject({
        method,
        url,
        ...(body !== undefined && { payload: body as object }),
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
      }),
    async close() {
      await app.close();
      await bus.close();
      await google.close();
      await t.drop();
    },
  };
}

/** A spreadsheet id of the valid form. */
export const sheetId = (n: number) => `sheet${String(n).padStart(4, '0')}AAAAAAAAAAAAAAAAAAAAAAAA`;

/** A CSV of `rows` leads. */
export function leadsCsv(rows: number, tag = 'v1'): string {
  const lines = ['Name,Email,Company'];
  for (let i = 0; i < rows; i++) lines.push(`Person ${i},person${i}@example.com,Company ${tag}`);
  return `${lines.join('\n')}\n`;
}

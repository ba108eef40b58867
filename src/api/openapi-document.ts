import { loadConfig } from '../config.js';
import { openDatabase } from '../db/connection.js';
import { LocalEventBus } from '../events/local-bus.js';
import { ServiceMetrics } from '../worker/metrics.js';
import { buildApp } from './app.js';

/**
 * The OpenAPI document as the routes' schemas describe it, built on an in-memory database so it
 * needs nothing running. `docs/openapi.json` is this, pretty-printed (a test keeps it current).
 */
export async function openApiDocument(): Promise<string> {
  const handle = await openDatabase('sqlite::memory:');
  const bus = new LocalEventBus();
  try {
    const app = await buildApp({
      db: handle.db,
      dialect: handle.dialect,
      config: loadConfig({}),
      bus,
      metrics: new ServiceMetrics({ processMetrics: false }),
    });
    await app.ready();
    const text = `${JSON.stringify(app.swagger(), null, 2)}\n`;
    await app.close();
    return text;
  } finally {
    await bus.close();
    await handle.close();
  }
}

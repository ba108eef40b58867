import fastifyStatic from '@fastify/static';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';
import type { App } from './context.js';

/** Where `npm run build` puts the dashboard (web/vite.config.ts). */
export const DASHBOARD_DIR = join(PACKAGE_ROOT, 'dist/web/');

const NOT_BUILT =
  '<!doctype html><html lang="en"><title>leadsync</title><main><h1>The dashboard is not built yet</h1>' +
  '<p>Run <code>npm run build</code> (or <code>npm start</code> / <code>npm run demo</code>, which build it ' +
  'when needed), then reload this page: the running service serves the new build without a restart.</p>' +
  '<p>The API is at <a href="/docs">/docs</a>.</p></main></html>';

/**
 * The dashboard at `/`: index.html is read on every request (a few hundred bytes), so a build
 * made while the service runs is served at the next reload, and a missing build says how to
 * make one instead of a stale page. Its hashed assets are looked up under dist/web/assets at
 * request time too, and cached for a year (their names change with their content). Only `/`,
 * `/index.html` and `/assets/*` get routes, so unknown paths keep the API's JSON 404.
 */
export async function registerDashboard(app: App, dir = DASHBOARD_DIR): Promise<void> {
  for (const url of ['/', '/index.html']) {
    app.get(url, { schema: { hide: true } }, async (_request, reply) => {
      const html = await readFile(join(dir, 'index.html'), 'utf8').catch(() => null);
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(html ?? NOT_BUILT);
    });
  }
  await app.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    wildcard: true,
    index: false,
    cacheControl: false,
    setHeaders: (res) => {
      res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    },
  });
}

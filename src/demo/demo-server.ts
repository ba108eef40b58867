import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_SHEETS, type DemoSheet } from './demo-sheets.js';

export interface DemoSheetServer {
  /** Use as GOOGLE_SHEETS_BASE_URL. */
  baseUrl: string;
  close(): Promise<void>;
}

const CHUNK = 64 * 1024;

/**
 * Serves the demo sheets the way docs.google.com serves a CSV export: chunked `text/csv`, a
 * sign-in redirect for a sheet that is not shared, an HTML 404 for an unknown id. `tick()`
 * says how far the sheets have moved on (it grows with time).
 */
export async function startDemoSheetServer(
  tick: () => number,
  options: {
    port?: number;
    /** Serve big sheets slowly so progress shows (default true). */ slow?: boolean;
  } = {},
): Promise<DemoSheetServer> {
  const slow = options.slow ?? true;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const exportMatch = /^\/spreadsheets\/d\/([^/]+)\/export$/.exec(url.pathname);
    const pubMatch = /^\/spreadsheets\/d\/e\/([^/]+)\/pub$/.exec(url.pathname);
    const id = exportMatch?.[1] ?? pubMatch?.[1];
    const sheet = DEMO_SHEETS.find((s) => s.id === id && (s.kind === 'published') === Boolean(pubMatch));
    if (/\/ServiceLogin$/.test(url.pathname)) {
      return void res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!DOCTYPE html><title>Sign in - Google Accounts</title>');
    }
    if (!sheet)
      return void res
        .writeHead(404, { 'content-type': 'text/html' })
        .end('<!DOCTYPE html><title>Not found</title>');
    if (sheet.private) {
      return void res
        .writeHead(307, { location: `/v3/signin/identifier?continue=${encodeURIComponent(url.href)}` })
        .end();
    }
    void send(res, sheet, tick(), slow);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port: actual } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function send(res: ServerResponse, sheet: DemoSheet, tick: number, slow: boolean): Promise<void> {
  const body = Buffer.from(sheet.csv(tick), 'utf8');
  res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
  for (let i = 0; i < body.length && !res.destroyed; i += CHUNK) {
    if (!res.write(body.subarray(i, i + CHUNK))) await new Promise((r) => res.once('drain', r));
    if (slow && sheet.chunkDelayMs) await new Promise((r) => setTimeout(r, sheet.chunkDelayMs));
  }
  res.end();
}

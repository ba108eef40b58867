import { createReadStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';

/**
 * A local stand-in for Google's CSV export: `GET /spreadsheets/d/<ID>/export?format=csv&gid=0`
 * answers 200 text/csv, chunked (no Content-Length, as Google sends it), streamed from disk.
 * Which file an ID serves can be swapped between runs (the 1 %-changed scenario).
 */
export interface ExportServer {
  /** `http://127.0.0.1:<port>`, for GOOGLE_SHEETS_BASE_URL. */
  baseUrl: string;
  serve(spreadsheetId: string, file: string): void;
  /** Requests answered with a sheet so far. */
  readonly requests: number;
  close(): Promise<void>;
}

const EXPORT_PATH = /^\/spreadsheets\/d\/([A-Za-z0-9_-]+)\/export$/;

export async function startExportServer(): Promise<ExportServer> {
  const files = new Map<string, string>();
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const id = EXPORT_PATH.exec(url.pathname)?.[1];
    const file = id === undefined ? undefined : files.get(id);
    // Other query parameters (cache busters, `id=`) are ignored, as Google does.
    if (req.method !== 'GET' || !file || url.searchParams.get('format') !== 'csv') {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end('<html>Not found</html>');
      return;
    }
    requests += 1;
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="leads.csv"',
      'cache-control': 'no-cache, no-store, max-age=0, must-revalidate',
    });
    pipeline(createReadStream(file, { highWaterMark: 64 * 1024 }), res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    serve: (id, file) => void files.set(id, file),
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

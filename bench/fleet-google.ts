import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fleet's fake Google behaves. */
export interface FleetGoogleOptions {
  /** Rows of customer i's sheet. */
  rowsOf: (i: number) => number;
  /** Time to first byte, uniform in [min, max] ms (0, 0: none). */
  ttfbMs: [number, number];
  /** Requests per 60 s accepted from all clients together; beyond it 429 + Retry-After. 0: none. */
  quotaPerMinute: number;
  /** Chance that a request finds its sheet changed (one row edited) since the last one. */
  changeChance: number;
  random?: () => number;
}

export interface FleetGoogle {
  baseUrl: string;
  /** Accepted requests' arrival times (ms), oldest first. */
  accepted: number[];
  /** 429 answers so far. */
  rejected(): number;
  close(): Promise<void>;
}

const WINDOW_MS = 60_000;

/** The spreadsheet id of customer i (the form Google links have). */
export const fleetSheetId = (i: number) => `fleet${String(i).padStart(6, '0')}`.padEnd(44, 'A');

/**
 * A Google CSV export for a whole fleet, light enough to serve thousands of sheets from the
 * bench process: `/spreadsheets/d/<fleetSheetId(i)>/export?format=csv&gid=0` answers customer
 * i's sheet, generated on the fly from (i, version) so nothing is kept but a version per sheet.
 * The quota is Google's per-project one: a sliding minute over every client's requests, 429 with
 * Retry-After (seconds until the oldest request leaves the window) once it is used up.
 */
export async function startFleetGoogle(options: FleetGoogleOptions): Promise<FleetGoogle> {
  const random = options.random ?? Math.random;
  const versions = new Map<number, number>();
  const accepted: number[] = [];
  let head = 0; // accepted[head..] are inside the current window
  let rejected = 0;
  const server: Server = createServer((req, res) => {
    const match = /^\/spreadsheets\/d\/fleet(\d{6})A*\/export/.exec(req.url ?? '');
    if (!match?.[1]) {
      res.writeHead(404).end();
      return;
    }
    const now = Date.now();
    if (options.quotaPerMinute > 0) {
      while (head < accepted.length && accepted[head]! <= now - WINDOW_MS) head++;
      if (accepted.length - head >= options.quotaPerMinute) {
        rejected++;
        const retryAfter = Math.max(1, Math.ceil((accepted[head]! + WINDOW_MS - now) / 1000));
        res.writeHead(429, { 'retry-after': String(retryAfter), 'content-type': 'text/html' }).end('quota');
        return;
      }
    }
    accepted.push(now);
    const i = Number(match[1]);
    let version = versions.get(i) ?? 0;
    if (random() < options.changeChance) versions.set(i, ++version);
    const [min, max] = options.ttfbMs;
    const delay = min + (max - min) * random();
    const send = () => {
      res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
      res.end(sheetCsv(i, options.rowsOf(i), version));
    };
    if (delay > 0) setTimeout(send, delay);
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accepted,
    rejected: () => rejected,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Customer i's sheet at `version`: each version edits one more row's company. */
export function sheetCsv(i: number, rows: number, version: number): string {
  const lines = ['Name,Email,Company,Phone'];
  for (let r = 0; r < rows; r++) {
    const edited = version > 0 && r % Math.max(1, rows) === (version * 7919) % Math.max(1, rows);
    lines.push(
      `Person ${r},p${r}.c${i}@example.com,${edited ? `Co ${version}` : `Co ${r % 13}`},+1555${String(r).padStart(6, '0')}`,
    );
  }
  return lines.join('\n') + '\n';
}

/**
 * Sheet sizes like an agency's: log-normal with median 300 rows and 5 % above 5,000
 * (sigma = ln(5000/300) / 1.645), kept within 20-20,000 rows. Deterministic per customer.
 */
export function fleetRows(i: number): number {
  // Two uniform numbers from the customer's index (a hash), then Box-Muller.
  const u1 = (hash(i * 2 + 1) + 0.5) / 2 ** 32;
  const u2 = (hash(i * 2 + 2) + 0.5) / 2 ** 32;
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  const sigma = Math.log(5000 / 300) / 1.645;
  return Math.min(20_000, Math.max(20, Math.round(300 * Math.exp(sigma * z))));
}

function hash(n: number): number {
  let x = (n ^ 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

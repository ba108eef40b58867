import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCustomer, type Customer } from '../../src/db/customers.repository.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { SyncRun } from '../../src/db/sync-runs.repository.js';
import { LeadsyncError } from '../../src/errors.js';
import { runSync } from '../../src/sync/engine.js';
import type { SheetSource } from '../../src/sources/types.js';
import type { TestDatabase } from '../helpers/databases.js';

/** A clock tests move by hand: schedules, quiet periods and "a day" without waiting. */
export class ManualClock {
  constructor(public now = new Date('2026-03-02T09:00:00.000Z')) {}
  readonly read = () => new Date(this.now);
  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }
  set(date: Date | string): void {
    this.now = new Date(date);
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export function notifyConfig(env: Record<string, string> = {}): Readonly<Config> {
  return loadConfig({ LEADSYNC_ALLOW_HOSTS: '127.0.0.1', LEADSYNC_FETCH_RETRIES: '0', ...env });
}

/** A customer whose "sheet" is whatever the test sets: CSV text, or an error the source throws. */
export interface FakeSheet {
  customer: Customer;
  set(content: string | LeadsyncError): void;
  sync(): Promise<SyncRun>;
}

export async function fakeSheetCustomer(
  t: TestDatabase,
  config: Readonly<Config>,
  clock: ManualClock,
  name = 'Acme',
): Promise<FakeSheet> {
  const customer = await createCustomer(
    t.db,
    { name, sheetUrl: 'https://sheets.example.com/leads.csv', sourceKind: 'csv_url' },
    clock.read(),
  );
  let content: string | LeadsyncError = 'Name,Email\nAda,ada@example.com\n';
  const source: SheetSource = {
    kind: 'csv_url',
    describe: () => 'fake sheet',
    open: async () => {
      if (content instanceof LeadsyncError) throw content;
      const bytes = Buffer.from(content);
      return {
        kind: 'csv',
        contentLength: bytes.length,
        chunks: (async function* () {
          yield bytes;
        })(),
      };
    },
  };
  return {
    customer,
    set: (next) => (content = next),
    sync: () =>
      runSync(
        { db: t.db, config, clock: clock.read, sleep: async () => {}, sourceFor: () => source },
        { customerId: customer.id, trigger: 'manual' },
      ),
  };
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on 127.0.0.1 answering each request with the next status of `plan` (then the last). */
export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  plan: number[];
  close(): Promise<void>;
}

export async function startReceiver(plan: number[] = [200]): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const receiver: Receiver = { url: '', requests, plan, close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = receiver.plan[requests.length - 1] ?? receiver.plan.at(-1) ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}

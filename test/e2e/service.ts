import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { startService, type RunningService } from '../../src/service/server.js';
import { startFakeGoogle, type FakeGoogle } from '../fake-google/server.js';

export const E2E_TOKEN = 'e2e-admin-token-0123456789';

export interface E2eService {
  url: string;
  databaseUrl: string;
  google: FakeGoogle;
  service: RunningService;
  close(): Promise<void>;
}

/** The real service (`leadsync serve`: API, worker, dashboard) on a temp SQLite file and the fake Google. */
export async function startE2eService(): Promise<E2eService> {
  const dir = await mkdtemp(join(tmpdir(), 'leadsync-e2e-'));
  const google = await startFakeGoogle();
  const databaseUrl = `sqlite:${join(dir, 'leadsync.db')}`;
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    GOOGLE_SHEETS_BASE_URL: google.baseUrl,
    GOOGLE_SHEETS_API_BASE_URL: google.apiBaseUrl,
    LEADSYNC_ALLOW_HOSTS: '127.0.0.1',
    LEADSYNC_ADMIN_TOKEN: E2E_TOKEN,
    LEADSYNC_FETCH_RETRIES: '0',
    LEADSYNC_POLL_INTERVAL_MS: '100',
    LEADSYNC_LEASE_MS: '5000',
    PORT: '0',
    HOST: '127.0.0.1',
  });
  const service = await startService({ config, api: true, worker: true, print: () => {}, logger: false });
  if (!service.url) throw new Error('the service did not listen');
  return {
    url: service.url,
    databaseUrl,
    google,
    service,
    async close() {
      await service.close();
      await google.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `rows` leads as CSV; each row ~60 bytes. */
export function bigCsv(rows: number, from = 0): string {
  const lines = ['Name,Email,Company,Phone'];
  for (let i = from; i < from + rows; i++)
    lines.push(`Person ${i},person${i}@example.com,Company ${i % 97},+1555${String(i).padStart(7, '0')}`);
  return `${lines.join('\n')}\n`;
}

export const sheetLink = (id: string) => `https://docs.google.com/spreadsheets/d/${id}/edit#gid=0`;
export const sheetIdOf = (n: number) => `e2esheet${String(n).padStart(3, '0')}AAAAAAAAAAAAAAAAAAAAAAAAAA`;

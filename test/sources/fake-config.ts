import { loadConfig, type Config } from '../../src/config.js';
import type { FakeGoogle } from '../fake-google/server.js';

/** The configuration pointing at the fake, with timeouts short enough for tests. */
export function testConfig(
  fake: FakeGoogle,
  overrides: { allowHosts?: string[]; credentialsFile?: string; timeoutMs?: number; maxBytes?: number } = {},
): Readonly<Config> {
  return loadConfig({
    GOOGLE_SHEETS_BASE_URL: fake.baseUrl,
    GOOGLE_SHEETS_API_BASE_URL: fake.apiBaseUrl,
    LEADSYNC_ALLOW_HOSTS: (overrides.allowHosts ?? []).join(','),
    LEADSYNC_FETCH_TIMEOUT_MS: String(overrides.timeoutMs ?? 2000),
    LEADSYNC_MAX_SHEET_BYTES: String(overrides.maxBytes ?? 1024 * 1024),
    ...(overrides.credentialsFile ? { GOOGLE_APPLICATION_CREDENTIALS: overrides.credentialsFile } : {}),
  });
}

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FakeGoogle } from '../fake-google/server.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/leadsync.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/leadsync.js …args` as a user would, against `databaseUrl` and the fake Google.
 * The environment is the test's minus every leadsync and Google setting, so a developer's own
 * configuration (a service-account key, say) cannot change what is tested.
 */
export function leadsync(
  args: string[],
  target: { databaseUrl?: string; fake?: FakeGoogle } = {},
): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!/^(LEADSYNC_|GOOGLE_|DATABASE_URL$)/.test(name)) env[name] = value;
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
  if (target.fake) {
    env.GOOGLE_SHEETS_BASE_URL = target.fake.baseUrl;
    env.GOOGLE_SHEETS_API_BASE_URL = target.fake.apiBaseUrl;
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: REPO, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The one JSON document a `--json` command printed on stdout. */
export function jsonOf<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

export const sheetLink = (sheetId: string) => `https://docs.google.com/spreadsheets/d/${sheetId}/edit#gid=0`;

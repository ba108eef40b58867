import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FakeGoogle } from '../fake-google/server.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/leadsync.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliTarget {
  databaseUrl?: string;
  fake?: FakeGoogle;
  /** Extra variables (LEADSYNC_LEASE_MS, say). */
  env?: Record<string, string>;
}

/**
 * The environment a CLI run gets: the test's minus every leadsync and Google setting, so a
 * developer's own configuration (a service-account key, say) cannot change what is tested.
 */
function cliEnv(target: CliTarget): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!/^(LEADSYNC_|GOOGLE_|DATABASE_URL$)/.test(name)) env[name] = value;
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
  if (target.fake) {
    env.GOOGLE_SHEETS_BASE_URL = target.fake.baseUrl;
    env.GOOGLE_SHEETS_API_BASE_URL = target.fake.apiBaseUrl;
  }
  return { ...env, ...target.env };
}

/** Runs `node bin/leadsync.js …args` as a user would, against `databaseUrl` and the fake Google. */
export function leadsync(args: string[], target: CliTarget = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: REPO, env: cliEnv(target), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export interface RunningCli {
  /** What it wrote so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves once stderr contains `text`; rejects after `timeoutMs` or if the process ends first. */
  waitForStderr(text: string, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  done: Promise<CliResult>;
}

/** Starts `node bin/leadsync.js …args` and lets the test watch it while it runs. */
export function startLeadsync(args: string[], target: CliTarget = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: cliEnv(target) });
  let stdout = '';
  let stderr = '';
  let ended = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      ended = true;
      resolve({ code: code ?? (signal ? -1 : 0), stdout, stderr });
    });
  });
  return {
    output: () => ({ stdout, stderr }),
    async waitForStderr(text, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (!stderr.includes(text)) {
        if (ended || Date.now() > until)
          throw new Error(`"${text}" never came on stderr:\n${stderr}\n(stdout: ${stdout})`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    kill: (signal) => void child.kill(signal),
    done,
  };
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

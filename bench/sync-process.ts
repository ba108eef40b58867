import path from 'node:path';
import { REPO_ROOT } from './data.js';
import type { BenchDb } from './databases.js';
import { measure, type Measured } from './measure.js';

/** The fields of the CLI's `--json` run object that the bench reads. */
export interface RunJson {
  outcome: string;
  startedAt: string;
  durationMs: number;
  rowsProcessed: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  rowsUnchanged: number;
  retryCount: number;
  bytes: number;
}

export interface SyncSample {
  wallMs: number;
  peakRssMb: number;
  run: RunJson;
  /** Lead writes: inserted + updated + deleted. */
  writes: number;
}

export interface SyncTarget {
  /** The leadsync entry point, `bin/leadsync.js` unless `--cli` says otherwise. */
  cli: string;
  db: BenchDb;
  exportBaseUrl: string;
  spreadsheetId: string;
  /** Extra Node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
}

export const CUSTOMER = 'bench';

/** One `leadsync sync … --json` in a fresh process: the same path as the CLI and the service. */
export async function syncOnce(t: SyncTarget): Promise<SyncSample> {
  const sheetUrl = `https://docs.google.com/spreadsheets/d/${t.spreadsheetId}/edit#gid=0`;
  const args = [...(t.nodeFlags ?? []), t.cli, 'sync', sheetUrl, '--customer', CUSTOMER, '--json'];
  const m = await measure(process.execPath, args, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: t.db.url,
      GOOGLE_SHEETS_BASE_URL: t.exportBaseUrl,
      // The export server is on loopback, which the SSRF rules refuse for real customers.
      LEADSYNC_ALLOW_HOSTS: '127.0.0.1',
    },
  });
  const run = parseRun(m);
  return {
    wallMs: m.wallMs,
    peakRssMb: m.peakRssMb,
    run,
    writes: run.rowsInserted + run.rowsUpdated + run.rowsDeleted,
  };
}

/** Node + tsx + the CLI's imports, with no work: `leadsync --version`. */
export async function startupOnce(cli: string): Promise<Measured> {
  const m = await measure(process.execPath, [cli, '--version'], { cwd: REPO_ROOT });
  if (m.exitCode !== 0) throw new Error(`leadsync --version exited ${m.exitCode}: ${m.stderr.slice(0, 500)}`);
  return m;
}

export function defaultCli(): string {
  return path.join(REPO_ROOT, 'bin', 'leadsync.js');
}

function parseRun(m: Measured): RunJson {
  const text = m.stdout.trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Tolerate stray lines before the object, but say so: the contract is one JSON object.
    const last = text.split('\n').findLast((l) => l.startsWith('{'));
    parsed = last === undefined ? undefined : (JSON.parse(last) as unknown);
  }
  const run = parsed as (Partial<RunJson> & { error?: unknown }) | undefined;
  if (m.exitCode !== 0 || !run || typeof run.durationMs !== 'number') {
    const why = run?.error ? JSON.stringify(run.error) : (m.stderr || text).slice(0, 800);
    throw new Error(`leadsync sync exited ${m.exitCode} (outcome ${run?.outcome ?? '?'}): ${why}`);
  }
  return {
    outcome: String(run.outcome),
    startedAt: String(run.startedAt),
    durationMs: run.durationMs,
    rowsProcessed: run.rowsProcessed ?? NaN,
    rowsInserted: run.rowsInserted ?? 0,
    rowsUpdated: run.rowsUpdated ?? 0,
    rowsDeleted: run.rowsDeleted ?? 0,
    rowsUnchanged: run.rowsUnchanged ?? NaN,
    retryCount: run.retryCount ?? 0,
    bytes: run.bytes ?? NaN,
  };
}

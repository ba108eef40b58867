import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { REPO_ROOT } from './data.js';
import type { BenchDb } from './databases.js';

/** A running `leadsync serve`: its API address, admin token and memory as /proc sees it. */
export interface ServiceProcess {
  url: string;
  token: string;
  /** Current resident set of the process tree (MiB): VmRSS. */
  rssMb(): number;
  /** Peak resident set of the process tree so far (MiB): VmHWM, readable only while it lives. */
  peakRssMb(): number;
  /** SIGTERM, then SIGKILL after 30 s; resolves to the exit code. */
  stop(): Promise<number>;
  /** The last lines the service printed (start-up, worker), for error messages. */
  log(): string;
}

const READY_MS = 60_000;
const STOP_MS = 30_000;

/**
 * Starts `node <cli> serve` on a free port with a fresh database, the export server as its
 * Google, and an admin token chosen here; resolves once both the API and the worker said so.
 */
export async function startService(cli: string, db: BenchDb, exportBaseUrl: string): Promise<ServiceProcess> {
  const token = randomBytes(24).toString('hex');
  const child = spawn(process.execPath, [cli, 'serve'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      GOOGLE_SHEETS_BASE_URL: exportBaseUrl,
      LEADSYNC_ALLOW_HOSTS: '127.0.0.1',
      LEADSYNC_ADMIN_TOKEN: token,
      HOST: '127.0.0.1',
      PORT: '0',
    },
    // Request logs go to stdout: read and dropped, as a log collector would take them.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (b: Buffer) => void (tail = (tail + b.toString('utf8')).slice(-4000));
  child.stdout.on('data', () => {});
  child.stderr.on('data', keep);
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  const url = await ready(child, () => tail, exited);
  const pid = child.pid ?? 0;
  return {
    url,
    token,
    rssMb: () => treeKb(pid, 'VmRSS') / 1024,
    peakRssMb: () => treeKb(pid, 'VmHWM') / 1024,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_MS);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    log: () => tail,
  };
}

async function ready(child: ChildProcess, log: () => string, exited: Promise<number>): Promise<string> {
  const deadline = Date.now() + READY_MS;
  let gone: number | null = null;
  void exited.then((code) => (gone = code));
  for (;;) {
    const url = /leadsync API on (http:\/\/\S+)/.exec(log())?.[1];
    if (url && /leadsync worker /.test(log())) return url;
    if (gone !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `leadsync serve ${gone !== null ? `exited ${String(gone)}` : 'never became ready'}: ${log().slice(-800)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A /proc/<pid>/status figure summed over the process and its descendants, so a launcher that
 * starts the service in a child process (a build step, a wrapper) is still measured whole.
 */
function treeKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  let total = 0;
  for (const p of [pid, ...descendants(pid)]) {
    const status = readOr(`/proc/${p}/status`);
    total += Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  }
  return total;
}

function descendants(pid: number): number[] {
  const children = readOr(`/proc/${pid}/task/${pid}/children`).split(/\s+/).filter(Boolean).map(Number);
  return children.flatMap((c) => [c, ...descendants(c)]);
}

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

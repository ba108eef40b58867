import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

/** GNU time: its `%M` is the kernel's ru_maxrss of the child, so no short peak is missed by polling. */
export const GNU_TIME = '/usr/bin/time';

export interface Measured {
  /** Spawn → exit, as seen by the harness. */
  wallMs: number;
  /** Peak resident set of the measured process, in MiB (ru_maxrss). */
  peakRssMb: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface MeasureOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Fed to the process's standard input, then closed. */
  input?: string;
}

/** Runs `command args…` under GNU time and reports wall time, peak RSS and output. */
export async function measure(
  command: string,
  args: string[],
  options: MeasureOptions = {},
): Promise<Measured> {
  const dir = await mkdtemp(path.join(tmpdir(), 'leadsync-bench-'));
  const rssFile = path.join(dir, 'rss');
  try {
    const child = spawn(GNU_TIME, ['-f', '%M', '-o', rssFile, command, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const started = performance.now();
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => stdout.push(b));
    child.stderr?.on('data', (b: Buffer) => stderr.push(b));
    child.stdin?.on('error', () => {}).end(options.input);
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
    const wallMs = performance.now() - started;
    // GNU time writes "Command exited with non-zero status N" before the figure when the child fails.
    const lines = (await readFile(rssFile, 'utf8').catch(() => '')).trim().split('\n');
    const rssKb = Number(lines.at(-1));
    return {
      wallMs,
      peakRssMb: Number.isFinite(rssKb) ? rssKb / 1024 : NaN,
      exitCode,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs a command to completion without timing it; throws with its stderr when it fails. */
export async function run(command: string, args: string[], options: MeasureOptions = {}): Promise<string> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => err.push(b));
  // A process may exit before reading its input: that is its answer, not the harness's error.
  child.stdin?.on('error', () => {}).end(options.input);
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  const stderr = Buffer.concat(err).toString('utf8').trim();
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`);
  return Buffer.concat(out).toString('utf8');
}

export interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** Median with min and max; NaN everywhere for no samples. */
export function stats(samples: readonly number[]): Stats {
  const s = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
  return { median, min: s[0] ?? NaN, max: s.at(-1) ?? NaN, n: s.length };
}

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

/** Nearest-rank percentiles: below 100 samples p99 is the max, which is the honest answer. */
export function percentiles(samples: readonly number[]): Percentiles {
  const s = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const rank = (p: number): number => s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
  return { p50: rank(50), p99: rank(99), max: s.at(-1) ?? NaN, n: s.length };
}

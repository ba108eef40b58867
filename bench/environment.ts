import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { REPO_ROOT } from './data.js';
import { GNU_TIME } from './measure.js';

/** Debian packages the bench needs at run time: the sqlite3 shell (baseline) and GNU time (peak RSS). */
export function ensureTools(): void {
  const missing: string[] = [];
  if (!onPath('sqlite3')) missing.push('sqlite3');
  if (!existsSync(GNU_TIME)) missing.push('time');
  if (missing.length === 0) return;
  console.error(`Installing Debian packages: ${missing.join(' ')}`);
  execFileSync('apt-get', ['update'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit' });
}

export function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface Environment {
  date: string;
  machine: string;
  node: string;
  sqliteShell: string;
  /** The SQLite library leadsync itself links (better-sqlite3's bundled copy). */
  sqliteEngine: string;
  postgres: string | null;
  commit: string;
  /** 1-minute load average when the bench started and when it ended. */
  load: string;
}

export function describeEnvironment(postgresVersion: string | null, loadAtStart: number): Environment {
  const cpus = os.cpus();
  const model = cpuModel() ?? cpus[0]?.model ?? 'unknown CPU';
  const memGiB = (os.totalmem() / 1024 ** 3).toFixed(1);
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: `${os.availableParallelism()} cores, ${memGiB} GiB, ${model}, ${os.type()} ${os.release()}`,
    node: process.version,
    sqliteShell: tryRun('sqlite3', ['--version']).split(' ')[0] ?? 'unknown',
    sqliteEngine: betterSqliteVersion(),
    postgres: postgresVersion,
    commit: gitCommit(),
    load: `${loadAtStart.toFixed(2)} at start, ${(os.loadavg()[0] ?? NaN).toFixed(2)} at end`,
  };
}

/** A busy machine makes every figure noisy: say so in the report rather than hide it. */
export function loadWarning(load: number): string | null {
  const cores = os.availableParallelism();
  return load > cores / 2
    ? `The machine was busy when the bench started (1-minute load average ${load.toFixed(2)} on ${cores} cores): figures are noisier and slower than on an idle machine.`
    : null;
}

function cpuModel(): string | null {
  const line = readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('model name'));
  return line?.split(':')[1]?.trim() ?? null;
}

function betterSqliteVersion(): string {
  try {
    const require = createRequire(`${REPO_ROOT}/package.json`);
    const pkg = require('better-sqlite3/package.json') as { version: string };
    const sqlite = tryRun(process.execPath, [
      '-e',
      "const D=require('better-sqlite3');process.stdout.write(new D(':memory:').prepare('select sqlite_version()').pluck().get())",
    ]);
    return `SQLite ${sqlite} (better-sqlite3 ${pkg.version})`;
  } catch {
    return 'unknown';
  }
}

function gitCommit(): string {
  const sha = tryRun('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = tryRun('git', ['status', '--porcelain', '--untracked-files=no']).length > 0;
  return sha ? `${sha}${dirty ? ' (with uncommitted changes)' : ''}` : 'unknown';
}

function tryRun(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}

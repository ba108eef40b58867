import { createHash, randomBytes } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * Test databases are named for the process that made them, so a test run killed before its
 * afterAll hooks (Ctrl-C, a CI timeout, kill -9) leaves names that say whose they were:
 *
 *   PostgreSQL  leadsync_t_<host>_<pid>_<unix seconds>_<random>
 *   SQLite      <tmp>/leadsync-t-<host>-<pid>-<unix seconds>-XXXXXX/
 *
 * The next test run (vitest's global setup) drops those whose process is gone. A name whose
 * process still runs is never touched, so the live databases of concurrent vitest workers —
 * of this run or of another checkout's — are safe; a name made on another host (a shared
 * server), whose processes cannot be seen from here, is dropped only after a day.
 */

/** Six hex digits of the host name: names stay short (PostgreSQL allows 63 bytes). */
export const HOST_TAG = createHash('sha1').update(hostname()).digest('hex').slice(0, 6);
const OTHER_HOST_MAX_AGE_S = 86_400;
/** A name younger than this is left alone whatever its process (clock steps, pid races). */
const MIN_AGE_S = 10;

const PG_NAME = /^leadsync_t_([0-9a-f]{6})_(\d+)_(\d+)_[0-9a-f]+$/;
const DIR_NAME = /^leadsync-t-([0-9a-f]{6})-(\d+)-(\d+)-/;

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A new PostgreSQL test database name for this process. */
export function testDatabaseName(): string {
  return `leadsync_t_${HOST_TAG}_${process.pid}_${nowSeconds()}_${randomBytes(3).toString('hex')}`;
}

/** The prefix for mkdtemp of a SQLite test database's folder. */
export function testDirPrefix(): string {
  return join(tmpdir(), `leadsync-t-${HOST_TAG}-${process.pid}-${nowSeconds()}-`);
}

export interface StaleOptions {
  /** Whether a process of this host runs. Default: signal 0. */
  isAlive?: (pid: number) => boolean;
  now?: number;
}

/** Whether the database or folder named by (host, pid, seconds) was left behind. */
export function isStale(host: string, pid: number, createdS: number, options: StaleOptions = {}): boolean {
  const age = (options.now ?? nowSeconds()) - createdS;
  if (age < MIN_AGE_S) return false;
  if (host !== HOST_TAG) return age > OTHER_HOST_MAX_AGE_S;
  return !(options.isAlive ?? processRuns)(pid);
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Drops the PostgreSQL test databases left behind (see the file comment); returns their names. */
export async function dropStalePostgresDatabases(
  adminUrl: string,
  options: StaleOptions = {},
): Promise<string[]> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'leadsync\\_t\\_%'`,
    );
    const stale = rows
      .map((r) => r.datname)
      .filter((name) => {
        const m = PG_NAME.exec(name);
        return m !== null && isStale(m[1]!, Number(m[2]), Number(m[3]), options);
      });
    for (const name of stale) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    return stale;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Removes the SQLite test folders left behind in `dir` (default the temp folder); returns their names. */
export async function removeStaleSqliteDirs(dir = tmpdir(), options: StaleOptions = {}): Promise<string[]> {
  const stale: string[] = [];
  for (const name of await readdir(dir)) {
    const m = DIR_NAME.exec(name);
    if (!m || !isStale(m[1]!, Number(m[2]), Number(m[3]), options)) continue;
    const path = join(dir, name);
    if (!(await stat(path).catch(() => null))?.isDirectory()) continue;
    await rm(path, { recursive: true, force: true });
    stale.push(name);
  }
  return stale;
}

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dropStalePostgresDatabases, removeStaleSqliteDirs } from './helpers/stale-databases.js';

/**
 * Tests spawn bin/leadsync.js, which runs the build in dist/server/: bring it up to date once
 * here (a no-op when current) so a build error shows once, not in whichever test spawns first.
 * bin/leadsync.js would rebuild a stale build by itself too; this only moves the cost up front.
 *
 * Then the test databases an earlier, killed run left behind are removed (only those whose
 * process is gone: see test/helpers/stale-databases.ts).
 */
export default async function globalSetup(): Promise<void> {
  const result = spawnSync(process.execPath, ['scripts/server-build.js', '--if-needed'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`the server build failed (exit ${String(result.status)})`);

  const dirs = await removeStaleSqliteDirs();
  const url = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  // PostgreSQL may be down: its tests then skip or fail on their own (helpers/databases.ts).
  const databases = await dropStalePostgresDatabases(url).catch(() => []);
  const removed = dirs.length + databases.length;
  if (removed > 0) console.info(`removed ${removed} test databases a killed test run left behind`);
}

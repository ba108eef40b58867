import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { TEST_POSTGRES_URL } from './helpers/postgres-server.js';
import { createPostgresTemplate } from './helpers/postgres-template.js';
import { dropStalePostgresDatabases, removeStaleSqliteDirs } from './helpers/stale-databases.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's migrated PostgreSQL template (helpers/postgres-template.ts), or null. */
    postgresTemplate: string | null;
  }
}

/**
 * Tests spawn bin/leadsync.js, which runs the build in dist/server/: bring it up to date once
 * here (a no-op when current) so a build error shows once, not in whichever test spawns first.
 * bin/leadsync.js would rebuild a stale build by itself too; this only moves the cost up front.
 *
 * Then the test databases an earlier, killed run left behind are removed (only those whose
 * process is gone: see test/helpers/stale-databases.ts), and the run's migrated PostgreSQL
 * template is made, to be dropped when the run ends.
 */
export default async function globalSetup(project: TestProject): Promise<() => Promise<void>> {
  const result = spawnSync(process.execPath, ['scripts/server-build.js', '--if-needed'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`the server build failed (exit ${String(result.status)})`);

  const dirs = await removeStaleSqliteDirs();
  // PostgreSQL may be down: its tests then skip or fail on their own (helpers/databases.ts).
  const databases = await dropStalePostgresDatabases(TEST_POSTGRES_URL).catch(() => null);
  const removed = dirs.length + (databases?.length ?? 0);
  if (removed > 0) console.info(`removed ${removed} test databases a killed test run left behind`);

  // PostgreSQL down: no template; its tests skip or fail on their own, as above.
  const template = databases === null ? null : await createPostgresTemplate().catch(() => null);
  project.provide('postgresTemplate', template?.name ?? null);
  return async () => {
    await template?.drop();
  };
}

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Tests spawn bin/leadsync.js, which runs the build in dist/server/: bring it up to date once
 * here (a no-op when current) so a build error shows once, not in whichever test spawns first.
 * bin/leadsync.js would rebuild a stale build by itself too; this only moves the cost up front.
 */
export default function buildServer(): void {
  const result = spawnSync(process.execPath, ['scripts/server-build.js', '--if-needed'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`the server build failed (exit ${String(result.status)})`);
}

// `npm start` runs this first: builds the dashboard (vite) when dist/web is missing or older than
// its sources, so a fresh clone's `npm ci && npm start` serves it. Quick no-op otherwise.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newest, withLock } from './build-support.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist/web/index.html');

const fresh = () => {
  const builtAt = newest(built);
  return (
    builtAt > 0 && builtAt >= Math.max(newest(join(root, 'web')), newest(join(root, 'src/api/schemas.ts')))
  );
};
if (fresh()) process.exit(0);

// Test files run in parallel and may all ask for a build: one builds, the others wait for it.
mkdirSync(join(root, 'dist'), { recursive: true });
const status = withLock(join(root, 'dist/.web-build-lock'), () => {
  if (fresh()) return 0;
  console.log(
    newest(built) === 0
      ? 'Building the dashboard (dist/web is missing)…'
      : 'Rebuilding the dashboard (sources changed)…',
  );
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: root,
      stdio: 'inherit',
      // A test runner's NODE_ENV=test would otherwise give React's development build.
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  return result.status ?? 1;
});
process.exit(status);

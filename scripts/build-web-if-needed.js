// `npm start` runs this first: builds the dashboard (vite) when dist/web is missing or older than
// its sources, so a fresh clone's `npm ci && npm start` serves it. Quick no-op otherwise.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist/web/index.html');

/** Newest modification time of a file or of any file under a folder. */
function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const fresh = () => {
  const builtAt = newest(built);
  return (
    builtAt > 0 && builtAt >= Math.max(newest(join(root, 'web')), newest(join(root, 'src/api/schemas.ts')))
  );
};
if (fresh()) process.exit(0);

// Test files run in parallel and may all ask for a build: one builds, the others wait for it.
const lock = join(root, 'dist/.web-build-lock');
mkdirSync(join(root, 'dist'), { recursive: true });
const until = Date.now() + 120_000;
for (;;) {
  try {
    mkdirSync(lock);
    break;
  } catch {
    if (Date.now() > until) rmSync(lock, { recursive: true, force: true });
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
}
let status = 0;
try {
  if (!fresh()) {
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
    status = result.status ?? 1;
  }
} finally {
  rmSync(lock, { recursive: true, force: true });
}
process.exit(status);

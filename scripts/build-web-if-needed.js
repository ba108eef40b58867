// `npm start` runs this first: builds the dashboard (vite) when dist/web is missing or older than
// its sources, so a fresh clone's `npm ci && npm start` serves it. Quick no-op otherwise.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
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

const builtAt = newest(built);
const sourcesAt = Math.max(newest(join(root, 'web')), newest(join(root, 'src/api/schemas.ts')));
if (builtAt > 0 && builtAt >= sourcesAt) process.exit(0);

console.log(
  builtAt === 0
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
  },
);
process.exit(result.status ?? 1);

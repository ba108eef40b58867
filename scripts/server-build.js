// The server's build: src/**/*.ts → plain JavaScript in dist/server/ (dist/web is the dashboard),
// one file per source file in the same folders, with source maps. `leadsync` then starts on Node
// alone: through the tsx loader every start cost ~0.5 s more and ~50 MB. esbuild only strips the
// types (~0.2 s for all of src/); `npm run typecheck` is what checks them.
//
//   node scripts/server-build.js              build now (`npm ci` runs it as the prepare script)
//   node scripts/server-build.js --if-needed  only when src/ changed since the last build (npm start)
//
// bin/leadsync.js imports ensureServerBuild() from here, so it costs one stat walk of src/ (~2 ms).
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newest, withLock } from './build-support.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = 'dist/server';
/** Written last; its time is when that build started, so an edit made during a build counts as newer. */
const STAMP = '.built';
/** What the output depends on: the sources, and the options (tsconfig.json, this file). */
const INPUTS = ['src', 'tsconfig.json', 'scripts/server-build.js'];

/** True when dist/server was built from the sources as they are now. */
export function serverBuildIsCurrent(root = ROOT) {
  const builtAt = newest(join(root, OUT, STAMP));
  return builtAt > 0 && builtAt >= Math.max(...INPUTS.map((input) => newest(join(root, input))));
}

/** Builds dist/server from src/ now and returns how many files it wrote. */
export function buildServer(root = ROOT) {
  return locked(root, () => build(root));
}

/** Builds when stale; returns the files written (0 when it was current). */
export function buildServerIfNeeded(root = ROOT) {
  if (serverBuildIsCurrent(root)) return 0;
  return locked(root, () => (serverBuildIsCurrent(root) ? 0 : build(root)));
}

/** Parallel test files or processes may all find the build stale: one builds, the others wait. */
function locked(root, fn) {
  mkdirSync(join(root, 'dist'), { recursive: true });
  return withLock(join(root, 'dist', '.server-build-lock'), fn);
}

/**
 * The build goes to a new folder that then replaces the old one, so no process ever imports half
 * of a build.
 */
function build(root) {
  const startedAt = new Date();
  const src = join(root, 'src');
  const out = join(root, OUT);
  const next = `${out}.next`;
  const old = `${out}.old`;
  const entryPoints = readdirSync(src, { recursive: true })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => join(src, file));
  rmSync(next, { recursive: true, force: true });
  loadEsbuild().buildSync({
    absWorkingDir: root,
    entryPoints,
    outbase: src,
    outdir: next,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Stack traces point at src/*.ts (bin/leadsync.js turns source maps on); the sources are
    // beside the maps, so they are not copied into them.
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
  });
  const stamp = join(next, STAMP);
  writeFileSync(stamp, '');
  utimesSync(stamp, startedAt, startedAt);
  rmSync(old, { recursive: true, force: true });
  if (existsSync(out)) renameSync(out, old);
  renameSync(next, out);
  rmSync(old, { recursive: true, force: true });
  return entryPoints.length;
}

/**
 * For bin/leadsync.js: rebuilds, silently, when src/ changed since the last build, so the command
 * always runs the current source. Without esbuild (an install without dev dependencies) an
 * existing build is used as it is.
 */
export function ensureServerBuild(root = ROOT) {
  if (serverBuildIsCurrent(root)) return;
  if (!hasEsbuild() && existsSync(join(root, OUT, 'cli', 'main.js'))) return;
  buildServerIfNeeded(root);
}

const require = createRequire(import.meta.url);

function hasEsbuild() {
  try {
    require.resolve('esbuild');
    return true;
  } catch {
    return false;
  }
}

function loadEsbuild() {
  if (!hasEsbuild())
    throw new Error(
      'leadsync is not built (dist/server/) and esbuild, a dev dependency, is not installed: run npm ci',
    );
  return require('esbuild');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const files = process.argv.includes('--if-needed') ? buildServerIfNeeded() : buildServer();
  if (files > 0) console.log(`Built the server into ${OUT}/ (${files} files, ${Date.now() - started} ms).`);
}

// What the two builds (dashboard and server) share: is the output older than its sources, and
// one build at a time when parallel test files or processes all find it stale.
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Newest modification time of a file, or of a folder and anything under it (0 when missing).
 * Folders count too: deleting or adding a file changes its folder's time, not any file's.
 */
export function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/**
 * Runs `fn` holding the lock folder `lock` (mkdir is atomic): the others wait for it, then find
 * the work done. After two minutes of waiting the lock is taken as left by a killed build.
 */
export function withLock(lock, fn) {
  const until = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (Date.now() > until) rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './measure.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..');
export const DATA_DIR = path.join(REPO_ROOT, 'bench', '.data');
/** The shared generator; the bench is meaningless without it, so it is not copied into the repo. */
export const GENERATOR = path.resolve(REPO_ROOT, '..', 'shared', 'bench', 'gen-leads-csv.js');

export interface Dataset {
  rows: number;
  /** The sheet as first synced. */
  base: string;
  /** Same Lead IDs, Status/Score/Notes changed on exactly rows/100 rows (i % 100 === 0). */
  mutated: string;
  baseBytes: number;
}

/** Lead IDs that `--mutate` changes: row i is `LD-` + (i + 1) padded to 8 digits, for i % 100 === 0. */
export function mutatedLeadIds(rows: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < rows; i += 100) ids.push('LD-' + String(i + 1).padStart(8, '0'));
  return ids;
}

/**
 * Generates (or reuses) both CSV files of a size. A file is reused only when its sidecar names
 * the same generator content, so an edited generator never leaves stale data behind.
 */
export async function ensureDataset(rows: number): Promise<Dataset> {
  if (!existsSync(GENERATOR)) throw new Error(`benchmark data generator not found at ${GENERATOR}`);
  await mkdir(DATA_DIR, { recursive: true });
  const generatorHash = createHash('sha1')
    .update(await readFile(GENERATOR))
    .digest('hex');
  const base = path.join(DATA_DIR, `leads-${rows}.csv`);
  const mutated = path.join(DATA_DIR, `leads-${rows}-1pct.csv`);
  await Promise.all([
    ensureFile(base, rows, false, generatorHash),
    ensureFile(mutated, rows, true, generatorHash),
  ]);
  return { rows, base, mutated, baseBytes: (await stat(base)).size };
}

async function ensureFile(file: string, rows: number, mutate: boolean, generatorHash: string): Promise<void> {
  const meta = `${file}.meta.json`;
  const wanted = JSON.stringify({ rows, mutate, generatorHash });
  if (existsSync(file) && (await readFile(meta, 'utf8').catch(() => '')) === wanted) return;
  const partial = `${file}.partial`;
  const started = Date.now();
  await run(process.execPath, [GENERATOR, String(rows), partial, ...(mutate ? ['--mutate'] : [])]);
  await rename(partial, file);
  await writeFile(meta, wanted);
  console.error(`  generated ${path.basename(file)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

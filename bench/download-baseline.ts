import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './data.js';
import { measure } from './measure.js';

/** What the download floor measures, for the report. */
export const DOWNLOAD_LABEL = 'download + SHA-1';

export interface DownloadSample {
  /** Request → digest inside the process: comparable with a run's durationMs (no start-up). */
  runMs: number;
  /** Spawn → exit: comparable with a sync's process time. */
  wallMs: number;
  peakRssMb: number;
}

const SCRIPT = path.join(REPO_ROOT, 'bench', 'download-sha1.js');

/**
 * The floor of an unchanged re-sync: the same body from the same export server (same chunking),
 * hashed as it streams, in a fresh `node` process. A digest that differs from the file's means the
 * server did not serve the file the syncs get, and the figure is refused.
 */
export async function measureDownload(exportUrl: string, expectedSha1: string): Promise<DownloadSample> {
  const m = await measure(process.execPath, [SCRIPT, exportUrl], { cwd: REPO_ROOT });
  const out = (m.exitCode === 0 ? JSON.parse(m.stdout) : null) as { ms: number; sha1: string } | null;
  if (!out) throw new Error(`download + SHA-1 exited ${m.exitCode}: ${m.stderr.slice(0, 500)}`);
  if (out.sha1 !== expectedSha1)
    throw new Error(`download + SHA-1: got ${out.sha1}, the file is ${expectedSha1}`);
  return { runMs: out.ms, wallMs: m.wallMs, peakRssMb: m.peakRssMb };
}

/** SHA-1 of a file, streamed. */
export async function sha1OfFile(file: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The URL the sync fetches for a spreadsheet, as the export server answers it. */
export const exportUrl = (baseUrl: string, spreadsheetId: string): string =>
  `${baseUrl}/spreadsheets/d/${spreadsheetId}/export?format=csv&gid=0`;

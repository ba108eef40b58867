import { toLeadsyncError } from '../errors.js';
import { retryDelayMs, shouldRetry } from '../sources/backoff.js';
import { downloadFraction } from '../sources/download-progress.js';
import type { SheetSource, Validators } from '../sources/types.js';
import { spoolBody, type SpooledBody } from './body-spool.js';
import type { SyncDeps } from './engine.js';
import type { ProgressTracker } from './progress.js';
import { sleep as realSleep } from './sleep.js';

export interface DownloadInput {
  source: SheetSource;
  progress: ProgressTracker;
  /** Used to estimate download progress when the server sends no Content-Length. */
  previousBytes: number | null;
  signal?: AbortSignal | undefined;
  /** Called before each retry (the run counts them, also when it fails in the end). */
  onRetry?: () => void;
  /** The last successful run's ETag / Last-Modified: asked for conditionally, a 304 is `not_modified`. */
  ifChanged?: Validators;
}

/** The source answered 304 to a conditional request: nothing was downloaded. */
export const NOT_MODIFIED = Symbol('not modified');

/**
 * Downloads the sheet whole, retrying transient failures (a 5xx, a 429, a body cut off) with
 * backoff. A failure mid-body discards what came; each attempt starts over.
 */
export async function downloadBody(
  deps: SyncDeps,
  input: DownloadInput,
): Promise<SpooledBody | typeof NOT_MODIFIED> {
  const { config } = deps;
  const { progress, signal } = input;
  for (let retries = 0; ; retries++) {
    try {
      progress.update('fetching', 0, `Downloading from ${input.source.describe()}`);
      const opened = await input.source.open({
        signal,
        ...(input.ifChanged ? { ifChanged: input.ifChanged } : {}),
      });
      if (opened.kind === 'not_modified') return NOT_MODIFIED;
      const body = await spoolBody(opened, {
        maxBytes: config.fetch.maxBytes,
        signal,
        onBytes: (bytes) =>
          progress.update(
            'fetching',
            Math.min(downloadFraction(opened, bytes, input.previousBytes) ?? 0, 0.99),
            `Downloaded ${bytes.toLocaleString('en')} bytes`,
          ),
      });
      return body;
    } catch (caught) {
      const error = toLeadsyncError(caught);
      if (signal?.aborted || !shouldRetry(error, retries, config.fetch.retries)) throw error;
      input.onRetry?.();
      const delay = retryDelayMs(
        retries + 1,
        error,
        { baseMs: config.fetch.retryBaseMs, maxMs: config.fetch.retryMaxMs },
        deps.random ?? Math.random,
      );
      progress.update(
        'fetching',
        0,
        `${error.code}: retry ${retries + 1} of ${config.fetch.retries} in ${Math.round(delay / 100) / 10} s`,
      );
      await (deps.sleep ?? realSleep)(delay, signal);
    }
  }
}

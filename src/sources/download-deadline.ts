import { LeadsyncError } from '../errors.js';

export interface DownloadDeadline {
  /** Aborts when the deadline passes (reason SHEET_DOWNLOAD_TIMEOUT) or when the caller's signal does. */
  signal: AbortSignal;
  /** Stops the clock (the download ended, or failed otherwise). Safe to call twice. */
  clear(): void;
}

/**
 * A whole-download deadline (config.fetch.deadlineMs), from the request to the body's last byte.
 * The idle timeout alone let a server sending one byte every 5 s hold a worker slot for 25
 * minutes; this bounds an attempt however the bytes trickle. It works through the abort signal
 * the HTTP client already honours, so a download in any phase (connecting, waiting for headers,
 * streaming) fails with the deadline's own code. The timer is unref'd: an abandoned body must
 * not keep the process alive.
 */
export function startDeadline(ms: number, what: string, signal?: AbortSignal): DownloadDeadline {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(
      new LeadsyncError('SHEET_DOWNLOAD_TIMEOUT', `The download of ${what} took longer than ${ms} ms`, {
        details: { deadlineMs: ms },
      }),
    );
  }, ms);
  timer.unref();
  return {
    signal: signal ? AbortSignal.any([signal, controller.signal]) : controller.signal,
    clear: () => clearTimeout(timer),
  };
}

/** Yields `chunks` and stops `deadline` once they end, fail or are abandoned. */
export async function* untilDone(
  chunks: AsyncIterable<Uint8Array>,
  deadline: DownloadDeadline,
): AsyncGenerator<Uint8Array> {
  try {
    yield* chunks;
  } finally {
    deadline.clear();
  }
}

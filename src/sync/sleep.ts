import { LeadsyncError } from '../errors.js';

/** Waits `ms`, or rejects with SYNC_CANCELLED as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new LeadsyncError('SYNC_CANCELLED'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new LeadsyncError('SYNC_CANCELLED'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

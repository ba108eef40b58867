import type { SyncEvent, SyncStatus } from './api-types.js';
import type { Http } from './http-client.js';
import { LeadsApiError } from './leads-api-error.js';
import { readEventStream } from './sse-stream.js';

/** First reconnect delay after the stream drops; doubled per failure up to RETRY_MAX_MS. */
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 15_000;

export interface Subscription {
  close(): void;
}

export interface SubscribeOptions {
  /** Called when the stream fails (it reconnects by itself unless the error is 401/404). */
  onError?: (error: LeadsApiError) => void;
  /** Called each time the stream is (re)connected. */
  onOpen?: () => void;
}

/**
 * Follows `GET /api/leads/sync/events` and reconnects with backoff, so a restart of the service
 * does not leave a dashboard silently stale. 401 and 404 end the subscription (retrying cannot help).
 */
export function subscribe(
  http: Http,
  customerId: string | undefined,
  onEvent: (event: SyncEvent) => void,
  options: SubscribeOptions = {},
): Subscription {
  const abort = new AbortController();
  const url = http.url('/api/leads/sync/events', { customerId });
  let delay = RETRY_MIN_MS;

  const dispatch = (event: string, data: string) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) return;
    if (event === 'status') {
      const status = parsed as SyncStatus;
      onEvent({ type: 'status', customerId: status.customerId, status });
    } else onEvent(parsed as SyncEvent);
  };

  void (async () => {
    while (!abort.signal.aborted) {
      try {
        await readEventStream(
          http.fetchFn,
          url,
          http.headers,
          abort.signal,
          (m) => dispatch(m.event, m.data),
          () => {
            delay = RETRY_MIN_MS;
            options.onOpen?.();
          },
        );
      } catch (caught) {
        if (abort.signal.aborted) return;
        const error =
          caught instanceof LeadsApiError
            ? caught
            : new LeadsApiError('NETWORK_ERROR', 0, `Events stream lost: ${(caught as Error).message}`);
        options.onError?.(error);
        if (error.status === 401 || error.status === 404) return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    }
  })();
  return { close: () => abort.abort() };
}

import { httpRequest } from '../sources/http-get.js';
import { createUrlGuard } from '../sources/ssrf.js';
import { toLeadsyncError } from '../errors.js';
import { signPayload } from './signature.js';
import type { WebhookBody } from '../events/event-types.js';

/** How one POST went: a status (any) or an error (network, timeout, refused by the SSRF rules). */
export interface SendResult {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  ok: boolean;
}

/** Sends one signed event to a URL; the I/O edge of deliveries, swappable in tests. */
export type WebhookSend = (url: string, secret: string, body: WebhookBody) => Promise<SendResult>;

/**
 * The real sender: a POST through the sources' HTTP client with the SSRF guard on every
 * connection (a name that resolves to a private address is refused at connect time), no
 * redirects, and the CONTRACT.md headers. The clock only times the attempt.
 */
export function createWebhookSender(options: {
  allowHosts: readonly string[];
  timeoutMs: number;
  clock: () => Date;
}): WebhookSend {
  const guard = createUrlGuard({ allowHosts: options.allowHosts });
  return async (url, secret, body) => {
    const started = performance.now();
    const rawBody = JSON.stringify(body);
    const timestamp = Math.floor(options.clock().getTime() / 1000);
    try {
      const target = new URL(url);
      guard.check(target);
      const res = await httpRequest(target, {
        method: 'POST',
        body: rawBody,
        timeoutMs: options.timeoutMs,
        lookupFor: (u) => guard.lookupFor(u),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'leadsync-webhooks',
          'x-leadsync-event': body.type,
          'x-leadsync-delivery': body.id,
          'x-leadsync-timestamp': String(timestamp),
          'x-leadsync-signature': signPayload(secret, timestamp, rawBody),
        },
      });
      res.discard();
      const ok = res.status >= 200 && res.status < 300;
      const latencyMs = performance.now() - started;
      return {
        statusCode: res.status,
        latencyMs,
        ok,
        error: ok ? null : `The receiver answered ${res.status}`,
      };
    } catch (caught) {
      const error = toLeadsyncError(caught);
      return {
        statusCode: null,
        latencyMs: performance.now() - started,
        ok: false,
        error: `${error.code}: ${error.message}`,
      };
    }
  };
}

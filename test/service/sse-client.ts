import { request } from 'node:http';

/** One Server-Sent Event as received: its `event:` name and its `data:` parsed as JSON. */
export interface ReceivedEvent {
  event: string;
  data: Record<string, unknown>;
}

export interface EventStream {
  status: number;
  contentType: string | null;
  /** Every event so far, oldest first. */
  events: ReceivedEvent[];
  close(): void;
}

/**
 * Opens `url` as an SSE stream over real HTTP and collects its events until closed. On a
 * connection of its own (node:http, no agent), not fetch's pool, so close() ends exactly this
 * connection: undici opens a spare one when a streamed request is aborted (the server's close
 * no longer waits for such a connection, src/api/close-unused-connections.ts, but a test should
 * not leave one behind).
 */
export function openEventStream(url: string, token: string): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, agent: false },
      (res) => {
        const events: ReceivedEvent[] = [];
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            // Comment lines (keep-alives) carry neither.
            if (event !== undefined && data !== undefined)
              events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
          }
        });
        // Closed by close(), or by the server.
        res.on('error', () => {});
        const type = res.headers['content-type'];
        resolve({
          status: res.statusCode ?? 0,
          contentType: typeof type === 'string' ? type : null,
          events,
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

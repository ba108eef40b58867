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

/** Opens `url` as an SSE stream over real HTTP and collects its events until closed. */
export async function openEventStream(url: string, token: string): Promise<EventStream> {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const events: ReceivedEvent[] = [];
  if (res.body) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            // Comment lines (keep-alives) carry neither.
            if (event !== undefined && data !== undefined)
              events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
          }
        }
      } catch {
        // Aborted by close().
      }
    })();
  }
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    events,
    close: () => controller.abort(),
  };
}

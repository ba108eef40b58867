import { createParser } from 'eventsource-parser';
import { errorFromResponse, LeadsApiError } from './leads-api-error.js';

export interface SseMessage {
  event: string;
  data: string;
}

/**
 * Reads a text/event-stream over fetch and calls `onMessage` per event until `signal` aborts.
 * fetch rather than EventSource in the browser too, because EventSource cannot send the
 * Authorization header the API requires (and Node 20 has no EventSource at all).
 */
export async function readEventStream(
  fetchFn: typeof fetch,
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  onMessage: (message: SseMessage) => void,
  onOpen?: () => void,
): Promise<void> {
  const response = await fetchFn(url, { headers: { ...headers, accept: 'text/event-stream' }, signal });
  if (!response.ok) throw await errorFromResponse(response);
  if (!response.body) throw new LeadsApiError('NETWORK_ERROR', 0, 'The events stream has no body');
  onOpen?.();
  // eventsource-parser implements the WHATWG parsing rules (CR, LF and CRLF lines, `data` lines
  // joined, comments and data-less blocks dropped); our events all have a name.
  const parser = createParser({
    onEvent: (message) => onMessage({ event: message.event ?? 'message', data: message.data }),
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    parser.feed(value);
  }
}

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
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const message = parseBlock(block);
      if (message) onMessage(message);
    }
  }
}

/** One event block; comments (`: keep-alive`) and blocks without data give null. */
export function parseBlock(block: string): SseMessage | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length === 0 ? null : { event, data: data.join('\n') };
}

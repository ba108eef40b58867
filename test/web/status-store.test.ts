import { describe, expect, it } from 'vitest';
import { readEventStream, type SseMessage } from '../../web/client/sse-stream.js';
import { StatusStore } from '../../web/src/status-store.js';
import { statusFixture } from './fake-api.js';

describe('status store (what keeps 1,000 rows cheap)', () => {
  const progress = (percent: number) => ({ percent, phase: 'applying', message: `batch ${percent}` });

  it('tells only the customer concerned about a progress event, and the table only when its word changes', () => {
    const store = new StatusStore();
    store.load([statusFixture('a'), statusFixture('b')]);
    const calls = { a: 0, b: 0, list: 0 };
    store.subscribe('a', () => calls.a++);
    store.subscribe('b', () => calls.b++);
    store.subscribeList(() => calls.list++);
    store.progress('a', progress(10));
    expect(store.get('a')).toMatchObject({ status: 'running', isRunning: true, progress: { percent: 10 } });
    expect(calls).toEqual({ a: 1, b: 0, list: 1 });
    for (const p of [20, 30, 40]) store.progress('a', progress(p));
    expect(calls).toEqual({ a: 4, b: 0, list: 1 });
    store.set(statusFixture('a', { status: 'error', lastError: 'x', lastErrorCode: 'SHEET_NOT_PUBLIC' }));
    expect(calls).toEqual({ a: 5, b: 0, list: 2 });
  });

  it('ignores progress for a customer it does not know, and forgets deleted ones', () => {
    const store = new StatusStore();
    store.progress('ghost', progress(5));
    expect(store.get('ghost')).toBeUndefined();
    store.load([statusFixture('a')]);
    store.remove('a');
    expect(store.all()).toEqual([]);
  });
});

describe('Server-Sent Events reading', () => {
  /** A fetch that answers with `chunks` as a text/event-stream body. */
  const streaming = (chunks: string[]): typeof fetch => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    return () => Promise.resolve(new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
  };

  it('reads the event name and joins data lines; comments and data-less blocks are no event', async () => {
    const messages: SseMessage[] = [];
    const chunks = [
      'event: progress\ndata: {"a"',
      ':1}\n\n',
      ': keep-alive\n\n',
      'data: one\r\ndata: two\r\n\r\n',
    ];
    await readEventStream(
      streaming([...chunks, 'event: status\n\n']),
      'http://leadsync.test/events',
      {},
      new AbortController().signal,
      (m) => messages.push(m),
    );
    expect(messages).toEqual([
      { event: 'progress', data: '{"a":1}' },
      { event: 'message', data: 'one\ntwo' },
    ]);
  });
});

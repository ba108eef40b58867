import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LeadsyncError } from '../../src/errors.js';
import { httpGet } from '../../src/sources/http-get.js';
import { startFakeGoogle, type FakeGoogle } from '../fake-google/server.js';
import { collect, leadsCsv, rejection } from './support.js';

let fake: FakeGoogle;
let other: FakeGoogle;
beforeAll(async () => {
  [fake, other] = await Promise.all([startFakeGoogle(), startFakeGoogle()]);
});
afterAll(async () => {
  await Promise.all([fake.close(), other.close()]);
});
beforeEach(() => {
  fake.clearFaults();
  fake.requests.length = 0;
  other.requests.length = 0;
});

async function bodyOf(url: string, timeoutMs = 2000, signal?: AbortSignal): Promise<string> {
  const res = await httpGet(url, { timeoutMs, ...(signal ? { signal } : {}) });
  return Buffer.concat(await collect(res.body)).toString('utf8');
}

describe('httpGet', () => {
  it('streams a chunked body to its end', async () => {
    const csv = leadsCsv(3000);
    fake.setFile('/big.csv', csv);
    const res = await httpGet(`${fake.baseUrl}/big.csv`, { timeoutMs: 2000 });
    expect(res.status).toBe(200);
    expect(res.contentLength).toBeNull();
    const chunks = await collect(res.body);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(csv);
  });

  it('reports Content-Length when the server sends one', async () => {
    fake.setFile('/sized.csv', 'a,b\n1,2\n', { contentLength: true });
    const res = await httpGet(`${fake.baseUrl}/sized.csv`, { timeoutMs: 2000 });
    expect(res.contentLength).toBe(8);
    res.discard();
  });

  it('follows redirects, checking each target, and reports the final URL', async () => {
    fake.setFile('/final.csv', 'x\n1\n');
    fake.setRedirect('/hop2', '/final.csv', 308);
    fake.setRedirect('/hop1', `${fake.baseUrl}/hop2`, 301);
    const seen: string[] = [];
    const res = await httpGet(`${fake.baseUrl}/hop1`, {
      timeoutMs: 2000,
      onRedirect: (target, _from, status) => void seen.push(`${status} ${target.pathname}`),
    });
    expect(res.url.pathname).toBe('/final.csv');
    expect(seen).toEqual(['301 /hop2', '308 /final.csv']);
    res.discard();
  });

  it('does not follow a redirect the callback refuses', async () => {
    fake.setRedirect('/to-private', 'http://10.0.0.1/leads.csv', 302);
    const refusal = new LeadsyncError('SOURCE_FORBIDDEN');
    const error = await rejection(
      httpGet(`${fake.baseUrl}/to-private`, {
        timeoutMs: 2000,
        onRedirect: () => {
          throw refusal;
        },
      }),
      'SOURCE_FORBIDDEN',
    );
    expect(error).toBe(refusal);
  });

  it('gives up after maxRedirects', async () => {
    fake.setRedirect('/loop', '/loop', 302);
    await rejection(
      httpGet(`${fake.baseUrl}/loop`, { timeoutMs: 2000, maxRedirects: 3 }),
      'SHEET_BAD_REQUEST',
    );
    expect(fake.requests).toHaveLength(4);
  });

  it('drops the Authorization header on a redirect to another origin', async () => {
    other.setFile('/elsewhere.csv', 'a\n');
    fake.setRedirect('/away', `${other.baseUrl}/elsewhere.csv`, 307);
    fake.setRedirect('/same', '/away', 307);
    const res = await httpGet(`${fake.baseUrl}/same`, {
      timeoutMs: 2000,
      headers: { Authorization: 'Bearer secret' },
    });
    res.discard();
    expect(fake.requests.map((r) => r.headers.authorization)).toEqual(['Bearer secret', 'Bearer secret']);
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('fails with SHEET_TRUNCATED when the connection dies mid-body (chunked)', async () => {
    fake.setFile('/cut.csv', leadsCsv(500));
    fake.fault('/cut.csv', { resetAfterBytes: 1000 });
    const error = await rejection(bodyOf(`${fake.baseUrl}/cut.csv`), 'SHEET_TRUNCATED');
    expect(error.retryable).toBe(true);
  });

  it('fails with SHEET_TRUNCATED when fewer bytes than Content-Length arrive', async () => {
    fake.setFile('/cut-sized.csv', leadsCsv(500), { contentLength: true });
    fake.fault('/cut-sized.csv', { resetAfterBytes: 1000 });
    const error = await rejection(bodyOf(`${fake.baseUrl}/cut-sized.csv`), 'SHEET_TRUNCATED');
    expect(error.details).toMatchObject({ expectedBytes: Buffer.byteLength(leadsCsv(500)) });
  });

  it('fails with SHEET_TIMEOUT when the body stalls', async () => {
    fake.setFile('/stall.csv', leadsCsv(100));
    fake.fault('/stall.csv', { stallAfterBytes: 100 });
    // A stalled body never ends on its own: the rejection itself shows the timeout fired.
    const error = await rejection(bodyOf(`${fake.baseUrl}/stall.csv`, 150), 'SHEET_TIMEOUT');
    expect(error.retryable).toBe(true);
  });

  it('lets a slow body through as long as bytes keep coming', async () => {
    const csv = leadsCsv(40);
    const total = Buffer.byteLength(csv);
    fake.setFile('/slow.csv', csv);
    fake.fault('/slow.csv', { slowBody: { chunkBytes: 50, delayMs: 40 } });
    // Timers are the test's (the fake's 40 ms gaps and the 150 ms idle timer alike); sockets stay
    // real. Time moves 40 ms only once the bytes written so far are in and the reader waits
    // again: 35 gaps, 1.4 s in all, past the timeout, and no silence over 40 ms however slow the
    // machine.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const res = await httpGet(`${fake.baseUrl}/slow.csv`, { timeoutMs: 150 });
      let received = 0;
      let settled = false;
      const reading = (async () => {
        const parts: Uint8Array[] = [];
        for await (const chunk of res.body) {
          parts.push(chunk);
          received += chunk.length;
        }
        return Buffer.concat(parts).toString('utf8');
      })().finally(() => (settled = true));
      const arrived = async (bytes: number) => {
        while (received < bytes && !settled) await new Promise((resolve) => setImmediate(resolve));
      };
      let movedMs = 0;
      await arrived(50);
      while (received < total && !settled) {
        const next = Math.min(total, received + 50);
        await vi.advanceTimersByTimeAsync(40);
        movedMs += 40;
        await arrived(next);
      }
      // The end comes after one more gap.
      await vi.advanceTimersByTimeAsync(40);
      expect(await reading).toBe(csv);
      expect(movedMs).toBeGreaterThan(1000);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not count a slow consumer as a stalled server', async () => {
    fake.setFile('/consumer.csv', leadsCsv(3000));
    const res = await httpGet(`${fake.baseUrl}/consumer.csv`, { timeoutMs: 100 });
    let bytes = 0;
    for await (const chunk of res.body) {
      bytes += chunk.length;
      if (bytes === chunk.length) await new Promise((r) => setTimeout(r, 250));
    }
    expect(bytes).toBe(Buffer.byteLength(leadsCsv(3000)));
  });

  it('fails with SHEET_TIMEOUT when no response headers arrive in time', async () => {
    const silent = await listen(createServer(() => {}));
    try {
      await rejection(httpGet(`${silent.url}/x`, { timeoutMs: 100 }), 'SHEET_TIMEOUT');
    } finally {
      silent.server.closeAllConnections();
      silent.server.close();
    }
  });

  it('fails with SHEET_UNAVAILABLE when nothing listens', async () => {
    const closed = await listen(createServer());
    closed.server.close();
    const error = await rejection(httpGet(`${closed.url}/x`, { timeoutMs: 1000 }), 'SHEET_UNAVAILABLE');
    expect(error.details).toMatchObject({ networkError: 'ECONNREFUSED' });
  });

  it('stops when the signal aborts, before or during the body', async () => {
    await rejection(
      httpGet(`${fake.baseUrl}/x`, { timeoutMs: 1000, signal: AbortSignal.abort() }),
      'SYNC_CANCELLED',
    );
    fake.setFile('/abort.csv', leadsCsv(100));
    fake.fault('/abort.csv', { stallAfterBytes: 50 });
    const controller = new AbortController();
    // During: the response is in and its body stalled when the signal aborts.
    const res = await httpGet(`${fake.baseUrl}/abort.csv`, { timeoutMs: 5000, signal: controller.signal });
    const reading = collect(res.body);
    controller.abort();
    await rejection(reading, 'SYNC_CANCELLED');
  });

  it('passes a LeadsyncError abort reason through', async () => {
    const reason = new LeadsyncError('SYNC_PAUSED');
    await rejection(
      httpGet(`${fake.baseUrl}/x`, { timeoutMs: 1000, signal: AbortSignal.abort(reason) }),
      'SYNC_PAUSED',
    );
  });
});

async function listen(server: Server): Promise<{ server: Server; url: string }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.js';
import { ADMIN_TOKEN, startHarness, type Harness } from './harness.js';
import { listenOnLoopback } from './raw-http.js';

/** What the server did with a connection that trickles its request: what it answered, and when it closed. */
interface Trickled {
  answer: string;
  answeredAfterMs: number | null;
  closedAfterMs: number;
}

/**
 * Sends `head` at once, then `trickle` one byte every `everyMs`, until the server closes the
 * connection (or `giveUpMs`, which fails the test's expectations).
 */
function trickle(
  port: number,
  head: string,
  trickle: string,
  everyMs: number,
  giveUpMs: number,
): Promise<Trickled> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let answeredAfterMs: number | null = null;
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < trickle.length && !socket.destroyed) socket.write(trickle[sent++]!);
    }, everyMs);
    const giveUp = setTimeout(() => socket.destroy(), giveUpMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answeredAfterMs ??= performance.now() - started;
      answer += chunk;
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ answer, answeredAfterMs, closedAfterMs: performance.now() - started });
    });
    socket.write(head);
  });
}

const body = '{"name":"Slow","sheetUrl":"https://example.com/slow.csv"}'.padEnd(400, ' ');
const post = (auth: string) =>
  `POST /api/customers HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n` +
  `content-length: ${body.length}\r\n${auth}\r\n`;

describeEachDialect('request timeouts over real HTTP', (dialect) => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness(dialect, {
      LEADSYNC_REQUEST_TIMEOUT_MS: '2000',
      LEADSYNC_HEADERS_TIMEOUT_MS: '500',
    });
    port = await listenOnLoopback(h.app);
  });
  afterAll(async () => h?.close());

  it('closes a connection whose headers trickle in, after the headers timeout', async () => {
    const r = await trickle(
      port,
      'GET /healthz HTTP/1.1\r\nHost: x\r\n',
      'x-slow: '.padEnd(200, 'a'),
      100,
      8000,
    );
    expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(450);
    expect(r.closedAfterMs).toBeLessThan(2000);
  });

  it('closes an authenticated request whose body trickles in, after the request timeout', async () => {
    const r = await trickle(port, post(`authorization: Bearer ${ADMIN_TOKEN}\r\n`), body, 100, 8000);
    expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(1900);
    expect(r.closedAfterMs).toBeLessThan(4000);
  });

  it('answers 401 to an unauthenticated trickling body at once and closes the connection', async () => {
    const r = await trickle(port, post(''), body, 100, 8000);
    expect(r.answer).toMatch(/^HTTP\/1\.1 401/);
    expect(r.answer.toLowerCase()).toContain('connection: close');
    expect(r.answeredAfterMs).toBeLessThan(500);
    // Well before the request timeout: the rest of the body is not waited for.
    expect(r.closedAfterMs).toBeLessThan(1000);
  });

  it('keeps the connection of a request that arrived whole', async () => {
    const whole = post(`authorization: Bearer ${ADMIN_TOKEN}\r\n`) + body;
    const r = await trickle(port, whole, '', 100, 500);
    expect(r.answer).toMatch(/^HTTP\/1\.1 201/);
    expect(r.answer.toLowerCase()).toContain('connection: keep-alive');
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(490); // closed by the test, not the server
  });
});

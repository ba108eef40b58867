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

/** Sends each request once the previous one was answered, on one connection; the answers. */
function onOneConnection(port: number, requests: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const answers: string[] = [];
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      // An answer is whole once its headers and content-length bytes are in (ASCII bodies here).
      const headEnd = buffer.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(buffer.slice(0, headEnd))?.[1] ?? 0);
      if (headEnd < 0 || buffer.length < headEnd + 4 + length) return;
      answers.push(buffer.slice(0, headEnd + 4 + length));
      buffer = buffer.slice(headEnd + 4 + length);
      const next = requests[answers.length];
      if (next === undefined) socket.destroy();
      else socket.write(next);
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answers));
    socket.write(requests[0] ?? '');
  });
}

const body = '{"name":"Slow","sheetUrl":"https://example.com/slow.csv"}'.padEnd(400, ' ');
const post = (auth: string) =>
  `POST /api/customers HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n` +
  `content-length: ${body.length}\r\n${auth}\r\n`;

/**
 * Node's own timeouts, kept short so each case takes about a second; what matters is their order:
 * the headers case closes before the request timeout could have, the body case after it.
 */
const REQUEST_TIMEOUT_MS = 1000;
const HEADERS_TIMEOUT_MS = 250;

describeEachDialect('request timeouts over real HTTP', (dialect) => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness(dialect, {
      LEADSYNC_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      LEADSYNC_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
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
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 25);
    expect(r.closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS);
  });

  it('closes an authenticated request whose body trickles in, after the request timeout', async () => {
    const r = await trickle(port, post(`authorization: Bearer ${ADMIN_TOKEN}\r\n`), body, 100, 8000);
    expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(r.closedAfterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(r.closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS * 2);
  });

  it('answers 401 to an unauthenticated trickling body at once and closes the connection', async () => {
    const r = await trickle(port, post(''), body, 100, 8000);
    expect(r.answer).toMatch(/^HTTP\/1\.1 401/);
    expect(r.answer.toLowerCase()).toContain('connection: close');
    // Well before the request timeout: the rest of the body is not waited for.
    expect(r.answeredAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS / 2);
    expect(r.closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS / 2);
  });

  it('keeps the connection of a request that arrived whole', async () => {
    const whole = post(`authorization: Bearer ${ADMIN_TOKEN}\r\n`) + body;
    const answers = await onOneConnection(port, [whole, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n']);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 201/);
    expect(answers[0]?.toLowerCase()).toContain('connection: keep-alive');
    // The proof it was kept: the next request on the same connection is answered.
    expect(answers[1]).toMatch(/^HTTP\/1\.1 200/);
  });
});

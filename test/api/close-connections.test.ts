import { connect, type Socket } from 'node:net';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.js';
import { startHarness } from './harness.js';
import { listenOnLoopback } from './raw-http.js';

/** A connection opened and left silent, as a browser's spare one; resolves once it is connected. */
function silentConnection(port: number): Promise<{ socket: Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/**
 * Closing the service (SIGTERM) does not wait for connections that never sent a request: Node's
 * `server.close()` would, until the headers timeout closed them. The timeout here is far longer
 * than the test's, so only the close itself can end the connection in time.
 */
describeEachDialect('closing the API', (dialect) => {
  it('drops the connections that never carried a request, at once', async () => {
    const h = await startHarness(dialect, {
      LEADSYNC_REQUEST_TIMEOUT_MS: '600000',
      LEADSYNC_HEADERS_TIMEOUT_MS: '600000',
    });
    try {
      const port = await listenOnLoopback(h.app);
      const spare = await silentConnection(port);
      // A request on a keep-alive connection: answered, then idle (Fastify closes those itself).
      const used = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(used.status).toBe(200);
      await used.text();

      await h.app.close();
      await spare.closed;
      expect(spare.socket.destroyed).toBe(true);
    } finally {
      await h.close();
    }
  });
});

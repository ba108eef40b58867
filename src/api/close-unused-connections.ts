import type { Socket } from 'node:net';
import type { App } from './context.js';

/**
 * On close, drops the connections that never carried a request. Browsers open such spare
 * connections ahead of need; Fastify closes the idle keep-alive ones, but Node's `server.close()`
 * waits for these until the headers timeout (LEADSYNC_HEADERS_TIMEOUT_MS, 10 s by default)
 * closes them, which held up a graceful shutdown by as long. They hold no request, so nothing is lost.
 */
export function closeUnusedConnections(app: App): void {
  const unused = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  app.server.on('request', (request: { socket: Socket }) => unused.delete(request.socket));
  app.addHook('preClose', async () => {
    for (const socket of unused) socket.destroy();
    unused.clear();
  });
}
